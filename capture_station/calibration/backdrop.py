"""Step 1 of the lighting calibration: measure the empty backdrop.

The standard asks for a white backdrop, uniform, without gradient or shadow (二.1), under even
light without hot spots (三.1). A photo of the empty backdrop, framed as for a candidate, shows
all of that at once. The frame is reduced (light varies slowly), turned into linear light, and:

* cut into a grid of cells (8 x 6) whose lightness L* is reported and drawn as a heat map;
* fitted with a smooth surface. A plane plus a radial term separates a left/right or top/bottom
  gradient (one light weaker, nearer or turned away) from a hot spot or vignetting (light
  bunched in the middle); a more flexible surface is the "local backdrop" against which dark
  blobs -- shadows, stains, folds -- stand out as connected regions;
* averaged in linear RGB for its colour: the cast (a*, b* against the reference white) and,
  through McCamy's formula and the camera's white-balance setting, the lights' colour
  temperature.

Dark blobs are taken out before the evenness figures are computed, so a stain is reported as a
stain and not as a gradient. :func:`backdrop_stats` is the small summary the main window
compares with the calibrated one on live frames (see :func:`capture_station.calibration.drift`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from capture_station.calibration import colour
from capture_station.calibration.items import CalibrationItem, make_item
from capture_station.calibration.reference import Reference, load_reference
from capture_station.calibration.white_balance import WhiteBalance, light_cct
from capture_station.checks.engine import Status
from capture_station.standard import Standard, load_standard

CLIP_LEVEL = 254  # a channel at 254 or 255 is burnt out


def check_rgb(rgb: np.ndarray, what: str = "image") -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"{what}: expected an HxWx3 uint8 RGB image")
    if rgb.shape[0] < 48 or rgb.shape[1] < 48:
        raise ValueError(f"{what}: image too small to measure ({rgb.shape[1]}x{rgb.shape[0]})")


def reduce(rgb: np.ndarray, longest: int) -> np.ndarray:
    """Area-averaged copy whose long side is at most ``longest`` pixels."""
    h, w = rgb.shape[:2]
    k = longest / max(h, w)
    if k >= 1:
        return np.ascontiguousarray(rgb)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    return cv2.resize(np.ascontiguousarray(rgb), size, interpolation=cv2.INTER_AREA)


def where_words(fx: float, fy: float) -> tuple[str, str]:
    """A position (fractions of the frame) in words, seen from the camera."""
    col = 0 if fx < 1 / 3 else (2 if fx > 2 / 3 else 1)
    row = 0 if fy < 1 / 3 else (2 if fy > 2 / 3 else 1)
    zh = [["左上", "上部", "右上"], ["左侧", "中部", "右侧"], ["左下", "下部", "右下"]][row][col]
    en = [["upper left", "top", "upper right"], ["left", "centre", "right"],
          ["lower left", "bottom", "lower right"]][row][col]
    return zh, en


@dataclass
class Blob:
    """A dark region of the backdrop (shadow, stain, fold)."""

    depth: float  # L* below the smooth backdrop around it
    area_pct: float  # share of the frame
    centre: tuple[float, float]  # fractions of width, height
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions

    def where(self) -> tuple[str, str]:
        return where_words(*self.centre)

    def to_dict(self) -> dict[str, Any]:
        return {
            "depth": round(self.depth, 2),
            "area_pct": round(self.area_pct, 3),
            "centre": [round(v, 4) for v in self.centre],
            "box": [round(v, 4) for v in self.box],
        }


@dataclass
class BackdropStats:
    """The live-comparable summary of a backdrop: two upper outer patches (see [drift])."""

    mean_lstar: float
    left_lstar: float
    right_lstar: float
    left_right_pct: float  # > 0: the left patch is darker, in % of the brighter one
    a: float
    b: float
    visible: float  # share of the patches that was backdrop (not person)

    def to_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BackdropStats:
        return cls(**{k: float(d[k]) for k in cls.__dataclass_fields__})


@dataclass
class BackdropMeasurement:
    size: tuple[int, int]  # (width, height) of the frame measured
    grid: tuple[int, int]  # (columns, rows)
    cells: np.ndarray  # (rows, columns) L* of each cell, every pixel counted (heat map)
    cells_clean: np.ndarray  # the same without dark blobs (evenness)
    mean_lstar: float
    reference_lstar: float
    reference_lab: tuple[float, float, float]
    spread: float  # max - min of cells_clean (L*)
    left_right_pct: float  # > 0: the left edge is darker
    top_bottom_pct: float  # > 0: the top edge is darker
    vignette_pct: float  # > 0: the centre is brighter than the corner cells
    blobs: list[Blob]
    lab: tuple[float, float, float] | None  # mean colour (None: too little unclipped backdrop)
    cast: tuple[float, float] | None  # (a*, b*) minus the reference's
    xy: tuple[float, float] | None
    image_cct: float | None  # CCT of the backdrop as the picture shows it
    clipped_pct: float
    stats: BackdropStats
    flat: np.ndarray = field(repr=False)  # smoothed luminance map (flat field for step 2)
    blob_mask: np.ndarray = field(repr=False)  # on the flat map's grid

    @property
    def chroma(self) -> float | None:
        return None if self.cast is None else float(math.hypot(*self.cast))

    def darkest_cell(self) -> tuple[int, int]:
        """(row, column) of the darkest cell of the heat map."""
        r, c = np.unravel_index(int(np.nanargmin(self.cells)), self.cells.shape)
        return int(r), int(c)

    def to_dict(self) -> dict[str, Any]:
        def rnd(v: float | None, nd: int = 2) -> float | None:
            return None if v is None else round(float(v), nd)

        return {
            "size": list(self.size),
            "grid": list(self.grid),
            "cells": [[round(float(v), 2) for v in row] for row in self.cells],
            "cells_clean": [[round(float(v), 2) for v in row] for row in self.cells_clean],
            "mean_lstar": rnd(self.mean_lstar),
            "reference_lstar": rnd(self.reference_lstar),
            "spread": rnd(self.spread),
            "left_right_pct": rnd(self.left_right_pct),
            "top_bottom_pct": rnd(self.top_bottom_pct),
            "vignette_pct": rnd(self.vignette_pct),
            "blobs": [b.to_dict() for b in self.blobs],
            "lab": None if self.lab is None else [round(v, 2) for v in self.lab],
            "cast": None if self.cast is None else [round(v, 2) for v in self.cast],
            "xy": None if self.xy is None else [round(v, 5) for v in self.xy],
            "image_cct": rnd(self.image_cct, 0),
            "clipped_pct": rnd(self.clipped_pct),
            "stats": self.stats.to_dict(),
        }


# -- fitting ----------------------------------------------------------------------------------


def _coords(h: int, w: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Pixel-centre coordinates relative to the frame centre, in units of the long side."""
    side = float(max(h, w))
    u = (np.arange(w, dtype=np.float64) + 0.5 - w / 2) / side
    v = (np.arange(h, dtype=np.float64) + 0.5 - h / 2) / side
    uu, vv = np.meshgrid(u, v)
    return uu, vv, side


def _flexible_terms(uu: np.ndarray, vv: np.ndarray) -> np.ndarray:
    """Cubic surface plus r^4: follows light falloff and lens vignetting, not a shadow."""
    r2 = uu * uu + vv * vv
    return np.stack(
        [np.ones_like(uu), uu, vv, uu * uu, uu * vv, vv * vv,
         uu**3, uu * uu * vv, uu * vv * vv, vv**3, r2 * r2],
        axis=-1,
    )


def _lstsq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(a, b, rcond=None)
    return coef


def _cell_edges(n: int, cells: int) -> np.ndarray:
    return np.round(np.linspace(0, n, cells + 1)).astype(int)


# -- measurement ------------------------------------------------------------------------------


def measure_backdrop(
    rgb: np.ndarray,
    *,
    standard: Standard | None = None,
    reference: Reference | None = None,
) -> BackdropMeasurement:
    """Measure a frame of the empty backdrop (see the module docstring)."""
    check_rgb(rgb, "backdrop")
    ref = reference or load_reference()
    std = standard or load_standard()
    blob_lim = ref.item("backdrop.shadow.blobs")
    detect = float(blob_lim.param("detect_delta"))
    min_area = float(blob_lim.param("min_area_pct")) / 100.0
    smooth_pct = float(blob_lim.param("smooth_pct")) / 100.0

    big_h, big_w = rgb.shape[:2]
    # Burnt-out pixels, on a decimated view of the full frame (no 24-megapixel temporaries).
    step = max(1, int(math.sqrt(big_h * big_w / 2.0e6)))
    view = rgb[::step, ::step]
    clipped_view = view.max(axis=2) >= CLIP_LEVEL
    clipped_pct = float(clipped_view.mean() * 100.0)

    small = reduce(rgb, ref.analysis_size)
    h, w = small.shape[:2]
    clip_frac = cv2.resize(clipped_view.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    valid = clip_frac < 0.5
    lin = colour.srgb_to_linear(small).astype(np.float64)
    y = colour.luminance(lin)
    lum = colour.lstar(y)

    uu, vv, side = _coords(h, w)
    terms = _flexible_terms(uu, vv)
    sigma = max(1.0, smooth_pct * max(h, w))

    # Robust surface: refit without the pixels that lie clearly below it (blobs).
    keep = valid.copy()
    if keep.sum() < 0.05 * keep.size:
        keep = np.ones_like(valid)
    fit = np.full_like(lum, float(np.median(lum)))
    smooth_res = np.zeros_like(lum)
    sub = np.zeros_like(valid)
    sub[::2, ::2] = True  # every fourth pixel is plenty for 11 smooth terms
    for _ in range(5):
        coef = _lstsq(terms[keep & sub], lum[keep & sub])
        fit = terms @ coef
        smooth_res = cv2.GaussianBlur(lum - fit, (0, 0), sigma)
        new_keep = valid & (smooth_res > -detect)
        if new_keep.sum() < 0.05 * new_keep.size or np.array_equal(new_keep, keep):
            keep = new_keep if new_keep.sum() >= 0.05 * new_keep.size else keep
            break
        keep = new_keep

    # Dark blobs: connected regions below the local backdrop.
    dark = ((smooth_res < -detect) & valid).astype(np.uint8)
    n, labels, cstats, cents = cv2.connectedComponentsWithStats(dark, connectivity=8)
    blobs: list[Blob] = []
    blob_mask = np.zeros((h, w), dtype=bool)
    for i in range(1, n):
        area = int(cstats[i, cv2.CC_STAT_AREA])
        if area < min_area * h * w:
            continue
        comp = labels == i
        blob_mask |= comp
        x0, y0 = cstats[i, cv2.CC_STAT_LEFT], cstats[i, cv2.CC_STAT_TOP]
        bw, bh = cstats[i, cv2.CC_STAT_WIDTH], cstats[i, cv2.CC_STAT_HEIGHT]
        blobs.append(Blob(
            depth=float(-np.percentile(smooth_res[comp], 2)),
            area_pct=100.0 * area / (h * w),
            centre=(float(cents[i][0] + 0.5) / w, float(cents[i][1] + 0.5) / h),
            box=(x0 / w, y0 / h, (x0 + bw) / w, (y0 + bh) / h),
        ))
    blobs.sort(key=lambda b: b.depth, reverse=True)
    grow = max(1, int(round(sigma)))
    excluded = cv2.dilate(blob_mask.astype(np.uint8), np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)) > 0
    good = valid & ~excluded
    if good.sum() < 0.05 * good.size:
        good = ~excluded if (~excluded).sum() >= 0.05 * excluded.size else np.ones_like(valid)

    # Interpretable surface in linear light: plane (gradients) + radial term (hot spot).
    yn = y / float(y[good].mean())
    basic = np.stack([np.ones_like(uu), uu, vv, uu * uu + vv * vv], axis=-1)
    a0, bu, bv, br = (float(c) for c in _lstsq(basic[good & sub], yn[good & sub]))
    u_edge, v_edge = w / (2 * side), h / (2 * side)
    y_left, y_right = a0 - bu * u_edge, a0 + bu * u_edge
    y_top, y_bottom = a0 - bv * v_edge, a0 + bv * v_edge
    left_right = 100.0 * (y_right - y_left) / max(y_left, y_right, 1e-9)
    top_bottom = 100.0 * (y_bottom - y_top) / max(y_top, y_bottom, 1e-9)
    cols, rows = ref.grid(big_w, big_h)
    uc = (w / 2 - w / (2 * cols)) / side
    vc = (h / 2 - h / (2 * rows)) / side
    vignette = -100.0 * br * (uc * uc + vc * vc) / max(a0, 1e-9)

    # Cells.
    xe, ye = _cell_edges(w, cols), _cell_edges(h, rows)
    fit_y = colour.lstar_to_y(fit)
    cells = np.zeros((rows, cols))
    clean = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            sl = (slice(ye[r], ye[r + 1]), slice(xe[c], xe[c + 1]))
            yc = y[sl]
            cells[r, c] = float(colour.lstar(yc.mean()))
            g = good[sl]
            if g.sum() >= 0.2 * g.size:
                clean[r, c] = float(colour.lstar(yc[g].mean()))
            else:
                clean[r, c] = float(colour.lstar(fit_y[sl].mean()))
    spread = float(clean.max() - clean.min())
    mean_lstar = float(colour.lstar(y[~excluded].mean() if (~excluded).any() else y.mean()))

    ref_lab = colour.srgb_to_lab(np.array(std.background_rgb, dtype=np.uint8).reshape(1, 1, 3))[0, 0]
    reference_lab = (float(ref_lab[0]), float(ref_lab[1]), float(ref_lab[2]))
    colour_px = valid & ~excluded
    lab: tuple[float, float, float] | None = None
    cast: tuple[float, float] | None = None
    xy: tuple[float, float] | None = None
    image_cct: float | None = None
    if colour_px.sum() >= 0.05 * colour_px.size:
        mean_lin = lin[colour_px].mean(axis=0)
        lab_v = colour.linear_to_lab(mean_lin)
        lab = (float(lab_v[0]), float(lab_v[1]), float(lab_v[2]))
        cast = (lab[1] - reference_lab[1], lab[2] - reference_lab[2])
        xy = colour.xy_chromaticity(colour.linear_to_xyz(mean_lin))
        image_cct = colour.mccamy_cct(*xy)

    flat = cv2.GaussianBlur(y, (0, 0), 2.0)
    return BackdropMeasurement(
        size=(big_w, big_h),
        grid=(cols, rows),
        cells=cells,
        cells_clean=clean,
        mean_lstar=mean_lstar,
        reference_lstar=reference_lab[0],
        reference_lab=reference_lab,
        spread=spread,
        left_right_pct=float(left_right),
        top_bottom_pct=float(top_bottom),
        vignette_pct=float(vignette),
        blobs=blobs,
        lab=lab,
        cast=cast,
        xy=xy,
        image_cct=image_cct,
        clipped_pct=clipped_pct,
        stats=backdrop_stats(rgb, reference=ref),
        flat=flat,
        blob_mask=blob_mask,
    )


# -- live summary (drift) ---------------------------------------------------------------------

STATS_SIZE = 320  # frames are reduced to this long side before the patches are read


def backdrop_stats(
    rgb: np.ndarray,
    person_mask: np.ndarray | None = None,
    *,
    reference: Reference | None = None,
) -> BackdropStats | None:
    """Mean lightness, left/right balance and colour of the two upper outer backdrop patches.

    ``person_mask`` (any size, values in 0..1, e.g. ``Analysis.person_mask``) excludes the
    person. None when too little of a patch is visible backdrop.
    """
    check_rgb(rgb, "frame")
    ref = reference or load_reference()
    small = reduce(rgb, STATS_SIZE)
    h, w = small.shape[:2]
    lin = colour.srgb_to_linear(small).astype(np.float64)
    ok = np.ones((h, w), dtype=bool)
    if person_mask is not None:
        m = cv2.resize(np.asarray(person_mask, dtype=np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        grow = max(1, w // 40)
        m = cv2.dilate((m > 0.3).astype(np.uint8), np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
        ok = m == 0
    x0, x1, y0, y1 = ref.drift_patch
    ys = slice(int(round(y0 * h)), max(int(round(y1 * h)), int(round(y0 * h)) + 1))
    patches = []
    visible = []
    for lo, hi in ((x0, x1), (1 - x1, 1 - x0)):
        xs = slice(int(round(lo * w)), max(int(round(hi * w)), int(round(lo * w)) + 1))
        sel = ok[ys, xs]
        visible.append(float(sel.mean()))
        if sel.mean() < ref.drift_min_visible:
            return None
        patches.append(lin[ys, xs][sel])
    y_l = float(colour.luminance(patches[0].mean(axis=0)))
    y_r = float(colour.luminance(patches[1].mean(axis=0)))
    both = np.concatenate(patches).mean(axis=0)
    lab = colour.linear_to_lab(both)
    return BackdropStats(
        mean_lstar=float(colour.lstar((y_l + y_r) / 2)),
        left_lstar=float(colour.lstar(y_l)),
        right_lstar=float(colour.lstar(y_r)),
        left_right_pct=100.0 * (y_r - y_l) / max(y_l, y_r, 1e-9),
        a=float(lab[1]),
        b=float(lab[2]),
        visible=min(visible),
    )


# -- grading ----------------------------------------------------------------------------------


def _round5(cm: float) -> int:
    return max(5, int(5 * round(cm / 5)))


def _side_hint(pct: float, side_zh: str, side_en: str, ref: Reference) -> tuple[str, str]:
    """Hint for a backdrop side that gets ``pct`` % less light (inverse-square rule)."""
    s = ref.setup
    d = s.distance_mid_m
    p = min(max(pct, 0.0), 90.0) / 100.0
    closer = d * (1 - math.sqrt(1 - p)) * 100
    other_zh = "右" if side_zh == "左" else "左"
    other_en = "right" if side_en == "left" else "left"
    rng = f"{s.distance_min_m:g}–{s.distance_max_m:g}"
    if d - closer / 100 >= s.distance_min_m:
        zh = (f"背景{side_zh}侧偏暗{pct:.0f}%（从相机方向看）：把{side_zh}侧灯稍向背景转动，"
              f"或将其移近约{_round5(closer)}厘米（保持在{rng}米内），然后重新测量")
        en = (f"The {side_en} side of the backdrop is {pct:.0f} % darker (seen from the camera): "
              f"turn the {side_en} light a little towards the backdrop or move it about "
              f"{_round5(closer)} cm closer (staying within {rng} m), then measure again")
    else:
        back = d * (1 / math.sqrt(1 - p) - 1) * 100
        zh = (f"背景{side_zh}侧偏暗{pct:.0f}%（从相机方向看）：把{side_zh}侧灯向背景转动并移近，"
              f"同时把{other_zh}侧灯后移约{_round5(back)}厘米或调低其功率约{pct:.0f}%"
              f"（两灯保持在{rng}米内），然后重新测量")
        en = (f"The {side_en} side of the backdrop is {pct:.0f} % darker (seen from the camera): "
              f"turn the {side_en} light towards the backdrop and bring it closer, and move the "
              f"{other_en} light about {_round5(back)} cm back or lower its power by about "
              f"{pct:.0f} % (both within {rng} m), then measure again")
    return zh, en


def backdrop_items(
    m: BackdropMeasurement,
    wb: WhiteBalance,
    reference: Reference | None = None,
) -> list[CalibrationItem]:
    """Grade a backdrop measurement item by item."""
    ref = reference or load_reference()
    out: list[CalibrationItem] = []

    # Exposure: mean lightness against the reference white.
    lim = ref.item("backdrop.exposure.level")
    below = m.reference_lstar - m.mean_lstar
    target = m.reference_lstar - (lim.warn or 0.0) / 2
    stops = math.log2(float(colour.lstar_to_y(target)) / max(float(colour.lstar_to_y(m.mean_lstar)), 1e-6))
    if below >= 0:
        bad = (
            f"背景偏暗（L* {m.mean_lstar:.1f}）：两灯同时提高功率或开大光圈约{abs(stops):.1f}档；"
            "若背景布本身发灰或脏污，灯光无法补救，请更换白色背景",
            f"The backdrop is too dark (L* {m.mean_lstar:.1f}): raise both lights equally or open "
            f"the aperture by about {abs(stops):.1f} stop; a grey or dirty cloth cannot be fixed "
            "with light: replace it with a white one",
        )
    else:
        bad = ("背景亮于参考色：降低曝光", "The backdrop is brighter than the reference: lower the exposure")
    out.append(make_item(
        lim, abs(below),
        f"背景平均亮度 L* {m.mean_lstar:.1f}（参考白 {m.reference_lstar:.0f}，差 {below:.1f}）",
        f"mean backdrop lightness L* {m.mean_lstar:.1f} (reference white {m.reference_lstar:.0f}, "
        f"{below:.1f} below)",
        bad_hint=bad,
        detail={"mean_lstar": round(m.mean_lstar, 2), "reference_lstar": round(m.reference_lstar, 2)},
    ))

    # Clipping.
    lim = ref.item("backdrop.exposure.clipping")
    unmeasurable = m.clipped_pct >= float(lim.param("unmeasurable"))
    out.append(make_item(
        lim, m.clipped_pct,
        f"背景过曝（通道≥254）的面积 {m.clipped_pct:.1f}%",
        f"{m.clipped_pct:.1f} % of the backdrop is burnt out (a channel at 254 or more)",
        bad_hint=(
            "校准时请按1/3档逐步降低曝光，直到背景不再过曝（约RGB 240–250），测完后恢复；"
            "过曝区域看不出渐变和色偏",
            "For the calibration shot lower the exposure in 1/3-stop steps until the backdrop is "
            "no longer burnt out (about RGB 240-250), and restore it afterwards: burnt-out areas "
            "hide gradients and casts",
        ),
    ))

    def undetermined(item_id: str) -> CalibrationItem:
        lim_u = ref.item(item_id)
        return make_item(
            lim_u, None,
            "背景大面积过曝，无法测量",
            "too much of the backdrop is burnt out to measure this",
            status=Status.UNDETERMINED,
            bad_hint=(
                "降低曝光（1/3档一步）后重新拍摄空背景",
                "Lower the exposure (1/3 stop at a time) and shoot the empty backdrop again",
            ),
        )

    # Evenness.
    if unmeasurable:
        out += [undetermined(i) for i in (
            "backdrop.evenness.spread", "backdrop.evenness.left_right",
            "backdrop.evenness.top_bottom", "backdrop.evenness.vignette",
        )]
    else:
        lim = ref.item("backdrop.evenness.spread")
        r, c = np.unravel_index(int(np.argmin(m.cells_clean)), m.cells_clean.shape)
        rows, cols = m.cells_clean.shape
        wz, we = where_words((c + 0.5) / cols, (r + 0.5) / rows)
        notable = m.spread >= (lim.warn or 0.0) / 2
        out.append(make_item(
            lim, m.spread,
            f"格子亮度 L* {m.cells_clean.min():.1f}–{m.cells_clean.max():.1f}，相差 {m.spread:.1f}"
            + (f"；最暗处在{wz}" if notable else ""),
            f"cells range from L* {m.cells_clean.min():.1f} to {m.cells_clean.max():.1f} "
            f"({m.spread:.1f})" + (f"; darkest at the {we}" if notable else ""),
            bad_hint=(
                f"背景最暗处在{wz}（从相机方向看）：按左右/上下渐变项的提示调整灯光，使背景各处亮度一致",
                f"The darkest part of the backdrop is at the {we} (seen from the camera): follow "
                "the gradient items' hints until the backdrop is equally bright everywhere",
            ),
            detail={"darkest": [int(r), int(c)]},
        ))

        lim = ref.item("backdrop.evenness.left_right")
        pct = abs(m.left_right_pct)
        side_zh, side_en = ("左", "left") if m.left_right_pct > 0 else ("右", "right")
        even = pct < 0.5
        out.append(make_item(
            lim, pct,
            "背景左右亮度一致" if even else f"背景{side_zh}侧比另一侧暗 {pct:.1f}%",
            "left and right of the backdrop are equally bright" if even
            else f"the {side_en} side of the backdrop is {pct:.1f} % darker than the other",
            bad_hint=_side_hint(pct, side_zh, side_en, ref),
            detail={"darker": side_en, "signed_pct": round(m.left_right_pct, 2)},
        ))

        lim = ref.item("backdrop.evenness.top_bottom")
        pct = abs(m.top_bottom_pct)
        top = m.top_bottom_pct > 0
        if top:
            bad = (
                f"背景上部偏暗{pct:.0f}%：灯位偏低或向下倾斜。把两灯调到与考生肩部同高、对准头部；"
                "已到位时可让考生坐得离背景近一些，或加一盏背景灯",
                f"The top of the backdrop is {pct:.0f} % darker: the lights are low or tilted "
                "down. Set both at the candidate's shoulder height, aimed at the head; if they "
                "are, seat the candidate a little closer to the backdrop or add a backdrop light",
            )
        else:
            bad = (
                f"背景下部偏暗{pct:.0f}%：灯位偏高、向上倾斜，或桌椅挡住了下部光线。"
                "把两灯调到肩部高度、对准头部，移开遮挡物",
                f"The bottom of the backdrop is {pct:.0f} % darker: the lights are high or tilted "
                "up, or a table or chair blocks the lower part. Set them at shoulder height, aimed "
                "at the head, and clear the way",
            )
        even = pct < 0.5
        out.append(make_item(
            lim, pct,
            "背景上下亮度一致" if even else f"背景{'上部' if top else '下部'}比另一端暗 {pct:.1f}%",
            "top and bottom of the backdrop are equally bright" if even
            else f"the {'top' if top else 'bottom'} of the backdrop is {pct:.1f} % darker than the other end",
            bad_hint=bad,
            detail={"darker": "top" if top else "bottom", "signed_pct": round(m.top_bottom_pct, 2)},
        ))

        lim = ref.item("backdrop.evenness.vignette")
        pct = abs(m.vignette_pct)
        hot = m.vignette_pct > 0
        if pct < 0.5:
            msg = ("背景中心与四角亮度一致", "centre and corners of the backdrop are equally bright")
        elif hot:
            msg = (f"背景中心比四角亮 {pct:.1f}%", f"the centre of the backdrop is {pct:.1f} % brighter than the corners")
        else:
            msg = (f"背景四角比中心亮 {pct:.1f}%", f"the corners of the backdrop are {pct:.1f} % brighter than the centre")
        if hot:
            bad = (
                f"背景中心比四角亮{pct:.0f}%（光斑或暗角）：两灯应对准考生头部而不是背景中心，"
                f"加柔光罩，或后移至{ref.setup.distance_max_m:g}米；镜头暗角可收小光圈至f/8或开启镜头暗角校正",
                f"The centre of the backdrop is {pct:.0f} % brighter than the corners (hot spot or "
                "vignetting): aim the lights at the candidate's head, not at the backdrop centre, "
                f"add diffusers, or move them back to {ref.setup.distance_max_m:g} m; against lens "
                "vignetting stop down to f/8 or switch on the camera's vignetting correction",
            )
        else:
            bad = (
                f"背景四角比中心亮{pct:.0f}%：背景中部被遮挡（座椅、灯架的影子）或两灯偏向外侧，"
                "请把两灯对准考生头部",
                f"The corners are {pct:.0f} % brighter than the centre: something shades the middle "
                "of the backdrop (a chair or stand) or the lights point outwards; aim both at the "
                "candidate's head",
            )
        out.append(make_item(lim, pct, msg[0], msg[1], bad_hint=bad,
                             detail={"centre_brighter": hot, "signed_pct": round(m.vignette_pct, 2)}))

    # Shadows and marks.
    lim = ref.item("backdrop.shadow.blobs")
    if m.blobs:
        b0 = m.blobs[0]
        wz, we = b0.where()
        out.append(make_item(
            lim, b0.depth,
            f"背景{wz}有暗斑：比周围暗 {b0.depth:.1f} L*，约占画面 {b0.area_pct:.1f}%（共{len(m.blobs)}处）",
            f"dark patch at the {we}: {b0.depth:.1f} L* below its surroundings, "
            f"{b0.area_pct:.1f} % of the frame ({len(m.blobs)} in all)",
            bad_hint=(
                "背景前有较大的物体（人、椅子？）：第一步要拍摄空背景，请让考生位置空着并把椅子移出画面",
                "Something large stands in front of the backdrop (a person? a chair?): step 1 "
                "needs the empty backdrop; leave the seat empty and move the chair out of the picture",
            ) if b0.area_pct >= 10 and b0.depth >= 25 else (
                f"背景{wz}有一块暗斑（阴影或污迹），比周围暗{b0.depth:.1f} L*：移开投下阴影的物体"
                "（灯架、椅子、线缆），或清洁、展平背景布",
                f"There is a dark patch (shadow or mark) at the {we} of the backdrop, "
                f"{b0.depth:.1f} L* darker than around it: remove what casts it (stand, chair, "
                "cable) or clean and smooth the backdrop",
            ),
            detail={"blobs": [b.to_dict() for b in m.blobs[:5]]},
        ))
    else:
        out.append(make_item(lim, 0.0, "背景上没有阴影或污迹", "no shadows or marks on the backdrop",
                             detail={"blobs": []}))

    # Colour.
    out += colour_items(m, wb, ref)
    return out


def colour_items(m: BackdropMeasurement, wb: WhiteBalance, ref: Reference) -> list[CalibrationItem]:
    out: list[CalibrationItem] = []
    lim = ref.item("backdrop.colour.cast")
    s = ref.setup
    k_range = f"{s.cct_min_k:.0f}–{s.cct_max_k:.0f}K"
    wb_zh, wb_en = wb.describe()
    if m.cast is None or m.lab is None:
        out.append(make_item(
            lim, None, "背景大面积过曝，无法测量颜色", "too much of the backdrop is burnt out to measure its colour",
            status=Status.UNDETERMINED,
            bad_hint=("降低曝光后重新拍摄空背景", "Lower the exposure and shoot the empty backdrop again"),
        ))
    else:
        da, db = m.cast
        chroma = float(math.hypot(da, db))
        words = colour.hue_words(da, db)
        if wb.mode == "auto":
            bad = (
                f"背景{words[0]}，自动白平衡也没能校正：可能是混合光源。关闭室内灯、遮挡窗户，"
                f"并把相机白平衡固定为{k_range}",
                f"The backdrop is {words[1]} even with automatic white balance: probably mixed "
                f"light. Switch off room lights, cover windows and set a fixed white balance of {k_range}",
            )
        elif abs(db) >= abs(da):
            warm = db > 0
            bad = (
                f"背景{words[0]}：灯光比相机白平衡{'偏暖' if warm else '偏冷'}。把白平衡设为灯的色温"
                f"（{k_range}）或对着背景做自定义白平衡；检查两盏灯是否同型号、同色温",
                f"The backdrop is {words[1]}: the lights are {'warmer' if warm else 'cooler'} than "
                f"the camera's white balance. Set the white balance to the lights' {k_range} or "
                "make a custom white balance on the backdrop; check both lamps are the same model",
            )
        else:
            bad = (
                f"背景{words[0]}：多见于荧光灯或低显色LED。换用高显色（CRI≥90）日光型灯，关闭室内荧光灯",
                f"The backdrop is {words[1]}: typical of fluorescent tubes or low-quality LEDs. Use "
                "daylight lamps with CRI 90 or more and switch off fluorescent room lights",
            )
        out.append(make_item(
            lim, chroma,
            f"背景平均颜色 a* {da:+.1f}，b* {db:+.1f}（{words[0] if chroma >= 1 else '中性'}）",
            f"mean backdrop colour a* {da:+.1f}, b* {db:+.1f} ({words[1] if chroma >= 1 else 'neutral'})",
            bad_hint=bad,
            detail={"a": round(da, 2), "b": round(db, 2)},
        ))

    lim = ref.item("backdrop.colour.temperature")
    detail: dict[str, Any] = {"white_balance": wb.to_dict(),
                              "image_cct": None if m.image_cct is None else round(m.image_cct)}
    if m.image_cct is None:
        out.append(make_item(
            lim, None, "背景过曝，无法测量色温", "backdrop burnt out: colour temperature not measurable",
            status=Status.UNDETERMINED,
            bad_hint=("降低曝光后重新拍摄空背景", "Lower the exposure and shoot the empty backdrop again"),
            detail=detail,
        ))
        return out
    img = m.image_cct
    if wb.fixed:
        est = light_cct(img, wb)
        assert est is not None
        tp = float(lim.param("tolerance_mired_pass"))
        tw = float(lim.param("tolerance_mired_warn"))
        lo_m, hi_m = colour.mired(s.cct_max_k), colour.mired(s.cct_min_k)
        pass_r = (colour.kelvin(hi_m + tp), colour.kelvin(lo_m - tp))
        warn_r = (colour.kelvin(hi_m + tw), colour.kelvin(lo_m - tw))
        st = lim.grade_range(est, pass_r, warn_r)
        warm = est < s.cct_min_k
        detail.update(light_cct=round(est), pass_range=[round(v) for v in pass_r],
                      warn_range=[round(v) for v in warn_r])
        item = make_item(
            lim, est,
            f"灯的色温约 {est:.0f}K（白平衡 {wb_zh}；规范 {k_range}）",
            f"the lights measure about {est:.0f} K (white balance {wb_en}; standard {k_range})",
            status=st,
            bad_hint=(
                f"灯的色温约{est:.0f}K，规范建议{k_range}：换用日光型（5500K）灯泡或加{'蓝' if warm else '橙'}色校色片，"
                "两盏灯应同型号",
                f"The lights measure about {est:.0f} K, the standard recommends {k_range}: use "
                f"daylight (5500 K) lamps or a {'blue' if warm else 'orange'} correction gel; both "
                "lights should be the same model",
            ),
            detail=detail,
        )
        item.limits.update(pass_k=[round(v) for v in pass_r], warn_k=[round(v) for v in warn_r])
        out.append(item)
        return out
    if wb.mode in ("auto", "custom"):
        msg = (
            f"白平衡为{wb_zh}：它会抵消灯光的真实颜色，灯的色温无法测定（只判断色偏）；画面中背景的相关色温约 {img:.0f}K",
            f"white balance is {wb_en}: it hides the lights' real colour, so their temperature is "
            f"undetermined (only the cast is judged); the backdrop in the picture is about {img:.0f} K",
        )
        hint = (
            f"要测定灯的色温，请把白平衡设为“日光”或{s.cct_min_k:.0f}K后重新拍摄空背景",
            f"To measure the lights' temperature set the white balance to Daylight or "
            f"{s.cct_min_k:.0f} K and shoot the empty backdrop again",
        )
    else:
        msg = (
            f"相机白平衡{wb_zh}：无法从画面推算灯的色温；画面中背景的相关色温约 {img:.0f}K",
            f"camera white balance {wb_en}: the lights' temperature cannot be worked out from the "
            f"picture; the backdrop in the picture is about {img:.0f} K",
        )
        hint = (
            "用相机直接校准（可读取白平衡设置），或注明相机白平衡（如 Daylight、5500K）",
            "Calibrate with the camera attached (its white balance is read), or state the "
            "camera's white balance (for example Daylight or 5500K)",
        )
    out.append(make_item(lim, None, msg[0], msg[1], status=Status.UNDETERMINED, bad_hint=hint,
                         detail=detail))
    return out
