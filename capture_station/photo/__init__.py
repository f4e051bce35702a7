"""Making and verifying the photo: a shot analysed, cropped, encoded and checked on its own
bytes (:mod:`.pipeline`), and finished photos re-verified many at a time (:mod:`.verify_pool`).

Builds on :mod:`capture_station.imaging` and :mod:`capture_station.checks`; knows nothing of
candidates, the store or cameras (filing a photo under a candidate is
:mod:`capture_station.records.filing`).
"""
