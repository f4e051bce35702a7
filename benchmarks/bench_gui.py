"""GUI responsiveness: the longest stall of the window's event loop while the live view and the
live analysis run with the demo camera for about 10 seconds, then while a photo is taken and
processed in the background; then the operator's keyboard path for several candidates in a row
(scanner: the ID's digits and Enter; operator: Space, then Ctrl+Enter on the review), timed
from the scan's first key to the saved photo, with the keys counted.

A 5 ms heartbeat timer on the GUI thread records the gap between its ticks; a gap far above
5 ms means the event loop was blocked (by painting, frame conversion, or anything that should
have run on a worker thread). Also reported: the frame rate the live view actually showed
against the camera's, and the analysis rate and time per analysed frame.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

HEARTBEAT_MS = 5
LIVE_SECONDS = 10.0
KEYBOARD_CANDIDATES = 5


def run(live_seconds: float = LIVE_SECONDS, camera: str = "demo") -> dict[str, Any]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    from capture_station.gui import i18n
    from capture_station.gui.app import ensure_app
    from capture_station.gui.main_window import MainWindow, Phase
    from capture_station.gui.qt_bridge import LiveResult
    from capture_station.settings import Settings

    app = ensure_app()
    i18n.set_language("zh_CN")

    def spin_until(cond: Any, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if cond():
                return True
            time.sleep(0.002)
        return bool(cond())

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        s = Settings(office="urumqi", station_name="bench", data_dir=str(Path(tmp) / "data"),
                     camera=camera)
        win = MainWindow(s, settings_path=Path(tmp) / "settings.json")
        win.resize(1366, 768 - 32)
        win.show()
        win.activateWindow()
        analysis_ms: list[float] = []
        results = [0]

        def on_result(res: LiveResult) -> None:
            results[0] += 1
            analysis_ms.append(res.seconds * 1000)

        win.analysis.result_ready.connect(on_result)
        try:
            win.candidate.edit.setText("2023650100123")
            if not spin_until(lambda: results[0] >= 3, 120):
                raise RuntimeError("the live analysis produced no result (camera not open?)")

            gaps: list[float] = []
            clock = QElapsedTimer()
            last = [0.0]

            def beat() -> None:
                now = clock.nsecsElapsed() / 1e6
                gaps.append(now - last[0])
                last[0] = now

            hb = QTimer()
            hb.setTimerType(Qt.TimerType.PreciseTimer)
            hb.setInterval(HEARTBEAT_MS)
            hb.timeout.connect(beat)
            cam = win.cameras.camera
            assert cam is not None
            frames0, shown0, results0 = cam.frame_count, win.live.frames_shown, results[0]
            analysis_ms.clear()
            loop = QEventLoop()
            clock.start()
            hb.start()
            t0 = time.perf_counter()
            QTimer.singleShot(int(live_seconds * 1000), loop.quit)
            loop.exec()
            wall = time.perf_counter() - t0
            live_gaps = gaps[1:]
            frames = cam.frame_count - frames0
            shown = win.live.frames_shown - shown0
            analysed = results[0] - results0

            # A capture: still + pipeline on the camera thread, the review shown after it.
            gaps.clear()
            last[0] = clock.nsecsElapsed() / 1e6
            t1 = time.perf_counter()
            win.capture()
            ok = spin_until(lambda: win.phase == Phase.REVIEW, 60)
            capture_s = time.perf_counter() - t1
            capture_gaps = gaps[1:]
            hb.stop()
            if not ok:
                raise RuntimeError("the capture did not reach the review screen: "
                                   + win.capture_note.text())

            # The keyboard path, candidate after candidate, as an operator with a scanner does.
            from PySide6.QtTest import QTest
            from PySide6.QtWidgets import QApplication

            QTest.keyClick(win.review, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            spin_until(lambda: win.phase == Phase.LIVE, 60)
            per_candidate: list[float] = []
            keys = {"scanner": 0, "operator": 0}
            saved = [0]
            win.photo_saved.connect(lambda _r: saved.__setitem__(0, saved[0] + 1))
            for i in range(KEYBOARD_CANDIDATES):
                cid = f"20236501{i + 1:05d}"
                t2 = time.perf_counter()
                for ch in cid:
                    QTest.keyClick(QApplication.focusWidget() or win, ch)
                QTest.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_Return)
                keys["scanner"] += len(cid) + 1
                if not spin_until(lambda cid=cid: win.candidate.candidate_id == cid
                                  and win.can_capture(), 60):
                    raise RuntimeError(f"{cid}: never ready to capture")
                QTest.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_Space)
                if not spin_until(lambda: win.phase == Phase.REVIEW, 60):
                    raise RuntimeError(f"{cid}: no review: {win.capture_note.text()}")
                QTest.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_Return,
                               Qt.KeyboardModifier.ControlModifier)
                keys["operator"] += 2
                if not spin_until(lambda n=i + 1: saved[0] == n and win.phase == Phase.LIVE, 60):
                    raise RuntimeError(f"{cid}: not saved: {win.review.message.text()}")
                per_candidate.append(time.perf_counter() - t2)

            def pct(v: list[float], q: float) -> float:
                if not v:
                    return 0.0
                return sorted(v)[min(len(v) - 1, int(q * len(v)))]

            return {
                "live_seconds": round(wall, 1),
                "heartbeat_ms": HEARTBEAT_MS,
                "max_stall_ms": round(max(live_gaps, default=0.0), 1),
                "p99_gap_ms": round(pct(live_gaps, 0.99), 1),
                "median_gap_ms": round(statistics.median(live_gaps), 2) if live_gaps else 0.0,
                "camera_fps": round(frames / wall, 1),
                "live_fps_shown": round(shown / wall, 1),
                "analysis_fps": round(analysed / wall, 1),
                "analysis_ms_median": round(statistics.median(analysis_ms), 1) if analysis_ms else None,
                "capture_to_review_s": round(capture_s, 2),
                "max_stall_during_capture_ms": round(max(capture_gaps, default=0.0), 1),
                "keyboard_path_candidates": KEYBOARD_CANDIDATES,
                "keyboard_path_s_per_candidate_median": round(statistics.median(per_candidate), 2),
                "keyboard_path_s_per_candidate_max": round(max(per_candidate), 2),
                "keyboard_path_keys_per_candidate": {k: v // KEYBOARD_CANDIDATES
                                                     for k, v in keys.items()},
            }
        finally:
            win.shutdown()
            win.close()
            win.deleteLater()
            spin_until(lambda: False, 0.1)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
