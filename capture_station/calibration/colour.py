"""Colour arithmetic for the lighting calibration: sRGB -> linear -> XYZ -> CIELAB, xy, CCT.

The calibration judges light, and light adds up in linear units, so every average is taken over
linear RGB (or relative luminance Y) and only then turned into CIELAB for reporting: a mean of
L* values would under-weight the bright cells. Colours are sRGB (IEC 61966-2-1) with the D65
white, which is what cameras write into ordinary JPEG files.

The correlated colour temperature uses McCamy's cubic approximation (McCamy 1992), which is good
to a few kelvin between about 2800 K and 6500 K -- the range of studio lights.
"""

from __future__ import annotations

import numpy as np

# sRGB primaries with the D65 white (IEC 61966-2-1), linear RGB -> XYZ.
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ],
    dtype=np.float64,
)
LUMA = SRGB_TO_XYZ[1]  # relative luminance Y from linear RGB
D65_XYZ = (0.95047, 1.0, 1.08883)
D65_XY = (0.3127, 0.3290)

_EPS = 216 / 24389  # CIE constants for the L* curve
_KAPPA = 24389 / 27


def _srgb_decode(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# 8-bit sRGB -> linear, as a lookup table (a 24-megapixel frame decodes by indexing).
_LUT = _srgb_decode(np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB to linear light in [0, 1]: uint8 through the table, floats (0..1) by formula."""
    if rgb.dtype == np.uint8:
        return _LUT[rgb]
    return _srgb_decode(np.clip(np.asarray(rgb, dtype=np.float64), 0.0, 1.0))


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """Linear light (0..1) to sRGB floats (0..1)."""
    c = np.clip(np.asarray(lin, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def luminance(lin: np.ndarray) -> np.ndarray:
    """Relative luminance Y of linear RGB pixels (..., 3)."""
    return np.asarray(lin, dtype=np.float64) @ LUMA


def linear_to_xyz(lin: np.ndarray) -> np.ndarray:
    return np.asarray(lin, dtype=np.float64) @ SRGB_TO_XYZ.T


def lstar(y: np.ndarray | float) -> np.ndarray:
    """CIE L* of relative luminance Y (white = 1)."""
    y = np.asarray(y, dtype=np.float64)
    return np.where(y > _EPS, 116.0 * np.cbrt(np.maximum(y, 0.0)) - 16.0, _KAPPA * y)


def lstar_to_y(lightness: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`lstar`."""
    v = np.asarray(lightness, dtype=np.float64)
    return np.where(v > _KAPPA * _EPS, ((v + 16.0) / 116.0) ** 3, v / _KAPPA)


def xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    """XYZ (D65 white) -> CIELAB (..., 3)."""
    xyz = np.asarray(xyz, dtype=np.float64)
    r = xyz / np.asarray(D65_XYZ)
    f = np.where(r > _EPS, np.cbrt(np.maximum(r, 0.0)), (_KAPPA * r + 16.0) / 116.0)
    lab = np.empty_like(r)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def linear_to_lab(lin: np.ndarray) -> np.ndarray:
    return xyz_to_lab(linear_to_xyz(lin))


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """8-bit (or 0..1 float) sRGB -> CIELAB."""
    return linear_to_lab(srgb_to_linear(rgb))


def xy_chromaticity(xyz: np.ndarray) -> tuple[float, float]:
    """CIE 1931 xy of one XYZ triple."""
    x, y, z = (float(v) for v in np.asarray(xyz, dtype=np.float64).reshape(3))
    s = x + y + z
    if s <= 0:
        return D65_XY
    return x / s, y / s


def mccamy_cct(x: float, y: float) -> float:
    """Correlated colour temperature (K) from xy by McCamy's approximation:
    n = (x - 0.3320) / (0.1858 - y); CCT = 449 n^3 + 3525 n^2 + 6823.3 n + 5520.33."""
    n = (x - 0.3320) / (0.1858 - y)
    return float(449.0 * n**3 + 3525.0 * n**2 + 6823.3 * n + 5520.33)


def mired(kelvin: float) -> float:
    """Micro reciprocal degrees: equal steps in mired look like equal colour shifts."""
    return 1e6 / kelvin


def kelvin(mireds: float) -> float:
    return 1e6 / mireds


# The CCT an ideal sRGB camera reports for a neutral (D65-white) patch.
NEUTRAL_CCT = mccamy_cct(*D65_XY)


def hue_words(a: float, b: float) -> tuple[str, str]:
    """The direction of a colour cast in everyday words (zh, en), from a* and b*."""
    if abs(b) >= abs(a):
        return ("偏黄", "yellowish") if b > 0 else ("偏蓝", "bluish")
    return ("偏品红", "magenta-tinted") if a > 0 else ("偏绿", "greenish")
