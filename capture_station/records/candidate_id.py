"""Candidate ID validation: the only text from outside that ever becomes part of a path.

An ID is refused before anything touches the disk unless it is, character for character,
ASCII digits (an exam admission number, length from the standard file) or an 18-character
resident ID number (GB 11643-1999) whose check digit is right. Separators, dots, spaces,
control characters and look-alike Unicode never pass.

Full-width digits and the full-width X are the one exception: a Chinese input method left in
full-width mode types ０１２３ for 0123, and the operator cannot see the difference. They are
converted to ASCII before validation (and only they: a look-alike such as an Arabic-Indic digit
or a superscript is still refused), so the value that is stored and becomes a file name is plain
ASCII.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from capture_station.messages import Msg, text
from capture_station.standard import Standard, StandardError, load_standard

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_MAX_INPUT = 64
# Full-width digits and X (U+FF10-FF19, U+FF38, U+FF58) as typed by an input method in
# full-width mode, and the ideographic space it types around them.
_FULL_WIDTH = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF38: ord("X"), 0xFF58: ord("x")}
_FULL_WIDTH_SPACE = "\u3000"


@dataclass(frozen=True)
class IdVerdict:
    ok: bool
    value: str
    kind: str  # "admission" | "resident" | ""
    reason_en: str = ""
    reason_zh: str = ""

    @property
    def message(self) -> Msg:
        """The reason in the language of the moment it is read."""
        return Msg.pair(self.reason_zh, self.reason_en)


class InvalidCandidateId(ValueError):
    """Raised by :func:`require_valid_id`; ``str()`` is the one-line reason in the current
    language (rendered when read, see :class:`capture_station.messages.Msg`)."""

    def __init__(self, verdict: IdVerdict) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_resident_id(value: str) -> bool:
    if len(value) != 18 or not value.isascii():
        return False
    body, check = value[:17], value[17].upper()
    if not body.isdigit():
        return False
    return resident_id_check_char(body) == check


@functools.lru_cache(maxsize=8)
def _admission_re(pattern: str) -> re.Pattern[str]:
    """The standard's admission-number pattern, compiled; a broken one is the standard's fault,
    reported as such (one line), not as an internal error on the first ID."""
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as e:
        raise StandardError(f"the standard's candidate_id.admission_pattern {pattern[:80]!r} is "
                            f"not a valid regular expression: {e}") from None


def _refuse(value: str, key: str, **values: object) -> IdVerdict:
    """A refusal with the reason ``key`` of the messages, in both languages (the verdict is
    plain data, shown by the window and the command line in either)."""
    return IdVerdict(False, value, "", text(key, "en", **values), text(key, "zh_CN", **values))


def validate_candidate_id(raw: str, standard: Standard | None = None) -> IdVerdict:
    """Validate a typed or scanned ID. Surrounding whitespace from a scanner is stripped."""
    std = standard or load_standard()
    if not isinstance(raw, str):
        return _refuse("", "id.not_text")
    if len(raw) > _MAX_INPUT:
        return _refuse(raw[:16] + "…", "id.too_long")
    value = raw.translate(_FULL_WIDTH).strip(" \t\r\n" + _FULL_WIDTH_SPACE)
    if not value:
        return _refuse(value, "id.empty")
    if not value.isascii():
        return _refuse(value, "id.look_alikes")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return _refuse(value, "id.control")
    if any(c in value for c in "/\\.:"):
        return _refuse(value, "id.path_char")
    if " " in value:
        return _refuse(value, "id.space")
    if _admission_re(std.admission_pattern).fullmatch(value):
        return IdVerdict(True, value, "admission")
    if std.allow_resident_id and len(value) == 18:
        if not value[:17].isdigit() or value[17] not in "0123456789Xx":
            return _refuse(value, "id.resident_chars")
        if not is_valid_resident_id(value):
            return _refuse(value, "id.resident_check")
        return IdVerdict(True, value[:17] + value[17].upper(), "resident")
    if value.isdigit():
        digits = admission_digits_text(std.admission_pattern)
        if digits:
            return _refuse(value, "id.admission_digits", n=len(value), digits=digits)
        return _refuse(value, "id.admission_pattern", n=len(value), pattern=std.admission_pattern)
    return _refuse(value, "id.not_an_id")


def admission_digits_text(pattern: str) -> str | None:
    """The digit count an admission pattern asks for, as the operator reads it ("10–15", "12"),
    or None when the pattern is not a plain digit run (then the message shows the pattern)."""
    m = re.fullmatch(r"\^?(?:\[0-9\]|\\d)\{(\d+)(?:,(\d+))?\}\$?", pattern)
    if m is None:
        return None
    lo, hi = m.group(1), m.group(2)
    return f"{lo}–{hi}" if hi and hi != lo else lo


def require_valid_id(raw: str, standard: Standard | None = None) -> str:
    verdict = validate_candidate_id(raw, standard)
    if not verdict.ok:
        raise InvalidCandidateId(verdict)
    return verdict.value


def mask_resident_id(value: str) -> str:
    """Mask personal data for logs and UI: 6501**********123X.

    The one masking rule of the station: every other helper here applies it. Any 18-character
    value is masked, valid or not: a resident ID with a wrong check digit is still somebody's."""
    if len(value) == 18:
        return value[:4] + "*" * 10 + value[-4:]
    return value


def show_id(cid: str) -> str:
    """An ID as it may appear in output: resident IDs masked, admission numbers whole."""
    return mask_resident_id(cid)


# An 18-character resident-ID-like run inside longer text (a path, a file name, a reason):
# 17 digits and a digit or X, not part of a longer run of digits or letters.
_RESIDENT_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_ids_in_text(text: str) -> str:
    """``text`` with every resident ID number in it masked (paths, file names, reasons)."""
    return _RESIDENT_IN_TEXT.sub(lambda m: mask_resident_id(m.group(0)), text)


def mask_ids_in(obj: Any) -> Any:
    """A JSON-like value (dicts, lists, strings) with every resident ID in its strings masked;
    keys included. Numbers are left alone: an ID is never written as a number."""
    if isinstance(obj, str):
        return mask_ids_in_text(obj)
    if isinstance(obj, dict):
        return {mask_ids_in(k): mask_ids_in(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [mask_ids_in(v) for v in obj]
    return obj
