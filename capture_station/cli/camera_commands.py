"""The camera subcommands of the command line: ``cameras`` and ``capture``.

``cameras`` tells the operator (or a script, with ``--json``) which camera specs will work on
this machine. ``capture`` takes one still from a camera and hands it to the same processing as
``process`` (crop, checks, encode, save), so a station can be driven without the window:
a DSLR's original JPEG goes in as a file (and is archived with the result), a webcam or demo
frame as an in-memory image.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from capture_station.cameras import CameraError, Still, list_cameras, open_camera
from capture_station.cli.common import EXIT_INPUT, add_show_ids, err, shared_help
from capture_station.cli.photo_commands import run_process_command
from capture_station.cli.usage_errors import tr
from capture_station.messages import columns, pad, text


def register(subparsers: Any) -> None:
    """Add the ``cameras`` and ``capture`` subcommands to an argparse subparsers object."""
    pl = subparsers.add_parser("cameras", help=tr("列出本机可用的相机",
                                                  "list the cameras this station can use"))
    pl.add_argument("--json", action="store_true",
                    help=tr("以 JSON 格式输出列表（供脚本读取）",
                            "print the list as JSON (for scripts)"))
    pl.set_defaults(func=cmd_cameras)

    pc = subparsers.add_parser(
        "capture", help=tr("用相机拍一张照片，并像 process 一样处理",
                           "take one still with a camera and process it like 'process'"),
    )
    pc.add_argument(
        "--camera", required=True, metavar="SPEC",
        help=tr("使用的相机：webcam:0（摄像头）、gphoto2[:PORT]（单反相机）、demo[:PATH]"
                "（演示相机）；可用的相机见 cameras 子命令",
                "camera spec: webcam:0, gphoto2[:PORT], demo[:PATH] (see 'cameras')"),
    )
    pc.add_argument("--id", required=True, help=shared_help("id"))
    pc.add_argument("--out", metavar="DIR", help=tr("只写出 DIR/<考生号>.jpg，不存入采集站数据",
                                                    "write only DIR/<ID>.jpg instead of the "
                                                    "store"))
    # SUPPRESS: when given before the subcommand (global options), keep that value
    pc.add_argument("--data-dir", default=argparse.SUPPRESS, help=shared_help("data-dir"))
    pc.add_argument("--standard", default=argparse.SUPPRESS, help=shared_help("standard"))
    pc.add_argument("--force", action="store_true", help=shared_help("force"))
    pc.add_argument("--reason", help=shared_help("reason"))
    pc.add_argument("--json", action="store_true", help=shared_help("json"))
    add_show_ids(pc)
    pc.add_argument(
        "--timeout", type=float, default=10.0,
        help=tr("等待相机的秒数（默认 10）", "seconds to wait for the camera (default 10)"),
    )
    pc.set_defaults(func=cmd_capture)


def cmd_cameras(args: argparse.Namespace) -> int:
    infos = list_cameras()
    if getattr(args, "json", False):
        print(json.dumps([i.as_dict() for i in infos], ensure_ascii=False, indent=2))
        return 0
    rows = [tuple(text("cameras.columns").split("|"))]
    rows += [(i.kind, str(i.localized_name), i.spec, str(i.localized_port),
              text("cameras.yes" if i.live_view else "cameras.no")) for i in infos]
    widths = [max(columns(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        print("  ".join(pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip())
    return 0


def take_still(spec: str, *, timeout: float = 10.0) -> Still:
    """Open ``spec``, let live view settle for the camera's warm-up frames, take one still and
    close the camera. The still's ``metadata["camera_kind"]`` names the kind of camera (a demo
    camera's photo is recorded as such). Raises CameraError."""
    cam = open_camera(spec)
    try:
        cam.warm_up(timeout)
        still = cam.capture_still()
        still.metadata["camera_kind"] = cam.kind
        return still
    finally:
        cam.close()


def _check_id_first(args: argparse.Namespace) -> str | None:
    """Refuse a bad candidate ID before taking a picture; the reason, or None when valid."""
    try:
        from capture_station.records.candidate_id import InvalidCandidateId, require_valid_id
        from capture_station.standard import load_standard
    except ImportError:
        return None
    try:
        require_valid_id(args.id, load_standard(getattr(args, "standard", None) or "xinjiang-zikao"))
    except InvalidCandidateId as e:
        return text("error.invalid_id", why=e)
    return None


def cmd_capture(args: argparse.Namespace) -> int:
    problem = _check_id_first(args)
    if problem:
        err(problem)
        return EXIT_INPUT
    try:
        still = take_still(args.camera, timeout=float(getattr(args, "timeout", 10.0) or 10.0))
    except CameraError as e:
        err(str(e))
        return EXIT_INPUT
    from capture_station.imaging.image_source import ImageLoadError

    try:
        source, original = still.to_source(f"{args.id} ({args.camera})")
    except ImageLoadError as e:
        err(str(e))
        return EXIT_INPUT
    args.original = original
    args.demo = still.metadata.get("camera_kind") == "demo"
    return int(run_process_command(source, args))
