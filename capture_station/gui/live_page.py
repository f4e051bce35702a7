"""The live page: the picture on the left; ID, lights, capture button, the day's counter and
today's photos on the right. Layout only: the window connects the parts and drives them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from capture_station.gui.candidate_panel import CandidatePanel
from capture_station.gui.check_panel import CheckPanel
from capture_station.gui.day_counter import DayCounter
from capture_station.gui.history_panel import HistoryPanel
from capture_station.gui.live_view import LiveView
from capture_station.standard import Standard

SIDE_WIDTH = 380


class LivePage(QWidget):
    def __init__(self, standard: Standard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live = LiveView(standard)
        self.candidate = CandidatePanel(standard)
        self.checks = CheckPanel()
        self.capture_button = QPushButton()
        self.capture_button.setObjectName("captureButton")
        self.capture_button.setMinimumHeight(48)
        f = QFont(self.capture_button.font())
        f.setPointSize(16)
        f.setBold(True)
        self.capture_button.setFont(f)
        self.capture_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.capture_note = QLabel()
        self.capture_note.setObjectName("captureNote")
        self.capture_note.setWordWrap(True)
        self.capture_note.setStyleSheet("color: #c62828;")
        self.counter = DayCounter()
        self.history = HistoryPanel()

        side = QVBoxLayout()
        side.setSpacing(4)  # every pixel counts on 1366x768 at 125 %
        side.addWidget(self.candidate)
        side.addWidget(self.checks)
        side.addWidget(self.capture_button)
        side.addWidget(self.capture_note)
        side.addWidget(self.counter)
        side.addWidget(self.history, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(SIDE_WIDTH)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.live, 1)
        lay.addWidget(side_widget)
