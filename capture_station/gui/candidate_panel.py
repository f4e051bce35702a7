"""Candidate ID entry: typed, or scanned by a barcode reader that types the digits and Enter.

The ID is validated on every keystroke with the core's rule; an invalid one is refused inline
with the reason and the capture button stays disabled. A valid ID is then looked up in the
roster (on the store thread, by the window): the admission number and the resident ID of the
same roster row are one candidate, so either finds the row and :attr:`candidate_id` becomes the
row's key, the ID the photo is filed under. Until that answer is back the panel is not
:attr:`resolved` and no photo can be taken, so a photo is never filed under the ID as typed when
the roster says otherwise.

Enter confirms and selects the text: the next scan replaces the ID instead of being appended
to it. Space takes the photo once the ID is valid (an ID never contains a space). The name, the
masked ID and the roster state sit in lines of fixed height, so nothing below them moves when
they fill in.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from capture_station.gui.i18n import pick
from capture_station.records.candidate_id import mask_resident_id, validate_candidate_id
from capture_station.records.store import Candidate, PhotoRecord
from capture_station.standard import Standard

MUTED = "#666"
WARN_COLOUR = "#b26a00"
ERROR_COLOUR = "#c62828"


def identity_line(scanned: str, row: Candidate | None) -> str:
    """The IDs of a candidate as the window shows them: admission number and masked resident
    ID of the roster row, or the scanned ID (masked when it is a resident ID)."""
    if row is None:
        return mask_resident_id(scanned)
    parts = []
    if row.admission_number:
        parts.append(row.admission_number)
    if row.resident_id:
        parts.append(mask_resident_id(row.resident_id))
    return " · ".join(parts) or mask_resident_id(row.key)


class CandidatePanel(QWidget):
    id_changed = Signal(object)  # the valid ID as scanned, or None
    confirmed = Signal(str)  # Enter on a valid ID (the ID as scanned)
    capture_requested = Signal()  # Space in the field

    def __init__(self, standard: Standard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._standard = standard
        self._valid: str | None = None  # the valid ID as scanned
        self._row: Candidate | None = None
        self._roster_loaded = False
        self._resolved = False
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
        self.edit.returnPressed.connect(self.confirm)
        self.edit.installEventFilter(self)
        self.reason = QLabel()
        self.reason.setObjectName("idReason")
        self.reason.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.name = QLabel()
        self.name.setObjectName("candidateName")
        fn = QFont(self.name.font())
        fn.setPointSize(16)
        fn.setBold(True)
        self.name.setFont(fn)
        self.ids = QLabel()
        self.ids.setObjectName("candidateIds")
        self.ids.setStyleSheet(f"color: {MUTED};")
        self.existing = QLabel()
        self.existing.setObjectName("existingWarning")
        self.existing.setStyleSheet(f"color: {WARN_COLOUR}; font-weight: bold;")
        # Fixed heights, kept when hidden: the lines fill in after the roster lookup without
        # moving anything below them.
        for label, lines in ((self.reason, 1), (self.name, 1), (self.ids, 1), (self.existing, 1)):
            label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 4)
            policy = label.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            label.setSizePolicy(policy)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._title)
        lay.addWidget(self.edit)
        lay.addWidget(self.reason)
        lay.addWidget(self.name)
        lay.addWidget(self.ids)
        lay.addWidget(self.existing)
        self.retranslate()
        self._on_text("")

    # -- state ------------------------------------------------------------------------------
    @property
    def scanned_id(self) -> str | None:
        """The valid ID as typed or scanned, or None."""
        return self._valid

    @property
    def candidate_id(self) -> str | None:
        """The ID the photo is filed under: the roster row's key when the roster knows the
        scanned ID, else the scanned ID itself; None while no valid ID is entered."""
        if self._valid is None:
            return None
        return self._row.key if self._row is not None else self._valid

    @property
    def candidate(self) -> Candidate | None:
        """The roster row of the current ID, or None (not on the roster, or no roster)."""
        return self._row

    @property
    def resolved(self) -> bool:
        """The roster lookup for the current ID has answered."""
        return self._valid is not None and self._resolved

    @property
    def roster_loaded(self) -> bool:
        return self._roster_loaded

    @property
    def on_roster(self) -> bool | None:
        """True/False when a roster is loaded; None when there is none to check against."""
        if not self._roster_loaded:
            return None
        return self._row is not None

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def replace_with(self, text: str) -> None:
        """A new scan: it replaces whatever the field holds, and the field has the focus."""
        self.edit.setFocus()
        self.edit.setText(text)
        self.edit.end(False)

    def clear(self) -> None:
        self.edit.clear()
        self.edit.setFocus()

    def set_locked(self, locked: bool) -> None:
        """No editing while a photo is taken or reviewed."""
        self.edit.setReadOnly(locked)

    def set_resolution(self, scanned: str, row: Candidate | None, roster_loaded: bool,
                       existing: PhotoRecord | None) -> bool:
        """The store's answer for ``scanned``: its roster row (or None), whether a roster is
        loaded, and the accepted photo already filed under the row's key. Ignored (False) when
        the ID changed meanwhile."""
        if scanned != self._valid:
            return False
        self._row, self._roster_loaded, self._existing = row, roster_loaded, existing
        self._resolved = True
        self._show_candidate()
        self._show_existing()
        return True

    def _show_candidate(self) -> None:
        value = self._valid
        if value is None:
            self.name.clear()
            self.ids.clear()
            return
        row = self._row
        if not self._resolved:
            self.name.setText(self.tr("正在查找考生…"))
            self.name.setStyleSheet(f"color: {MUTED};")
        elif row is not None and row.name:
            self.name.setText(row.name)
            self.name.setStyleSheet("")
        elif self._roster_loaded:
            self.name.setText(self.tr("名单中没有此考生号"))
            self.name.setStyleSheet(f"color: {WARN_COLOUR};")
        else:
            self.name.setText(self.tr("考生号有效（未导入考生名单）"))
            self.name.setStyleSheet(f"color: {MUTED};")
        self.ids.setText(identity_line(value, row))

    def _show_existing(self) -> None:
        rec = self._existing
        if rec is None:
            self.existing.clear()
            self.existing.hide()
            return
        when = (rec.captured_at or rec.created_at)[:16].replace("T", " ")
        self.existing.setText(self.tr("已有照片（{when}），重拍时旧照片保留").format(when=when[5:]))
        self.existing.setToolTip(
            self.tr("该考生已有照片（{when}）。重拍后旧照片保留在历史记录中。").format(when=when))
        self.existing.show()

    def _on_text(self, text: str) -> None:
        if not text.strip():
            verdict_ok, value, reason = False, None, ""
        else:
            v = validate_candidate_id(text, self._standard)
            verdict_ok, value, reason = v.ok, v.value if v.ok else None, pick(v.reason_zh, v.reason_en)
        self._set_reason("" if verdict_ok else reason)
        self.edit.setProperty("valid", "yes" if verdict_ok else ("no" if text.strip() else ""))
        self.edit.setStyleSheet(
            "" if not text.strip() else
            ("QLineEdit { border: 2px solid #2e7d32; }" if verdict_ok
             else f"QLineEdit {{ border: 2px solid {ERROR_COLOUR}; }}")
        )
        if value != self._valid:
            self._valid = value
            self._row, self._existing, self._resolved = None, None, False
            self._show_candidate()
            self._show_existing()
            self.id_changed.emit(value)

    def confirm(self) -> None:
        """Enter: confirm a valid ID (its text selected, so the next scan replaces it)."""
        if self._valid:
            self.edit.selectAll()  # the next scan replaces this ID
            self.confirmed.emit(self._valid)
        elif not self.reason.text():
            self._set_reason(self.tr("请输入考生号"))

    def _set_reason(self, text: str) -> None:
        self.reason.setText(text)
        self.reason.setVisible(bool(text))

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
        self.edit.setPlaceholderText(self.tr("扫描或输入考生号，回车"))
        text = self.edit.text()
        if text.strip() and self._valid is None:
            v = validate_candidate_id(text, self._standard)
            self._set_reason(pick(v.reason_zh, v.reason_en))
        self._show_candidate()
        self._show_existing()
