"""Reports of ``capture-station check``: one self-contained HTML page and one CSV file.

Why: an office checks a folder of photos brought by candidates (or a day's output of the
station) and needs something to print, file and forward: every photo with a thumbnail, the status
of every check in a coloured cell, and what to do about each problem, in Chinese and English.
The HTML page embeds its thumbnails as data URIs so it can be mailed or archived as one file,
and prints in landscape with the table header repeated on each page. The CSV carries the same
results for a spreadsheet: UTF-8 with a byte-order mark (Excel on Chinese Windows reads it
correctly) and every text cell protected against formula injection (:mod:`csv_safe`).

``rows`` are the dictionaries ``cmd_check`` builds: ``path``, ``compliant``, ``bytes``,
``quality``, ``checks`` (``CheckResult.as_json`` dictionaries), ``hints``, ``_thumb`` (the
thumbnail's data URI, or None) and ``_hints`` ((zh, en) pairs, see :func:`hint_pairs`); a row
with an ``error`` key is a file that could not be read. Instead of ``_thumb`` and ``_hints`` a
row may carry ``_verdict`` (a ``pipeline.FinalVerdict`` whose ``rgb`` is the decoded photo, or
None). ``cmd_check`` makes the small values as each result arrives, because it checks in worker
processes whose verdicts stay there, and because a decoded photo per row (0.9 MB) would not fit
in memory for a big folder.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from capture_station.atomic_io import atomic_write
from capture_station.records.csv_safe import csv_bytes

THUMB_WIDTH = 120

_STATUS_ZH = {"pass": "通过", "warn": "注意", "fail": "不合格", "undetermined": "待人工确认"}
_STATUS_EN = {"pass": "pass", "warn": "warning", "fail": "fail", "undetermined": "check by eye"}
_STATUS_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "undetermined": "?"}


def _labels() -> dict[str, tuple[str, str]]:
    from capture_station.checks.engine import registry

    return {cid: (d.label_zh, d.label_en) for cid, d in registry().items()}


def check_ids(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The check ids of the rows, in the registry's order (unknown ids after them)."""
    seen: list[str] = []
    for r in rows:
        for c in r.get("checks") or []:
            cid = str(c.get("id"))
            if cid not in seen:
                seen.append(cid)
    order = list(_labels())
    known = [cid for cid in order if cid in seen]
    return known + [cid for cid in seen if cid not in order]


def _statuses(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c.get("id")): c for c in row.get("checks") or []}


def thumbnail_uri(rgb: np.ndarray | None, width: int = THUMB_WIDTH) -> str | None:
    """A small JPEG of the photo as a data URI, or None without pixels."""
    if rgb is None or rgb.ndim != 3 or rgb.shape[0] < 2 or rgb.shape[1] < 2:
        return None
    im = Image.fromarray(np.ascontiguousarray(rgb[..., :3]).astype(np.uint8), "RGB")
    h = max(1, round(im.height * width / im.width))
    im = im.resize((width, h), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def thumbnail_from_bytes(data: bytes, width: int = THUMB_WIDTH) -> str | None:
    """:func:`thumbnail_uri` of an encoded photo, or None when Pillow cannot decode it.

    ``check`` verifies photos in worker processes, and their decoded pixels stay there; the
    report decodes the file again. JPEG's DCT scaling (``draft``) decodes a 480x640 photo at
    240x320 in a third of the time of a full decode, and the 120-pixel thumbnail made from that
    is the same to the eye.
    """
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width > 0:
                im.draft("RGB", (2 * width, max(1, round(2 * width * im.height / im.width))))
            rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return thumbnail_uri(rgb, width)


def hint_pairs(checks: Sequence[Any] | None, hints_en: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(zh, en) hints from ``CheckResult`` objects, else the English ``hints_en`` alone.

    The two languages are paired only when both lists have the same length, so a Chinese hint
    is never shown beside the English of another problem.
    """
    if checks:
        from capture_station.checks import top_hints

        zh = top_hints(checks, "zh_CN", n=5)
        en = top_hints(checks, "en", n=5)
        if len(zh) == len(en):
            return list(zip(zh, en, strict=True))
    return [("", str(h)) for h in hints_en]


def _hints_both(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(zh, en) hints of a row: ``_hints`` when present, else from the verdict's checks, else
    the row's hints."""
    if "_hints" in row:
        return [(str(zh), str(en)) for zh, en in row["_hints"]]
    verdict = row.get("_verdict")
    return hint_pairs(getattr(verdict, "checks", None), row.get("hints") or [])


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 12px; margin: 16px; color: #111; }
h1 { font-size: 18px; margin: 0 0 4px 0; }
.meta { color: #444; margin-bottom: 8px; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 6px; border: 1px solid #999; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 2px 3px; vertical-align: middle; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th.check { writing-mode: vertical-rl; white-space: nowrap; font-weight: normal; font-size: 10px;
           text-align: left; }
th.check code { font-size: 9px; color: #555; }
td.st { text-align: center; font-weight: bold; min-width: 14px; }
.pass { background: #c8e6c9; }
.warn { background: #ffe082; }
.fail { background: #ef9a9a; }
.undetermined { background: #cfd8dc; }
.none { background: #fff; color: #aaa; }
td.file { max-width: 220px; word-break: break-all; }
td.hints { min-width: 220px; font-size: 11px; }
td.hints div.en { color: #444; }
img.thumb { width: 120px; display: block; }
.verdict-ok { color: #1b5e20; font-weight: bold; }
.verdict-bad { color: #b71c1c; font-weight: bold; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  body { margin: 0; font-size: 8px; }
  img.thumb { width: 60px; }
  th.check { font-size: 7px; }
  th.check code { display: none; }
  td.st { min-width: 10px; padding: 1px; }
  td.file { max-width: 110px; }
  td.hints { min-width: 150px; font-size: 7px; }
}
"""


def render_html(rows: Sequence[dict[str, Any]], standard: Any) -> str:
    """The report page as text (see :func:`write_html`)."""
    e = html.escape
    labels = _labels()
    ids = check_ids(rows)
    n_ok = sum(1 for r in rows if r.get("compliant") and "error" not in r)
    name_zh = e(str(getattr(standard, "name_zh", "") or ""))
    name_en = e(str(getattr(standard, "name_en", "") or ""))
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>照片合规检查报告 · Photo compliance report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>照片合规检查报告 <small>Photo compliance report</small></h1>",
        f'<div class="meta">{name_zh} · {name_en}<br>'
        f"生成时间 Generated: {e(when)} · 照片 Photos: {len(rows)} · "
        f"合格 Compliant: {n_ok} · 不合格或无法读取 Not compliant or unreadable: {len(rows) - n_ok}</div>",
        '<div class="legend">',
    ]
    for st in ("pass", "warn", "fail", "undetermined"):
        out.append(f'<span class="{st}">{_STATUS_MARK[st]} {_STATUS_ZH[st]} {_STATUS_EN[st]}</span>')
    out.append("</div><br>")
    out.append("<table><thead><tr>")
    out.append("<th>#</th><th>照片<br>Photo</th><th>文件<br>File</th><th>结论<br>Verdict</th>"
               "<th>字节<br>Bytes</th><th>质量<br>Quality</th>")
    for cid in ids:
        zh, en = labels.get(cid, (cid, cid))
        out.append(f'<th class="check" title="{e(cid)}">{e(zh)} · {e(en)} <code>{e(cid)}</code></th>')
    out.append("<th>提示<br>Hints</th></tr></thead><tbody>")
    for i, row in enumerate(rows, 1):
        path = e(str(row.get("path", "")))
        out.append(f"<tr><td>{i}</td>")
        if "error" in row:
            out.append(f'<td class="none">—</td><td class="file">{path}</td>'
                       '<td class="verdict-bad">无法读取<br>unreadable</td><td></td><td></td>')
            span = max(1, len(ids))
            out.append(f'<td colspan="{span}" class="fail">{e(str(row["error"]))}</td><td></td></tr>')
            continue
        if "_thumb" in row:
            uri = row["_thumb"]
        else:
            uri = thumbnail_uri(getattr(row.get("_verdict"), "rgb", None))
        thumb = f'<img class="thumb" alt="" src="{uri}">' if uri else "—"
        ok = bool(row.get("compliant"))
        verdict_html = ('<span class="verdict-ok">合格<br>compliant</span>' if ok
                        else '<span class="verdict-bad">不合格<br>not compliant</span>')
        out.append(f"<td>{thumb}</td><td class=\"file\">{path}</td><td>{verdict_html}</td>"
                   f"<td>{e(str(row.get('bytes', '')))}</td><td>{e(str(row.get('quality', '')))}</td>")
        st_by_id = _statuses(row)
        for cid in ids:
            c = st_by_id.get(cid)
            if c is None:
                out.append('<td class="st none">·</td>')
                continue
            st = str(c.get("status", ""))
            cls = st if st in _STATUS_MARK else "none"
            tip = f"{cid}: {_STATUS_EN.get(st, st)} — {c.get('message', '')}"
            if c.get("value") is not None:
                tip += f" [{c.get('value')}]"
            out.append(f'<td class="st {cls}" title="{e(tip)}">{_STATUS_MARK.get(st, "·")}</td>')
        hints = "".join(
            (f"<div>{e(zh)}</div>" if zh else "") + f'<div class="en">{e(en)}</div>'
            for zh, en in _hints_both(row)
        )
        out.append(f'<td class="hints">{hints}</td></tr>')
    out.append("</tbody></table></body></html>")
    return "\n".join(out)


def write_html(path: Path, rows: list[dict[str, Any]], standard: Any) -> None:
    """Write the self-contained HTML report (thumbnails embedded, printable, zh + en)."""
    atomic_write(Path(path), render_html(rows, standard).encode("utf-8"))


def csv_table(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the CSV: one row per photo, one status column per check id."""
    ids = check_ids(rows)
    header = ["path", "compliant", "bytes", "quality", *ids, "hints", "error"]
    table: list[list[Any]] = []
    for row in rows:
        st_by_id = _statuses(row)
        line: list[Any] = [
            str(row.get("path", "")),
            "yes" if row.get("compliant") and "error" not in row else "no",
            row.get("bytes"),
            row.get("quality"),
        ]
        line += [str(st_by_id[cid].get("status", "")) if cid in st_by_id else "" for cid in ids]
        line.append(" | ".join(str(h) for h in row.get("hints") or []))
        line.append(str(row["error"]) if "error" in row else "")
        table.append(line)
    return header, table


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the results as CSV: UTF-8 with BOM, CRLF, formula-injection-safe text cells."""
    header, table = csv_table(rows)
    atomic_write(Path(path), csv_bytes(header, table, "utf-8"))
