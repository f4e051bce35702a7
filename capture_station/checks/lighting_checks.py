"""Lighting rules of clause 三.1: even light on the face, no visible or one-sided highlights or
light spots, no red eye.

Measured on the face resampled to a fixed width (:func:`measures.face_patch`), so the numbers
do not depend on how far the candidate sits from the camera. Symmetry compares the two cheeks
as a photographer does, by their lighting ratio. It began as OFIQ's illumination uniformity
(ISO/IEC 29794-5: two small zones below the eyes, compared by L*), which on real portraits
raised one false alarm in five: a mole, a smile fold or a lens rim in a small zone moved it by
10-20 L*, and a 12 L* limit is a ratio of only 1.5:1 on mid-tone skin.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture_station.checks.engine import (
    ALL,
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
    IRIS_CENTRES,
    IRIS_RING_IMAGE_LEFT,
    IRIS_RING_IMAGE_RIGHT,
    LIPS_OUTER,
    NOSE_TIP,
    FacePatch,
    clip_box,
    face_patch,
    face_view,
    fmt,
    median,
)
from capture_station.standard import CheckLimits

_no_face = NoFace(Status.UNDETERMINED, "未检测到人脸或人脸太小，无法判断光线",
                  "no face found, or too small: lighting cannot be judged", "请目视检查面部光线",
                  "check the light on the face by eye")


def cheek_halves(fp: FacePatch) -> tuple[np.ndarray, np.ndarray] | None:
    """The skin of each cheek, image-left first: from below the eyes down to the mouth line
    (0.2-1.0 of the eye-to-mouth distance, along the face's own vertical, so a tilted head keeps
    them on the cheeks), from 0.2 to 0.9 of the half face width out from the nose (the midline
    follows the nose, so a slightly turned face is split where its own middle is).

    Whole cheeks rather than small boxes: a mole, a smile fold, a strand of hair or a lens rim
    inside a box moved its median by 10-20 L* on real photos; over the whole cheek they weigh
    little, and what they do weigh is mostly on both sides alike. Temples (hair, spectacle
    arms) and the jaw (beard, collar shadow) are left out."""
    pts = fp.pts
    centres = [(pts[CORNERS_IMAGE_LEFT[0]] + pts[CORNERS_IMAGE_LEFT[1]]) / 2,
               (pts[CORNERS_IMAGE_RIGHT[0]] + pts[CORNERS_IMAGE_RIGHT[1]]) / 2]
    d = centres[1] - centres[0]
    ied = float(np.hypot(*d))
    if ied <= 0:
        return None
    u = d / ied  # along the eye line, towards the image right
    n = np.array([-u[1], u[0]])  # down the face
    mid = (centres[0] + centres[1]) / 2
    mouth = (pts[LIPS_OUTER[0]] + pts[LIPS_OUTER[10]]) / 2
    emd = float(np.dot(mouth - mid, n))
    if emd <= 0:
        return None
    h, w = fp.skin.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rx, ry = xx - float(mid[0]), yy - float(mid[1])
    # the midline: halfway between the eye centres' middle and the nose tip's column
    shift = 0.5 * float(np.dot(pts[NOSE_TIP] - mid, u))
    across = (rx * float(u[0]) + ry * float(u[1]) - shift) / (fp.width / 2)
    down = (rx * float(n[0]) + ry * float(n[1])) / emd
    band = fp.skin & (down > 0.2) & (down < 1.0)
    left = band & (across < -0.2) & (across > -0.9)
    right = band & (across > 0.2) & (across < 0.9)
    return left, right


def _relative_luminance(lstar: np.ndarray) -> np.ndarray:
    """CIE L* back to relative luminance Y (the light that reached the skin, up to albedo)."""
    lstar = lstar.astype(np.float64)
    return np.where(lstar > 8.0, ((lstar + 16.0) / 116.0) ** 3, lstar / 903.3)


def _lightness(y: float) -> float:
    """Relative luminance Y to CIE L* (the inverse of :func:`_relative_luminance`)."""
    return float(116.0 * y ** (1.0 / 3.0) - 16.0) if y > 0.008856 else y * 903.3


@check("lighting.symmetry", ALL, "面部光线均匀", "even light on the face")
def lighting_symmetry(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """The lighting ratio of the two cheeks, in stops: log2 of the median luminance of the
    brighter cheek over the darker one. A ratio, not a difference of L*, because that is what a
    lamp changes (one lamp at half power halves its share on every skin tone alike) and what a
    photographer reads off a face: 2:1 (one stop) is still flat light, 3:1 is modelling light."""
    fp = face_patch(ctx)
    if fp is None:
        return _no_face(ctx, lim)
    max_yaw = lim.extra.get("max_yaw")
    fv = face_view(ctx)
    if max_yaw is not None and fv is not None:
        from capture_station.checks.pose_checks import yaw_degrees

        yaw = yaw_degrees(fv)
        if np.isfinite(yaw) and abs(yaw) > float(max_yaw):
            # the far cheek turns away from its lamp and the near one towards it: the two
            # cheeks no longer compare the lamps (pose.yaw asks for a frontal face first)
            return result(ctx, lim, Status.UNDETERMINED, {"yaw": fmt(yaw)},
                          f"头部转动{abs(yaw):.0f}°，无法比较两侧光线",
                          f"head turned {abs(yaw):.0f} degrees: the two sides cannot be compared",
                          "请正对镜头后再判断光线", "face the camera, then the light is judged")
    halves = cheek_halves(fp)
    min_px = 0.004 * fp.skin.size
    if halves is None or any(int(m.sum()) < min_px for m in halves):
        return _no_face(ctx, lim)
    L = fp.lab[..., 0]
    # Y is monotonic in L*: the median luminance is the luminance of the median L*
    lum = [float(_relative_luminance(np.asarray(median(L[m])))) for m in halves]
    # Skin more than `max_shade_stops` below the brighter cheek is not lit by the station's
    # lamps (one lamp off leaves the far cheek 1.5-2.5 stops down, the room's fill does the
    # rest): it is hair falling over the cheek, a beard, a spectacle rim or a fold's shadow.
    # Those pixels are left out; where they are most of a cheek, the two cannot be compared.
    floor = max(lum) / 2.0 ** float(lim.extra.get("max_shade_stops", 99.0))
    floor_l = _lightness(floor)
    kept = [m & (L >= floor_l) for m in halves]
    shares = [float(k.sum()) / max(1.0, float(m.sum())) for k, m in zip(kept, halves, strict=True)]
    min_share = float(lim.extra.get("min_lit_share", 0.0))
    if min(shares) < min_share:
        i = int(np.argmin(shares))
        side_zh, side_en = ("左", "left") if i == 0 else ("右", "right")
        return result(ctx, lim, Status.UNDETERMINED, {"lit_share": fmt(min(shares), 2)},
                      f"画面{side_zh}侧脸颊大部分被头发遮住或处于深影中，无法比较两侧光线",
                      f"most of the {side_en} cheek (as seen) is under hair or in deep shadow: "
                      "the two sides cannot be compared",
                      "请目视检查：头发是否遮住脸颊，两侧灯是否都亮",
                      "check by eye: hair off the cheek, both lamps on")
    medians = [median(L[k]) for k in kept]
    lum = [float(_relative_luminance(np.asarray(v))) for v in medians]
    if min(lum) <= 0:
        return _no_face(ctx, lim)
    stops = abs(float(np.log2(lum[0] / lum[1])))
    st = band_status(stops, lim)
    ratio = 2.0 ** stops
    value = {"stops": fmt(stops, 2), "ratio": fmt(ratio, 2),
             "delta_l": fmt(abs(medians[0] - medians[1]))}
    if st == Status.PASS:
        return result(ctx, lim, st, value, f"左右脸光线均匀（光比{ratio:.1f}:1）",
                      f"both sides of the face evenly lit (lighting ratio {ratio:.1f}:1)")
    darker_zh, darker_en = ("左", "left") if lum[0] < lum[1] else ("右", "right")
    return result(ctx, lim, st, value,
                  f"画面{darker_zh}侧脸偏暗（两颊光比{ratio:.1f}:1）",
                  f"the {darker_en} side of the face (as seen) is darker "
                  f"(cheek lighting ratio {ratio:.1f}:1)",
                  f"调整灯光：画面{darker_zh}侧的灯偏弱或角度不对，两灯应左右各45度、等距",
                  f"balance the lights: the one on the {darker_en} is too weak or misplaced "
                  "(two lamps at 45 degrees, same distance)")


@check("lighting.exposure", ALL, "面部曝光", "face exposure")
def lighting_exposure(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Median L* of the facial skin (eyes, brows, lips and spectacle lenses left out)."""
    fp = face_patch(ctx)
    if fp is None or fp.skin.sum() < 100:
        return _no_face(ctx, lim)
    lum = fp.skin_l
    st = band_status(lum, lim)
    v = fmt(lum)
    if st == Status.PASS:
        return result(ctx, lim, st, v, f"面部曝光正常（L*={lum:.0f}）", f"face exposure fine (L* {lum:.0f})")
    lo = float(lim.min) if lim.min is not None else 0.0
    hi = float(lim.max) if lim.max is not None else 100.0
    if lum - lo < hi - lum:
        return result(ctx, lim, st, v, f"面部偏暗（L*={lum:.0f}，应为{lo:.0f}–{hi:.0f}）",
                      f"face too dark (L* {lum:.0f}, needs {lo:.0f}-{hi:.0f})",
                      "增加正面光线或提高曝光", "add light on the face or raise the exposure")
    return result(ctx, lim, st, v, f"面部过亮（L*={lum:.0f}，应为{lo:.0f}–{hi:.0f}）",
                  f"face too bright (L* {lum:.0f}, needs {lo:.0f}-{hi:.0f})",
                  "减弱灯光或降低曝光", "dim the lights or lower the exposure")


@check("lighting.highlights", STILL, "无高光光斑", "no hot spots")
def lighting_highlights(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Largest blob of clipped, near-white skin (L* above ``min_lightness`` and chroma below
    ``max_chroma``), as a percentage of the facial skin."""
    fp = face_patch(ctx)
    if fp is None or fp.skin.sum() < 100:
        return _no_face(ctx, lim)
    min_l = float(lim.extra.get("min_lightness", 92.0))
    max_c = float(lim.extra.get("max_chroma", 14.0))
    lab = fp.lab
    hot = (lab[..., 0] >= min_l) & (np.hypot(lab[..., 1], lab[..., 2]) <= max_c) & fp.skin
    n, _, stats, _ = cv2.connectedComponentsWithStats(hot.astype(np.uint8), connectivity=8)
    largest = int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0
    pct = 100.0 * largest / float(fp.skin.sum())
    st = band_status(pct, lim)
    v = fmt(pct, 2)
    if st == Status.PASS:
        return result(ctx, lim, st, v, "面部无明显高光光斑", "no hot spots on the face")
    return result(ctx, lim, st, v, f"面部有高光光斑（占皮肤{pct:.1f}%）",
                  f"hot spot on the face ({pct:.1f} % of the skin is blown out)",
                  "避免直射强光：加柔光罩、调整灯的角度，必要时吸油", "soften or move the lights; blot shiny skin")


def _iris(fv_pts: np.ndarray, ring: tuple[int, ...], centre: int) -> tuple[np.ndarray, float]:
    c = fv_pts[centre]
    r = float(np.mean([np.hypot(*(fv_pts[i] - c)) for i in ring]))
    return c, r


@check("lighting.red_eye", STILL, "无红眼", "no red eye")
def lighting_red_eye(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """Share of the pupil disc (0.5 x the iris radius) that is strongly and purely red, worst
    eye. The hue gate keeps skin out: a closed lid under the iris landmarks is red-dominant too,
    but orange-red."""
    fv = face_view(ctx)
    if fv is None:
        return _no_face(ctx, lim)
    worst = 0.0
    min_redness = float(lim.extra.get("min_redness", 0.45))
    hue_lo, hue_hi = (float(h) for h in lim.extra.get("hue_range", (-20.0, 7.0)))
    for ring, centre in ((IRIS_RING_IMAGE_LEFT, IRIS_CENTRES[0]),
                         (IRIS_RING_IMAGE_RIGHT, IRIS_CENTRES[1])):
        c, r = _iris(fv.pts, ring, centre)
        if r < 2.0:
            return result(ctx, lim, Status.UNDETERMINED, None, "眼睛太小，无法判断红眼",
                          "eyes too small to judge red eye", "请目视检查红眼", "check for red eye by eye")
        pr = 0.5 * r
        box = clip_box((c[0] - pr, c[1] - pr, c[0] + pr + 1, c[1] + pr + 1), fv.rgb.shape)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        patch = fv.rgb[y0:y1, x0:x1].astype(np.float32)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        disc = (xx - c[0]) ** 2 + (yy - c[1]) ** 2 <= pr * pr
        if disc.sum() < 3:
            continue
        R, G, B = patch[..., 0], patch[..., 1], patch[..., 2]
        low = np.minimum(G, B)
        redness = (R - np.maximum(G, B)) / np.maximum(R, 1.0)
        # hue in degrees when red dominates: a flash-lit retina is pure red to magenta-red
        # (G about B), skin -- even through amber lenses, or on a closed lid -- is orange-red
        hue = 60.0 * (G - B) / np.maximum(R - low, 1.0)
        red = (redness > min_redness) & (R > 90) & (hue >= hue_lo) & (hue <= hue_hi) & disc
        worst = max(worst, float(red.sum()) / float(disc.sum()))
    pct = 100.0 * worst
    st = band_status(pct, lim)
    v = fmt(pct, 1)
    if st == Status.PASS:
        return result(ctx, lim, st, v, "无红眼", "no red eye")
    return result(ctx, lim, st, v, f"有红眼（瞳孔{pct:.0f}%为红色）",
                  f"red eye ({pct:.0f} % of a pupil is red)",
                  "关闭直射闪光灯或让闪光灯离镜头远些，重新拍摄",
                  "no on-camera flash (or move it away from the lens) and retake")
