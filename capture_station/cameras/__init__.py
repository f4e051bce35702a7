"""Cameras for the capture station: one interface, three kinds (webcam, gphoto2 DSLR, demo).

Everything here is core (no Qt): the GUI subscribes to frames, errors and connection states by
callback and forwards them to its own thread. Typical use::

    from capture_station.cameras import open_camera

    cam = open_camera("demo")          # or "webcam:0", "gphoto2", "gphoto2:usb:001,004"
    cam.on_frame(lambda frame: ...)    # worker thread
    cam.start_live()
    frame = cam.wait_frame(after_number=0, timeout=1.0)
    still = cam.capture_still()        # still.rgb; still.data/filename for a DSLR JPEG
    cam.close()

The camera classes themselves (:mod:`.webcam`, :mod:`.dslr`, :mod:`.demo`) are imported on
demand by :func:`create_camera`; importing this package pulls in neither gphoto2 nor MediaPipe.
"""

from __future__ import annotations

from capture_station.cameras.base import (
    Camera,
    CameraDisconnected,
    CameraError,
    CameraInfo,
    Capabilities,
    ConnectionState,
    ReconnectPolicy,
    Setting,
    Still,
)
from capture_station.cameras.frames import Frame, FrameSlot
from capture_station.cameras.registry import (
    KINDS,
    create_camera,
    list_cameras,
    open_camera,
    parse_spec,
)
from capture_station.cameras.worker import LatestWinsWorker

__all__ = [
    "KINDS",
    "Camera",
    "CameraDisconnected",
    "CameraError",
    "CameraInfo",
    "Capabilities",
    "ConnectionState",
    "Frame",
    "FrameSlot",
    "LatestWinsWorker",
    "ReconnectPolicy",
    "Setting",
    "Still",
    "create_camera",
    "list_cameras",
    "open_camera",
    "parse_spec",
]
