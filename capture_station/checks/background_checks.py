"""Backdrop rules of clause 二.1: white (reference RGB 255,255,255), even, no shadow, nothing else.

All four checks look only at *backdrop* pixels of the future photo: the crop region on a live
frame or shot, the whole picture of a final file (see :func:`measures.scene`), outside the person
mask dilated by a safety margin, in CIELAB. One resample to a 120x160 grid (60x80 on a live
frame), one colour conversion and one distance transform are shared by all of them; only the
whiteness is judged on live frames, the rest on the shot and the file.

The four split the work so that one fault is reported by one check: the colour of the backdrop
(white), slow changes of its brightness (uniform), a darker band along the silhouette (shadow),
and blobs that are not backdrop at all (clutter). Each leaves the others' pixels alone: uniform
ignores objects, shadow ignores objects and coloured or black pixels, clutter ignores the
person's own shadow, and all of them leave the outermost strip to ``image.border``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture_station.checks.engine import (
    ALL,
    STILL,
    CheckContext,
    CheckResult,
    Status,
    band_status,
    check,
    result,
)
from capture_station.checks.measures import (
    BACKDROP_MARGIN,
    NEAR_BAND,
    Backdrop,
    Scene,
    backdrop,
    delta_e_to,
    fmt,
    grid_coords,
    local_gradient,
    masked_mean,
    scene,
)
from capture_station.standard import CheckLimits

# The backdrop's evenness, shadows and clutter belong to the station's set-up: they are judged
# on every shot before cropping and on the file (STILL), and kept off the live frames (frame
# budget).
# Fewer backdrop pixels than this share of the picture: the backdrop cannot be judged.
MIN_BACKDROP_FRACTION = 0.04
# A shadow on a lit white backdrop keeps the backdrop's hue (chroma shift <= 8), is not black
# (at most 50 L* darker) and is smooth (L* gradient <= 1 per output pixel); anything else next
# to the person is an object.
SHADOW_MAX_CHROMA_SHIFT = 8.0
SHADOW_MAX_DARKENING = 50.0
SHADOW_MAX_TEXTURE = 1.0
MIN_BUSY_PIXELS = 30  # grid pixels of backdrop needed to call it busy or plain


def _limit(lim: CheckLimits, key: str, default: float) -> float:
    return float(lim.extra.get(key, default))


def _no_backdrop(ctx: CheckContext, lim: CheckLimits, why_zh: str, why_en: str) -> CheckResult:
    return result(ctx, lim, Status.UNDETERMINED, None, why_zh, why_en,
                  "请目视检查背景", "check the backdrop by eye")


def _get(ctx: CheckContext, lim: CheckLimits) -> tuple[Scene, Backdrop] | CheckResult:
    sc = scene(ctx)
    if sc is None:
        return _no_backdrop(ctx, lim, "未找到人脸或裁剪区域，无法判断背景",
                            "no face or crop yet: the backdrop cannot be judged")
    bd = backdrop(ctx)
    if bd is None or bd.fraction < MIN_BACKDROP_FRACTION or not np.isfinite(bd.ref).all():
        return _no_backdrop(ctx, lim, "背景区域太小，无法判断", "too little backdrop visible to judge")
    return sc, bd


def _worse(a: Status, b: Status) -> Status:
    order = {Status.PASS: 0, Status.UNDETERMINED: 1, Status.WARN: 2, Status.FAIL: 3}
    return a if order[a] >= order[b] else b


def _max_status(value: float, limit: float, margin: float) -> Status:
    if value > limit:
        return Status.FAIL
    if margin and limit - value < margin:
        return Status.WARN
    return Status.PASS


def _edge_strip(ctx: CheckContext, sc: Scene) -> int:
    """Width in grid pixels of the outer strip left to image.border."""
    lim = ctx.standard.checks.get("background.clutter")
    share = float(lim.extra.get("edge_strip", 0.03)) if lim is not None else 0.03
    return max(1, int(round(share * sc.shape[1])))


def _delta_e_gradient(diff: np.ndarray, step: float) -> np.ndarray:
    """|grad| of a colour-difference map, in ΔE per output pixel."""
    d = np.ascontiguousarray(diff, dtype=np.float32)
    gx = cv2.Sobel(d, cv2.CV_32F, 1, 0, ksize=3) / (8.0 * step)
    gy = cv2.Sobel(d, cv2.CV_32F, 0, 1, ksize=3) / (8.0 * step)
    return cv2.magnitude(gx, gy)


def _same_hue(px: np.ndarray, ref: np.ndarray, min_chroma: float, max_shift: float) -> bool:
    """On a coloured wall (chroma of at least ``min_chroma``), a large smooth region of the
    wall's own hue that is only lighter or darker is the wall in other light: its corner, a
    seam, a fold (small ones of the wall's colour may be objects of that colour). On a
    white or grey backdrop hue means nothing, so this never applies there."""
    c_ref = float(np.hypot(ref[1], ref[2]))
    if c_ref < min_chroma:
        return False
    a, b = float(np.median(px[:, 1])), float(np.median(px[:, 2]))
    if float(np.hypot(a, b)) < 0.5 * min_chroma:
        return False
    d = abs(np.degrees(np.arctan2(b, a) - np.arctan2(ref[2], ref[1])))
    return float(min(d, 360.0 - d)) <= max_shift


def _inner(mask: np.ndarray, edge: int) -> np.ndarray:
    out = mask.copy()
    out[:edge, :] = False
    out[-edge:, :] = False
    out[:, :edge] = False
    out[:, -edge:] = False
    return out


# -- objects on the backdrop (shared) ----------------------------------------------------------


@dataclass
class Objects:
    """Blobs on the backdrop that are not backdrop (shared by clutter, uniform and shadow)."""

    labels: np.ndarray  # int32 component labels on the grid
    areas: np.ndarray  # counted area per label (0 = not an object: background, shadow)
    stats: np.ndarray
    mask: np.ndarray  # bool: the counted objects, slightly dilated


def objects(ctx: CheckContext, sc: Scene, bd: Backdrop) -> Objects:
    """Pixels of the backdrop region (beyond ``min_distance_px`` from the person, inside the
    outer strip that belongs to image.border) whose colour differs from the backdrop by more than
    ``min_delta_e``, grouped into blobs. A blob that continues from the person, keeps the
    backdrop's hue, is only moderately darker and is smooth inside is the person's shadow, not
    an object."""
    if "backdrop_objects" in ctx.cache:
        return ctx.cache["backdrop_objects"]
    lim = ctx.standard.checks.get("background.clutter")
    extra = lim.extra if lim is not None else {}
    de_min = float(extra.get("min_delta_e", 18.0))
    away = float(extra.get("min_distance_px", 16.0)) / sc.step
    diff = delta_e_to(ctx, sc, bd.ref)
    cand = _inner((diff > de_min) & (bd.dist > away), _edge_strip(ctx, sc))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand.astype(np.uint8), connectivity=8)
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.int64).copy()
    areas[0] = 0
    areas[areas < 2] = 0  # single grid pixels are noise
    rim = (bd.dist > away) & (bd.dist <= away + 1.5)  # the grid pixels just beyond `away`
    attached = np.unique(labels[rim & (labels > 0)])
    if attached.size:
        ref = bd.ref
        lab = sc.lab
        texture = local_gradient(ctx, sc)
        for lab_id in attached:
            sel = labels == lab_id
            px = lab[sel]
            shift = np.hypot(px[:, 1] - ref[1], px[:, 2] - ref[2])
            if (float(np.median(shift)) <= SHADOW_MAX_CHROMA_SHIFT
                    and float(np.median(px[:, 0])) >= ref[0] - SHADOW_MAX_DARKENING
                    and float(np.median(texture[sel])) <= SHADOW_MAX_TEXTURE):
                areas[lab_id] = 0  # the person's own shadow: background.shadow judges it
    # A blob whose outline has no edge -- the colour drifts across it from the backdrop's over
    # tens of pixels -- and that is smooth inside is the backdrop in other light (a vignette,
    # the shade of a fold, light falling off across a wall): background.uniform's, not an
    # object. An object, a picture, text or a person has an outline.
    big = np.nonzero(areas > 0)[0]
    soft = float(extra.get("soft_outline_max_gradient", 0.5))
    wall_chroma = float(extra.get("wall_min_chroma", 10.0))
    wall_hue = float(extra.get("wall_max_hue_shift", 15.0))
    wall_share = float(extra.get("wall_min_share", 0.05))
    if big.size:
        de_grad = _delta_e_gradient(diff, sc.step)
        texture = local_gradient(ctx, sc)
        inner = _inner(np.ones_like(cand), _edge_strip(ctx, sc) + 1) & (bd.dist > away + 1.5)
        kernel = np.ones((3, 3), np.uint8)
        for lab_id in big:
            sel = (labels == lab_id).astype(np.uint8)
            outline = (sel.astype(bool) & ~cv2.erode(sel, kernel).astype(bool)) & inner
            if int(outline.sum()) < 4:
                continue  # no free outline to judge (all of it on the person or the frame)
            smooth = float(np.median(texture[sel.astype(bool)])) <= SHADOW_MAX_TEXTURE
            if smooth and float(np.median(de_grad[outline])) <= soft:
                areas[lab_id] = 0
            elif (smooth and areas[lab_id] >= wall_share * sel.size
                  and _same_hue(sc.lab[sel.astype(bool)], bd.ref, wall_chroma, wall_hue)):
                areas[lab_id] = 0
    counted = areas[labels] > 0
    mask = cv2.dilate(counted.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    obj = Objects(labels=labels, areas=areas, stats=stats, mask=mask)
    ctx.cache["backdrop_objects"] = obj
    return obj


# -- the checks -------------------------------------------------------------------------------


@check("background.white", ALL, "白色背景", "white backdrop")
def background_white(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Median L* of the backdrop away from the person (white = 100) and its colour cast (chroma
    C*ab of the median colour)."""
    got = _get(ctx, lim)
    if isinstance(got, CheckResult):
        return got
    sc, bd = got
    med = bd.ref
    lightness = float(med[0])
    cast = float(np.hypot(med[1], med[2]))
    max_cast = _limit(lim, "max_cast", 6.0)
    cast_margin = _limit(lim, "cast_warn_margin", 0.0)
    lo = float(lim.min) if lim.min is not None else 0.0
    # most of the backdrop must be white, not only its median: a bright window, a curtain or
    # plants behind the head can leave a white median over a backdrop that is not white
    min_share = _limit(lim, "min_white_share", 0.0)
    px = sc.lab[bd.far]
    white = ((px[:, 0] >= lo - _limit(lim, "pixel_lightness_slack", 5.0))
             & (px[:, 1] * px[:, 1] + px[:, 2] * px[:, 2]
                <= (_limit(lim, "pixel_cast_factor", 2.0) * max_cast) ** 2))
    share = float(white.mean()) if px.size else float("nan")
    share_bad = bool(np.isfinite(share) and share < min_share)
    st = _worse(band_status(lightness, lim), _max_status(cast, max_cast, cast_margin))
    if share_bad:
        st = Status.FAIL
    value = {"L": fmt(lightness), "cast": fmt(cast), "a": fmt(med[1]), "b": fmt(med[2]),
             "white_share": fmt(share, 2) if np.isfinite(share) else None}
    limits = {**lim.as_dict(), "max_cast": max_cast, "min_white_share": min_share}
    if st == Status.PASS:
        return result(ctx, lim, st, value, f"背景白色（L*={lightness:.0f}，色偏{cast:.1f}）",
                      f"white backdrop (L* {lightness:.0f}, cast {cast:.1f})", limits=limits)
    # a value inside its limit (a warning) is said to be near the limit, never a fault
    problems_zh, problems_en = [], []
    if share_bad:
        problems_zh.append(f"背景只有{100 * share:.0f}%是白色（应≥{100 * min_share:.0f}%）")
        problems_en.append(f"only {100 * share:.0f} % of the backdrop is white "
                           f"(needs >= {100 * min_share:.0f} %)")
    if lightness < lo:
        problems_zh.append(f"背景偏暗（L*={lightness:.0f}，应≥{lo:.0f}）")
        problems_en.append(f"backdrop too dark (L* {lightness:.0f}, needs >= {lo:.0f})")
    elif lightness < lo + lim.warn_margin:
        problems_zh.append(f"背景亮度接近下限（L*={lightness:.0f}，下限{lo:.0f}）")
        problems_en.append(f"backdrop lightness near the limit (L* {lightness:.0f}, min {lo:.0f})")
    hue_zh, hue_en = _hue_words(float(med[1]), float(med[2]))
    if cast > max_cast:
        problems_zh.append(f"背景偏{hue_zh}（色偏{cast:.1f}，应≤{max_cast:g}）")
        problems_en.append(f"backdrop has a {hue_en} cast ({cast:.1f}, max {max_cast:g})")
    elif cast > max_cast - cast_margin:
        problems_zh.append(f"背景色偏接近上限（略偏{hue_zh}，色偏{cast:.1f}，上限{max_cast:g}）")
        problems_en.append(f"backdrop cast near the limit (slightly {hue_en}, {cast:.1f}, "
                           f"max {max_cast:g})")
    return result(ctx, lim, st, value, "；".join(problems_zh), "; ".join(problems_en),
                  "背景须为白色：检查背景布和背景灯，关闭有色光源",
                  "the backdrop must be white: check the backdrop cloth and its lights; no coloured light",
                  limits)


def _hue_words(a: float, b: float) -> tuple[str, str]:
    ang = float(np.degrees(np.arctan2(b, a)) % 360)
    for limit, zh, en in ((45, "红", "red"), (100, "黄", "yellow"), (165, "绿", "green"),
                          (250, "青蓝", "blue"), (320, "紫", "purple")):
        if ang < limit:
            return zh, en
    return "红", "red"


_REGIONS_ZH = {"left": "左侧", "right": "右侧", "top": "上部", "bottom": "下部", "centre": "中部",
               "top-left": "左上角", "top-right": "右上角", "bottom-left": "左下角",
               "bottom-right": "右下角"}


@check("background.uniform", STILL, "背景均匀无渐变", "even backdrop")
def background_uniform(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Largest colour difference (ΔE76 of region means) between backdrop regions away from the
    person: left vs right, top vs bottom, each corner vs the centre above the head; plus the
    median local L* gradient (texture, creases) over the same pixels. Objects on the backdrop
    and the outer strip are left out (they are clutter's and border's)."""
    got = _get(ctx, lim)
    if isinstance(got, CheckResult):
        return got
    sc, bd = got
    gh, gw = sc.shape
    far = _inner(bd.far, _edge_strip(ctx, sc)) & ~objects(ctx, sc, bd).mask
    lab = sc.lab
    qw, qh = max(1, gw // 4), max(1, gh // 4)
    boxes = {  # (y0, y1, x0, x1)
        "left": (0, gh, 0, gw // 2), "right": (0, gh, gw // 2, gw),
        "top": (0, gh // 2, 0, gw), "bottom": (gh // 2, gh, 0, gw),
        "centre": (0, gh // 3, gw // 3, 2 * gw // 3),
        "top-left": (0, qh, 0, qw), "top-right": (0, qh, gw - qw, gw),
        "bottom-left": (gh - 2 * qh, gh, 0, qw), "bottom-right": (gh - 2 * qh, gh, gw - qw, gw),
    }
    regions: dict[str, np.ndarray | None] = {}
    for name, (y0, y1, x0, x1) in boxes.items():
        m = far[y0:y1, x0:x1]
        regions[name] = masked_mean(lab[y0:y1, x0:x1], m) if m.sum() >= 8 else None
    pairs = [("left", "right"), ("top", "bottom")] + [
        (c, "centre") for c in ("top-left", "top-right", "bottom-left", "bottom-right")
    ]
    worst_pair, worst_de, compared = None, 0.0, 0
    for a, b in pairs:
        ra, rb = regions[a], regions[b]
        if ra is None or rb is None:
            continue
        compared += 1
        de = float(np.linalg.norm(ra - rb))
        if de > worst_de:
            worst_pair, worst_de = (a, b), de
    if compared == 0:
        return _no_backdrop(ctx, lim, "背景区域太小，无法比较", "too little backdrop to compare regions")
    # median: creases or texture cover the backdrop; an object covers a small part of it
    inner = cv2.erode(far.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    grad = float(np.median(local_gradient(ctx, sc)[inner])) if inner.any() else 0.0
    max_grad = _limit(lim, "max_gradient", 0.4)
    st = _worse(band_status(worst_de, lim), _max_status(grad, max_grad, 0.0))
    value = {"delta_e": fmt(worst_de), "gradient": fmt(grad, 3),
             "pair": "/".join(worst_pair) if worst_pair else None}
    limits = {**lim.as_dict(), "max_gradient": max_grad}
    if st == Status.PASS:
        return result(ctx, lim, st, value, f"背景均匀（最大色差ΔE {worst_de:.1f}）",
                      f"even backdrop (largest difference ΔE {worst_de:.1f})", limits=limits)
    if grad > max_grad and (worst_pair is None or worst_de <= float(lim.max or np.inf)):
        zh = f"背景有纹理或褶皱（梯度{grad:.2f}）"
        en = f"backdrop is textured or creased (gradient {grad:.2f})"
    else:
        a, b = worst_pair or ("left", "right")
        zh = f"背景不均匀：{_REGIONS_ZH[a]}与{_REGIONS_ZH[b]}色差ΔE {worst_de:.1f}"
        en = f"uneven backdrop: {a} vs {b} differ by ΔE {worst_de:.1f}"
    return result(ctx, lim, st, value, zh, en,
                  "背景须均匀：调整背景灯使背景各处亮度一致，展平背景布",
                  "light the backdrop evenly and smooth the cloth", limits)


_WHERE_ZH = {"above the head": "头顶上方", "left of the head": "头部左侧",
             "right of the head": "头部右侧", "left shoulder": "左肩旁", "right shoulder": "右肩旁"}


@check("background.shadow", STILL, "背景无阴影", "no shadow on the backdrop")
def background_shadow(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """How much darker (ΔL*) the backdrop is in a band just outside the silhouette than the
    backdrop further away on the same side, in the worst of five segments around the person.
    Means over plain backdrop pixels only: a shadow darkens the backdrop without colouring it,
    turning it black or giving it texture; objects (:func:`objects`) are clutter's."""
    got = _get(ctx, lim)
    if isinstance(got, CheckResult):
        return got
    sc, bd = got
    lab = sc.lab
    ref = bd.ref
    shift = np.hypot(lab[..., 1] - ref[1], lab[..., 2] - ref[2])
    plain = (shift <= SHADOW_MAX_CHROMA_SHIFT) & (lab[..., 0] >= ref[0] - SHADOW_MAX_DARKENING)
    plain &= local_gradient(ctx, sc) <= SHADOW_MAX_TEXTURE
    plain &= ~objects(ctx, sc, bd).mask
    band = (bd.dist > BACKDROP_MARGIN / sc.step) & (bd.dist <= NEAR_BAND / sc.step) & plain
    if band.sum() < 20:
        return _no_backdrop(ctx, lim, "人像周围背景太少，无法判断阴影",
                            "too little backdrop around the person to judge shadows")
    L = np.ascontiguousarray(lab[..., 0])
    far = bd.far & plain

    def mean_l(m: np.ndarray) -> float | None:
        v = masked_mean(L, m)
        return None if v is None else float(v[0])

    global_ref = mean_l(far)
    if global_ref is None:
        global_ref = float(ref[0])
    yy, xx = grid_coords(sc)
    cx = sc.centre_x
    eye_y = float((sc.pts[468, 1] + sc.pts[473, 1]) / 2)
    top_of_head = eye_y - 0.25 * sc.face_width
    chin = sc.chin_y
    left = xx < cx
    right = ~left
    upper = yy < top_of_head
    middle = ~upper & (yy < chin)
    lower = yy >= chin
    segments = {
        "above the head": (upper, None),
        "left of the head": (left & middle, left),
        "right of the head": (right & middle, right),
        "left shoulder": (left & lower, left),
        "right shoulder": (right & lower, right),
    }
    side_ref = {}
    for name, side in (("left", left), ("right", right)):
        m = far & side
        side_ref[name] = (mean_l(m) or global_ref) if m.sum() >= 20 else global_ref
    worst_name, worst = None, -np.inf
    for name, (sel, side) in segments.items():
        m = band & sel
        if m.sum() < 10:
            continue
        # the same side's far backdrop: a backdrop lit from one side is not a shadow
        r = global_ref if side is None else side_ref["left" if side is left else "right"]
        dark = r - float(mean_l(m) or r)
        if dark > worst:
            worst_name, worst = name, dark
    if worst_name is None:
        return _no_backdrop(ctx, lim, "人像周围背景太少，无法判断阴影",
                            "too little backdrop around the person to judge shadows")
    worst = max(0.0, worst)
    st = band_status(worst, lim)
    value = {"delta_l": fmt(worst), "where": worst_name}
    if st == Status.PASS:
        return result(ctx, lim, st, value, "背景无明显阴影", "no shadow on the backdrop")
    return result(ctx, lim, st, value,
                  f"{_WHERE_ZH[worst_name]}背景有阴影（比远处暗ΔL* {worst:.1f}）",
                  f"shadow on the backdrop {worst_name} ({worst:.1f} L* darker than further away)",
                  "让考生离背景远一些，或调整灯光角度/增加背景灯",
                  "move the candidate away from the backdrop or light the backdrop")


def _busy_share(ctx: CheckContext, sc: Scene, bd: Backdrop, min_gradient: float) -> float:
    """Share of the backdrop (beyond ``min_distance_px`` from the person, inside the outer
    strip) where L* changes by more than ``min_gradient`` per output pixel; nan when too little
    backdrop is visible to say."""
    lim = ctx.standard.checks.get("background.clutter")
    away = float(lim.extra.get("min_distance_px", 16.0)) / sc.step if lim is not None else 4.0
    region = _inner(bd.mask & (bd.dist > away), _edge_strip(ctx, sc))
    if int(region.sum()) < MIN_BUSY_PIXELS:
        return float("nan")
    return float((local_gradient(ctx, sc)[region] > min_gradient).mean())


@check("background.clutter", STILL, "背景无杂物", "nothing else on the backdrop")
def background_clutter(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Largest object on the backdrop (:func:`objects`) as a percentage of the picture. Pasted
    text on the backdrop is an object too; another person is also ``face.count``'s."""
    got = _get(ctx, lim)
    if isinstance(got, CheckResult):
        return got
    sc, bd = got
    gh, gw = sc.shape
    obj = objects(ctx, sc, bd)
    largest = int(obj.areas.max()) if obj.areas.size > 1 else 0
    pct = 100.0 * largest / float(gh * gw)
    st = band_status(pct, lim)
    # a busy backdrop -- shelves, tiles, a window frame, foliage -- is full of edges even
    # where no single blob stands out from its (busy) median colour
    busy = _busy_share(ctx, sc, bd, float(lim.extra.get("busy_min_gradient", 1.0)))
    max_busy = float(lim.extra.get("max_busy_share", 1.0))
    value = {"object": fmt(pct, 2), "busy": fmt(busy, 3) if np.isfinite(busy) else None}
    limits = {**lim.as_dict(), "max_busy_share": max_busy}
    if np.isfinite(busy) and busy > max_busy and st != Status.FAIL:
        return result(ctx, lim, Status.FAIL, value,
                      f"背景杂乱（{100 * busy:.0f}%的背景有边缘）",
                      f"busy backdrop (edges over {100 * busy:.0f} % of it)",
                      "请在纯色背景前拍摄，移开背景中的物品",
                      "use the plain backdrop; clear the things behind the candidate", limits)
    if st == Status.PASS:
        return result(ctx, lim, st, value, "背景无杂物", "nothing else on the backdrop",
                      limits=limits)
    i = int(np.argmax(obj.areas))
    x = obj.stats[i, cv2.CC_STAT_LEFT] + obj.stats[i, cv2.CC_STAT_WIDTH] / 2
    side_zh, side_en = ("左侧", "left") if x < gw / 2 else ("右侧", "right")
    return result(ctx, lim, st, value,
                  f"背景{side_zh}有其他物体或人（占画面{pct:.1f}%）",
                  f"another object or person on the {side_en} of the backdrop ({pct:.1f} % of the picture)",
                  "请移开背景前的物品，其他人离开画面", "clear the backdrop; nobody else in the picture",
                  limits)
