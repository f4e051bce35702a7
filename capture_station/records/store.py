"""The station store: accepted photos on disk and their records in SQLite.

Layout of the data folder::

    photos/<ID>.jpg              the accepted photo, one per candidate
    history/<ID>/<time>.jpg      every earlier accepted photo (a retake never deletes)
    originals/<ID>/<time>-<name> the camera's original file (DSLR capture archive)
    station.db                   SQLite, WAL, synchronous=FULL

A save writes the new file to a temporary name, keeps the old photo in history (hard link, so
the final name never disappears), renames the new file into place, then records it in one
transaction. After a crash the next start removes temporary files and reconciles the records
with the files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capture_station.atomic_io import (
    DIR_MODE,
    FILE_MODE,
    HAVE_FLOCK,
    atomic_write,
    clean_temp_files,
    flock,
    fsync_dir,
    write_temp,
)
from capture_station.messages import Msg, os_reason
from capture_station.records.candidate_id import mask_ids_in, require_valid_id
from capture_station.standard import Standard, load_standard


class StoreError(OSError):
    """The store cannot be written (disk full, read-only, permission); ``str()`` says why, in
    the language of the moment it is read (``message`` is a :class:`Msg`: a save refused on the
    window's store thread is shown after it, maybe after a language switch)."""

    def __init__(self, errno_: int, message: Msg | str) -> None:
        super().__init__(message)
        self.errno = errno_

    def __str__(self) -> str:
        return str(self.args[0])


# Each migration takes the schema from version i to i + 1. Never edit a released one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        candidate_id TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        quality INTEGER,
        compliant INTEGER NOT NULL,
        checks_json TEXT NOT NULL,
        override_reason TEXT,
        station TEXT,
        operator TEXT,
        source TEXT,
        original_path TEXT,
        history_path TEXT,
        created_at TEXT NOT NULL,
        superseded_by INTEGER REFERENCES photos(id)
    );
    CREATE INDEX photos_candidate ON photos(candidate_id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        candidate_id TEXT,
        station TEXT,
        operator TEXT,
        detail TEXT
    );
    """,
    # 2: the roster, exports, and where an imported photo came from
    """
    CREATE TABLE candidates (
        candidate_id TEXT PRIMARY KEY,
        name TEXT,
        resident_id TEXT,
        office TEXT,
        source_file TEXT,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE exports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        station TEXT,
        operator TEXT,
        path TEXT NOT NULL,
        photos INTEGER NOT NULL,
        excluded INTEGER NOT NULL,
        missing INTEGER NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        detail TEXT
    );
    ALTER TABLE photos ADD COLUMN origin_station TEXT;
    ALTER TABLE photos ADD COLUMN captured_at TEXT;
    """,
    # 3: intent log of saves in flight, so a save cut short by a crash is finished on restart
    """
    CREATE TABLE pending_saves (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        candidate_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        record_json TEXT NOT NULL,
        started_at TEXT NOT NULL
    );
    """,
    # 4: photos taken with the demo camera (practice shots) are marked, so no export sends them
    """
    ALTER TABLE photos ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
    """,
]


@dataclass(frozen=True)
class Candidate:
    """A roster row: the key a photo is filed under, and who the person is.

    The key is the admission number when the row has one, else the resident ID."""

    key: str
    name: str | None
    resident_id: str | None
    office: str | None

    @property
    def admission_number(self) -> str | None:
        return None if self.key == self.resident_id else self.key


@dataclass(frozen=True)
class PhotoToSave:
    """A photo on its way into the store: the bytes and what is recorded with them.

    ``checks`` are the verdicts as JSON (``CheckResult.as_json("en")``); ``override_reason`` is
    required by the callers when a non-compliant photo is saved by force; ``original`` is the
    camera's file (name, bytes), archived beside the photo; ``captured_at`` and
    ``origin_station`` are set by a merge of another station's export (default: now, here);
    ``demo`` marks a practice shot of the demo camera, which an export never sends.
    """

    candidate_id: str
    data: bytes
    quality: int | None
    compliant: bool
    checks: list[dict[str, Any]] = field(default_factory=list)
    override_reason: str | None = None
    source: str | None = None
    original: tuple[str, bytes] | None = None
    captured_at: str | None = None
    origin_station: str | None = None
    demo: bool = False


@dataclass
class PhotoRecord:
    id: int
    candidate_id: str
    path: str
    sha256: str
    bytes: int
    quality: int | None
    compliant: bool
    checks: list[dict[str, Any]]
    override_reason: str | None
    station: str | None
    operator: str | None
    source: str | None
    original_path: str | None
    history_path: str | None
    created_at: str
    superseded_by: int | None
    captured_at: str | None = None
    origin_station: str | None = None
    demo: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _as_store_error(e: OSError, what: Msg) -> StoreError:
    en = {
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }.get(e.errno or 0)
    return StoreError(e.errno or 0, Msg("store.cannot", what=what, why=os_reason(e, en)))


# A file that says "this folder is a station store": a store is created only in a new or empty
# folder, or in one that already holds this marker (or, from before the marker, a station.db).
MARKER = "capture-station.store"
STORE_FOLDERS = ("photos", "history", "originals")
# What the station itself may have put into its data folder before the store was first opened
# (``calibrate`` saves its profile under calibration/): such a folder is the station's own.
STATION_ENTRIES = frozenset({*STORE_FOLDERS, "calibration", "station.lock", "save.lock"})


class Store:
    """The data folder and its database; see the module docstring.

    ``create=False`` opens an existing store only (reading commands: a mistyped folder is an
    error, not a new empty store). A store on a read-only file system opens read-only
    (:attr:`read_only`): nothing is locked, cleaned up or recovered, and every write fails.
    """

    def __init__(self, data_dir: Path | str, standard: Standard | None = None,
                 station: str | None = None, operator: str | None = None,
                 create: bool = True) -> None:
        self.root = Path(data_dir)
        self.standard = standard or load_standard()
        self.station = station or socket.gethostname()
        self.operator = operator
        self.read_only = False
        self.notes: list[Msg] = []  # shown in the current language
        try:
            self.read_only = _claim_root(self.root, create)
            self.photos_dir, self.history_dir, self.originals_dir = (
                _store_dir(self.root / name, create=not self.read_only) for name in STORE_FOLDERS)
            _refuse_links(self)
        except StoreError:
            raise
        except OSError as e:
            raise _as_store_error(e, Msg("store.what.create_folder", path=self.root)) from None
        self.db_path = self.root / "station.db"
        self.removed_temp: list[Path] = []
        self.recovered: list[str] = []
        if self.read_only:
            self.notes.append(Msg("store.note.read_only", root=self.root))
            self._lock = _StoreLock(None)
            self._db = self._connect()
            self._save_lock = _SaveLock(self.root / "save.lock")
            return
        # Only the first process to open the store cleans up after a crash: a second one (a CLI
        # export beside the GUI) must not delete the first one's files in flight.
        self._lock = _StoreLock(self.root / "station.lock")
        first = self._lock.acquire_first()
        try:
            if first:
                self.removed_temp = clean_temp_files(self.photos_dir)
                for sub in (self.history_dir, self.originals_dir):
                    for d in sub.iterdir():
                        if d.is_dir() and not d.is_symlink():
                            self.removed_temp += clean_temp_files(d)
            self._db = self._connect()
            if first:
                self.recovered = self._recover_pending()
            self._lock.share()
        except BaseException:
            # A store refused while opening (newer schema, damaged database) must not keep
            # the start-up lock: every later open would wait for it.
            self._lock.release()
            raise
        self._save_lock = _SaveLock(self.root / "save.lock")

    # -- database ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if os.path.islink(self.db_path):
            raise StoreError(errno.ELOOP, Msg("store.db_symlink", path=self.db_path))
        if self.read_only and not self.db_path.exists():
            raise StoreError(errno.ENOENT, Msg("store.no_db_read_only", root=self.root))
        try:
            if self.read_only:
                return self._connect_read_only()
            db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None,
                                 check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._check_version(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            self._migrate(db)
        except sqlite3.DatabaseError as e:
            raise StoreError(0, Msg("store.cannot_open_db", path=self.db_path, why=str(e))) from None
        if os.name == "posix":
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.chmod(str(self.db_path) + suffix, 0o600)
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        """The database of a store on a read-only file system.

        Transactions still in the write-ahead log (a file system that turned read-only under a
        running station) are read when SQLite can use the log without writing; otherwise the
        file is read as it is (``immutable``), and a note says that recent saves may be
        missing from what is read."""
        base = self.db_path.resolve().as_uri()
        wal = Path(str(self.db_path) + "-wal")
        attempts = ([f"{base}?mode=ro"] if wal.exists() else []) + [f"{base}?mode=ro&immutable=1"]
        last: sqlite3.Error | None = None
        for uri in attempts:
            try:
                db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None,
                                     check_same_thread=False)
                db.row_factory = sqlite3.Row
                self._check_version(db)
                db.execute("SELECT COUNT(*) FROM photos").fetchone()
            except sqlite3.Error as e:
                last = e
                continue
            if "immutable" in uri and wal.exists() and wal.stat().st_size > 0:
                self.notes.append(Msg("store.note.wal_unread"))
            return db
        raise sqlite3.DatabaseError(str(last))

    def _check_version(self, db: sqlite3.Connection) -> int:
        """The schema version of ``db``; a newer one than this program knows is refused (its
        tables may mean something else, and a migration of ours would corrupt them)."""
        row = db.execute("SELECT version FROM schema_version").fetchone() if db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone() else None
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            db.close()
            raise StoreError(0, Msg("store.schema_newer", path=self.db_path, version=version,
                                    known=len(MIGRATIONS)))
        return version

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = self._check_version(db)
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        if db.execute("SELECT version FROM schema_version").fetchone() is None:
            db.execute("INSERT INTO schema_version VALUES (0)")
        for i in range(version, len(MIGRATIONS)):
            db.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _split_sql(MIGRATIONS[i]):
                    db.execute(stmt)
                db.execute("UPDATE schema_version SET version = ?", (i + 1,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("SELECT version FROM schema_version").fetchone()[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full) may leave the transaction open; it must never be
            # committed later by the next statement, so it is rolled back whatever happened.
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_writable(self, what: Msg | None = None) -> None:
        """Refuse work that must write (a save) on a read-only store, before it starts;
        ``what`` names the work (default: saving a photo)."""
        if self.read_only:
            raise StoreError(errno.EROFS, Msg("store.read_only", root=self.root,
                                              what=what or Msg("store.what.save_photo")))

    # -- photos -----------------------------------------------------------------------------
    def photo_path(self, candidate_id: str) -> Path:
        cid = require_valid_id(candidate_id, self.standard)
        return self.photos_dir / f"{cid}{self.standard.file.write_extension}"

    def current(self, candidate_id: str) -> PhotoRecord | None:
        cid = require_valid_id(candidate_id, self.standard)
        row = self._db.execute(
            "SELECT * FROM photos WHERE candidate_id = ? AND superseded_by IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (cid,),
        ).fetchone()
        return _record(row) if row else None

    def find_candidate(self, scanned: str) -> Candidate | None:
        """The roster row a scanned or typed ID belongs to, by its key or by its resident ID.

        An admission ticket's barcode and the resident ID card name the same person: either finds
        the row, and the photo is filed under the row's key (``Candidate.key``), never as a second
        person. None when no roster row has this ID (or no roster was imported)."""
        row = self._db.execute(
            "SELECT candidate_id, name, resident_id, office FROM candidates WHERE candidate_id = ?",
            (scanned,),
        ).fetchone()
        if row is None and len(scanned) == 18:
            row = self._db.execute(
                "SELECT candidate_id, name, resident_id, office FROM candidates"
                " WHERE resident_id = ? ORDER BY candidate_id LIMIT 1",
                (scanned,),
            ).fetchone()
        if row is None:
            return None
        return Candidate(str(row[0]), row[1] or None, row[2] or None, row[3] or None)

    def roster_size(self) -> int:
        """How many candidates the imported roster holds (0: no roster)."""
        return int(self._db.execute("SELECT COUNT(*) FROM candidates").fetchone()[0])

    def history(self, candidate_id: str) -> list[PhotoRecord]:
        cid = require_valid_id(candidate_id, self.standard)
        rows = self._db.execute(
            "SELECT * FROM photos WHERE candidate_id = ? ORDER BY id", (cid,)
        ).fetchall()
        return [_record(r) for r in rows]

    def recent(self, since: dt.datetime | None = None, limit: int = 500) -> list[PhotoRecord]:
        if since is None:
            since = _now().replace(hour=0, minute=0, second=0, microsecond=0)
        rows = self._db.execute(
            "SELECT * FROM photos WHERE created_at >= ? ORDER BY id DESC LIMIT ?",
            (since.isoformat(), limit),
        ).fetchall()
        return [_record(r) for r in rows]

    def save(self, photo: PhotoToSave,
             only_if: Callable[[PhotoRecord | None], bool] | None = None) -> PhotoRecord | None:
        """Save an accepted photo; a previous one for the same ID is kept in history.

        With ``only_if``, the photo is saved only if it holds for the current record (or None);
        the result is then None when it said no. Saves are serialised across threads and
        processes (``save.lock``), and ``only_if`` is evaluated inside that lock: a merge's
        "only if newer than the local photo" cannot be overtaken by a retake saved between its
        look and its save.
        """
        cid = require_valid_id(photo.candidate_id, self.standard)
        self.require_writable(Msg("store.what.save_photo_for", id=cid))
        with self._save_lock:
            if only_if is not None and not only_if(self.current(cid)):
                return None
            return self._save_locked(cid, photo)

    def _save_locked(self, cid: str, photo: PhotoToSave) -> PhotoRecord:
        """:meth:`save` once the save lock is held and the ID is validated.

        Order: intent row (committed) -> new file fsynced under a temporary name -> old file
        hard-linked into history -> rename over the final name -> record + intent removal in one
        transaction. A crash at any point leaves the old or the new photo under the final name,
        and :meth:`_recover_pending` finishes a save whose file was already in place.
        """
        data, original = photo.data, photo.original
        final = self.photo_path(cid)
        now = _now()
        stamp = now.strftime("%Y%m%dT%H%M%S%f")
        digest = sha256_hex(data)
        hpath = self._history_name(cid, final, now)
        record: dict[str, Any] = {
            "candidate_id": cid,
            "path": str(final.relative_to(self.root)),
            "sha256": digest,
            "bytes": len(data),
            "quality": photo.quality,
            "compliant": int(photo.compliant),
            "checks_json": json.dumps(photo.checks, ensure_ascii=False),
            "override_reason": photo.override_reason,
            "station": self.station,
            "operator": self.operator,
            "source": photo.source,
            "original_path": None,
            "created_at": now.isoformat(),
            "captured_at": photo.captured_at or now.isoformat(),
            "origin_station": photo.origin_station,
            "demo": int(photo.demo),
            "history_path": str(hpath.relative_to(self.root)),
        }
        if original is not None:
            opath = self.originals_dir / cid / f"{stamp}-{_safe_name(original[0])}"
            record["original_path"] = str(opath.relative_to(self.root))
        what = Msg("store.what.save_photo_for", id=cid)
        try:
            with self.transaction() as db:
                cur = db.execute(
                    "INSERT INTO pending_saves (candidate_id, sha256, record_json, started_at)"
                    " VALUES (?,?,?,?)",
                    (cid, digest, json.dumps(record, ensure_ascii=False), now.isoformat()),
                )
                pending_id = int(cur.lastrowid or 0)
        except sqlite3.Error as e:
            raise _db_store_error(e, what) from None
        had_old = False
        in_place = False
        if os.path.islink(final):
            with contextlib.suppress(sqlite3.Error), self.transaction() as db:
                db.execute("DELETE FROM pending_saves WHERE id = ?", (pending_id,))
            raise StoreError(errno.ELOOP, Msg("store.photo_symlink", path=final))
        try:
            tmp = write_temp(self.photos_dir, final.name, data)
            try:
                if original is not None:
                    _store_dir(self.originals_dir / cid)
                    atomic_write(self.root / record["original_path"], original[1])
                if _lexists_file(final):
                    _store_dir(hpath.parent)
                    _link_or_copy(final, hpath)
                    fsync_dir(hpath.parent)
                    had_old = True
                os.replace(tmp, final)
                in_place = True
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            fsync_dir(self.photos_dir)
            # What is recorded is what is on disk: read it back and compare.
            if sha256_hex(final.read_bytes()) != digest:
                raise OSError(errno.EIO, "the file read back differs from what was written")
            with self.transaction() as db:
                self._record_saved(db, record, pending_id, "accept")
        except (OSError, sqlite3.Error) as e:
            # A save reported as failed must never become current later: the file goes back to
            # what it was before the intent row is dropped, so that neither the next start's
            # recovery (which finishes a save whose file is in place) nor an export sees it.
            rolled_back = not in_place or self._roll_back(final, hpath, had_old)
            if rolled_back:
                with contextlib.suppress(sqlite3.Error), self.transaction() as db:
                    db.execute("DELETE FROM pending_saves WHERE id = ?", (pending_id,))
            err = (_db_store_error(e, what) if isinstance(e, sqlite3.Error)
                   else _as_store_error(e, what))
            if not rolled_back:
                raise StoreError(err.errno, Msg("store.not_taken_back", why=err)) from None
            raise StoreError(err.errno, Msg("store.nothing_saved_kept" if had_old
                                            else "store.nothing_saved", why=err)) from None
        rec = self.current(cid)
        assert rec is not None
        return rec

    def _history_name(self, cid: str, final: Path, now: dt.datetime) -> Path:
        """Where the photo being replaced goes: ``history/<ID>/<time it was captured>.jpg``.

        Named by its capture time (not by the time of the retake), so the history folder reads
        as the candidate's photos in the order they were taken; a merged photo keeps the other
        station's capture time. Unknown or unreadable: the time of the retake. A name already
        taken (two photos captured in the same microsecond) gets ``_2``, ``_3`` ... (sorting after it)
        """
        old = self.current(cid)
        when = _parse_time(old.captured_at or old.created_at) if old is not None else None
        stamp = (when or now).strftime("%Y%m%dT%H%M%S%f")
        folder = self.history_dir / cid
        path, n = folder / f"{stamp}{final.suffix}", 1
        while os.path.lexists(path):
            n += 1
            path = folder / f"{stamp}_{n}{final.suffix}"
        return path

    def _roll_back(self, final: Path, hpath: Path, had_old: bool) -> bool:
        """Put the photo that was current before a failed save back under ``final`` (from its
        history link, which needs no disk space), or remove the new file when there was none.
        True when done."""
        try:
            if had_old:
                os.replace(hpath, final)
            else:
                final.unlink(missing_ok=True)
            fsync_dir(self.photos_dir)
        except OSError:
            return False
        return True

    def _record_saved(self, db: sqlite3.Connection, record: dict[str, Any], pending_id: int,
                      action: str) -> None:
        cid = record["candidate_id"]
        prev = db.execute(
            "SELECT id FROM photos WHERE candidate_id = ? AND superseded_by IS NULL", (cid,)
        ).fetchall()
        history_path = record["history_path"] if (self.root / record["history_path"]).exists() else None
        cols = [
            "candidate_id", "path", "sha256", "bytes", "quality", "compliant", "checks_json",
            "override_reason", "station", "operator", "source", "original_path", "created_at",
            "captured_at", "origin_station", "demo",
        ]
        cur = db.execute(
            f"INSERT INTO photos ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [record.get(c, 0) if c == "demo" else record[c] for c in cols],  # older intents: no demo
        )
        new_id = int(cur.lastrowid or 0)
        for (pid,) in prev:
            db.execute(
                "UPDATE photos SET superseded_by = ?, history_path = COALESCE(history_path, ?)"
                " WHERE id = ?",
                (new_id, history_path, pid),
            )
        db.execute("DELETE FROM pending_saves WHERE id = ?", (pending_id,))
        if action == "accept" and prev:
            action = "retake"
        detail: dict[str, Any] = {"sha256": record["sha256"], "bytes": record["bytes"]}
        if record.get("override_reason"):
            detail["override_reason"] = record["override_reason"]
        if record.get("origin_station"):
            detail["origin_station"] = record["origin_station"]
        try:
            checks = json.loads(record.get("checks_json") or "[]")
        except ValueError:
            checks = []
        confirmed = [c["id"] for c in checks if isinstance(c, dict) and c.get("operator_confirmed")]
        if confirmed:
            # what the operator (the audit row's operator) said was looked at by eye
            detail["operator_confirmed"] = confirmed
        self._audit(db, action, cid, detail)
        if record.get("override_reason"):
            self._audit(db, "override", cid, {"reason": record["override_reason"]})

    def _recover_pending(self) -> list[str]:
        """Finish or drop saves that a crash interrupted; returns what was done."""
        done: list[str] = []
        rows = self._db.execute("SELECT * FROM pending_saves ORDER BY id").fetchall()
        for row in rows:
            try:
                record = json.loads(row["record_json"])
                final = self.root / str(record["path"])
                on_disk = sha256_hex(final.read_bytes()) if final.exists() else None
            except (ValueError, KeyError, TypeError, OSError):
                on_disk = None  # an unreadable intent cannot be finished: drop it
            with self.transaction() as db:
                if on_disk == row["sha256"]:
                    self._record_saved(db, record, int(row["id"]), "recover")
                    done.append(f"{row['candidate_id']}: finished an interrupted save")
                else:
                    db.execute("DELETE FROM pending_saves WHERE id = ?", (row["id"],))
                    self._audit(db, "recover", row["candidate_id"],
                                {"dropped_unsaved": row["sha256"]})
                    done.append(f"{row['candidate_id']}: dropped a save that never reached the disk")
        return done

    def _audit(self, db: sqlite3.Connection, action: str, cid: str | None, detail: dict[str, Any]) -> None:
        """One audit row. Its detail is read by people (reasons, file names), so resident IDs in
        it are masked; the ``candidate_id`` column keeps the whole key, as the records do."""
        detail = mask_ids_in(detail)
        db.execute(
            "INSERT INTO audit (at, action, candidate_id, station, operator, detail)"
            " VALUES (?,?,?,?,?,?)",
            (_now().isoformat(), action, cid, self.station, self.operator,
             json.dumps(detail, ensure_ascii=False)),
        )

    def audit_log(self, candidate_id: str | None = None) -> list[sqlite3.Row]:
        if candidate_id is None:
            return self._db.execute("SELECT * FROM audit ORDER BY id").fetchall()
        return self._db.execute(
            "SELECT * FROM audit WHERE candidate_id = ? ORDER BY id", (candidate_id,)
        ).fetchall()

    def read_photo(self, rec: PhotoRecord) -> bytes:
        return (self.root / rec.path).read_bytes()

    def consistency_report(self) -> list[str]:
        """Differences between the records and the files (each current photo present and
        matching its sha256)."""
        problems: list[str] = []
        rows = self._db.execute("SELECT * FROM photos WHERE superseded_by IS NULL").fetchall()
        for row in rows:
            rec = _record(row)
            p = self.root / rec.path
            if not p.exists():
                problems.append(f"{rec.candidate_id}: file missing ({rec.path})")
                continue
            if sha256_hex(p.read_bytes()) != rec.sha256:
                problems.append(f"{rec.candidate_id}: file differs from its record")
        return problems


class _SaveLock:
    """``save.lock``: one save at a time, across threads (a lock) and processes (POSIX
    ``flock``; elsewhere the thread lock alone, a single station per Windows PC). A save takes
    tens of milliseconds, so waiting for another is short."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = threading.Lock()

    def __enter__(self) -> _SaveLock:
        self._thread.acquire()
        self._fd: int | None = None
        if not HAVE_FLOCK:
            return self
        try:
            self._fd = _open_lock_file(self.path)
            flock(self._fd)
        except OSError as e:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._thread.release()
            raise _as_store_error(e, Msg("store.what.save_lock")) from None
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None:
                os.close(self._fd)  # closing drops the flock
                self._fd = None
        finally:
            self._thread.release()


class _StoreLock:
    """``station.lock``: exclusive while a process starts up alone, shared while it runs.

    POSIX ``flock``: a process that gets the exclusive lock is the only one with the store open
    and may clean up after a crash; every open store then holds a shared lock until it closes.
    Elsewhere the lock is a no-op that reports "first" (a single-station Windows PC).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: a read-only store, nothing to lock
        self.fd: int | None = None

    def acquire_first(self) -> bool:
        if not HAVE_FLOCK or self.path is None:
            return True
        self.fd = _open_lock_file(self.path)
        if flock(self.fd, wait=False):
            return True
        flock(self.fd, shared=True)
        return False

    def share(self) -> None:
        if self.fd is not None:
            flock(self.fd, shared=True)

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def _is_read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def _claim_root(root: Path, create: bool) -> bool:
    """Check (or make) ``root`` a store folder; True when it is on a read-only file system.

    A store is created only in a new folder, an empty one, or one that already is a store: the
    store makes its folder private (0700), which must never happen to a shared folder (``/tmp``,
    a 1777 exchange folder) or to a folder of other files given by mistake.
    """
    try:
        st = os.stat(root)
    except FileNotFoundError:
        if not create:
            raise StoreError(errno.ENOENT, Msg("store.no_store", root=root)) from None
        root.mkdir(parents=True, mode=DIR_MODE)
        _write_marker(root)
        return False
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(errno.ENOTDIR, Msg("store.root_not_folder", root=root))
    read_only = _is_read_only_fs(root)
    names = set(os.listdir(root))
    if MARKER in names or "station.db" in names:
        if MARKER not in names and not read_only:
            with contextlib.suppress(OSError):
                _write_marker(root)  # a store from before the marker
    else:
        if not create:
            raise StoreError(errno.ENOENT, Msg("store.no_store", root=root))
        if names - STATION_ENTRIES:
            raise StoreError(errno.EEXIST, Msg("store.not_empty", root=root))
        if st.st_mode & 0o022 or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
            raise StoreError(errno.EPERM, Msg("store.shared_folder", root=root))
        _write_marker(root)
    if not read_only and stat.S_IMODE(st.st_mode) != DIR_MODE:
        with contextlib.suppress(OSError):
            os.chmod(root, DIR_MODE)
    return read_only


def _write_marker(root: Path) -> None:
    atomic_write(root / MARKER, b"capture-station store\n")


def _store_dir(path: Path, *, create: bool = True) -> Path:
    """A folder of the store: created private, tightened to 0700 when it is not, and never a
    symbolic link (a link would send photos, chmods and clean-ups outside the store)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return path
        os.mkdir(path, DIR_MODE)
        return path
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(errno.ELOOP, Msg("store.link_refused", path=path,
                                          kind=Msg("store.kind.folder")))
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(errno.ENOTDIR, Msg("store.not_folder", path=path))
    if stat.S_IMODE(st.st_mode) != DIR_MODE and create:
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE)
    return path


def _refuse_links(store: Store) -> None:
    """Refuse a store with a symbolic link where a photo or a folder belongs; tighten files and
    folders that others may read or write (a photo left 0666, a history folder 0777)."""
    for folder, want_dirs in ((store.photos_dir, False), (store.history_dir, True),
                              (store.originals_dir, True)):
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.is_symlink():
                kind = Msg("store.kind.folder" if want_dirs else "store.kind.photo")
                raise StoreError(errno.ELOOP, Msg("store.link_refused", path=entry.path, kind=kind))
            if store.read_only:
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_IMODE(mode) & 0o077:
                with contextlib.suppress(OSError):
                    os.chmod(entry.path, DIR_MODE if stat.S_ISDIR(mode) else FILE_MODE)


def _db_store_error(e: sqlite3.Error, what: Msg) -> StoreError:
    """A database failure during a save as a store error with the operator's reason."""
    code = getattr(e, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "full" in str(e):
        return StoreError(errno.ENOSPC, Msg("store.cannot", what=what, why=Msg("store.why.disk_full")))
    if code == sqlite3.SQLITE_READONLY or "readonly" in str(e):
        return StoreError(errno.EROFS, Msg("store.cannot", what=what, why=Msg("store.why.read_only")))
    return StoreError(0, Msg("store.cannot", what=what, why=Msg("store.why.database", why=str(e))))


def _lexists_file(p: Path) -> bool:
    """``p`` exists (without following a symlink)."""
    return os.path.lexists(p)


def _open_lock_file(path: Path) -> int:
    """A lock file of the store, opened without following a symbolic link and kept 0600."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
                os.fchmod(fd, FILE_MODE)
    return fd


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")) or "original"
    return "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in base)[:80]


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        tmp = write_temp(dst.parent, dst.name, src.read_bytes())
        os.replace(tmp, dst)
    with contextlib.suppress(OSError):
        shutil.copystat(src, dst)


def _record(row: sqlite3.Row) -> PhotoRecord:
    return PhotoRecord(
        id=int(row["id"]),
        candidate_id=row["candidate_id"],
        path=row["path"],
        sha256=row["sha256"],
        bytes=int(row["bytes"]),
        quality=row["quality"],
        compliant=bool(row["compliant"]),
        checks=json.loads(row["checks_json"] or "[]"),
        override_reason=row["override_reason"],
        station=row["station"],
        operator=row["operator"],
        source=row["source"],
        original_path=row["original_path"],
        history_path=row["history_path"],
        created_at=row["created_at"],
        superseded_by=row["superseded_by"],
        captured_at=row["captured_at"] if "captured_at" in row.keys() else None,
        origin_station=row["origin_station"] if "origin_station" in row.keys() else None,
        demo=bool(row["demo"]) if "demo" in row.keys() else False,
    )


def _parse_time(text: str | None) -> dt.datetime | None:
    """An ISO time from the records in local time; None when it cannot be read."""
    try:
        when = dt.datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
    return when.astimezone() if when.tzinfo else when
