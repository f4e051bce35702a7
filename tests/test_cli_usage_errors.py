"""Usage errors of the command line: one line in the command's language, exit code 2."""

from __future__ import annotations

import pytest

from capture_station.cli import usage_errors
from capture_station.cli.main import main


def _refusal(capsys, argv: list[str]) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and out.out == "", out
    return lines[0]


def test_a_missing_argument_is_refused_in_chinese(capsys, monkeypatch):
    monkeypatch.delenv("CAPTURE_STATION_LANG", raising=False)
    line = _refusal(capsys, ["--lang", "zh_CN", "process", "shot.jpg"])
    assert line == "capture-station process：错误：缺少必需的参数：--id（用法见 capture-station process --help）"


def test_the_locale_decides_when_no_lang_is_given(capsys, monkeypatch):
    monkeypatch.delenv("CAPTURE_STATION_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "无效的值 'zh'（可选：'zh_CN', 'en'）" in _refusal(capsys, ["export", "--lang", "zh"])
    assert "后面需要一个值" in _refusal(capsys, ["process", "a.jpg", "--id"])
    assert "无效的子命令 'frobnicate'" in _refusal(capsys, ["frobnicate"])
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    line = _refusal(capsys, ["process", "a.jpg"])
    assert line == ("capture-station process: error: the following arguments are required: --id "
                    "(usage: capture-station process --help)")


def test_a_refused_number_of_workers_is_said_in_the_language_of_the_command(capsys, monkeypatch):
    monkeypatch.delenv("CAPTURE_STATION_LANG", raising=False)
    line = _refusal(capsys, ["--lang", "zh_CN", "export", "--out", "x", "--workers", "ten"])
    assert line.endswith("参数 --workers：应为进程数（整数）（用法见 capture-station export --help）")
    line = _refusal(capsys, ["--lang", "en", "import-export", "x", "--workers", "-1"])
    assert "argument --workers: expected 0 or more" in line


@pytest.mark.parametrize("english,chinese", [
    ("unrecognized arguments: --x y", "无法识别的参数：--x y"),
    ("argument --limit: invalid int value: 'ten'", "参数 --limit：无效的int值 'ten'"),
    ("argument --a: not allowed with argument --b", "参数 --a：不能与 --b 同时使用"),
    ("one of the arguments --x --y is required", "以下参数必须给出一个：--x --y"),
    ("something argparse may say one day", "something argparse may say one day"),
])
def test_argparse_wordings_are_translated_or_kept(english, chinese):
    assert usage_errors.chinese(english) == chinese
