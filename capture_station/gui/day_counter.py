"""The day's counter beside the live view: photographed today / on the roster / still missing.

An operator photographs candidates all day; the counter answers "how far are we" without a
menu. The numbers are read on the store's thread (:func:`capture_station.records.overview.day_counts`)
after every save, roster import and store (re)open, and shown here ready made. It takes no
focus, so a scanner's digits always reach the ID field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from capture_station.records.overview import DayCounts


class _Figure(QWidget):
    """One number with its caption under it."""

    def __init__(self, name: str, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel("–")
        self.value.setObjectName(name)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = QFont(self.value.font())
        f.setPointSize(15)
        f.setBold(True)
        self.value.setFont(f)
        self.value.setStyleSheet(f"color: {colour};")
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)


class DayCounter(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayCounter")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._counts: DayCounts | None = None
        self.today = _Figure("countToday", "#2e7d32")
        self.roster = _Figure("countRoster", "#333")
        self.missing = _Figure("countMissing", "#b26a00")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        for w in (self.today, self.roster, self.missing):
            lay.addWidget(w, 1)
        self.retranslate()

    @property
    def counts(self) -> DayCounts | None:
        return self._counts

    def set_counts(self, counts: DayCounts | None) -> None:
        """The numbers read from the store (None: the store is not open)."""
        self._counts = counts
        if counts is None:
            for f in (self.today, self.roster, self.missing):
                f.value.setText("–")
            return
        self.today.value.setText(f"{counts.photographed_today:,}")
        self.roster.value.setText(f"{counts.on_roster:,}")
        self.missing.value.setText(f"{counts.missing:,}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.today.caption.setText(self.tr("今日已拍"))
        self.roster.caption.setText(self.tr("名册人数"))
        self.missing.caption.setText(self.tr("尚未拍照"))
        self.setToolTip(self.tr("今日在本机拍照的考生 / 名册中的考生 / 名册中还没有照片的考生"))
