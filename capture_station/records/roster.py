"""Roster import: the office's candidate list (CSV or XLSX) into the station's ``candidates`` table.

Why it is careful:

* Offices produce the list in Excel. CSV files are often GBK/GB18030 rather than UTF-8, headers
  vary (准考证号 / 考生号 / exam_no ...), a title line may sit above the header, and Excel turns
  long digit strings into numbers (``6.50101E+14``). Each of these is read or reported, never
  guessed at.
* A bad row (invalid ID, duplicate, missing name, wrong resident-ID check digit) is reported with
  its line number and reason and is not imported; the good rows are.
* Importing the same file again changes nothing: a row equal to the stored candidate counts as
  ``unchanged`` and its record (including ``imported_at``) is left alone.
* Resident ID numbers are personal data: they are stored whole in the database only; every
  report, message and audit detail shows them masked (6501**********123X).

The key of a candidate is the admission number when the row has one, else the resident ID (the
photo file name the e-registration expects, ``<ID>.jpg``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capture_station.atomic_io import read_regular_file
from capture_station.messages import LocalizedError, Msg, os_reason
from capture_station.records.candidate_id import (
    is_valid_resident_id,
    mask_ids_in,
    mask_resident_id,
    show_id,
    validate_candidate_id,
)
from capture_station.records.csv_safe import DecodeError, decode_text, read_csv_table
from capture_station.records.store import Store
from capture_station.standard import Standard

MAX_ROSTER_BYTES = 64 * 1024 * 1024
MAX_NAME_CHARS = 100
HEADER_SEARCH_ROWS = 20  # a title or note may sit above the header row
PROGRESS_EVERY = 500  # rows between two progress reports
MAX_HEADER_COLUMNS = 64  # the header is looked for in this many columns
MAX_ROSTER_ROWS = 200_000  # candidate rows per sheet; an office has a few thousand

# progress(phase, done, total): phase "read" (rows read from a workbook), "check" (rows
# validated) or "store" (rows written); total 0 when not known yet. A window's progress bar.
ProgressFn = Callable[[str, int, int], None]

# Header spellings -> field. Compared after normalisation (see _norm_header).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "admission": (
        "准考证号", "考生号", "准考证", "准考证号码", "考籍号", "admission_number", "admission_no",
        "admissionnumber", "exam_no", "examno", "exam_number", "candidate_id", "candidateid",
        "candidate_no",
    ),
    "name": ("姓名", "考生姓名", "name", "candidate_name", "full_name"),
    "resident": (
        "身份证号", "身份证号码", "证件号码", "证件号", "身份证", "公民身份号码", "id_number",
        "idnumber", "resident_id", "residentid", "id_card", "id_card_number", "national_id",
    ),
    "office": ("办公室", "考区", "地州", "考办", "自考办", "office", "exam_office", "region", "district"),
}
_ALIAS_TO_FIELD = {a: f for f, names in HEADER_ALIASES.items() for a in names}


class RosterError(LocalizedError):
    """The roster cannot be read at all (exit 2); ``str()`` is one line for the operator, in
    the language of the moment it is read (the window shows it after the import's thread
    ended)."""


@dataclass
class BadRow:
    """A row that is not imported. ``reason`` renders in the current language wherever it is
    shown (the command line, the window's table); ``--json`` writes it in English, as scripts
    have always read it."""

    line: int
    reason: Msg
    id: str = ""  # the row's key as shown (resident IDs masked)
    sheet: str | None = None

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"line": self.line, "reason": self.reason.render("en"), "id": self.id}
        if self.sheet is not None:
            d["sheet"] = self.sheet
        return d


@dataclass
class RosterRow:
    line: int
    candidate_id: str
    name: str
    resident_id: str | None
    office: str | None


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    bad: list[BadRow]
    encoding: str  # "xlsx" for workbooks
    columns: dict[str, str]  # field -> header as written in the file
    sheet: str | None = None
    sha256: str = ""  # of the file as it was read


@dataclass
class ImportReport:
    file: str
    encoding: str
    columns: dict[str, str]
    rows: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.bad else 0

    def as_json(self, show_ids: bool = False) -> dict[str, Any]:
        """The report for ``--json``: resident IDs masked everywhere unless ``show_ids``."""
        shown = (lambda i: i) if show_ids else show_id  # noqa: E731
        obj = {
            "file": self.file,
            "encoding": self.encoding,
            "columns": self.columns,
            "rows": self.rows,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "bad": len(self.bad),
            "added_ids": [shown(i) for i in self.added],
            "updated_ids": [shown(i) for i in self.updated],
            "bad_rows": [b.as_json() for b in self.bad],
        }
        return obj if show_ids else mask_ids_in(obj)


def _norm_header(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).strip().lstrip("\ufeff").lower()
    t = re.sub(r"[\s\-]+", "_", t)
    t = re.sub(r"[（(].*?[)）]", "", t).strip("_*:：")  # "身份证号（必填）", "姓名*"
    return t


def map_header(cells: list[str]) -> dict[str, int]:
    """field -> column index for a candidate header row (first match of each field wins)."""
    found: dict[str, int] = {}
    for i, c in enumerate(cells):
        f = _ALIAS_TO_FIELD.get(_norm_header(c or ""))
        if f and f not in found:
            found[f] = i
    return found


def _is_header(mapping: dict[str, int]) -> bool:
    return ("admission" in mapping or "resident" in mapping) and len(mapping) >= 2


# -- cell clean-up ------------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    """A cell as text: integral numbers without ``.0``; Excel's ``="0123"`` wrapper removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    m = re.fullmatch(r'\s*="(.*)"\s*', text)
    if m:
        text = m.group(1)
    return text.strip().strip("\u200b\ufeff").strip()


# Bidirectional overrides and isolates: they make a name display as another one.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# What clean_name calls the text it refuses: its key in the messages.
_FIELDS = {"name": "field.name", "office": "field.office", "station name": "field.station"}


def clean_name(raw: str, what: str = "name", required: bool = True) -> tuple[str, Msg | None]:
    """The one rule for a candidate's name (and office), wherever it comes from: a roster, or a
    merged export's manifest. Returns (the name as stored, None) or ("", the reason it is bad).

    A line break typed into an Excel cell (Alt+Enter) is layout, not data: runs of white space
    become one space. Control characters (BEL, ESC, ...) and bidirectional overrides are
    refused (they would reach the exported manifests and the screen), and so is anything over
    :data:`MAX_NAME_CHARS` characters. Stored in NFC. ``what`` is ``name``, ``office`` or
    ``station name``."""
    field_ = Msg(_FIELDS[what])
    if len(raw) > 10 * MAX_NAME_CHARS:  # before any work on a 100,000-character "name"
        return "", Msg("row.too_long", what=field_, n=MAX_NAME_CHARS)
    name = " ".join(raw.split())
    if not name:
        return "", (Msg("row.missing", what=field_) if required else None)
    if len(name) > MAX_NAME_CHARS:
        return "", Msg("row.too_long", what=field_, n=MAX_NAME_CHARS)
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in name):
        return "", Msg("row.control_chars", what=field_)
    return unicodedata.normalize("NFC", name), None


_SCI = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?[0-9]+")


def _id_problem(value: str, what: str) -> Msg | None:
    """A clearer reason for the Excel accidents behind most bad IDs, or None; ``what`` is the
    field's key (``field.resident``, ``field.admission``)."""
    if _SCI.fullmatch(value):
        return Msg("row.scientific", what=Msg(what), value=value)
    return None


def _parse_row(line: int, cells: list[object], cols: dict[str, int], standard: Standard,
               default_office: str | None) -> RosterRow | BadRow:
    def get(f: str) -> str:
        i = cols.get(f)
        if i is None or i >= len(cells):
            return ""
        return _cell_text(cells[i])

    adm, name, res, office = get("admission"), get("name"), get("resident"), get("office")
    shown = show_id(adm) if adm else (mask_resident_id(res) if res else "")
    resident: str | None = None
    if res:
        p = _id_problem(res, "field.resident")
        if p:
            return BadRow(line, p, shown)
        norm = res[:17] + res[17:].upper()
        if len(norm) != 18 or not norm.isascii() or not norm[:17].isdigit() or norm[17] not in "0123456789X":
            return BadRow(line, Msg("row.resident_format", id=mask_resident_id(res)), shown)
        if not is_valid_resident_id(norm):
            return BadRow(line, Msg("row.resident_check", id=mask_resident_id(norm)), shown)
        resident = norm
    if adm:
        p = _id_problem(adm, "field.admission")
        if p:
            return BadRow(line, p, shown)
        v = validate_candidate_id(adm, standard)
        if not v.ok:
            return BadRow(line, Msg("row.invalid_id", id=show_id(adm), why=v.message), shown)
        key = v.value
    elif resident:
        key = resident
    else:
        return BadRow(line, Msg("row.no_id"), shown)
    name, why = clean_name(name)
    if why:
        return BadRow(line, why, show_id(key))
    office, why = clean_name(office, "office", required=False)
    if why:
        return BadRow(line, why, show_id(key))
    off = office or default_office or None
    return RosterRow(line, key, name, resident, off)


# -- reading ------------------------------------------------------------------------------------
def _table_rows_csv(data: bytes) -> tuple[list[tuple[int, list[object]]], list[BadRow], str]:
    """The rows of a CSV roster, the lines that are no rows (a quote left open), the encoding."""
    try:
        text, enc = decode_text(data)
    except DecodeError as e:
        raise RosterError(e.message) from None
    if "\x00" in text:
        raise RosterError("roster.nul_bytes")
    rows, bad = read_csv_table(text)
    return [(ln, list(r)) for ln, r in rows], [BadRow(ln, why) for ln, why in bad], enc


def _table_rows_xlsx(data: bytes, progress: ProgressFn | None = None,
                     ) -> list[tuple[str, list[tuple[int, list[object]]]]]:
    try:
        import openpyxl
    except ImportError:
        raise RosterError("roster.needs_openpyxl") from None
    import warnings
    import zipfile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise RosterError("roster.workbook_unreadable", why=_library_reason(e)) from None
    except Exception as e:  # noqa: BLE001 - a malformed workbook raises many kinds of errors
        raise RosterError("roster.workbook_unreadable", why=_library_reason(e)) from None
    sheets: list[tuple[str, list[tuple[int, list[object]]]]] = []
    try:
        for ws in wb.worksheets:
            sheets.append((ws.title, _sheet_rows(ws, progress)))
    except RosterError:
        raise
    except Exception as e:  # noqa: BLE001
        raise RosterError("roster.workbook_unreadable", why=_library_reason(e)) from None
    finally:
        wb.close()
    return sheets


def _library_reason(e: BaseException) -> Msg:
    """What a library's exception says: its English text is for whoever looks into the file;
    the Chinese line names only its kind (the sentence around it says what to do)."""
    return Msg.pair(type(e).__name__, f"{type(e).__name__}: {e}")


def _sheet_rows(ws: Any, progress: ProgressFn | None = None) -> list[tuple[int, list[object]]]:
    """The rows of a read-only worksheet that matter: the first rows up to the header, then the
    non-empty rows, each cut to the columns the header names.

    A sheet's declared size is not its data: a cell someone once formatted far away (Excel's
    Ctrl+End at ``XFD1048576``) makes openpyxl pad every row to 16,384 columns and add empty
    rows up to the last one, gigabytes for a 5 KB file. So the declared size is dropped, the
    header is looked for in the first :data:`HEADER_SEARCH_ROWS` rows and
    :data:`MAX_HEADER_COLUMNS` columns, only the header's columns are read after it, empty rows
    are not kept, and more than :data:`MAX_ROSTER_ROWS` candidate rows are refused.
    """
    head = list(_present_rows(ws, MAX_HEADER_COLUMNS, max_row=HEADER_SEARCH_ROWS))
    found = _find_header(head)
    if found is None:
        return head
    hidx, cols = found
    header_line = head[hidx][0]
    rows = head[:hidx + 1]
    kept = 0
    for i, cells in _present_rows(ws, max(cols.values()) + 1, min_row=header_line + 1):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        kept += 1
        if kept > MAX_ROSTER_ROWS:
            raise RosterError("roster.too_many_rows", sheet=ws.title, limit=f"{MAX_ROSTER_ROWS:,}")
        rows.append((i, cells))
        if progress is not None and kept % PROGRESS_EVERY == 0:
            progress("read", kept, 0)  # the declared size is no count of the rows
    return rows


def _present_rows(ws: Any, width: int, min_row: int = 1,
                  max_row: int | None = None) -> Iterator[tuple[int, list[object]]]:
    """(row number, values of the first ``width`` columns) of each row the sheet's XML holds.

    openpyxl's own ``iter_rows`` yields a filler row for every row missing between two present
    ones (a million of them before a stray ``XFD1048576``); its sheet parser, which that method
    is built on, yields only the rows that are there. Without it (another openpyxl), the public
    method with the declared size dropped."""
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        wb = ws.parent
        opener, shared = ws._get_source, ws._shared_strings
        options = {"data_only": wb.data_only, "epoch": wb.epoch,
                   "date_formats": wb._date_formats, "timedelta_formats": wb._timedelta_formats}
    except (ImportError, AttributeError):
        ws.reset_dimensions()
        for i, r in enumerate(ws.iter_rows(min_row=min_row, max_row=max_row, max_col=width,
                                           values_only=True), start=min_row):
            yield i, list(r)
        return
    with opener() as src:
        for idx, row in WorkSheetParser(src, shared, **options).parse():
            if max_row is not None and idx > max_row:
                break
            if idx < min_row:
                continue
            values: list[object] = [None] * width
            for cell in row:
                col = int(cell["column"])
                if 1 <= col <= width:
                    values[col - 1] = cell["value"]
            yield idx, values


def _find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, dict[str, int]] | None:
    for idx, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        m = map_header([_cell_text(c) for c in cells])
        if _is_header(m):
            return idx, m
    return None


def parse_roster(path: Path, standard: Standard, default_office: str | None = None,
                 progress: ProgressFn | None = None) -> ParsedRoster:
    """Read and validate every row; duplicates within the file are reported as bad rows."""
    try:
        data = read_regular_file(path, MAX_ROSTER_BYTES)
    except FileNotFoundError:
        raise RosterError("roster.no_file", path=path) from None
    except OSError as e:
        raise RosterError("roster.unreadable", path=path, why=os_reason(e)) from None
    head = data[:8]
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterError("roster.xls", file=path.name)
    sheet: str | None = None
    csv_bad: list[BadRow] = []
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        found = None
        for title, rows in _table_rows_xlsx(data, progress):
            h = _find_header(rows)
            if h is not None:
                found = (title, rows, h)
                break
        if found is None:
            raise RosterError("roster.no_header_sheet", file=path.name)
        sheet, table, (hidx, cols) = found
        encoding = "xlsx"
    else:
        table, csv_bad, encoding = _table_rows_csv(data)
        h = _find_header(table)
        if h is None:
            raise RosterError("roster.no_header", file=path.name)
        hidx, cols = h
    header_cells = [_cell_text(c) for c in table[hidx][1]]
    columns = {f: header_cells[i] for f, i in cols.items()}
    good: list[RosterRow] = []
    header_line = table[hidx][0]
    bad: list[BadRow] = [b for b in csv_bad if b.line > header_line]
    body = table[hidx + 1:]
    for n, (line, cells) in enumerate(body, start=1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress("check", n, len(body))
        if all(_cell_text(c) == "" for c in cells):
            continue
        r = _parse_row(line, cells, cols, standard, default_office)
        if isinstance(r, BadRow):
            r.sheet = sheet
            bad.append(r)
        else:
            good.append(r)
    good, dup_bad = _drop_duplicates(good, sheet)
    bad = sorted(bad + dup_bad, key=lambda b: b.line)
    if not good and not bad:
        raise RosterError("roster.no_rows", file=path.name)
    return ParsedRoster(good, bad, encoding, columns, sheet, hashlib.sha256(data).hexdigest())


def _drop_duplicates(rows: list[RosterRow], sheet: str | None) -> tuple[list[RosterRow], list[BadRow]]:
    """Identical repeats: the first row is kept, the others reported. Conflicting repeats of one
    ID (or one resident ID under two admission numbers): every row of it is reported, since the
    station cannot know which one is right."""
    by_key: dict[str, list[RosterRow]] = {}
    for r in rows:
        by_key.setdefault(r.candidate_id, []).append(r)
    by_res: dict[str, list[RosterRow]] = {}
    for r in rows:
        if r.resident_id:
            by_res.setdefault(r.resident_id, []).append(r)
    bad: list[BadRow] = []
    drop: set[int] = set()  # lines
    for key, group in by_key.items():
        if len(group) < 2:
            continue
        first = group[0]
        same = all((g.name, g.resident_id, g.office) == (first.name, first.resident_id, first.office)
                   for g in group)
        if same:
            for g in group[1:]:
                bad.append(BadRow(g.line, Msg("row.duplicate_same", line=first.line),
                                  show_id(key), sheet))
                drop.add(g.line)
        else:
            lines = [g.line for g in group]
            for g in group:
                others = ", ".join(str(x) for x in lines if x != g.line)
                bad.append(BadRow(g.line, Msg("row.duplicate_conflict", lines=others),
                                  show_id(key), sheet))
                drop.add(g.line)
    for res, group in by_res.items():
        keys = {g.candidate_id for g in group}
        if len(keys) < 2:
            continue
        lines = [g.line for g in group]
        for g in group:
            if g.line in drop:
                continue
            others = ", ".join(str(x) for x in lines if x != g.line)
            bad.append(BadRow(g.line, Msg("row.duplicate_resident", id=mask_resident_id(res),
                                      lines=others), show_id(g.candidate_id), sheet))
            drop.add(g.line)
    return [r for r in rows if r.line not in drop], bad


# -- storing ------------------------------------------------------------------------------------
def import_roster(store: Store, path: Path, default_office: str | None = None,
                  parsed: ParsedRoster | None = None,
                  progress: ProgressFn | None = None) -> ImportReport:
    """Parse ``path`` (unless ``parsed`` is given) and upsert its good rows in one transaction;
    audit an ``import``."""
    store.require_writable(Msg("store.what.import_roster"))
    if parsed is None:
        parsed = parse_roster(path, store.standard, default_office, progress)
    rep = ImportReport(file=path.name, encoding=parsed.encoding, columns=parsed.columns,
                       rows=len(parsed.rows) + len(parsed.bad), bad=parsed.bad)
    now = dt.datetime.now().astimezone().isoformat()
    digest = parsed.sha256
    with store.transaction() as db:
        for n, r in enumerate(parsed.rows, start=1):
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress("store", n, len(parsed.rows))
            old = db.execute(
                "SELECT name, resident_id, office FROM candidates WHERE candidate_id = ?",
                (r.candidate_id,),
            ).fetchone()
            if old is None:
                db.execute(
                    "INSERT INTO candidates (candidate_id, name, resident_id, office, source_file,"
                    " imported_at) VALUES (?,?,?,?,?,?)",
                    (r.candidate_id, r.name, r.resident_id, r.office, path.name, now),
                )
                rep.added.append(r.candidate_id)
                continue
            # A column the file does not have (or an empty cell) keeps what is stored.
            new = (r.name, r.resident_id or old["resident_id"], r.office or old["office"])
            if new == (old["name"], old["resident_id"], old["office"]):
                rep.unchanged += 1
                continue
            db.execute(
                "UPDATE candidates SET name = ?, resident_id = ?, office = ?, source_file = ?,"
                " imported_at = ? WHERE candidate_id = ?",
                (*new, path.name, now, r.candidate_id),
            )
            rep.updated.append(r.candidate_id)
        detail = {
            "file": path.name,
            "sha256": digest,
            "encoding": parsed.encoding,
            "added": len(rep.added),
            "updated": len(rep.updated),
            "unchanged": rep.unchanged,
            "bad": len(rep.bad),
            "bad_lines": [b.line for b in rep.bad][:200],
        }
        store._audit(db, "import", None, detail)
    return rep
