"""Glasses (二.3), clothing (二.5), focus (一.3), borders (一.4) and the operator checklist (二.3,
二.4).

What a picture can show reliably is measured: glare on spectacle lenses, clothing that melts into
the white backdrop, a soft face, a frame pasted round the picture. What it cannot show reliably
-- a head covering, jewellery, coloured contact lenses, hair over the ears -- is asked of the
operator: those items are always ``undetermined`` and go to the checklist, never a guessed pass.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture_station.checks.engine import (
    ALL,
    FINAL,
    STILL,
    CheckContext,
    CheckResult,
    NoFace,
    Status,
    band_status,
    check,
    result,
)
from capture_station.checks.measures import (
    CORNERS_IMAGE_LEFT,
    CORNERS_IMAGE_RIGHT,
    EYE_OPENING_IMAGE_LEFT,
    EYE_OPENING_IMAGE_RIGHT,
    NOSE_TIP,
    FacePatch,
    backdrop,
    clip_box,
    delta_e_to,
    face_patch,
    fmt,
    patch_eye_box,
    polygon_mask,
    rgb_to_lab,
    scene,
    sq_distance,
)
from capture_station.standard import CheckLimits

_no_face = NoFace(Status.UNDETERMINED, "未检测到人脸或人脸太小，无法测量",
                  "no face found, or too small: not measured", "请目视检查", "check by eye")


# -- glasses ------------------------------------------------------------------------------------


def _bar_strength(L: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """Strongest thin horizontal bar running across a box, dark or light: on the profile of row
    means of L*, the largest ``min(p[y-t] - p[y], p[y+t] - p[y])`` (or its light twin) for bar
    half-thicknesses t of 2-6 patch pixels (thin wire to a broad keyhole bridge). A bar has an edge on both sides, so the step of a
    shadow's boundary or a hairline scores nothing. nan when the box is not on the patch."""
    b = clip_box(box, L.shape)
    if b is None or b[2] - b[0] < 3 or b[3] - b[1] < 3:
        return float("nan")
    x0, y0, x1, y1 = b
    t_max = 6
    lo, hi = max(0, y0 - t_max), min(L.shape[0], y1 + t_max)
    # row means in three column strips, each searched on its own (a bridge arches): a frame's
    # bridge spans the box, a brow's head or a crease only part of it, so the weakest of the
    # three strips counts
    cuts = np.linspace(x0, x1, 4).round().astype(int)
    strengths = []
    for i in range(3):
        prof = L[lo:hi, cuts[i]:max(cuts[i + 1], cuts[i] + 1)].mean(axis=1)
        best = 0.0
        for t in range(2, t_max + 1):
            if prof.size <= 2 * t:
                continue
            sel = slice(max(0, y0 - lo - t), max(0, y1 - lo - t))  # bar centres in the box
            mid, up, down = prof[t:-t], prof[:-2 * t], prof[2 * t:]
            dark = np.minimum(up - mid, down - mid)[sel]
            light = np.minimum(mid - up, mid - down)[sel]
            if dark.size:
                best = max(best, float(dark.max()), float(light.max()))
        strengths.append(best)
    return min(strengths)


def glasses_evidence(fp: FacePatch, skip_below: float = 0.0) -> tuple[float, float]:
    """The classic cue of spectacles: the frame's bridge, a horizontal bar across the nose
    between the inner eye corners, at about the height of the corners. Returns the strongest
    thin bar there (:func:`_bar_strength`, L* units) and its ratio to the strongest one across
    the middle of the nose below (the same skin and shading without a frame). Hair, a fringe or
    a cap brim sit above the brows, outside the box, and a shadow's edge is a step, not a bar.
    A bridge weaker than ``skip_below`` decides alone (its ratio is reported as 0)."""
    L = fp.lab[..., 0]
    P = fp.pts
    li, ri = P[CORNERS_IMAGE_LEFT[1]], P[CORNERS_IMAGE_RIGHT[1]]
    ew = 0.5 * (float(np.hypot(*(P[CORNERS_IMAGE_LEFT[0]] - li)))
                + float(np.hypot(*(P[CORNERS_IMAGE_RIGHT[0]] - ri))))
    cx, cy = float(li[0] + ri[0]) / 2, float(li[1] + ri[1]) / 2
    half = 0.3 * abs(float(ri[0] - li[0]))
    bridge = _bar_strength(L, (cx - half, cy - 0.45 * ew, cx + half, cy + 0.1 * ew))
    if not np.isfinite(bridge):
        return float("nan"), float("nan")
    if bridge < skip_below:
        return bridge, 0.0  # no bar at all: the nose's own is not needed
    tip_y = float(P[NOSE_TIP][1])
    nose = _bar_strength(L, (cx - half, tip_y - 0.8 * ew, cx + half, tip_y - 0.2 * ew))
    return bridge, (bridge / max(nose, 0.25) if np.isfinite(nose) else float("nan"))


def _glare_share(fp: FacePatch, lim: CheckLimits) -> float:
    """Near-white, low-chroma blobs on the lens in front of each eye, as a percentage of the
    lens box (worst eye). A blob that lies inside the eye opening (the white of the eye, the
    lamp's catch-light) is the eye, not the lens, and is not counted; glare on a lens spills
    over the rim of the opening."""
    min_l = float(lim.extra.get("min_lightness", 90.0))
    max_c = float(lim.extra.get("max_chroma", 16.0))
    lab = fp.lab
    worst = 0.0
    for side, opening in enumerate((EYE_OPENING_IMAGE_LEFT, EYE_OPENING_IMAGE_RIGHT)):
        box = clip_box(patch_eye_box(fp.pts, side), fp.rgb.shape)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        part = lab[y0:y1, x0:x1]
        sel = ((part[..., 0] >= min_l)
               & (part[..., 1] * part[..., 1] + part[..., 2] * part[..., 2] <= max_c * max_c)
               ).astype(np.uint8)
        if not sel.any():
            continue
        eye = polygon_mask((y1 - y0, x1 - x0), fp.pts, opening, offset=(x0, y0)).astype(np.uint8)
        eye = cv2.dilate(eye, np.ones((3, 3), np.uint8)).astype(bool)
        n, labels = cv2.connectedComponents(sel, connectivity=8)
        if n <= 1:
            continue
        outside = np.bincount(labels[~eye].ravel(), minlength=n)
        sizes = np.bincount(labels.ravel(), minlength=n)
        area = int(sizes[1:][outside[1:] > 0].sum())
        worst = max(worst, 100.0 * area / float((x1 - x0) * (y1 - y0)))
    return worst


@check("glasses.glare", ALL, "眼镜无反光", "no glare on glasses")
def glasses_glare(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Glare can only be on glasses, so first: are glasses worn (:func:`glasses_evidence`, the
    frame's bridge across the nose)? Without glasses the check passes (bright skin and the
    whites of the eyes are not glare); with glasses, near-white blobs on the lenses outside the
    eye openings (:func:`_glare_share`) fail above ``max``; where glasses cannot be decided and
    there is something bright on the lens area, the check is undetermined (the operator looks),
    never a guessed verdict."""
    fp = face_patch(ctx)
    if fp is None:
        return _no_face(ctx, lim)
    n_edge = float(lim.extra.get("bare_max_edge", 2.5))
    bridge, ratio = glasses_evidence(fp, skip_below=n_edge)
    g_edge = float(lim.extra.get("glasses_min_edge", 4.0))
    g_ratio = float(lim.extra.get("glasses_min_ratio", 2.0))
    n_ratio = float(lim.extra.get("bare_max_ratio", 1.5))
    if not np.isfinite(bridge):
        worn = None
    elif bridge >= g_edge and ratio >= g_ratio:
        worn = True
    elif bridge < n_edge or (ratio < n_ratio and bridge < g_edge):
        worn = False
    else:
        worn = None
    value = {"glasses": {True: "yes", False: "no", None: "unsure"}[worn],
             "bridge_edge": fmt(bridge, 1) if np.isfinite(bridge) else None,
             "bridge_ratio": fmt(ratio, 2) if np.isfinite(ratio) else None,
             "glare": None}
    limits = {**lim.as_dict(), "glasses_min_edge": g_edge, "glasses_min_ratio": g_ratio}
    if worn is False:
        return result(ctx, lim, Status.PASS, value, "未戴眼镜", "no glasses", limits=limits)
    share = _glare_share(fp, lim)
    value["glare"] = fmt(share, 2)
    st = band_status(share, lim)
    if worn is None and st != Status.PASS:
        return result(ctx, lim, Status.UNDETERMINED, value,
                      "无法确定是否戴眼镜，眼部有亮斑：请目视检查镜片反光",
                      "glasses not decided and something bright round the eyes: check for lens "
                      "glare by eye", "请目视检查镜片是否反光", "check the lenses for glare by eye",
                      limits)
    if st == Status.PASS:
        return result(ctx, lim, st, value, "眼部无反光", "no glare over the eyes", limits=limits)
    return result(ctx, lim, st, value, f"眼镜反光（占眼部{share:.1f}%）",
                  f"glare on the glasses ({share:.1f} % of the eye region)",
                  "调整灯光角度或让考生微低头，使镜片不反光",
                  "move the lights or tilt the glasses slightly until the glare goes", limits)


# -- clothing -----------------------------------------------------------------------------------


@check("clothing.contrast", ALL, "衣着与背景区分明显", "clothing vs backdrop")
def clothing_contrast(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Share of the torso below the neck (``below_chin`` face widths under the chin, within
    ``half_width`` face widths of the face centre) whose colour is within ``max_delta_e`` of the
    backdrop. A white shirt front under a dark jacket is a small share; a white shirt alone on
    a white backdrop is nearly all of it."""
    sc = scene(ctx)
    bd = backdrop(ctx)
    if sc is None or bd is None or not np.isfinite(bd.ref).all():
        return _no_face(ctx, lim)
    gh, gw = sc.shape
    fw = sc.face_width
    top = int(round(sc.chin_y + float(lim.extra.get("below_chin", 0.45)) * fw))
    half = float(lim.extra.get("half_width", 0.8)) * fw
    x0, x1 = int(max(0, round(sc.centre_x - half))), int(min(gw, round(sc.centre_x + half)))
    if gh - top < max(6, 0.06 * gh) or x1 - x0 < 10:
        return result(ctx, lim, Status.UNDETERMINED, None, "画面中衣着部分太少，无法判断",
                      "too little clothing in the picture to judge", "请目视检查衣着颜色",
                      "check the clothing colour by eye")
    de = delta_e_to(ctx, sc, bd.ref)[top:, x0:x1]
    share = 100.0 * float((de < float(lim.extra.get("max_delta_e", 12.0))).mean())
    st = band_status(share, lim)
    v = fmt(share, 1)
    if st == Status.PASS:
        return result(ctx, lim, st, v, "衣着与背景区分明显", "clothing stands out from the backdrop")
    return result(ctx, lim, st, v, f"衣着与背景颜色相近（{share:.0f}%接近背景色）",
                  f"clothing close to the backdrop colour ({share:.0f} % like the backdrop)",
                  "请换穿深色或有颜色的上衣（不要白色）", "wear a darker or coloured top (not white)")


# -- focus --------------------------------------------------------------------------------------


def face_sharpness(ctx: CheckContext) -> float | None:
    """Variance of the Laplacian of L* over the inner face (eyes, brows, nose, lips and the skin
    between them) divided by the squared mean gradient magnitude there.

    The face is resampled to a fixed width first, so the value does not depend on the distance
    to the camera; the division makes it independent of the face's contrast (a dark or a flat
    exposure scales both alike) and leaves what blur changes: how steep the edges are for their
    height (the ratio falls with the square of the edge width). Cached in ``ctx.cache``."""
    if "face_sharpness" not in ctx.cache:
        ctx.cache["face_sharpness"] = _face_sharpness(ctx)
    return ctx.cache["face_sharpness"]


def _face_sharpness(ctx: CheckContext) -> float | None:
    fp = face_patch(ctx)
    if fp is None:
        return None
    inner = cv2.erode(fp.oval.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    if inner.sum() < 200:
        return None
    L = fp.lab[..., 0]
    lap = cv2.Laplacian(L, cv2.CV_32F, ksize=3)
    grad = cv2.magnitude(cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3) / 8.0,
                         cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3) / 8.0)
    g = float(np.mean(grad[inner]))
    if g <= 1e-6:
        return 0.0
    return float(np.var(lap[inner])) / (g * g)


@check("sharpness.focus", STILL, "对焦清晰", "in focus")
def sharpness_focus(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    s = face_sharpness(ctx)
    if s is None:
        return _no_face(ctx, lim)
    fp = face_patch(ctx)
    st = band_status(s, lim)
    if fp is not None and fp.upsampled and st != Status.PASS:
        # fewer pixels than the patch: enlarging can only soften the face, so a face that
        # still reads sharp is sharp, but one that reads soft may be sharp at its own size
        return result(ctx, lim, Status.UNDETERMINED, fmt(s), "人脸太小，无法判断是否模糊",
                      "face too small to tell whether it is blurred", "请目视检查清晰度",
                      "check the focus by eye")
    v = fmt(s, 1)
    if st == Status.PASS:
        return result(ctx, lim, st, v, f"对焦清晰（{s:.1f}）", f"in focus ({s:.1f})")
    return result(ctx, lim, st, v, f"面部模糊（清晰度{s:.1f}，应≥{float(lim.min or 0):g}）",
                  f"face is blurred (sharpness {s:.1f}, needs >= {float(lim.min or 0):g})",
                  "请对焦到眼睛，保持不动后重拍", "focus on the eyes, hold still and retake")


# -- border -------------------------------------------------------------------------------------


BORDER_SAMPLE_STEP = 3


def border_sides(rgb: np.ndarray, ref: np.ndarray | None, max_depth: int,
                 min_uniform: float = 0.95, tol: float = 8.0, step_de: float = 12.0
                 ) -> dict[str, dict[str, float]]:
    """Per edge: (a) a frame -- the outer lines are uniform (``min_uniform`` of their pixels
    within ``tol`` of the line's mean colour), of one colour that differs from the backdrop,
    at most ``max_depth`` lines thick, followed by a step to the picture; (b) a pasted picture --
    a straight edge (a step of more than ``step_de``) along 85 % of a side. Returns the sides
    with a finding. Lines are sampled every ``BORDER_SAMPLE_STEP`` pixels along their length (a
    frame or a pasted edge runs the whole length; thickness is measured at every pixel)."""
    h, w = rgb.shape[:2]
    depth = min(max_depth + 2, h // 4, w // 4)
    k = BORDER_SAMPLE_STEP
    strips = {
        "top": rgb[:depth, ::k], "bottom": rgb[h - depth:, ::k][::-1],
        "left": rgb[::k, :depth].transpose(1, 0, 2),
        "right": rgb[::k, w - depth:][:, ::-1].transpose(1, 0, 2),
    }
    tol2, step2 = tol * tol, step_de * step_de
    found: dict[str, dict[str, float]] = {}
    for side, strip in strips.items():
        lines = rgb_to_lab(np.ascontiguousarray(strip))  # (depth, length, 3), outermost first
        med = cv2.reduce(lines, 1, cv2.REDUCE_AVG)  # (depth, 1, 3): mean colour of each line
        uniform = (sq_distance(lines, med) < tol2).mean(axis=1)
        med = med.reshape(-1, 3)
        same = (uniform >= min_uniform) & (np.einsum("ij,ij->i", med - med[0], med - med[0]) < tol2)
        t = int(np.argmin(same)) if not same.all() else depth  # uniform outer lines of one colour
        if 0 < t <= max_depth and t < depth:
            differs = ref is None or float(np.sum((med[0] - ref) ** 2)) > step2
            step = float(np.mean(sq_distance(lines[t], med[0]) > step2))
            if differs and step > 0.5:
                found[side] = {"kind": 1.0, "width": float(t)}
                continue
        share = (sq_distance(lines[1:], lines[:-1]) > step2).mean(axis=1)
        k = int(np.argmax(share))
        if share[k] >= 0.85:
            found[side] = {"kind": 2.0, "width": float(k + 1)}
    return found


@check("image.border", FINAL, "无边框文字", "no border or frame")
def image_border(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """一.4: no frame, text or pattern added. Finds (a) a band of uniform lines along an edge
    whose colour differs from the backdrop and ends in a step, (b) a straight edge running along
    at least 85 % of a side; within ``max_depth`` pixels of the edge. Text pasted on the
    backdrop is found by background.clutter."""
    if ctx.rgb is None:
        return result(ctx, lim, Status.UNDETERMINED, None, "没有图像数据", "no pixels")
    bd = backdrop(ctx)
    ref = bd.ref if bd is not None and np.isfinite(bd.ref).all() else None
    max_depth = int(lim.extra.get("max_depth", 24))
    found = border_sides(ctx.rgb, ref, max_depth)
    # the bottom edge alone can be uniform clothing cut by the frame: it needs company
    if set(found) == {"bottom"} and found["bottom"]["kind"] == 1.0:
        found = {}
    n = len(found)
    v = n
    limits = {"max_sides": 0, "max_depth": max_depth, "clause": lim.clause}
    if n == 0:
        return result(ctx, lim, Status.PASS, v, "无边框", "no border", limits=limits)
    names = {"top": ("上", "top"), "bottom": ("下", "bottom"), "left": ("左", "left"), "right": ("右", "right")}
    zh = "、".join(names[s][0] for s in found)
    en = ", ".join(names[s][1] for s in found)
    return result(ctx, lim, Status.FAIL, v, f"图像{zh}边有边框或拼接边缘",
                  f"border or pasted edge along the {en} side(s)",
                  "不得添加边框、文字或图案：请用原始照片重新生成", "no frame, text or pattern: re-create the photo from the original",
                  limits)


# -- operator checklist -------------------------------------------------------------------------


def _ask(ctx: CheckContext, lim: CheckLimits, zh: str, en: str) -> CheckResult:
    return result(ctx, lim, Status.UNDETERMINED, None, zh, en, zh, en)


@check("checklist.head_covering", FINAL, "无头部覆盖物", "no head covering")
def checklist_head_covering(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _ask(ctx, lim, "请确认：考生未戴帽子、头巾等头部覆盖物（二.4）",
                "Confirm: no hat, cap, scarf or other head covering (2.4)")


@check("checklist.jewellery", FINAL, "无饰品", "no jewellery")
def checklist_jewellery(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _ask(ctx, lim, "请确认：考生未佩戴耳环、项链等饰品（二.4）",
                "Confirm: no earrings, necklace or other jewellery (2.4)")


@check("checklist.coloured_lenses", FINAL, "无有色眼镜", "no tinted lenses")
def checklist_coloured_lenses(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _ask(ctx, lim, "请确认：未戴有色眼镜或彩色隐形眼镜，镜框未遮挡眼睛（二.3）",
                "Confirm: no tinted glasses or coloured contact lenses; frames do not cover the eyes (2.3)")


@check("checklist.hair_over_ears", FINAL, "头发未遮挡眉眼耳", "hair clear of brows, eyes and ears")
def checklist_hair_over_ears(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _ask(ctx, lim, "请确认：头发未遮挡眉毛、眼睛和耳朵，双耳对称可见（二.2、二.4）",
                "Confirm: hair does not cover the eyebrows, eyes or ears; both ears visible (2.2, 2.4)")


