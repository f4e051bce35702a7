"""``--help`` in the command's language: Chinese for an office, English when chosen.

The command runs as the operator runs it (a new interpreter, the language from ``--lang`` or
from the environment), and the whole parser tree is built in both languages so that an option
added later with its help in English only fails here, not in front of an operator.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from capture_station.cli.main import build_parser
from capture_station.cli.usage_errors import StationParser
from capture_station.messages import columns

COLUMNS = 80
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message",
                    "show program's version number")


def _env(**chosen: str) -> dict[str, str]:
    """The environment with no language in it but ``chosen`` (as test_cli_usage_errors does)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CAPTURE_STATION_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    env.update(COLUMNS=str(COLUMNS), PYTHONIOENCODING="utf-8", **chosen)
    return env


def _help(*argv: str, **chosen: str) -> str:
    r = subprocess.run([sys.executable, "-m", "capture_station", *argv], capture_output=True,
                       text=True, encoding="utf-8", timeout=120, env=_env(**chosen))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout


def _assert_chinese(out: str, *texts: str) -> None:
    assert out.startswith("用法：capture-station"), out
    assert "\n选项：\n" in out
    assert "-h, --help" in out and "显示本帮助并退出" in out
    for t in texts:
        assert t in out, (t, out)
    for english in ARGPARSE_ENGLISH:
        assert english not in out, (english, out)


def _assert_english(out: str, *texts: str) -> None:
    assert out.startswith("usage: capture-station"), out
    assert "\noptions:\n" in out and "show this help message and exit" in out
    for t in texts:
        assert t in out, (t, out)
    assert not CJK.search(out), out


MAIN_ZH = ("子命令：", "显示版本号并退出", "打开采集站窗口", "导出合格的照片", "输出和窗口的语言")
MAIN_EN = ("commands:", "show program's version number and exit", "start the station window",
           "export the accepted photos")
PROCESS_ZH = ("位置参数：", "考生号（准考证号或身份证号）", "检查不合格也保存", "人像原片")
PROCESS_EN = ("positional arguments:", "candidate ID (admission number or resident ID)",
              "save even when a check fails")


@pytest.mark.parametrize("argv,chosen", [
    (["--lang", "zh_CN", "--help"], {"LANG": "en_US.UTF-8"}),
    (["--help"], {"LANG": "zh_CN.UTF-8"}),
    (["--help"], {"CAPTURE_STATION_LANG": "zh_CN", "LANG": "en_US.UTF-8"}),
], ids=["--lang", "locale", "CAPTURE_STATION_LANG"])
def test_the_help_is_chinese_when_the_command_is(argv, chosen):
    _assert_chinese(_help(*argv, **chosen), *MAIN_ZH)


@pytest.mark.parametrize("argv,chosen", [
    (["--lang", "en", "--help"], {"LANG": "zh_CN.UTF-8"}),
    (["--help"], {"LANG": "en_US.UTF-8"}),
    (["--help"], {"CAPTURE_STATION_LANG": "en", "LANG": "zh_CN.UTF-8"}),
    (["--help"], {}),
], ids=["--lang", "locale", "CAPTURE_STATION_LANG", "no-locale"])
def test_the_help_is_english_when_the_command_is(argv, chosen):
    _assert_english(_help(*argv, **chosen), *MAIN_EN)


@pytest.mark.parametrize("argv,chosen", [
    (["--lang", "zh_CN", "process", "--help"], {"LANG": "en_US.UTF-8"}),
    (["process", "--lang", "zh_CN", "--help"], {"LANG": "en_US.UTF-8"}),
    (["process", "--help"], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}),
], ids=["--lang-before", "--lang-after", "LC_ALL"])
def test_a_subcommands_help_is_chinese_when_the_command_is(argv, chosen):
    out = _help(*argv, **chosen)
    _assert_chinese(out, *PROCESS_ZH)
    assert out.startswith("用法：capture-station process ")
    assert "把一张人像原片裁切成 480x640 的照片并逐项检查。" in out  # its description


@pytest.mark.parametrize("argv,chosen", [
    (["--lang", "en", "process", "--help"], {"LANG": "zh_CN.UTF-8"}),
    (["process", "--help"], {"LANG": "en_US.UTF-8"}),
], ids=["--lang", "locale"])
def test_a_subcommands_help_is_english_when_the_command_is(argv, chosen):
    out = _help(*argv, **chosen)
    _assert_english(out, *PROCESS_EN)
    assert "Turn one portrait shot into a verified 480x640 photo." in out


def test_chinese_help_fits_the_terminal_and_lines_up():
    """A Chinese character takes two columns: the lines are wrapped by their width, no line
    begins with a closing mark, and the usage's further lines line up behind "用法："."""
    for argv in (["--help"], ["export", "--help"], ["calibrate", "--help"]):
        out = _help("--lang", "zh_CN", *argv)
        lines = out.splitlines()
        for line in lines:
            if CJK.search(line):
                assert columns(line) <= COLUMNS - 2, line
                assert line.strip()[:1] not in "，。、；：）", line
        first = lines[0]
        prog_end = columns(first[:first.index("[")])  # "用法：capture-station sub "
        assert re.match(rf" {{{prog_end}}}\[", lines[1]), (lines[0], lines[1])


def _walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, str | None]]:
    """(where, text) for every text of ``parser`` and its subcommands' parsers that an operator
    reads in ``--help``: the description, the group titles, every argument's help."""
    yield f"{path} description", parser.description
    for i, group in enumerate(parser._action_groups):
        if group._group_actions:
            yield f"{path} group {i}", group.title
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):  # its subcommands have the help
            for choice in action._get_subactions():
                yield f"{path} {choice.dest}", choice.help
            for sub_name, sub in action.choices.items():
                yield from _walk(sub, f"{path} {sub_name}")
        elif action.help is not argparse.SUPPRESS:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action.help


def _texts(monkeypatch: pytest.MonkeyPatch, lang: str) -> dict[str, str | None]:
    monkeypatch.setattr(StationParser, "language", lang)
    texts: dict[str, str | None] = {}
    for where, text in _walk(build_parser(), "capture-station"):
        assert where not in texts, where
        texts[where] = text
    return texts


def _is_sentence(text: str) -> bool:
    """Words to translate; not a text that is only a metavar, a format or a list of values
    (``YYYY-MM-DD``, ``webcam:0, demo[:PATH]``), which reads the same in both languages."""
    return re.search(r"\b[a-z]{2,} [a-z]{2,}\b", text, flags=re.IGNORECASE) is not None


def test_every_help_text_is_written_in_both_languages(monkeypatch):
    zh, en = _texts(monkeypatch, "zh_CN"), _texts(monkeypatch, "en")
    assert zh.keys() == en.keys()
    assert len(en) > 80  # the whole tree was walked
    for where, text in en.items():
        if text is None or not _is_sentence(text):
            continue
        assert zh[where] != text, f"{where}: English only: {text!r}"
        assert zh[where] is not None and CJK.search(zh[where]), f"{where}: {zh[where]!r}"


def test_every_argument_and_subcommand_has_a_help(monkeypatch):
    """An argument without help shows only its name in ``--help``: nothing to read in either
    language."""
    assert [where for where, text in _texts(monkeypatch, "zh_CN").items() if text is None] == []


def test_a_parser_built_outside_main_follows_the_environment(monkeypatch):
    monkeypatch.setattr(StationParser, "language", None)
    for var in ("CAPTURE_STATION_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert build_parser().format_help().startswith("用法：capture-station")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert build_parser().format_help().startswith("usage: capture-station")
