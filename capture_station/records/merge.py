"""``import-export``: merge another station's export (folder or ZIP) into this store.

Several stations photograph the candidates of one office; before the office hands its photos
over, one station collects the others' exports. Why it behaves as it does:

* **Trust nothing on the way in.** The manifest (UTF-8 or GBK) lists every photo with its
  SHA-256; a file is taken only when its bytes match the manifest and pass the same re-check as
  an export (file rules, one face, geometry). File names come from validated candidate IDs, never
  from the manifest's text, so an export cannot write outside the store.
* **The newest accepted photo wins, by capture time.** An incoming photo newer than the local
  one becomes the current photo (the local one moves to history, as with a retake). An incoming
  photo that is older than, or as old as, the local one is **skipped** and reported, not added
  to history: the history of a candidate is the history of this station's saves, the older photo
  stays in the other station's own store, and a local photo is never replaced by an older one.
  The same photo merged twice (same SHA-256) is ``unchanged``: merging is idempotent.
* **Where it came from is recorded**: ``origin_station`` and ``captured_at`` from the manifest,
  ``source`` names the export, and one ``import-export`` audit entry sums it up.
* Roster rows the manifest carries (name, office) are added for candidates this station does not
  know yet; existing roster rows are never changed by a merge.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capture_station.atomic_io import RefusedFile, read_regular_file
from capture_station.messages import LocalizedError, Msg, message_of, os_reason
from capture_station.photo.verify_pool import VerifyJob, VerifyOutcome, verify_stream, worker_count
from capture_station.records.candidate_id import mask_ids_in, show_id
from capture_station.records.csv_safe import DecodeError, decode_text, read_csv_table, unescape_cell
from capture_station.records.export import MANIFEST, MAX_PHOTO_BYTES, Progress
from capture_station.records.roster import clean_name
from capture_station.records.store import PhotoRecord, PhotoToSave, Store, sha256_hex

MAX_MANIFEST_BYTES = 32 * 1024 * 1024
REQUIRED = ("candidate_id", "file", "sha256", "captured_at", "station")


# What reading a damaged, hostile or unusual ZIP (or one of its members) raises: a bad header or
# CRC, a corrupt deflate stream, an encrypted member (RuntimeError), deflate64 or another
# method Python lacks (NotImplementedError), a truncated file, a non-UTF-8 name flagged UTF-8.
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, NotImplementedError,
    EOFError, OSError, ValueError, UnicodeDecodeError,
)
# A station's clock may be a little ahead of this one's; a capture time further in the future
# is not a real one (and would win every later merge).
CLOCK_TOLERANCE = dt.timedelta(minutes=15)


def _why(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text[:160]}" if text else type(e).__name__


def _why_shown(e: BaseException) -> Msg:
    """Why reading failed, for the operator: our own reason as it is; a library's English text
    in English and its kind alone in Chinese (the sentence around it says what is wrong)."""
    return message_of(e) or Msg.pair(type(e).__name__, _why(e))


class MergeError(LocalizedError):
    """The export cannot be read at all (exit 2); ``str()`` is one line, in the language of the
    moment it is read."""


class _Unreadable(LocalizedError, ValueError):
    """A member of the export that cannot be read (too large, encrypted, damaged)."""


@dataclass
class Rejected:
    """A photo of the export that is not merged. ``reason`` renders in the current language on
    the command line; ``--json`` and the audit entry keep it in English (scripts and records
    read it as they always have)."""

    candidate_id: str
    line: int
    reason: Msg


@dataclass
class MergeReport:
    source: str
    stations: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # new or newer than the local photo
    unchanged: list[str] = field(default_factory=list)  # the same photo is already here
    skipped_older: list[str] = field(default_factory=list)  # local photo is newer (or as new)
    rejected: list[Rejected] = field(default_factory=list)
    candidates_added: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def as_json(self, show_ids: bool = False) -> dict[str, Any]:
        """The report for ``--json``: resident IDs masked everywhere unless ``show_ids``."""
        shown = (lambda i: i) if show_ids else show_id  # noqa: E731
        obj = {
            "source": self.source,
            "stations": self.stations,
            "imported": len(self.imported),
            "unchanged": len(self.unchanged),
            "skipped_older": len(self.skipped_older),
            "rejected": len(self.rejected),
            "candidates_added": self.candidates_added,
            "imported_ids": [shown(i) for i in self.imported],
            "skipped_ids": [shown(i) for i in self.skipped_older],
            "rejected_photos": [{"id": shown(r.candidate_id), "line": r.line,
                                 "reason": r.reason.render("en")} for r in self.rejected],
        }
        return obj if show_ids else mask_ids_in(obj)


class _Source:
    """Read-only access to the files of an export folder or ZIP."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            return
        if not path.exists():
            raise MergeError("path.missing", path=path)
        try:
            self.zip = zipfile.ZipFile(path)
        except ZIP_ERRORS as e:
            raise MergeError("merge.not_an_export", file=path.name, why=_why_shown(e)) from None

    def read(self, name: str, limit: int) -> bytes | None:
        """The member ``name`` (a plain file name, no folders) or None when it is not there."""
        if self.zip is not None:
            try:
                info = self.zip.getinfo(name)
            except KeyError:
                return None
            if info.file_size > limit:
                raise _Unreadable("merge.member_too_large", name=name, size=info.file_size)
            if info.flag_bits & 0x1:
                raise _Unreadable("merge.member_encrypted", name=name)
            try:
                with self.zip.open(info) as fh:
                    data = fh.read(limit + 1)
            except ZIP_ERRORS as e:
                raise _Unreadable("merge.member_unreadable", name=name, why=_why_shown(e)) from None
            if len(data) > limit:
                raise _Unreadable("merge.member_too_large", name=name, size=len(data))
            return data
        p = self.path / name
        if not os.path.lexists(p):
            return None
        try:
            return read_regular_file(p, limit)
        except RefusedFile as e:
            raise _Unreadable("merge.member_refused", name=name, why=os_reason(e)) from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _parse_time(raw: str) -> dt.datetime | None:
    try:
        w = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return w if w.tzinfo else w.astimezone()


@dataclass
class _Incoming:
    line: int
    candidate_id: str
    name: str
    office: str
    station: str
    captured_raw: str
    captured: dt.datetime
    sha256: str


def read_manifest(src: _Source) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, Msg]]]:
    """The manifest's rows by line, and its lines that are no rows (with the reason)."""
    try:
        data = src.read(MANIFEST, MAX_MANIFEST_BYTES)
    except ZIP_ERRORS as e:
        raise MergeError("merge.manifest_unreadable", manifest=MANIFEST, why=_why_shown(e)) from None
    if data is None:
        raise MergeError("merge.no_manifest", file=src.path.name, manifest=MANIFEST)
    try:
        text, _ = decode_text(data)
    except DecodeError as e:
        raise MergeError("merge.manifest_decode", manifest=MANIFEST, why=e) from None
    rows, unreadable = read_csv_table(text)
    if not rows:
        raise MergeError("merge.manifest_empty", manifest=MANIFEST)
    header = [h.strip().lstrip("\ufeff") for h in rows[0][1]]
    lacking = [c for c in REQUIRED if c not in header]
    if lacking:
        raise MergeError("merge.manifest_lacks", manifest=MANIFEST, columns=", ".join(lacking))
    out: list[tuple[int, dict[str, str]]] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        out.append((line, {h: unescape_cell(cells[i]) if i < len(cells) else ""
                           for i, h in enumerate(header)}))
    return out, [(ln, why) for ln, why in unreadable if ln > rows[0][0]]


def merge_export(store: Store, path: Path, workers: int | None = None,
                 progress: bool = True) -> MergeReport:
    """Merge the export at ``path`` into ``store`` (see the module docstring)."""
    from capture_station.records.candidate_id import validate_candidate_id

    store.require_writable(Msg("store.what.merge_export"))
    src = _Source(path)
    rep = MergeReport(source=path.name)
    try:
        rows, unreadable = read_manifest(src)
        rep.rejected += [Rejected("", ln, why) for ln, why in unreadable]
        now = dt.datetime.now().astimezone()
        ext = store.standard.file.write_extension
        incoming: list[_Incoming] = []
        seen: dict[str, int] = {}
        for line, r in rows:
            raw_id = r.get("candidate_id", "")
            v = validate_candidate_id(raw_id, store.standard)
            if not v.ok:
                rep.rejected.append(Rejected(raw_id[:20], line, Msg("error.invalid_id", why=v.message)))
                continue
            cid = v.value
            if r.get("file", "") != f"{cid}{ext}":
                rep.rejected.append(Rejected(cid, line, Msg(
                    "merge.row.file_name", file=repr(r.get("file", "")), expected=f"{cid}{ext}")))
                continue
            if cid in seen:
                rep.rejected.append(Rejected(cid, line, Msg("merge.row.twice", line=seen[cid])))
                continue
            seen[cid] = line
            when = _parse_time(r.get("captured_at", ""))
            if when is None:
                rep.rejected.append(Rejected(cid, line, Msg("merge.row.no_time")))
                continue
            if when > now + CLOCK_TOLERANCE:
                rep.rejected.append(Rejected(cid, line, Msg(
                    "merge.row.future", when=r["captured_at"].strip()[:40])))
                continue
            sha = r.get("sha256", "").strip().lower()
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                rep.rejected.append(Rejected(cid, line, Msg("merge.row.bad_sha")))
                continue
            # The roster's rules for names, offices and station names: control characters,
            # bidirectional overrides and 100,000-character names never get in.
            fields: dict[str, str] = {}
            for key, what in (("name", "name"), ("office", "office"), ("station", "station name")):
                fields[key], why = clean_name(r.get(key, ""), what, required=False)
                if why:
                    rep.rejected.append(Rejected(cid, line, why))
                    break
            else:
                incoming.append(_Incoming(line, cid, fields["name"], fields["office"],
                                          fields["station"], r["captured_at"].strip(), when, sha))
        rep.stations = sorted({i.station for i in incoming if i.station})
        bar = Progress(len(incoming), "import-export", min_total=20 if progress else 10**12)

        def local_state(inc: _Incoming, cur: PhotoRecord | None = None,
                        looked: bool = False) -> str:
            """'new' | 'same' | 'older' (incoming is not newer than the local photo)."""
            if not looked:
                cur = store.current(inc.candidate_id)
            if cur is None:
                return "new"
            if cur.sha256 == inc.sha256:
                return "same"
            if any(h.sha256 == inc.sha256 for h in store.history(inc.candidate_id)):
                # Merged (or saved) here before and superseded since, by a retake or a later
                # merge: taking it again would undo that. Merging twice changes nothing.
                return "same"
            local = _parse_time(cur.captured_at or cur.created_at)
            if local is not None and inc.captured <= local:
                return "older"
            return "new"

        def jobs() -> Iterator[VerifyJob]:
            for inc in incoming:
                state = local_state(inc)
                if state != "new":
                    (rep.unchanged if state == "same" else rep.skipped_older).append(inc.candidate_id)
                    bar.step()
                    continue
                name = f"{inc.candidate_id}{ext}"
                try:
                    data = src.read(name, MAX_PHOTO_BYTES)
                except ZIP_ERRORS as e:
                    rep.rejected.append(Rejected(inc.candidate_id, inc.line,
                                                 Msg("merge.row.cannot_read", name=name, why=_why_shown(e))))
                    bar.step()
                    continue
                if data is None:
                    rep.rejected.append(Rejected(inc.candidate_id, inc.line,
                                                 Msg("merge.row.not_in_export", name=name)))
                    bar.step()
                    continue
                if sha256_hex(data) != inc.sha256:
                    rep.rejected.append(Rejected(inc.candidate_id, inc.line,
                                                 Msg("merge.row.sha_mismatch", name=name)))
                    bar.step()
                    continue
                yield VerifyJob(inc.candidate_id, data, name, inc)

        def on_result(job: VerifyJob, res: VerifyOutcome) -> None:
            inc: _Incoming = job.payload
            bar.step()
            if not res.ok:
                rep.rejected.append(Rejected(inc.candidate_id, inc.line, Msg.pair(
                    "；".join(zh for _, _, zh in res.failures),
                    "; ".join(f"{i}: {en}" for i, en, _ in res.failures))))
                return
            # Checked again inside the store's save lock: the station may have taken a retake
            # since the first look, and none can be saved between this look and the save.
            seen: list[str] = []

            def still_newer(cur: PhotoRecord | None) -> bool:
                seen.append(local_state(inc, cur, looked=True))
                return seen[-1] == "new"

            saved = store.save(PhotoToSave(
                inc.candidate_id, job.data, quality=res.quality,
                compliant=res.compliant, checks=res.checks, source=f"import-export:{path.name}",
                captured_at=inc.captured_raw, origin_station=inc.station or None,
            ), only_if=still_newer)
            if saved is None:
                (rep.unchanged if seen[-1] == "same" else rep.skipped_older).append(inc.candidate_id)
                return
            rep.imported.append(inc.candidate_id)

        n_work = workers if workers is not None else worker_count(len(incoming))
        try:
            verify_stream(jobs(), store.standard, on_result, n_work, full=True)
        except BaseException as e:
            # Photos saved so far are saved (each by its own transaction): the audit says what
            # was done before the merge stopped, and why it stopped.
            with contextlib.suppress(Exception):
                _finish(store, rep, path, incoming, aborted=_why(e))
            raise
        finally:
            bar.close()
    finally:
        src.close()
    _finish(store, rep, path, incoming)
    return rep


def _finish(store: Store, rep: MergeReport, path: Path, incoming: list[_Incoming],
            aborted: str | None = None) -> None:
    """Sort the report, add the roster rows of the photos that were not refused, and write the
    merge's audit entry."""
    for lst in (rep.imported, rep.unchanged, rep.skipped_older):
        lst.sort()
    rep.rejected.sort(key=lambda r: r.line)
    taken = set(rep.imported) | set(rep.unchanged) | set(rep.skipped_older)
    with store.transaction() as db:  # each photo was saved by its own transaction
        rep.candidates_added = _add_roster_rows(
            db, path.name, [i for i in incoming if i.candidate_id in taken])
        detail: dict[str, Any] = {
            "source": path.name,
            "stations": rep.stations,
            "imported": len(rep.imported),
            "unchanged": len(rep.unchanged),
            "skipped_older": len(rep.skipped_older),
            "rejected": [{"id": show_id(r.candidate_id), "line": r.line,
                          "reason": r.reason.render("en")} for r in rep.rejected][:200],
            "candidates_added": rep.candidates_added,
        }
        if aborted:
            detail["aborted"] = aborted
        store._audit(db, "import-export", None, detail)


def _add_roster_rows(db: sqlite3.Connection, source: str, taken: list[_Incoming]) -> int:
    """Candidates of the merged photos that this station has no roster row for, with the names
    as the roster's rules cleaned them; a photo the merge refused adds no roster row."""
    now = dt.datetime.now().astimezone().isoformat()
    added = 0
    for inc in taken:
        if not inc.name:
            continue
        cur = db.execute(
            "INSERT OR IGNORE INTO candidates (candidate_id, name, resident_id, office,"
            " source_file, imported_at) VALUES (?,?,?,?,?,?)",
            (inc.candidate_id, inc.name, None, inc.office or None, f"import-export:{source}", now),
        )
        added += max(cur.rowcount, 0)
    return added
