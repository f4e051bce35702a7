"""A finished 480x640 photo, scaled to fit, with the standard's bands over it (switchable).

Used by the review screen and the history viewer. The bands sit at the standard's own pixel
rows of the photo (for example the eye band at y = 200..300), so what the operator sees is what
the registration system will measure.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from capture_station.checks import CheckResult
from capture_station.gui.live_view import fit_rect, paint_demo_mark, rgb_to_qimage
from capture_station.gui.overlay import OverlayModel, overlay_model, paint_overlay
from capture_station.imaging.face_analysis import Face
from capture_station.standard import Standard


class PhotoView(QWidget):
    def __init__(self, standard: Standard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoView")
        self._standard = standard
        self._image: QImage | None = None
        self._size: tuple[int, int] = (standard.file.width, standard.file.height)
        self._model: OverlayModel | None = None
        self._bands = True
        self._demo = False
        self._demo_text = self.tr("演示 DEMO")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 320)

    def sizeHint(self) -> QSize:
        return QSize(self._size[0], self._size[1])

    @property
    def image(self) -> QImage | None:
        return self._image

    @property
    def model(self) -> OverlayModel | None:
        return self._model

    def set_photo(self, rgb: np.ndarray | None, face: Face | None = None,
                  checks: list[CheckResult] | None = None) -> None:
        if rgb is None:
            self._image = None
            self._model = None
        else:
            h, w = rgb.shape[:2]
            self._size = (w, h)
            self._image = rgb_to_qimage(rgb)
            # The photo is its own crop: scale 1, rectangle = the whole image.
            self._model = overlay_model(self._standard, (0.0, 0.0, float(w), float(h)), 1.0,
                                        face, checks or [], True)
        self.update()

    def set_demo(self, demo: bool) -> None:
        """Mark the photo 演示 / DEMO (taken with the demo camera). Kept across photos until
        changed: the window sets it with the camera."""
        if demo != self._demo:
            self._demo = demo
            self.update()

    @property
    def demo(self) -> bool:
        return self._demo

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._demo_text = self.tr("演示 DEMO")
            self.update()
        super().changeEvent(event)

    def set_bands_visible(self, visible: bool) -> None:
        self._bands = visible
        self.update()

    @property
    def bands_visible(self) -> bool:
        return self._bands

    def image_rect(self) -> QRectF:
        return fit_rect(self._size[0], self._size[1], QRectF(self.rect()))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(60, 60, 60))
        if self._image is not None:
            r = self.image_rect()
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(r, self._image)
            if self._bands and self._model is not None:
                k = r.width() / self._size[0]
                paint_overlay(p, self._model, QTransform(k, 0, 0, k, r.x(), r.y()),
                              show_labels=False)
            if self._demo:
                paint_demo_mark(p, r, self._demo_text)
        p.end()
