"""Pictures and papers of a calibration: the backdrop heat map, the printable report, the setup
diagram and the printable morning procedure.

The heat map is what an operator looks at first: each cell of the backdrop coloured by how much
darker it is than the brightest cell (green = even, yellow, orange, red at the spread's fail
limit), its L* written in, a bar along a side that is too dark, and dark blobs outlined. The
report is one self-contained HTML file (heat map embedded, no external files, print styles for
A4) with the date, office and station, every figure, status and hint in Chinese and English,
and the limits it was judged by -- something to print and file with the day's records.

Pillow draws the heat map (no Qt here). Its labels are numbers and short English words; the
office and station names are added when a font with Chinese glyphs is installed.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

from capture_station.calibration.backdrop import BackdropMeasurement
from capture_station.calibration.reference import Reference, Setup, load_reference
from capture_station.checks.engine import Status

if TYPE_CHECKING:
    from capture_station.calibration import CalibrationResult

CELL = 80  # heat-map cell size in pixels
MARGIN_X = 56
MARGIN_TOP = 74
MARGIN_BOTTOM = 118

# Colour ramp over the darkness of a cell (ΔL* below the brightest cell), as fractions of the
# spread's fail limit: 0 green, 1/2 yellow, 1 red, 3/2 deep red.
_RAMP = (
    (0.0, (214, 240, 214)),
    (0.25, (196, 228, 160)),
    (0.5, (255, 228, 120)),
    (0.75, (250, 164, 84)),
    (1.0, (222, 64, 52)),
    (1.5, (150, 18, 32)),
)
_STATUS_RGB = {
    Status.PASS: (46, 125, 50),
    Status.WARN: (230, 140, 0),
    Status.FAIL: (200, 30, 30),
    Status.UNDETERMINED: (120, 120, 120),
}
_BLOB_RGB = (20, 90, 200)

_FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "msyh.ttc", "msyh.ttf",
               "simhei.ttf", "wqy-microhei.ttc", "wqy-zenhei.ttc", "PingFang.ttc",
               "Hiragino Sans GB.ttc", "DejaVuSans.ttf")


@lru_cache(maxsize=16)
def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A font of ``size`` px and whether it has Chinese glyphs."""
    for i, name in enumerate(_FONT_NAMES):
        try:
            return ImageFont.truetype(name, size), i < len(_FONT_NAMES) - 1
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size), False
    except TypeError:  # Pillow < 10.1: bitmap font of one size
        return ImageFont.load_default(), False


def ramp_colour(darkness: float, fail: float) -> tuple[int, int, int]:
    """Heat-map colour of a cell ``darkness`` L* below the brightest cell."""
    t = max(0.0, darkness) / max(fail, 1e-6)
    for (t0, c0), (t1, c1) in zip(_RAMP, _RAMP[1:], strict=False):
        if t <= t1:
            k = (t - t0) / (t1 - t0)
            return tuple(int(round(a + (b - a) * k)) for a, b in zip(c0, c1, strict=True))  # type: ignore[return-value]
    return _RAMP[-1][1]


@dataclass
class Heatmap:
    png: bytes
    size: tuple[int, int]
    cell_boxes: list[list[tuple[int, int, int, int]]]  # [row][column] -> x0, y0, x1, y1

    def cell_centre(self, row: int, col: int) -> tuple[int, int]:
        x0, y0, x1, y1 = self.cell_boxes[row][col]
        return (x0 + x1) // 2, (y0 + y1) // 2


def _status_of(result: CalibrationResult | None, item_id: str) -> Status | None:
    if result is None:
        return None
    it = result.item(item_id)
    return None if it is None else it.status


def _vertical_text(img: Image.Image, text: str, centre: tuple[int, int], font: Any,
                   fill: tuple[int, int, int], angle: int) -> None:
    box = font.getbbox(text)
    tw, th = box[2] - box[0] + 4, box[3] - box[1] + 6
    t = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    ImageDraw.Draw(t).text((2 - box[0], 3 - box[1]), text, font=font, fill=fill)
    t = t.rotate(angle, expand=True)
    img.paste(t, (centre[0] - t.width // 2, centre[1] - t.height // 2), t)


# The heat map's words, in English and Chinese: the station window shows the map in the
# operator's language (Chinese needs a font with its glyphs; without one it stays English).
_HEATMAP_WORDS = {
    "en": {
        "title": "Backdrop L* per cell ({cols} x {rows}), seen from the camera",
        "shadow": "shadow -{d:.1f}",
        "left": "left darker {v:.1f} %", "right": "right darker {v:.1f} %",
        "top": "top darker {v:.1f} %", "bottom": "bottom darker {v:.1f} %",
        "centre_brighter": "centre brighter {v:.1f} %", "centre_darker": "centre darker {v:.1f} %",
        "legend": "L* below the\nbrightest cell",
        "mean": "mean L* {v:.1f} (ref {ref:.0f})", "spread": "spread {v:.1f}",
        "lr": "L/R {v:.1f} %", "tb": "T/B {v:.1f} %", "centre": "centre {v:+.1f} %",
        "pass": "PASS", "warn": "PASS (warnings)", "fail": "FAIL", "undetermined": "?",
    },
    "zh_CN": {
        "title": "背景各格亮度 L*（{cols}×{rows}，从相机方向看）",
        "shadow": "阴影 -{d:.1f}",
        "left": "左侧偏暗 {v:.1f}%", "right": "右侧偏暗 {v:.1f}%",
        "top": "上部偏暗 {v:.1f}%", "bottom": "下部偏暗 {v:.1f}%",
        "centre_brighter": "中心偏亮 {v:.1f}%", "centre_darker": "中心偏暗 {v:.1f}%",
        "legend": "比最亮格\n暗的 L*",
        "mean": "平均 L* {v:.1f}（参考 {ref:.0f}）", "spread": "离散 {v:.1f}",
        "lr": "左右差 {v:.1f}%", "tb": "上下差 {v:.1f}%", "centre": "中心 {v:+.1f}%",
        "pass": "合格", "warn": "合格（有提醒）", "fail": "不合格", "undetermined": "未测定",
    },
}


def render_heatmap(
    source: CalibrationResult | BackdropMeasurement,
    *,
    reference: Reference | None = None,
    when: dt.datetime | None = None,
    lang: str = "en",
) -> Heatmap:
    """The backdrop heat map as a PNG (see the module docstring), labelled in ``lang``
    ("en" or "zh_CN"; English when no Chinese font is installed)."""
    ref = reference or load_reference()
    result = None if isinstance(source, BackdropMeasurement) else source
    m = source if isinstance(source, BackdropMeasurement) else source.backdrop
    rows, cols = m.cells.shape
    fail = float(ref.item("backdrop.evenness.spread").fail or 6.0)
    gw, gh = cols * CELL, rows * CELL
    width, height = gw + 2 * MARGIN_X, gh + MARGIN_TOP + MARGIN_BOTTOM
    img = Image.new("RGB", (width, height), (255, 255, 255))
    d = ImageDraw.Draw(img)
    f_big, cjk = _font(18)
    f_mid, _ = _font(15)
    f_small, _ = _font(12)
    ox, oy = MARGIN_X, MARGIN_TOP
    words = _HEATMAP_WORDS["zh_CN" if lang.startswith("zh") and cjk else "en"]

    stamp = (when or (result.created_at if result else None) or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    d.text((ox, 10), words["title"].format(cols=cols, rows=rows), font=f_big, fill=(0, 0, 0))
    where = stamp
    if result is not None and cjk:
        names = "  ".join(v for v in (result.office, result.station) if v)
        where = f"{stamp}  {names}".strip()
    elif result is not None:
        names = "  ".join(v for v in (result.office, result.station) if v and v.isascii())
        where = f"{stamp}  {names}".strip()
    d.text((ox, 36), where, font=f_mid, fill=(60, 60, 60))

    brightest = float(m.cells.max())
    boxes: list[list[tuple[int, int, int, int]]] = []
    for r in range(rows):
        row_boxes = []
        for c in range(cols):
            x0, y0 = ox + c * CELL, oy + r * CELL
            box = (x0, y0, x0 + CELL, y0 + CELL)
            row_boxes.append(box)
            dark = brightest - float(m.cells[r, c])
            fillc = ramp_colour(dark, fail)
            d.rectangle(box, fill=fillc, outline=(255, 255, 255), width=2)
            ink = (255, 255, 255) if dark > fail else (0, 0, 0)
            txt = f"{m.cells[r, c]:.1f}"
            tb = d.textbbox((0, 0), txt, font=f_mid)
            d.text((x0 + (CELL - (tb[2] - tb[0])) / 2, y0 + CELL / 2 - 16), txt, font=f_mid, fill=ink)
            sub = f"-{dark:.1f}" if dark >= 0.05 else "0.0"
            tb = d.textbbox((0, 0), sub, font=f_small)
            d.text((x0 + (CELL - (tb[2] - tb[0])) / 2, y0 + CELL / 2 + 4), sub, font=f_small, fill=ink)
        boxes.append(row_boxes)
    d.rectangle((ox - 1, oy - 1, ox + gw, oy + gh), outline=(90, 90, 90), width=1)

    # Dark blobs.
    for b in m.blobs:
        bx0, by0, bx1, by1 = b.box
        rect = (ox + bx0 * gw, oy + by0 * gh, ox + bx1 * gw, oy + by1 * gh)
        d.rectangle(rect, outline=_BLOB_RGB, width=3)
        d.text((rect[0] + 4, rect[1] + 3), words["shadow"].format(d=b.depth), font=f_small, fill=_BLOB_RGB)

    # Bars along a darker side.
    lr_st = _status_of(result, "backdrop.evenness.left_right")
    lr_lim = ref.item("backdrop.evenness.left_right")
    if (lr_st in (Status.WARN, Status.FAIL)) or (result is None and abs(m.left_right_pct) >= (lr_lim.warn or 0)):
        st = lr_st or lr_lim.grade(abs(m.left_right_pct))
        col = _STATUS_RGB[st]
        left = m.left_right_pct > 0
        x = ox - 18 if left else ox + gw + 4
        d.rectangle((x, oy, x + 14, oy + gh), fill=col)
        _vertical_text(img, words["left" if left else "right"].format(v=abs(m.left_right_pct)),
                       (x - 14 if left else x + 30, oy + gh // 2), f_mid, col, 90 if left else 270)
    tb_st = _status_of(result, "backdrop.evenness.top_bottom")
    tb_lim = ref.item("backdrop.evenness.top_bottom")
    if (tb_st in (Status.WARN, Status.FAIL)) or (result is None and abs(m.top_bottom_pct) >= (tb_lim.warn or 0)):
        st = tb_st or tb_lim.grade(abs(m.top_bottom_pct))
        col = _STATUS_RGB[st]
        top = m.top_bottom_pct > 0
        y = oy - 18 if top else oy + gh + 4
        d.rectangle((ox, y, ox + gw, y + 14), fill=col)
        label = words["top" if top else "bottom"].format(v=abs(m.top_bottom_pct))
        lb = d.textbbox((0, 0), label, font=f_small)
        d.text((ox + gw - (lb[2] - lb[0]) - 4, y + 1), label, font=f_small, fill=(255, 255, 255))
    vg_st = _status_of(result, "backdrop.evenness.vignette")
    vg_lim = ref.item("backdrop.evenness.vignette")
    if (vg_st in (Status.WARN, Status.FAIL)) or (result is None and abs(m.vignette_pct) >= (vg_lim.warn or 0)):
        st = vg_st or vg_lim.grade(abs(m.vignette_pct))
        col = _STATUS_RGB[st]
        cx, cy = ox + gw / 2, oy + gh / 2
        rad = min(gw, gh) * 0.32
        d.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), outline=col, width=3)
        label = words["centre_brighter" if m.vignette_pct > 0 else "centre_darker"].format(
            v=abs(m.vignette_pct))
        lb = d.textbbox((0, 0), label, font=f_small)
        lx0 = cx - (lb[2] - lb[0]) / 2
        d.rectangle((lx0 - 3, cy + rad - 8, lx0 + (lb[2] - lb[0]) + 3, cy + rad + 8), fill=(255, 255, 255))
        d.text((lx0, cy + rad - 7), label, font=f_small, fill=col)

    # Legend and summary.
    ly = oy + gh + 26
    steps = 60
    lw = min(gw, 360)
    for i in range(steps):
        dark = 1.5 * fail * i / (steps - 1)
        x0 = ox + lw * i / steps
        d.rectangle((x0, ly, ox + lw * (i + 1) / steps, ly + 12), fill=ramp_colour(dark, fail))
    for v in range(0, int(1.5 * fail) + 1, max(1, int(round(fail / 3)))):
        x = ox + lw * v / (1.5 * fail)
        d.line((x, ly + 12, x, ly + 16), fill=(0, 0, 0))
        d.text((x - 4, ly + 17), f"-{v}" if v else "0", font=f_small, fill=(0, 0, 0))
    d.text((ox + lw + 10, ly - 2), words["legend"], font=f_small, fill=(60, 60, 60))
    parts = [words["mean"].format(v=m.mean_lstar, ref=m.reference_lstar),
             words["spread"].format(v=m.spread),
             words["lr"].format(v=abs(m.left_right_pct)),
             words["tb"].format(v=abs(m.top_bottom_pct)),
             words["centre"].format(v=m.vignette_pct)]
    if m.cast is not None:
        parts.append(f"a* {m.cast[0]:+.1f} b* {m.cast[1]:+.1f}")
    line1 = "   ".join(parts[:3])
    line2 = "   ".join(parts[3:])
    d.text((ox, ly + 36), line1, font=f_mid, fill=(0, 0, 0))
    d.text((ox, ly + 58), line2, font=f_mid, fill=(0, 0, 0))
    if result is not None:
        st = result.status
        label = words[st.value]
        lb = d.textbbox((0, 0), label, font=f_big)
        d.text((width - MARGIN_X - (lb[2] - lb[0]), 34), label, font=f_big, fill=_STATUS_RGB[st])

    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return Heatmap(buf.getvalue(), (width, height), boxes)


# -- setup diagram (SVG, for the HTML papers) ---------------------------------------------------


def setup_svg(setup: Setup) -> str:
    """Top view of the recommended light setup (三.2) as inline SVG, labelled in zh and en."""
    cx, cy = 220.0, 120.0  # subject
    r = 130.0  # light distance on the drawing
    a = math.radians(setup.angle_deg)
    lights = [(cx - r * math.sin(a), cy + r * math.cos(a)), (cx + r * math.sin(a), cy + r * math.cos(a))]
    dist = f"{setup.distance_min_m:g}–{setup.distance_max_m:g} m"
    cct = f"{setup.cct_min_k:.0f}–{setup.cct_max_k:.0f} K"
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 440 350" width="440" height="350" '
        'font-family="sans-serif" font-size="12" role="img" aria-label="light setup">',
        '<rect x="60" y="22" width="320" height="12" fill="#f4f4f4" stroke="#888"/>',
        '<text x="220" y="16" text-anchor="middle">白色背景 white backdrop</text>',
        f'<line x1="{cx}" y1="{cy}" x2="{cx}" y2="300" stroke="#999" stroke-dasharray="4 4"/>',
    ]
    for i, (lx, ly) in enumerate(lights):
        side = "左 left" if i == 0 else "右 right"
        parts.append(f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{cx}" y2="{cy}" stroke="#e0a000" stroke-width="2"/>')
        ang = math.degrees(math.atan2(cy - ly, cx - lx))
        parts.append(
            f'<g transform="translate({lx:.1f},{ly:.1f}) rotate({ang:.1f})">'
            '<rect x="-14" y="-16" width="18" height="32" fill="#ffd54f" stroke="#8d6e00"/>'
            '<polygon points="4,-16 16,-24 16,24 4,16" fill="#fff3c4" stroke="#8d6e00"/></g>'
        )
        tx = lx - 8 if i == 0 else lx + 8
        anchor = "end" if i == 0 else "start"
        parts.append(f'<text x="{tx:.1f}" y="{ly + 34:.1f}" text-anchor="{anchor}">{side[0]}灯 {side[2:]} light</text>')
        parts.append(f'<text x="{tx:.1f}" y="{ly + 49:.1f}" text-anchor="{anchor}">{cct}</text>')
        mx, my = (lx + cx) / 2, (ly + cy) / 2
        parts.append(f'<text x="{mx + (-10 if i == 0 else 10):.1f}" y="{my - 6:.1f}" '
                     f'text-anchor="{anchor}" fill="#8d6e00">{dist}</text>')
    # angle arcs
    ar = 44.0
    for sgn in (-1, 1):
        ex, ey = cx + sgn * ar * math.sin(a), cy + ar * math.cos(a)
        sweep = 1 if sgn < 0 else 0
        parts.append(f'<path d="M {cx} {cy + ar} A {ar} {ar} 0 0 {sweep} {ex:.1f} {ey:.1f}" '
                     'fill="none" stroke="#555"/>')
        parts.append(f'<text x="{cx + sgn * 20:.1f}" y="{cy + ar + 14:.1f}" text-anchor="middle">'
                     f'{setup.angle_deg:g}°</text>')
    parts += [
        f'<ellipse cx="{cx}" cy="{cy + 8}" rx="30" ry="11" fill="#cfd8dc" stroke="#607d8b"/>',
        f'<circle cx="{cx}" cy="{cy}" r="13" fill="#eceff1" stroke="#607d8b"/>',
        f'<text x="{cx + 36}" y="{cy - 8}">考生 candidate</text>',
        '<rect x="204" y="296" width="32" height="20" rx="3" fill="#455a64"/>',
        '<circle cx="220" cy="296" r="7" fill="#90a4ae" stroke="#263238"/>',
        '<text x="244" y="312">相机 camera</text>',
        '<text x="10" y="332" font-size="11" fill="#444">俯视图；灯与考生肩部同高、对准头部</text>',
        '<text x="10" y="346" font-size="11" fill="#444">top view; lights at shoulder height, aimed at the head</text>',
        "</svg>",
    ]
    return "\n".join(parts)


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 11pt; color: #111; margin: 18px; }
h1 { font-size: 17pt; margin: 0 0 4px 0; }
h2 { font-size: 13pt; margin: 18px 0 6px 0; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
.meta td { border: none; padding: 1px 10px 1px 0; }
.en { color: #555; font-size: 9.5pt; }
.pass { color: #2e7d32; font-weight: bold; }
.warn { color: #e68a00; font-weight: bold; }
.fail { color: #c81e1e; font-weight: bold; }
.undetermined { color: #777; font-weight: bold; }
.verdict { font-size: 15pt; padding: 4px 10px; border: 2px solid; display: inline-block; }
.num { text-align: right; white-space: nowrap; }
img.heat { max-width: 100%; height: auto; border: 1px solid #ccc; }
.sign td { height: 28px; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
"""

_STATUS_WORDS = {
    "pass": ("合格", "pass"),
    "warn": ("提醒", "warning"),
    "fail": ("不合格", "fail"),
    "undetermined": ("未测定", "undetermined"),
}
_VERDICT = {
    "pass": ("校准合格", "Calibration passed"),
    "warn": ("校准合格（有提醒）", "Calibration passed with warnings"),
    "fail": ("校准不合格", "Calibration failed"),
    "undetermined": ("无法判断", "Not determined"),
}


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _limits_text(lim: dict[str, Any]) -> str:
    unit = lim.get("unit", "")
    if "pass" in lim:
        lo, hi = lim["pass"]
        s = f"{lo:g}–{hi:g} {unit}"
        if "warn_range" in lim:
            wl, wh = lim["warn_range"]
            s += f" (warn {wl:g}–{wh:g})"
        return s
    if "pass_k" in lim:
        return f"{lim['pass_k'][0]}–{lim['pass_k'][1]} K (warn {lim['warn_k'][0]}–{lim['warn_k'][1]})"
    bits = []
    if "warn" in lim:
        bits.append(f"warn ≥ {lim['warn']:g}")
    if "fail" in lim:
        bits.append(f"fail ≥ {lim['fail']:g}")
    return (", ".join(bits) + f" {unit}").strip()


def _items_table(items: list[Any]) -> str:
    rows = ['<table><tr><th>项目 Item</th><th>数值 Value</th><th>结果 Status</th>'
            '<th>说明与建议 Finding and what to do</th><th>限值 Limits</th><th>条款</th></tr>']
    for it in items:
        st = it.status.value
        zh, en = _STATUS_WORDS[st]
        hint = ""
        if it.hint_zh or it.hint_en:
            hint = f'<br><b>{_e(it.hint_zh)}</b><br><span class="en">{_e(it.hint_en)}</span>'
        rows.append(
            f'<tr><td>{_e(it.name_zh)}<br><span class="en">{_e(it.name_en)}</span>'
            f'<br><span class="en">{_e(it.id)}</span></td>'
            f'<td class="num">{_e(it.value_text())}</td>'
            f'<td class="{st}">{zh}<br><span class="en">{en}</span></td>'
            f'<td>{_e(it.message_zh)}<br><span class="en">{_e(it.message_en)}</span>{hint}</td>'
            f'<td class="num">{_e(_limits_text(it.limits))}</td><td>{_e(it.clause)}</td></tr>'
        )
    rows.append("</table>")
    return "\n".join(rows)


def report_html(
    result: CalibrationResult,
    *,
    heatmap_png: bytes | None = None,
    reference: Reference | None = None,
) -> str:
    """The printable calibration report: one self-contained HTML page."""
    ref = reference or load_reference()
    png = heatmap_png if heatmap_png is not None else render_heatmap(result, reference=ref).png
    st = result.status.value
    vz, ve = _VERDICT[st]
    m = result.backdrop
    wbz, wbe = result.white_balance.describe()
    when = result.created_at.strftime("%Y-%m-%d %H:%M")
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    backdrop_ids = [i for i in result.items if i.id.startswith("backdrop.")]
    subject_ids = [i for i in result.items if i.id.startswith("subject.")]
    figures = [
        ("背景平均亮度 mean L*", f"{m.mean_lstar:.1f}（参考 reference {m.reference_lstar:.0f}）"),
        ("格子亮度 cells L*", f"{m.cells.min():.1f} – {m.cells.max():.1f}"),
        ("左右差 left/right", f"{abs(m.left_right_pct):.1f} %（{'左暗 left darker' if m.left_right_pct > 0 else '右暗 right darker'}）"),
        ("上下差 top/bottom", f"{abs(m.top_bottom_pct):.1f} %（{'上暗 top darker' if m.top_bottom_pct > 0 else '下暗 bottom darker'}）"),
        ("中心与四角 centre vs corners", f"{m.vignette_pct:+.1f} %"),
        ("暗斑 dark blobs", str(len(m.blobs))),
        ("色偏 cast a*, b*", "—" if m.cast is None else f"{m.cast[0]:+.1f}, {m.cast[1]:+.1f}"),
        ("画面相关色温 CCT in the picture", "—" if m.image_cct is None else f"{m.image_cct:.0f} K"),
        ("过曝 burnt out", f"{m.clipped_pct:.1f} %"),
    ]
    cells = [f"<td>{_e(k)}</td><td class=\"num\">{_e(v)}</td>" for k, v in figures]
    if len(cells) % 2:
        cells.append("<td></td><td></td>")
    fig_rows = "\n".join(f"<tr>{a}{b}</tr>" for a, b in zip(cells[::2], cells[1::2], strict=True))
    with Image.open(io.BytesIO(png)) as im:
        heat_w = min(im.width, 640)
    subject_html = ""
    if result.subject is not None:
        kind = {"face": "人脸 person", "card": "灰卡 grey card", "none": "未找到 nothing found"}[result.subject.kind]
        subject_html = (
            f"<h2>第二步：考生位置 Step 2: subject position（{_e(kind)}）</h2>"
            + _items_table(subject_ids)
        )
    else:
        subject_html = ("<h2>第二步：考生位置 Step 2: subject position</h2>"
                        "<p>未进行（只校准了空背景）。<span class=\"en\">Not done (backdrop only).</span></p>")
    hints = result.hints("zh_CN")
    hints_en = result.hints("en")
    todo = ""
    if hints:
        todo = "<h2>需要调整 What to fix</h2><ol>" + "".join(
            f"<li>{_e(z)}<br><span class=\"en\">{_e(e)}</span></li>" for z, e in zip(hints, hints_en, strict=False)
        ) + "</ol>"
    s = ref.setup
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>照明校准报告 Lighting calibration {when}</title>
<style>{_CSS}</style></head>
<body>
<h1>照明校准报告 <span class="en">Lighting calibration report</span></h1>
<table class="meta">
<tr><td>日期 Date</td><td>{_e(when)}</td><td>考试机构 Office</td><td>{_e(result.office or "—")}</td></tr>
<tr><td>工作站 Station</td><td>{_e(result.station or "—")}</td><td>相机 Camera</td><td>{_e(result.camera or "—")}</td></tr>
<tr><td>白平衡 White balance</td><td>{_e(wbz)} <span class="en">{_e(wbe)}</span></td>
<td>标准 Standard</td><td>{_e(result.standard_id)}</td></tr>
</table>
<p class="verdict {st}">{_e(vz)} · {_e(ve)}</p>
{todo}
<h2>第一步：空背景 Step 1: empty backdrop</h2>
<p><img class="heat" alt="backdrop heat map" width="{heat_w}" src="{uri}"></p>
<table class="figures">{fig_rows}</table>
<p class="en">Left and right are as seen from the camera. 左右均指从相机方向看。</p>
{_items_table(backdrop_ids)}
{subject_html}
<h2>建议灯位 Recommended setup (三.2)</h2>
<p>两只{s.cct_min_k:.0f}–{s.cct_max_k:.0f}K灯，左右各{s.angle_deg:g}度，距考生{s.distance_min_m:g}–{s.distance_max_m:g}米，与肩同高，朝向头部。
<span class="en">Two {s.cct_min_k:.0f}-{s.cct_max_k:.0f} K lights, {s.angle_deg:g} degrees left and right,
{s.distance_min_m:g}-{s.distance_max_m:g} m from the candidate, at shoulder height, aimed at the head.</span></p>
{setup_svg(s)}
<h2>签字 Sign-off</h2>
<table class="sign"><tr><th>校准人 Calibrated by</th><th>签字 Signature</th><th>日期 Date</th></tr>
<tr><td></td><td></td><td></td></tr></table>
<p class="en">Limits: calibration reference version {result.reference_version}; 限值见 calibration/reference.toml。</p>
</body></html>
"""


def procedure_html(reference: Reference | None = None) -> str:
    """The printable morning procedure (``calibration/procedure.html`` is this page)."""
    ref = reference or load_reference()
    s = ref.setup
    rows = []
    for it in ref.items.values():
        lim_text = _limits_text(it.limits())
        if it.id == "backdrop.colour.temperature":
            lim_text = (f"{s.cct_min_k:.0f}–{s.cct_max_k:.0f} K ± {it.param('tolerance_mired_pass'):g} mired "
                        f"(warn ± {it.param('tolerance_mired_warn'):g})")
        rows.append(
            f"<tr><td>{_e(it.name_zh)}<br><span class=\"en\">{_e(it.name_en)}</span></td>"
            f"<td class=\"num\">{_e(lim_text)}</td><td>{_e(it.clause)}</td>"
            f"<td class=\"en\">{_e(it.rationale)}</td></tr>"
        )
    limits = "\n".join(rows)
    log_rows = "\n".join("<tr><td></td><td></td><td></td><td></td><td></td></tr>" for _ in range(10))
    dist = f"{s.distance_min_m:g}–{s.distance_max_m:g}"
    cct = f"{s.cct_min_k:.0f}–{s.cct_max_k:.0f}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>每日灯光校准 Morning lighting calibration</title>
<style>{_CSS}</style></head>
<body>
<h1>每日灯光校准 <span class="en">Morning lighting calibration</span></h1>
<p>每天开始拍照前做一次（约5分钟）。结果自动保存为本工作站的校准档案。
<span class="en">Once a day before the first candidate (about 5 minutes). The result is saved as the
station's calibration profile.</span></p>
<h2>1. 摆灯 Set the lights (三.2)</h2>
<p>两只{cct}K灯，左右各{s.angle_deg:g}度，距考生位置{dist}米，与考生肩部同高，朝向头部。灯打开后预热10分钟。
<span class="en">Two {cct} K lights, {s.angle_deg:g} degrees left and right of the camera axis,
{dist} m from the candidate's seat, at shoulder height, aimed at the head. Let them warm up for
10 minutes.</span></p>
{setup_svg(s)}
<h2>2. 设置相机 Set the camera</h2>
<p>使用日常拍照的取景和曝光。白平衡设为“日光”或{s.cct_min_k:.0f}K（自动白平衡时无法测定灯的色温，只判断色偏）。
背景不应过曝：如提示过曝，校准时降低1/3档曝光。
<span class="en">Use the everyday framing and exposure. Set the white balance to Daylight or
{s.cct_min_k:.0f} K (with automatic white balance the lights' temperature cannot be measured, only
the cast). If the backdrop is reported burnt out, lower the exposure by 1/3 stop for the
calibration.</span></p>
<h2>3. 拍摄空背景 Shoot the empty backdrop</h2>
<p>考生位置无人，把椅子移出画面，点击“拍摄空背景”（或运行 <code>capture-station calibrate --camera SPEC</code>）。
<span class="en">Nobody at the seat and the chair out of the picture; press “拍摄空背景” (or run
<code>capture-station calibrate --camera SPEC</code>).</span></p>
<h2>4. 拍摄考生位置 Shoot the subject position</h2>
<p>一人正对相机坐在考生位置（或在头部高度举18%灰卡），点击“拍摄考生”。
<span class="en">Seat a person facing the camera (or hold an 18 % grey card at head height); press
“拍摄考生” (command line: <code>--subject camera</code>).</span></p>
<h2>5. 看结果 Read the result</h2>
<p>绿色合格；橙色提醒；红色不合格：按提示调整后重做第3、4步，直到没有红色。热图中红色格子即偏暗处（从相机方向看）。
<span class="en">Green passes, orange warns, red fails: follow the hint and repeat steps 3 and 4
until nothing is red. Red cells of the heat map are the dark parts of the backdrop, seen from
the camera.</span></p>
<p>白天主窗口会比较实时背景与校准结果，若某盏灯坏了或被碰动会提示。
<span class="en">During the day the main window compares the live backdrop with the calibration
and warns when a light fails or is moved.</span></p>
<h2>限值 Limits</h2>
<table><tr><th>项目 Item</th><th>限值 Limits</th><th>条款</th><th>理由 Why</th></tr>
{limits}
</table>
<h2>记录 Log</h2>
<table class="sign"><tr><th>日期 Date</th><th>操作员 Operator</th><th>结果 Result</th><th>调整 What was changed</th><th>签字 Signature</th></tr>
{log_rows}
</table>
</body></html>
"""
