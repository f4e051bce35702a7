"""Which engine analyses faces: the one place that decides.

``CAPTURE_STATION_FACE_BACKEND=litert`` or ``=mediapipe`` chooses; without it the station uses
:data:`DEFAULT`, and LiteRT wherever MediaPipe's wheel cannot be imported (it has none for
ARM64). Both engines answer the same three questions (landmarks, full-range detections, person
mask) on the same models, so every caller works unchanged on either.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

ENV_BACKEND = "CAPTURE_STATION_FACE_BACKEND"
BACKENDS = ("litert", "mediapipe")
DEFAULT = "litert"

Box = tuple[float, float, float, float, float]


class Engine(Protocol):
    name: str

    def landmarks(self, rgb: np.ndarray) -> list[np.ndarray]: ...

    def detect(self, rgb: np.ndarray) -> list[Box]: ...

    def segment(self, rgb: np.ndarray) -> np.ndarray | None: ...

    def close(self) -> None: ...


def _mediapipe_importable() -> bool:
    try:
        from capture_station.imaging.mediapipe_import import import_mediapipe_lean

        import_mediapipe_lean()
        import mediapipe  # noqa: F401
    except ImportError:
        return False
    return True


def chosen_backend() -> str:
    """The backend's name: the environment's choice, else :data:`DEFAULT`, else LiteRT."""
    wanted = os.environ.get(ENV_BACKEND, "").strip().lower()
    if wanted:
        if wanted not in BACKENDS:
            raise ValueError(f"{ENV_BACKEND}={wanted!r}: expected one of {', '.join(BACKENDS)}")
        return wanted
    if DEFAULT == "mediapipe" and not _mediapipe_importable():
        return "litert"
    return DEFAULT


def make_engine(live: bool, max_faces: int, backend: str | None = None) -> Engine:
    name = backend or chosen_backend()
    if name == "mediapipe":
        from capture_station.imaging.mediapipe_engine import MediaPipeEngine

        return MediaPipeEngine(live=live, max_faces=max_faces)
    if name == "litert":
        from capture_station.imaging.litert.engine import LiteRtEngine

        return LiteRtEngine(live=live, max_faces=max_faces)
    raise ValueError(f"unknown face backend {name!r}")
