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

# Cell prefixes that make a spreadsheet evaluate a cell (OWASP "CSV injection"), with the
# full-width forms a Chinese input method produces.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

ENCODINGS = ("utf-8", "gbk")
# What each choice of the command line writes.
_WRITE_CODEC = {"utf-8": "utf-8-sig", "gbk": "gb18030"}

Cell = str | int | float | None


class DecodeError(ValueError):
    """Text that is neither UTF-8, UTF-16 with a BOM, nor GB18030; ``str()`` says so."""


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
            raise DecodeError(f"the file starts with a UTF-8 mark but is not UTF-8 ({e.reason} "
                              f"at byte {e.start + 3})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DecodeError("the file starts with a UTF-16 mark but is not UTF-16") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise DecodeError(f"the file is neither UTF-8 nor GBK/GB18030 text (byte {e.start})") from None


def read_csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """Rows of CSV text with the line number each row starts on (1-based).

    The delimiter is sniffed among comma, tab and semicolon (Excel's "Unicode text" uses tabs,
    some European locales semicolons). A quoted cell may span lines; the number is the row's
    first line.
    """
    sample = text[:20000]
    delimiter = ","
    counts = {d: sample.split("\n", 1)[0].count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > 0:
        delimiter = best
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    start = 1
    for row in reader:
        out.append((start, row))
        start = reader.line_num + 1
    return out
