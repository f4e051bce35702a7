"""Face analysis on real portraits: the measurements do not depend on the analysis size."""

from __future__ import annotations

import cv2
import pytest

from capture_station.imaging.face_analysis import FaceAnalyzer

import imagery


@pytest.fixture(scope="module")
def analyzer():
    with FaceAnalyzer() as an:
        yield an


@pytest.mark.parametrize("width", [640, 800, 960, 1100, 1280])
def test_crown_and_eyes_are_stable_across_analysis_sizes(analyzer, width):
    shot = imagery.composite(imagery.grace_hopper(), scale=1.35, canvas=(1280, 720), bottom=760)
    ref = analyzer.analyse(shot).primary
    h = round(shot.shape[0] * width / shot.shape[1])
    small = cv2.resize(shot, (width, h), interpolation=cv2.INTER_AREA)
    face = analyzer.analyse(small).primary
    k = shot.shape[1] / width
    assert face is not None and face.crown_y is not None and ref.crown_y is not None
    assert face.crown_y >= 0
    assert abs(face.crown_y * k - ref.crown_y) < 6
    assert abs(face.eye_y * k - ref.eye_y) < 4
    assert abs(face.face_width * k - ref.face_width) < 8


def test_second_face_is_counted(analyzer):
    import numpy as np

    shot = imagery.composite(imagery.grace_hopper(), scale=1.35, canvas=(1600, 900), bottom=950)
    other = cv2.resize(imagery.astronaut(), (300, 300))
    both = shot.copy()
    both[40:340, 1250:1550] = other
    assert analyzer.analyse(shot).face_count == 1
    assert analyzer.analyse(np.ascontiguousarray(both)).face_count == 2
