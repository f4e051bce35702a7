"""The LiteRT backend of :class:`~capture_station.imaging.face_analysis.FaceAnalyzer`: the
same three answers the MediaPipe backend gives, from the vendored models."""

from __future__ import annotations

import numpy as np

from capture_station.imaging.litert.detector import FaceDetector
from capture_station.imaging.litert.segmenter import Segmenter
from capture_station.imaging.litert.tracker import MeshTracker

Box = tuple[float, float, float, float, float]
# The full-range graph's own threshold. MediaPipe's FaceDetection(min_detection_confidence=0.5)
# passes 0.5 as a graph option, but the inner node's 0.6 (face_detection_full_range.pbtxt) is
# what its detections show: measured, none below 0.6, and with 0.6 here the boxes are the same.
FULL_RANGE_MIN_SCORE = 0.6


class LiteRtEngine:
    name = "litert"

    def __init__(self, live: bool, max_faces: int) -> None:
        self._tracker = MeshTracker(live=live, max_faces=max_faces)
        self._detector = FaceDetector(short=False, min_score=FULL_RANGE_MIN_SCORE)
        self._segmenter = Segmenter()

    def landmarks(self, rgb: np.ndarray) -> list[np.ndarray]:
        """(478, 3) landmarks in pixels (z in pixel-like units), one array per face."""
        return self._tracker.faces(rgb)

    def detect(self, rgb: np.ndarray) -> list[Box]:
        """Full-range detections: x0, y0, x1, y1 in pixels and the score, best first."""
        return [(*d.box, d.score) for d in self._detector.detect(rgb)]

    def segment(self, rgb: np.ndarray) -> np.ndarray:
        return self._segmenter.person_mask(rgb)

    def close(self) -> None:
        self._tracker.reset()
