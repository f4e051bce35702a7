"""Where a barcode scan goes: into the candidate-ID field, wherever the keyboard focus is.

Offices use USB barcode scanners that type the digits of the admission ticket and then Enter,
into whatever widget has the focus. In the live view a scan must replace the current candidate
at once, even when the focus sits on the picture or the history list (a list would otherwise
jump to an item on the digits and open it on the Enter). While a photo is being taken, reviewed
or saved, the same keys must never reach the review, where Enter saves: they are collected here
and handed to the window as one scan when the Enter comes, and the window asks what to do.

Only key presses aimed at the station window are looked at (dialogs are other windows and keep
their keys), and text fields other than the ID field keep theirs (the override reason, a
search box).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from capture_station.gui.candidate_panel import CandidatePanel

PENDING_SCAN_S = 3.0  # digits without an Enter for this long are dropped (a stray key press)
BURST_S = 1.0  # keys closer than this to the previous one belong to the same scan
_FULL_WIDTH_DIGITS = {chr(0xFF10 + i) for i in range(10)}
_ID_START = set("0123456789") | _FULL_WIDTH_DIGITS  # an ID starts with a digit
_ID_CHARS = _ID_START | set("Xx\uff38\uff58")  # ... and may end with X (resident ID)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_text_entry(w: QWidget | None) -> bool:
    """A widget that takes typed text for itself."""
    if isinstance(w, QComboBox):
        return w.isEditable()
    return isinstance(w, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox)


class ScanRouter(QObject):
    """Routes scanner keys for one window; see the module docstring."""

    held_scan = Signal(str)  # a whole scan (digits + Enter) while a photo is taken or reviewed
    pending_changed = Signal(str)  # the digits held so far ("" when dropped or handed over)

    def __init__(self, window: QWidget, candidate: CandidatePanel,
                 holding: Callable[[], bool], live: Callable[[], bool]) -> None:
        super().__init__(window)
        self._window = window
        self._candidate = candidate
        self._holding = holding  # a photo is being taken, reviewed or saved
        self._live = live  # the live view takes a new candidate
        self._held = ""
        self._redirected_at = -1e9  # when a key was last sent on to the ID field
        self._expire = QTimer(self)
        self._expire.setSingleShot(True)
        self._expire.setInterval(int(PENDING_SCAN_S * 1000))
        self._expire.timeout.connect(self.drop)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def held(self) -> str:
        return self._held

    def drop(self) -> None:
        """Forget digits held during a review (timed out, Esc, or handed over)."""
        if self._held:
            self._held = ""
            self._expire.stop()
            self.pending_changed.emit("")

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(watched, QWidget):
            return False
        if watched.window() is not self._window:
            return False
        focus = QApplication.focusWidget()
        if watched is not (focus if focus is not None else self._window):
            return False  # the same key on its way up to a parent: seen already
        assert isinstance(event, QKeyEvent)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False  # Ctrl+Enter and other shortcuts are not scanner keys
        text, key = event.text(), event.key()
        if kind == QEvent.Type.ShortcutOverride:
            # Enter and Esc are the review's shortcuts (save, retake): a key this router will
            # take must reach it as a key press instead of triggering them.
            if self._wants(focus, text, key):
                event.accept()
                return True
            return False
        if self._holding():
            return self._hold(focus, text, key)
        if self._live():
            return self._to_field(focus, text, key)
        return False

    def _wants(self, focus: QWidget | None, text: str, key: int) -> bool:
        """Would the key press that follows be taken here?"""
        if self._holding():
            if is_text_entry(focus) and focus is not self._candidate.edit:
                return False
            return bool(text in _ID_START or (self._held and (
                text in _ID_CHARS or key in (*_ENTER, Qt.Key.Key_Backspace, Qt.Key.Key_Escape))))
        if self._live():
            if focus is self._candidate.edit or is_text_entry(focus):
                return False
            return text in _ID_START or key in _ENTER
        return False

    def _hold(self, focus: QWidget | None, text: str, key: int) -> bool:
        if is_text_entry(focus) and focus is not self._candidate.edit:
            return False  # typing the override reason
        if text in _ID_START or (self._held and text in _ID_CHARS):
            self._held += text
            self._expire.start()
            self.pending_changed.emit(self._held)
            return True
        if not self._held:
            return False
        if key in _ENTER:
            scan = self._held
            self._held = ""
            self._expire.stop()
            self.pending_changed.emit("")
            self.held_scan.emit(scan)
            return True
        if key == Qt.Key.Key_Backspace:
            self._held = self._held[:-1]
            self.pending_changed.emit(self._held)
            return True
        if key == Qt.Key.Key_Escape:
            self.drop()
            return True
        return False

    def _to_field(self, focus: QWidget | None, text: str, key: int) -> bool:
        edit = self._candidate.edit
        if focus is edit or is_text_entry(focus):
            return False
        now = time.monotonic()
        if text in _ID_START or (now - self._redirected_at < BURST_S and text in _ID_CHARS):
            if now - self._redirected_at < BURST_S:
                edit.insert(text)  # the rest of a scan whose first key moved the focus
            else:
                self._candidate.replace_with(text)  # a new scan replaces the current ID
            self._redirected_at = now
            return True
        if key in _ENTER:
            edit.setFocus()
            self._candidate.confirm()
            return True
        return False
