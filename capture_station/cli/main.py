"""Command line: ``capture-station process | check | capture | cameras | roster | export |
import-export | calibrate | gui``; no subcommand opens the window.

This module builds the parser from the command groups (each registers its own subcommands) and
turns every refusal into one line on stderr and exit code 2, never a traceback (``--debug`` or
``CAPTURE_STATION_DEBUG=1`` shows one, and MediaPipe's own log lines). Exit codes: 0 done /
compliant, 1 not compliant or done with some rows refused, 2 bad input or an error the operator
must fix.

The language of everything printed (``--lang zh_CN|en``, before or after the subcommand; else
the locale) is resolved once here, see :mod:`capture_station.messages`.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from capture_station import __version__
from capture_station.cli.common import EXIT_INPUT, CliError, err, masked_output
from capture_station.cli.usage_errors import StationParser, language_of
from capture_station.imaging.mediapipe_import import DEBUG_ENV
from capture_station.messages import LANGUAGES, os_reason, resolve_language, set_language, text


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the station window: the one place the command line reaches into the GUI layer.

    First makes sure Qt will find a display and a platform plugin that loads: otherwise Qt
    aborts the interpreter (exit 134) instead of raising; here it is one line and exit 2."""
    from capture_station.cli.display_check import display_problem

    problem = display_problem()
    if problem is not None:
        raise CliError(problem.line())
    try:
        from capture_station.gui.app import run_gui
    except ImportError as e:
        raise CliError(text("error.no_window", why=e)) from None
    return int(run_gui(args))


def _lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """Accept ``--lang`` after every subcommand too (SUPPRESS: a value given before the
    subcommand is kept when the subcommand does not repeat it)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if not any("--lang" in a.option_strings for a in sub._actions):
                    sub.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                                     help="language of the output (default: the locale)")
                _lang_everywhere(sub)


def build_parser() -> argparse.ArgumentParser:
    from capture_station.cli import (
        calibrate_command,
        camera_commands,
        photo_commands,
        record_commands,
    )

    p = StationParser(
        prog="capture-station",
        description="Photo capture station for the self-study examination graduation e-registration.",
    )
    p.add_argument("--version", action="version", version=f"capture-station {__version__}")
    p.add_argument("--standard", default=None, help="standard name or TOML file (default xinjiang-zikao)")
    p.add_argument("--data-dir", default=None, help="station store folder (env CAPTURE_STATION_DATA)")
    p.add_argument("--lang", default=None, choices=LANGUAGES,
                   help="language of the output and the window: zh_CN or en (default: the locale)")
    p.add_argument("--debug", action="store_true",
                   help="show tracebacks and MediaPipe's own log lines (env CAPTURE_STATION_DEBUG=1)")
    sub = p.add_subparsers(dest="command")

    photo_commands.register(sub)
    pg = sub.add_parser("gui", help="start the station window")
    pg.add_argument("--camera", default=None, help="camera spec: webcam:0, gphoto2[:PORT], demo[:PATH]")
    pg.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                    help="language of the window for this session (default: its setting)")
    pg.set_defaults(func=cmd_gui)
    camera_commands.register(sub)
    record_commands.register(sub)
    calibrate_command.register(sub)
    _lang_everywhere(p)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    StationParser.language = language_of(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        args.func, args.camera = cmd_gui, None
    if args.debug:
        os.environ[DEBUG_ENV] = "1"  # the worker processes inherit it
    debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
    # args.lang stays what was given (None: the window keeps its own setting); the printed
    # text follows it, else the locale
    set_language(resolve_language(args.lang))
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
        err(text("error.invalid_id", why=e))
    except (ImageLoadError, StandardError, StoreError, CliError) as e:
        err(str(e))
    except sqlite3.Error as e:
        err(text("error.database", why=e))
    except OSError as e:
        err(f"{os_reason(e)}" + (f": {e.filename}" if getattr(e, "filename", None) else ""))
    except KeyboardInterrupt:
        err(text("error.interrupted"))
    except Exception as e:
        if debug:
            raise
        err(text("error.internal", why=f"{type(e).__name__}: {e}"))
    return EXIT_INPUT
