"""Which engine analyses faces: the one place that decides.

``CAPTURE_STATION_FACE_BACKEND=litert`` or ``=mediapipe`` chooses; without it the station uses
:data:`DEFAULT`, LiteRT: measured against MediaPipe it gives the same landmarks (within 0.01 px
on stills), the same verdicts and more speed (README, "Face analysis"), and it runs where
MediaPipe's wheel does not exist (ARM64). MediaPipe stays for the cross-check, where its wheel is
installed. Both engines answer the same three questions (landmarks, full-range detections,
person mask) on the same models, so every caller works unchanged on either.
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


def chosen_backend() -> str:
    """The backend's name: the environment's choice, else :data:`DEFAULT`."""
    wanted = os.environ.get(ENV_BACKEND, "").strip().lower()
    if not wanted:
        return DEFAULT
    if wanted not in BACKENDS:
        raise ValueError(f"{ENV_BACKEND}={wanted!r}: expected one of {', '.join(BACKENDS)}")
    return wanted


def make_engine(live: bool, max_faces: int, backend: str | None = None) -> Engine:
    name = backend or chosen_backend()
    if name == "mediapipe":
        try:
            from capture_station.imaging.mediapipe_engine import MediaPipeEngine

            return MediaPipeEngine(live=live, max_faces=max_faces)
        except ImportError as e:
            raise ImportError(f"the MediaPipe face backend needs MediaPipe 0.10.21's wheel, "
                              f"which is not installed here ({e}); the default is litert") from e
    if name == "litert":
        from capture_station.imaging.litert.engine import LiteRtEngine

        return LiteRtEngine(live=live, max_faces=max_faces)
    raise ValueError(f"unknown face backend {name!r}")
