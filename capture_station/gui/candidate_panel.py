"""Candidate ID entry: typed, or scanned by a barcode reader that types and presses Enter.

The ID is validated on every keystroke with the core's rule; an invalid one is refused inline
with the reason and the capture button stays disabled. Enter confirms (and moves the focus to
the picture, so Space takes the photo). Space inside the field also takes the photo once the ID
is valid, since an ID never contains a space. The candidate's name comes from the roster when there is one
(looked up in the store on its thread, see :meth:`CandidatePanel.set_name`), and a warning shows
when the ID already has an accepted photo: a retake keeps the old one in the history.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from capture_station.gui.i18n import pick
from capture_station.records.candidate_id import mask_resident_id, validate_candidate_id
from capture_station.records.store import PhotoRecord
from capture_station.standard import Standard


def roster_name(candidate_id: str) -> str | None:
    """Synchronous name lookup used when no store lookup is wired in (tests, no roster)."""
    del candidate_id
    return None


class CandidatePanel(QWidget):
    id_changed = Signal(object)  # the valid ID, or None
    confirmed = Signal(str)  # Enter on a valid ID
    capture_requested = Signal()  # Space in the field

    def __init__(self, standard: Standard, parent: QWidget | None = None,
                 name_lookup: Callable[[str], str | None] = roster_name) -> None:
        super().__init__(parent)
        self._standard = standard
        self._lookup = name_lookup
        self._valid: str | None = None
        self._existing: PhotoRecord | None = None

        self._title = QLabel()
        self._title.setObjectName("panelTitle")
        self.edit = QLineEdit()
        self.edit.setObjectName("candidateId")
        self.edit.setMaxLength(64)
        self.edit.setClearButtonEnabled(True)
        f = QFont(self.edit.font())
        f.setPointSize(18)
        self.edit.setFont(f)
        self.edit.textChanged.connect(self._on_text)
        self.edit.returnPressed.connect(self._on_enter)
        self.edit.installEventFilter(self)
        self.reason = QLabel()
        self.reason.setObjectName("idReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #c62828;")
        self.name = QLabel()
        self.name.setObjectName("candidateName")
        self.existing = QLabel()
        self.existing.setObjectName("existingWarning")
        self.existing.setWordWrap(True)
        self.existing.setStyleSheet("color: #b26a00; font-weight: bold;")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._title)
        lay.addWidget(self.edit)
        lay.addWidget(self.reason)
        lay.addWidget(self.name)
        lay.addWidget(self.existing)
        self.retranslate()
        self._on_text("")

    # -- state ------------------------------------------------------------------------------
    @property
    def candidate_id(self) -> str | None:
        """The valid ID entered, or None."""
        return self._valid

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()
        self.edit.setFocus()

    def set_locked(self, locked: bool) -> None:
        """No editing while a photo is taken or reviewed."""
        self.edit.setReadOnly(locked)

    def set_existing(self, candidate_id: str, record: PhotoRecord | None) -> None:
        """Result of the store lookup for ``candidate_id`` (ignored when the ID changed)."""
        if candidate_id != self._valid:
            return
        self._existing = record
        self._show_existing()

    def set_name(self, candidate_id: str, name: str | None) -> None:
        """Result of the roster lookup for ``candidate_id`` (ignored when the ID changed)."""
        if candidate_id != self._valid or not name:
            return
        self.name.setText(self.tr("姓名：{name}").format(name=name))

    def _show_existing(self) -> None:
        rec = self._existing
        if rec is None:
            self.existing.clear()
            self.existing.hide()
            return
        when = rec.created_at[:16].replace("T", " ")
        self.existing.setText(
            self.tr("该考生已有照片（{when}）。重拍后旧照片保留在历史记录中。").format(when=when)
        )
        self.existing.show()

    def _on_text(self, text: str) -> None:
        self._existing = None
        self._show_existing()
        if not text.strip():
            verdict_ok, value, reason = False, None, ""
        else:
            v = validate_candidate_id(text, self._standard)
            verdict_ok, value, reason = v.ok, v.value if v.ok else None, pick(v.reason_zh, v.reason_en)
        self.reason.setText("" if verdict_ok else reason)
        self.reason.setVisible(bool(reason) and not verdict_ok)
        name = self._lookup(value) if value else None
        if value and name:
            self.name.setText(self.tr("姓名：{name}").format(name=name))
        elif value:
            shown = mask_resident_id(value)
            self.name.setText(self.tr("考生号有效：{id}").format(id=shown))
        else:
            self.name.clear()
        self.name.setVisible(bool(value))
        self.edit.setProperty("valid", "yes" if verdict_ok else ("no" if text.strip() else ""))
        self.edit.setStyleSheet(
            "" if not text.strip() else
            ("QLineEdit { border: 2px solid #2e7d32; }" if verdict_ok
             else "QLineEdit { border: 2px solid #c62828; }")
        )
        if value != self._valid:
            self._valid = value
            self.id_changed.emit(value)

    def _on_enter(self) -> None:
        if self._valid:
            self.confirmed.emit(self._valid)
        else:
            self.reason.setVisible(True)
            if not self.reason.text():
                self.reason.setText(self.tr("请输入考生号"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            # Space takes the photo once the ID is valid; before that it is typed (and refused
            # inline: an ID never contains a space).
            if event.key() == Qt.Key.Key_Space and self._valid and not self.edit.isReadOnly():
                self.capture_requested.emit()
                return True
        return super().eventFilter(watched, event)

    # -- language ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._title.setText(self.tr("考生号（准考证号或身份证号）"))
        self.edit.setPlaceholderText(self.tr("输入或扫描考生号，回车确认"))
        existing = self._existing
        self._on_text(self.edit.text())
        self._existing = existing
        self._show_existing()
