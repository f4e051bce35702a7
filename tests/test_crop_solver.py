"""Crop solver: bands hold for every feasible answer; infeasible answers say which way to move."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from capture_station.imaging.crop_solver import CropSolver, HeadMeasurements

TOL = 1e-6


@settings(max_examples=400, deadline=None)
@given(
    W=st.integers(300, 7000),
    H=st.integers(300, 7000),
    fw=st.floats(40, 2500),
    d_ratio=st.floats(0.3, 1.2),  # crown-to-eye distance relative to face width
    cx=st.floats(0, 1),
    ey=st.floats(0, 1),
)
def test_feasible_means_bands_hold_and_rect_inside(standard, W, H, fw, d_ratio, cx, ey):
    g = standard.geometry
    eye_y = ey * H
    m = HeadMeasurements(
        crown_y=eye_y - d_ratio * fw, eye_y=eye_y, face_width=fw, centre_x=cx * W
    )
    sol = CropSolver(standard, grid=300).solve(m, (W, H))
    if not sol.feasible:
        assert sol.problems, "an infeasible answer must say why"
        return
    assert sol.left >= -TOL and sol.top >= -TOL
    assert sol.left + sol.width <= W + 1e-4 and sol.top + sol.height <= H + 1e-4
    assert abs(sol.width * 4 - sol.height * 3) < 1e-6 * sol.height
    assert sol.scale <= g.max_upscale + TOL
    # recompute positions from the rectangle itself
    crown = (m.crown_y - sol.top) * sol.scale
    eyes = (m.eye_y - sol.top) * sol.scale
    width = m.face_width * sol.scale
    centre = (m.centre_x - sol.left) * sol.scale
    assert g.crown_min - TOL <= crown <= g.crown_max + TOL
    assert g.eyes_min - TOL <= eyes <= g.eyes_max + TOL
    assert g.face_width_min - TOL <= width <= g.face_width_max + TOL
    assert abs(centre - 240) <= g.centre_tolerance + TOL


def _m(**kw):
    base = dict(crown_y=600.0, eye_y=900.0, face_width=450.0, centre_x=1000.0)
    base.update(kw)
    return HeadMeasurements(**base)


def test_comfortable_shot_aims_at_the_middle(standard):
    sol = CropSolver(standard).solve(_m(), (2000, 3000))
    assert sol.feasible and sol.margin > 0.5
    assert abs(sol.centre_out - 240) < 0.5


def test_head_near_top_edge_says_raise_camera(standard):
    sol = CropSolver(standard).solve(_m(crown_y=40, eye_y=340), (2000, 3000))
    assert not sol.feasible
    assert [p.code for p in sol.problems] == ["raise_camera"]


def test_head_near_bottom_says_lower_camera(standard):
    sol = CropSolver(standard).solve(_m(crown_y=2700, eye_y=3000 - 10), (2000, 3000))
    assert not sol.feasible
    assert "lower_camera" in [p.code for p in sol.problems]


def test_subject_at_left_edge_says_pan_left(standard):
    sol = CropSolver(standard).solve(_m(centre_x=150), (2000, 3000))
    assert not sol.feasible
    assert "pan_left" in [p.code for p in sol.problems]


def test_subject_at_right_edge_says_pan_right(standard):
    sol = CropSolver(standard).solve(_m(centre_x=1900), (2000, 3000))
    assert "pan_right" in [p.code for p in sol.problems]


def test_face_filling_the_frame_says_too_close(standard):
    sol = CropSolver(standard).solve(_m(crown_y=100, eye_y=700, face_width=1400), (1600, 1400))
    assert not sol.feasible
    assert [p.code for p in sol.problems] == ["too_close"]


def test_tiny_face_says_too_far(standard):
    sol = CropSolver(standard).solve(_m(crown_y=600, eye_y=640, face_width=60), (2000, 3000))
    assert [p.code for p in sol.problems] == ["too_far"]


def test_small_picture_says_too_small(standard):
    sol = CropSolver(standard).solve(_m(crown_y=20, eye_y=190, face_width=181, centre_x=260), (512, 600))
    assert [p.code for p in sol.problems] == ["too_small"]


def test_very_tall_hair_names_the_crown_band(standard):
    # crown to eyes 1.6x the face width: no scale puts crown, eyes and width in their bands
    sol = CropSolver(standard).solve(_m(crown_y=100, eye_y=820, face_width=450), (3000, 4000))
    assert not sol.feasible
    assert sol.problems[0].code.startswith("band.")
    assert sol.problems[0].amount > 0


def test_clipped_head_is_reported(standard):
    sol = CropSolver(standard).solve(_m(crown_y=0, eye_y=300, crown_clipped=True), (2000, 3000))
    assert not sol.feasible
    assert "head_cut_off" in [p.code for p in sol.problems]
