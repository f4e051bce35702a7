"""Command line: ``capture-station process | check | capture | cameras | roster | export |
import-export | calibrate | gui``; no subcommand opens the window.

This module builds the parser from the command groups (each registers its own subcommands) and
turns every refusal into one line on stderr and exit code 2, never a traceback (set
``CAPTURE_STATION_DEBUG=1`` to see one). Exit codes: 0 done / compliant, 1 not compliant or done
with some rows refused, 2 bad input or an error the operator must fix.
"""

from __future__ import annotations

import argparse
import os
import sqlite3

from capture_station import __version__
from capture_station.cli.common import EXIT_INPUT, CliError, err, masked_output


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the station window: the one place the command line reaches into the GUI layer."""
    try:
        from capture_station.gui.app import run_gui
    except ImportError as e:
        raise CliError(f"the station window is not available: {e}") from None
    return int(run_gui(args))


def build_parser() -> argparse.ArgumentParser:
    from capture_station.cli import (
        calibrate_command,
        camera_commands,
        photo_commands,
        record_commands,
    )

    p = argparse.ArgumentParser(
        prog="capture-station",
        description="Photo capture station for the self-study examination graduation e-registration.",
    )
    p.add_argument("--version", action="version", version=f"capture-station {__version__}")
    p.add_argument("--standard", default=None, help="standard name or TOML file (default xinjiang-zikao)")
    p.add_argument("--data-dir", default=None, help="station store folder (env CAPTURE_STATION_DATA)")
    sub = p.add_subparsers(dest="command")

    photo_commands.register(sub)
    pg = sub.add_parser("gui", help="start the station window")
    pg.add_argument("--camera", default=None, help="camera spec: webcam:0, gphoto2[:PORT], demo[:PATH]")
    pg.add_argument("--lang", default=None, choices=["zh_CN", "en"])
    pg.set_defaults(func=cmd_gui)
    camera_commands.register(sub)
    record_commands.register(sub)
    calibrate_command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        args.func, args.camera, args.lang = cmd_gui, None, None
    debug = bool(os.environ.get("CAPTURE_STATION_DEBUG"))
    with masked_output(args):
        return _run(args, debug)


def _run(args: argparse.Namespace, debug: bool) -> int:
    """``args.func(args)`` with every refusal turned into its one line and exit 2."""
    from capture_station.imaging.image_source import ImageLoadError
    from capture_station.records.candidate_id import InvalidCandidateId
    from capture_station.records.store import StoreError
    from capture_station.standard import StandardError

    try:
        return int(args.func(args))
    except InvalidCandidateId as e:
        err(f"invalid candidate ID: {e}")
    except (ImageLoadError, StandardError, StoreError, CliError) as e:
        err(str(e))
    except sqlite3.Error as e:
        err(f"station database error: {e}")
    except OSError as e:
        err(f"{e.strerror or e}" + (f": {e.filename}" if getattr(e, "filename", None) else ""))
    except KeyboardInterrupt:
        err("interrupted")
    except Exception as e:
        if debug:
            raise
        err(f"internal error: {type(e).__name__}: {e}")
    return EXIT_INPUT
