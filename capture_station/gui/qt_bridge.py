"""Qt signal adapters for the core's threads and callbacks.

The core reports from its own threads (a camera's worker, the analysis worker) by plain
callback. These adapters turn each callback into a Qt signal emitted from that thread; Qt
queues it to the GUI thread, so slots never run on a foreign thread and the GUI thread never
waits for a camera, the analysis or the disk.

* :class:`JobRunner` runs one-off jobs (capture and process a photo, save, read the history) on
  one background thread in order and hands each result to a callback on the GUI thread.
* :class:`LiveAnalysis` analyses live frames on one worker where the newest frame wins.
* :class:`CameraBridge` forwards a camera's state changes and errors.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from capture_station.cameras.base import Camera, CameraError, ConnectionState
from capture_station.cameras.frames import Frame
from capture_station.cameras.worker import LatestWinsWorker
from capture_station.checks import Mode
from capture_station.photo.pipeline import Pipeline, ShotAnalysis

_log = logging.getLogger(__name__)

LIVE_ANALYSIS_SIZE = 1280  # longest side of a live frame handed to the analysis


class JobRunner(QObject):
    """One background thread running jobs in order; results come back on the GUI thread."""

    _finished = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._closed = False
        self._lock = threading.Lock()
        self._pending = 0
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[None] | None:
        """Run ``fn()`` on the runner's thread; then ``on_done(result)`` or ``on_error(exc)`` on
        the GUI thread. Returns None once the runner is closed."""
        if self._closed:
            return None
        with self._lock:
            self._pending += 1

        def run() -> None:
            try:
                value = fn()
            except BaseException as e:  # noqa: BLE001 - every failure is reported to the GUI
                self._finished.emit((on_error, e, False))
            else:
                self._finished.emit((on_done, value, True))

        try:
            return self._pool.submit(run)
        except RuntimeError:  # shut down meanwhile
            with self._lock:
                self._pending -= 1
            return None

    def _deliver(self, payload: tuple[Callable[[Any], None] | None, Any, bool]) -> None:
        cb, value, ok = payload
        with self._lock:
            self._pending -= 1
        if self._closed:
            return
        if cb is not None:
            cb(value)
        elif not ok:
            _log.error("%s: background job failed: %s", self._name, value, exc_info=value)

    def close(self, wait: bool = True, cancel: bool = True) -> None:
        """Stop taking jobs and join the thread: waiting jobs are dropped (``cancel``) or run
        first; the running one always finishes. Results still on their way are discarded."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=cancel)


@dataclass
class LiveResult:
    """The analysis of one live frame, in the frame's own pixel coordinates."""

    frame_number: int
    frame_size: tuple[int, int]  # (width, height)
    shot: ShotAnalysis
    seconds: float  # time the analysis took


class LiveAnalysis(QObject):
    """Analyse live frames on one worker thread; the newest submitted frame wins.

    The worker owns its :class:`~capture_station.imaging.face_analysis.FaceAnalyzer` (MediaPipe graphs
    are not thread-safe): it is created on the worker's first frame.
    """

    result_ready = Signal(object)  # LiveResult
    failed = Signal(str)

    def __init__(self, pipeline: Pipeline, max_side: int = LIVE_ANALYSIS_SIZE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pipeline = pipeline
        self._max_side = max_side
        self._analyzer: Any = None
        self._closed = False
        self._worker: LatestWinsWorker[Frame, LiveResult] = LatestWinsWorker(
            self._analyse, self._on_result, self._on_error, name="live-analysis"
        )

    def submit(self, frame: Frame) -> None:
        if not self._closed:
            self._worker.submit(frame)

    @property
    def stats(self) -> dict[str, int]:
        return self._worker.stats

    def _analyse(self, frame: Frame) -> LiveResult:
        if self._analyzer is None:
            from capture_station.imaging.face_analysis import FaceAnalyzer

            self._analyzer = FaceAnalyzer(live=True)
        t0 = time.perf_counter()
        rgb = frame.rgb
        h, w = rgb.shape[:2]
        factor = 1.0
        longest = max(w, h)
        if longest > self._max_side:
            factor = longest / self._max_side
            rgb = cv2.resize(rgb, (round(w / factor), round(h / factor)),
                             interpolation=cv2.INTER_AREA)
        shot = self._pipeline.analyse_rgb(np.ascontiguousarray(rgb), factor, Mode.LIVE,
                                          analyzer=self._analyzer, full_size=(w, h))
        return LiveResult(frame.number, (w, h), shot, time.perf_counter() - t0)

    def _on_result(self, res: LiveResult) -> None:
        if not self._closed:
            self.result_ready.emit(res)

    def _on_error(self, e: BaseException) -> None:
        if not self._closed:
            self.failed.emit(f"{type(e).__name__}: {e}")

    def close(self) -> None:
        self._closed = True
        self._worker.close(timeout=10.0)
        if self._analyzer is not None and not self._worker.is_alive:
            self._analyzer.close()
            self._analyzer = None


class CameraBridge(QObject):
    """Forward a camera's connection states and errors as signals (camera thread -> GUI)."""

    state_changed = Signal(str)  # ConnectionState value
    error = Signal(object)  # the CameraError: its str() is in the language of the moment shown

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = []

    def attach(self, camera: Camera) -> None:
        self.detach()
        self._unsubscribe = [
            camera.on_state(self._state),
            camera.on_error(self._error),
        ]
        self.state_changed.emit(str(camera.state.value))

    def detach(self) -> None:
        for u in self._unsubscribe:
            u()
        self._unsubscribe = []

    def _state(self, state: ConnectionState) -> None:
        self.state_changed.emit(str(state.value))

    def _error(self, err: CameraError) -> None:
        self.error.emit(err)
