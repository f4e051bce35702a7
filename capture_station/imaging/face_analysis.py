"""Face analysis: where the eyes, cheeks and top of the head are.

The models are MediaPipe's (face detection full-range, face mesh with iris, selfie segmentation),
run by one of two backends (:mod:`~capture_station.imaging.face_backend`): LiteRT on the copies
vendored in ``assets/models/``, or the installed ``mediapipe`` 0.10.21 wheel; nothing is
downloaded. This module is backend-neutral: :class:`Face`, :class:`Analysis`, the crown from
the person mask, the strip search for small faces. Measurements are reported in the pixel
coordinates of the image that was passed in; large images are analysed on a reduced copy and
the results scaled back.

Reading of 头顶发际 ("top of head"): the highest point of the person silhouette (hair included)
over the columns of the face, from the selfie-segmentation mask. The skin hairline from the face
mesh (landmark 10) is reported too, as ``hairline_y``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from capture_station.imaging.face_backend import make_engine

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# OpenCV's own thread pool off: the station's OpenCV work is on small images (a live frame's
# checks, a 480x640 photo) and already runs on a worker thread or in one of several worker
# processes; splitting each call over the station PC's two cores cost more in hand-over than it
# saved (live checks 5.0 -> 3.9 ms per frame, with 1.5 ms less CPU). A 24 MP shot is decoded by
# Pillow, which OpenCV's pool never helped.
cv2.setNumThreads(1)

# Face-mesh landmark indices (MediaPipe canonical face model, 478 points with iris).
IRIS_IMAGE_LEFT = 468  # iris centre of the eye on the image's left (subject's right eye)
IRIS_IMAGE_RIGHT = 473
CHEEK_IMAGE_LEFT = 234
CHEEK_IMAGE_RIGHT = 454
FOREHEAD_TOP = 10
CHIN = 152
NOSE_TIP = 1
MOUTH_UPPER_INNER = 13
MOUTH_LOWER_INNER = 14
MOUTH_LEFT = 61
MOUTH_RIGHT = 291
# Eyelids and corners: (upper, lower, outer corner, inner corner) for each eye, image-left first.
EYE_IMAGE_LEFT = (159, 145, 33, 133)
EYE_IMAGE_RIGHT = (386, 374, 263, 362)

DEFAULT_ANALYSIS_SIZE = 1280  # longest side analysed; larger frames are reduced first


@dataclass
class Face:
    """One face, in pixels of the analysed image's full-size coordinates."""

    landmarks: np.ndarray  # (478, 3): x, y in px, z in px-ish units (relative depth)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the landmarks
    crown_y: float | None = None  # top of head (hair included), from the person mask
    crown_clipped: bool = False  # the head touches the top edge: its top is outside the frame

    def pt(self, i: int) -> np.ndarray:
        return self.landmarks[i, :2]

    @property
    def eye_left(self) -> np.ndarray:
        return self.pt(IRIS_IMAGE_LEFT)

    @property
    def eye_right(self) -> np.ndarray:
        return self.pt(IRIS_IMAGE_RIGHT)

    @property
    def eye_y(self) -> float:
        return float((self.eye_left[1] + self.eye_right[1]) / 2)

    @property
    def eye_centre(self) -> np.ndarray:
        return (self.eye_left + self.eye_right) / 2

    @property
    def cheek_left(self) -> np.ndarray:
        return self.pt(CHEEK_IMAGE_LEFT)

    @property
    def cheek_right(self) -> np.ndarray:
        return self.pt(CHEEK_IMAGE_RIGHT)

    @property
    def face_width(self) -> float:
        return float(abs(self.cheek_right[0] - self.cheek_left[0]))

    @property
    def centre_x(self) -> float:
        return float((self.cheek_left[0] + self.cheek_right[0]) / 2)

    @property
    def hairline_y(self) -> float:
        return float(self.pt(FOREHEAD_TOP)[1])

    @property
    def chin_y(self) -> float:
        return float(self.pt(CHIN)[1])

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0)

    def scaled(self, factor: float) -> Face:
        lm = self.landmarks.copy()
        lm *= factor
        x0, y0, x1, y1 = self.box
        return Face(
            landmarks=lm,
            box=(x0 * factor, y0 * factor, x1 * factor, y1 * factor),
            crown_y=None if self.crown_y is None else self.crown_y * factor,
            crown_clipped=self.crown_clipped,
        )


@dataclass
class Analysis:
    """Everything measured on one image."""

    size: tuple[int, int]  # (width, height) of the image the coordinates refer to
    faces: list[Face]
    detections: list[tuple[float, float, float, float, float]]  # x0, y0, x1, y1, score
    person_mask: np.ndarray | None  # float32 in [0, 1] at mask_scale of the image
    mask_scale: float = 1.0  # image px per mask px
    analysed_rgb: np.ndarray | None = field(default=None, repr=False)  # the reduced copy
    analysed_scale: float = 1.0  # image px per analysed px

    @property
    def face_count(self) -> int:
        return max(len(self.faces), len(self.detections))

    @property
    def primary(self) -> Face | None:
        if not self.faces:
            return None
        return max(self.faces, key=lambda f: f.area)

    def mask_full(self) -> np.ndarray | None:
        """The person mask at the image's own size (for drawing and checks on 480x640)."""
        if self.person_mask is None:
            return None
        w, h = self.size
        if self.person_mask.shape[:2] == (h, w):
            return self.person_mask
        return cv2.resize(self.person_mask, (w, h), interpolation=cv2.INTER_LINEAR)


def _crown_from_mask(mask: np.ndarray, face: Face, scale: float) -> tuple[float | None, bool]:
    """Top of the person silhouette over the face's columns; mask px -> image px by ``scale``."""
    h, w = mask.shape[:2]
    x0 = int(max(0, np.floor(min(face.cheek_left[0], face.cheek_right[0]) / scale)))
    x1 = int(min(w, np.ceil(max(face.cheek_left[0], face.cheek_right[0]) / scale) + 1))
    eye_row = int(min(h, max(1, face.eye_y / scale)))
    if x1 - x0 < 2:
        return None, False
    band = mask[:eye_row, x0:x1] > 0.5
    if not band.any():
        return None, False
    has = band.any(axis=0)
    tops = np.argmax(band, axis=0).astype(np.float64)
    tops = tops[has]
    if tops.size == 0:
        return None, False
    # The highest point, robust to a stray pixel: the 3rd percentile of the column tops.
    top_row = float(np.percentile(tops, 3))
    clipped = top_row <= 0.5
    # Sub-pixel edge: in a column whose top is that row, where the soft mask crosses 0.5.
    all_tops = np.where(has, np.argmax(band, axis=0), h)
    col = int(np.argmin(np.abs(all_tops - top_row)))
    r = int(all_tops[col])
    if 0 < r < eye_row:
        above, at = float(mask[r - 1, x0 + col]), float(mask[r, x0 + col])
        if at > above:
            frac = min(max((0.5 - above) / (at - above), 0.0), 1.0)
            top_row = (r - 1) + frac
    return top_row * scale, clipped


class FaceAnalyzer:
    """Faces, detections and the person mask of a picture, from the chosen backend
    (:mod:`~capture_station.imaging.face_backend`: LiteRT on the vendored models, or MediaPipe).
    Not thread-safe: one analyzer per worker thread.

    ``live=True`` lets the face mesh track between frames (faster for video); stills use the
    static mode so every picture is analysed on its own. ``backend`` overrides the choice.
    """

    def __init__(self, live: bool = False, max_faces: int = 4,
                 analysis_size: int = DEFAULT_ANALYSIS_SIZE, backend: str | None = None) -> None:
        self._lock = threading.Lock()
        self.live = live
        self.analysis_size = analysis_size
        self._engine = make_engine(live=live, max_faces=max_faces, backend=backend)
        self.backend = self._engine.name

    def _detect_tiles(self, small: np.ndarray) -> list[tuple[float, float, float, float, float]]:
        """Detections in three overlapping strips (45 % of the long side each), in ``small``'s
        pixels: faces down to about 40 px of a 1280 px frame."""
        h, w = small.shape[:2]
        out: list[tuple[float, float, float, float, float]] = []
        if w >= h:
            span = int(w * 0.45)
            windows = [(x, 0, x + span, h) for x in (0, (w - span) // 2, w - span)]
        else:
            span = int(h * 0.45)
            windows = [(0, y, w, y + span) for y in (0, (h - span) // 2, h - span)]
        for x0, y0, x1, y1 in windows:
            part = np.ascontiguousarray(small[y0:y1, x0:x1])
            for bx0, by0, bx1, by1, score in self._engine.detect(part):
                box = (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1, score)
                # a face cut by the tile edge is found whole on the full frame: skip it here
                if box[0] <= x0 + 2 and x0 > 0 or box[2] >= x1 - 2 and x1 < w:
                    continue
                if box[1] <= y0 + 2 and y0 > 0 or box[3] >= y1 - 2 and y1 < h:
                    continue
                if all(_iou(box, o) < 0.3 for o in out):
                    out.append(box)
        return out

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def analyse(self, rgb: np.ndarray, *, segment: bool = True, detect: bool = True,
                tiles: bool | None = None) -> Analysis:
        """Analyse an RGB uint8 image; coordinates are returned in its own pixels.

        ``tiles`` also runs the face detector on three overlapping strips of the picture: the
        detector misses a second, smaller face beside a large one on the whole frame (a person
        in the background), but finds it in a strip. Default: on for stills, off for live video.
        """
        if tiles is None:
            tiles = not self.live
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError("expected an HxWx3 RGB image")
        h, w = rgb.shape[:2]
        factor = 1.0
        small = rgb
        longest = max(h, w)
        if longest > self.analysis_size:
            factor = longest / self.analysis_size
            small = cv2.resize(
                rgb, (round(w / factor), round(h / factor)), interpolation=cv2.INTER_AREA
            )
        small = np.ascontiguousarray(small)
        tile_dets: list[tuple[float, float, float, float, float]] = []
        dets: list[tuple[float, float, float, float, float]] | None = None
        with self._lock:
            marks = self._engine.landmarks(small)
            mask = self._engine.segment(small) if segment else None
            # A still with nothing but backdrop around the person: the face mesh (up to
            # ``max_faces``) counts the faces; otherwise the full-range detector and the strip
            # search look for a second, smaller one. Live frames always run the detector.
            search = bool(detect and tiles and _needs_strip_search(small, mask))
            run_det = detect and (not tiles or search or not marks)
            dets = self._engine.detect(small) if run_det else None
            if search:
                tile_dets = self._detect_tiles(small)
        faces: list[Face] = []
        for arr in marks:
            box = (
                float(arr[:, 0].min()),
                float(arr[:, 1].min()),
                float(arr[:, 0].max()),
                float(arr[:, 1].max()),
            )
            faces.append(Face(landmarks=arr, box=box))
        detections: list[tuple[float, float, float, float, float]] = [
            (x0 * factor, y0 * factor, x1 * factor, y1 * factor, score)
            for x0, y0, x1, y1, score in dets or []
        ]
        for x0, y0, x1, y1, score in tile_dets:
            box = (x0 * factor, y0 * factor, x1 * factor, y1 * factor, score)
            if all(_iou(box, d) < 0.3 for d in detections):
                detections.append(box)
        for f in faces:
            if mask is not None:
                crown, clipped = _crown_from_mask(mask, f, 1.0)
                f.crown_y, f.crown_clipped = crown, clipped
        if factor != 1.0:
            faces = [f.scaled(factor) for f in faces]
        return Analysis(
            size=(w, h),
            faces=faces,
            detections=detections,
            person_mask=mask,
            mask_scale=factor,
            analysed_rgb=small,
            analysed_scale=factor,
        )


def _needs_strip_search(small: np.ndarray, mask: np.ndarray | None) -> bool:
    """Is there anything but backdrop outside the person? Only then can a second, smaller face
    be hiding there, and the strip search (three detector runs) is worth its cost. The backdrop
    is what the standard asks for: light and nearly grey. Without a person mask, search."""
    if mask is None:
        return True
    h, w = small.shape[:2]
    step = 4
    img = small[::step, ::step].astype(np.int16)
    person = cv2.resize(np.asarray(mask, dtype=np.float32), (img.shape[1], img.shape[0]),
                        interpolation=cv2.INTER_AREA) > 0.2
    person = cv2.dilate(person.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    lo = img.min(axis=2)
    spread = img.max(axis=2) - lo
    backdrop = (lo > 150) & (spread < 40)
    other = (~backdrop & ~person).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(other, connectivity=8)
    min_area = 0.0015 * other.size
    del h, w
    return any(stats[k, cv2.CC_STAT_AREA] >= min_area for k in range(1, n))


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


_per_thread = threading.local()


def shared_still_analyzer() -> FaceAnalyzer:
    """One static-mode analyzer per thread, created on first use (model load ~50 ms) and
    released with its thread (neither backend's models are thread-safe)."""
    an = getattr(_per_thread, "analyzer", None)
    if an is None:
        an = FaceAnalyzer(live=False)
        _per_thread.analyzer = an
    return an
