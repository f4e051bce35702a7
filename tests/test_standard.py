from __future__ import annotations

import pytest

from capture_station.imaging.crop_solver import CropSolver, HeadMeasurements
from capture_station.standard import StandardError, load_standard


def test_numbers_of_the_standard(standard):
    f, g = standard.file, standard.geometry
    assert (f.width, f.height, f.dpi, f.bits_per_pixel) == (480, 640, 300, 24)
    assert (f.min_quality, f.min_bytes, f.max_bytes) == (60, 20480, 40000)
    assert (g.crown_min, g.crown_max, g.eyes_min, g.eyes_max) == (50, 110, 200, 300)
    assert (g.face_width_min, g.face_width_max) == (180, 300)
    assert standard.background_rgb == (255, 255, 255)
    for cid in ("geometry.crown", "geometry.eyes", "file.size", "file.quality"):
        assert standard.limits(cid).clause


def test_a_second_standard_is_a_data_file(tmp_path, standard):
    text = standard.path.read_text(encoding="utf-8")
    text = text.replace('id = "xinjiang-zikao"', 'id = "other"')
    text = text.replace("eyes_min = 200", "eyes_min = 240").replace("eyes_max = 300", "eyes_max = 320")
    p = tmp_path / "other.toml"
    p.write_text(text, encoding="utf-8")
    other = load_standard(str(p))
    m = HeadMeasurements(crown_y=400, eye_y=700, face_width=400, centre_x=1000)
    a = CropSolver(standard).solve(m, (2000, 3000))
    b = CropSolver(other).solve(m, (2000, 3000))
    assert a.feasible and b.feasible
    assert 200 <= a.eyes_out <= 300
    assert 240 <= b.eyes_out <= 320
    assert b.eyes_out > a.eyes_out


def test_broken_standard_is_refused(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[standard]\nid='x'\n", encoding="utf-8")
    with pytest.raises(StandardError):
        load_standard(str(p))
