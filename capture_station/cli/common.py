"""What every command of the command line shares: exit codes, the one-line error, the help of
the options several commands take, the standard and the data folder an invocation works on,
and file names made safe to print.

The command modules import this and nothing of each other (but ``camera_commands``, which hands
a still to ``photo_commands``' processing), so the command groups can change independently and
there is no import cycle between them and :mod:`capture_station.cli.main`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from capture_station.cli.usage_errors import tr

if TYPE_CHECKING:
    from capture_station.standard import Standard

EXIT_OK = 0
EXIT_NOT_COMPLIANT = 1  # also: done except some rows or photos, reported with their reasons
EXIT_INPUT = 2


class CliError(Exception):
    """A one-line error for the operator; exit code 2."""


def err(msg: str) -> None:
    """The one line on stderr that every refusal prints (resident IDs in it masked)."""
    from capture_station.records.candidate_id import mask_ids_in_text

    print(f"capture-station: {escape_controls(mask_ids_in_text(msg))}", file=sys.stderr)


# The help of the options several commands take, written once: (Chinese, English)
_SHARED_HELP: dict[str, tuple[str, str]] = {
    "id": ("考生号（准考证号或身份证号）", "candidate ID (admission number or resident ID)"),
    "force": ("检查不合格也保存（须用 --reason 写明原因）",
              "save even when a check fails (give the reason with --reason)"),
    "reason": ("强制保存的原因，随 --force 记录在案", "override reason recorded with --force"),
    "json": ("以 JSON 格式输出结果（供脚本读取）", "print the result as JSON (for scripts)"),
    "camera": ("使用的相机：webcam:0（摄像头）、gphoto2[:PORT]（单反相机）、demo[:PATH]（演示相机）",
               "camera spec: webcam:0, gphoto2[:PORT], demo[:PATH]"),
    "standard": ("照片标准的名称或 TOML 文件（默认 xinjiang-zikao）",
                 "standard name or TOML file (default xinjiang-zikao)"),
    "data-dir": ("采集站数据文件夹（环境变量 CAPTURE_STATION_DATA）",
                 "station store folder (env CAPTURE_STATION_DATA)"),
    "workers": ("复核照片的进程数（默认：照片多时为 CPU 核数；0 表示不另开进程）",
                "re-check processes (default: CPU count for many photos; 0 for none)"),
}


def shared_help(option: str) -> str:
    """The help of an option several commands take (``id``, ``force``, ``camera``, ...), in
    the command's language: one wording for all of them, and one translation."""
    return tr(*_SHARED_HELP[option])


def add_show_ids(parser: argparse.ArgumentParser) -> None:
    """``--show-ids`` on a command that prints candidate IDs: whole resident IDs in ``--json``."""
    parser.add_argument("--show-ids", action="store_true",
                        help=tr("与 --json 同用时完整输出身份证号（默认部分隐藏）",
                                "with --json: print resident ID numbers whole (masked by "
                                "default)"))


class _MaskingStream:
    """A text stream that masks every resident ID number written through it.

    Resident IDs reach output through paths (``photos/<ID>.jpg``), file names, reasons and
    report fields; masking the stream itself covers every line a command prints, including
    ones added later, instead of relying on each print site to remember."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        from capture_station.records.candidate_id import mask_ids_in_text

        self._inner.write(mask_ids_in_text(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


@contextlib.contextmanager
def masked_output(args: argparse.Namespace) -> Iterator[None]:
    """Mask resident IDs on stdout and stderr for the command of ``args``; only
    ``--json --show-ids`` prints them whole on stdout."""
    keep_stdout = bool(getattr(args, "show_ids", False) and getattr(args, "json", False))
    out, error = sys.stdout, sys.stderr
    if not keep_stdout:
        sys.stdout = _MaskingStream(out)  # type: ignore[assignment]
    sys.stderr = _MaskingStream(error)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, error


def standard_of(args: argparse.Namespace) -> Standard:
    """The standard named by ``--standard`` (default the Xinjiang self-study one)."""
    from capture_station.standard import load_standard

    return load_standard(getattr(args, "standard", None) or "xinjiang-zikao")


def data_dir_of(args: argparse.Namespace) -> Path:
    """The store folder: ``--data-dir``, else ``CAPTURE_STATION_DATA``, else the user's folder."""
    from capture_station.paths import default_data_dir

    d = getattr(args, "data_dir", None)
    return Path(d) if d else default_data_dir()


def shown(p: Path | str) -> str:
    """A path as printed: undecodable bytes of a file name as backslash escapes, never an error,
    and control characters escaped (a newline in a file name must not forge an ``OK`` line)."""
    return escape_controls(os.fsdecode(str(p)).encode("utf-8", "backslashreplace").decode("utf-8"))


def escape_controls(text: str) -> str:
    """``text`` with every control character as a visible escape (``\\n``, ``\\x1b``)."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(c if unicodedata.category(c) != "Cc" else repr(c)[1:-1] for c in text)
