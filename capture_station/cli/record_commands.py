"""Command line for the records: ``roster import``, ``export`` and ``import-export``.

:func:`register` adds the subcommands to the main parser.

Exit codes follow the rest of the command line: 0 everything done, 1 done except some rows or
photos (reported with their reasons), 2 bad input or an export that cannot be written: one line
on stderr, never a traceback. Resident ID numbers are masked in everything printed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from capture_station.cli.common import (
    EXIT_INPUT,
    add_show_ids,
    data_dir_of,
    err,
    shared_help,
    standard_of,
)
from capture_station.cli.usage_errors import tr
from capture_station.messages import is_chinese, text

EXIT_SOME_BAD = 1


def _open_store(args: argparse.Namespace, create: bool = True) -> Any:
    """The store of ``args``; ``create=False`` for commands that only read it (a mistyped
    ``--data-dir`` is then an error, not a new empty store)."""
    from capture_station.records.store import Store

    return Store(data_dir_of(args), standard_of(args), create=create)


def _on_store(args: argparse.Namespace, work: Callable[[Any], Any],
              refusal: type[Exception], create: bool = True) -> Any:
    """``work(store)`` on the store of ``args``, closed afterwards; a ``refusal`` is printed as
    its one line and gives None."""
    store = _open_store(args, create)
    try:
        return work(store)
    except refusal as e:
        err(str(e))
        return None
    finally:
        store.close()


def _print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def cmd_roster_import(args: argparse.Namespace) -> int:
    from capture_station.records.roster import RosterError, import_roster, parse_roster

    path = Path(args.file)
    try:  # read the file before opening the store: an unreadable roster touches nothing
        parsed = parse_roster(path, standard_of(args), args.office)
    except RosterError as e:
        err(str(e))
        return EXIT_INPUT
    store = _open_store(args)
    try:
        rep = import_roster(store, path, default_office=args.office, parsed=parsed)
    finally:
        store.close()
    if args.json:
        _print_json(rep.as_json(show_ids=args.show_ids))
    else:
        print(text("roster.summary", file=rep.file, encoding=rep.encoding, added=len(rep.added),
                   updated=len(rep.updated), unchanged=rep.unchanged, bad=len(rep.bad)))
        for b in rep.bad:
            where = f"{b.sheet}!" if b.sheet else ""
            ident = f" {b.id}" if b.id else ""
            print(text("roster.bad_line", where=where, line=b.line, ident=ident, reason=b.reason))
    return rep.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    from capture_station.records.export import (
        ExportError,
        ExportOptions,
        check_out_path,
        export_path,
        parse_date,
        read_ids_file,
        run_export,
    )

    try:  # all input is checked before opening the store: a refused export touches nothing
        out = export_path(Path(args.out), args.zip)
        check_out_path(out)
        since = parse_date(args.since) if args.since else None
        until = parse_date(args.until, end=True) if args.until else None
        if since and until and since >= until:
            raise ExportError(text("export.since_after_until"))
        ids = read_ids_file(Path(args.ids), standard_of(args)) if args.ids else None
    except ExportError as e:
        err(str(e))
        return EXIT_INPUT
    office, key = _export_defaults(args)
    opts = ExportOptions(out=out, since=since, until=until, ids=ids, as_zip=args.zip,
                         encoding=args.encoding, workers=args.workers, office=office,
                         file_key=key)
    rep = _on_store(args, lambda store: run_export(store, opts), ExportError, create=False)
    if rep is None:
        return EXIT_INPUT
    if args.json:
        _print_json(rep.as_json(show_ids=args.show_ids))
    else:
        kind = text("export.kind_zip" if rep.as_zip else "export.kind_folder")
        print(text("export.summary", n=len(rep.exported), kind=kind, out=rep.out,
                   seconds=rep.seconds, excluded=len(rep.excluded), missing=len(rep.missing)))
        for e in rep.excluded:
            from capture_station.records.roster import show_id

            reason = (getattr(e, "reason_zh", "") or e.reason) if is_chinese() else e.reason
            print(text("export.excluded", id=show_id(e.candidate_id), reason=reason))
        for n in rep.notes:
            print(f"  {text('note')}: {n}")
    return rep.exit_code


def _export_defaults(args: argparse.Namespace) -> tuple[str, str]:
    """The office and file key of an export: ``--office`` / ``--key``, else the station's
    settings (the office chosen on first run, the office's file key)."""
    from capture_station.settings import load_settings, office_written_name

    s = load_settings(warnings=[])
    office = args.office if args.office is not None else s.office
    key = args.key if args.key is not None else s.export_file_key
    return office_written_name(office), key


def cmd_import_export(args: argparse.Namespace) -> int:
    from capture_station.records.merge import MergeError, merge_export

    path = Path(args.path)
    if not path.exists():
        err(text("path.missing", path=path))
        return EXIT_INPUT
    rep = _on_store(args, lambda store: merge_export(store, path, workers=args.workers),
                    MergeError)
    if rep is None:
        return EXIT_INPUT
    if args.json:
        _print_json(rep.as_json(show_ids=args.show_ids))
    else:
        print(text("merge.summary", source=rep.source, stations=", ".join(rep.stations) or "-",
                   imported=len(rep.imported), unchanged=len(rep.unchanged),
                   skipped=len(rep.skipped_older), rejected=len(rep.rejected)))
        from capture_station.records.roster import show_id

        for r in rep.rejected:
            print(text("merge.rejected", line=r.line, id=show_id(r.candidate_id), reason=r.reason))
    return rep.exit_code


def _workers(text: str) -> int:
    """``--workers``' value; its refusals in the command's language (argparse prints them as
    they are, after the option's name)."""
    try:
        n = int(text)
    except ValueError:
        why = tr("应为进程数（整数）", "expected a number of processes")
        raise argparse.ArgumentTypeError(why) from None
    if n < 0:
        raise argparse.ArgumentTypeError(tr("应为 0 或更大的数", "expected 0 or more"))
    return n


def register(sub: Any) -> None:
    """Add ``roster``, ``export`` and ``import-export`` to the main parser's sub-commands."""
    pr = sub.add_parser("roster", help=tr("考生名单", "the office's candidate list"))
    rsub = pr.add_subparsers(dest="roster_command", required=True)
    pi = rsub.add_parser("import", help=tr("导入考生名单（UTF-8 或 GBK 编码的 CSV，或 XLSX）",
                                           "import a roster (CSV in UTF-8 or GBK, or XLSX)"))
    pi.add_argument("file", help=tr("名单文件", "the roster file"))
    pi.add_argument("--office", default=None,
                    help=tr("名单中没有考办一列时，各行所属的考办",
                            "office for rows without an office column"))
    pi.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pi)
    pi.set_defaults(func=cmd_roster_import)

    pe = sub.add_parser("export", help=tr("导出合格的照片（文件夹或 ZIP 文件），附清单",
                                          "export the accepted photos (folder or ZIP) with a "
                                          "manifest"))
    pe.add_argument("--out", required=True,
                    help=tr("新建的文件夹（用 --zip 时为 ZIP 文件）；不会覆盖已有的文件",
                            "new folder (or ZIP file with --zip); never overwritten"))
    pe.add_argument("--since", default=None, metavar="DATE",
                    help=tr("只导出这一天及以后拍摄的照片（YYYY-MM-DD）",
                            "captured on or after DATE (YYYY-MM-DD)"))
    pe.add_argument("--until", default=None, metavar="DATE",
                    help=tr("只导出这一天及以前拍摄的照片（YYYY-MM-DD）",
                            "captured on or before DATE (YYYY-MM-DD)"))
    pe.add_argument("--ids", default=None,
                    help=tr("只导出这个文件中的考生（每行一个考生号）",
                            "only the candidates in this file (one candidate ID a line)"))
    pe.add_argument("--zip", action="store_true",
                    help=tr("写成一个 ZIP 文件而不是文件夹（名称后自动加 .zip）",
                            "write one ZIP file instead of a folder (.zip is added to its name)"))
    pe.add_argument("--key", default=None, choices=["admission", "resident"],
                    help=tr("照片文件名：admission 用准考证号，resident 用身份证号（默认取自设置）",
                            "name the photos by admission number or by resident ID "
                            "(default: the station's setting, admission)"))
    pe.add_argument("--office", default=None,
                    help=tr("写入清单的考试机构（代码或名称；默认取自设置）",
                            "examination office written into the manifest (code or name; "
                            "default: the station's office)"))
    pe.add_argument("--encoding", default="utf-8", choices=["utf-8", "gbk"],
                    help=tr("清单 CSV 的编码：utf-8（带 BOM，默认）或 gbk",
                            "CSV encoding: utf-8 (with BOM, default) or gbk"))
    pe.add_argument("--workers", type=_workers, default=None, help=shared_help("workers"))
    pe.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pe)
    pe.set_defaults(func=cmd_export)

    pm = sub.add_parser("import-export", help=tr("把另一台采集站的导出合并到本机数据",
                                                 "merge another station's export into this "
                                                 "store"))
    pm.add_argument("path", help=tr("导出的文件夹或 ZIP 文件", "export folder or ZIP"))
    pm.add_argument("--workers", type=_workers, default=None, help=shared_help("workers"))
    pm.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pm)
    pm.set_defaults(func=cmd_import_export)
