"""The calibration page: the morning lighting check, in the station window.

Why a page of its own: setting the lights is done standing next to them, looking back at the
screen, so the page shows what to aim for (a drawing of the recommended setup, 三.2), two big
buttons for the two pictures (拍摄空背景 / 拍摄考生), and the answer as a table of items with
a concrete hint each, plus the backdrop heat map where the faulty side is red.

The page is standalone: the main window gives it a callable that returns one RGB frame (a
still from the current camera; it is called on the page's worker thread, never on the GUI
thread) and, optionally, the data folder to save the result as the station's calibration
profile. Everything measured comes from :mod:`capture_station.calibration`; this module only
shows it. Strings go through ``self.tr()`` (Chinese source, English from the .qm file).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capture_station.calibration import CalibrationResult, calibrate, save_profile
from capture_station.calibration.reference import Reference, Setup, load_reference
from capture_station.calibration.report import render_heatmap
from capture_station.checks.engine import Status
from capture_station.gui.i18n import current_language, pick
from capture_station.standard import Standard, load_standard

_log = logging.getLogger(__name__)

FrameSource = Callable[[], np.ndarray]
WhiteBalanceSource = Callable[[], "str | None"]

STATUS_COLOURS = {
    Status.PASS: QColor(46, 125, 50),
    Status.WARN: QColor(230, 140, 0),
    Status.FAIL: QColor(200, 30, 30),
    Status.UNDETERMINED: QColor(120, 120, 120),
}


class _Worker(QObject):
    """One background thread; results come back to the GUI thread by queued signal."""

    _done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calibration")
        self._pending = 0
        self._closed = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> None:
        if self._closed:
            return
        self._pending += 1

        def run() -> None:
            try:
                value = fn()
            except BaseException as e:  # noqa: BLE001 - every failure goes to the page
                self._done.emit((on_error, e))
            else:
                self._done.emit((on_done, value))

        self._pool.submit(run)

    def _deliver(self, payload: tuple[Callable[[Any], None], Any]) -> None:
        self._pending -= 1
        if not self._closed:
            payload[0](payload[1])

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class SetupDiagram(QWidget):
    """The recommended light setup (三.2), drawn: top view and side view."""

    def __init__(self, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup = setup
        self.setMinimumSize(360, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(460, 300)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: Any) -> None:  # noqa: ARG002 - Qt signature
        s = self._setup
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        p.fillRect(self.rect(), QColor(252, 252, 250))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        p.setFont(small)

        # -- top view (left two thirds) --
        tw = w * 0.66
        cx, cy = tw / 2, h * 0.36
        r = min(tw * 0.36, h * 0.42)
        a = math.radians(s.angle_deg)
        # backdrop
        p.setPen(QPen(QColor(140, 140, 140), 1))
        p.setBrush(QColor(244, 244, 244))
        p.drawRect(QRectF(tw * 0.12, h * 0.06, tw * 0.76, h * 0.04))
        p.setPen(QColor(60, 60, 60))
        p.drawText(QRectF(0, 0, tw, h * 0.06), Qt.AlignmentFlag.AlignCenter, self.tr("白色背景"))
        # camera axis
        cam_y = h * 0.88
        p.setPen(QPen(QColor(150, 150, 150), 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(cx, cy), QPointF(cx, cam_y))
        dist = self.tr("{lo}–{hi} 米").format(lo=f"{s.distance_min_m:g}", hi=f"{s.distance_max_m:g}")
        cct = f"{s.cct_min_k:.0f}–{s.cct_max_k:.0f} K"
        for i, sgn in enumerate((-1.0, 1.0)):
            lx, ly = cx + sgn * r * math.sin(a), cy + r * math.cos(a)
            # beam: from the lamp, widening to the head
            dx, dy = cx - lx, cy - ly
            n = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / n * 18, dx / n * 18
            beam = QPolygonF([QPointF(lx, ly), QPointF(cx + nx, cy + ny), QPointF(cx - nx, cy - ny)])
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(255, 213, 79, 70))
            p.drawPolygon(beam)
            p.setPen(QPen(QColor(224, 160, 0), 2))
            p.drawLine(QPointF(lx, ly), QPointF(cx, cy))
            # lamp (softbox facing the subject)
            p.save()
            p.translate(lx, ly)
            p.rotate(math.degrees(math.atan2(cy - ly, cx - lx)))
            p.setPen(QPen(QColor(141, 110, 0), 1))
            p.setBrush(QColor(255, 213, 79))
            p.drawRect(QRectF(-14, -12, 16, 24))
            path = QPainterPath()
            path.moveTo(2, -12)
            path.lineTo(12, -20)
            path.lineTo(12, 20)
            path.lineTo(2, 12)
            path.closeSubpath()
            p.setBrush(QColor(255, 243, 196))
            p.drawPath(path)
            p.restore()
            p.setPen(QColor(40, 40, 40))
            label = self.tr("左灯") if i == 0 else self.tr("右灯")
            box = QRectF(lx - 70, ly + 18, 140, 34)
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{label}\n{cct}")
            mx, my = (lx + cx) / 2, (ly + cy) / 2
            p.setPen(QColor(141, 110, 0))
            p.drawText(QRectF(mx + (8 if sgn > 0 else -88), my - 18, 80, 16),
                       Qt.AlignmentFlag.AlignLeft if sgn > 0 else Qt.AlignmentFlag.AlignRight, dist)
        # angle arcs
        ar = r * 0.32
        p.setPen(QPen(QColor(80, 80, 80), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        arc = QRectF(cx - ar, cy - ar, 2 * ar, 2 * ar)
        span = int(s.angle_deg * 16)
        p.drawArc(arc, -90 * 16, span)
        p.drawArc(arc, -90 * 16 - span, span)
        p.drawText(QRectF(cx - 40, cy + ar + 2, 80, 16), Qt.AlignmentFlag.AlignCenter,
                   self.tr("左右各 {a}°").format(a=f"{s.angle_deg:g}"))
        # subject
        p.setPen(QPen(QColor(96, 125, 139), 1))
        p.setBrush(QColor(207, 216, 220))
        p.drawEllipse(QPointF(cx, cy + 7), 26, 10)
        p.setBrush(QColor(236, 239, 241))
        p.drawEllipse(QPointF(cx, cy), 11, 11)
        p.setPen(QColor(40, 40, 40))
        p.drawText(QRectF(cx + 30, cy - 22, 90, 16), Qt.AlignmentFlag.AlignLeft, self.tr("考生"))
        # camera
        p.setBrush(QColor(69, 90, 100))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(cx - 16, cam_y - 6, 32, 20), 3, 3)
        p.setBrush(QColor(144, 164, 174))
        p.drawEllipse(QPointF(cx, cam_y - 6), 7, 7)
        p.setPen(QColor(40, 40, 40))
        p.drawText(QRectF(cx + 22, cam_y - 4, 80, 16), Qt.AlignmentFlag.AlignLeft, self.tr("相机"))
        p.drawText(QRectF(4, h - 18, tw, 16), Qt.AlignmentFlag.AlignLeft, self.tr("俯视图"))

        # -- side view (right third): lamp at shoulder height --
        sx0 = tw + 10
        sw = w - sx0 - 8
        floor = h * 0.86
        p.setPen(QPen(QColor(120, 120, 120), 1))
        p.drawLine(QPointF(sx0, floor), QPointF(w - 8, floor))
        px = sx0 + sw * 0.72  # seated person, facing left (towards the light and camera)
        shoulder = floor - h * 0.40
        seat = floor - h * 0.17
        p.setPen(QPen(QColor(120, 100, 80), 2))  # chair
        p.drawLine(QPointF(px - 14, seat + 6), QPointF(px + 16, seat + 6))
        p.drawLine(QPointF(px + 16, seat + 6), QPointF(px + 16, shoulder + 6))
        p.drawLine(QPointF(px - 12, seat + 6), QPointF(px - 12, floor))
        p.drawLine(QPointF(px + 14, seat + 6), QPointF(px + 14, floor))
        p.setPen(QPen(QColor(96, 125, 139), 2))
        p.setBrush(QColor(207, 216, 220))
        p.drawRoundedRect(QRectF(px - 10, shoulder, 20, seat - shoulder + 4), 6, 6)
        p.drawLine(QPointF(px - 8, seat + 2), QPointF(px - 30, seat + 2))  # thigh
        p.drawLine(QPointF(px - 30, seat + 2), QPointF(px - 30, floor))  # shin
        p.setBrush(QColor(236, 239, 241))
        p.drawEllipse(QPointF(px, shoulder - 14), 11, 12)
        lx = sx0 + sw * 0.14  # light stand
        p.setPen(QPen(QColor(90, 90, 90), 2))
        p.drawLine(QPointF(lx, floor), QPointF(lx, shoulder))
        p.drawLine(QPointF(lx - 12, floor), QPointF(lx, floor - 18))
        p.drawLine(QPointF(lx + 12, floor), QPointF(lx, floor - 18))
        p.setPen(QPen(QColor(141, 110, 0), 1))
        p.setBrush(QColor(255, 213, 79))
        p.drawRect(QRectF(lx - 6, shoulder - 10, 16, 20))
        p.setPen(QPen(QColor(224, 160, 0), 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(lx + 10, shoulder), QPointF(px - 10, shoulder - 14))
        p.setPen(QPen(QColor(200, 30, 30), 1, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(sx0, shoulder), QPointF(w - 8, shoulder))
        p.setPen(QColor(40, 40, 40))
        p.drawText(QRectF(sx0, shoulder - 44, sw, 16), Qt.AlignmentFlag.AlignLeft, self.tr("与肩同高"))
        p.drawText(QRectF(sx0, shoulder - 28, sw, 16), Qt.AlignmentFlag.AlignLeft, self.tr("朝向头部"))
        p.drawText(QRectF(sx0, h - 18, sw, 16), Qt.AlignmentFlag.AlignLeft, self.tr("侧视图"))
        p.end()


class CalibrationPage(QWidget):
    """Standalone calibration page (see the module docstring)."""

    calibrated = Signal(object)  # CalibrationResult, after each step
    profileSaved = Signal(object)  # CalibrationProfile
    failed = Signal(str)  # one-line reason (camera error, unusable picture)

    COLUMNS = 4

    def __init__(
        self,
        frame_source: FrameSource | None = None,
        *,
        standard: Standard | None = None,
        reference: Reference | None = None,
        white_balance: WhiteBalanceSource | str | None = None,
        data_dir: Path | str | None = None,
        office: str = "",
        station: str = "",
        camera: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._frame_source = frame_source
        self._standard = standard or load_standard()
        self._reference = reference or load_reference()
        self._white_balance = white_balance
        self._data_dir = Path(data_dir) if data_dir else None
        self._office, self._station, self._camera = office, station, camera
        self._backdrop: np.ndarray | None = None
        self._subject: np.ndarray | None = None
        self._result: CalibrationResult | None = None
        self._heatmap = QPixmap()
        # what went wrong last (a camera's error renders itself in the language of the moment)
        self._error: BaseException | None = None
        self._confirm: QMessageBox | None = None
        self._worker = _Worker(self)

        self.diagram = SetupDiagram(self._reference.setup)
        self.title = QLabel()
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.backdrop_button = QPushButton()
        self.subject_button = QPushButton()
        self.save_button = QPushButton()
        for b in (self.backdrop_button, self.subject_button):
            b.setMinimumHeight(40)
        self.backdrop_button.clicked.connect(self.take_backdrop)
        self.subject_button.clicked.connect(self.take_subject)
        self.save_button.clicked.connect(self.save)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.heatmap_label = QLabel()
        self.heatmap_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heatmap_label.setMinimumSize(240, 200)
        self.heatmap_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.intro)
        left.addWidget(self.diagram, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backdrop_button)
        buttons.addWidget(self.subject_button)
        left.addLayout(buttons)
        left.addWidget(self.save_button)
        left.addWidget(self.verdict)
        left_w = QWidget()
        left_w.setLayout(left)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        right.addWidget(self.heatmap_label)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left_w)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        outer = QVBoxLayout(self)
        outer.addWidget(split)
        self.retranslate()
        self._update_buttons()

    # -- public API ---------------------------------------------------------------------

    def set_frame_source(self, frame_source: FrameSource | None) -> None:
        """The callable returning one RGB frame (HxWx3 uint8); called on the worker thread."""
        self._frame_source = frame_source
        self._update_buttons()

    def set_context(self, *, office: str | None = None, station: str | None = None,
                    camera: str | None = None, data_dir: Path | str | None = None,
                    white_balance: WhiteBalanceSource | str | None = None) -> None:
        if office is not None:
            self._office = office
        if station is not None:
            self._station = station
        if camera is not None:
            self._camera = camera
        if data_dir is not None:
            self._data_dir = Path(data_dir)
        if white_balance is not None:
            self._white_balance = white_balance
        self._update_buttons()

    def result(self) -> CalibrationResult | None:
        return self._result

    @property
    def busy(self) -> bool:
        return self._worker.busy

    def take_backdrop(self) -> None:
        """Button 拍摄空背景: take a frame of the empty backdrop and measure it."""
        self._take(self._use_backdrop)

    def take_subject(self) -> None:
        """Button 拍摄考生: take a frame with the person (or grey card) seated and measure it."""
        if self._backdrop is None:
            return
        self._take(self._use_subject)

    def set_backdrop_image(self, rgb: np.ndarray) -> None:
        """Measure a given picture of the empty backdrop (a file, a test image)."""
        self._use_backdrop(rgb)

    def set_subject_image(self, rgb: np.ndarray) -> None:
        """Measure a given picture with the person seated (needs the backdrop first)."""
        self._use_subject(rgb)

    def save(self) -> None:
        """Save the current result as the station's calibration profile. A failed one only
        after the operator confirms it (:meth:`confirm_box`): a press of the save button must
        not make a room that failed its lights the station's reference by accident."""
        res, folder = self._result, self._data_dir
        if res is None or folder is None or self.busy:
            return
        if res.status == Status.FAIL:
            self._ask_to_save_failed(len(res.by_status(Status.FAIL)))
            return
        self._save_now()

    @property
    def confirm_box(self) -> QMessageBox | None:
        """The open "save a failed calibration?" question, if any."""
        return self._confirm

    def _ask_to_save_failed(self, fails: int) -> None:
        if self._confirm is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("校准不合格"),
            self.tr("本次校准有 {n} 项不合格。建议按表中提示调整灯光后重新拍摄。\n\n"
                    "仍要保存为本机校准吗？保存后状态栏将显示“校准未通过”。").format(n=fails),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("saveFailedCalibrationBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Save).setText(self.tr("仍然保存"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("不保存"))
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(code: int) -> None:
            self._confirm = None
            box.deleteLater()
            if code == QMessageBox.StandardButton.Save:
                self._save_now()

        box.finished.connect(answered)
        self._confirm = box
        box.open()

    def _save_now(self) -> None:
        res, folder, backdrop = self._result, self._data_dir, self._backdrop
        if res is None or folder is None or self.busy:
            return
        self._set_busy_text(self.tr("正在保存……"))
        self._worker.submit(lambda: save_profile(res, folder, backdrop_rgb=backdrop,
                                                 reference=self._reference),
                            self._saved, self._failed)

    def shutdown(self) -> None:
        """Stop the worker (the window calls this when it closes)."""
        self._worker.close()

    # -- work ---------------------------------------------------------------------------

    def _take(self, then: Callable[[np.ndarray], None]) -> None:
        src = self._frame_source
        if src is None or self.busy:
            return
        self._set_busy_text(self.tr("正在拍摄……"))

        def grab() -> np.ndarray:
            rgb = src()
            arr = np.ascontiguousarray(np.asarray(rgb))
            if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8:
                raise ValueError(f"the camera gave a {arr.shape} {arr.dtype} picture")
            return arr

        self._worker.submit(grab, then, self._failed)
        self._update_buttons()

    def _wb(self) -> str | None:
        wb = self._white_balance
        if callable(wb):
            try:
                return wb()
            except Exception:  # noqa: BLE001 - unknown white balance is a valid answer
                return None
        return wb

    def _run(self, backdrop: np.ndarray, subject: np.ndarray | None) -> None:
        wb = self._wb()
        kw = dict(standard=self._standard, reference=self._reference, white_balance=wb,
                  office=self._office, station=self._station, camera=self._camera)
        ref = self._reference
        lang = current_language()

        def job() -> tuple[CalibrationResult, bytes]:
            res = calibrate(backdrop, subject, **kw)  # type: ignore[arg-type]
            return res, render_heatmap(res, reference=ref, lang=lang).png

        self._set_busy_text(self.tr("正在测量……"))
        self._worker.submit(job, self._show, self._failed)
        self._update_buttons()

    def _use_backdrop(self, rgb: np.ndarray) -> None:
        self._backdrop = rgb
        self._subject = None
        self._run(rgb, None)

    def _use_subject(self, rgb: np.ndarray) -> None:
        if self._backdrop is None:
            self._failed(ValueError(self.tr("请先拍摄空背景")))
            return
        self._subject = rgb
        self._run(self._backdrop, rgb)

    def _show(self, value: tuple[CalibrationResult, bytes]) -> None:
        res, png = value
        self._result = res
        self._error = None
        pm = QPixmap()
        pm.loadFromData(png, "PNG")
        self._heatmap = pm
        self._fill_table()
        self._show_heatmap()
        self._show_verdict()
        self._update_buttons()
        self.calibrated.emit(res)

    def _saved(self, profile: Any) -> None:
        self._show_verdict()
        folder = getattr(profile, "folder", None)
        self.verdict.setText(self.verdict.text() + "\n" + self.tr("已保存为本机校准：{path}").format(path=str(folder)))
        self._update_buttons()
        self.profileSaved.emit(profile)

    @staticmethod
    def _reason(e: BaseException) -> str:
        """The first line of ``e``, in the current language when it is the core's own."""
        text = str(e).strip()
        return text.splitlines()[0] if text else type(e).__name__

    def _failed(self, e: BaseException) -> None:
        text = self._reason(e)
        _log.info("calibration: %s", text)
        self._error = e
        self.verdict.setStyleSheet(f"color: {STATUS_COLOURS[Status.FAIL].name()};")
        self.verdict.setText(self.tr("出错：{reason}").format(reason=text))
        self._update_buttons()
        self.failed.emit(text)

    # -- display ------------------------------------------------------------------------

    def _set_busy_text(self, text: str) -> None:
        self.verdict.setStyleSheet("")
        self.verdict.setText(text)

    def _status_text(self, st: Status) -> str:
        return {
            Status.PASS: self.tr("合格"),
            Status.WARN: self.tr("提醒"),
            Status.FAIL: self.tr("不合格"),
            Status.UNDETERMINED: self.tr("未测定"),
        }[st]

    def _fill_table(self) -> None:
        res = self._result
        self.table.setRowCount(0)
        if res is None:
            return
        self.table.setRowCount(len(res.items))
        for row, it in enumerate(res.items):
            name = QTableWidgetItem(pick(it.name_zh, it.name_en))
            name.setToolTip(f"{it.id} ({it.clause})")
            value = QTableWidgetItem(it.value_text())
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            status = QTableWidgetItem(self._status_text(it.status))
            colour = STATUS_COLOURS[it.status]
            status.setForeground(QBrush(QColor(255, 255, 255)))
            status.setBackground(QBrush(colour))
            status.setData(Qt.ItemDataRole.UserRole, it.status.value)
            hint_text = pick(it.hint_zh, it.hint_en) if it.status != Status.PASS else ""
            msg = pick(it.message_zh, it.message_en)
            hint = QTableWidgetItem(hint_text or msg)
            hint.setToolTip(msg + ("\n" + hint_text if hint_text else ""))
            for col, cell in enumerate((name, value, status, hint)):
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()

    def _show_heatmap(self) -> None:
        if self._heatmap.isNull():
            self.heatmap_label.clear()
            return
        size = self.heatmap_label.size()
        self.heatmap_label.setPixmap(self._heatmap.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def _show_verdict(self) -> None:
        res = self._result
        if res is None:
            self.verdict.setStyleSheet("")
            self.verdict.setText(self.tr("第一步：让考生位置空着，拍摄空背景。"))
            return
        st = res.status
        fails, warns = len(res.by_status(Status.FAIL)), len(res.by_status(Status.WARN))
        if st == Status.FAIL:
            text = self.tr("不合格：{n} 项需要调整，按表中提示调整灯光后重新拍摄。").format(n=fails)
        elif st == Status.WARN:
            text = self.tr("合格，有 {n} 项提醒。").format(n=warns)
        else:
            text = self.tr("合格。")
        if not res.complete:
            text += " " + self.tr("第二步：请一人坐到考生位置（或举灰卡），拍摄考生。")
        self.verdict.setStyleSheet(f"color: {STATUS_COLOURS[st].name()}; font-weight: bold;")
        self.verdict.setText(text)

    def _update_buttons(self) -> None:
        busy = self.busy
        have_source = self._frame_source is not None
        self.backdrop_button.setEnabled(have_source and not busy)
        self.subject_button.setEnabled(have_source and not busy and self._backdrop is not None)
        self.save_button.setEnabled(self._result is not None and self._data_dir is not None and not busy)
        self.save_button.setVisible(self._data_dir is not None)

    def retranslate(self) -> None:
        self.title.setText(self.tr("灯光校准"))
        s = self._reference.setup
        self.intro.setText(self.tr(
            "建议：两只 {cct} 灯，左右各 {a}°，距考生 {lo}–{hi} 米，与肩同高，朝向头部。左右均指从相机方向看。"
        ).format(cct=f"{s.cct_min_k:.0f}–{s.cct_max_k:.0f}K", a=f"{s.angle_deg:g}",
                 lo=f"{s.distance_min_m:g}", hi=f"{s.distance_max_m:g}"))
        self.backdrop_button.setText(self.tr("拍摄空背景"))
        self.subject_button.setText(self.tr("拍摄考生"))
        self.save_button.setText(self.tr("保存为本机校准"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("项目"), self.tr("数值"), self.tr("结果"), self.tr("提示")])
        if self._error is not None:
            self.verdict.setText(self.tr("出错：{reason}").format(reason=self._reason(self._error)))
        else:
            self._show_verdict()
        self._fill_table()

    # -- Qt events ----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._show_heatmap()

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
