"""A shot no photo can be made from: the operator hears about everything wrong with it at once,
and ``process`` counts its faces as ``check`` does on the same picture."""

from __future__ import annotations

import cv2
import numpy as np

from capture_station.checks import Status
from capture_station.imaging.image_source import ArraySource, open_image_bytes
from capture_station.records.filing import file_photo

import imagery


def _side_shot(backdrop: tuple[int, int, int]) -> np.ndarray:
    """Grace Hopper near the left edge of the picture: no crop of the bands fits (pan left)."""
    shot = imagery.composite(imagery.grace_hopper(), scale=3.0, canvas=(2400, 2600),
                             backdrop=backdrop, seed=3)
    return np.ascontiguousarray(shot[:, 1000:])


def test_a_blue_backdrop_is_reported_with_the_framing(pipeline, tmp_path):
    res = file_photo(pipeline, ArraySource(_side_shot((70, 120, 200)), "blue"), "1234567890",
                     out_dir=tmp_path)
    assert not res.saved and res.final is None
    assert res.shot.crop is not None and not res.shot.crop.feasible
    by_id = {c.id: c for c in res.checks}
    assert by_id["geometry.crop_fits"].status == Status.FAIL
    assert by_id["background.white"].status == Status.FAIL, by_id["background.white"].message_en
    # the content checks are measured on the shot, not left out
    for cid in ("expression.mouth_closed", "pose.yaw", "lighting.exposure", "sharpness.focus"):
        assert cid in by_id, cid


def test_a_white_backdrop_shot_without_a_crop_fails_only_the_framing(pipeline, tmp_path):
    res = file_photo(pipeline, ArraySource(_side_shot((250, 250, 250)), "white"), "1234567890",
                     out_dir=tmp_path)
    assert not res.saved
    failing = {c.id for c in res.checks if c.status == Status.FAIL}
    assert "geometry.crop_fits" in failing
    assert not {f for f in failing if f.startswith(("background.", "expression.", "pose."))}, failing


def test_process_and_check_count_the_same_faces_on_a_shot(pipeline, tmp_path):
    """A second face cut by the frame's edge beside a shot that cannot be cropped."""
    shot = _side_shot((250, 250, 250))
    other = cv2.resize(imagery.astronaut(), (520, 520), interpolation=cv2.INTER_AREA)
    both = shot.copy()
    # the astronaut's face runs off the right edge of the picture by a fifth of its width
    both[150:670, 1400 - 420:1400] = other[:, :420]
    data = imagery.jpeg_bytes(np.ascontiguousarray(both), quality=95)
    checked = pipeline.verify_bytes(data, "shot.jpg")
    n_check = {c.id: c for c in checked.checks}["face.count"]
    res = file_photo(pipeline, open_image_bytes(data, "shot.jpg"), "1234567890", out_dir=tmp_path)
    assert not res.saved and res.final is None
    n_process = {c.id: c for c in res.checks}["face.count"]
    assert n_check.status == Status.FAIL and n_check.value == 2, n_check.message_en
    assert (n_process.status, n_process.value) == (n_check.status, n_check.value)


def test_an_object_on_the_backdrop_of_a_shot_without_a_crop_is_found(pipeline, tmp_path):
    """The shot is judged whole, as ``check`` judges it -- not through a would-be crop reaching
    past its edges, whose grid shrinks the shot to a thumbnail where the object is a speck."""
    shot = _side_shot((250, 250, 250))
    # a framed picture on the wall behind, right of the sitter (about 1.5 % of the shot)
    shot[260:560, 900:1150] = (40, 90, 140)
    shot[300:520, 940:1110] = (200, 170, 90)
    res = file_photo(pipeline, ArraySource(shot, "object"), "1234567890", out_dir=tmp_path)
    assert not res.saved and res.final is None
    checked = pipeline.verify_bytes(imagery.jpeg_bytes(shot, quality=95), "shot.jpg")
    by_check = {c.id: c for c in checked.checks}
    by_process = {c.id: c for c in res.checks}
    assert by_check["background.clutter"].status == Status.FAIL
    assert by_process["background.clutter"].status == Status.FAIL, \
        by_process["background.clutter"].message_en


def test_a_shot_whose_file_cannot_be_encoded_is_judged_whole(pipeline, tmp_path, monkeypatch):
    """A crop that fits but a file that does not (too noisy for the size limit): no photo
    either, and the blue backdrop is reported with the reason."""
    from capture_station.imaging.encoder import EncodeError

    shot = imagery.composite(imagery.grace_hopper(), scale=3.0, canvas=(2400, 2600),
                             backdrop=(70, 120, 200), seed=3)

    def too_big(rgb):  # type: ignore[no-untyped-def]
        raise EncodeError("even at quality 60 the file is too big")

    monkeypatch.setattr(pipeline.encoder, "encode", too_big)
    res = file_photo(pipeline, ArraySource(shot, "noisy"), "1234567890", out_dir=tmp_path)
    assert not res.saved and res.final is None and "quality 60" in str(res.reason or "")
    assert res.shot.feasible
    by_id = {c.id: c for c in res.checks}
    assert by_id["background.white"].status == Status.FAIL
