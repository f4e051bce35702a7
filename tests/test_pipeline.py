"""From a real portrait shot to a saved photo that meets every file and geometry rule,
measured again on the saved pixels with models and methods other than the ones that made it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from capture_station.imaging.image_source import ArraySource, open_image_bytes
from capture_station.imaging.jpeg_info import estimate_quality, parse_jpeg
from capture_station.records.filing import file_photo
from capture_station.records.store import Store

import imagery


def _independent_eye_row(rgb: np.ndarray) -> float:
    """Eye height from the face *detector's* keypoints (a different model from the mesh)."""
    mp = pytest.importorskip("mediapipe")  # the independent measure: where its wheel exists

    with mp.solutions.face_detection.FaceDetection(model_selection=1) as fd:
        det = fd.process(rgb).detections
    assert det and len(det) == 1
    kp = det[0].location_data.relative_keypoints
    return (kp[0].y + kp[1].y) / 2 * rgb.shape[0]


def _independent_crown_row(rgb: np.ndarray) -> int:
    """Top of head without MediaPipe: first row whose centre columns leave the white backdrop."""
    centre = rgb[:, 180:300].astype(np.int16)
    dark = (255 - centre).max(axis=2) > 60
    rows = np.where(dark.mean(axis=1) > 0.05)[0]
    return int(rows[0])


# The astronaut portrait smiles with open lips: the expression checks refuse it (二.2), so it is
# saved only with --force; its file and geometry rules must hold all the same.
@pytest.mark.parametrize("fixture,smiles", [("hopper_shot", False), ("astronaut_shot", True)])
def test_process_writes_a_compliant_photo(request, tmp_path, pipeline, standard, fixture, smiles):
    shot = request.getfixturevalue(fixture)
    store = Store(tmp_path / "store", standard)
    res = file_photo(pipeline, open_image_bytes(shot, f"{fixture}.jpg"), "650101202400123", store=store,
                           force=smiles, override_reason="test" if smiles else None)
    assert res.saved, res.reason
    failing = {c.id for c in res.checks if c.status.value == "fail"}
    if smiles:
        assert not res.compliant
        assert failing and all(f.startswith("expression.") for f in failing), failing
    else:
        assert res.compliant, res.reason
    data = (tmp_path / "store" / "photos" / "650101202400123.jpg").read_bytes()
    assert data == res.data
    # file rules, read from disk
    assert standard.file.min_bytes <= len(data) <= standard.file.max_bytes
    info = parse_jpeg(data)
    assert info.sof == "baseline" and info.dpi == (300.0, 300.0) and info.trailing_bytes == 0
    assert estimate_quality(info).quality >= 60
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (480, 640) and im.mode == "RGB"
        assert im.info.get("dpi") == (300, 300)
        rgb = np.asarray(im)
    # geometry, measured independently on the saved pixels
    eyes = _independent_eye_row(rgb)
    crown = _independent_crown_row(rgb)
    assert 200 <= eyes <= 300, eyes
    assert 50 <= crown <= 110, crown
    # and by the station's own measurement
    by_id = {c.id: c for c in res.checks}
    for cid in ("geometry.crown", "geometry.eyes", "geometry.face_width", "geometry.centre"):
        assert by_id[cid].status.value in ("pass", "warn"), by_id[cid].message_en
    assert abs(by_id["geometry.crown"].value - crown) < 12
    assert abs(by_id["geometry.eyes"].value - eyes) < 12
    rec = store.current("650101202400123")
    assert rec is not None and rec.bytes == len(data) and rec.quality == res.quality
    store.close()


def test_raw_small_portrait_is_not_feasible_with_a_hint(pipeline, shots_dir, tmp_path):
    src = open_image_bytes((shots_dir / "hopper_raw.jpg").read_bytes(), "hopper_raw.jpg")
    res = file_photo(pipeline, src, "1234567890", out_dir=tmp_path)
    assert not res.compliant and not res.saved
    why = res.reason.render("en")
    assert "full resolution" in why or "closer" in why
    assert "无法按标准裁切" in res.reason.render("zh_CN")
    assert not list(tmp_path.iterdir())


def test_head_at_top_edge_asks_to_raise_the_camera(pipeline, tmp_path):
    shot = imagery.station_shot_hopper()
    # Cut the shot so the head sits just under the top edge: crown visible, no room above.
    face_top = 830
    tight = np.ascontiguousarray(shot[face_top:, :])
    res = file_photo(pipeline, ArraySource(tight, "tight"), "1234567890", out_dir=tmp_path)
    assert not res.saved
    crop = res.shot.crop
    assert crop is not None and not crop.feasible
    codes = [p.code for p in crop.problems]
    assert "raise_camera" in codes or "head_cut_off" in codes, codes


def test_subject_off_to_the_side_asks_to_pan(pipeline, tmp_path):
    shot = imagery.station_shot_hopper()
    side = np.ascontiguousarray(shot[:, 1000:])  # subject near the left edge of the picture
    res = file_photo(pipeline, ArraySource(side, "side"), "1234567890", out_dir=tmp_path)
    assert not res.saved
    assert "pan_left" in [p.code for p in res.shot.crop.problems]


def test_no_face_is_refused(pipeline, tmp_path):
    blank = np.full((1200, 900, 3), 248, np.uint8)
    res = file_photo(pipeline, ArraySource(blank, "blank"), "1234567890", out_dir=tmp_path)
    assert not res.compliant and res.reason is not None
    assert res.reason.render("en") == "no face found"
    assert res.reason.render("zh_CN") == "未检测到人脸"
    assert res.as_json()["reason"] == "no face found"  # scripts read English
    assert not list(tmp_path.iterdir())


def test_analysis_of_a_24_megapixel_jpeg_uses_reduced_decoding(pipeline, tmp_path):
    big = np.asarray(Image.fromarray(imagery.station_shot_hopper()).resize((4240, 4593)))
    data = imagery.jpeg_bytes(big, quality=90)
    res = file_photo(pipeline, open_image_bytes(data, "big.jpg"), "1234567890", out_dir=tmp_path)
    assert res.saved and res.compliant, res.reason
    # crop expressed in full-size coordinates
    assert res.shot.crop.width > 1500
