"""Pixels and bytes of one picture: finding the face (MediaPipe), solving the 480x640 crop,
encoding the JPEG, parsing JPEG files and opening image sources.

Imports only the shared modules (:mod:`capture_station.standard`, ``paths``, ``atomic_io``):
no check, no record, no camera, no Qt.
"""
