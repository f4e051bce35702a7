"""A dialog that runs one long job (a roster import, an export) on its own worker thread.

What both dialogs must get right the same way: Esc or Close while the job runs cancels it and
the dialog closes once the job has cleaned up (an export removes its temporary files); closing
with the window cancels and waits, so no thread outlives the dialog; and every text follows a
language switch (subclasses implement ``retranslate``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from capture_station.gui.progress_relay import ProgressRelay
from capture_station.gui.qt_bridge import JobRunner


class JobDialog(QDialog):
    def __init__(self, job_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._close_when_done = False
        self.relay = ProgressRelay(self)
        self._runner = JobRunner(job_name, self)

    def retranslate(self) -> None:
        """Set every text in the current language (subclasses)."""

    def reject(self) -> None:
        if self._busy:  # cancel; the dialog closes once the job has cleaned up
            self._close_when_done = True
            self.relay.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed with the window (or its title bar): a running job is cancelled and waited for
        here, so no thread outlives the dialog."""
        if self._busy:
            self.relay.cancel()
            self._runner.close(wait=True)
            self._busy = False
            event.accept()
            super().done(QDialog.DialogCode.Rejected)
            return
        super().closeEvent(event)

    def _finish_close(self) -> None:
        """The job ended: close now if the operator asked to while it ran."""
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def done(self, r: int) -> None:
        if not self._busy:
            self._runner.close(wait=True)
        super().done(r)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
