"""Geometry rules of clause 四.2 and the crop rules of 一.2 / 一.3.

On a final file the positions are measured on its pixels; on a live frame or a raw shot they are
the positions the crop solver predicts for the crop it would take now.
"""

from __future__ import annotations

from capture_station.checks.engine import (
    ALL,
    SHOT,
    CheckContext,
    CheckResult,
    NoFace,
    Status,
    band_status,
    check,
    result,
)
from capture_station.standard import CheckLimits

_no_face = NoFace(Status.FAIL, "未检测到人脸", "no face found", "请正对镜头坐好",
                  "sit facing the camera")


# A detection lying mostly (this share of its area) inside the face mesh's box of a face is a
# part of that face (an eye region, a cheek with a hand on it), not another person.
INSIDE_SHARE = 0.5


def _face_count(an) -> int:  # type: ignore[no-untyped-def]
    """Faces in the picture: the mesh's faces or the detector's, whichever found more, without
    detections that lie mostly inside a meshed face."""
    boxes = [f.box for f in an.faces]

    def inside(d: tuple[float, ...]) -> bool:
        area = max(0.0, d[2] - d[0]) * max(0.0, d[3] - d[1])
        for b in boxes:
            iw = min(d[2], b[2]) - max(d[0], b[0])
            ih = min(d[3], b[3]) - max(d[1], b[1])
            if area > 0 and iw > 0 and ih > 0 and iw * ih >= INSIDE_SHARE * area:
                return True
        return False

    dets = list(an.detections)
    separate = [d for d in dets if not inside(d)]
    # every meshed face has its own detection (the one mostly inside it): count those once
    matched = len(dets) - len(separate)
    return max(len(boxes), min(matched, len(boxes)) + len(separate))


@check("face.count", ALL, "单人", "one person")
def face_count(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    if ctx.analysis is None:
        return result(ctx, lim, Status.UNDETERMINED, None, "未分析", "not analysed")
    n = _face_count(ctx.analysis)
    if n == 0:
        return _no_face(ctx, lim)
    if n > 1:
        return result(ctx, lim, Status.FAIL, n, f"画面中有{n}张人脸", f"{n} faces in the picture",
                      "请让其他人离开画面", "only the candidate may be in the picture")
    return result(ctx, lim, Status.PASS, 1, "一张人脸", "one face")


def _band(ctx: CheckContext, lim: CheckLimits, value: float | None, name_zh: str, name_en: str,
          low_hint: tuple[str, str], high_hint: tuple[str, str]) -> CheckResult:
    """``low_hint`` applies when the value is below its band, ``high_hint`` above it."""
    if value is None:
        return _no_face(ctx, lim)
    st = band_status(value, lim)
    v = round(float(value), 1)
    lo, hi = lim.min, lim.max
    if st == Status.PASS:
        return result(ctx, lim, st, v, f"{name_zh}{v:.0f}像素", f"{name_en} {v:.0f} px")
    below = lo is not None and (value < lo or (hi is not None and value - lo < hi - value))
    hz, he = _framing_hint(ctx) or (low_hint if below else high_hint)
    word_zh = "偏小" if below else "偏大"
    word_en = "low" if below else "high"
    if st == Status.WARN:
        return result(ctx, lim, st, v, f"{name_zh}{v:.0f}像素，接近{lo:.0f}–{hi:.0f}的边界",
                      f"{name_en} {v:.0f} px, near the edge of {lo:.0f}-{hi:.0f}", hz, he)
    return result(ctx, lim, st, v, f"{name_zh}{v:.0f}像素{word_zh}（应为{lo:.0f}–{hi:.0f}）",
                  f"{name_en} {v:.0f} px is {word_en} (must be {lo:.0f}-{hi:.0f})", hz, he)


def _framing_hint(ctx: CheckContext) -> tuple[str, str] | None:
    """When no crop fits the picture, the bands miss because of the framing: the crop's own
    hint (move closer or back, camera up or down, left or right) is the one to follow, not a
    hint about the sitter's head."""
    c = ctx.crop
    if c is None or c.feasible or not c.problems:
        return None
    return c.problems[0].message_zh, c.problems[0].message_en


@check("geometry.crown", ALL, "头顶位置", "top of head")
def geometry_crown(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    g = ctx.geometry
    if g is not None and g.crown_clipped:
        hz, he = _framing_hint(ctx) or ("请升高相机或让考生坐低一些",
                                        "raise the camera or seat the candidate lower")
        return result(ctx, lim, Status.FAIL, 0, "头顶超出画面", "top of the head is cut off",
                      hz, he)
    return _band(ctx, lim, None if g is None else g.crown, "头顶距上边沿", "top of head at",
                 ("头顶离上边太近：请重新取景", "head too close to the top edge: reframe"),
                 ("头顶离上边太远：请靠近一些", "head too far below the top: move closer"))


@check("geometry.eyes", ALL, "眼睛位置", "eye height")
def geometry_eyes(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    g = ctx.geometry
    return _band(ctx, lim, None if g is None else g.eyes, "眼睛距上边沿", "eyes at",
                 ("眼睛位置偏高：请重新取景", "eyes too high: reframe"),
                 ("眼睛位置偏低：请重新取景", "eyes too low: reframe"))


@check("geometry.face_width", ALL, "脸部宽度", "face width")
def geometry_face_width(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    g = ctx.geometry
    return _band(ctx, lim, None if g is None else g.face_width, "脸宽", "face width",
                 ("脸部偏小：请靠近一些", "face too small: move closer"),
                 ("脸部偏大：请后退一些", "face too large: move back"))


@check("geometry.centre", ALL, "水平居中", "centred")
def geometry_centre(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    g = ctx.geometry
    if g is None or g.centre is None:
        return _no_face(ctx, lim)
    half = ctx.standard.file.width / 2
    off = float(g.centre - half)
    tol = float(lim.max if lim.max is not None else ctx.standard.geometry.centre_tolerance)
    limits = {"max_offset": tol, "clause": lim.clause}
    v = round(off, 1)
    if abs(off) > tol:
        side_zh = "偏右" if off > 0 else "偏左"
        side_en = "right" if off > 0 else "left"
        hz, he = _framing_hint(ctx) or ("请坐在画面正中", "sit in the middle of the picture")
        return result(ctx, lim, Status.FAIL, v, f"人像{side_zh}{abs(off):.0f}像素",
                      f"face {abs(off):.0f} px {side_en} of centre", hz, he, limits)
    if lim.warn_margin and tol - abs(off) < lim.warn_margin:
        return result(ctx, lim, Status.WARN, v, f"人像偏离中线{abs(off):.0f}像素",
                      f"face {abs(off):.0f} px off centre", "请坐在画面正中",
                      "sit in the middle of the picture", limits)
    return result(ctx, lim, Status.PASS, v, "水平居中", "centred", limits=limits)


@check("geometry.crop_fits", SHOT, "可裁剪", "crop fits")
def geometry_crop_fits(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    c = ctx.crop
    if c is None:
        return _no_face(ctx, lim)
    if c.feasible:
        return result(ctx, lim, Status.PASS, True, "可在画面内裁出", "the crop lies inside the picture")
    p = c.problems[0] if c.problems else None
    zh = p.message_zh if p else "无法在画面内裁出"
    en = p.message_en if p else "no crop inside the picture"
    return result(ctx, lim, Status.FAIL, [q.code for q in c.problems], zh, en, zh, en)


@check("geometry.resolution", SHOT, "分辨率足够", "enough pixels")
def geometry_resolution(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """The enlargement the photo needs from this picture: the larger of the crop's own scale,
    what the narrowest allowed face (face_width_min) needs from the face as photographed, and
    what the 480x640 output needs from the whole picture. The crop solver never enlarges beyond
    the limit (it reports the crop as not fitting instead), so this check is what says *why*:
    too few pixels on the face."""
    c = ctx.crop
    an = ctx.analysis
    face = an.primary if an is not None else None
    if c is None or face is None or an is None:
        return _no_face(ctx, lim)
    g = ctx.standard.geometry
    limit = float(lim.max if lim.max is not None else g.max_upscale)
    w, h = an.size
    needs = max(c.scale, g.face_width_min / max(face.face_width, 1e-6),
                ctx.standard.file.width / max(w, 1), ctx.standard.file.height / max(h, 1))
    v = round(needs, 3)
    if needs > limit + 1e-6:
        return result(ctx, lim, Status.FAIL, v, f"需放大{needs:.2f}倍，像素不足",
                      f"needs {needs:.2f}x upscaling: too few pixels", "请靠近一些或放大焦距",
                      "move the camera closer or zoom in")
    return result(ctx, lim, Status.PASS, v, f"缩放{needs:.2f}", f"scale {needs:.2f}")
