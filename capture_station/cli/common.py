"""What every command of the command line shares: exit codes, the one-line error, the standard
and the data folder an invocation works on, and file names made safe to print.

The command modules import this and nothing of each other (but ``camera_commands``, which hands
a still to ``photo_commands``' processing), so the command groups can change independently and
there is no import cycle between them and :mod:`capture_station.cli.main`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capture_station.standard import Standard

EXIT_OK = 0
EXIT_NOT_COMPLIANT = 1  # also: done except some rows or photos, reported with their reasons
EXIT_INPUT = 2


class CliError(Exception):
    """A one-line error for the operator; exit code 2."""


def err(msg: str) -> None:
    """The one line on stderr that every refusal prints."""
    print(f"capture-station: {msg}", file=sys.stderr)


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
    """A path as printed: undecodable bytes of a file name as backslash escapes, never an error."""
    return os.fsdecode(str(p)).encode("utf-8", "backslashreplace").decode("utf-8")
