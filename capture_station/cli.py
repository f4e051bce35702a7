"""Command line: ``capture-station process | check | capture | cameras | gui``.

Exit codes: 0 compliant (and saved), 1 not compliant, 2 bad input or an error the operator must
fix (unreadable image, bad candidate ID, disk full). Errors are one line on stderr, never a
traceback (set ``CAPTURE_STATION_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from capture_station import __version__

EXIT_OK = 0
EXIT_NOT_COMPLIANT = 1
EXIT_INPUT = 2

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".heic"}


class CliError(Exception):
    """A one-line error for the operator; exit code 2."""


def _err(msg: str) -> None:
    print(f"capture-station: {msg}", file=sys.stderr)


def _standard(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from capture_station.standard import load_standard

    return load_standard(getattr(args, "standard", None) or "xinjiang-zikao")


def _data_dir(args: argparse.Namespace) -> Path:
    from capture_station.paths import default_data_dir

    d = getattr(args, "data_dir", None)
    return Path(d) if d else default_data_dir()


def _print_result(res: Any, as_json: bool, lang: str = "en") -> None:
    if as_json:
        print(json.dumps(res.as_json(lang), ensure_ascii=False, indent=2))
        return
    if res.saved:
        print(f"saved {res.path} ({res.bytes} bytes, quality {res.quality})")
    elif res.compliant and res.data is not None:
        print(f"compliant, not saved ({res.bytes} bytes, quality {res.quality})")
    else:
        print(f"NOT COMPLIANT: {res.reason or 'see checks'}")
    for c in res.checks:
        if c.status.value != "pass":
            print(f"  {c.status.value:12s} {c.id:22s} {c.message('en')}")
    for h in res.hints("en"):
        print(f"  hint: {h}")


def run_process_command(source: Any, args: argparse.Namespace) -> int:
    """Shared by ``process`` and ``capture``: run the pipeline on a source and report."""
    from capture_station.pipeline import Pipeline
    from capture_station.store import Store

    std = _standard(args)
    if getattr(args, "force", False) and not (getattr(args, "reason", None) or "").strip():
        raise CliError("--force saves a photo that fails a check: give the reason with --reason")
    pipe = Pipeline(std)
    out = getattr(args, "out", None)
    store = None
    try:
        if not out:
            store = Store(_data_dir(args), std)
        res = pipe.process(
            source,
            args.id,
            store=store,
            out_dir=Path(out) if out else None,
            force=bool(getattr(args, "force", False)),
            override_reason=getattr(args, "reason", None),
            original=getattr(args, "original", None),
        )
    finally:
        if store is not None:
            store.close()
    _print_result(res, bool(getattr(args, "json", False)))
    if res.saved and res.compliant:
        return EXIT_OK
    return EXIT_NOT_COMPLIANT


def cmd_process(args: argparse.Namespace) -> int:
    from capture_station.candidate_id import require_valid_id
    from capture_station.image_source import open_image_file

    require_valid_id(args.id, _standard(args))  # refuse a bad ID before reading anything
    src = open_image_file(args.image)
    return run_process_command(src, args)


def _expand(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(
                q for q in p.iterdir()
                if q.is_file() and not q.name.startswith(".") and q.suffix.lower() in IMAGE_SUFFIXES
            )
            out.extend(files)
        else:
            out.append(p)
    return out


def _shown(p: Path) -> str:
    """A path as printed: undecodable bytes of a file name as backslash escapes, never an error."""
    return os.fsdecode(str(p)).encode("utf-8", "backslashreplace").decode("utf-8")


def cmd_check(args: argparse.Namespace) -> int:
    """Check finished photos; with many of them, in worker processes.

    Face analysis and the content checks cost ~45 ms a photo, so a folder of an office's photos
    is checked in :func:`export.worker_count` spawned processes (each with its own models), and
    a few photos in this process, where starting the workers (~1.5 s, mostly loading MediaPipe)
    would cost more than it saves. Either way each file is read only when the checker is ready for it (a big folder is
    never in memory at once), the rows come back in the order of the input, and the output, the
    reports and the exit code are the same.
    """
    from capture_station.export import VerifyJob, VerifyOutcome, verify_stream, worker_count

    standard = _standard(args)
    files = _expand(args.paths)
    if not files:
        raise CliError("no photos found in " + ", ".join(args.paths))
    want_report = bool(getattr(args, "report", None))
    slots: list[dict[str, Any] | None] = [None] * len(files)
    input_error = False
    any_bad = False

    def jobs() -> Iterator[VerifyJob]:
        nonlocal input_error
        for i, p in enumerate(files):
            shown = _shown(p)
            try:
                if p.is_dir():
                    raise OSError("is a folder")
                data = p.read_bytes()
            except FileNotFoundError:
                slots[i] = {"path": shown, "compliant": False, "error": "no such file (or a broken link)"}
                input_error = True
                continue
            except OSError as e:
                slots[i] = {"path": shown, "compliant": False, "error": e.strerror or str(e)}
                input_error = True
                continue
            yield VerifyJob(str(i), data, p.name, (i, p.stem, shown))

    def on_result(job: VerifyJob, out: VerifyOutcome) -> None:
        nonlocal any_bad
        # Imported here, not above: NumPy and OpenCV come with it (~0.25 s), and the workers
        # start sooner when this process imports them while they load their models.
        from capture_station.checks import top_hints

        i, stem, shown = job.payload
        results = out.results or []
        any_bad |= not out.compliant
        row: dict[str, Any] = {
            "id": stem,
            "source": shown,
            "path": shown,
            "compliant": out.compliant,
            "bytes": len(job.data),
            "quality": out.quality,
            "checks": out.checks,  # CheckResult.as_json("en"), made where the photo was checked
            "hints": top_hints(results, "en", n=5),
        }
        if want_report:
            from capture_station import report

            row["_hints"] = report.hint_pairs(results, row["hints"])
            row["_thumb"] = report.thumbnail_from_bytes(job.data) if out.decoded else None
        slots[i] = row

    verify_stream(jobs(), standard, on_result, worker_count(len(files)), full=True,
                  exif_date=True, keep_results=True)
    rows = [r for r in slots if r is not None]
    if getattr(args, "report", None) or getattr(args, "csv", None):
        from capture_station import report

        if args.report:
            report.write_html(Path(args.report), rows, standard)
        if args.csv:
            report.write_csv(Path(args.csv), rows)
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    if args.json:
        print(json.dumps(public, ensure_ascii=False, indent=2))
    else:
        for r in public:
            if "error" in r:
                print(f"ERROR  {r['path']}: {r['error']}")
                continue
            word = "OK  " if r["compliant"] else "FAIL"
            print(f"{word}   {r['path']} ({r['bytes']} bytes, quality {r['quality']})")
            for c in r["checks"]:
                if c["status"] in ("fail", "warn"):
                    print(f"       {c['status']:5s} {c['id']:22s} {c['message']}")
    if input_error:
        for r in public:
            if "error" in r:
                _err(f"{r['path']}: {r['error']}")
        return EXIT_INPUT
    return EXIT_NOT_COMPLIANT if any_bad else EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from capture_station.gui.app import run_gui
    except ImportError as e:
        raise CliError(f"the station window is not available: {e}") from None
    return int(run_gui(args))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="capture-station",
        description="Photo capture station for the self-study examination graduation e-registration.",
    )
    p.add_argument("--version", action="version", version=f"capture-station {__version__}")
    p.add_argument("--standard", default=None, help="standard name or TOML file (default xinjiang-zikao)")
    p.add_argument("--data-dir", default=None, help="station store folder (env CAPTURE_STATION_DATA)")
    sub = p.add_subparsers(dest="command")

    pp = sub.add_parser("process", help="turn one portrait shot into a verified 480x640 photo")
    pp.add_argument("image")
    pp.add_argument("--id", required=True, help="candidate ID (admission number or resident ID)")
    pp.add_argument("--out", help="write only DIR/<ID>.jpg instead of saving into the store")
    pp.add_argument("--force", action="store_true", help="save even when a check fails")
    pp.add_argument("--reason", help="override reason recorded with --force")
    pp.add_argument("--json", action="store_true")
    pp.set_defaults(func=cmd_process)

    pc = sub.add_parser("check", help="check finished photos (files or folders)")
    pc.add_argument("paths", nargs="+")
    pc.add_argument("--json", action="store_true")
    pc.add_argument("--report", help="write an HTML report")
    pc.add_argument("--csv", help="write the results as CSV")
    pc.set_defaults(func=cmd_check)

    pg = sub.add_parser("gui", help="start the station window")
    pg.add_argument("--camera", default=None, help="camera spec: webcam:0, gphoto2[:PORT], demo[:PATH]")
    pg.add_argument("--lang", default=None, choices=["zh_CN", "en"])
    pg.set_defaults(func=cmd_gui)

    try:
        from capture_station import cli_cameras
    except ImportError:
        cli_cameras = None  # type: ignore[assignment]
    if cli_cameras is not None:
        cli_cameras.register(sub)
    from capture_station import cli_records

    cli_records.register(sub)
    from capture_station import cli_calibrate

    cli_calibrate.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from capture_station.candidate_id import InvalidCandidateId
    from capture_station.image_source import ImageLoadError
    from capture_station.standard import StandardError
    from capture_station.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        args.func, args.camera, args.lang = cmd_gui, None, None
    debug = bool(os.environ.get("CAPTURE_STATION_DEBUG"))
    try:
        return int(args.func(args))
    except InvalidCandidateId as e:
        _err(f"invalid candidate ID: {e}")
    except (ImageLoadError, StandardError, StoreError, CliError) as e:
        _err(str(e))
    except sqlite3.Error as e:
        _err(f"station database error: {e}")
    except OSError as e:
        _err(f"{e.strerror or e}" + (f": {e.filename}" if getattr(e, "filename", None) else ""))
    except KeyboardInterrupt:
        _err("interrupted")
    except Exception as e:
        if debug:
            raise
        _err(f"internal error: {type(e).__name__}: {e}")
    return EXIT_INPUT
