"""One light per live check, and the single most useful hint in large type.

The list of checks comes from the check registry (every check that runs on live frames), so a
new check appears here without touching the window. Labels and hints are the core's own short
texts in the current language.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from capture_station.checks import CheckResult, Mode, Status, registry, top_hints
from capture_station.gui.i18n import current_language, pick
from capture_station.gui.overlay import status_colour


class Light(QWidget):
    """A round status light: green pass, amber warn, red fail, grey undetermined/unknown."""

    def __init__(self, parent: QWidget | None = None, diameter: int = 18) -> None:
        super().__init__(parent)
        self._status: Status | None = None
        self._d = diameter
        self.setFixedSize(diameter + 4, diameter + 4)

    @property
    def status(self) -> Status | None:
        return self._status

    def set_status(self, status: Status | None) -> None:
        if status != self._status:
            self._status = status
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._d + 4, self._d + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = status_colour(self._status) if self._status is not None else QColor(210, 210, 210)
        p.setPen(c.darker(140))
        p.setBrush(c)
        p.drawEllipse(QRectF(2, 2, self._d, self._d))
        p.end()


def live_check_ids() -> list[str]:
    return [cid for cid, d in registry().items() if Mode.LIVE in d.modes]


class _FittingScrollArea(QScrollArea):
    """A frameless scroll area that asks for its whole content's height (so it scrolls only
    when the window cannot give that much) and never scrolls sideways."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(56)

    def sizeHint(self) -> QSize:
        w = self.widget()
        hint = super().sizeHint()
        return QSize(hint.width(), w.sizeHint().height()) if w is not None else hint


class CheckPanel(QWidget):
    """Lights for the live checks and the hint of the most severe problem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._defs = {cid: registry()[cid] for cid in live_check_ids()}
        self._lights: dict[str, Light] = {}
        self._labels: dict[str, QLabel] = {}
        self._results: dict[str, CheckResult] = {}
        self._has_data = False
        self._need_id = False

        self._title = QLabel()
        self._title.setObjectName("panelTitle")
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        for i, cid in enumerate(self._defs):
            light = Light()
            label = QLabel()
            label.setObjectName(f"check:{cid}")
            label.setWordWrap(True)
            self._lights[cid] = light
            self._labels[cid] = label
            row, col = divmod(i, 2)
            grid.addWidget(light, row, col * 2)
            grid.addWidget(label, row, col * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.hint = QLabel()
        self.hint.setObjectName("bigHint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setMinimumHeight(44)
        f = QFont(self.hint.font())
        f.setPointSize(20)
        f.setBold(True)
        self.hint.setFont(f)

        # The lights scroll when the screen is short (1366x768 at 125 %); the title and the
        # big hint stay in view.
        host = QWidget()
        host.setLayout(grid)
        self.lights_area = _FittingScrollArea()
        self.lights_area.setWidget(host)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._title)
        lay.addWidget(self.lights_area, 1)
        lay.addWidget(self.hint)
        self.retranslate()

    # -- state ------------------------------------------------------------------------------
    def light(self, check_id: str) -> Light:
        return self._lights[check_id]

    def statuses(self) -> dict[str, Status | None]:
        return {cid: light.status for cid, light in self._lights.items()}

    def statuses_known(self) -> bool:
        """The lights show an analysis (not "waiting for the picture")."""
        return self._has_data

    def all_green(self) -> bool:
        """Every live check passes (a warn is amber, not green)."""
        return self._has_data and all(s == Status.PASS for s in self.statuses().values())

    def set_need_id(self, need: bool) -> None:
        """No valid candidate ID yet: a green picture says so instead of "ready"."""
        if need != self._need_id:
            self._need_id = need
            self._update_hint()

    def set_results(self, checks: list[CheckResult] | None) -> None:
        """The checks of the newest analysed frame; None: no picture."""
        self._has_data = checks is not None
        self._results = {c.id: c for c in checks or []}
        for cid, light in self._lights.items():
            r = self._results.get(cid)
            light.set_status(r.status if r else None)
            self._labels[cid].setToolTip(r.message(current_language()) if r else "")
        self._update_hint()

    def _update_hint(self) -> None:
        if not self._has_data:
            self._set_hint(self.tr("等待画面…"), QColor(120, 120, 120))
            return
        # The hint of the most telling fault (one person, then the framing: a crop that does
        # not fit says how to reframe). A value near its limit is no fault: the picture may be
        # taken, and the panel says which items are close to their edge, in amber.
        hints = top_hints(self._results.values(), current_language(), n=1)
        near = [cid for cid, r in self._results.items()
                if r.status == Status.WARN and cid in self._defs]
        if hints:
            self._set_hint(hints[0], status_colour(Status.FAIL))
        elif near:
            labels = pick("、", ", ").join(pick(self._defs[c].label_zh, self._defs[c].label_en)
                                           for c in near[:2])
            text = (self.tr("画面可用（{items}接近边界），请输入考生号") if self._need_id
                    else self.tr("可以拍照（{items}接近边界）"))
            self._set_hint(text.format(items=labels), status_colour(Status.WARN))
        elif self.all_green() and self._need_id:
            self._set_hint(self.tr("画面合格，请输入考生号"), status_colour(Status.PASS))
        elif self.all_green():
            self._set_hint(self.tr("可以拍照"), status_colour(Status.PASS))
        else:
            self._set_hint(self.tr("请人工核对"), QColor(120, 120, 120))

    def _set_hint(self, text: str, colour: QColor) -> None:
        if text != self.hint.text():
            self.hint.setText(text)
        style = f"color: {colour.name()};"
        if style != self.hint.styleSheet():
            self.hint.setStyleSheet(style)  # restyling costs: only when the colour changes

    # -- language ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._title.setText(self.tr("实时检查"))
        for cid, d in self._defs.items():
            self._labels[cid].setText(pick(d.label_zh, d.label_en))
        self._update_hint()
