"""The MediaPipe backend of :class:`~capture_station.imaging.face_analysis.FaceAnalyzer`.

MediaPipe solutions 0.10.21: face mesh with ``refine_landmarks`` (478 points, the attention
model), the full-range face detector, selfie segmentation model 0. Its wheel exists for x86-64
only; :mod:`capture_station.imaging.face_backend` says when it is used.
"""

from __future__ import annotations

import contextlib

import numpy as np

from capture_station.imaging.mediapipe_import import mediapipe, native_logs_hidden

_WARM_UP_SIZE = 64  # the blank picture each graph runs once while its start-up logs are hidden
# True until the face mesh of this process has found a face: its first landmark projection
# logs one more native line, which is hidden like the start-up ones.
_first_face_pending = True

Box = tuple[float, float, float, float, float]


class MediaPipeEngine:
    name = "mediapipe"

    def __init__(self, live: bool, max_faces: int) -> None:
        mp = mediapipe()  # imported here: slow to import, and only the analyzer needs it
        # The graphs open on their own threads and log while they do (see mediapipe_import);
        # one run on a blank picture waits until every node is open, so the block covers it.
        with native_logs_hidden():
            self._mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=not live,
                max_num_faces=max_faces,
                refine_landmarks=True,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
            # Full-range model: finds faces down to a few percent of the frame (a second person
            # far in the background counts).
            self._detector = mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=0.5
            )
            self._segmenter = mp.solutions.selfie_segmentation.SelfieSegmentation(
                model_selection=0)
            blank = np.zeros((_WARM_UP_SIZE, _WARM_UP_SIZE, 3), np.uint8)
            for sol in (self._mesh, self._detector, self._segmenter):
                sol.process(blank)  # no face on it: a tracking mesh starts from scratch

    def landmarks(self, rgb: np.ndarray) -> list[np.ndarray]:
        global _first_face_pending
        first = _first_face_pending
        quiet = native_logs_hidden() if first else contextlib.nullcontext()
        with quiet:
            mesh = self._mesh.process(rgb)
        if first and mesh.multi_face_landmarks:
            # the face mesh logs once per process when it first projects landmarks
            _first_face_pending = False
        h, w = rgb.shape[:2]
        return [np.array([(p.x * w, p.y * h, p.z * w) for p in fl.landmark], dtype=np.float64)
                for fl in mesh.multi_face_landmarks or []]

    def detect(self, rgb: np.ndarray) -> list[Box]:
        h, w = rgb.shape[:2]
        out: list[Box] = []
        for d in self._detector.process(rgb).detections or []:
            bb = d.location_data.relative_bounding_box
            out.append((bb.xmin * w, bb.ymin * h, (bb.xmin + bb.width) * w,
                        (bb.ymin + bb.height) * h, float(d.score[0]) if d.score else 0.0))
        return out

    def segment(self, rgb: np.ndarray) -> np.ndarray | None:
        mask = self._segmenter.process(rgb).segmentation_mask
        return None if mask is None else np.asarray(mask, dtype=np.float32)

    def close(self) -> None:
        for sol in (self._mesh, self._detector, self._segmenter):
            try:
                sol.close()
            except Exception:  # noqa: BLE001 - closing twice is harmless
                pass
