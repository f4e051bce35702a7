"""Test photos built from real portraits that ship in packages.

matplotlib's ``grace_hopper.jpg`` (public-domain US Navy portrait) and scikit-image's
``astronaut()`` (public-domain NASA portrait) are cut out with the station's person segmentation (MediaPipe's model, vendored)
and composited onto a white backdrop as a station camera would see them; degraded variants
(uneven light, tinted or graded backdrop, shadow, second face, blur) are made from these.
"""

from __future__ import annotations

import io
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image


def grace_hopper() -> np.ndarray:
    import matplotlib.cbook as cbook

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        return np.asarray(Image.open(fh).convert("RGB"))


def astronaut() -> np.ndarray:
    from skimage import data

    return np.asarray(data.astronaut())


def person_mask(rgb: np.ndarray) -> np.ndarray:
    from capture_station.imaging.litert.segmenter import Segmenter

    m = Segmenter().person_mask(np.ascontiguousarray(rgb))
    m = np.clip((np.asarray(m, dtype=np.float32) - 0.3) / 0.4, 0.0, 1.0)
    return cv2.GaussianBlur(m, (0, 0), 1.0)


def composite(
    rgb: np.ndarray,
    *,
    scale: float,
    canvas: tuple[int, int],
    centre_x: float | None = None,
    bottom: int | None = None,
    backdrop: tuple[int, int, int] = (250, 250, 250),
    noise: float = 1.5,
    seed: int = 0,
) -> np.ndarray:
    """Cut the person out of ``rgb``, scale it, and stand it on a white canvas (W, H) with the
    person's bottom edge at ``bottom`` (default: the canvas bottom)."""
    mask = person_mask(rgb)
    h, w = rgb.shape[:2]
    nw, nh = int(round(w * scale)), int(round(h * scale))
    person = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    m = cv2.resize(mask, (nw, nh), interpolation=cv2.INTER_LINEAR)[..., None]
    W, H = canvas
    out = np.empty((H, W, 3), np.float32)
    out[:] = np.array(backdrop, np.float32)
    cx = W / 2 if centre_x is None else centre_x
    x0 = int(round(cx - nw / 2))
    y1 = H if bottom is None else bottom
    y0 = y1 - nh
    # paste with clipping
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(W, x0 + nw), min(H, y0 + nh)
    sx1, sy1 = sx0 + (dx1 - dx0), sy0 + (dy1 - dy0)
    region = out[dy0:dy1, dx0:dx1]
    mm = m[sy0:sy1, sx0:sx1]
    region[:] = person[sy0:sy1, sx0:sx1] * mm + region * (1 - mm)
    if noise:
        rng = np.random.default_rng(seed)
        out += rng.normal(0, noise, out.shape).astype(np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


@lru_cache(maxsize=4)
def station_shot_hopper() -> np.ndarray:
    """Grace Hopper at DSLR-like resolution on a white backdrop (2400x2600)."""
    return composite(grace_hopper(), scale=3.0, canvas=(2400, 2600), seed=1)


@lru_cache(maxsize=4)
def station_shot_astronaut() -> np.ndarray:
    """Eileen Collins (astronaut) on a white backdrop (2000x2400)."""
    return composite(astronaut(), scale=4.0, canvas=(2000, 2400), bottom=2400 + 300, seed=2)


def jpeg_bytes(rgb: np.ndarray, quality: int = 92, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="JPEG", quality=quality, **kw)
    return buf.getvalue()
