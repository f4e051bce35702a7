"""The 478-point face mesh on LiteRT: MediaPipe's attention model, as ``FaceMesh(refine_landmarks)``.

``face_landmark_with_attention.tflite`` is the model MediaPipe's face mesh runs with refined
landmarks: 468 mesh points plus its own finer lips, eye contours and irises. LiteRT lacks three
of its operators; :mod:`.split_model` runs it round them with :mod:`.custom_ops`. The crop is
``face_landmark_cpu``'s (the rotated region, 192x192, values 0..1); the outputs are put together
as ``tensors_to_face_landmarks_with_attention`` does (``LandmarksRefinementCalculator``): the
refined lips and eyes replace those mesh points' x and y (their depth stays the mesh's), the
irises become 468-472 and 473-477 with the mean depth of their eye's contour.
"""

from __future__ import annotations

import numpy as np

from capture_station.imaging.litert import models
from capture_station.imaging.litert.custom_ops import CUSTOM_OPS
from capture_station.imaging.litert.roi import (
    Rect,
    crop_to_tensor,
    project,
    rect_from_box,
    rotation_between,
    transform,
)
from capture_station.imaging.litert.split_model import SplitModel

MESH_SIZE = 192
FACE_ROI_SCALE = 1.5
OUTPUTS = ("output_mesh_identity", "output_lips", "output_left_eye", "output_right_eye",
           "output_left_iris", "output_right_iris", "conv_faceflag")
# Where the refined points go (tensors_to_face_landmarks_with_attention.pbtxt).
LIPS_INDICES = (
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409,
    78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415,
    76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408,
    62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407,
)
# image-left eye (the subject's right), then image-right
EYE_INDICES = (
    (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
     130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190,
     226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189,
     35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245,
     156, 70, 63, 105, 66, 107, 55, 193),
    (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
     359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414,
     446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413,
     265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465,
     383, 300, 293, 334, 296, 336, 285, 417),
)
IRIS_FIRST = (468, 473)
EYELID_POINTS = 16  # the first 16 of an eye's 71: the eyelids, whose mean depth the iris takes


def landmarks_to_roi(points: np.ndarray) -> Rect:
    """``FaceLandmarkLandmarksToRoi``: the region the next video frame is searched in -- the
    landmarks' box turned level by the line between the outer eye corners (33 -> 263), squared
    and scaled 1.5. (Some copies of the graph name 133, the inner corner of the same eye; the
    0.10.21 wheel tracks as 263 does: its live landmarks agree within 0.1 px then, 1.4 px
    off with 133.)"""
    x0, y0 = points[:, 0].min(), points[:, 1].min()
    x1, y1 = points[:, 0].max(), points[:, 1].max()
    rot = rotation_between(points[33, :2], points[263, :2])
    return transform(rect_from_box(x0, y0, x1, y1, rot), FACE_ROI_SCALE)


class FaceMesh:
    """:meth:`landmarks` gives the 478 points of the face in one region."""

    def __init__(self, min_presence: float = 0.5) -> None:
        data = models.model_path(models.FACE_LANDMARK_ATTENTION).read_bytes()
        self._model = SplitModel(data, CUSTOM_OPS, OUTPUTS, num_threads=models.NUM_THREADS)
        self.min_presence = min_presence
        self._model.run(np.zeros((1, MESH_SIZE, MESH_SIZE, 3), np.float32))

    def landmarks(self, rgb: np.ndarray, roi: Rect) -> np.ndarray | None:
        """(478, 3) points in picture pixels, or None when the model sees no face there
        (face-presence score below ``min_presence``, as MediaPipe's tracking threshold)."""
        tensor = crop_to_tensor(rgb, roi, MESH_SIZE, MESH_SIZE, (0.0, 1.0))
        mesh, lips, left, right, left_iris, right_iris, flag = self._model.run(tensor)
        presence = 1.0 / (1.0 + np.exp(-float(flag.reshape(-1)[0])))
        if presence < self.min_presence:
            return None
        pts = np.zeros((478, 3), np.float64)
        pts[:468] = mesh.reshape(-1, 3)
        pts[list(LIPS_INDICES), :2] = lips.reshape(-1, 2)
        for eye, (contour, iris) in enumerate(((left, left_iris), (right, right_iris))):
            idx = list(EYE_INDICES[eye])
            pts[idx, :2] = contour.reshape(-1, 2)
            first = IRIS_FIRST[eye]
            pts[first:first + 5, :2] = iris.reshape(-1, 2)
            pts[first:first + 5, 2] = pts[idx[:EYELID_POINTS], 2].mean()
        return project(pts / MESH_SIZE, roi)
