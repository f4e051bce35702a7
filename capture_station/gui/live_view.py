"""The live picture with the guide overlay, scaled to the widget, never mirrored.

The window hands it the newest camera frame (it is scaled here, once, to the widget's size) and
the newest analysis; the overlay is drawn in the coordinates of the crop the solver would take
for that analysis, so it follows the face. When there is no face, or no picture at all, the view
says so instead.
"""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from capture_station.gui.i18n import pick
from capture_station.gui.overlay import (
    RED,
    OverlayModel,
    draw_banner_text,
    overlay_model,
    paint_overlay,
)
from capture_station.gui.qt_bridge import LiveResult
from capture_station.standard import Standard


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage that owns a copy of an RGB uint8 array."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888).copy()


def scale_for_display(rgb: np.ndarray, tw: int, th: int) -> np.ndarray:
    """``rgb`` resized to ``tw`` x ``th`` for the screen, cheaply: halvings with a Gaussian
    pyramid (anti-aliased) while the frame is more than twice too big, then bilinear. Area
    averaging looks the same here and costs several times more on the GUI thread."""
    h, w = rgb.shape[:2]
    while w >= 2 * tw and h >= 2 * th:
        rgb = cv2.pyrDown(rgb)
        h, w = rgb.shape[:2]
    if (w, h) != (tw, th):
        rgb = cv2.resize(rgb, (tw, th), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(rgb)


_DEMO_MARKS: dict[tuple[int, int, str], QImage] = {}


def paint_demo_mark(p: QPainter, rect: QRectF, text: str) -> None:
    """Large semi-transparent 演示 / DEMO across ``rect``: a picture of the demo camera must
    never pass for a candidate's photo, on the screen or in a screenshot of it.

    Rotated text is drawn from outlines (~5 ms at this size); the mark is drawn once per size
    into an image and that image is blitted with every frame."""
    if rect.width() < 20 or rect.height() < 20:
        return
    key = (int(rect.width()), int(rect.height()), text)
    mark = _DEMO_MARKS.get(key)
    if mark is None:
        if len(_DEMO_MARKS) > 8:
            _DEMO_MARKS.clear()
        mark = QImage(key[0], key[1], QImage.Format.Format_ARGB32_Premultiplied)
        mark.fill(0)
        q = QPainter(mark)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = QFont(p.font())
        f.setBold(True)
        f.setPixelSize(max(12, int(min(key[0], key[1]) / 7)))
        q.setFont(f)
        q.translate(key[0] / 2, key[1] / 2)
        q.rotate(-24)
        box = QRectF(-key[0], -key[1] / 2, 2 * key[0], key[1])
        q.setPen(QColor(255, 255, 255, 110))
        q.drawText(box.translated(2, 2), Qt.AlignmentFlag.AlignCenter, text)
        q.setPen(QColor(220, 30, 30, 120))
        q.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        q.end()
        _DEMO_MARKS[key] = mark
    p.drawImage(rect.topLeft(), mark)


def fit_rect(src_w: float, src_h: float, dst: QRectF) -> QRectF:
    """The largest rectangle of aspect ``src_w:src_h`` centred in ``dst``."""
    if src_w <= 0 or src_h <= 0:
        return QRectF(dst)
    k = min(dst.width() / src_w, dst.height() / src_h)
    w, h = src_w * k, src_h * k
    return QRectF(dst.x() + (dst.width() - w) / 2, dst.y() + (dst.height() - h) / 2, w, h)


class LiveView(QWidget):
    """Shows frames and the overlay; everything it draws comes from its setters."""

    def __init__(self, standard: Standard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveView")
        self._standard = standard
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None
        self._frame_size: tuple[int, int] | None = None
        self._result: LiveResult | None = None
        self._model: OverlayModel | None = None
        self._notice = ""
        self._demo = False
        self._frames_shown = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.retranslate()

    def sizeHint(self) -> QSize:
        return QSize(960, 600)

    # -- inputs -----------------------------------------------------------------------------
    @property
    def frames_shown(self) -> int:
        return self._frames_shown

    @property
    def model(self) -> OverlayModel | None:
        return self._model

    def set_frame(self, rgb: np.ndarray) -> None:
        """Show ``rgb``, scaled once to the widget's size (see :func:`scale_for_display`)."""
        h, w = rgb.shape[:2]
        target = fit_rect(w, h, QRectF(self.rect()))
        small = scale_for_display(rgb, max(1, round(target.width())), max(1, round(target.height())))
        self._buffer = small  # the QImage below uses this memory; keep it alive with the image
        self._image = QImage(small.data, small.shape[1], small.shape[0], small.strides[0],
                             QImage.Format.Format_RGB888)
        if self._frame_size != (w, h):
            self._frame_size = (w, h)
            self._result = None
            self._model = None
        self._frames_shown += 1
        self.update()

    def clear_frame(self) -> None:
        self._image = None
        self._buffer = None
        self._frame_size = None
        self.set_result(None)

    def set_result(self, res: LiveResult | None) -> None:
        if res is not None and self._frame_size is not None and res.frame_size != self._frame_size:
            return  # from the previous camera
        self._result = res
        self._model = self._build_model(res)
        self.update()

    def set_demo(self, demo: bool) -> None:
        """Mark the picture 演示 / DEMO (the demo camera is playing)."""
        if demo != self._demo:
            self._demo = demo
            self.update()

    @property
    def demo(self) -> bool:
        return self._demo

    def set_notice(self, text: str) -> None:
        """A message over the picture ("opening the camera ...", "camera lost ...")."""
        self._notice = text
        self.update()

    def _build_model(self, res: LiveResult | None) -> OverlayModel | None:
        if res is None:
            return None
        shot = res.shot
        if shot.face is None or shot.crop is None:
            return None
        crop = shot.crop
        hint = ""
        if not crop.feasible and crop.problems:
            hint = pick(crop.problems[0].message_zh, crop.problems[0].message_en)
        return overlay_model(self._standard, crop.box, crop.scale, shot.face, shot.checks,
                             crop.feasible, hint)

    # -- painting ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._no_face_text = self.tr("未检测到人脸：请考生正对镜头坐好")
        self._no_crown_text = self.tr("未找到头顶：请检查背景与头部是否在画面内")
        self._demo_text = self.tr("演示 DEMO")
        self._model = self._build_model(self._result)
        self.update()

    def image_rect(self) -> QRectF:
        if self._frame_size is None:
            return QRectF(self.rect())
        return fit_rect(*self._frame_size, QRectF(self.rect()))

    def frame_to_widget(self) -> QTransform:
        """Maps frame pixels to widget pixels."""
        if self._frame_size is None:
            return QTransform()
        r = self.image_rect()
        k = r.width() / self._frame_size[0]
        return QTransform(k, 0, 0, k, r.x(), r.y())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(24, 24, 24))
        if self._image is not None:
            r = self.image_rect()
            p.drawImage(r, self._image)
            if self._model is not None:
                paint_overlay(p, self._model, self.frame_to_widget())
            elif self._result is not None:
                shot = self._result.shot
                text = self._no_face_text if shot.face is None else self._no_crown_text
                draw_banner_text(p, QPointF(r.x() + 12, r.bottom() - 12), text, RED, 15)
            if self._demo:
                paint_demo_mark(p, r, self._demo_text)
        if self._notice:
            p.setPen(QColor(235, 235, 235))
            f = QFont(self.font())
            f.setPointSize(16)
            p.setFont(f)
            if self._image is None:
                p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                           self._notice)
            else:
                draw_banner_text(p, QPointF(12, 60), self._notice, QColor(255, 200, 80), 15)
        p.end()
