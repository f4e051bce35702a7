"""CSV that Chinese offices can open in Excel without running anything, and that we can read back.

Why this module exists:

* **Formula injection.** A roster name such as ``=cmd|' /C calc'!A0`` would be run as a formula
  by a spreadsheet that opens our manifest. Every text cell we write that starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width forms) gets a leading
  apostrophe, which spreadsheets show as plain text. Numbers we write ourselves are not text
  and are written as they are.
* **Encodings.** Excel on a Chinese Windows saves CSV as GBK (code page 936) and opens a CSV
  without a byte-order mark as GBK too. We write UTF-8 *with* a BOM by default (Excel then reads
  Chinese names correctly) and GB18030 when GBK is asked for: GB18030 encodes every GBK
  character with the same bytes, and also the characters GBK lacks (Uyghur-script names, rare
  Han characters) instead of failing on them.
* **Reading.** Files from the offices come as UTF-8 (with or without BOM), UTF-16 with a BOM
  (Excel's "Unicode text") or GBK/GB18030: :func:`decode_text` tries them in that order, strict.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from capture_station.messages import LocalizedError, Msg

# Cell prefixes that make a spreadsheet evaluate a cell (OWASP "CSV injection"), with the
# full-width forms a Chinese input method produces.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

ENCODINGS = ("utf-8", "gbk")
# What each choice of the command line writes.
_WRITE_CODEC = {"utf-8": "utf-8-sig", "gbk": "gb18030"}

Cell = str | int | float | None


class DecodeError(LocalizedError, ValueError):
    """Text that is neither UTF-8, UTF-16 with a BOM, nor GB18030; ``str()`` says so in the
    current language (its :attr:`message` is re-raised by the roster, the ID list and the
    merge as their own refusal)."""


def escape_cell(value: Cell) -> str | int | float:
    """A cell as it is written: text that a spreadsheet would evaluate gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell` on a cell we wrote (``'=x`` -> ``=x``); other text is unchanged."""
    if len(text) >= 2 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """Escaped CSV text with CRLF line ends (what Excel writes and expects)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([escape_cell(h) for h in header])
    for row in rows:
        w.writerow([escape_cell(c) for c in row])
    return buf.getvalue()


def encode_text(text: str, encoding: str = "utf-8") -> bytes:
    """``utf-8`` -> UTF-8 with BOM; ``gbk`` -> GB18030 (GBK bytes for every GBK character)."""
    try:
        codec = _WRITE_CODEC[encoding.lower().replace("_", "-")]
    except KeyError:
        raise ValueError(f"unknown CSV encoding {encoding!r}; use utf-8 or gbk") from None
    return text.encode(codec)


def outside_gbk(text: str) -> bool:
    """True when ``text`` has characters that plain GBK cannot encode."""
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return True
    return False


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], encoding: str = "utf-8") -> bytes:
    return encode_text(csv_text(header, rows), encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file from an office: returns (text, encoding name used).

    UTF-8 (a BOM is dropped) first, since valid UTF-8 is almost never valid-looking GBK by
    accident; then UTF-16 when it starts with a BOM; then GB18030, which reads GBK and GB2312.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise DecodeError("csv.bad_utf8_bom", byte=e.start + 3) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DecodeError("csv.bad_utf16_bom") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encodings(data)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise DecodeError("csv.unknown_encoding", byte=e.start) from None


def _utf8_cjk(line: bytes) -> bool:
    """``line`` is valid UTF-8 with Chinese characters in it: a UTF-8 line, not GBK by chance
    (GBK byte pairs that happen to be valid UTF-8 decode to Latin, Greek or Cyrillic letters)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def _refuse_mixed_encodings(data: bytes) -> None:
    """A file that is not UTF-8 as a whole but has UTF-8 lines of Chinese text holds two
    encodings (a UTF-8 list with a few rows pasted from a GBK one). Decoded whole as GB18030,
    its UTF-8 names would turn into other, valid-looking names (张三 -> 寮犱笁) and be filed
    under the wrong candidate; so it is refused, naming the first line of each kind."""
    utf8_line = other_line = 0
    for n, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        if _utf8_cjk(line):
            utf8_line = utf8_line or n
        else:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                other_line = other_line or n
        if utf8_line and other_line:
            raise DecodeError("csv.mixed_encodings", utf8_line=utf8_line, other_line=other_line)


def _sniff_delimiter(text: str) -> str:
    first = text[:20000].split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class _Feed:
    """The physical lines of a text from ``pos`` on, counting how many a reader took."""

    def __init__(self, lines: list[str], pos: int) -> None:
        self.lines, self.pos = lines, pos

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def read_csv_table(text: str) -> tuple[list[tuple[int, list[str]]], list[tuple[int, Msg]]]:
    """Rows of CSV text with the line number each row starts on (1-based), and the lines that
    are not rows, with the reason.

    The delimiter is sniffed among comma, tab and semicolon (Excel's "Unicode text" uses tabs,
    some European locales semicolons). A quoted cell may span lines (Alt+Enter in Excel). But a
    quote that is never closed, or a quoted "cell" that holds line breaks *and* separators, has
    swallowed the rows after it: that row is reported as bad with its line number and reading
    goes on at the next line, so the rows after it are read as rows. A cell over the csv
    module's field limit (131,072 characters) is a bad row of its own too.
    """
    delimiter = _sniff_delimiter(text)
    lines = io.StringIO(text, newline="").readlines()
    rows: list[tuple[int, list[str]]] = []
    bad: list[tuple[int, Msg]] = []
    i = 0
    while i < len(lines):
        feed = _Feed(lines, i)
        reader = csv.reader(feed, delimiter=delimiter)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            reason = (Msg("csv.cell_too_long", limit=f"{csv.field_size_limit():,}")
                      if "field limit" in str(e) else Msg("csv.unreadable_row", why=str(e)))
            bad.append((i + 1, reason))
            i += 1
            continue
        used = feed.pos - i
        if used > 1:
            raw = "".join(lines[i:feed.pos])
            multi = [c for c in row if "\n" in c or "\r" in c]
            if raw.count('"') % 2 or any(delimiter in c for c in multi):
                bad.append((i + 1, Msg("csv.quote_not_closed", n=used - 1)))
                i += 1
                continue
        rows.append((i + 1, row))
        i = feed.pos
    return rows, bad


def read_csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """:func:`read_csv_table` without the bad lines (for callers that re-check every row)."""
    return read_csv_table(text)[0]
