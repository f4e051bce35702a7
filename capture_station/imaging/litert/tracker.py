"""Which regions the face mesh runs on, frame after frame: MediaPipe's ``FaceLandmarkFrontCpu``.

A still (``live=False``) is searched from scratch: short-range face detection, each detection
turned into a region (``FaceDetectionFrontDetectionToRoi``: box turned level by the eye
keypoints, squared, scaled 1.5), the mesh on each. In video the region each face had in the
previous frame is used again (from its landmarks: :func:`~.mesh.landmarks_to_roi`), so a face
keeps its mesh while it moves; the detector still runs while fewer than ``max_faces`` are
tracked, and a new detection counts only where it overlaps no tracked region by more than an
IoU of 0.5 (``AssociationNormRectCalculator``: the tracked region wins). A face the mesh no
longer sees (presence below 0.5) is dropped, and found again by the detector.
"""

from __future__ import annotations

import math

import numpy as np

from capture_station.imaging.litert.detector import Detection, FaceDetector, iou
from capture_station.imaging.litert.mesh import FACE_ROI_SCALE, FaceMesh, landmarks_to_roi
from capture_station.imaging.litert.roi import Rect, rect_from_box, rotation_between, transform

ASSOCIATION_IOU = 0.5


def detection_to_roi(det: Detection) -> Rect:
    """The mesh's region for a detection: turned by the line between the eye keypoints."""
    rot = rotation_between(det.keypoints[0], det.keypoints[1])
    return transform(rect_from_box(*det.box, rot), FACE_ROI_SCALE)


def _upright_box(r: Rect) -> tuple[float, float, float, float]:
    """The rectangle's box ignoring its rotation, as the association compares them."""
    return (r.cx - r.width / 2, r.cy - r.height / 2, r.cx + r.width / 2, r.cy + r.height / 2)


def associate(detected: list[Rect], tracked: list[Rect]) -> list[Rect]:
    """New detections that overlap no tracked region, then the tracked regions."""
    tracked_boxes = [_upright_box(t) for t in tracked]
    fresh = [d for d in detected
             if all(iou(_upright_box(d), t) <= ASSOCIATION_IOU for t in tracked_boxes)]
    return fresh + list(tracked)


class MeshTracker:
    def __init__(self, live: bool, max_faces: int, min_detection: float = 0.5,
                 min_tracking: float = 0.5) -> None:
        self.live = live
        self.max_faces = max_faces
        self._detector = FaceDetector(short=True, min_score=min_detection)
        self._mesh = FaceMesh(min_presence=min_tracking)
        self._tracked: list[Rect] = []

    def reset(self) -> None:
        self._tracked = []

    def faces(self, rgb: np.ndarray) -> list[np.ndarray]:
        """(478, 3) landmarks in picture pixels for every face found."""
        tracked = self._tracked if self.live else []
        rois = list(tracked)
        if len(tracked) < self.max_faces:
            dets = self._detector.detect(rgb)[:self.max_faces]
            rois = associate([detection_to_roi(d) for d in dets], tracked)
        faces: list[np.ndarray] = []
        for roi in rois:
            if len(faces) >= self.max_faces:
                break
            if not (math.isfinite(roi.cx) and roi.width > 1):
                continue
            lm = self._mesh.landmarks(rgb, roi)
            if lm is not None:
                faces.append(lm)
        self._tracked = [landmarks_to_roi(f) for f in faces] if self.live else []
        return faces
