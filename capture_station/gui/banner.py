"""A coloured strip above the picture: camera lost, folder unavailable ... with one action.

Trouble is shown where the operator looks (above the live picture), stays until it is over,
and offers the one thing to do about it (retry), instead of a dialog that blocks the station.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

WARNING = "#fff3cd"
ERROR = "#f8d7da"


class Banner(QFrame):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = QLabel()
        self.label.setWordWrap(True)
        f = QFont(self.label.font())
        f.setPointSize(13)
        f.setBold(True)
        self.label.setFont(f)
        self.button = QPushButton()
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        self.hide()

    def show_message(self, text: str, colour: str = WARNING, button: str = "") -> None:
        self.setStyleSheet(f"#{self.objectName()} {{ background: {colour}; border-radius: 4px; }}")
        self.label.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        self.show()
