"""A coloured strip above the picture: camera lost, folder unavailable ... with one action.

Trouble is shown where the operator looks (above the live picture), stays until it is over,
and offers the one thing to do about it (retry), instead of a dialog that blocks the station.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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


class NoCameraPanel(QFrame):
    """No camera could be opened: what was tried, and the two ways on (retry, or the demo
    camera on purpose). The demo scene is never started behind the operator's back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noCameraPanel")
        self.setStyleSheet(f"#noCameraPanel {{ background: {ERROR}; border-radius: 4px; }}")
        self.title = QLabel()
        self.title.setObjectName("noCameraTitle")
        f = QFont(self.title.font())
        f.setPointSize(14)
        f.setBold(True)
        self.title.setFont(f)
        self.tried = QLabel()
        self.tried.setObjectName("noCameraTried")
        self.tried.setWordWrap(True)
        self.tried.setTextFormat(Qt.TextFormat.PlainText)
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("noCameraRetry")
        self.demo_button = QPushButton()
        self.demo_button.setObjectName("noCameraDemo")
        for b in (self.retry_button, self.demo_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(34)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.tried)
        buttons = QVBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addLayout(text, 1)
        lay.addLayout(buttons)
        self.hide()

    def show_tried(self, title: str, lead: str, lines: list[str], retry: str, demo: str) -> None:
        self.title.setText(title)
        self.tried.setText("\n".join([lead, *(f"· {line}" for line in lines)]))
        self.tried.setVisible(bool(lines))
        self.retry_button.setText(retry)
        self.demo_button.setText(demo)
        self.show()
