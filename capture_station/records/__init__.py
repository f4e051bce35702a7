"""The station's records: the store of photos and their history, candidate IDs, the roster,
filing a photo under a candidate, the export for upload, merging another station's export, and
CSV cells that are safe to open in a spreadsheet.

May use the photo layer (an export re-verifies every photo) but never cameras, calibration, the
command line or the window.
"""
