"""BlazeFace face detection on LiteRT, decoded as MediaPipe's face-detection graphs do.

``face_detection.pbtxt``: the picture is letterboxed into the square input (aspect kept, black
borders, values -1..1), the outputs are decoded against the SSD anchors
(``TensorsToDetectionsCalculator``: boxes and six keypoints as offsets scaled by the input
size, scores through a sigmoid clipped at +-100), overlapping boxes are merged by weighted
non-maximum suppression (``NonMaxSuppressionCalculator``, WEIGHTED, IoU 0.3) and the result is
projected back into the picture's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capture_station.imaging.litert import anchors, models
from capture_station.imaging.litert.roi import Rect, crop_to_tensor

NMS_IOU = 0.3
SCORE_CLIP = 100.0


@dataclass(frozen=True)
class Detection:
    """One face: box and keypoints in picture pixels. Keypoints: right eye, left eye (the
    subject's; image left first), nose tip, mouth, right ear, left ear."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    keypoints: np.ndarray  # (6, 2)
    score: float


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(dets: list[Detection], threshold: float = NMS_IOU) -> list[Detection]:
    """MediaPipe's weighted non-maximum suppression: the best-scoring box takes every box that
    overlaps it by more than ``threshold`` (itself included) and becomes their score-weighted
    mean, keypoints too; its score stays the best one's. Repeated on what is left."""
    remaining = sorted(dets, key=lambda d: d.score, reverse=True)
    out: list[Detection] = []
    while remaining:
        top = remaining[0]
        group = [d for d in remaining if iou(d.box, top.box) > threshold]
        rest = [d for d in remaining if iou(d.box, top.box) <= threshold]
        if len(rest) == len(remaining):  # cannot happen (top overlaps itself); never loop
            rest = remaining[1:]
            group = [top]
        w = np.array([d.score for d in group])
        boxes = np.array([d.box for d in group])
        kps = np.stack([d.keypoints for d in group])
        total = w.sum()
        box = tuple(float(v) for v in (boxes * w[:, None]).sum(0) / total)
        kp = (kps * w[:, None, None]).sum(0) / total
        out.append(Detection(box=box, keypoints=kp, score=top.score))  # type: ignore[arg-type]
        remaining = rest
    return out


class FaceDetector:
    """``short=True``: the short-range model the face mesh uses to find faces (within about
    2 m); otherwise the full-range model of MediaPipe's ``FaceDetection(model_selection=1)``."""

    def __init__(self, short: bool, min_score: float = 0.5) -> None:
        opt = anchors.SHORT_RANGE if short else anchors.FULL_RANGE
        name = models.SHORT_RANGE_DETECTOR if short else models.FULL_RANGE_DETECTOR
        outputs = ("regressors", "classificators") if short else ("Identity", "Identity_1")
        self._model = models.Model(name, outputs)
        self._anchors = anchors.ssd_anchors(opt)
        self._size = opt.input_size
        self.min_score = min_score

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Faces in an RGB picture, best first, in its pixels."""
        h, w = rgb.shape[:2]
        side = float(max(w, h))  # the letterbox: the picture centred in a square
        square = Rect(w / 2, h / 2, side, side)
        tensor = crop_to_tensor(rgb, square, self._size, self._size, (-1.0, 1.0),
                                border_zero=True)
        raw_boxes, raw_scores = self._model.run(tensor)
        scores = np.clip(raw_scores[0, :, 0].astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
        scores = 1.0 / (1.0 + np.exp(-scores))
        keep = np.flatnonzero(scores >= self.min_score)
        if keep.size == 0:
            return []
        raw = raw_boxes[0, keep].astype(np.float64) / self._size
        anc = self._anchors[keep].astype(np.float64)
        cx = raw[:, 0] + anc[:, 0]
        cy = raw[:, 1] + anc[:, 1]
        bw, bh = raw[:, 2], raw[:, 3]
        kx = raw[:, 4::2] + anc[:, :1]
        ky = raw[:, 5::2] + anc[:, 1:2]
        # tensor (0..1 of the square) -> picture pixels
        ox, oy = w / 2 - side / 2, h / 2 - side / 2
        dets = []
        for i in range(keep.size):
            box = (ox + (cx[i] - bw[i] / 2) * side, oy + (cy[i] - bh[i] / 2) * side,
                   ox + (cx[i] + bw[i] / 2) * side, oy + (cy[i] + bh[i] / 2) * side)
            kp = np.stack([ox + kx[i] * side, oy + ky[i] * side], axis=1)
            dets.append(Detection(box=box, keypoints=kp, score=float(scores[keep[i]])))
        return weighted_nms(dets)
