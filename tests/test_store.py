"""Station store: atomic saves, retakes keep history, records match files, private files."""

from __future__ import annotations

import os
import stat

import pytest

from capture_station.records.candidate_id import InvalidCandidateId
from capture_station.records.store import PhotoToSave, Store, sha256_hex


def _save(store, cid, data, **kw):
    return store.save(PhotoToSave(cid, data, quality=80, compliant=True, checks=[], **kw))


def test_save_and_retake_keep_every_version(tmp_path, standard):
    s = Store(tmp_path, standard, station="st1", operator="op")
    a, b = b"\xff\xd8first\xff\xd9", b"\xff\xd8second\xff\xd9"
    r1 = _save(s, "1234567890", a, original=("DSC_0001.JPG", b"raw-bytes"))
    assert (tmp_path / "photos" / "1234567890.jpg").read_bytes() == a
    assert (tmp_path / r1.original_path).read_bytes() == b"raw-bytes"
    r2 = _save(s, "1234567890", b)
    assert (tmp_path / "photos" / "1234567890.jpg").read_bytes() == b
    hist = s.history("1234567890")
    assert [h.sha256 for h in hist] == [sha256_hex(a), sha256_hex(b)]
    assert hist[0].superseded_by == r2.id
    assert (tmp_path / hist[0].history_path).read_bytes() == a
    assert [r["action"] for r in s.audit_log("1234567890")] == ["accept", "retake"]
    assert s.consistency_report() == []
    row = s._db.execute("PRAGMA integrity_check").fetchone()[0]
    assert row == "ok"
    assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    s.close()


def test_bad_id_never_touches_the_disk(tmp_path, standard):
    s = Store(tmp_path / "st", standard)
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(InvalidCandidateId):
        _save(s, "../../evil", b"x")
    after = sorted(p for p in tmp_path.rglob("*"))
    assert before == after
    s.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_store_is_private(tmp_path, standard):
    s = Store(tmp_path / "st", standard)
    _save(s, "1234567890", b"abc")
    assert stat.S_IMODE((tmp_path / "st").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "st" / "photos" / "1234567890.jpg").stat().st_mode) == 0o600
    s.close()


def test_leftover_temp_files_are_cleaned_on_start(tmp_path, standard):
    s = Store(tmp_path, standard)
    s.close()
    junk = tmp_path / "photos" / ".tmp-abc-1234567890.jpg"
    junk.write_bytes(b"half")
    s = Store(tmp_path, standard)
    assert not junk.exists() and s.removed_temp == [junk]
    s.close()


def test_consistency_report_sees_a_changed_file(tmp_path, standard):
    s = Store(tmp_path, standard)
    _save(s, "1234567890", b"abc")
    (tmp_path / "photos" / "1234567890.jpg").write_bytes(b"tampered")
    assert s.consistency_report() == ["1234567890: file differs from its record"]
    s.close()


def test_two_connections_share_the_store(tmp_path, standard):
    a = Store(tmp_path, standard)
    b = Store(tmp_path, standard)
    _save(a, "1234567890", b"one")
    assert b.current("1234567890").sha256 == sha256_hex(b"one")
    a.close()
    b.close()


def test_migration_from_the_first_schema_keeps_every_row(tmp_path, standard):
    import sqlite3

    from capture_station.records.store import MIGRATIONS

    db = sqlite3.connect(tmp_path / "station.db", isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (1)")
    for stmt in MIGRATIONS[0].split(";"):
        if stmt.strip():
            db.execute(stmt)
    db.execute(
        "INSERT INTO photos (candidate_id, path, sha256, bytes, quality, compliant, checks_json,"
        " created_at) VALUES ('1234567890', 'photos/1234567890.jpg', 'abc', 3, 80, 1, '[]',"
        " '2026-01-01T00:00:00+00:00')"
    )
    db.execute("INSERT INTO audit (at, action, candidate_id) VALUES ('2026-01-01', 'accept', '1234567890')")
    db.close()
    s = Store(tmp_path, standard)
    assert s.schema_version == len(MIGRATIONS)
    rec = s.current("1234567890")
    assert rec is not None and rec.sha256 == "abc" and rec.captured_at is None
    assert len(s.audit_log()) == 1
    s._db.execute("SELECT * FROM candidates").fetchall()
    s.close()


def test_a_second_process_does_not_clean_up_the_first_ones_saves(tmp_path, standard):
    """flock locks belong to open files, so two Store objects behave like two processes."""
    a = Store(tmp_path, standard)
    inflight = tmp_path / "photos" / ".tmp-abc-1234567890.jpg"
    inflight.write_bytes(b"being written")
    with a.transaction() as db:
        db.execute(
            "INSERT INTO pending_saves (candidate_id, sha256, record_json, started_at)"
            " VALUES ('1234567890', 'x', '{}', 'now')"
        )
    b = Store(tmp_path, standard)
    assert inflight.exists() and b.removed_temp == [] and b.recovered == []
    a.close()
    b.close()
    c = Store(tmp_path, standard)  # alone now: a crash is cleaned up
    assert not inflight.exists()
    assert c.recovered and "dropped" in c.recovered[0]
    c.close()


@pytest.mark.skipif(os.name != "posix", reason="saves of two processes are serialised by flock")
def test_a_conditional_save_cannot_be_overtaken_by_another_process(tmp_path, standard):
    """A merge saves "only if newer than the local photo". The condition is judged inside the
    save lock: a retake that another process starts meanwhile waits, then lands after it, so
    the retake stays the current photo and the merged one goes to history."""
    import subprocess
    import sys
    import textwrap
    import time

    cid = "650101202400007"
    s = Store(tmp_path, standard)
    _save(s, cid, b"\xff\xd8old\xff\xd9", captured_at="2026-01-01T10:00:00")
    go, ready = tmp_path / "go", tmp_path / "ready"
    retaker = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time
        from capture_station.records.store import PhotoToSave, Store
        go = pathlib.Path({str(go)!r})
        pathlib.Path({str(ready)!r}).write_text("ready")
        while not go.exists():
            time.sleep(0.005)
        s = Store(pathlib.Path({str(tmp_path)!r}))
        t = time.monotonic()
        s.save(PhotoToSave({cid!r}, b"\\xff\\xd8retake\\xff\\xd9", quality=80, compliant=True, checks=[]))
        print(round(time.monotonic() - t, 3), flush=True)
        s.close()
    """)], stdout=subprocess.PIPE, text=True)
    looked: list[str | None] = []
    deadline = time.monotonic() + 120  # a slow start (an emulated CPU) must not decide the test
    while not ready.exists() and retaker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready.exists(), "the other process did not start"

    def newer(cur):  # type: ignore[no-untyped-def]
        looked.append(cur.sha256 if cur else None)
        go.write_text("now")  # the other process starts its retake ...
        time.sleep(0.8)  # ... and must still be waiting when we decide and save
        assert retaker.poll() is None
        return True

    rec = s.save(PhotoToSave(cid, b"\xff\xd8merged\xff\xd9", quality=80, compliant=True,
                          checks=[], captured_at="2026-06-01T10:00:00"), only_if=newer)
    assert rec is not None and looked == [sha256_hex(b"\xff\xd8old\xff\xd9")]
    out, _ = retaker.communicate(timeout=60)
    assert retaker.returncode == 0
    assert float(out.strip()) >= 0.3  # it waited for our save
    cur = s.current(cid)
    assert cur is not None and cur.sha256 == sha256_hex(b"\xff\xd8retake\xff\xd9")
    assert (tmp_path / "photos" / f"{cid}.jpg").read_bytes() == b"\xff\xd8retake\xff\xd9"
    history = sorted(p.read_bytes() for p in (tmp_path / "history" / cid).iterdir())
    assert history == sorted([b"\xff\xd8old\xff\xd9", b"\xff\xd8merged\xff\xd9"])
    # and a condition that says no saves nothing
    assert s.save(PhotoToSave(cid, b"\xff\xd8no\xff\xd9", quality=80,
                           compliant=True, checks=[]), only_if=lambda cur: False) is None
    assert s.current(cid).sha256 == sha256_hex(b"\xff\xd8retake\xff\xd9")  # type: ignore[union-attr]
    s.close()


def test_history_files_are_named_by_capture_time(tmp_path, standard):
    s = Store(tmp_path, standard)
    a, b, c = b"\xff\xd8a\xff\xd9", b"\xff\xd8b\xff\xd9", b"\xff\xd8c\xff\xd9"
    _save(s, "1234567890", a, captured_at="2026-06-01T09:15:02.250000+08:00")
    _save(s, "1234567890", b, captured_at="2026-06-01T09:20:00+08:00")
    _save(s, "1234567890", c)  # now: long after both were captured
    folder = tmp_path / "history" / "1234567890"
    local = [__import__("datetime").datetime.fromisoformat(t).astimezone()
             .strftime("%Y%m%dT%H%M%S%f") for t in ("2026-06-01T09:15:02.250000+08:00",
                                                    "2026-06-01T09:20:00+08:00")]
    assert sorted(p.name for p in folder.iterdir()) == [f"{local[0]}.jpg", f"{local[1]}.jpg"]
    assert (folder / f"{local[0]}.jpg").read_bytes() == a
    assert (folder / f"{local[1]}.jpg").read_bytes() == b
    hist = s.history("1234567890")
    assert [h.history_path for h in hist] == [f"history/1234567890/{local[0]}.jpg",
                                              f"history/1234567890/{local[1]}.jpg", None]
    # two photos captured at the same moment (a merge): the second history name is suffixed
    _save(s, "1234567891", a, captured_at="2026-06-01T10:00:00+08:00")
    _save(s, "1234567891", b, captured_at="2026-06-01T10:00:00+08:00")
    _save(s, "1234567891", c)
    names = sorted(p.name for p in (tmp_path / "history" / "1234567891").iterdir())
    assert len(names) == 2 and names[1].endswith("_2.jpg")
    assert sorted((tmp_path / "history" / "1234567891" / n).read_bytes() for n in names) == [a, b]
    s.close()


def test_demo_photos_are_marked_and_old_stores_gain_the_column(tmp_path, standard):
    import sqlite3

    from capture_station.records.store import MIGRATIONS

    db = sqlite3.connect(tmp_path / "station.db", isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (3)")
    for script in MIGRATIONS[:3]:
        for stmt in script.split(";"):
            if stmt.strip():
                db.execute(stmt)
    db.execute(
        "INSERT INTO photos (candidate_id, path, sha256, bytes, quality, compliant, checks_json,"
        " created_at) VALUES ('1234567890', 'photos/1234567890.jpg', 'abc', 3, 80, 1, '[]',"
        " '2026-01-01T00:00:00+00:00')"
    )
    db.close()
    s = Store(tmp_path, standard)
    assert s.schema_version == len(MIGRATIONS) == 4
    assert s.current("1234567890").demo is False  # photos from before: real ones
    rec = _save(s, "1234567891", b"\xff\xd8x\xff\xd9", demo=True)
    assert rec.demo and s.current("1234567891").demo
    assert not _save(s, "1234567891", b"\xff\xd8y\xff\xd9").demo  # a real retake
    s.close()
