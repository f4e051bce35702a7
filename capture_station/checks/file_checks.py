"""File rules of clause 四.1 (and the capture date of 一.1), checked on the bytes of a JPEG."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

import numpy as np

from capture_station.checks.engine import FINAL, CheckContext, CheckResult, Status, check, result
from capture_station.imaging.jpeg_info import estimate_quality
from capture_station.standard import CheckLimits


def _no_file(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    return result(ctx, lim, Status.UNDETERMINED, None, "没有文件数据", "no file data")


@check("file.format", FINAL, "JPEG格式", "JPEG format")
def file_format(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    j = ctx.jpeg
    if j is None:
        return _no_file(ctx, lim)
    if not j.is_jpeg:
        return result(ctx, lim, Status.FAIL, "not-jpeg", "不是JPEG文件", "not a JPEG file",
                      "请用本系统重新生成照片", "re-create the photo with the station")
    if j.error:
        return result(ctx, lim, Status.FAIL, "damaged", f"JPEG文件损坏：{j.error}",
                      f"damaged JPEG: {j.error}", "请重新拍摄或重新生成", "retake or re-create the photo")
    if j.sof != "baseline":
        return result(ctx, lim, Status.FAIL, j.sof, f"JPEG编码方式为{j.sof}，应为基线(baseline)",
                      f"JPEG is {j.sof}, expected baseline", "请用本系统重新编码", "re-encode with the station")
    if j.trailing_bytes > 0:
        return result(ctx, lim, Status.FAIL, f"{j.trailing_bytes} trailing bytes",
                      f"文件结尾后附加了{j.trailing_bytes}字节（填充）",
                      f"{j.trailing_bytes} bytes appended after the end of the image (padding)",
                      "请用本系统重新编码，不要填充字节", "re-encode; never pad the file")
    return result(ctx, lim, Status.PASS, "baseline", "JPEG基线格式", "baseline JPEG")


@check("file.dimensions", FINAL, "尺寸480×640", "size 480×640")
def file_dimensions(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    j = ctx.jpeg
    f = ctx.standard.file
    if j is None or not j.width:
        return _no_file(ctx, lim)
    val = f"{j.width}x{j.height}"
    limits = {"width": f.width, "height": f.height, "clause": lim.clause}
    if (j.width, j.height) != (f.width, f.height):
        return result(ctx, lim, Status.FAIL, val, f"尺寸{val}，应为{f.width}×{f.height}",
                      f"size {val}, expected {f.width}x{f.height}", "请用本系统重新裁剪",
                      "re-crop with the station", limits)
    return result(ctx, lim, Status.PASS, val, f"尺寸{val}", f"size {val}", limits=limits)


@check("file.dpi", FINAL, "分辨率300dpi", "300 dpi")
def file_dpi(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    j = ctx.jpeg
    want = ctx.standard.file.dpi
    if j is None:
        return _no_file(ctx, lim)
    dpi = j.dpi
    limits = {"dpi": want, "clause": lim.clause}
    if dpi is None or abs(dpi[0] - want) > 0.5 or abs(dpi[1] - want) > 0.5:
        val = None if dpi is None else f"{dpi[0]:.0f}x{dpi[1]:.0f}"
        return result(ctx, lim, Status.FAIL, val, f"分辨率{val or '未标注'}，应为{want}dpi",
                      f"density {val or 'not set'}, expected {want} dpi", "请用本系统重新编码",
                      "re-encode with the station", limits)
    return result(ctx, lim, Status.PASS, want, f"分辨率{want}dpi", f"{want} dpi", limits=limits)


@check("file.color", FINAL, "24位彩色", "24-bit colour")
def file_color(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    j = ctx.jpeg
    if j is None:
        return _no_file(ctx, lim)
    limits = {"components": 3, "bits": 8, "clause": lim.clause}
    if j.components != 3 or j.precision != 8:
        val = f"{j.components}x{j.precision}bit"
        return result(ctx, lim, Status.FAIL, val, f"不是24位彩色（{val}）", f"not 24-bit colour ({val})",
                      "请拍摄彩色照片", "take a colour photo", limits)
    if ctx.rgb is not None:
        # every other row and column: a colour photo's chroma is everywhere, and reading a
        # quarter of the pixels is enough to tell it from grey stored as RGB
        rgb = ctx.rgb[::2, ::2].astype(np.int16)
        chroma = float(np.mean(np.abs(rgb[..., 0] - rgb[..., 1]) + np.abs(rgb[..., 1] - rgb[..., 2])))
        min_chroma = float(lim.extra.get("min_chroma", 1.0))
        if chroma < min_chroma:
            return result(ctx, lim, Status.FAIL, round(chroma, 2), "黑白照片（灰度存为RGB）",
                          "greyscale picture stored as RGB", "须为彩色照片", "a colour photo is required",
                          limits)
    return result(ctx, lim, Status.PASS, "24-bit", "24位真彩色", "24-bit true colour", limits=limits)


@check("file.quality", FINAL, "压缩质量≥60", "quality ≥ 60")
def file_quality(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    j = ctx.jpeg
    if j is None or not j.quant_tables:
        return _no_file(ctx, lim)
    est = estimate_quality(j)
    if est is None:
        return result(ctx, lim, Status.UNDETERMINED, None, "无法估计压缩质量", "quality cannot be estimated")
    q = est.quality
    minimum = float(lim.min if lim.min is not None else ctx.standard.file.min_quality)
    if q < minimum:
        return result(ctx, lim, Status.FAIL, q, f"压缩质量约{q}，低于{minimum:.0f}",
                      f"quality about {q}, below {minimum:.0f}", "请用本系统重新编码",
                      "re-encode from the original with the station")
    return result(ctx, lim, Status.PASS, q, f"压缩质量{q}", f"quality {q}")


@check("file.size", FINAL, "文件20–40KB", "file 20–40 KB")
def file_size(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    if ctx.file_bytes is None:
        return _no_file(ctx, lim)
    n = len(ctx.file_bytes)
    lo = int(lim.min if lim.min is not None else ctx.standard.file.min_bytes)
    hi = int(lim.max if lim.max is not None else ctx.standard.file.max_bytes)
    if n < lo:
        return result(ctx, lim, Status.FAIL, n, f"文件{n}字节，小于{lo}", f"{n} bytes, below {lo}",
                      "照片细节过少：检查对焦与构图", "too little detail: check focus and framing")
    if n > hi:
        return result(ctx, lim, Status.FAIL, n, f"文件{n}字节，大于{hi}", f"{n} bytes, above {hi}",
                      "请用本系统重新编码", "re-encode with the station")
    return result(ctx, lim, Status.PASS, n, f"文件{n}字节", f"{n} bytes")


@check("file.extension", FINAL, "扩展名JPG", "extension JPG")
def file_extension(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    if not ctx.file_name:
        return _no_file(ctx, lim)
    ext = PurePath(ctx.file_name).suffix.lower().lstrip(".")
    allowed = ctx.standard.file.extensions
    limits = {"extensions": list(allowed), "clause": lim.clause}
    if ext not in allowed:
        return result(ctx, lim, Status.FAIL, ext, f"扩展名为“{ext}”，应为JPG",
                      f"extension '{ext}', expected JPG", "请将文件保存为.jpg", "save the file as .jpg",
                      limits)
    return result(ctx, lim, Status.PASS, ext, "扩展名JPG", "extension JPG", limits=limits)


_DATE_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d")


@check("file.date", FINAL, "近期照片", "recent photo")
def file_date(ctx: CheckContext, lim: CheckLimits) -> CheckResult:
    """一.1: a photo brought from elsewhere should be from the last six months (EXIF date)."""
    raw = ctx.capture_date
    if not raw:
        return result(ctx, lim, Status.PASS, None, "无拍摄日期（本站拍摄）", "no capture date (taken here)")
    when = None
    for fmt in _DATE_FORMATS:
        try:
            when = dt.datetime.strptime(raw.strip().rstrip("\x00"), fmt)
            break
        except ValueError:
            continue
    if when is None:
        return result(ctx, lim, Status.UNDETERMINED, raw, "拍摄日期无法识别", "capture date unreadable",
                      "请确认照片为近半年内拍摄", "confirm the photo is recent")
    days = (dt.datetime.now() - when).days
    max_days = float(lim.max if lim.max is not None else 183)
    if days > max_days:
        return result(ctx, lim, Status.WARN, days, f"照片拍摄于{days}天前，超过半年",
                      f"taken {days} days ago, more than six months", "请重新拍摄近期照片",
                      "take a new photo")
    return result(ctx, lim, Status.PASS, days, f"拍摄于{days}天前", f"taken {days} days ago")
