"""The demo camera: a stand-in for real hardware, for trying the station and for tests.

It plays a folder of images or a video file at a set frame rate in a loop (``demo:PATH``,
``demo:PATH?fps=30``; each picture of a folder stays for ``hold`` seconds, 3 by default, the
way a sitter stays in front of the camera: a new face on every frame is no scene an operator
or the live analysis ever sees), or with ``demo`` alone a built-in scene: a public-domain
portrait (Grace Hopper, shipped with matplotlib as sample data) cut out with MediaPipe selfie
segmentation and placed on an even near-white backdrop in a 1280x720 landscape frame, the way
a subject sits in front of the station. The sitter must be one the station would accept, so
her Navy cap is replaced by short grey hair (the demo taught operators otherwise that a head
covering passes). Each frame adds a slow sub-pixel sway (translation only: never rotated or
mirrored) and sensor noise so that live analysis sees a natural, changing picture.

For tests and soak runs it can inject faults: drop frames (``drop_every``), be slow
(``slow_ms``), disconnect after some frames and fail to reconnect a number of times
(``disconnect_after``, ``reconnect_fail``), and fail the next still (:meth:`fail_next_still`).
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import cv2
import numpy as np

from capture_station.cameras.base import (
    Camera,
    CameraDisconnected,
    CameraError,
    Capabilities,
    ReconnectPolicy,
    Setting,
    Still,
    why_of,
)
from capture_station.cameras.imaging import (
    IMAGE_EXTENSIONS,
    VIDEO_EXTENSIONS,
    read_image_file,
)
from capture_station.messages import Msg

DEFAULT_SIZE = (1280, 720)
DEFAULT_FPS = 30.0
DEFAULT_HOLD_S = 3.0  # how long each picture of a folder is shown
BACKDROP_RGB = (250, 250, 250)

# Geometry of matplotlib's grace_hopper.jpg (512x600), measured once with the MediaPipe face
# mesh: cheek landmarks 234/454 and the iris centres 468/473.
_GH_CHEEK_LEFT_X = 174.6
_GH_CHEEK_RIGHT_X = 355.3
_GH_EYE_Y = 189.4
# Where the default scene puts the face, for a 720-pixel-high frame (scaled with the height).
_FACE_WIDTH_720 = 250.0
_EYE_Y_720 = 305.0

_FPS_CHOICES = ("5", "10", "15", "24", "25", "30", "50", "60")

DEMO = Msg("camera.kind.demo")  # who speaks in the demo camera's messages


# ---------------------------------------------------------------------- the built-in scene

_scene_lock = threading.Lock()
_scene_cache: dict[tuple[int, int], np.ndarray] = {}


def default_scene(size: tuple[int, int] = DEFAULT_SIZE) -> np.ndarray:
    """The built-in scene (RGB uint8, read-only), built once per size and cached."""
    w, h = int(size[0]), int(size[1])
    if w < 64 or h < 64:
        raise CameraError("camera.demo.too_small", camera=DEMO, width=w, height=h)
    with _scene_lock:
        scene = _scene_cache.get((w, h))
        if scene is None:
            scene = _build_scene(w, h)
            scene.flags.writeable = False
            _scene_cache[(w, h)] = scene
        return scene


def _sample_portrait() -> np.ndarray:
    try:
        from matplotlib import cbook
    except ImportError:
        raise CameraError("camera.demo.needs_matplotlib", camera=DEMO) from None
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return read_image_file(os.fspath(path))


def _person_mask(rgb: np.ndarray) -> np.ndarray:
    """Soft person mask (float32 0..1): the station's selfie segmentation (vendored model)."""
    try:
        from capture_station.imaging.litert.segmenter import Segmenter

        return Segmenter().person_mask(np.ascontiguousarray(rgb))
    except (ImportError, OSError) as e:
        raise CameraError("camera.demo.no_scene", camera=DEMO, why=why_of(e)) from None


def _largest_component(hard: np.ndarray) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hard.astype(np.uint8), connectivity=8)
    if n <= 1:
        return hard
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return labels == biggest


def _contour_top(hard: np.ndarray, col: int) -> float | None:
    rows = np.flatnonzero(hard[:, col])
    return float(rows[0]) if rows.size else None


def _shoulder_line(hard: np.ndarray, cols: range) -> tuple[float, float]:
    """Least-squares line ``row = a * col + b`` through the top of the mask over ``cols``."""
    xs, ys = [], []
    for c in cols:
        top = _contour_top(hard, c)
        if top is not None:
            xs.append(c)
            ys.append(top)
    if len(xs) < 2:
        return 0.0, float(hard.shape[0])
    a, b = np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)
    return float(a), float(b)


def _extend_person(
    rgb: np.ndarray, hard: np.ndarray, pad: int, edges: tuple[int, int] = (28, 6)
) -> tuple[np.ndarray, np.ndarray]:
    """Pad the portrait by ``pad`` columns at both sides, continuing the shoulders.

    The sample portrait is cut at its left and right edges, so a wider landscape frame would
    show the uniform ending in a vertical line. Within ``edge`` columns of each border and in
    the padding, the shoulder line is extrapolated from the contour next to it and filled
    with the cloth's colour, row by row.
    """
    h, w = hard.shape
    big_rgb = cv2.copyMakeBorder(rgb, 0, 0, pad, pad, cv2.BORDER_REPLICATE)
    big = np.zeros((h, w + 2 * pad), dtype=bool)
    big[:, pad : pad + w] = hard
    rows = np.arange(h, dtype=np.float64)[:, None]
    el, er = edges
    sides = (
        (range(el, el + 16), 0, pad + el, pad + el, pad + el + 25, -1.0),
        (range(w - er - 16, w - er), pad + w - er, w + 2 * pad, pad + w - er - 25, pad + w - er,
         1.0),
    )
    for fit_cols, x0, x1, s0, s1, sign in sides:
        a, b = _shoulder_line(hard, fit_cols)
        # the shoulders fall away outwards, at least 45 degrees; keep the line continuous
        edge_col = fit_cols[-1] if sign > 0 else fit_cols[0]
        top = a * edge_col + b
        a = sign * max(1.0, sign * a)
        b = top - a * edge_col
        cols = np.arange(x0, x1, dtype=np.float64)[None, :] - pad
        inside = rows >= (a * cols + b)
        # cloth colour per row, from the person's pixels next to the replaced band
        sample = big_rgb[:, s0:s1].astype(np.float32)
        weight = big[:, s0:s1].astype(np.float32)[..., None]
        total = weight.sum(axis=1)
        colour = (sample * weight).sum(axis=1) / np.maximum(total, 1.0)
        have = total[:, 0] > 0
        if have.any():
            idx = np.flatnonzero(have)
            nearest = idx[np.clip(np.searchsorted(idx, np.arange(h)), 0, idx.size - 1)]
            colour = colour[nearest]
        colour = cv2.GaussianBlur(colour.reshape(h, 1, 3), (1, 0), sigmaX=0.1, sigmaY=6)
        colour = colour.reshape(h, 3)
        band = np.repeat(colour[:, None, :], x1 - x0, axis=1)
        big_rgb[:, x0:x1] = np.clip(band, 0, 255).astype(np.uint8)
        big[:, x0:x1] = inside
    # a little static cloth texture over the filled bands, so they are not flat
    rng = np.random.default_rng(7)
    tex = rng.normal(0.0, 2.5, big_rgb.shape[:2]).astype(np.float32)
    tex = cv2.GaussianBlur(tex, (0, 0), 0.8)[..., None]
    filled = np.zeros(big.shape, dtype=bool)
    filled[:, : pad + el] = True
    filled[:, pad + w - er :] = True
    textured = np.clip(big_rgb.astype(np.float32) + tex, 0, 255).astype(np.uint8)
    big_rgb = np.where(filled[..., None], textured, big_rgb)
    return big_rgb, big


def _clean_mask(rgb: np.ndarray, soft: np.ndarray) -> np.ndarray:
    """Hard person mask: stricter beside the head, where the segmentation lets some of the
    flag behind the sitter through, and without the flag's saturated blue there."""
    h, w = soft.shape
    hard = soft > 0.5
    head_rows = slice(int(0.25 * h), int(0.55 * h))  # below the cap, above the shoulders
    beside = np.ones(w, dtype=bool)
    beside[int(_GH_CHEEK_LEFT_X) - 5 : int(_GH_CHEEK_RIGHT_X) + 5] = False
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    flag_blue = (hsv[..., 0] > 95) & (hsv[..., 0] < 135) & (hsv[..., 1] > 90) & (hsv[..., 2] > 70)
    strict = (soft > 0.75) & ~flag_blue
    hard[head_rows, beside] = strict[head_rows, beside]
    hard = cv2.morphologyEx(hard.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return _largest_component(hard.astype(bool))


# The Navy cap of the portrait and what replaces it. A demo sitter in a cap taught operators
# that a head covering passes every light; the sitter gets short silver-grey hair instead.
# The cap's lower edge (brim) is found in the picture; the hair dome is drawn from the temples
# up to a crown at a natural height (about as far above the eyes as the chin is below them,
# plus the hair), in the colours of her own grey temple hair, with strands combed from a whorl.
_CAP_DARK_V = 90  # the cap band is darker than this (HSV value) where the brim is searched
_CAP_PROBE_Y = 100  # a row inside the cap band
_HAIR_CX = 263.0  # the dome's centre column (the face centre is 265)
_HAIR_HALF_WIDTH = 101.0  # half its width at the temples
_HAIR_TOP_Y = 40.0  # the crown, in portrait rows (eyes at 189, chin at about 333)
_HAIR_BASE_Y = 168.0  # where the dome's sides meet the temple hair
_HAIR_LIGHT = (232.0, 228.0, 222.0)
_HAIR_MID = (192.0, 186.0, 180.0)
_HAIR_DARK = (128.0, 122.0, 118.0)
_FOREHEAD_LIFT = 15.0  # how much higher than the cap's edge her hairline sits, mid-forehead


def _brim_line(rgb: np.ndarray) -> dict[int, int]:
    """For each column through the cap band: the first row below it (forehead or hair)."""
    value = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 2]
    h, w = value.shape
    brim: dict[int, int] = {}
    x0, x1 = int(_HAIR_CX - _HAIR_HALF_WIDTH - 12), int(_HAIR_CX + _HAIR_HALF_WIDTH + 12)
    for x in range(max(0, x0), min(w, x1)):
        y = _CAP_PROBE_Y
        if value[y, x] >= _CAP_DARK_V:
            continue
        while y < min(h, 230) and value[y, x] < _CAP_DARK_V:
            y += 1
        brim[x] = y
    return brim


def _directional_blur(noise: np.ndarray, dx: np.ndarray, dy: np.ndarray, length: int) -> np.ndarray:
    """Average ``noise`` along the direction field: strands (line-integral convolution)."""
    h, w = noise.shape
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    acc = np.zeros_like(noise)
    total = 0.0
    for t in range(-length, length + 1):
        wt = 1.0 - abs(t) / (length + 1)
        acc += wt * cv2.remap(noise, gx + t * dx, gy + t * dy, cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REFLECT)
        total += wt
    return acc / total


def _forehead_lift(cols: np.ndarray) -> np.ndarray:
    """How much higher than the cap's edge her hairline sits, per column (most mid-forehead,
    none at the temples)."""
    u = np.abs(cols - _HAIR_CX) / (0.72 * _HAIR_HALF_WIDTH)
    return (_FOREHEAD_LIFT * np.clip(1.0 - u**2, 0.0, 1.0)).astype(np.float32)


def _extend_forehead(rgb: np.ndarray, brim_row: np.ndarray, lift: np.ndarray) -> np.ndarray:
    """Continue the forehead above the cap's edge (her own forehead skin, moved up), so that
    her hairline can sit higher than the brim did: a fringe along the brim's line looked like
    the brim itself."""
    out = rgb.astype(np.float32)
    src = out.copy()
    skip, fade = 8, 6  # the rows just under the cap are in its shadow: skip them
    brows = _GH_EYE_Y - 22.0  # the copied skin stays above the glasses and the eyebrows
    for x in np.flatnonzero(lift > 0.5):
        b = int(round(float(brim_row[x])))
        top = b - int(round(float(lift[x])))
        span = b + skip - top  # rows from the new hairline down to the end of the shadow
        if b + skip + span > brows:
            span = max(0, int(brows) - b - skip)
            top = b + skip - span
        for k in range(span + fade):
            dst, s_row = top + k, b + skip + k
            if not (0 <= dst < rgb.shape[0] and s_row < rgb.shape[0]):
                continue
            a = 1.0 if k < span else 1.0 - (k - span + 1) / (fade + 1)
            out[dst, x] = a * src[s_row, x] + (1.0 - a) * src[dst, x]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _uncover_head(rgb: np.ndarray, hard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The portrait without its cap: the cap becomes backdrop outside a grey hair dome."""
    h, w = hard.shape
    brim = _brim_line(rgb)
    if len(brim) < 100:  # not the expected portrait: leave it alone
        return rgb, hard
    cols = np.arange(w, dtype=np.float32)
    brim_row = np.full(w, -1.0, np.float32)
    for x, y in brim.items():
        brim_row[x] = y
    known = brim_row >= 0
    brim_row = np.interp(cols, cols[known], brim_row[known]).astype(np.float32)
    brim_row = cv2.GaussianBlur(brim_row.reshape(1, -1), (0, 0), sigmaX=2.0).ravel()

    rng = np.random.default_rng(11)
    lift = _forehead_lift(cols)
    rgb = _extend_forehead(rgb, brim_row, lift)
    brim_row = brim_row - lift
    # the dome's outline, a little irregular (hair, not a helmet)
    u = (cols - _HAIR_CX) / _HAIR_HALF_WIDTH
    inside = np.abs(u) < 1.0
    p = 2.1
    lift = np.where(inside, np.power(np.clip(1.0 - np.abs(u) ** p, 0.0, 1.0), 1.0 / p), 0.0)
    wobble = cv2.GaussianBlur(rng.normal(0.0, 1.0, (1, w)).astype(np.float32), (0, 0), 2.0)
    curls = cv2.GaussianBlur(rng.normal(0.0, 1.0, (1, w)).astype(np.float32), (0, 0), 6.0)
    curls /= max(float(np.abs(curls).max()), 1e-6)
    outline = (_HAIR_BASE_Y - (_HAIR_BASE_Y - _HAIR_TOP_Y) * lift + 2.2 * wobble.ravel()
               + 3.5 * curls.ravel() * lift)
    # the fringe: the hair ends a few wavy pixels below the cap's edge, over the forehead
    tips = cv2.GaussianBlur(rng.uniform(0.0, 1.0, (1, w)).astype(np.float32), (0, 0), 0.8)
    fringe = (brim_row + 2.5 + 2.5 * np.abs(np.sin(cols / 9.0 + 0.7)) + 4.0 * tips.ravel()
              + 1.2 * wobble.ravel())
    rows = np.arange(h, dtype=np.float32)[:, None]
    hair = inside[None, :] & (rows >= outline[None, :]) & (rows < fringe[None, :])
    cap = np.zeros_like(hard)
    x_lo, x_hi = min(brim), max(brim) + 1
    cap[:, x_lo:x_hi] = rows < brim_row[None, x_lo:x_hi]
    cap[: int(_HAIR_BASE_Y) + 24, : int(_HAIR_CX - _HAIR_HALF_WIDTH)] = True  # cap sides
    cap[: int(_HAIR_BASE_Y) + 24, int(_HAIR_CX + _HAIR_HALF_WIDTH) + 1 :] = True
    cap &= hard
    # the sides of the dome reach down to the existing temple hair
    side = cap & (rows >= _HAIR_BASE_Y - 30) & inside[None, :]
    hair |= side & (rows < fringe[None, :] + 4)

    # texture: fine strands combed back and to the sides from a side parting, in soft waves
    part_x = _HAIR_CX - 30.0
    gx, gy = np.meshgrid(cols, rows.ravel())
    vx = gx - part_x
    vy = 0.9 * (gy - (_HAIR_TOP_Y - 10.0))
    norm = np.maximum(np.hypot(vx, vy), 1e-3)
    bend = cv2.GaussianBlur(rng.normal(0.0, 1.0, (h, w)).astype(np.float32), (0, 0), 12.0)
    bend /= max(float(np.abs(bend).max()), 1e-6)
    ang = np.arctan2(vy / norm, vx / norm) + 0.35 * bend
    dx, dy = np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)
    fine = rng.normal(0.0, 1.0, (h, w)).astype(np.float32)
    strands = _directional_blur(fine, dx, dy, 9)
    strands /= max(float(strands[hair].std()), 1e-6)
    coarse = _directional_blur(
        cv2.GaussianBlur(rng.normal(0.0, 1.0, (h, w)).astype(np.float32), (0, 0), 1.6), dx, dy, 9)
    coarse /= max(float(coarse[hair].std()), 1e-6)
    dist = np.hypot(gx - part_x, (gy - (_HAIR_TOP_Y - 10.0)) * 0.9)
    waves = np.sin(dist / 7.5 + 3.0 * bend)
    volume = cv2.GaussianBlur(rng.normal(0.0, 1.0, (h, w)).astype(np.float32), (0, 0), 5.0)
    volume /= max(float(volume[hair].std()), 1e-6)
    tone = np.clip(0.55 + 0.10 * strands + 0.07 * coarse + 0.08 * waves + 0.07 * volume,
                   0.0, 1.0)
    # shading: the dome is darker towards its outline and at the roots above the forehead;
    # the two lights at 45 degrees leave a soft highlight on its upper half
    depth = cv2.distanceTransform(hair.astype(np.uint8), cv2.DIST_L2, 5)
    shade = 0.84 + 0.16 * np.clip(depth / 14.0, 0.0, 1.0)
    top = np.exp(-(((gy - (_HAIR_TOP_Y + 30.0)) / 36.0) ** 2))
    shade = shade * (0.95 + 0.09 * top)
    light, mid, dark = (np.asarray(c, np.float32) for c in (_HAIR_LIGHT, _HAIR_MID, _HAIR_DARK))
    t = tone[..., None]
    colour = np.where(t > 0.5, mid + (light - mid) * (t - 0.5) * 2.0, dark + (mid - dark) * t * 2.0)
    colour = colour * shade[..., None]

    out = rgb.astype(np.float32)
    # a soft shadow of the fringe on the forehead
    below = (~hair) & inside[None, :] & (rows >= fringe[None, :]) & (rows < fringe[None, :] + 5)
    fall = np.clip((rows - fringe[None, :]) / 5.0, 0.0, 1.0)
    out = np.where(below[..., None], out * (0.94 + 0.06 * fall)[..., None], out)
    # the hair over it: strands thin out at its edges (the fringe, the top of the head)
    # instead of ending in a line
    alpha = cv2.GaussianBlur(hair.astype(np.float32), (0, 0), 1.0)
    rim = np.clip(depth / 4.0, 0.0, 1.0)
    wisps = np.clip(0.5 + 0.5 * strands, 0.0, 1.0)
    alpha = alpha * (rim + (1.0 - rim) * wisps)
    alpha = alpha[..., None]
    region = alpha[..., 0] > 0.01
    out = np.where(region[..., None], colour * alpha + out * (1.0 - alpha), out)
    new_hard = (hard & ~cap) | hair
    # the cap pixels outside the hair are backdrop now: their colour no longer matters, but
    # keep them neutral so that no navy shows through the feathered edge
    gone = hard & ~new_hard
    out[gone] = np.asarray(BACKDROP_RGB, np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), _largest_component(new_hard)


def _build_scene(width: int, height: int) -> np.ndarray:
    portrait = _sample_portrait()
    hard = _clean_mask(portrait, _person_mask(portrait))
    portrait, hard = _uncover_head(portrait, hard)
    k = height / 720.0
    scale = _FACE_WIDTH_720 * k / (_GH_CHEEK_RIGHT_X - _GH_CHEEK_LEFT_X)
    pad = int(width / (2 * scale)) + 16  # the frame's half width, in portrait pixels
    big_rgb, big_hard = _extend_person(portrait, hard, pad=pad)
    # feather: one pixel inside the segmentation edge (no background fringe), then soften
    alpha = cv2.erode(big_hard.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 1.1)

    face_cx = (_GH_CHEEK_LEFT_X + _GH_CHEEK_RIGHT_X) / 2.0 + pad
    tx = width / 2.0 - face_cx * scale
    ty = _EYE_Y_720 * k - _GH_EYE_Y * scale
    m = np.float32([[scale, 0.0, tx], [0.0, scale, ty]])
    person = cv2.warpAffine(
        big_rgb, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    a = cv2.warpAffine(
        alpha, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    a = np.clip(cv2.GaussianBlur(a, (0, 0), 0.7), 0.0, 1.0)[..., None]
    backdrop = np.empty((height, width, 3), np.float32)
    backdrop[:] = BACKDROP_RGB
    out = person.astype(np.float32) * a + backdrop * (1.0 - a)
    return np.ascontiguousarray(np.clip(out + 0.5, 0, 255).astype(np.uint8))


_noise_lock = threading.Lock()
_noise_cache: dict[tuple[int, int, float], tuple[tuple[np.ndarray, np.ndarray], ...]] = {}
_NOISE_MARGIN = 48


def _noise_bank(
    width: int, height: int, sigma: float
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Two fields of gaussian noise a little larger than the frame, each split into its
    positive and negative parts as uint8 (two saturating uint8 operations per frame instead of
    a 16-bit add). Frames use random windows of them: drawing 2.7 million normals per frame
    would cost 50 ms."""
    key = (width, height, round(sigma, 3))
    with _noise_lock:
        bank = _noise_cache.get(key)
        if bank is None:
            rng = np.random.default_rng(12345)
            shape = (height + _NOISE_MARGIN, width + _NOISE_MARGIN, 3)
            fields = []
            for _ in range(2):
                n = np.clip(np.round(rng.normal(0.0, sigma, shape)), -255, 255).astype(np.int16)
                pos = np.clip(n, 0, 255).astype(np.uint8)
                neg = np.clip(-n, 0, 255).astype(np.uint8)
                pos.flags.writeable = False
                neg.flags.writeable = False
                fields.append((pos, neg))
            bank = tuple(fields)
            _noise_cache[key] = bank
        return bank


def _person_box(scene: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around everything that is not plain backdrop, plus ``margin``."""
    diff = np.abs(scene.astype(np.int16) - np.asarray(BACKDROP_RGB, np.int16)).max(axis=2) > 1
    ys, xs = np.nonzero(diff)
    h, w = diff.shape
    if ys.size == 0:
        return 0, 0, 0, 0
    return (
        max(0, int(xs.min()) - margin),
        max(0, int(ys.min()) - margin),
        min(w, int(xs.max()) + 1 + margin),
        min(h, int(ys.max()) + 1 + margin),
    )


# ---------------------------------------------------------------------- sources


class _Source:
    """Where the demo frames come from."""

    label = "demo"

    def open(self) -> None:  # noqa: B027 - optional hook
        pass

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    def frame(self, k: int) -> np.ndarray:
        raise NotImplementedError


class _SceneSource(_Source):
    label = "built-in scene"

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self._scene: np.ndarray | None = None
        self.box = (0, 0, 0, 0)  # where the person is; the backdrop elsewhere is plain

    def open(self) -> None:
        if self._scene is None:
            self._scene = default_scene(self.size)
            self.box = _person_box(self._scene, margin=16)

    def frame(self, k: int) -> np.ndarray:
        assert self._scene is not None
        return self._scene


class _FolderSource(_Source):
    _CACHE = 48  # decoded images kept in memory

    def __init__(self, paths: list[Path], label: str) -> None:
        self.paths = paths
        self.label = label
        self.frames_per_picture = 1  # set by the camera from its frame rate and hold time
        self._cache: dict[int, np.ndarray] = {}

    def frame(self, k: int) -> np.ndarray:
        i = (k // max(1, self.frames_per_picture)) % len(self.paths)
        img = self._cache.get(i)
        if img is None:
            try:
                img = read_image_file(self.paths[i])
            except (OSError, ValueError) as e:
                raise CameraError("camera.demo.cannot_read", camera=DEMO,
                                  file=self.paths[i].name, why=why_of(e)) from None
            if len(self._cache) >= self._CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[i] = img
        return img


class _VideoSource(_Source):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = path.name
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        cap = cv2.VideoCapture(os.fspath(self.path))
        if not cap.isOpened():
            cap.release()
            raise CameraError("camera.video.cannot_open", camera=DEMO, file=self.path.name)
        self._cap = cap

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def frame(self, k: int) -> np.ndarray:
        if self._cap is None:
            raise CameraDisconnected("camera.video.not_open", camera=DEMO)
        ok, bgr = self._cap.read()
        if not ok:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._cap.read()
            if not ok:
                raise CameraError("camera.video.no_frames", camera=DEMO, file=self.path.name)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _source_for(path: str | None, size: tuple[int, int] | None) -> _Source:
    if not path:
        return _SceneSource(size or DEFAULT_SIZE)
    p = Path(path).expanduser()
    if p.is_dir():
        files = sorted(
            (f for f in p.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS),
            key=lambda f: f.name,
        )
        if not files:
            raise CameraError("camera.demo.no_images", camera=DEMO, folder=p.name,
                              extensions=", ".join(IMAGE_EXTENSIONS))
        return _FolderSource(files, p.name)
    if p.is_file():
        ext = p.suffix.lower()
        if ext in IMAGE_EXTENSIONS:
            return _FolderSource([p], p.name)
        if ext in VIDEO_EXTENSIONS:
            return _VideoSource(p)
        raise CameraError("camera.demo.not_media", camera=DEMO, file=p.name)
    raise CameraError("camera.demo.no_path", camera=DEMO, path=path)


def _fit(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale to cover ``size`` and cut the centre (no distortion, no mirroring)."""
    w, h = size
    ih, iw = rgb.shape[:2]
    if (iw, ih) == (w, h):
        return rgb
    s = max(w / iw, h / ih)
    nw, nh = max(w, round(iw * s)), max(h, round(ih * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(rgb, (nw, nh), interpolation=interp)
    x0, y0 = (nw - w) // 2, (nh - h) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + h, x0 : x0 + w])


# ---------------------------------------------------------------------- the camera


class DemoCamera(Camera):
    """Frames from the built-in scene, a folder of images or a video file, at ``fps``."""

    kind = "demo"
    warmup_frames = 2

    def __init__(
        self,
        path: str | None = None,
        *,
        fps: float = DEFAULT_FPS,
        hold: float = DEFAULT_HOLD_S,
        size: tuple[int, int] | None = None,
        sway: float | None = None,
        noise: float | None = None,
        drop_every: int = 0,
        slow_ms: float = 0.0,
        disconnect_after: int = 0,
        reconnect_fail: int = 0,
        seed: int | None = None,
        spec: str | None = None,
        name: str | None = None,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        if fps <= 0 or not math.isfinite(fps):
            raise CameraError("camera.demo.bad_fps", camera=DEMO, value=fps)
        if hold < 0 or not math.isfinite(hold):
            raise CameraError("camera.demo.bad_hold", camera=DEMO, value=hold)
        path = path or None
        label = Path(path).name if path else "built-in scene"
        super().__init__(
            spec or (f"demo:{path}" if path else "demo"),
            name=name or f"Demo camera ({label})",
            reconnect=reconnect,
        )
        if name is None:
            self._label = Msg("camera.name.demo",
                              label=Path(path).name if path else Msg("camera.name.scene"))
        self._path = path
        self._size = (int(size[0]), int(size[1])) if size else None
        self._fps_set = float(fps)
        self._hold = float(hold)
        # the built-in scene sways and is noisy by default; recorded material is played as is
        self._sway = float(sway if sway is not None else (0.0 if path else 2.5))
        self._noise = float(noise if noise is not None else (0.0 if path else 2.0))
        self._drop_every = max(0, int(drop_every))
        self._slow = max(0.0, float(slow_ms)) / 1000.0
        self._disconnect_after = max(0, int(disconnect_after))
        self._reconnect_fail = max(0, int(reconnect_fail))
        self._rng = np.random.default_rng(seed)
        self._source: _Source | None = None
        self._produced = 0  # frames rendered (delivered or dropped)
        self._since_connect = 0
        self._reopen_failures_left = 0
        self._fail_still = threading.Event()
        self._capabilities = Capabilities(live_view=True, full_resolution_capture=False)
        self.injected = {"dropped": 0, "disconnects": 0, "reconnect_failures": 0, "stills": 0}

    # -- fault injection

    def fail_next_still(self) -> None:
        """Make the next :meth:`capture_still` raise CameraError."""
        self._fail_still.set()

    # -- device hooks

    def _device_open(self) -> None:
        if self._reopen_failures_left > 0:
            self._reopen_failures_left -= 1
            self.injected["reconnect_failures"] += 1
            raise CameraError("camera.demo.injected_reconnect", camera=DEMO)
        if self._source is None:
            self._source = _source_for(self._path, self._size)
        self._source.open()
        self._set_hold()
        self._since_connect = 0

    def _device_close(self) -> None:
        if self._source is not None:
            self._source.close()

    def _set_hold(self) -> None:
        """Frames per folder picture at the current rate (at least one)."""
        if isinstance(self._source, _FolderSource):
            self._source.frames_per_picture = max(1, round(self._hold * self._fps_set))

    def _frame_period(self) -> float | None:
        return 1.0 / self._fps_set

    def _device_read_frame(self) -> np.ndarray | None:
        if self._disconnect_after and self._since_connect >= self._disconnect_after:
            self._reopen_failures_left = self._reconnect_fail
            self.injected["disconnects"] += 1
            raise CameraDisconnected("camera.demo.injected_disconnect", camera=DEMO)
        if self._slow and not self._sleep(self._slow):
            return None
        rgb = self._render()
        self._since_connect += 1
        if self._drop_every and self._produced % self._drop_every == 0:
            self.injected["dropped"] += 1
            return None
        return rgb

    def _device_capture_still(self) -> Still:
        if self._fail_still.is_set():
            self._fail_still.clear()
            raise CameraError("camera.demo.injected_still", camera=DEMO)
        frame = self._slot.peek()
        if self._live and frame is not None and frame.age < 1.0:
            rgb = frame.rgb.copy()
            number = frame.number
        else:
            rgb = self._render()
            number = None
        self.injected["stills"] += 1
        return Still(
            rgb,
            metadata={
                "camera": self.name,
                "kind": self.kind,
                "frame_number": number,
                "width": int(rgb.shape[1]),
                "height": int(rgb.shape[0]),
            },
        )

    def _device_settings(self) -> dict[str, Setting]:
        fps = f"{self._fps_set:g}"
        choices = _FPS_CHOICES if fps in _FPS_CHOICES else (*_FPS_CHOICES, fps)
        size = self._size or (
            self._source.size if isinstance(self._source, _SceneSource) else None
        )
        return {
            "fps": Setting("fps", "Frame rate", fps, choices, kind="choice", key="fps"),
            "size": Setting(
                "size",
                "Frame size",
                f"{size[0]}x{size[1]}" if size else "as recorded",
                readonly=True,
                kind="text",
                key="size",
            ),
        }

    def _device_set_setting(self, name: str, value: str | int | float) -> None:
        if name != "fps":
            raise CameraError("camera.setting_fixed", camera=DEMO, setting=name)
        try:
            fps = float(value)
        except ValueError:
            raise CameraError("camera.demo.fps_not_number", camera=DEMO, value=value) from None
        if not (0 < fps <= 240):
            raise CameraError("camera.demo.fps_range", camera=DEMO, value=value)
        self._fps_set = fps
        self._set_hold()

    # -- rendering

    def _render(self) -> np.ndarray:
        assert self._source is not None
        k = self._produced
        self._produced += 1
        rgb = self._source.frame(k)
        if self._size and not isinstance(self._source, _SceneSource):
            rgb = _fit(rgb, self._size)
        if self._sway > 0:
            rgb = self._sway_frame(rgb, k)
        if self._noise > 0:
            h, w = rgb.shape[:2]
            bank = _noise_bank(w, h, self._noise)
            pos, neg = bank[int(self._rng.integers(len(bank)))]
            oy, ox = (int(v) for v in self._rng.integers(0, _NOISE_MARGIN, 2))
            rgb = cv2.add(rgb, pos[oy : oy + h, ox : ox + w])
            cv2.subtract(rgb, neg[oy : oy + h, ox : ox + w], dst=rgb)
        else:
            rgb = rgb.copy()  # never hand out the cached source image itself
        return rgb

    def _sway_frame(self, rgb: np.ndarray, k: int) -> np.ndarray:
        """Translate by a slow sub-pixel sway (no rotation, no mirroring)."""
        t = k / self._fps_set
        dx = self._sway * (
            0.65 * math.sin(2 * math.pi * t / 5.3) + 0.35 * math.sin(2 * math.pi * t / 2.9 + 1.1)
        )
        dy = 0.5 * self._sway * math.sin(2 * math.pi * t / 6.7 + 0.4)
        h, w = rgb.shape[:2]
        src = self._source
        if isinstance(src, _SceneSource) and src.box[2] > src.box[0]:
            # only the person moves; the plain backdrop around them is the same after a shift
            x0, y0, x1, y1 = src.box
            out = rgb.copy()
            m = np.float32([[1.0, 0.0, dx], [0.0, 1.0, dy]])
            out[y0:y1, x0:x1] = cv2.warpAffine(
                rgb[y0:y1, x0:x1], m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
            return out
        m = np.float32([[1.0, 0.0, dx], [0.0, 1.0, dy]])
        return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
