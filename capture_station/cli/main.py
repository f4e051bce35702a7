"""Command line: ``capture-station process | check | capture | cameras | roster | export |
import-export | calibrate | gui``; no subcommand opens the window.

This module builds the parser from the command groups (each registers its own subcommands) and
turns every refusal into one line on stderr and exit code 2, never a traceback (``--debug`` or
``CAPTURE_STATION_DEBUG=1`` shows one, and LiteRT's and MediaPipe's own log lines). Exit codes: 0 done /
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
from collections.abc import Iterator

from capture_station import __version__
from capture_station.cli.common import EXIT_INPUT, CliError, err, masked_output, shared_help
from capture_station.cli.usage_errors import StationParser, current_language, language_of, tr
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


def _subcommands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str | None, argparse.ArgumentParser]]:
    """Every subcommand's parser under ``parser``, at any depth, with its one-line help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._get_subactions()}
            for name, sub in action.choices.items():
                yield helps.get(name), sub
                yield from _subcommands(sub)


def _finish_subcommands(parser: argparse.ArgumentParser) -> None:
    """What every subcommand has without each registering it: ``--lang`` after the subcommand
    too (SUPPRESS: a value given before the subcommand is kept when the subcommand does not
    repeat it), and its one-line help as the description of its own ``--help``."""
    for help_line, sub in _subcommands(parser):
        if not any("--lang" in a.option_strings for a in sub._actions):
            sub.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                             help=tr("输出的语言（默认按系统的语言设置）",
                                     "language of the output (default: the locale)"))
        if sub.description is None and help_line:
            sub.description = (f"{help_line}。" if current_language().startswith("zh")
                               else f"{help_line[:1].upper()}{help_line[1:]}.")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, its help in the command's language (:func:`tr`): main sets
    :attr:`StationParser.language` first; called from elsewhere, the environment decides."""
    from capture_station.cli import (
        calibrate_command,
        camera_commands,
        photo_commands,
        record_commands,
    )

    p = StationParser(
        prog="capture-station",
        description=tr(
            "高等教育自学考试毕业证书电子注册照片采集站。不带子命令时打开采集站窗口。",
            "Photo capture station for the self-study examination graduation e-registration. "
            "Without a subcommand it opens the station window."),
    )
    p.add_argument("--version", action="version", version=f"capture-station {__version__}",
                   help=tr("显示版本号并退出", "show program's version number and exit"))
    p.add_argument("--standard", default=None, help=shared_help("standard"))
    p.add_argument("--data-dir", default=None, help=shared_help("data-dir"))
    p.add_argument("--lang", default=None, choices=LANGUAGES,
                   help=tr("输出和窗口的语言：zh_CN 或 en（默认按系统的语言设置）",
                           "language of the output and the window: zh_CN or en (default: the "
                           "locale)"))
    p.add_argument("--debug", action="store_true",
                   help=tr("出错时显示调用栈（traceback）和人脸分析（LiteRT、MediaPipe）"
                           "的日志；也可设环境变量 CAPTURE_STATION_DEBUG=1",
                           "show tracebacks and the face analysis' own log lines (LiteRT, MediaPipe; env "
                           "CAPTURE_STATION_DEBUG=1)"))
    sub = p.add_subparsers(dest="command")

    photo_commands.register(sub)
    pg = sub.add_parser("gui", help=tr("打开采集站窗口", "start the station window"))
    pg.add_argument("--camera", default=None, help=shared_help("camera"))
    pg.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                    help=tr("本次窗口的语言（默认：窗口设置中的语言）",
                            "language of the window for this session (default: its setting)"))
    pg.set_defaults(func=cmd_gui)
    camera_commands.register(sub)
    record_commands.register(sub)
    calibrate_command.register(sub)
    _finish_subcommands(p)
    return p


def main(argv: list[str] | None = None) -> int:
    # the language first: the parser's help and refusals are written in it
    StationParser.language = language_of(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
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
