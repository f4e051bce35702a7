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
    IRIS_CENTRES,
    IRIS_RING_IMAGE_LEFT,
    IRIS_RING_IMAGE_RIGHT,
    backdrop,
    clip_box,
    delta_e_to,
    face_patch,
    fmt,
    patch_eye_box,
    rgb_to_lab,
    scene,
    sq_distance,
)
from capture_station.standard import CheckLimits

_no_face = NoFace(Status.UNDETERMINED, "未检测到人脸或人脸太小，无法测量",
                  "no face found, or too small: not measured", "请目视检查", "check by eye")


# -- glasses ------------------------------------------------------------------------------------


@check("glasses.glare", ALL, "眼镜无反光", "no glare on glasses")
def glasses_glare(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Specular glare over the eyes: near-white, low-chroma blobs inside the lens-sized box round
    each eye, as a percentage of that box (worst eye). The catch-light inside the iris (a dot
    smaller than ``max_catchlight`` of the iris area) is normal and not counted."""
    fp = face_patch(ctx)
    if fp is None:
        return _no_face(ctx, lim)
    min_l = float(lim.extra.get("min_lightness", 90.0))
    max_c = float(lim.extra.get("max_chroma", 16.0))
    lab = fp.lab
    worst = 0.0
    for side, (ring, centre) in enumerate(((IRIS_RING_IMAGE_LEFT, IRIS_CENTRES[0]),
                                           (IRIS_RING_IMAGE_RIGHT, IRIS_CENTRES[1]))):
        box = clip_box(patch_eye_box(fp.pts, side), fp.rgb.shape)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        part = lab[y0:y1, x0:x1]
        sel = ((part[..., 0] >= min_l)
               & (part[..., 1] * part[..., 1] + part[..., 2] * part[..., 2] <= max_c * max_c)
               ).astype(np.uint8)
        n, labels, stats, cents = cv2.connectedComponentsWithStats(sel, connectivity=8)
        c = fp.pts[centre]
        r = float(np.hypot(*(fp.pts[list(ring)] - c).T).mean())
        catch = float(lim.extra.get("max_catchlight", 0.15)) * np.pi * r * r
        area = 0
        for i in range(1, n):
            a = int(stats[i, cv2.CC_STAT_AREA])
            cx, cy = cents[i][0] + x0, cents[i][1] + y0
            if a <= catch and np.hypot(cx - c[0], cy - c[1]) <= r:
                continue  # the catch-light of the lamp in the eye
            area += a
        worst = max(worst, 100.0 * area / float((x1 - x0) * (y1 - y0)))
    st = band_status(worst, lim)
    v = fmt(worst, 2)
    if st == Status.PASS:
        return result(ctx, lim, st, v, "眼部无反光", "no glare over the eyes")
    return result(ctx, lim, st, v, f"眼镜反光（占眼部{worst:.1f}%）",
                  f"glare on the glasses ({worst:.1f} % of the eye region)",
                  "调整灯光角度或让考生微低头，使镜片不反光", "move the lights or tilt the glasses slightly until the glare goes")


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
    if fp is not None and fp.upsampled:
        # fewer pixels than the patch: an enlarged face reads soft whatever the focus
        return result(ctx, lim, Status.UNDETERMINED, fmt(s), "人脸太小，无法判断清晰度",
                      "face too small to judge focus", "请目视检查清晰度", "check the focus by eye")
    st = band_status(s, lim)
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


