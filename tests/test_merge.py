"""``import-export``: another station's export merged into this store; newest by capture time
wins, older incoming photos are skipped, tampered files are rejected, merging twice changes
nothing, and the origin of each photo is recorded."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_export import add_candidates, real_photos, run_cli, save

from capture_station.records.export import ExportOptions, run_export
from capture_station.records.merge import MergeError, merge_export
from capture_station.records.store import Store, sha256_hex

X, Y, Z = "650101202400001", "650101202400002", "650101202400003"
T_OLD, T_NEW, T_NEWER = ("2024-05-01T09:00:00+08:00", "2024-05-02T09:00:00+08:00",
                         "2024-05-03T09:00:00+08:00")


@pytest.fixture
def stations(tmp_path, standard):
    """Station A (this one) and station B of the same office.

    A: X (old photo a), Y (a).  B: X (newer photo b), Z (b).
    """
    a, b = real_photos()
    sa = Store(tmp_path / "A", standard, station="st-A")
    sb = Store(tmp_path / "B", standard, station="st-B")
    add_candidates(sb, [(X, "张伟", "乌鲁木齐"), (Z, "王芳", "喀什")])
    save(sa, X, a, captured_at=T_OLD)
    save(sa, Y, a, captured_at=T_OLD)
    save(sb, X, b, captured_at=T_NEW)
    save(sb, Z, b, captured_at=T_NEW)
    yield sa, sb
    sa.close()
    sb.close()


def test_merge_two_stations_newest_wins(tmp_path, stations):
    a, b = real_photos()
    sa, sb = stations
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, workers=0))
    rep = merge_export(sa, out, workers=0)
    assert rep.exit_code == 0, rep.rejected
    assert rep.imported == [X, Z] and rep.unchanged == [] and rep.skipped_older == []
    assert rep.stations == ["st-B"]
    x = sa.current(X)
    assert x is not None and sa.read_photo(x) == b
    assert x.origin_station == "st-B" and x.captured_at == T_NEW
    assert x.source == "import-export:B-export"
    # the local photo it replaced is kept in history, never deleted
    hist = sa.history(X)
    assert [h.sha256 for h in hist] == [sha256_hex(a), sha256_hex(b)]
    assert (sa.root / hist[0].history_path).read_bytes() == a
    assert sa.read_photo(sa.current(Y)) == a  # untouched
    assert sa.current(Z).origin_station == "st-B"
    assert sa.consistency_report() == []
    names = dict(sa._db.execute("SELECT candidate_id, name FROM candidates").fetchall())
    assert names == {X: "张伟", Z: "王芳"} and rep.candidates_added == 2
    assert sa.audit_log()[-1]["action"] == "import-export"

    # merging the same export again changes nothing
    n_photos = sa._db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]
    rep2 = merge_export(sa, out, workers=0)
    assert rep2.imported == [] and rep2.unchanged == [X, Z] and rep2.candidates_added == 0
    assert sa._db.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == n_photos


def test_older_incoming_photo_is_skipped(tmp_path, stations):
    a, b = real_photos()
    sa, sb = stations
    save(sa, X, a, captured_at=T_NEWER)  # retaken here after B's photo
    local = sa.current(X)
    out = tmp_path / "B.zip"
    run_export(sb, ExportOptions(out=out, as_zip=True, workers=0))
    rep = merge_export(sa, out, workers=0)
    assert rep.skipped_older == [X] and rep.imported == [Z] and rep.exit_code == 0
    assert sa.current(X).id == local.id  # a newer local photo is never overwritten


def test_tampered_export_files_are_rejected(tmp_path, stations):
    a, b = real_photos()
    sa, sb = stations
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, encoding="gbk", workers=0))  # GBK manifest
    (out / f"{Z}.jpg").write_bytes(a)  # replaced after the export
    rep = merge_export(sa, out, workers=0)
    assert rep.imported == [X]
    assert [(r.candidate_id, "SHA-256" in str(r.reason)) for r in rep.rejected] == [(Z, True)]
    assert sa.current(Z) is None and rep.exit_code == 1


def test_manifest_that_names_foreign_paths_is_rejected(tmp_path, stations):
    _, sb = stations
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, workers=0))
    manifest = (out / "manifest.csv").read_bytes().decode("utf-8-sig")
    manifest = manifest.replace(f"{Z}.jpg", "../../evil.jpg")
    (out / "manifest.csv").write_bytes(manifest.encode("utf-8-sig"))
    sa = stations[0]
    rep = merge_export(sa, out, workers=0)
    assert [r.candidate_id for r in rep.rejected] == [Z] and "file name" in str(rep.rejected[0].reason)


def test_unreadable_exports_raise(tmp_path, standard, stations):
    sa, _ = stations
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    nomanifest = tmp_path / "nm.zip"
    with zipfile.ZipFile(nomanifest, "w") as zf:
        zf.writestr("x.txt", "hello")
    badcols = tmp_path / "badcols"
    badcols.mkdir()
    (badcols / "manifest.csv").write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    for p in (empty, junk, nomanifest, badcols, tmp_path / "absent"):
        with pytest.raises(MergeError):
            merge_export(sa, p, workers=0)


def test_cli_import_export(tmp_path, stations):
    sa, sb = stations
    out = tmp_path / "B.zip"
    run_export(sb, ExportOptions(out=out, as_zip=True, workers=0))
    data = Path(sa.root)
    sa.close()
    r = run_cli("import-export", str(out), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert (res["imported"], res["unchanged"], res["rejected"]) == (2, 0, 0)
    r = run_cli("import-export", str(out), "--json", data_dir=data)
    assert r.returncode == 0 and json.loads(r.stdout)["unchanged"] == 2
    r = run_cli("import-export", str(tmp_path / "absent.zip"), data_dir=data)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04junk")
    r = run_cli("import-export", str(junk), data_dir=data)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
