"""Posture and expression rules of clause 二.2: sitting straight, eyes level and open looking
ahead, ears symmetric, shoulders level, lips naturally closed, a natural expression.

Everything except the shoulders is a ratio of face-mesh landmark distances, so it costs
microseconds and runs on every live frame. Ratios are scale-free: they mean the same on a
webcam frame and on the 480x640 file.

Head angles from 2-D landmarks use a simple head model whose proportions are the face mesh's own
depth estimates on frontal faces (see :data:`NOSE_DEPTH_PER_HALF_WIDTH`): the numbers are
estimates to within a few degrees, which is why the limits are generous and have a warn band.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from capture_station.checks.engine import (
    ALL,
    CheckContext,
    CheckResult,
    Mode,
    NoFace,
    Status,
    band_status,
    check,
    result,
)
from capture_station.checks.measures import (
    CHEEKS,
    CHIN,
    CORNERS_IMAGE_LEFT,
    CORNERS_IMAGE_RIGHT,
    EYE_OPENING_IMAGE_LEFT,
    EYE_OPENING_IMAGE_RIGHT,
    INNER_LIP_PAIRS,
    IRIS_CENTRES,
    IRIS_RING_IMAGE_LEFT,
    IRIS_RING_IMAGE_RIGHT,
    LID_PAIRS_IMAGE_LEFT,
    LID_PAIRS_IMAGE_RIGHT,
    LIPS_INNER,
    LIPS_OUTER,
    MOUTH_CORNERS,
    NOSE_TIP,
    FaceView,
    backdrop,
    delta_e_to,
    face_patch,
    face_view,
    fmt,
    median,
    polygon_mask,
    scene,
)
from capture_station.imaging.expression import smile_probability
from capture_station.standard import CheckLimits

# Head model: the nose tip sits this many half face-widths (cheek landmark 234 to 454) in front
# of the cheek points -- the median of the face mesh's depth output on frontal portraits (1.38).
NOSE_DEPTH_PER_HALF_WIDTH = 1.38
# Frontal value of (nose tip - eye line) / (chin - eye line), and the nose tip's depth in front
# of the eye/chin plane as a fraction of the eye-to-chin distance (face mesh depth, frontal).
PITCH_NEUTRAL_RATIO = 0.385
PITCH_DEPTH_PER_HEIGHT = 0.34
# Teeth in the mouth opening: not darker than the lips (the dark of the mouth is not teeth) and
# less red than them by this many a* (teeth are white to yellowish, lips red; teeth in the
# shade of the lips are not lighter than the lips, so lightness alone misses them).
TEETH_LIGHTER = 0.0
TEETH_LESS_RED = 10.0
# Teeth count as a smile's when the corners are also drawn up towards the upper lip (the bow
# within this many mouth widths above them; a relaxed or speaking mouth measures 0.10-0.30).
TEETH_SMILE_UPPER = 0.09
# ... or when the lips part less than this (of the mouth width) over them: a smile bares the
# teeth between lips a little apart; a mouth opened wider shows them in speech or a shout
# (expression.mouth_closed fails that, and max_opening a wide one).
TEETH_SMILE_MAX_OPENING = 0.3
# ... and the corners not in their relaxed or pursed place (the bow 0.2 or more above them):
# lipstick and lip highlights between relaxed lips are not teeth bared by a smile.
TEETH_RELAXED_UPPER = 0.2
UPPER_LIP_CENTRE = 0  # face-mesh landmark on the outer edge of the upper lip, mid-face
# Above a shoulder's outline there must be backdrop: at most this colour difference (ΔE76).
BACKDROP_ABOVE_DELTA_E = 15.0


_no_face = NoFace(Status.UNDETERMINED, "未检测到人脸", "no face found", "请正对镜头坐好",
                  "sit facing the camera")


def _abs_band(ctx: CheckContext, lim: CheckLimits, signed: float, what_zh: str, what_en: str,
              unit: str, fix: tuple[str, str, str, str]) -> CheckResult:
    """Status from |value| against lim.max; ``fix`` = hints (zh, en) for negative, positive."""
    mag = abs(signed)
    st = band_status(mag, lim)
    v = fmt(signed)
    if st == Status.PASS:
        return result(ctx, lim, st, v, f"{what_zh}{mag:.1f}{unit}", f"{what_en} {mag:.1f}{unit}")
    hz, he = (fix[0], fix[1]) if signed < 0 else (fix[2], fix[3])
    limit = float(lim.max) if lim.max is not None else 0.0
    word_zh = "接近上限" if st == Status.WARN else "超出"
    word_en = "near the limit" if st == Status.WARN else "over the limit"
    return result(ctx, lim, st, v, f"{what_zh}{mag:.1f}{unit}，{word_zh}（≤{limit:g}{unit}）",
                  f"{what_en} {mag:.1f}{unit}, {word_en} (max {limit:g}{unit})", hz, he)


# Left/right landmark pairs whose connecting line tilts with the head: the brows (105, 334);
# with the eye line and the cheek line (CHEEKS) they give three readings of the roll.
BROW_PAIR = (105, 334)


def _line_angle(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0])))


def roll_degrees(fv: FaceView) -> float:
    """Head tilt (positive: the image-right side is lower): the median of three left/right
    lines -- through the eye centres (corner midpoints), the cheeks and the brows. The eye line
    alone is what the rule names (双眼水平), but its landmarks shift when the lids close or the
    eyes look aside; the median keeps one wandering line from deciding."""
    eyes = _line_angle((fv.p(CORNERS_IMAGE_LEFT[0]) + fv.p(CORNERS_IMAGE_LEFT[1])) / 2,
                       (fv.p(CORNERS_IMAGE_RIGHT[0]) + fv.p(CORNERS_IMAGE_RIGHT[1])) / 2)
    cheeks = _line_angle(fv.p(CHEEKS[0]), fv.p(CHEEKS[1]))
    brows = _line_angle(fv.p(BROW_PAIR[0]), fv.p(BROW_PAIR[1]))
    return sorted((eyes, cheeks, brows))[1]


def yaw_degrees(fv: FaceView) -> float:
    """Nose tip offset from the cheek midpoint, over half the face width, through the head model
    (positive: the nose points to the image right)."""
    left, right = fv.p(CHEEKS[0]), fv.p(CHEEKS[1])
    half = float(np.hypot(*(right - left))) / 2
    if half <= 0:
        return float("nan")
    # offset along the cheek line (so a tilted head does not read as a turned one)
    u = (right - left) / (2 * half)
    off = float(np.dot(fv.p(NOSE_TIP) - (left + right) / 2, u)) / half
    return float(np.degrees(np.arctan(off / NOSE_DEPTH_PER_HALF_WIDTH)))


def pitch_degrees(fv: FaceView) -> float:
    """Nose tip between the eye line and the chin, against its frontal position (positive: the
    chin is lowered / the face looks down)."""
    eye = fv.eye_mid
    chin = fv.p(CHIN)
    axis = chin - eye
    h = float(np.hypot(*axis))
    if h <= 0:
        return float("nan")
    r = float(np.dot(fv.p(NOSE_TIP) - eye, axis)) / (h * h)
    s = np.clip((r - PITCH_NEUTRAL_RATIO) / PITCH_DEPTH_PER_HEIGHT, -1.0, 1.0)
    return float(np.degrees(np.arcsin(s)))


@check("pose.roll", ALL, "头部端正（不歪头）", "head level (roll)")
def pose_roll(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _angle(ctx, lim, roll_degrees, "头部倾斜", "head tilted",
                  ("头部向画面左侧歪：请把头摆正", "head tilts towards the image left: straighten it",
                   "头部向画面右侧歪：请把头摆正", "head tilts towards the image right: straighten it"))


def _angle(ctx: CheckContext, lim: CheckLimits, measure: Callable[[FaceView], float],
           what_zh: str, what_en: str, fix: tuple[str, str, str, str]) -> CheckResult:
    """An angle of the head against its band; no face, or an angle the mesh cannot give, is
    undetermined."""
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    angle = measure(fv)
    if not np.isfinite(angle):
        return _no_face(ctx, lim)
    return _abs_band(ctx, lim, angle, what_zh, what_en, "°", fix)


@check("pose.yaw", ALL, "正面（不转头）", "facing the camera (yaw)")
def pose_yaw(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _angle(ctx, lim, yaw_degrees, "头部左右转动", "head turned",
                  ("脸转向画面左侧：请正对镜头", "face turned to the image left: face the camera",
                   "脸转向画面右侧：请正对镜头", "face turned to the image right: face the camera"))


@check("pose.pitch", ALL, "平视（不抬头低头）", "level gaze (pitch)")
def pose_pitch(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return _angle(ctx, lim, pitch_degrees, "头部俯仰", "head pitched",
                  ("抬头了：请微收下巴平视镜头", "chin raised: lower it slightly and look level",
                   "低头了：请抬头平视镜头", "head lowered: raise the chin and look level"))


@check("pose.shoulders", ALL, "双肩水平", "shoulders level")
def pose_shoulders(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Slope of the line through the top of the person mask at equal distances left and right
    of the face centre (``offset_face_widths`` and three steps further out), where the outline is
    a shoulder: below the chin line and flatter than ``max_outline_slope``. The median over the
    distances is the value. When fewer than two distances give a flat outline on both sides,
    when they disagree by more than ``max_spread`` degrees, or when the slope is beyond
    ``max_plausible`` (a collar ring, long hair, an arm), the outline is not a shoulder line and
    the result is undetermined."""
    sc = scene(ctx)
    if sc is None:
        return _no_face(ctx, lim)
    fw = sc.face_width
    base = float(lim.extra.get("offset_face_widths", 0.85))
    max_slope = float(lim.extra.get("max_outline_slope", 1.0))
    max_spread = float(lim.extra.get("max_spread", 4.0))
    start = int(max(0, sc.chin_y - 0.35 * fw))
    angles: list[float] = []
    pairs: list[tuple[tuple[float, float], tuple[float, float]]] = []
    bd = backdrop(ctx)
    if bd is None or not np.isfinite(bd.ref).all():
        return _undetermined_shoulders(ctx, lim)
    de = delta_e_to(ctx, sc, bd.ref)
    body = sc.person[start:] > 0.5
    # the first person row of every column below `start`, or -1 where the column has none
    tops_all = np.where(body.any(axis=0), np.argmax(body, axis=0) + start, -1)
    for k in (base, base + 0.1, base + 0.2, base + 0.3):
        left = _outline(tops_all, de, sc.centre_x - k * fw, start, fw, max_slope, sc.step)
        right = _outline(tops_all, de, sc.centre_x + k * fw, start, fw, max_slope, sc.step)
        if left is None or right is None:
            continue
        (xl, yl), (xr, yr) = left, right
        angles.append(float(np.degrees(np.arctan2(yr - yl, xr - xl))))
        pairs.append((left, right))
    if len(angles) < 2 or max(angles) - min(angles) > max_spread:
        return _undetermined_shoulders(ctx, lim)
    order = np.argsort(angles)
    mid = int(order[len(order) // 2])
    angle = float(angles[mid])
    if abs(angle) > float(lim.extra.get("max_plausible", 20.0)):
        # no seated posture looks like this: the outline is something else (a collar ring,
        # an arm, a chair back); let the operator look
        return _undetermined_shoulders(ctx, lim)
    (_, yl), (_, yr) = pairs[mid]
    res = _abs_band(ctx, lim, angle, "双肩倾斜", "shoulder line tilted", "°",
                    ("画面右侧肩膀偏高：请坐正，双肩放平", "the shoulder on the image right is higher: sit straight",
                     "画面左侧肩膀偏高：请坐正，双肩放平", "the shoulder on the image left is higher: sit straight"))
    res.value = {"angle": fmt(angle), "left_y": fmt(yl * sc.step), "right_y": fmt(yr * sc.step),
                 "spread": fmt(max(angles) - min(angles))}
    return res


def _outline(tops_all: np.ndarray, de: np.ndarray, x: float, start: int, fw: float,
             max_slope: float, step: int) -> tuple[float, float] | None:
    """Top of the person mask in a narrow band of columns round ``x`` (``tops_all``: first
    person row per column below ``start``), if the outline there is a shoulder: inside the
    picture, not at its bottom edge, flat, and with backdrop right above it (``de``: colour
    difference from the backdrop) -- otherwise the mask has lost part of the person and its
    edge is not the shoulder."""
    gh, gw = de.shape
    half = max(1, int(round(0.06 * fw)))
    xi = int(round(x))
    if xi - half < 0 or xi + half >= gw:
        return None
    # a handful of grid columns: plain Python beats numpy's per-call cost at this size
    tops = [float(v) for v in tops_all[xi - half: xi + half + 1].tolist()]
    if min(tops) < 0:
        return None
    top = median(tops)
    if top >= gh - 3 or top <= start + 1:
        return None
    n = len(tops)
    mid = (n - 1) / 2
    mean = sum(tops) / n
    xs = [i - mid for i in range(n)]
    slope = sum(a * (b - mean) for a, b in zip(xs, tops, strict=True)) / sum(a * a for a in xs)
    if abs(slope) > max_slope:
        return None
    t = int(round(top))
    # 8-24 output pixels above the outline
    above = de[max(0, t - max(2, 24 // step)): max(1, t - max(1, 8 // step)), xi - half: xi + half + 1]
    if above.size == 0 or median(above.ravel().tolist()) > BACKDROP_ABOVE_DELTA_E:
        return None
    return float(xi), top


def _undetermined_shoulders(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return result(ctx, lim, Status.UNDETERMINED, None, "画面中看不到双肩，无法判断",
                  "the shoulders are not in the picture", "请目视确认双肩水平",
                  "check by eye that the shoulders are level")


# -- expression ---------------------------------------------------------------------------------


def eye_openness(fv: FaceView) -> tuple[float, float]:
    """Eye aspect ratio of each eye: widest eyelid gap over the corner-to-corner width."""
    out = []
    for pairs, corners in ((LID_PAIRS_IMAGE_LEFT, CORNERS_IMAGE_LEFT),
                           (LID_PAIRS_IMAGE_RIGHT, CORNERS_IMAGE_RIGHT)):
        width = fv.dist(*corners)
        gap = max(fv.dist(a, b) for a, b in pairs)
        out.append(gap / width if width > 0 else float("nan"))
    return out[0], out[1]


def eye_contrast(ctx: CheckContext) -> tuple[float, float]:
    """How much is going on inside the eye openings, on the fixed-size face patch: the spread of
    L* there (standard deviation, mean of both eyes) as a percentage of the skin's median L*,
    and as a ratio to the spread of L* over the facial skin; (nan, nan) when the face is too
    small. An open eye shows a dark iris against the white of the eye; a closed one only lid
    skin. The face mesh tends to keep its eyelids apart on a closed eye, which is why the
    opening's pixels are looked at too.

    The two normalisations fail differently: the first does not change with the exposure but
    falls on a flat, hazy picture; the second does not change with the picture's contrast but
    falls where the skin itself is strongly textured or shaded. A closed eye is low on both."""
    fp = face_patch(ctx)
    nan = (float("nan"), float("nan"))
    if fp is None or not np.isfinite(fp.skin_l) or fp.skin_l <= 1.0:
        return nan
    spreads = []
    h, w = fp.lab.shape[:2]
    for idx in (EYE_OPENING_IMAGE_LEFT, EYE_OPENING_IMAGE_RIGHT):
        pts = fp.pts[list(idx)]
        x0, y0 = (max(0, int(v)) for v in pts.min(axis=0))
        x1, y1 = min(w, int(pts[:, 0].max()) + 2), min(h, int(pts[:, 1].max()) + 2)
        if x1 - x0 < 3 or y1 - y0 < 2:
            return nan
        m = polygon_mask((y1 - y0, x1 - x0), fp.pts, idx, offset=(x0, y0)).view(np.uint8)
        if cv2.countNonZero(m) < 8:
            return nan
        L = np.ascontiguousarray(fp.lab[y0:y1, x0:x1, 0])
        spreads.append(float(cv2.meanStdDev(L, mask=m)[1][0, 0]))
    eye = float(np.mean(spreads))
    skin_sd = float(cv2.meanStdDev(np.ascontiguousarray(fp.lab[..., 0]),
                                   mask=fp.skin.astype(np.uint8))[1][0, 0])
    return 100.0 * eye / fp.skin_l, (eye / skin_sd if skin_sd > 1e-6 else float("inf"))


# The iris disc looked at by :func:`iris_contrast`: this fraction of the iris radius, so that a
# mesh iris placed a little off still lies on the iris.
IRIS_DISC = 0.8
CORNER_PAIR_OF = {EYE_OPENING_IMAGE_LEFT: CORNERS_IMAGE_LEFT, EYE_OPENING_IMAGE_RIGHT: CORNERS_IMAGE_RIGHT}


def _iris_radius(pts: np.ndarray, centre: int, ring: tuple[int, ...]) -> float:
    """The mesh iris's radius: mean distance of its ring landmarks from its centre."""
    c = pts[centre]
    return float(np.mean([np.hypot(*(pts[i] - c)) for i in ring]))


def iris_contrast(ctx: CheckContext) -> float:
    """The white of the eye against the iris, the lesser of both eyes, as a fraction of the
    skin's median L*: the upper quartile of L* in the eye opening on each side of the iris disc
    (along the corner-to-corner line; the darker side counts) minus the median L* inside it
    (nan when the opening, a side or the disc has too few pixels).

    An open eye, however hazy the picture or shaded the skin around it, has a dark round iris
    with lighter white on both sides; a closed lid is skin, and its lash line and crease run the
    whole width of the opening, through the corners as through where the mesh puts the iris.
    It is a third reading for :func:`expression_eyes_open` because the first two measure the
    spread inside the opening against the skin's, and lashes, lenses and haze change both."""
    fp = face_patch(ctx)
    if fp is None or not np.isfinite(fp.skin_l) or fp.skin_l <= 1.0:
        return float("nan")
    h, w = fp.lab.shape[:2]
    worst = float("inf")
    for idx, centre, ring in ((EYE_OPENING_IMAGE_LEFT, IRIS_CENTRES[0], IRIS_RING_IMAGE_LEFT),
                              (EYE_OPENING_IMAGE_RIGHT, IRIS_CENTRES[1], IRIS_RING_IMAGE_RIGHT)):
        pts = fp.pts[list(idx)]
        x0, y0 = (max(0, int(v)) for v in pts.min(axis=0))
        x1, y1 = min(w, int(pts[:, 0].max()) + 2), min(h, int(pts[:, 1].max()) + 2)
        if x1 - x0 < 3 or y1 - y0 < 2:
            return float("nan")
        opening = polygon_mask((y1 - y0, x1 - x0), fp.pts, idx, offset=(x0, y0))
        c = fp.pts[centre]
        r = IRIS_DISC * _iris_radius(fp.pts, centre, ring)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        disc = (xx - c[0]) ** 2 + (yy - c[1]) ** 2 <= r * r
        # the white on either side of the iris, along the eye's corner-to-corner line
        a, b = fp.pts[CORNER_PAIR_OF[idx][0]], fp.pts[CORNER_PAIR_OF[idx][1]]
        u = (b - a) / max(float(np.hypot(*(b - a))), 1e-6)
        t = (xx - c[0]) * u[0] + (yy - c[1]) * u[1]
        L = fp.lab[y0:y1, x0:x1, 0]
        iris = L[opening & disc]
        sides = [L[opening & ~disc & (t < -r)], L[opening & ~disc & (t > r)]]
        if iris.size < 4 or min(x.size for x in sides) < 3:
            return float("nan")
        white = min(float(np.percentile(x, 75)) for x in sides)
        worst = min(worst, (white - median(iris)) / fp.skin_l)
    return worst


# The disc looked at by :func:`iris_darkness`: the middle of the iris and the pupil.
IRIS_CORE = 0.6


def iris_darkness(ctx: CheckContext) -> float:
    """How much darker than the skin the middle of each iris is, the lesser of both eyes, as a
    fraction of the skin's median L* (nan when the face is too small).

    A fourth reading for :func:`expression_eyes_open`, for eyes whose whites hardly show --
    hooded lids, a narrowed elderly eye, lenses that veil the white -- where
    :func:`iris_contrast` has no white to compare the iris with: the pupil and iris are still a
    dark disc, well over half darker than the skin. A closed lid there is skin with the lash
    line across it."""
    fp = face_patch(ctx)
    if fp is None or not np.isfinite(fp.skin_l) or fp.skin_l <= 1.0:
        return float("nan")
    h, w = fp.lab.shape[:2]
    worst = float("inf")
    for centre, ring in ((IRIS_CENTRES[0], IRIS_RING_IMAGE_LEFT),
                         (IRIS_CENTRES[1], IRIS_RING_IMAGE_RIGHT)):
        c = fp.pts[centre]
        r = IRIS_CORE * _iris_radius(fp.pts, centre, ring)
        x0, y0 = max(0, int(c[0] - r)), max(0, int(c[1] - r))
        x1, y1 = min(w, int(c[0] + r) + 2), min(h, int(c[1] + r) + 2)
        if x1 <= x0 or y1 <= y0:
            return float("nan")
        yy, xx = np.mgrid[y0:y1, x0:x1]
        disc = (xx - c[0]) ** 2 + (yy - c[1]) ** 2 <= r * r
        core = fp.lab[y0:y1, x0:x1, 0][disc]
        if core.size < 4:
            return float("nan")
        worst = min(worst, (fp.skin_l - median(core)) / fp.skin_l)
    return worst


def _underexposed(ctx: CheckContext) -> bool:
    """The face is darker than lighting.exposure allows: the iris is lost in the dark as it is
    in a blur, so the lack of contrast in the eyes is not evidence (the exposure check says so)."""
    fp = face_patch(ctx)
    lo = ctx.standard.limits("lighting.exposure").min
    return fp is not None and lo is not None and bool(fp.skin_l < float(lo))


def _blurred(ctx: CheckContext) -> bool:
    """The face fails the focus rule (sharpness.focus), so its fine contrast is not evidence."""
    from capture_station.checks.appearance_checks import face_sharpness

    s = face_sharpness(ctx)
    focus_min = ctx.standard.limits("sharpness.focus").min
    return s is not None and focus_min is not None and s < float(focus_min)


@check("expression.eyes_open", ALL, "双眼自然睁开", "eyes open")
def expression_eyes_open(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Two findings, both must hold: the eyelid gap (landmark ratio, worst eye) and something
    to see inside the openings (:func:`eye_contrast`: fails when both of its readings are under
    ``min_contrast`` and ``min_texture_ratio``)."""
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    left, right = eye_openness(fv)
    v = min(left, right)
    if not np.isfinite(v):
        return _no_face(ctx, lim)
    st = band_status(v, lim)
    contrast, ratio = eye_contrast(ctx)
    c_min = float(lim.extra.get("min_contrast", 0.0))
    c_warn = float(lim.extra.get("contrast_warn_margin", 0.0))
    r_min = float(lim.extra.get("min_texture_ratio", 0.0))
    r_warn = float(lim.extra.get("texture_ratio_warn_margin", 0.0))
    i_min = float(lim.extra.get("min_iris_contrast", float("inf")))
    iris = iris_contrast(ctx)
    d_min = float(lim.extra.get("min_iris_darkness", float("inf")))
    dark = iris_darkness(ctx)
    c_st = Status.PASS
    if np.isfinite(contrast):
        # closed only when every reading says so (see eye_contrast, iris_contrast,
        # iris_darkness); an iris that cannot be measured does not speak for an open eye
        no_iris = ((not np.isfinite(iris) or iris < i_min)
                   and (not np.isfinite(dark) or dark < d_min))
        if contrast < c_min and ratio < r_min and no_iris:
            c_st = Status.FAIL
        elif contrast < c_min + c_warn and ratio < r_min + r_warn and no_iris:
            c_st = Status.WARN
    if c_st != Status.PASS and ctx.mode != Mode.LIVE and (_blurred(ctx) or _underexposed(ctx)):
        # blur or darkness washes out the iris too; the focus and exposure checks report that,
        # the lid gap still counts
        c_st = Status.PASS
    value = {"aspect": fmt(v, 3), "contrast": fmt(contrast, 1) if np.isfinite(contrast) else None,
             "texture_ratio": fmt(ratio, 2) if np.isfinite(ratio) else None,
             "iris_contrast": fmt(iris, 3) if np.isfinite(iris) else None,
             "iris_darkness": fmt(dark, 3) if np.isfinite(dark) else None}
    limits = {**lim.as_dict(), "min_contrast": c_min, "min_texture_ratio": r_min,
              "min_iris_contrast": i_min, "min_iris_darkness": d_min}
    worst = max((st, c_st), key=lambda s: (Status.PASS, Status.WARN, Status.FAIL).index(s))
    if worst == Status.PASS:
        return result(ctx, lim, worst, value, "双眼睁开", "eyes open", limits=limits)
    lo = float(lim.min) if lim.min is not None else 0.0
    if st == worst:
        zh = f"眼睛睁得不够（开合比{v:.2f}，应≥{lo:.2f}）"
        en = f"eyes not open enough (aspect ratio {v:.2f}, needs >= {lo:.2f})"
    else:
        zh = f"看不清眼珠，可能闭眼或眯眼（眼内对比度{contrast:.0f}，应≥{c_min:g}）"
        en = f"no iris visible: eyes closed or squinting (contrast {contrast:.0f}, needs >= {c_min:g})"
    return result(ctx, lim, worst, value, zh, en,
                  "请自然睁开双眼，不要眯眼或眨眼", "open the eyes naturally; do not squint or blink",
                  limits)


def gaze_offsets(fv: FaceView) -> tuple[float, float]:
    """Iris centre relative to the eye corners, mean of both eyes: horizontal offset from the
    middle (fraction of the eye width, positive = towards the image right) and vertical offset
    from the corner line (fraction of the eye width, positive = down)."""
    hs, vs = [], []
    for corners, iris in ((CORNERS_IMAGE_LEFT, IRIS_CENTRES[0]), (CORNERS_IMAGE_RIGHT, IRIS_CENTRES[1])):
        a, b = fv.p(corners[0]), fv.p(corners[1])
        left, right = (a, b) if a[0] < b[0] else (b, a)
        d = right - left
        w2 = float(np.dot(d, d))
        if w2 <= 0:
            return float("nan"), float("nan")
        rel = fv.p(iris) - left
        t = float(np.dot(rel, d)) / w2
        n = np.array([-d[1], d[0]]) / np.sqrt(w2)  # unit normal pointing down the image
        hs.append(t - 0.5)
        vs.append(float(np.dot(rel, n)) / np.sqrt(w2))
    return float(np.mean(hs)), float(np.mean(vs))


@check("expression.gaze", ALL, "平视镜头", "looking at the camera")
def expression_gaze(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Largest of the horizontal and vertical iris offsets (fractions of the eye width); the
    vertical one is measured from its frontal value ``vertical_neutral``."""
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    h, v = gaze_offsets(fv)
    if not (np.isfinite(h) and np.isfinite(v)):
        return _no_face(ctx, lim)
    v0 = float(lim.extra.get("vertical_neutral", 0.0))
    dv = v - v0
    off = max(abs(h), abs(dv))
    st = band_status(off, lim)
    value = {"offset": fmt(off, 3), "horizontal": fmt(h, 3), "vertical": fmt(dv, 3)}
    if st == Status.PASS:
        return result(ctx, lim, st, value, "目光平视镜头", "looking at the camera")
    if abs(h) >= abs(dv):
        zh = "视线偏向画面" + ("右侧" if h > 0 else "左侧")
        en = "gaze to the image " + ("right" if h > 0 else "left")
    else:
        zh = "视线偏" + ("下" if dv > 0 else "上")
        en = "gaze " + ("down" if dv > 0 else "up")
    return result(ctx, lim, st, value, f"{zh}（偏移{off:.2f}）", f"{en} (offset {off:.2f})",
                  "请看镜头", "look into the lens")


def _inner_lip_gap(fv: FaceView) -> float:
    """Widest gap between the inner lip edges, in face-view pixels."""
    return max(fv.dist(a, b) for a, b in INNER_LIP_PAIRS)


def mouth_opening(fv: FaceView) -> float:
    """Widest inner-lip gap over the mouth width (corner to corner)."""
    width = fv.dist(*MOUTH_CORNERS)
    if width <= 0:
        return float("nan")
    return _inner_lip_gap(fv) / width


# The outer eye corners of an adult are about this far apart, whatever the face does.
ADULT_EYE_SPAN_MM = 90.0


def eye_span_3d(fv: FaceView) -> float:
    """Distance between the outer eye corners in 3-D (the mesh's depth included, so a slightly
    turned head does not shorten it): the face's own scale, which no expression changes."""
    a, b = CORNERS_IMAGE_LEFT[0], CORNERS_IMAGE_RIGHT[0]
    d = np.append(fv.p(b) - fv.p(a), fv.z[b] - fv.z[a])
    return float(np.linalg.norm(d))


def lip_gap(fv: FaceView) -> float:
    """Widest inner-lip gap over the span of the outer eye corners.

    Not over the mouth width (:func:`mouth_opening`): a smile stretches the mouth, and a grin
    whose lips stand apart over the teeth then read as nearly closed. The eye span is about
    90 mm on adults whatever the mouth does, so the limit is a gap in millimetres."""
    span = eye_span_3d(fv)
    if span <= 0:
        return float("nan")
    return _inner_lip_gap(fv) / span


@check("expression.mouth_closed", ALL, "嘴唇自然闭合", "lips closed")
def expression_mouth_closed(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    v = lip_gap(fv)
    if not np.isfinite(v):
        return _no_face(ctx, lim)
    st = band_status(v, lim)
    value = fmt(v, 3)
    if st == Status.PASS:
        return result(ctx, lim, st, value, "嘴唇闭合", "lips closed")
    # the operator reads the gap in millimetres (the span's adult size), the ratio stays the value
    mm = v * ADULT_EYE_SPAN_MM
    return result(ctx, lim, st, value, f"双唇张开约{mm:.0f}毫米（唇间距/外眼角间距={v:.3f}）",
                  f"lips apart by about {mm:.0f} mm (lip gap / outer eye-corner span {v:.3f})",
                  "请自然闭上嘴唇", "close the lips naturally")


def smile_measures(ctx: CheckContext, fv: FaceView, lift_per_pitch_sine: float = 0.0
                   ) -> dict[str, float]:
    """The signs of an expression on the mouth, each scale-free:

    * ``lift``: the lip corners' height above the upper lip's inner centre (which stays put
      when the jaw drops, so an open mouth alone does not read as raised corners), over the
      mouth width;
    * ``upper``: the upper lip's outer centre (the Cupid's bow) relative to the corners, over
      the mouth width: on a relaxed mouth the bow sits well above the corners, a smile pulls
      the corners up to its height;
    * ``width``: mouth width over the span of the outer eye corners (3-D landmark distances, so
      a slightly turned head does not narrow it): the relaxed mouth is about half that span;
      a smile stretches it;
    * ``teeth``: area of the mouth opening that is lighter and less red than the lips, over the
      mouth width squared (the share of the opening misleads on a nearly closed mouth);
    * ``opening``: :func:`mouth_opening`;
    * ``smile``: the bundled expression classifier's probability of a smile
      (:func:`capture_station.imaging.expression.smile_probability`), which sees the cheeks and
      eyes of a closed-lip smile that the mesh signs miss.

    The lip corners sit behind the lip centre, so a lowered head lifts them in the picture:
    ``lift`` and ``upper`` are corrected by ``lift_per_pitch_sine`` x sin(pitch)."""
    a, b = fv.p(MOUTH_CORNERS[0]), fv.p(MOUTH_CORNERS[1])
    width = float(np.hypot(*(b - a)))
    w = max(width, 1e-6)
    d = (b - a) / w
    n = np.array([-d[1], d[0]])  # unit normal pointing down the image
    mid = (a + b) / 2
    centre = fv.p(INNER_LIP_PAIRS[1][0])
    lift = float(np.dot(centre - mid, n)) / w
    upper = float(np.dot(mid - fv.p(UPPER_LIP_CENTRE), n)) / w  # > 0: bow above the corners
    pitch = pitch_degrees(fv)
    if np.isfinite(pitch) and lift_per_pitch_sine:
        k = lift_per_pitch_sine * float(np.sin(np.radians(pitch)))
        lift -= k
        upper += k
    span = eye_span_3d(fv)
    a3, b3 = MOUTH_CORNERS
    mouth3 = float(np.linalg.norm(np.append(fv.p(b3) - fv.p(a3), fv.z[b3] - fv.z[a3])))
    teeth = 0.0
    fp = face_patch(ctx)
    if fp is not None:
        inner = polygon_mask(fp.rgb.shape[:2], fp.pts, LIPS_INNER)
        lips = polygon_mask(fp.rgb.shape[:2], fp.pts, LIPS_OUTER) & ~inner
        pw = float(np.hypot(*(fp.pts[MOUTH_CORNERS[1]] - fp.pts[MOUTH_CORNERS[0]])))
        if inner.any() and lips.sum() >= 10 and pw > 0:
            lip_l = median(fp.lab[..., 0][lips])
            lip_a = median(fp.lab[..., 1][lips])
            lab = fp.lab[inner]
            light = (lab[:, 0] > lip_l + TEETH_LIGHTER) & (lab[:, 1] < lip_a - TEETH_LESS_RED)
            teeth = float(light.sum()) / (pw * pw)
    return {"lift": lift, "upper": upper, "width": mouth3 / span if span > 0 else float("nan"),
            "teeth": teeth, "opening": mouth_opening(fv),
            "smile": smile_probability(fv.rgb, fv.pts)}


@check("expression.neutral", ALL, "表情自然（不大笑）", "neutral expression")
def expression_neutral(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Not neutral when any sign of :func:`smile_measures` is past its limit: corners raised
    above the mouth's centre (``max``), corners up at the upper lip's height (``min_upper``),
    a stretched mouth (``max_width``), teeth showing between raised corners (``max_teeth``), a
    mouth opened wide (``max_opening``: a laugh, a scream, a yawn), or the expression
    classifier finding a smile more likely than not (``max_smile``). The face mesh understates
    an expression, so no single sign sees every smile; each limit sits clear of relaxed
    mouths."""
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    x = lim.extra
    m = smile_measures(ctx, fv, float(x.get("lift_per_pitch_sine", 0.0)))
    if not np.isfinite(m["lift"]):
        return _no_face(ctx, lim)
    limit = float(lim.max) if lim.max is not None else 0.1
    min_upper = float(x.get("min_upper", -1.0))
    max_width = float(x.get("max_width", 9.0))
    max_teeth = float(x.get("max_teeth", 9.0))
    max_opening = float(x.get("max_opening", 9.0))
    max_smile = float(x.get("max_smile", 9.0))
    smile_margin = float(x.get("smile_warn_margin", 0.0))
    margin = float(lim.warn_margin or 0.0)
    signs = [  # (over the limit by, how far from it counts as near, zh, en)
        (m["lift"] - limit, margin, f"嘴角上扬{m['lift']:.2f}", f"lip corners raised {m['lift']:.2f}"),
        (min_upper - m["upper"], margin, "嘴角抬到上唇高度", "lip corners up at the upper lip"),
        (m["width"] - max_width, margin, f"嘴角拉宽（嘴宽/眼距{m['width']:.2f}）",
         f"mouth stretched (width / eye span {m['width']:.2f})"),
        ((m["teeth"] - max_teeth) if (m["upper"] < TEETH_SMILE_UPPER
                                        or (m["opening"] < TEETH_SMILE_MAX_OPENING
                                            and m["upper"] < TEETH_RELAXED_UPPER)) else -1.0, 0.0, "露齿笑", "smiling with teeth"),
        (m["opening"] - max_opening, 0.0, "嘴张大（大笑或惊叫）", "mouth wide open (laugh, shout)"),
        (m["smile"] - max_smile, smile_margin, f"面带笑容（{100 * m['smile']:.0f}%）",
         f"smiling ({100 * m['smile']:.0f} %)"),
    ]
    value = {k: fmt(v, 3) for k, v in m.items() if np.isfinite(v)}
    limits = {**lim.as_dict(), "min_upper": min_upper, "max_width": max_width,
              "max_teeth": max_teeth, "max_opening": max_opening, "max_smile": max_smile}
    over = [sgn for sgn in signs if np.isfinite(sgn[0]) and sgn[0] > 0]
    near = [sgn for sgn in signs if np.isfinite(sgn[0]) and -sgn[1] < sgn[0] <= 0]
    if over:
        st, named = Status.FAIL, over
    elif near:
        st, named = Status.WARN, near
    else:
        return result(ctx, lim, Status.PASS, value, "表情自然", "neutral expression", limits=limits)
    zh = "，".join(s_[2] for s_ in named)
    en = ", ".join(s_[3] for s_ in named)
    return result(ctx, lim, st, value, f"表情不自然：{zh}", f"not a neutral expression: {en}",
                  "请保持自然表情，嘴角放松，不要笑", "keep a relaxed, neutral face; no smile",
                  limits)
