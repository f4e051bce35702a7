"""Screenshots of the station for the README and the operator guide:
``python -m capture_station.gui.screenshot OUTDIR``.

Runs the real window with the demo camera (without its sensor noise, which only makes the PNGs
larger; no display needed: Qt's offscreen platform is used when there is none), a throw-away
data folder with a one-line roster, and throw-away settings, and writes for each screen size
(1366x768, the common office laptop, and 1920x1080) and each language (zh_CN, en):

* ``LANG-WxH-live.png``    live view with the guide overlay, all lights green, an ID scanned;
* ``LANG-WxH-review.png``  the review screen of the photo taken from it;
* ``LANG-WxH-saved.png``   the live view after saving, with the photo in today's history.

The window is given the screen's size less a title bar, as a maximised window has it.
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
DEMO_NAME = "阿依古丽"
DEMO_CAMERA = "demo?noise=0"
SHOWN_FOLDER = "~/.local/share/capture-station"
SIZES = ((1366, 768), (1920, 1080))
LANGUAGES = ("zh_CN", "en")
TITLE_BAR = 32


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
         size: tuple[int, int] = (1366, 768), lang: str = "zh_CN") -> list[Path]:
    """Write the screenshots of one screen size and language into ``outdir``; returns the
    files written."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from capture_station.gui import i18n
    from capture_station.gui.app import ensure_app
    from capture_station.gui.main_window import MainWindow, Phase
    from capture_station.records.roster import import_roster
    from capture_station.records.store import Store
    from capture_station.settings import Settings

    app = ensure_app()
    i18n.set_language(lang)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stem = f"{lang}-{size[0]}x{size[1]}"
    with tempfile.TemporaryDirectory(prefix="station-shots-") as tmp:
        data = Path(tmp) / "data"
        roster = Path(tmp) / "roster.csv"
        roster.write_text(f"准考证号,姓名\n{DEMO_ID},{DEMO_NAME}\n", encoding="utf-8")
        with Store(data) as store:
            import_roster(store, roster)
        settings = Settings(office="urumqi", station_name="乌鲁木齐 第1采集点", operator="操作员",
                            data_dir=str(data), camera=camera, language=lang)
        win = MainWindow(settings, settings_path=Path(tmp) / "settings.json")
        # Show a typical folder instead of the throw-away one in the pictures.
        show_disk = win.status.set_disk
        win.status.set_disk = lambda folder, free: show_disk(  # type: ignore[method-assign]
            folder.replace(settings.data_dir, SHOWN_FOLDER), free)
        win.resize(size[0], size[1] - TITLE_BAR)
        win.show()

        def shot(name: str) -> None:
            _wait(app, lambda: False, 0.3)  # let the last frame and overlay paint
            p = outdir / f"{stem}-{name}.png"
            if not win.grab().save(str(p), "PNG", 0):  # 0: smallest file
                raise OSError(f"cannot write {p}")
            written.append(p)

        try:
            QTest.keyClicks(win.candidate.edit, DEMO_ID)
            QTest.keyClick(win.candidate.edit, Qt.Key.Key_Return)
            if not _wait(app, lambda: win.checks.all_green() and win.can_capture(), timeout):
                raise RuntimeError("the live checks never all turned green")
            _wait(app, lambda: False, 2.5)  # let the status line measure the rates
            _wait(app, win.checks.all_green, timeout)
            shot("live")
            win.capture()
            if not _wait(app, lambda: win.phase == Phase.REVIEW, timeout):
                raise RuntimeError("no photo reached the review screen: " + win.capture_note.text())
            shot("review")
            win.review.try_accept(confirmed=True)  # Ctrl+Enter
            if not _wait(app, lambda: win.phase == Phase.LIVE and bool(win.history.records), timeout):
                raise RuntimeError("the photo was not saved: " + win.review.message.text())
            _wait(app, win.checks.all_green, timeout)
            shot("saved")
        finally:
            win.shutdown()
            win.deleteLater()
            _wait(app, lambda: False, 0.1)
            i18n.set_language("zh_CN")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m capture_station.gui.screenshot",
                                 description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--camera", default=DEMO_CAMERA, help=f"camera spec (default: {DEMO_CAMERA})")
    ap.add_argument("--timeout", type=float, default=90.0)
    args = ap.parse_args(argv)
    files: list[Path] = []
    try:
        for size in SIZES:
            for lang in LANGUAGES:
                files += take(args.outdir, args.camera, args.timeout, size, lang)
    except (RuntimeError, OSError) as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 1
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
