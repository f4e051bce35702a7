"""Disk full: a real write limit (RLIMIT_FSIZE) makes the photo write fail; the command says so
in one line, the previous photo stays, and the save succeeds once space returns."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX resource limits")

CID = "650101202400123"


def _limited(limit: int):
    def pre() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return pre


def test_write_limit_then_retry(tmp_path, shots_dir):
    root = tmp_path / "store"
    env = dict(os.environ, CAPTURE_STATION_DATA=str(root))
    cmd = [sys.executable, "-m", "capture_station", "process", str(shots_dir / "hopper.jpg"),
           "--id", CID]
    first = subprocess.run([*cmd], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = (root / "photos" / f"{CID}.jpg").read_bytes()
    # A retake with only 16 KB of writable file size: the 20-40 KB photo cannot be written.
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                       preexec_fn=_limited(16_000))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # the limit hits the database first (its file is larger than the limit): a clear line
    assert "cannot save the photo" in r.stderr or "disk full or read-only" in r.stderr
    assert (root / "photos" / f"{CID}.jpg").read_bytes() == before
    assert not [p for p in (root / "photos").iterdir() if p.name.startswith(".tmp-")]
    # space returns: the retake succeeds and the first photo is in history
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    from capture_station.records.store import Store

    s = Store(root)
    hist = s.history(CID)
    assert len(hist) == 2 and hist[0].superseded_by == hist[1].id
    assert (root / hist[0].history_path).read_bytes() == before
    assert s.consistency_report() == []
    s.close()


def test_enospc_is_a_clear_store_error(tmp_path, standard, monkeypatch):
    """ENOSPC cannot be produced on demand without a small filesystem; inject it at the write."""
    import errno

    from capture_station import atomic_io
    from capture_station.records.store import PhotoToSave, Store, StoreError

    s = Store(tmp_path, standard)
    s.save(PhotoToSave(CID, b"old-photo", quality=80, compliant=True, checks=[]))
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_io.os, "write", full)
    with pytest.raises(StoreError, match="disk full"):
        s.save(PhotoToSave(CID, b"new-photo", quality=80, compliant=True, checks=[]))
    monkeypatch.setattr(atomic_io.os, "write", real_write)
    assert (tmp_path / "photos" / f"{CID}.jpg").read_bytes() == b"old-photo"
    s.save(PhotoToSave(CID, b"new-photo", quality=80, compliant=True, checks=[]))
    assert (tmp_path / "photos" / f"{CID}.jpg").read_bytes() == b"new-photo"
    assert s.consistency_report() == []
    s.close()


def test_read_only_folder_is_a_clear_error(tmp_path, standard):
    from capture_station.records.store import Store, StoreError

    if os.geteuid() == 0:
        # root ignores permission bits; a read-only bind is not available everywhere, so use a
        # path under a regular file, which fails the same way for every user
        target = tmp_path / "file"
        target.write_text("x")
        with pytest.raises(StoreError, match="cannot create the data folder"):
            Store(target / "store", standard)
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    with pytest.raises(StoreError, match="permission denied"):
        Store(ro / "store", standard)


def _mount_tmpfs(path, size_kb: int) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                       capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to mount tmpfs")
def test_small_filesystem_really_full(tmp_path, hopper_shot, astronaut_shot, pipeline, standard):
    """A real, nearly full filesystem: the retake fails with "disk full" and nothing is lost."""
    from capture_station.imaging.image_source import open_image_bytes
    from capture_station.records.filing import file_photo
    from capture_station.records.store import PhotoToSave, Store, StoreError

    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, 600):
        pytest.skip("tmpfs mount not permitted here (the RLIMIT_FSIZE test covers the fault)")
    try:
        root = mnt / "store"
        s = Store(root, standard)
        src = open_image_bytes(hopper_shot, "hopper.jpg")
        res = file_photo(pipeline, src, CID, store=s)
        assert res.saved
        before = (root / "photos" / f"{CID}.jpg").read_bytes()
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * max(0, free - 24_000))
        _, enc, _, _ = pipeline.make_photo(open_image_bytes(astronaut_shot, "retake.jpg"))
        assert enc.data != before
        with pytest.raises(StoreError, match="disk full"):
            s.save(PhotoToSave(CID, enc.data, quality=enc.quality, compliant=True, checks=[]))
        assert (root / "photos" / f"{CID}.jpg").read_bytes() == before
        filler.unlink()
        rec = s.save(PhotoToSave(CID, enc.data, quality=enc.quality, compliant=True, checks=[]))
        assert (root / rec.path).read_bytes() == enc.data
        assert len(s.history(CID)) == 2 and s.consistency_report() == []
        s.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
