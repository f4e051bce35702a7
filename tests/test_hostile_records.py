"""Records under attack, second round: the edges around the store (rosters, merges, the data
folder, the processes) against hostile and careless input. Every fault is inflicted for real:
crafted files, real symlinks and FIFOs, real mounts where mounting is allowed, real SIGKILLs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export import real_photos, run_cli, save

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
def _mount_tmpfs(path: Path, size_kb: int) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                       capture_output=True)
    return r.returncode == 0


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
