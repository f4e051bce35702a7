"""argparse's refusals in the command's language, on one line, exit 2.

argparse words its errors in English through ``gettext`` and Python carries no Chinese catalogue
for it, so an office's command line answered a missing ``--id`` in English while every other
refusal was in Chinese. :class:`StationParser` says them in the language of the command: the
language is known before parsing (``--lang`` anywhere on the line, else the environment and
the locale, as :func:`capture_station.messages.resolve_language` decides later), and argparse's
few message templates (Python 3.11) are translated by pattern; one that is not known stays as
argparse wrote it, so nothing is lost.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from capture_station.messages import resolve_language

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


class StationParser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals are one line in the command's language, exit code 2
    (argparse's own code for a usage error), with where to read the usage."""

    language = "en"  # set by the command line before parsing (class-wide: subparsers too)

    def error(self, message: str) -> NoReturn:
        if self.language.startswith("zh"):
            line = f"{self.prog}：错误：{chinese(message)}（用法见 {self.prog} --help）"
        else:
            line = f"{self.prog}: error: {message} (usage: {self.prog} --help)"
        sys.stderr.write(line + "\n")
        raise SystemExit(2)
