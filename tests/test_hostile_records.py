"""Records under attack, second round: the edges around the store (rosters, merges, the data
folder, the processes) against hostile and careless input. Every fault is inflicted for real:
crafted files, real symlinks and FIFOs, real mounts where mounting is allowed, real SIGKILLs."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_export import real_photos, run_cli, save
from test_reliability_disk import _mount_tmpfs

from capture_station.records.candidate_id import resident_id_check_char
from capture_station.records.export import ExportOptions, run_export
from capture_station.records.store import Store

RESIDENT = "65010119900101123" + resident_id_check_char("65010119900101123")
RESIDENT_MASKED = RESIDENT[:4] + "*" * 10 + RESIDENT[-4:]
ADM = "650101202400001"


def _no_full_id(*texts: str) -> None:
    for t in texts:
        assert RESIDENT not in t, t


# -- 7. privacy ----------------------------------------------------------------------------------
def test_process_output_masks_resident_ids(tmp_path, shots_dir):
    root = tmp_path / "store"
    r = run_cli("process", str(shots_dir / "hopper.jpg"), "--id", RESIDENT, data_dir=root)
    assert r.returncode == 0, r.stderr
    assert RESIDENT_MASKED in r.stdout and "saved" in r.stdout
    _no_full_id(r.stdout, r.stderr)
    assert (root / "photos" / f"{RESIDENT}.jpg").is_file()  # the file itself keeps its name
    r = run_cli("process", str(shots_dir / "hopper.jpg"), "--id", RESIDENT, "--json", data_dir=root)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["id"] == RESIDENT_MASKED and RESIDENT_MASKED in obj["path"]
    _no_full_id(r.stdout, r.stderr)
    r = run_cli("process", str(shots_dir / "hopper.jpg"), "--id", RESIDENT, "--json",
                "--show-ids", data_dir=root)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["id"] == RESIDENT and obj["path"].endswith(f"{RESIDENT}.jpg")
    s = Store(root)
    details = " ".join(str(row["detail"]) for row in s.audit_log())
    s.close()
    _no_full_id(details)


def test_merge_rejections_mask_resident_ids(tmp_path, standard):
    a, _ = real_photos()
    sb = Store(tmp_path / "B", standard, station="st-B")
    save(sb, RESIDENT, a, captured_at="2024-05-02T09:00:00+08:00")
    save(sb, ADM, a, captured_at="2024-05-02T09:00:00+08:00")
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, workers=0))
    sb.close()
    (out / f"{RESIDENT}.jpg").unlink()  # rejected: "<ID>.jpg is not in the export"
    root = tmp_path / "A"
    for extra in ([], ["--json"]):
        r = run_cli("import-export", str(out), *extra, data_dir=root)
        assert r.returncode == 1, r.stdout + r.stderr
        assert RESIDENT_MASKED in r.stdout
        _no_full_id(r.stdout, r.stderr)
    r = run_cli("import-export", str(out), "--json", "--show-ids", data_dir=root)
    assert RESIDENT in r.stdout
    s = Store(root)
    details = " ".join(str(row["detail"]) for row in s.audit_log())
    s.close()
    assert RESIDENT_MASKED in details
    _no_full_id(details)


# -- 12. disk full at the commit -----------------------------------------------------------------
def _fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "ab", buffering=0) as fh:
        for size in (1 << 16, 4096, 512, 1):
            while True:
                try:
                    fh.write(b"\0" * size)
                except OSError:
                    break
    return filler


@pytest.mark.skipif(os.name != "posix", reason="POSIX mounts")
def test_disk_full_at_the_commit_never_becomes_current(tmp_path, standard, monkeypatch):
    """The disk fills up after the new file is in place but before its record is committed (a
    real full tmpfs: the filler is written at that very moment). The save is reported as failed,
    and neither the next start nor an export ever makes that photo current."""
    from capture_station.records import store as store_mod
    from capture_station.records.store import PhotoToSave, StoreError, sha256_hex

    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, 2048):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        a, b = real_photos()
        root = mnt / "store"
        s = Store(root, standard)
        save(s, ADM, a)
        real_replace = os.replace
        fillers: list[Path] = []

        def replace_then_fill(src, dst):  # type: ignore[no-untyped-def]
            real_replace(src, dst)
            if Path(dst).name == f"{ADM}.jpg" and not fillers:
                fillers.append(_fill(mnt))

        monkeypatch.setattr(store_mod.os, "replace", replace_then_fill)
        with pytest.raises(StoreError, match="disk full.*nothing was saved") as info:
            s.save(PhotoToSave(ADM, b, quality=80, compliant=True, checks=[]))
        monkeypatch.setattr(store_mod.os, "replace", real_replace)
        assert fillers, f"the disk was never filled: {info.value}"
        assert (root / "photos" / f"{ADM}.jpg").read_bytes() == a
        s.close()
        fillers[0].unlink()
        s = Store(root, standard)  # the next start: recovery must not finish the failed save
        cur = s.current(ADM)
        assert cur is not None and cur.sha256 == sha256_hex(a)
        assert (root / "photos" / f"{ADM}.jpg").read_bytes() == a
        assert s._db.execute("SELECT COUNT(*) FROM pending_saves").fetchone()[0] == 0
        assert s.consistency_report() == []
        rep = run_export(s, ExportOptions(out=mnt / "out", workers=0))
        assert rep.exported == [ADM]
        assert (mnt / "out" / f"{ADM}.jpg").read_bytes() == a
        s.save(PhotoToSave(ADM, b, quality=80, compliant=True, checks=[]))  # space is back
        assert s.read_photo(s.current(ADM)) == b and len(s.history(ADM)) == 2
        s.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# -- 8. taking over folders ----------------------------------------------------------------------
def test_a_shared_or_foreign_folder_is_never_taken_over(tmp_path, standard):
    from capture_station.records.store import MARKER, StoreError

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (shared / "someone-elses.txt").write_text("x")
    with pytest.raises(StoreError, match="not empty and is not a station store"):
        Store(shared, standard)
    assert os.stat(shared).st_mode & 0o7777 == 0o1777
    assert sorted(os.listdir(shared)) == ["someone-elses.txt"]
    empty_shared = tmp_path / "empty-shared"
    empty_shared.mkdir()
    os.chmod(empty_shared, 0o1777)
    with pytest.raises(StoreError, match="shared folder"):
        Store(empty_shared, standard)
    assert os.stat(empty_shared).st_mode & 0o7777 == 0o1777 and not os.listdir(empty_shared)
    # a new folder and an empty private one become stores; a store opens again
    for root in (tmp_path / "new" / "store", tmp_path / "empty"):
        if root.name == "empty":
            root.mkdir(mode=0o700)
        Store(root, standard).close()
        assert (root / MARKER).is_file() and (root / "station.db").is_file()
        Store(root, standard).close()
    # a store from before the marker is still a store
    old = tmp_path / "new" / "store"
    (old / MARKER).unlink()
    Store(old, standard).close()
    assert (old / MARKER).is_file()


def test_cli_refuses_foreign_folders_and_reads_never_create(tmp_path, shots_dir):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (shared / "other.txt").write_text("x")
    r = run_cli("roster", "import", str(shots_dir / "hopper.jpg"), data_dir=shared)
    assert r.returncode == 2
    r = run_cli("import-export", str(tmp_path), data_dir=shared)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "not a station store" in r.stderr
    assert os.stat(shared).st_mode & 0o7777 == 0o1777 and os.listdir(shared) == ["other.txt"]
    # a mistyped --data-dir on export: no empty store, no "exported 0 photos"
    typo = tmp_path / "stor"
    r = run_cli("export", "--out", str(tmp_path / "out"), data_dir=typo)
    assert r.returncode == 2 and "no station store" in r.stderr, r.stdout + r.stderr
    assert not typo.exists() and not (tmp_path / "out").exists()
    # --out on an existing shared folder writes the photo and leaves the folder's mode alone
    out = tmp_path / "exchange"
    out.mkdir()
    os.chmod(out, 0o755)
    r = run_cli("process", str(shots_dir / "hopper.jpg"), "--id", ADM, "--out", str(out),
                data_dir=tmp_path / "unused")
    assert r.returncode == 0, r.stderr
    assert (out / f"{ADM}.jpg").is_file() and os.stat(out).st_mode & 0o777 == 0o755


# -- 9. symbolic links inside the store ----------------------------------------------------------
def test_symlinked_history_folder_is_refused_and_left_alone(tmp_path, standard):
    from capture_station.records.store import PhotoToSave, StoreError

    a, b = real_photos()
    root = tmp_path / "store"
    s = Store(root, standard)
    save(s, ADM, a)
    s.close()
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    (outside / ".tmp-abc-keep.jpg").write_bytes(b"not the store's")  # looks like a leftover
    (root / "history" / ADM).symlink_to(outside)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(root, standard)
    assert (outside / ".tmp-abc-keep.jpg").read_bytes() == b"not the store's"
    assert os.stat(outside).st_mode & 0o777 == 0o755 and len(os.listdir(outside)) == 1
    # a link made while the store is open is refused at the save, and nothing is written there
    (root / "history" / ADM).unlink()
    s = Store(root, standard)
    (root / "history" / ADM).symlink_to(outside)
    with pytest.raises(StoreError, match="symbolic link"):
        s.save(PhotoToSave(ADM, b, quality=80, compliant=True, checks=[]))
    assert len(os.listdir(outside)) == 1 and os.stat(outside).st_mode & 0o777 == 0o755
    assert s.read_photo(s.current(ADM)) == a
    s.close()
    (root / "history" / ADM).unlink()
    # a photo that is a link to a file elsewhere
    target = tmp_path / "elsewhere.jpg"
    target.write_bytes(a)
    (root / "photos" / f"{ADM}.jpg").unlink()
    (root / "photos" / f"{ADM}.jpg").symlink_to(target)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(root, standard)


def test_loose_modes_inside_the_store_are_tightened(tmp_path, standard):
    a, b = real_photos()
    root = tmp_path / "store"
    s = Store(root, standard)
    save(s, ADM, a)
    save(s, ADM, b)
    s.close()
    photo = root / "photos" / f"{ADM}.jpg"
    os.chmod(photo, 0o666)
    os.chmod(root / "station.lock", 0o666)
    os.chmod(root / "history" / ADM, 0o777)
    Store(root, standard).close()
    assert os.stat(photo).st_mode & 0o777 == 0o600
    assert os.stat(root / "station.lock").st_mode & 0o777 == 0o600
    assert os.stat(root / "history" / ADM).st_mode & 0o777 == 0o700


# -- 13. unbounded reads -------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifos_devices_and_sparse_files_are_refused_quickly(tmp_path):
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    sparse = tmp_path / "sparse.jpg"
    with open(sparse, "wb") as fh:
        fh.truncate(1_500_000_000)  # 1.5 GB that costs no disk
    root = tmp_path / "store"
    cases = [
        ("process", str(fifo), "--id", ADM),
        ("check", str(fifo)),
        ("calibrate", str(fifo)),
        ("process", "/dev/zero", "--id", ADM),
        ("check", "/dev/zero"),
        ("export", "--out", str(tmp_path / "out"), "--ids", "/dev/zero"),
        ("export", "--out", str(tmp_path / "out"), "--ids", str(fifo)),
        ("roster", "import", "/dev/zero"),
        ("check", str(sparse)),
        ("process", str(sparse), "--id", ADM),
    ]
    Store(root).close()
    for args in cases:
        t0 = time.monotonic()
        r = run_cli(*args, data_dir=root, timeout=60)  # a hang fails the test by its timeout
        took = time.monotonic() - t0
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, (args, r.stderr)
        assert "regular file" in r.stderr or "too large" in r.stderr, (args, r.stderr)
        assert took < 30, (args, took)


# -- 14. bad input is a reason of its own, never an internal error -------------------------------
def test_out_of_range_dates_and_a_broken_standard_are_one_line_reasons(tmp_path, shots_dir):
    from capture_station.paths import assets_dir

    root = tmp_path / "store"
    Store(root).close()
    for opt, date in (("--until", "9999-12-31"), ("--since", "0001-01-01"),
                      ("--until", "9999-12-31T23:59:59")):
        r = run_cli("export", "--out", str(tmp_path / "out"), opt, date, data_dir=root)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "out of range" in r.stderr and "internal error" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    text = (assets_dir() / "standards" / "xinjiang-zikao.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    import re

    bad.write_text(re.sub(r'admission_pattern\s*=\s*".*"', 'admission_pattern = "([0-9"', text),
                   encoding="utf-8")
    assert "([0-9" in bad.read_text(encoding="utf-8")
    r = run_cli("--standard", str(bad), "process", str(shots_dir / "hopper.jpg"), "--id", ADM,
                data_dir=root)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "admission_pattern" in r.stderr and "internal error" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_manifest_cell_over_the_csv_field_limit_is_one_rejected_row(tmp_path, standard):
    from capture_station.records.merge import merge_export

    a, _ = real_photos()
    sb = Store(tmp_path / "B", standard, station="st-B")
    save(sb, ADM, a)
    save(sb, "650101202400002", a)
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, workers=0))
    sb.close()
    lines = (out / "manifest.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    cells = lines[1].split(",")
    cells[1] = "x" * 200_000  # the name cell
    lines[1] = ",".join(cells)
    (out / "manifest.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    sa = Store(tmp_path / "A", standard)
    rep = merge_export(sa, out, workers=0)
    assert rep.imported == ["650101202400002"]
    assert [(r.line, "131,072" in str(r.reason)) for r in rep.rejected] == [(2, True)]
    sa.close()


# -- 2. an unbalanced quote ----------------------------------------------------------------------
def test_an_unclosed_quote_is_one_bad_row_and_the_rows_after_it_import(tmp_path, standard):
    from capture_station.records.roster import import_roster

    roster = tmp_path / "roster.csv"
    roster.write_bytes(("准考证号,姓名\r\n"
                        "400000000380,张三\r\n"
                        '400000000381,"李四\r\n'
                        "400000000382,王五\r\n"
                        "400000000383,赵六\r\n").encode())
    s = Store(tmp_path / "store", standard)
    rep = import_roster(s, roster)
    names = dict(s._db.execute("SELECT candidate_id, name FROM candidates").fetchall())
    s.close()
    assert [b.line for b in rep.bad] == [3] and "not closed" in str(rep.bad[0].reason)
    assert names == {"400000000380": "张三", "400000000382": "王五", "400000000383": "赵六"}
    # a real multi-line cell (Alt+Enter in Excel) is still one cell
    roster.write_bytes('准考证号,姓名\r\n400000000384,"阿依\r\n古丽"\r\n400000000385,王芳\r\n'
                       .encode())
    s = Store(tmp_path / "store", standard)
    rep = import_roster(s, roster)
    s.close()
    assert rep.bad == [] and len(rep.added) == 2


# -- 3. mixed encodings --------------------------------------------------------------------------
def test_a_roster_mixing_utf8_and_gbk_is_refused_with_its_lines(tmp_path, standard):
    from capture_station.records.roster import RosterError, parse_roster

    roster = tmp_path / "mixed.csv"
    roster.write_bytes(b"exam_no,name\r\n" + "400000000380,张三\r\n".encode()
                       + "400000000381,李四\r\n".encode()
                       + "400000000382,王五\r\n".encode("gbk"))
    with pytest.raises(RosterError, match="mixes encodings: line 2 is UTF-8 but line 4"):
        parse_roster(roster, standard)
    # whole files in one encoding still import, however many names they have
    import random

    rng = random.Random(3)
    common = [chr(c) for c in range(0x4E00, 0x9FA5) if len(chr(c).encode("gbk", "ignore")) == 2]
    rows = [f"4000000{i:05d},{''.join(rng.choices(common, k=rng.choice((2, 3, 4))))},"
            f"{''.join(rng.choices(common, k=3))}\r\n" for i in range(3000)]
    for enc in ("gbk", "utf-8"):
        roster.write_bytes(("准考证号,姓名,考区\r\n" + "".join(rows)).encode(enc))
        parsed = parse_roster(roster, standard)
        assert len(parsed.rows) == 3000 and parsed.bad == [], enc


# -- 1. a tiny XLSX with a stray cell far away ---------------------------------------------------
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
@pytest.mark.parametrize("stray", ["XFD20000", "XFD1048576"])
def test_a_tiny_workbook_with_a_stray_far_cell_imports_quickly(tmp_path, standard, stray):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["准考证号", "姓名", "考区"])
    for i in range(5):
        ws.append([f"40000000038{i}", f"考生{i}", "乌鲁木齐"])
    ws[stray] = "x"
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert path.stat().st_size < 10_000
    # the measurement runs in a fresh process so that its peak memory is the import's own
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys, time\n"
        "def peak():  # VmHWM: this process's own peak (ru_maxrss keeps a forking parent's)\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1]) * 1024\n"
        "from pathlib import Path\n"
        "from capture_station.records.roster import parse_roster\n"
        "from capture_station.standard import load_standard\n"
        "std = load_standard()\n"
        "import openpyxl  # noqa: F401 - its import (~0.3 s) is not the reading measured\n"
        "base = peak()\n"
        "t0 = time.perf_counter()\n"
        "p = parse_roster(Path(sys.argv[1]), std)\n"
        "took = time.perf_counter() - t0\n"
        "rss = peak()\n"
        "print(len(p.rows), len(p.bad), f'{took:.3f}', rss, base)\n", encoding="utf-8")
    r = subprocess.run([sys.executable, str(probe), str(path)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    rows, bad, took, rss, base = r.stdout.split()
    print(f"{stray}: {rows} rows in {took} s, peak {int(rss) / 1e6:.0f} MB "
          f"(of which {int(base) / 1e6:.0f} MB before reading)")
    assert (int(rows), int(bad)) == (5, 0)
    assert float(took) < 1.0 and int(rss) < 200e6 and int(rss) - int(base) < 50e6
    s = Store(tmp_path / "store", standard)
    from capture_station.records.roster import import_roster

    assert len(import_roster(s, path).added) == 5
    s.close()


# -- 6, 4, 5. merging another station's export ---------------------------------------------------
B_IDS = ("650101202400001", "650101202400002", "650101202400003")


@pytest.fixture
def b_export(tmp_path, standard):
    """Station B's export folder: three photos with roster names."""
    from test_export import add_candidates

    a, _ = real_photos()
    sb = Store(tmp_path / "B", standard, station="st-B")
    add_candidates(sb, [(B_IDS[0], "张伟", "乌鲁木齐"), (B_IDS[1], "王芳", "喀什"),
                        (B_IDS[2], "李娜", "伊犁")])
    for cid in B_IDS:
        save(sb, cid, a, captured_at="2024-05-02T09:00:00+08:00")
    out = tmp_path / "B-export"
    run_export(sb, ExportOptions(out=out, workers=0))
    sb.close()
    return out


def _edit_manifest(folder: Path, line: int, **cells: str) -> None:
    import csv
    import io

    text = (folder / "manifest.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for k, v in cells.items():
        rows[line - 1][header.index(k)] = v
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (folder / "manifest.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))


def test_merged_names_follow_the_roster_rules(tmp_path, b_export, standard):
    from capture_station.records.merge import merge_export

    _edit_manifest(b_export, 2, name="张\x07伟\x1b[31m")
    _edit_manifest(b_export, 3, name="王" * 100_000)
    sa = Store(tmp_path / "A", standard)
    rep = merge_export(sa, b_export, workers=0)
    names = dict(sa._db.execute("SELECT candidate_id, name FROM candidates").fetchall())
    photos = {r[0] for r in sa._db.execute("SELECT candidate_id FROM photos")}
    sa.close()
    reasons = {r.candidate_id: str(r.reason) for r in rep.rejected}
    assert "control characters" in reasons[B_IDS[0]] and "longer than" in reasons[B_IDS[1]]
    assert rep.imported == [B_IDS[2]] and photos == {B_IDS[2]}
    assert names == {B_IDS[2]: "李娜"}  # refused photos add no roster rows


def test_a_future_capture_time_is_refused_and_merging_twice_changes_nothing(tmp_path, b_export,
                                                                          standard):
    from capture_station.records.merge import merge_export

    _, b = real_photos()
    _edit_manifest(b_export, 2, captured_at="2099-01-01T09:00:00+08:00")
    sa = Store(tmp_path / "A", standard)
    rep = merge_export(sa, b_export, workers=0)
    assert [(r.candidate_id, "in the future" in str(r.reason)) for r in rep.rejected] == [(B_IDS[0], True)]
    assert rep.imported == [B_IDS[1], B_IDS[2]]
    # a local retake of a merged photo; the same export merged again changes nothing
    save(sa, B_IDS[1], b, captured_at="2024-05-01T09:00:00+08:00")  # this station's clock is behind
    state = [tuple(r) for r in sa._db.execute("SELECT * FROM photos ORDER BY id")]
    cands = [tuple(r) for r in sa._db.execute("SELECT * FROM candidates ORDER BY candidate_id")]
    rep2 = merge_export(sa, b_export, workers=0)
    assert rep2.imported == [] and rep2.unchanged == [B_IDS[1], B_IDS[2]]
    assert [tuple(r) for r in sa._db.execute("SELECT * FROM photos ORDER BY id")] == state
    assert [tuple(r) for r in sa._db.execute("SELECT * FROM candidates ORDER BY candidate_id")] == cands
    assert sa.read_photo(sa.current(B_IDS[1])) == b
    sa.close()


def _zip_with(folder: Path, dest: Path, damage: str, victim: str) -> None:
    """The export ``folder`` as a ZIP whose member ``victim`` is damaged in the way named."""
    import struct
    import zipfile

    with zipfile.ZipFile(dest, "w") as z:
        for p in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(p.name, date_time=(2024, 5, 2, 9, 0, 0))
            info.compress_type = (zipfile.ZIP_DEFLATED if p.name == victim and damage == "corrupt"
                                  else zipfile.ZIP_STORED)
            z.writestr(info, p.read_bytes())
    raw = bytearray(dest.read_bytes())
    with zipfile.ZipFile(dest) as z:
        info = z.getinfo(victim)
    local = info.header_offset
    assert raw[local:local + 4] == b"PK\x03\x04"
    name_len, extra_len = struct.unpack_from("<HH", raw, local + 26)
    data_at = local + 30 + name_len + extra_len
    # the central directory entry of the victim
    pos = raw.index(b"PK\x01\x02")
    while True:
        n, e, c = struct.unpack_from("<HHH", raw, pos + 28)
        if bytes(raw[pos + 46:pos + 46 + n]) == victim.encode():
            central = pos
            break
        pos += 46 + n + e + c
    if damage == "encrypted":
        for at in (local + 6, central + 8):
            struct.pack_into("<H", raw, at, struct.unpack_from("<H", raw, at)[0] | 0x1)
    elif damage == "deflate64":
        for at in (local + 8, central + 10):
            struct.pack_into("<H", raw, at, 9)
    elif damage == "corrupt":
        for k in range(20):
            raw[data_at + 40 + k] ^= 0xA5
    elif damage == "header":
        raw[local:local + 4] = b"XX\x03\x04"
    elif damage == "name":
        for at in (local + 6, central + 8):  # flagged UTF-8, but the name's bytes are not
            struct.pack_into("<H", raw, at, struct.unpack_from("<H", raw, at)[0] | 0x800)
        raw[central + 46] = 0xFF
        raw[local + 30] = 0xFF
    dest.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage", ["encrypted", "deflate64", "corrupt", "header"])
def test_one_bad_zip_member_is_one_refused_photo(tmp_path, b_export, damage):
    victim = f"{B_IDS[1]}.jpg"
    dest = tmp_path / f"B-{damage}.zip"
    _zip_with(b_export, dest, damage, victim)
    root = tmp_path / "A"
    r = run_cli("import-export", str(dest), data_dir=root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert f"{B_IDS[1]}: cannot read {victim}" in r.stdout, r.stdout
    s = Store(root)
    photos = sorted(x[0] for x in s._db.execute("SELECT candidate_id FROM photos"))
    names = sorted(x[0] for x in s._db.execute("SELECT candidate_id FROM candidates"))
    audit = [row["action"] for row in s.audit_log()]
    s.close()
    assert photos == [B_IDS[0], B_IDS[2]] and names == photos
    assert audit.count("import-export") == 1


def test_a_zip_that_cannot_be_read_changes_nothing(tmp_path, b_export):
    dest = tmp_path / "B-name.zip"
    _zip_with(b_export, dest, "name", f"{B_IDS[1]}.jpg")
    root = tmp_path / "A"
    Store(root).close()
    r = run_cli("import-export", str(dest), data_dir=root)
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "internal error" not in r.stderr, r.stderr
    assert "nothing was changed" in r.stderr
    s = Store(root)
    assert s._db.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0
    assert [row["action"] for row in s.audit_log()] == []
    s.close()


# -- 10. a killed parent takes its workers with it -----------------------------------------------
def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(d.name)] = int(fields[1])
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for c, pp in parents.items():
            if pp == p and c not in out:
                out.add(c)
                todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("command", ["export", "import-export"])
def test_sigkill_of_the_parent_ends_its_workers(tmp_path, standard, command):
    import signal

    a, _ = real_photos()
    root = tmp_path / "store"
    s = Store(root, standard)
    for i in range(30):
        save(s, f"65010120240{i:04d}", a)
    if command == "import-export":
        run_export(s, ExportOptions(out=tmp_path / "other", workers=0))
    s.close()
    if command == "import-export":
        args = ["import-export", str(tmp_path / "other"), "--workers", "2"]
        root = tmp_path / "merging"
    else:
        args = ["export", "--out", str(tmp_path / "out"), "--workers", "2"]
    env = dict(os.environ, CAPTURE_STATION_DATA=str(root))
    p = subprocess.Popen([sys.executable, "-m", "capture_station", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kids) < 3:  # 2 workers + resource tracker
            kids = {k for k in _children(p.pid) if _alive(k)}
            time.sleep(0.05)
        assert len(kids) >= 3, f"the workers never started: {kids}"
        time.sleep(1.0)  # inside the work: the workers are loading their models or checking
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(k) for k in kids):
            time.sleep(0.1)
        left = [k for k in kids if _alive(k)]
        assert not left, f"still running 5 s after their parent was killed: {left}"
    finally:
        for k in kids:  # only what this test started, and only if the test failed
            if _alive(k):
                with contextlib.suppress(OSError):
                    os.kill(k, signal.SIGKILL)


# -- 11. a read-only store -----------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="POSIX mounts")
def test_export_works_from_a_store_on_a_read_only_file_system(tmp_path, standard, shots_dir):
    a, _ = real_photos()
    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, 8192):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        root = mnt / "store"
        s = Store(root, standard)
        for cid in B_IDS:
            save(s, cid, a)
        s.close()
        r = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"remounting read-only is not permitted here: {r.stderr.decode()[:80]}")
        with pytest.raises(OSError):
            (root / "probe").write_bytes(b"x")  # really read-only
        out = tmp_path / "out"
        r = run_cli("export", "--out", str(out), data_dir=root)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "read-only" in r.stdout and "nothing was locked" in r.stdout, r.stdout
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [f"{c}.jpg" for c in B_IDS] + ["excluded.csv", "manifest.csv", "missing.csv"])
        assert all((out / f"{c}.jpg").read_bytes() == a for c in B_IDS)
        r = run_cli("process", str(shots_dir / "hopper.jpg"), "--id", ADM, data_dir=root)
        assert r.returncode == 2 and "read-only" in r.stderr, r.stdout + r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# -- smaller ones --------------------------------------------------------------------------------
def test_a_database_from_a_newer_schema_is_refused(tmp_path, standard):
    import sqlite3

    from capture_station.records.store import StoreError

    root = tmp_path / "store"
    Store(root, standard).close()
    db = sqlite3.connect(root / "station.db")
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    before = (root / "station.db").read_bytes()
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store(root, standard)
    assert (root / "station.db").read_bytes() == before
    r = run_cli("export", "--out", str(tmp_path / "out"), data_dir=root, timeout=60)
    assert r.returncode == 2 and "newer" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_ids_file_without_ids_and_out_inside_the_store_are_refused(tmp_path, standard):
    a, _ = real_photos()
    root = tmp_path / "store"
    s = Store(root, standard)
    save(s, ADM, a)
    s.close()
    ids = tmp_path / "ids.txt"
    ids.write_text("准考证号\n# none yet\n\n", encoding="utf-8")
    r = run_cli("export", "--out", str(tmp_path / "out"), "--ids", str(ids), data_dir=root)
    assert r.returncode == 2 and "no candidate ID" in r.stderr, r.stdout + r.stderr
    assert not (tmp_path / "out").exists()
    for inside in (root / "export", root / "photos" / "x.zip"):
        r = run_cli("export", "--out", str(inside), *(["--zip"] if inside.suffix else []),
                    data_dir=root)
        assert r.returncode == 2 and "inside the station's data folder" in r.stderr, r.stderr
        assert not inside.exists()


def test_a_newline_in_a_file_name_cannot_forge_an_ok_line(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    a, _ = real_photos()
    forged = folder / "x.jpg (25000 bytes, quality 80)\nOK     forged.jpg"
    forged.write_bytes(b"not a photo")
    r = run_cli("check", str(forged), data_dir=tmp_path / "store")
    lines = r.stdout.splitlines()
    assert not any(line.startswith("OK") for line in lines), r.stdout
    assert "\\n" in r.stdout and len(lines) >= 1
    assert len(r.stderr.strip().splitlines()) <= 1 or "\\n" in r.stderr


def test_a_data_folder_holding_only_a_calibration_becomes_a_store(tmp_path, standard):
    """``calibrate`` may save its profile before the first photo: that folder is the station's."""
    root = tmp_path / "data"
    (root / "calibration").mkdir(parents=True, mode=0o700)
    (root / "calibration" / "latest.json").write_text("{}")
    os.chmod(root, 0o700)
    Store(root, standard).close()
    assert (root / "station.db").is_file()
