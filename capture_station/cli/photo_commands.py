"""The photo commands: ``process`` (one shot into a verified, filed photo) and ``check``
(finished photos judged again, with an HTML/CSV report).

Exit codes: 0 compliant (and saved), 1 not compliant, 2 bad input or an error the operator must
fix (unreadable image, bad candidate ID, disk full).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from capture_station.cli.common import (
    EXIT_INPUT,
    EXIT_NOT_COMPLIANT,
    EXIT_OK,
    CliError,
    add_show_ids,
    data_dir_of,
    err,
    shared_help,
    shown,
    standard_of,
)
from capture_station.cli.usage_errors import tr
from capture_station.messages import language, pad, status_word, text

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".heic"}


def register(sub: Any) -> None:
    """Add ``process`` and ``check`` to the main parser's subcommands."""
    pp = sub.add_parser("process", help=tr("把一张人像原片裁切成 480x640 的照片并逐项检查",
                                           "turn one portrait shot into a verified 480x640 "
                                           "photo"))
    pp.add_argument("image", help=tr("人像原片（JPEG、PNG 等图像文件）",
                                     "the portrait shot (an image file: JPEG, PNG, ...)"))
    pp.add_argument("--id", required=True, help=shared_help("id"))
    pp.add_argument("--out", help=tr("只写出 OUT/<考生号>.jpg，不存入采集站数据",
                                     "write only OUT/<ID>.jpg instead of saving into the store"))
    pp.add_argument("--force", action="store_true", help=shared_help("force"))
    pp.add_argument("--reason", help=shared_help("reason"))
    pp.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pp)
    pp.set_defaults(func=cmd_process)

    pc = sub.add_parser("check", help=tr("检查已做好的照片（文件或文件夹）",
                                         "check finished photos (files or folders)"))
    pc.add_argument("paths", nargs="+", help=tr("照片文件或文件夹（检查文件夹中的每张照片）",
                                                "photo files or folders (every photo in a "
                                                "folder)"))
    pc.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pc)
    pc.add_argument("--report", help=tr("同时写出 HTML 格式的检查报告", "write an HTML report"))
    pc.add_argument("--csv", help=tr("同时把结果写成 CSV 文件", "write the results as CSV"))
    pc.set_defaults(func=cmd_check)


def _print_result(res: Any, as_json: bool, lang: str | None = None) -> None:
    lang = lang or language()
    if as_json:
        print(json.dumps(res.as_json(lang), ensure_ascii=False, indent=2))
        return
    if res.saved:
        print(text("photo.saved", lang, path=res.path, size=res.bytes, quality=res.quality))
    elif res.compliant and res.data is not None:
        print(text("photo.compliant_not_saved", lang, size=res.bytes, quality=res.quality))
    else:
        print(text("photo.not_compliant", lang, reason=res.reason or text("photo.see_checks", lang)))
    for c in res.checks:
        if c.status.value != "pass":
            print(f"  {pad(status_word(c.status.value, lang), 12)} {c.id:22s} {c.message(lang)}")
    for h in res.hints(lang):
        print(f"  {text('hint', lang)}: {h}")


def run_process_command(source: Any, args: argparse.Namespace) -> int:
    """Shared by ``process`` and ``capture``: run the pipeline on a source and report."""
    from capture_station.photo.pipeline import Pipeline
    from capture_station.records.filing import file_photo
    from capture_station.records.store import Store

    std = standard_of(args)
    if getattr(args, "force", False) and not (getattr(args, "reason", None) or "").strip():
        raise CliError(text("force.needs_reason"))
    pipe = Pipeline(std)
    out = getattr(args, "out", None)
    store = None
    try:
        if not out:
            store = Store(data_dir_of(args), std)
            store.require_writable()  # before the work, not after it
        res = file_photo(
            pipe,
            source,
            args.id,
            store=store,
            out_dir=Path(out) if out else None,
            force=bool(getattr(args, "force", False)),
            override_reason=getattr(args, "reason", None),
            original=getattr(args, "original", None),
            demo=bool(getattr(args, "demo", False)),
        )
    finally:
        if store is not None:
            store.close()
    _print_result(res, bool(getattr(args, "json", False)))
    if res.saved and res.compliant:
        return EXIT_OK
    return EXIT_NOT_COMPLIANT


def cmd_process(args: argparse.Namespace) -> int:
    from capture_station.imaging.image_source import open_image_file
    from capture_station.records.candidate_id import require_valid_id

    require_valid_id(args.id, standard_of(args))  # refuse a bad ID before reading anything
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


def cmd_check(args: argparse.Namespace) -> int:
    """Check finished photos; with many of them, in worker processes.

    Face analysis and the content checks cost ~45 ms a photo, so a folder of an office's photos
    is checked in :func:`~capture_station.photo.verify_pool.worker_count` spawned processes (each
    with its own models), and
    a few photos in this process, where starting the workers (~1.5 s, mostly loading MediaPipe)
    would cost more than it saves. Either way each file is read only when the checker is ready for it (a big folder is
    never in memory at once), the rows come back in the order of the input, and the output, the
    reports and the exit code are the same.
    """
    from capture_station.atomic_io import read_regular_file
    from capture_station.imaging.image_source import MAX_FILE_BYTES
    from capture_station.photo.verify_pool import (
        VerifyJob,
        VerifyOutcome,
        verify_stream,
        worker_count,
    )

    standard = standard_of(args)
    lang = language()
    files = _expand(args.paths)
    if not files:
        raise CliError(text("check.no_photos", paths=", ".join(args.paths)))
    want_report = bool(getattr(args, "report", None))
    slots: list[dict[str, Any] | None] = [None] * len(files)
    input_error = False
    any_bad = False

    def jobs() -> Iterator[VerifyJob]:
        nonlocal input_error
        for i, p in enumerate(files):
            name = shown(p)
            try:
                if p.is_dir():
                    raise OSError(text("check.is_folder"))
                data = read_regular_file(p, MAX_FILE_BYTES)
            except FileNotFoundError:
                slots[i] = {"path": name, "compliant": False, "error": text("check.no_such_file")}
                input_error = True
                continue
            except OSError as e:
                slots[i] = {"path": name, "compliant": False, "error": e.strerror or str(e)}
                input_error = True
                continue
            yield VerifyJob(str(i), data, p.name, (i, p.stem, name))

    def on_result(job: VerifyJob, out: VerifyOutcome) -> None:
        nonlocal any_bad
        # Imported here, not above: NumPy and OpenCV come with it (~0.25 s), and the workers
        # start sooner when this process imports them while they load their models.
        from capture_station.checks import top_hints

        i, stem, name = job.payload
        results = out.results or []
        any_bad |= not out.compliant
        row: dict[str, Any] = {
            "id": stem,
            "source": name,
            "path": name,
            "compliant": out.compliant,
            "bytes": len(job.data),
            "quality": out.quality,
            # CheckResult.as_json("en") is made where the photo was checked; another language
            # from the results themselves
            "checks": (out.checks if lang == "en" or out.results is None
                       else [c.as_json(lang) for c in out.results]),
            "hints": top_hints(results, lang, n=5),
        }
        if want_report:
            from capture_station.cli import check_report as report

            row["_hints"] = report.hint_pairs(results, row["hints"])
            row["_thumb"] = report.thumbnail_from_bytes(job.data) if out.decoded else None
        slots[i] = row

    verify_stream(jobs(), standard, on_result, worker_count(len(files)), full=True,
                  exif_date=True, keep_results=True)
    rows = [r for r in slots if r is not None]
    if getattr(args, "report", None) or getattr(args, "csv", None):
        from capture_station.cli import check_report as report

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
                print(f"{pad(text('verdict.error'), 6)} {r['path']}: {r['error']}")
                continue
            word = text("verdict.ok" if r["compliant"] else "verdict.fail")
            print(text("check.file_line", verdict=pad(word, 6), path=r["path"], size=r["bytes"],
                       quality=r["quality"]))
            for c in r["checks"]:
                if c["status"] in ("fail", "warn"):
                    word = status_word(c["status"])
                    print(f"       {pad(word, 6 if lang != 'en' else 5)} {c['id']:22s} {c['message']}")
    if input_error:
        for r in public:
            if "error" in r:
                err(f"{r['path']}: {r['error']}")
        return EXIT_INPUT
    return EXIT_NOT_COMPLIANT if any_bad else EXIT_OK
