"""Progress of a long job on a worker thread, delivered to the GUI thread by signal.

A roster import or an export reports its progress by plain callback from its own thread
(``progress(done, total)``). :class:`ProgressRelay` turns that into a Qt signal, queued to the
GUI thread, at most every :data:`MIN_INTERVAL_S` (50,000 rows must not become 50,000 queued
events) and always for the last step. :meth:`cancel` makes the next report raise
:class:`Cancelled` on the worker thread, which stops the job where it stands (an export then
removes its temporary files).
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal

MIN_INTERVAL_S = 0.05


class Cancelled(Exception):
    """The operator cancelled the job."""


class ProgressRelay(QObject):
    progressed = Signal(str, int, int)  # phase, done, total (0: not known)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._last = 0.0

    def reset(self) -> None:
        self._cancel.clear()
        self._last = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, phase: str, done: int, total: int) -> None:
        """Called on the worker thread."""
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        if now - self._last < MIN_INTERVAL_S and done < total:
            return
        self._last = now
        self.progressed.emit(phase, done, total)
