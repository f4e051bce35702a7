"""Screenshots of the station for the README: ``python -m capture_station.gui.screenshot OUTDIR``.

Runs the real window with the demo camera (without its sensor noise, which only makes the PNGs
larger; no display needed: Qt's offscreen platform is used when there is none), a throw-away
data folder and settings, and writes PNGs:

* ``live.png``       live view with the guide overlay, all lights green, an ID entered;
* ``review.png``     the review screen of the photo taken from it;
* ``saved.png``      the live view after saving, with the photo in today's history;
* ``live_en.png``    the live view in English.

Exit code 0 when every picture was written, 1 when the window never reached a state.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEMO_ID = "2023650100123"
DEMO_CAMERA = "demo?noise=0"
SHOWN_FOLDER = "~/.local/share/capture-station"


def _wait(app: object, cond: Callable[[], bool], timeout: float) -> bool:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if cond():
            return True
        time.sleep(0.005)
    return cond()


def take(outdir: Path, camera: str = DEMO_CAMERA, timeout: float = 90.0,
         size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Write the screenshots into ``outdir``; returns the files written."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from capture_station.gui import i18n
    from capture_station.gui.app import ensure_app
    from capture_station.gui.main_window import MainWindow, Phase
    from capture_station.settings import Settings

    app = ensure_app()
    i18n.set_language("zh_CN")
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="station-shots-") as tmp:
        settings = Settings(office="urumqi", station_name="乌鲁木齐 第1采集点", operator="操作员",
                            data_dir=str(Path(tmp) / "data"), camera=camera)
        win = MainWindow(settings, settings_path=Path(tmp) / "settings.json")
        # Show a typical folder instead of the throw-away one in the pictures.
        show_disk = win.status.set_disk
        win.status.set_disk = lambda folder, free: show_disk(  # type: ignore[method-assign]
            folder.replace(settings.data_dir, SHOWN_FOLDER), free)
        win.resize(*size)
        win.show()

        def shot(name: str) -> None:
            _wait(app, lambda: False, 0.3)  # let the last frame and overlay paint
            p = outdir / name
            if not win.grab().save(str(p), "PNG", 0):  # 0: smallest file
                raise OSError(f"cannot write {p}")
            written.append(p)

        try:
            QTest.keyClicks(win.candidate.edit, DEMO_ID)
            QTest.keyClick(win.candidate.edit, Qt.Key.Key_Return)
            if not _wait(app, win.checks.all_green, timeout):
                raise RuntimeError("the live checks never all turned green")
            _wait(app, lambda: False, 2.5)  # let the status line measure the rates
            _wait(app, win.checks.all_green, timeout)
            shot("live.png")
            win.capture()
            if not _wait(app, lambda: win.phase == Phase.REVIEW, timeout):
                raise RuntimeError("no photo reached the review screen: " + win.capture_note.text())
            shot("review.png")
            for _cid, box in win.review.checklist_items():
                box.setChecked(True)
            win.review.try_accept()
            if not _wait(app, lambda: win.phase == Phase.LIVE and bool(win.history.records), timeout):
                raise RuntimeError("the photo was not saved: " + win.review.message.text())
            _wait(app, win.checks.all_green, timeout)
            shot("saved.png")
            win.set_language("en")
            QTest.keyClicks(win.candidate.edit, DEMO_ID)
            _wait(app, lambda: False, 2.5)
            _wait(app, win.checks.all_green, timeout)
            shot("live_en.png")
            i18n.set_language("zh_CN")
        finally:
            win.shutdown()
            win.deleteLater()
            _wait(app, lambda: False, 0.1)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m capture_station.gui.screenshot",
                                 description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--camera", default=DEMO_CAMERA, help=f"camera spec (default: {DEMO_CAMERA})")
    ap.add_argument("--timeout", type=float, default=90.0)
    args = ap.parse_args(argv)
    try:
        files = take(args.outdir, args.camera, args.timeout)
    except (RuntimeError, OSError) as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 1
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
