"""Batch export: the accepted photos of the store as a folder or ZIP for the e-registration.

Why it works this way:

* **Nothing unchecked leaves the station.** Each photo is read back from disk, its SHA-256 is
  compared with the database, and the bytes are checked again (file rules, one face, geometry)
  with :meth:`Pipeline.verify_bytes`. A file that was changed, replaced or damaged on disk is
  excluded and listed in ``excluded.csv`` with the reason; the bytes written to the export are
  exactly the bytes that were checked.
* **All or nothing.** The export is built under a temporary sibling name, fsynced, then renamed
  to PATH; a half-written export never appears under its final name. An existing PATH is never
  overwritten.
* **Read-only for the store.** Photos and their records are not touched; the export adds an
  ``exports`` row and an ``export`` audit entry only.
* **Fast enough for a whole office.** Face analysis costs ~30 ms a photo; with many photos it runs
  in a pool of ``os.cpu_count()`` processes (each with its own :class:`Pipeline`; MediaPipe
  graphs are not shareable between processes), fed through a bounded queue so memory stays flat.
* **What the uploader must know travels with the photo.** The manifest names the station's
  examination office, whether each photo passed every check (``compliant``) and, for a photo
  saved by force, the operator's ``override_reason``. Practice shots of the demo camera never
  leave: they are listed in ``excluded.csv`` with the reason.
* **The file name is the office's choice.** Photos are named by the admission number (the
  store's key) by default, or by the resident ID when the office uploads by resident ID
  (``file_key="resident"``); a candidate without a resident ID on the roster keeps its key.
* **Excel-friendly lists.** ``manifest.csv`` is UTF-8 with a BOM (GBK on request), every text cell
  is guarded against formula injection (:mod:`capture_station.records.csv_safe`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from capture_station.atomic_io import (
    DIR_MODE,
    FILE_MODE,
    HAVE_FLOCK,
    TMP_PREFIX,
    flock,
    fsync_dir,
    read_regular_file,
)
from capture_station.messages import LocalizedError, Msg, os_reason, text
from capture_station.photo.verify_pool import VerifyJob, VerifyOutcome, verify_stream, worker_count
from capture_station.records.candidate_id import (
    is_valid_resident_id,
    mask_ids_in,
    show_id,
    validate_candidate_id,
)
from capture_station.records.csv_safe import DecodeError, csv_bytes, decode_text, outside_gbk
from capture_station.records.store import PhotoRecord, Store, sha256_hex
from capture_station.standard import Standard

if TYPE_CHECKING:
    pass

MANIFEST = "manifest.csv"
MISSING = "missing.csv"
EXCLUDED = "excluded.csv"
MANIFEST_HEADER = ("candidate_id", "name", "file", "bytes", "quality", "sha256", "captured_at",
                   "station", "office", "compliant", "override_reason", "resident_id")
MISSING_HEADER = ("candidate_id", "name", "office")
EXCLUDED_HEADER = ("candidate_id", "name", "reason", "reason_zh")

MAX_PHOTO_BYTES = 4 * 1024 * 1024  # a station photo is <= 40,000 bytes; anything huge is refused
# Dates outside these years are typing mistakes (and year 1 or 9999 overflow on the way).
MIN_DATE_YEAR, MAX_DATE_YEAR = 2000, 2999
MAX_IDS_BYTES = 16 * 1024 * 1024  # a million IDs; more is not a list of IDs
SHA_RETRIES = 3  # a retake saved while we read: re-read the current record this many times
FILE_KEYS = ("admission", "resident")  # what an exported photo is named by
ZIP_SUFFIX = ".zip"


class ExportError(LocalizedError):
    """Bad input or an export that cannot be written (exit 2); ``str()`` is one line, in the
    language of the moment it is read (the window shows a refusal of its export thread)."""


def _both(key: str, **values: object) -> tuple[str, str]:
    """The (English, Chinese) texts of an excluded photo's reason: ``excluded.csv`` carries both
    columns (``reason``, ``reason_zh``) whatever the language, so the file reads the same to
    the office that receives it as to a script."""
    return text(key, "en", **values), text(key, "zh_CN", **values)


# -- progress -----------------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal and the job is long."""

    def __init__(self, total: int, label: str, stream: IO[str] | None = None,
                 min_total: int = 20, callback: Callable[[int, int], None] | None = None) -> None:
        self.total = total
        self.callback = callback  # told (done, total) on every step, terminal or not
        self.label = label
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = total >= min_total and bool(isatty())
        self.done = 0
        self._last = 0.0
        self._t0 = time.monotonic()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        rate = self.done / max(now - self._t0, 1e-6)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {frac:4.0%} "
                          f"{rate:5.1f}/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


# -- output containers --------------------------------------------------------------------------
class _Sink:
    """Files of one export, written under a temporary name and published by :meth:`publish`."""

    def add(self, name: str, data: bytes) -> None:
        raise NotImplementedError

    def publish(self) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


# An export's temporary folder or ZIP beside its destination: ``.tmp-<12 hex>-<name>``.
_EXPORT_TMP = re.compile(r"^" + re.escape(TMP_PREFIX) + r"[0-9a-f]{12}-.+$")
# Without flock (Windows) a leftover is recognised by age: no export runs this long.
_STALE_WITHOUT_LOCKS_S = 12 * 3600


def remove_interrupted_exports(folder: Path) -> list[str]:
    """Remove what a killed export left in ``folder``: its temporary folder or ZIP.

    A running export holds an flock on its temporary entry for its whole life and the kernel
    drops it when the process dies, so an entry whose lock can be taken is a leftover and one
    whose lock is held belongs to an export still running (it is left alone). Without flock, an
    entry older than 12 hours counts as left over. Returns the names removed.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for e in entries:
        if not _EXPORT_TMP.match(e.name) or e.is_symlink():
            continue
        path = Path(e.path)
        if not HAVE_FLOCK:
            with contextlib.suppress(OSError):
                if time.time() - e.stat(follow_symlinks=False).st_mtime < _STALE_WITHOUT_LOCKS_S:
                    continue
        fd = None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            if not flock(fd, wait=False):
                continue  # an export in progress
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed.append(e.name)
        except OSError:
            continue
        finally:
            if fd is not None:
                os.close(fd)
    if removed:
        fsync_dir(folder)
    return removed


class _FolderSink(_Sink):
    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = out.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}-{out.name}"
        os.mkdir(self.tmp, DIR_MODE)
        # held until this process ends: a later export sees the folder is not a leftover
        self.lock_fd = os.open(self.tmp, os.O_RDONLY)
        with contextlib.suppress(OSError):  # a file system without locks: no marker, no harm
            flock(self.lock_fd, wait=False)

    def add(self, name: str, data: bytes) -> None:
        _write_file(self.tmp / name, data)

    def publish(self) -> None:
        fsync_dir(self.tmp)
        # os.rename would silently replace an empty folder that appeared meanwhile; check first.
        if os.path.lexists(self.out):
            raise ExportError("export.appeared", path=self.out)
        os.rename(self.tmp, self.out)
        fsync_dir(self.out.parent)
        self._unlock()

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self.lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.lock_fd)
            self.lock_fd = None


class _ZipSink(_Sink):
    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = out.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}-{out.name}"
        fd = os.open(self.tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     FILE_MODE)
        with contextlib.suppress(OSError):
            flock(fd, wait=False)  # released when the file is closed (published or discarded) or we die
        self.fh = os.fdopen(fd, "w+b")
        self.zf = zipfile.ZipFile(self.fh, "w")
        self.stamp = time.localtime()[:6]

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self.stamp)  # type: ignore[arg-type]
        info.external_attr = (FILE_MODE | 0o100000) << 16
        # JPEG does not compress; text does.
        info.compress_type = zipfile.ZIP_STORED if name.endswith(".jpg") else zipfile.ZIP_DEFLATED
        self.zf.writestr(info, data)

    def publish(self) -> None:
        self.zf.close()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        try:
            os.link(self.tmp, self.out)  # fails if PATH exists: never overwrites
        except FileExistsError:
            raise ExportError("export.appeared", path=self.out) from None
        except OSError as e:
            if e.errno == errno.EEXIST:
                raise ExportError("export.exists_now", path=self.out) from None
            # File systems without hard links (FAT/exFAT memory sticks): check, then rename.
            if os.path.lexists(self.out):
                raise ExportError("export.appeared", path=self.out) from None
            os.replace(self.tmp, self.out)
        else:
            os.unlink(self.tmp)
        fsync_dir(self.out.parent)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.zf.close()
        with contextlib.suppress(Exception):
            self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


# -- options and report -------------------------------------------------------------------------
def export_path(out: Path, as_zip: bool) -> Path:
    """The path an export is written to: a ZIP's name always ends in ``.zip`` (added when the
    operator left it off), so the upload site and the file manager recognise it."""
    if as_zip and out.suffix.lower() != ZIP_SUFFIX:
        return out.with_name(out.name + ZIP_SUFFIX)
    return out


@dataclass
class ExportOptions:
    """What to export and how. ``out`` is the new folder or ZIP (``.zip`` is added to a ZIP's
    name when missing); ``office`` is the station's examination office, written into every
    manifest row; ``file_key`` is ``"admission"`` or ``"resident"`` (see the module docstring);
    ``on_progress(done, total)`` is called as photos are checked (the window's progress bar)."""

    out: Path
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive
    ids: list[str] | None = None
    as_zip: bool = False
    encoding: str = "utf-8"
    workers: int | None = None  # None: decided by the number of photos
    progress: bool = True
    office: str = ""
    file_key: str = "admission"
    on_progress: Callable[[int, int], None] | None = None


@dataclass
class Excluded:
    candidate_id: str
    name: str
    reason: str
    reason_zh: str


@dataclass
class ExportReport:
    out: str
    as_zip: bool
    encoding: str
    exported: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    manifest_sha256: str = ""
    seconds: float = 0.0
    workers: int = 0
    notes: list[Msg] = field(default_factory=list)  # shown in the current language, JSON in English
    office: str = ""
    file_key: str = "admission"

    @property
    def exit_code(self) -> int:
        return 1 if self.excluded else 0

    def as_json(self, show_ids: bool = False) -> dict[str, Any]:
        """The report for ``--json``: resident IDs masked everywhere unless ``show_ids``."""
        shown = (lambda i: i) if show_ids else show_id  # noqa: E731
        obj = {
            "out": self.out,
            "zip": self.as_zip,
            "encoding": self.encoding,
            "office": self.office,
            "file_key": self.file_key,
            "exported": len(self.exported),
            "excluded": len(self.excluded),
            "missing": len(self.missing),
            "exported_ids": [shown(i) for i in self.exported],
            "excluded_photos": [{"id": shown(e.candidate_id), "reason": e.reason}
                                for e in self.excluded],
            "missing_ids": [shown(i) for i in self.missing],
            "manifest_sha256": self.manifest_sha256,
            "seconds": round(self.seconds, 2),
            "workers": self.workers,
            "notes": [n.render("en") for n in self.notes],
        }
        return obj if show_ids else mask_ids_in(obj)


def parse_date(text: str, *, end: bool = False) -> dt.datetime:
    """``YYYY-MM-DD`` (a whole local day: ``end`` gives the start of the next day) or an ISO time."""
    t = text.strip()
    try:
        if len(t) == 10:
            d = dt.date.fromisoformat(t)
            if not MIN_DATE_YEAR <= d.year <= MAX_DATE_YEAR:
                raise OverflowError
            when = dt.datetime(d.year, d.month, d.day)
            if end:
                when += dt.timedelta(days=1)
        else:
            when = dt.datetime.fromisoformat(t)
            if not MIN_DATE_YEAR <= when.year <= MAX_DATE_YEAR:
                raise OverflowError
            if end:
                when += dt.timedelta(microseconds=1)
        if when.tzinfo is None:
            when = when.astimezone()
    except ValueError:
        raise ExportError("export.invalid_date", text=repr(text)) from None
    except OverflowError:
        raise ExportError("export.date_out_of_range", text=repr(text), lo=MIN_DATE_YEAR,
                          hi=MAX_DATE_YEAR) from None
    return when


def read_ids_file(path: Path, standard: Standard) -> list[str]:
    """One candidate ID a line (the first column of a CSV line; ``#`` comments and blank lines
    are skipped, and a header line such as 准考证号 on line 1)."""
    try:
        data = read_regular_file(path, MAX_IDS_BYTES)
    except OSError as e:
        raise ExportError("export.ids_unreadable", path=path, why=os_reason(e)) from None
    try:
        content, _ = decode_text(data)
    except DecodeError as e:
        raise ExportError("export.ids_decode", path=path, why=e) from None
    ids: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(content.splitlines(), start=1):
        cell = line.replace("\t", ",").split(",", 1)[0].strip().strip('"').strip()
        if not cell or cell.startswith("#"):
            continue
        v = validate_candidate_id(cell, standard)
        if not v.ok:
            if n == 1 and not any(ch.isdigit() for ch in cell):
                continue  # a header
            raise ExportError("export.ids_bad_line", file=path.name, line=n, id=show_id(cell),
                              why=v.message)
        if v.value not in seen:
            seen.add(v.value)
            ids.append(v.value)
    if not ids:  # an export of nothing, reported as done, would look like a finished job
        raise ExportError("export.ids_empty", file=path.name)
    return ids


def _when(rec: PhotoRecord) -> dt.datetime | None:
    raw = rec.captured_at or rec.created_at
    try:
        w = dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
    return w if w.tzinfo else w.astimezone()


def _current_photos(store: Store) -> list[PhotoRecord]:
    from capture_station.records.store import _record

    rows = store._db.execute(
        "SELECT * FROM photos WHERE superseded_by IS NULL ORDER BY candidate_id, id"
    ).fetchall()
    latest: dict[str, PhotoRecord] = {}
    for r in rows:
        rec = _record(r)
        latest[rec.candidate_id] = rec  # ordered by id: the newest record of an ID wins
    return list(latest.values())


def _roster(store: Store) -> dict[str, tuple[str, str]]:
    rows = store._db.execute("SELECT candidate_id, name, office FROM candidates").fetchall()
    return {r["candidate_id"]: (r["name"] or "", r["office"] or "") for r in rows}


def _resident_ids(store: Store) -> dict[str, str]:
    """Candidate key -> resident ID, for the roster rows that have a valid one."""
    rows = store._db.execute(
        "SELECT candidate_id, resident_id FROM candidates WHERE resident_id IS NOT NULL"
    ).fetchall()
    return {r["candidate_id"]: r["resident_id"] for r in rows
            if isinstance(r["resident_id"], str) and is_valid_resident_id(r["resident_id"])}


def _file_stems(photos: list[PhotoRecord], store: Store, file_key: str,
                ) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Candidate key -> (file stem, resident ID written in the manifest), and the keys whose
    file name another exported candidate would also take (both are left out: the station cannot
    tell which one is right)."""
    residents = _resident_ids(store) if file_key == "resident" else {}
    stems: dict[str, tuple[str, str]] = {}
    for p in photos:
        res = residents.get(p.candidate_id, "")
        if not res and len(p.candidate_id) == 18:
            res = p.candidate_id  # the key is itself a resident ID
        stems[p.candidate_id] = (res or p.candidate_id, res if file_key == "resident" else "")
    by_stem: dict[str, list[str]] = {}
    for cid, (stem, _) in stems.items():
        by_stem.setdefault(stem.upper(), []).append(cid)
    clashing = {cid for group in by_stem.values() if len(group) > 1 for cid in group}
    return stems, clashing


def _read_verified_sha(store: Store, rec: PhotoRecord) -> tuple[PhotoRecord, bytes | None, str, str]:
    """The bytes of the candidate's current photo whose SHA-256 matches its record.

    When the file does not match, the record is fetched again: a retake saved by the station
    while we export is not a damaged file. Returns (record, bytes or None, reason en, reason zh).
    """
    reason = ("", "")
    for attempt in range(SHA_RETRIES):
        path = store.root / rec.path
        try:
            if path.stat().st_size > MAX_PHOTO_BYTES:
                return rec, None, *_both("export.excl.too_large")
            data = path.read_bytes()
        except FileNotFoundError:
            data, reason = None, _both("export.excl.missing")
        except OSError as e:
            data, reason = None, _both("export.excl.unreadable", why=os_reason(e))
        if data is not None:
            if sha256_hex(data) == rec.sha256:
                return rec, data, "", ""
            reason = _both("export.excl.sha_mismatch")
        newer = store.current(rec.candidate_id)
        if newer is not None and newer.id != rec.id:
            rec = newer
            continue
        if attempt + 1 < SHA_RETRIES:
            time.sleep(0.05 * (attempt + 1))
    return rec, None, reason[0], reason[1]


# -- the export ---------------------------------------------------------------------------------
def check_out_path(out: Path) -> None:
    if os.path.lexists(out):
        raise ExportError("export.exists", path=out)
    parent = out.parent
    if not parent.is_dir():
        raise ExportError("export.no_folder", folder=parent)
    if not os.access(parent, os.W_OK):
        raise ExportError("export.not_writable", folder=parent)


def _inside(path: Path, folder: Path) -> bool:
    """``path`` (which need not exist yet) lies in ``folder``, links resolved."""
    try:
        path.parent.resolve().joinpath(path.name).relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def run_export(store: Store, opts: ExportOptions) -> ExportReport:
    """Export the store's current photos to ``opts.out`` (see the module docstring)."""
    t0 = time.perf_counter()
    out = export_path(opts.out, opts.as_zip)
    check_out_path(out)
    if _inside(out, store.root):
        raise ExportError("export.inside_store", path=out, root=store.root)
    enc = opts.encoding.lower()
    if enc not in ("utf-8", "gbk"):
        raise ExportError("export.unknown_encoding", encoding=repr(opts.encoding))
    if opts.file_key not in FILE_KEYS:
        raise ExportError("export.unknown_file_key", key=repr(opts.file_key))
    roster = _roster(store)
    photos = _current_photos(store)
    # a practice shot of the demo camera is no photo of the candidate: still missing
    with_photo = {p.candidate_id for p in photos if not p.demo}
    # A photo saved under a roster row's resident ID (before the station filed every scan under
    # the row's key) is that candidate's photo: the candidate is not missing.
    with_photo |= {key for key, res in _resident_ids(store).items() if res in with_photo}
    wanted: set[str] | None = set(opts.ids) if opts.ids is not None else None
    selected: list[PhotoRecord] = []
    for p in photos:
        if wanted is not None and p.candidate_id not in wanted:
            continue
        when = _when(p)
        if opts.since is not None and (when is None or when < opts.since):
            continue
        if opts.until is not None and (when is None or when >= opts.until):
            continue
        selected.append(p)
    scope = opts.ids if opts.ids is not None else sorted(roster)
    missing = [cid for cid in scope if cid not in with_photo]

    rep = ExportReport(out=str(out), as_zip=opts.as_zip, encoding=enc, missing=missing,
                       office=opts.office, file_key=opts.file_key)
    for name in remove_interrupted_exports(out.parent):
        rep.notes.append(Msg("export.note.removed", name=name))
    workers = opts.workers if opts.workers is not None else worker_count(len(selected))
    rep.workers = workers
    manifest_rows: list[tuple[Any, ...]] = []
    sink: _Sink = _ZipSink(out) if opts.as_zip else _FolderSink(out)
    progress = Progress(len(selected), "export", min_total=20 if opts.progress else 10**12,
                        callback=opts.on_progress)
    ext = store.standard.file.write_extension
    stems, clashing = _file_stems([p for p in selected if not p.demo], store, opts.file_key)

    def exclude(rec: PhotoRecord, en: str, zh: str) -> None:
        rep.excluded.append(Excluded(rec.candidate_id, roster.get(rec.candidate_id, ("", ""))[0], en, zh))

    def exclude_for(rec: PhotoRecord, key: str) -> None:
        exclude(rec, *_both(key))

    def jobs() -> Iterator[VerifyJob]:
        for rec in selected:
            if not validate_candidate_id(rec.candidate_id, store.standard).ok:
                # only a hand-edited database gets here; its text never becomes a file name
                exclude_for(rec, "export.excl.invalid_id")
                progress.step()
                continue
            if rec.demo:
                exclude_for(rec, "export.excl.demo")
                progress.step()
                continue
            if rec.candidate_id in clashing:
                exclude_for(rec, "export.excl.same_resident")
                progress.step()
                continue
            rec2, data, en, zh = _read_verified_sha(store, rec)
            if data is None:
                exclude(rec2, en, zh)
                progress.step()
                continue
            if rec2.demo:  # a demo shot saved over the photo while we looked
                exclude_for(rec2, "export.excl.demo")
                progress.step()
                continue
            yield VerifyJob(rec2.candidate_id, data, f"{rec2.candidate_id}{ext}", rec2)

    def on_result(job: VerifyJob, res: VerifyOutcome) -> None:
        rec: PhotoRecord = job.payload
        progress.step()
        if not res.ok:
            exclude(rec, "; ".join(f"{i}: {en}" for i, en, _ in res.failures),
                    "；".join(zh for _, _, zh in res.failures))
            return
        stem, resident = stems.get(rec.candidate_id, (rec.candidate_id, ""))
        name = f"{stem}{ext}"
        sink.add(name, job.data)
        rep.exported.append(rec.candidate_id)
        cname, roster_office = roster.get(rec.candidate_id, ("", ""))
        manifest_rows.append((
            rec.candidate_id, cname, name, len(job.data),
            rec.quality if rec.quality is not None else res.quality, sha256_hex(job.data),
            rec.captured_at or rec.created_at, rec.origin_station or rec.station or "",
            opts.office or roster_office, "yes" if rec.compliant else "no",
            rec.override_reason or "", resident,
        ))

    try:
        try:
            verify_stream(jobs(), store.standard, on_result, workers)
        finally:
            progress.close()
        manifest_rows.sort(key=lambda r: r[0])
        manifest = csv_bytes(MANIFEST_HEADER, manifest_rows, enc)
        sink.add(MANIFEST, manifest)
        sink.add(MISSING, csv_bytes(MISSING_HEADER, [
            (cid, *roster.get(cid, ("", ""))) for cid in missing], enc))
        excl = sorted(rep.excluded, key=lambda e: e.candidate_id)
        sink.add(EXCLUDED, csv_bytes(EXCLUDED_HEADER, [
            (e.candidate_id, e.name, e.reason, e.reason_zh) for e in excl], enc))
        sink.publish()
    except BaseException:
        sink.discard()
        raise
    rep.exported.sort()
    rep.excluded = excl
    rep.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    if enc == "gbk":
        n = sum(1 for r in manifest_rows if outside_gbk(f"{r[1]}{r[8]}"))
        if n:
            rep.notes.append(Msg("export.note.gb18030", n=n))
    rep.seconds = time.perf_counter() - t0
    detail = {
        "zip": opts.as_zip,
        "encoding": enc,
        "since": opts.since.isoformat() if opts.since else None,
        "until": opts.until.isoformat() if opts.until else None,
        "ids": len(opts.ids) if opts.ids is not None else None,
        "office": opts.office,
        "file_key": opts.file_key,
        "exported": len(rep.exported),
        "excluded": [{"id": show_id(e.candidate_id), "reason": e.reason} for e in excl][:200],
        "seconds": round(rep.seconds, 2),
    }
    rep.notes += store.notes
    if store.read_only:  # the photos got off the station; there is nowhere to record that
        return rep
    with store.transaction() as db:
        db.execute(
            "INSERT INTO exports (at, station, operator, path, photos, excluded, missing,"
            " manifest_sha256, detail) VALUES (?,?,?,?,?,?,?,?,?)",
            (dt.datetime.now().astimezone().isoformat(), store.station, store.operator,
             str(out.resolve()), len(rep.exported), len(rep.excluded), len(rep.missing),
             rep.manifest_sha256, json.dumps(detail, ensure_ascii=False)),
        )
        store._audit(db, "export", None, {"path": out.name, **detail})
    return rep
