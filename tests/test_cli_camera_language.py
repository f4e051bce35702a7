"""The camera subcommands speak the command's language: the ``cameras`` table (its columns
lined up with Chinese characters two terminal columns wide) and ``capture``'s refusal of a bad
candidate ID, which comes before any camera is opened."""

from __future__ import annotations

import os
import subprocess
import sys

from capture_station.messages import columns


def _run(*argv: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CAPTURE_STATION_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    env.update(PYTHONIOENCODING="utf-8", LANG="zh_CN.UTF-8" if lang == "zh_CN" else "C.UTF-8")
    return subprocess.run([sys.executable, "-m", "capture_station", *argv], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env)


def _demo_row(out: str) -> tuple[str, str]:
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("demo "))
    return lines[0], row


def test_cameras_table_in_chinese_lines_up():
    r = _run("cameras", lang="zh_CN")
    assert r.returncode == 0, r.stderr
    header, row = _demo_row(r.stdout)
    assert header.split() == ["类型", "名称", "规格", "端口", "实时取景"]
    assert "演示相机（内置画面）" in row and row.endswith("有")
    # the spec column starts at the same terminal column in the header and the row
    assert columns(header[:header.index("规格")]) == columns(row[:row.index("demo", 4)])


def test_cameras_table_in_english():
    r = _run("cameras", "--lang", "en", lang="zh_CN")
    assert r.returncode == 0, r.stderr
    header, row = _demo_row(r.stdout)
    assert header.split() == ["KIND", "NAME", "SPEC", "PORT", "LIVE", "VIEW"]
    assert "Demo camera (built-in scene)" in row and row.endswith("yes")


def test_capture_refuses_a_bad_id_in_the_command_language():
    zh = _run("capture", "--camera", "demo", "--id", "12ab", lang="zh_CN")
    assert zh.returncode == 2 and zh.stdout == ""
    assert zh.stderr.strip().splitlines() == [zh.stderr.strip()]  # one line, no traceback
    assert "考生号无效" in zh.stderr and "invalid" not in zh.stderr
    en = _run("capture", "--camera", "demo", "--id", "12ab", lang="en")
    assert en.returncode == 2 and "invalid candidate ID" in en.stderr
