"""``capture-station check`` on a folder big enough for worker processes: the same rows, in the
same order, as checking each file in this process; the EXIF date still reaches ``file.date``;
and the HTML report still has a thumbnail per photo."""

from __future__ import annotations

import csv
import io
import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from capture_station.checks import top_hints
from capture_station.imaging.image_source import ArraySource, ImageLoadError, open_image_bytes
from capture_station.photo import verify_pool

import imagery

OLD_DATE = "2019:05:01 10:00:00"


def _with_exif_date(jpeg: bytes, when: str) -> bytes:
    """The same JPEG with an EXIF block carrying ``when`` (pixels untouched, as a camera would
    write it: DateTimeOriginal in the Exif IFD and DateTime in IFD0)."""
    exif = Image.Exif()
    exif[0x0132] = when
    exif.get_ifd(0x8769)[0x9003] = when
    payload = exif.tobytes()
    assert payload.startswith(b"Exif\x00\x00")
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + app1 + jpeg[2:]


def _in_process_row(pipeline: Any, data: bytes, name: str) -> dict[str, Any]:
    """What ``check`` reported for one file before it used worker processes."""
    try:
        date = open_image_bytes(data, name).capture_date
    except ImageLoadError:
        date = None
    v = pipeline.verify_bytes(data, name, date)
    return {"compliant": v.compliant, "quality": v.quality, "bytes": len(data),
            "checks": [c.as_json("en") for c in v.checks], "hints": top_hints(v.checks, "en", n=5)}


@pytest.fixture(scope="module")
def photos(pipeline) -> dict[str, bytes]:
    """A compliant photo, a non-compliant one (a smile), the compliant one with an old EXIF
    date, and a file that is no JPEG at all."""
    out: dict[str, bytes] = {}
    for key, shot in (("good", imagery.station_shot_hopper()), ("bad", imagery.station_shot_astronaut())):
        _, enc, final, reason = pipeline.make_photo(ArraySource(shot, key))
        assert enc is not None and final is not None, reason
        out[key] = enc.data
    out["old"] = _with_exif_date(out["good"], OLD_DATE)
    out["garbage"] = b"not a jpeg at all"
    return out


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: check stays in one process")
def test_pooled_check_matches_in_process_rows_in_input_order(tmp_path, photos, pipeline, monkeypatch,
                                                            capsys):
    from capture_station.cli.main import main

    d = tmp_path / "photos"
    d.mkdir()
    kinds = ["good", "bad"] * 13 + ["old", "garbage"]
    files: list[Path] = []
    for i, kind in enumerate(kinds):
        p = d / f"{i:02d}-{kind}.jpg"
        p.write_bytes(photos[kind])
        files.append(p)
    # Named one by one in an order that is not the folder's, with a missing file in the middle:
    # the rows must come back in exactly this order, whichever worker finished first.
    order = files[1::2][::-1] + [tmp_path / "missing.jpg"] + files[0::2]
    assert verify_pool.worker_count(len(order)) >= 1, "the folder must be big enough for the pool"

    used: list[int] = []
    real = verify_pool.verify_stream

    def spy(jobs, standard, on_result, workers=0, full=False, **kw):  # type: ignore[no-untyped-def]
        used.append(workers)
        return real(jobs, standard, on_result, workers, full, **kw)

    monkeypatch.setattr(verify_pool, "verify_stream", spy)
    html_path, csv_path = tmp_path / "r.html", tmp_path / "r.csv"
    code = main(["check", *map(str, order), "--json", "--report", str(html_path), "--csv", str(csv_path)])
    out, err = capsys.readouterr()
    assert used == [verify_pool.worker_count(len(order))] and used[0] >= 1
    assert code == 2, err  # the missing file is an input error; the rest is still checked
    assert "Traceback" not in err and "internal error" not in err, err
    rows = json.loads(out)

    assert [r["path"] for r in rows] == [str(p) for p in order]
    expected = {kind: _in_process_row(pipeline, data, f"{kind}.jpg") for kind, data in photos.items()}
    for p, row in zip(order, rows, strict=True):
        if p.name == "missing.jpg":
            assert row == {"path": str(p), "compliant": False, "error": "no such file (or a broken link)"}
            continue
        kind = p.stem.split("-", 1)[1]
        assert row["id"] == p.stem and row["source"] == str(p)
        want = expected[kind]
        assert {k: row[k] for k in want} == want, kind
    assert expected["good"]["compliant"] and not expected["bad"]["compliant"]

    # the EXIF date reached file.date inside a worker
    old = next(r for r in rows if r["path"].endswith("-old.jpg"))
    date = {c["id"]: c for c in old["checks"]}["file.date"]
    assert date["status"] == "warn" and date["value"] > 183
    good = next(r for r in rows if r["path"].endswith("-good.jpg"))
    assert {c["id"]: c["status"] for c in good["checks"]}["file.date"] == "pass"

    # the report: a thumbnail for every decodable photo, hints in both languages, input order
    page = html_path.read_text("utf-8")
    decodable = sum(1 for p in order if p.exists() and not p.name.endswith("-garbage.jpg"))
    assert page.count('src="data:image/jpeg;base64,') == decodable == len(order) - 2
    body = page.split("<tbody>", 1)[1].split("<tr>")[1:]
    assert len(body) == len(order)
    assert [next(p.name for p in order if p.name in r) for r in body] == [p.name for p in order]
    bad = next(r for r in body if "-bad.jpg" in r)
    assert 'class="en"' in bad and bad.count("<div") >= 2  # zh and en hints of the smile
    table = list(csv.DictReader(io.StringIO(csv_path.read_bytes()[3:].decode("utf-8"), newline="")))
    assert [r["path"].lstrip("'") for r in table] == [str(p) for p in order]


def test_report_thumbnail_from_bytes_is_120_px_wide(photos):
    import base64

    from capture_station.cli import check_report as report

    uri = report.thumbnail_from_bytes(photos["good"])
    assert uri is not None and uri.startswith("data:image/jpeg;base64,")
    im = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert im.size == (120, 160)
    assert report.thumbnail_from_bytes(photos["garbage"]) is None
