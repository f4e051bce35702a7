"""face.count: a detection inside a meshed face is part of that face, not a second person."""

from __future__ import annotations

import numpy as np

from capture_station.checks.geometry_checks import _face_count
from capture_station.imaging.face_analysis import Analysis, Face


def _analysis(face_boxes, detections) -> Analysis:  # type: ignore[no-untyped-def]
    faces = [Face(landmarks=np.zeros((478, 3)), box=b) for b in face_boxes]
    return Analysis(size=(400, 400), faces=faces,
                    detections=[(*d, 0.7) for d in detections], person_mask=None)


def test_detections_inside_a_face_do_not_count_as_people() -> None:
    face = (60.0, 10.0, 300.0, 290.0)
    # the face's own detection and one on its cheek (a hand, hair): one person
    assert _face_count(_analysis([face], [(15, 9, 304, 296), (11, 61, 152, 202)])) == 1
    # a detection beside the face: a second person
    assert _face_count(_analysis([face], [(15, 9, 304, 296), (310, 40, 390, 130)])) == 2
    # no mesh: every detection is a face
    assert _face_count(_analysis([], [(0, 0, 50, 50), (100, 100, 150, 150)])) == 2
    # two meshed faces side by side, each with its own detection
    other = (310.0, 20.0, 398.0, 140.0)
    assert _face_count(_analysis([face, other], [face, other])) == 2
