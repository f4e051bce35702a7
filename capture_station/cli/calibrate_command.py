"""The ``calibrate`` subcommand: measure the station's lighting from files or a camera.

Why a command: the morning calibration must also work on a station whose window is not running
(a script, a remote check), and the figures must be easy to file. It takes the empty backdrop
from a file or a camera still, optionally a second picture with a person or grey card seated
(``--subject FILE`` or ``--subject camera``, which prompts on the terminal), grades every item,
prints them, saves the result as the station's calibration profile in the data folder and,
with ``--report DIR``, writes the printable report and the heat map there too.

Exit codes: 0 passed (warnings allowed), 1 an item failed, 2 bad input (unreadable image,
camera error, disk full): one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import numpy as np

from capture_station.cli.common import err, shared_help
from capture_station.cli.usage_errors import tr
from capture_station.messages import language, pad, text

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INPUT = 2
CAMERA = "camera"
DECODE_SIZE = (2048, 2048)  # large JPEGs are decoded with DCT scaling to at least this size


class CalibrateError(Exception):
    """A one-line problem for the operator (exit code 2)."""


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "calibrate",
        help=tr("测量灯光：拍空背景（再拍一人或灰卡在考生位置）",
                "measure the lighting: empty backdrop (and a seated person or grey card)"),
        description=tr("灯光校准（标准 二.1、三.1、三.2）。退出码：0 合格，1 有项目不合格，"
                       "2 输入有误。",
                       "Lighting calibration (standard 二.1, 三.1, 三.2). Exit 0 passed, "
                       "1 an item failed, 2 bad input."),
    )
    p.add_argument("backdrop", nargs="?", metavar="BACKDROP_IMAGE",
                   help=tr("空背景的照片（用 --camera 时可省略：由相机拍摄）",
                           "picture of the empty backdrop (omit with --camera: a still is "
                           "taken)"))
    p.add_argument("--subject", metavar="IMAGE",
                   help=tr("一人坐在考生位置（或举灰卡）的照片；写 camera 则在提示后由相机拍摄",
                           "picture with a person or grey card seated; 'camera' takes a still "
                           "after a prompt"))
    p.add_argument("--camera", metavar="SPEC", help=shared_help("camera"))
    p.add_argument("--white-balance", metavar="WB",
                   help=tr("读不出相机的白平衡时，由此给出（Daylight、5500K、Auto）",
                           "the camera's white balance when it cannot be read (Daylight, 5500K, "
                           "Auto)"))
    p.add_argument("--report", metavar="DIR",
                   help=tr("同时把 report.html 和 heatmap.png 写到 DIR",
                           "also write report.html and heatmap.png to DIR"))
    p.add_argument("--json", action="store_true", help=shared_help("json"))
    p.add_argument("--office", metavar="NAME",
                   help=tr("考试机构（代码或名称；默认取自设置）",
                           "examination office (code or name; default from settings)"))
    p.add_argument("--station", metavar="NAME",
                   help=tr("站点名称（默认取自设置）", "station name (default from settings)"))
    p.add_argument("--no-save", action="store_true",
                   help=tr("不把结果保存为本机校准",
                           "do not save the result as the station's calibration profile"))
    p.add_argument("--timeout", type=float, default=10.0,
                   help=tr("等待相机的秒数（默认 10）", "seconds to wait for the camera (default 10)"))
    # SUPPRESS: when given before the subcommand (global options), keep that value
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help=tr("采集站数据文件夹（默认取自设置）",
                           "station data folder (default from settings)"))
    p.add_argument("--standard", default=argparse.SUPPRESS, help=shared_help("standard"))
    p.set_defaults(func=cmd_calibrate)


def _load(path: str) -> tuple[np.ndarray, str | None]:
    """Decode an image file; also the white balance from its EXIF, when recorded."""
    from capture_station.calibration.white_balance import white_balance_from_exif
    from capture_station.imaging.image_source import open_image_file

    src = open_image_file(path)
    rgb, _ = src.decode(min_size=DECODE_SIZE)
    return np.ascontiguousarray(rgb), white_balance_from_exif(src.data)


class _Camera:
    """One open camera for the whole command (backdrop still, then the subject still)."""

    def __init__(self, spec: str, timeout: float) -> None:
        from capture_station.cameras import open_camera

        self.spec = spec
        self.timeout = timeout
        self.cam = open_camera(spec)
        self._warm = False

    def close(self) -> None:
        self.cam.close()

    def _warm_up(self) -> None:
        if self._warm:
            return
        self.cam.warm_up(self.timeout)
        self._warm = True

    def still(self) -> np.ndarray:
        self._warm_up()
        s = self.cam.capture_still()
        rgb = s.rgb
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            from capture_station.cameras import CameraError

            raise CameraError("camera.bad_picture", camera=self.cam.localized_name,
                              shape=str(rgb.shape))
        return np.ascontiguousarray(rgb)

    def white_balance(self) -> str | None:
        try:
            setting = self.cam.settings().get("white_balance")
        except Exception:  # noqa: BLE001 - a camera without settings: white balance unknown
            return None
        return None if setting is None else str(setting.value)


def _office_name(value: str) -> str:
    from capture_station.settings import office_by_code

    try:
        o = office_by_code(value)
    except (OSError, ValueError, KeyError):
        o = None
    return o.name_zh if o is not None else value


def _defaults(args: argparse.Namespace) -> tuple[str, str, Path]:
    from capture_station.paths import default_data_dir
    from capture_station.settings import load_settings

    s = load_settings(warnings=[])
    office = args.office if args.office is not None else s.office
    station = args.station if args.station is not None else (s.station_name or socket.gethostname())
    d = getattr(args, "data_dir", None)
    data_dir = Path(d) if d else (Path(s.data_dir).expanduser() if s.data_dir else default_data_dir())
    return _office_name(office) if office else "", station, data_dir


def _prompt(lang: str) -> None:
    print(text("calibration.prompt", lang), file=sys.stderr, flush=True)
    if sys.stdin is None or sys.stdin.closed:
        return
    try:
        sys.stdin.readline()
    except (OSError, ValueError):
        pass


def _print_text(result: Any, lang: str, saved: Path | None, report_dir: Path | None) -> None:
    from capture_station.checks.engine import Status

    n_fail = len(result.by_status(Status.FAIL))
    n_warn = len(result.by_status(Status.WARN))
    word = text(f"calibration.{result.status.value}", lang)
    print(text("calibration.summary", lang, title=text("calibration.title", lang), word=word,
               fails=n_fail, warns=n_warn, plural="" if n_warn == 1 else "s"))
    for it in result.items:
        st = text(f"calibration.status.{it.status.value}", lang)
        print(f"  {pad(st, 12)} {it.id:30s} {it.value_text():>10s}  {it.message(lang)}")
    for h in result.hints(lang):
        print(f"  {text('hint', lang)}: {h}")
    if saved is not None:
        print(text("calibration.saved", lang, path=saved))
    if report_dir is not None:
        print(text("calibration.report", lang, path=report_dir / "report.html"))


def cmd_calibrate(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except CalibrateError as e:
        err(str(e))
    except KeyboardInterrupt:
        err(text("error.interrupted"))
    return EXIT_INPUT


def _run(args: argparse.Namespace) -> int:
    lang = language()
    from capture_station.calibration import calibrate
    from capture_station.calibration.profile import ProfileError, save_profile
    from capture_station.calibration.reference import ReferenceError, load_reference
    from capture_station.calibration.report import render_heatmap, report_html
    from capture_station.cameras import CameraError
    from capture_station.imaging.image_source import ImageLoadError
    from capture_station.standard import StandardError, load_standard

    subject_from_camera = args.subject is not None and args.subject.strip().lower() == CAMERA
    if args.backdrop is None and not args.camera:
        raise CalibrateError(text("calibration.need_backdrop"))
    if subject_from_camera and not args.camera:
        raise CalibrateError(text("calibration.subject_needs_camera"))
    try:
        std = load_standard(getattr(args, "standard", None) or "xinjiang-zikao")
        ref = load_reference()
    except (StandardError, ReferenceError) as e:
        raise CalibrateError(str(e)) from None
    office, station, data_dir = _defaults(args)

    wb: str | None = args.white_balance
    wb_source = "operator" if wb else ""
    camera: _Camera | None = None
    camera_name = ""
    backdrop: np.ndarray | None = None
    subject: np.ndarray | None = None
    try:
        if args.backdrop is not None:
            backdrop, exif_wb = _load(args.backdrop)
            if wb is None and exif_wb is not None:
                wb, wb_source = exif_wb, "exif"
        if args.subject is not None and not subject_from_camera:
            subject, _ = _load(args.subject)
        if args.camera and (args.backdrop is None or subject_from_camera):
            camera = _Camera(args.camera, args.timeout)
            camera_name = camera.cam.name
            if wb is None:
                cam_wb = camera.white_balance()
                if cam_wb:
                    wb, wb_source = cam_wb, "camera"
            if args.backdrop is None:
                print(text("calibration.taking_backdrop", lang), file=sys.stderr, flush=True)
                backdrop = camera.still()
            if subject_from_camera:
                _prompt(lang)
                subject = camera.still()
    except ImageLoadError as e:
        raise CalibrateError(str(e)) from None
    except CameraError as e:
        raise CalibrateError(str(e)) from None
    finally:
        if camera is not None:
            camera.close()

    from capture_station.calibration.white_balance import parse_white_balance

    if backdrop is None:
        raise CalibrateError(text("calibration.no_backdrop"))
    white_balance = parse_white_balance(wb, ref, source=wb_source)
    try:
        result = calibrate(backdrop, subject, standard=std, white_balance=white_balance,
                           reference=ref, office=office, station=station,
                           camera=camera_name or (args.camera or ""))
    except ValueError as e:
        raise CalibrateError(str(e)) from None

    saved: Path | None = None
    if not args.no_save:
        try:
            prof = save_profile(result, data_dir, backdrop_rgb=backdrop, reference=ref)
        except ProfileError as e:
            raise CalibrateError(str(e)) from None
        saved = prof.folder
    report_dir: Path | None = None
    if args.report:
        report_dir = Path(args.report)
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
            heat = render_heatmap(result, reference=ref)
            (report_dir / "heatmap.png").write_bytes(heat.png)
            (report_dir / "report.html").write_text(
                report_html(result, heatmap_png=heat.png, reference=ref), encoding="utf-8")
        except OSError as e:
            raise CalibrateError(text("calibration.report_unwritable", path=report_dir,
                                      why=e.strerror or e)) from None

    if args.json:
        out = result.as_json(lang)
        out["profile"] = None if saved is None else os.fspath(saved)
        out["report"] = None if report_dir is None else os.fspath(report_dir / "report.html")
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_text(result, lang, saved, report_dir)
    return EXIT_OK if result.passed else EXIT_FAIL
