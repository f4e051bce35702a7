"""``capture-station check DIR --report r.html --csv r.csv``: a printable, self-contained HTML page
and a spreadsheet-safe CSV with one row per photo and a status per check."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from capture_station.checks.engine import Mode, registry
from capture_station.cli import check_report as report

import degrade


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """A folder of photos checked through the command line, with both reports written."""
    from capture_station.cli.main import main

    d = tmp_path_factory.mktemp("photos")
    clean = {c.name: c for c in degrade.clean_set()}
    (d / "hopper.jpg").write_bytes(clean["hopper"].data)
    (d / "astronaut.jpg").write_bytes(clean["astronaut"].data)
    (d / "framed.jpg").write_bytes(degrade.frame(clean["hopper-mirror"]))
    (d / "=HYPERLINK(1).jpg").write_bytes(clean["hopper-small"].data)
    (d / "<i>x&.jpg").write_bytes(clean["hopper-dim"].data)
    (d / "garbage.jpg").write_bytes(b"not a jpeg at all")
    out = tmp_path_factory.mktemp("out")
    gone = out / "gone.jpg"
    os.symlink(out / "missing.jpg", gone)  # a broken link named on the command line: an error row
    html_path, csv_path = out / "r.html", out / "r.csv"
    code = main(["check", str(d), str(gone), "--report", str(html_path), "--csv", str(csv_path),
                 "--json"])
    return {"dir": d, "code": code, "html": html_path.read_text("utf-8"), "csv": csv_path.read_bytes()}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_exit_code_and_files(checked):
    assert checked["code"] == 2  # the broken link is an input error; the reports are still written
    assert checked["html"].startswith("<!DOCTYPE html>")


def test_html_is_self_contained_and_bilingual(checked):
    page = checked["html"]
    assert "照片合规检查报告" in page and "Photo compliance report" in page
    assert "合格 Compliant" in page
    # no external resource of any kind
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", page)
    assert "http://" not in page and "https://" not in page and "<link" not in page
    # one embedded thumbnail per readable picture (the garbage file has no pixels)
    assert page.count('src="data:image/jpeg;base64,') == 5
    # printable: landscape pages, the header repeated on every page, colours kept
    assert "@media print" in page and "table-header-group" in page and "print-color-adjust" in page


def test_html_escapes_names_and_has_a_coloured_cell_per_check(checked):
    page = checked["html"]
    assert "<i>x" not in page and "&lt;i&gt;x&amp;.jpg" in page
    body = page.split("<tbody>", 1)[1]
    rows = body.split("<tr>")[1:]
    assert len(rows) == 7
    final_ids = [k for k, d in registry().items() if Mode.FINAL in d.modes]
    ids = report.check_ids([{"checks": [{"id": k} for k in final_ids]}])
    assert len(ids) >= 35
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for cid in ids:
        assert f'title="{cid}"' in header
    astronaut = next(r for r in rows if "astronaut.jpg" in r)
    cells = re.findall(r'<td class="st (\w+)" title="([^"]*)"', astronaut)
    assert len(cells) == len(ids)
    by_id = {t.split(":", 1)[0]: cls for cls, t in cells}
    assert by_id["expression.neutral"] == "fail" and by_id["file.format"] == "pass"
    assert by_id["checklist.jewellery"] == "undetermined"
    framed = next(r for r in rows if "framed.jpg" in r)
    assert re.search(r'<td class="st fail" title="image\.border:', framed)
    # hints in both languages for a failing photo
    assert "不得添加边框" in framed and "no frame, text or pattern" in framed
    gone = next(r for r in rows if "gone.jpg" in r)
    assert "无法读取" in gone and "unreadable" in gone


def test_csv_one_row_per_photo_with_a_status_per_check(checked):
    rows = _csv_rows(checked["csv"])
    assert len(rows) == 7
    header = list(rows[0].keys())
    assert header[:4] == ["path", "compliant", "bytes", "quality"]
    assert header[-2:] == ["hints", "error"]
    ids = header[4:-2]
    assert "background.white" in ids and "checklist.head_covering" in ids and "file.size" in ids
    by_name = {os.path.basename(r["path"].lstrip("'")): r for r in rows}
    assert by_name["hopper.jpg"]["compliant"] == "yes"
    assert by_name["astronaut.jpg"]["compliant"] == "no"
    assert by_name["astronaut.jpg"]["expression.neutral"] == "fail"
    assert by_name["framed.jpg"]["image.border"] == "fail"
    assert by_name["gone.jpg"]["error"] and by_name["gone.jpg"]["compliant"] == "no"
    assert int(by_name["hopper.jpg"]["bytes"]) == len((checked["dir"] / "hopper.jpg").read_bytes())
    for r in rows:
        if not r["error"]:
            assert all(r[cid] in ("pass", "warn", "fail", "undetermined", "") for cid in ids)


def test_csv_cells_cannot_become_formulas(checked):
    text = checked["csv"][3:].decode("utf-8")
    for line in text.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@")), cell
    rows = _csv_rows(checked["csv"])
    hyper = next(r for r in rows if "HYPERLINK" in r["path"])
    # the path is written in full (a directory first), so it is the name cell that matters
    assert "=HYPERLINK(1).jpg" in hyper["path"]


def test_a_path_that_is_a_formula_gets_an_apostrophe(tmp_path):
    rows = [{"path": "=cmd|' /C calc'!A0", "compliant": False, "bytes": 10, "quality": None,
             "checks": [{"id": "file.format", "status": "fail"}], "hints": ["-1+1", "@x"]}]
    report.write_csv(tmp_path / "x.csv", rows)
    got = _csv_rows((tmp_path / "x.csv").read_bytes())[0]
    assert got["path"] == "'=cmd|' /C calc'!A0"
    assert got["hints"] == "'-1+1 | @x"
    assert got["file.format"] == "fail"


def test_json_output_matches_the_reports(checked, capsys):
    from capture_station.cli.main import main

    main(["check", str(checked["dir"] / "hopper.jpg"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1
    rows = _csv_rows(checked["csv"])
    hop = next(r for r in rows if r["path"].endswith("hopper.jpg") and "HYPER" not in r["path"])
    for c in data[0]["checks"]:
        assert hop[c["id"]] == c["status"], c["id"]


def test_thumbnail_is_120_px_wide():
    import base64

    from PIL import Image

    c = degrade.clean_set()[0]
    uri = report.thumbnail_uri(c.verdict.rgb)
    assert uri is not None and uri.startswith("data:image/jpeg;base64,")
    im = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert im.size == (120, 160)
    assert report.thumbnail_uri(None) is None
