"""Synthetic backdrops and lighting faults with known answers.

The calibration is tested (and its heat maps demonstrated) on backdrops whose faults are known
exactly: a left/right falloff, a hot spot, a shadow, a cast, a grey cloth. They are built the way
a camera sees a real backdrop -- reflectance times illumination in linear light, a gentle cloth
texture, then sRGB encoding and sensor noise -- so the measurement meets the same difficulties
as on a station. The same functions darken one side of a real portrait or throw a subject's
shadow, for step 2.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from capture_station.calibration import colour


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _encode(lin: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    out = colour.linear_to_srgb(lin) * 255.0
    if noise:
        out = out + rng.normal(0.0, noise, out.shape)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def backdrop(
    size: tuple[int, int] = (1200, 1500),
    *,
    level: float = 246.0,
    gains: Sequence[float] = (1.0, 1.0, 1.0),
    left_right: float = 0.0,
    top_bottom: float = 0.0,
    vignette: float = 0.0,
    blobs: Sequence[tuple[float, float, float, float]] = (),
    texture: float = 0.004,
    noise: float = 1.2,
    seed: int = 0,
) -> np.ndarray:
    """An empty backdrop as a camera records it, (H, W, 3) uint8 for ``size`` = (W, H).

    ``level``: sRGB value of the evenly lit cloth; ``gains``: linear R, G, B factors (a cast);
    ``left_right``: the left edge gets this fraction less light than the right (negative: the
    right edge); ``top_bottom`` likewise for the top; ``vignette``: the corners get this
    fraction less than the centre; ``blobs``: (cx, cy, radius, depth) in fractions of the width
    (radius) and of the frame (centre), soft-edged shadows taking ``depth`` of the light;
    ``texture``: relative amplitude of the cloth's weave and folds.
    """
    w, h = size
    rng = np.random.default_rng(seed)
    x = (np.arange(w) + 0.5) / w
    yy = (np.arange(h) + 0.5) / h
    xx, yv = np.meshgrid(x, yy)
    light = np.ones((h, w))
    if left_right > 0:
        light *= 1 - left_right * (1 - xx)
    elif left_right < 0:
        light *= 1 + left_right * xx
    if top_bottom > 0:
        light *= 1 - top_bottom * (1 - yv)
    elif top_bottom < 0:
        light *= 1 + top_bottom * yv
    if vignette:
        r2 = ((xx - 0.5) ** 2 + ((yv - 0.5) * h / w) ** 2) / (0.25 + 0.25 * (h / w) ** 2)
        light *= 1 - vignette * r2
    for cx, cy, radius, depth in blobs:
        d = np.hypot((xx - cx) * w, (yv - cy) * h) / (radius * w)
        light *= 1 - depth * (1 - _smoothstep((d - 0.6) / 0.8))
    if texture:
        # folds: smooth noise made at 1/16 scale and enlarged; weave: fine noise at full scale
        sh, sw = max(4, h // 16), max(4, w // 16)
        coarse = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)), (0, 0), max(1.0, sw / 40))
        coarse = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
        coarse /= max(coarse.std(), 1e-9)
        fine = cv2.GaussianBlur(rng.normal(0, 1, (h, w)), (0, 0), 1.2)
        fine /= max(fine.std(), 1e-9)
        light *= 1 + texture * (0.8 * coarse + 0.4 * fine)
    base = colour.srgb_to_linear(np.array([level / 255.0]))[0]
    lin = base * light[..., None] * np.asarray(gains, dtype=np.float64)
    return _encode(lin, noise, rng)


def relight(rgb: np.ndarray, gain: np.ndarray, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Multiply the light of an sRGB image by ``gain`` (H, W) in linear light."""
    lin = colour.srgb_to_linear(rgb).astype(np.float64) * gain[..., None]
    return _encode(lin, noise, np.random.default_rng(seed))


def darken_side(
    rgb: np.ndarray,
    *,
    centre_x: float,
    width: float,
    strength: float,
    side: str = "left",
) -> np.ndarray:
    """One side of the picture gets less light: full light at ``centre_x``, falling smoothly to
    ``1 - strength`` at ``width`` pixels to the ``side`` (a weaker light on that side)."""
    h, w = rgb.shape[:2]
    x = np.arange(w, dtype=np.float64) + 0.5
    t = (centre_x - x) / width if side == "left" else (x - centre_x) / width
    gain_row = 1 - strength * _smoothstep(t)
    return relight(rgb, np.broadcast_to(gain_row, (h, w)))


def cast_shadow(
    rgb: np.ndarray,
    person: np.ndarray,
    *,
    offset: tuple[float, float],
    depth: float,
    blur: float,
) -> np.ndarray:
    """Throw the person's shadow on the backdrop: the mask ``person`` (H, W in 0..1) shifted by
    ``offset`` (dx, dy pixels), softened by ``blur`` pixels, takes ``depth`` of the light where
    the person does not cover it."""
    h, w = rgb.shape[:2]
    m = np.asarray(person, dtype=np.float32)
    shift = np.float32([[1, 0, offset[0]], [0, 1, offset[1]]])
    shadow = cv2.warpAffine(m, shift, (w, h), borderValue=0.0)
    shadow = cv2.GaussianBlur(shadow, (0, 0), blur)
    gain = 1 - depth * shadow * (1 - m)
    lin = colour.srgb_to_linear(rgb).astype(np.float64) * gain[..., None]
    return np.clip(colour.linear_to_srgb(lin) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def grey_card_scene(
    size: tuple[int, int] = (1200, 1500),
    *,
    card_level: float = 120.0,
    card_size: float = 0.3,
    seed: int = 0,
    **kw: float,
) -> np.ndarray:
    """A backdrop with a neutral grey card (sRGB ``card_level``) held at the subject position."""
    img = backdrop(size, seed=seed, **kw)  # type: ignore[arg-type]
    w, h = size
    cw = int(card_size * w)
    ch = int(cw * 1.25)
    x0, y0 = (w - cw) // 2, int(h * 0.35)
    rng = np.random.default_rng(seed + 1)
    patch = card_level + rng.normal(0, 1.0, (ch, cw, 3))
    img[y0:y0 + ch, x0:x0 + cw] = np.clip(patch + 0.5, 0, 255).astype(np.uint8)
    return img


def daylight_xy(kelvin: float) -> tuple[float, float]:
    """CIE daylight locus chromaticity for a correlated colour temperature (4000-25000 K)."""
    t = float(kelvin)
    if t <= 7000:
        x = -4.6070e9 / t**3 + 2.9678e6 / t**2 + 0.09911e3 / t + 0.244063
    else:
        x = -2.0064e9 / t**3 + 1.9018e6 / t**2 + 0.24748e3 / t + 0.237040
    return x, -3.000 * x * x + 2.870 * x - 0.275


def gains_for_light(light_k: float, white_balance_k: float) -> tuple[float, float, float]:
    """Linear RGB gains that make a white backdrop look as it does when lights of ``light_k``
    are photographed with a fixed white balance of ``white_balance_k`` (the inverse of the mired
    model in :mod:`.white_balance`), at unchanged luminance (keep ``level`` below clipping)."""
    m = colour.mired(colour.NEUTRAL_CCT) + colour.mired(light_k) - colour.mired(white_balance_k)
    x, y = daylight_xy(colour.kelvin(m))
    xyz = np.array([x / y, 1.0, (1 - x - y) / y])
    rgb = np.linalg.solve(colour.SRGB_TO_XYZ, xyz)
    rgb = rgb / float(colour.luminance(rgb))  # the same exposure: luminance unchanged
    return float(rgb[0]), float(rgb[1]), float(rgb[2])
