"""argparse in the command's language: its refusals on one line (exit 2), its help too.

argparse words its errors and its help in English through ``gettext`` and Python carries no
Chinese catalogue for it, so an office's command line answered a missing ``--id`` in English
while every other refusal was in Chinese, and ``--help`` was English throughout.
:class:`StationParser` speaks the language of the command: the language is known before parsing
(``--lang`` anywhere on the line, else the environment and the locale, as
:func:`capture_station.messages.resolve_language` decides later), so the parser is built in it.

* Refusals: argparse's few message templates (Python 3.11) are translated by pattern; one that
  is not known stays as argparse wrote it, so nothing is lost.
* Help: every ``help=`` and ``description=`` of the command line is written in both languages
  with :func:`tr`; argparse's own words (the usage prefix, the group titles, ``-h``) are given
  by :class:`StationParser` and :class:`StationHelpFormatter`, which also wraps Chinese by its
  width on the terminal (a Chinese character takes two columns, argparse counts one).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, NoReturn

from capture_station.messages import columns, resolve_language

# (argparse's English, as a pattern) -> Chinese; the groups are kept as written (names, values)
_ARGUMENT_REASONS: tuple[tuple[str, str], ...] = (
    (r"invalid choice: (?P<v>.+) \(choose from (?P<c>.+)\)", "无效的值 {v}（可选：{c}）"),
    (r"expected one argument", "后面需要一个值"),
    (r"expected at least one argument", "后面至少需要一个值"),
    (r"expected at most one argument", "后面最多一个值"),
    (r"expected (?P<n>\d+) arguments", "后面需要 {n} 个值"),
    (r"invalid (?P<t>\S+) value: (?P<v>.+)", "无效的{t}值 {v}"),
    (r"not allowed with argument (?P<o>.+)", "不能与 {o} 同时使用"),
    (r"ignored explicit argument (?P<v>.+)", "不接受值 {v}"),
)
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<a>.+)", "缺少必需的参数：{a}"),
    (r"unrecognized arguments: (?P<a>.+)", "无法识别的参数：{a}"),
    (r"one of the arguments (?P<a>.+) is required", "以下参数必须给出一个：{a}"),
    (r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)", "选项 {o} 不明确，可能是：{m}"),
    (r"invalid choice: (?P<v>.+) \(choose from (?P<c>.+)\)", "无效的子命令 {v}（可选：{c}）"),
)


def _translated(pattern_table: tuple[tuple[str, str], ...], message: str) -> str | None:
    for pattern, zh in pattern_table:
        m = re.fullmatch(pattern, message, flags=re.DOTALL)
        if m:
            return zh.format(**m.groupdict())
    return None


def chinese(message: str) -> str:
    """argparse's English error message in Chinese (unchanged when its wording is not known)."""
    m = re.fullmatch(r"argument (?P<arg>[^:]+): (?P<why>.+)", message, flags=re.DOTALL)
    if m and m["arg"] == "command":  # the subcommand (dest of the subparsers)
        got = _translated(_MESSAGES, m["why"])
        return got if got is not None else m["why"]
    if m:
        why = _translated(_ARGUMENT_REASONS, m["why"])
        return f"参数 {m['arg']}：{why if why is not None else m['why']}"
    got = _translated(_MESSAGES, message)
    return got if got is not None else message


def language_of(argv: Sequence[str]) -> str:
    """The command's language before parsing: the last ``--lang`` on the line, else the
    environment and the locale."""
    lang = None
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
    return resolve_language(lang if lang in ("zh_CN", "en") else None)


def current_language() -> str:
    """The language of the command line: :attr:`StationParser.language` once the command has
    decided it, else what :func:`resolve_language` gives (a parser built outside ``main``)."""
    return StationParser.language or resolve_language()


def tr(zh: str, en: str) -> str:
    """``zh`` or ``en``, whichever is the command's language: for the help texts, which argparse
    takes when the parser is built (``main`` decides the language before building it)."""
    return zh if current_language().startswith("zh") else en


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


# Chinese may break between any two characters, but not before a closing mark nor after an
# opening one; a run of ASCII (an option, a file name, a number) is never broken. A line
# rather ends after a mark, else at a space, when that leaves the next line no more than
# _SHORT_TAIL of the width: "单反相机" is then not cut in the middle, nor is "0 = 不用".
_NO_BREAK_BEFORE = frozenset("，。、；：！？）》」』】,.;:!?)")
_NO_BREAK_AFTER = frozenset("（《「『【(")
_ENDS_WELL = frozenset("，。、；：！？）》」』】,;:")
_SHORT_TAIL = 0.4
_SPACES = re.compile(r"[ \t\n\r\f\v]+")

_Unit = tuple[str, bool]  # a piece never broken, and whether a space comes before it


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    space = False
    for c in _SPACES.sub(" ", text).strip():
        if c == " ":
            space = True
            continue
        if units and not space:
            last = units[-1][0][-1]
            if (c in _NO_BREAK_BEFORE or last in _NO_BREAK_AFTER
                    or not (_wide(c) or _wide(last))):
                units[-1] = (units[-1][0] + c, units[-1][1])
                continue
        units.append((c, space))
        space = False
    return units


def _joined(units: list[_Unit]) -> str:
    return "".join((" " if space and i else "") + piece for i, (piece, space) in enumerate(units))


def _cut(line: list[_Unit], width: int) -> int:
    """Where a full ``line`` ends: after a mark, else at a space, else where it is full."""
    for good in (lambda i: line[i - 1][0][-1] in _ENDS_WELL, lambda i: line[i][1]):
        for i in range(len(line) - 1, 0, -1):
            if columns(_joined(line[i:])) > width * _SHORT_TAIL:
                break
            if good(i):
                return i
    return len(line)


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` terminal columns, whitespace collapsed as argparse does."""
    lines: list[str] = []
    line: list[_Unit] = []
    for unit in _units(text):
        if line and columns(_joined([*line, unit])) > width:
            cut = _cut(line, width)
            lines.append(_joined(line[:cut]))
            line = line[cut:]
        line.append(unit)
    return [*lines, _joined(line)] if line else lines


class StationHelpFormatter(argparse.HelpFormatter):
    """argparse's help in the command's language: the usage prefix, and Chinese wrapped by its
    width on the terminal. English text is formatted by argparse unchanged."""

    USAGE_ZH = "用法："

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        if heading:
            self._headings.add(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        """argparse's help, a Chinese group title followed by a full-width colon (argparse
        writes "title:" whatever the language, so only the titles it was given are changed)."""
        text = super().format_help()
        for heading in self._headings:
            if any(_wide(c) for c in heading):
                text = re.sub(rf"(?m)^( *){re.escape(heading)}:$",
                              lambda m, h=heading: f"{m[1]}{h}：", text)
        return text

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        if prefix is not None or not current_language().startswith("zh"):
            return super()._format_usage(usage, actions, groups, prefix)
        # argparse indents the usage's further lines by the prefix's length in characters:
        # laid out behind spaces as wide as the Chinese prefix, then the prefix put in their place
        stand_in = " " * columns(self.USAGE_ZH)
        text = super()._format_usage(usage, actions, groups, stand_in)
        return self.USAGE_ZH + text[len(stand_in):]

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not any(_wide(c) for c in text):
            return super()._split_lines(text, width)
        return wrap_wide(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not any(_wide(c) for c in text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap_wide(text, width - len(indent)))


class StationParser(argparse.ArgumentParser):
    """An ArgumentParser in the command's language: its refusals one line, exit code 2
    (argparse's own code for a usage error), with where to read the usage; its help with
    argparse's own words in that language too. Subparsers are of the same class (argparse
    makes them with the parent's), so every subcommand speaks it."""

    # set by the command line before it builds the parser (class-wide: subparsers too);
    # None: resolve_language() decides, see current_language()
    language: str | None = None

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", StationHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = tr("位置参数", "positional arguments")
        self._optionals.title = tr("选项", "options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=tr("显示本帮助并退出", "show this help message and exit"))

    def add_subparsers(self, **kwargs: Any) -> Any:
        """The subcommands listed under "子命令" / "commands" (argparse: "positional arguments"),
        first, as argparse places them, when the parser has no other positional argument."""
        if "title" not in kwargs and not self._positionals._group_actions:
            self._positionals.title = tr("子命令", "commands")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        if current_language().startswith("zh"):
            line = f"{self.prog}：错误：{chinese(message)}（用法见 {self.prog} --help）"
        else:
            line = f"{self.prog}: error: {message} (usage: {self.prog} --help)"
        sys.stderr.write(line + "\n")
        raise SystemExit(2)
