"""The lighting calibration page (``calibration_page``) in a dialog of the station window.

The page measures; this wrapper gives it the current camera's stills, the data folder and the
station's names, and tells the window when a new calibration was saved (the status line then
shows its age).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from capture_station.standard import Standard


class CalibrationDialog(QDialog):
    saved = Signal()

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationDialog")
        self.page = page
        lay = QVBoxLayout(self)
        lay.addWidget(page)
        self.resize(1200, 760)
        self.finished.connect(lambda _r: getattr(page, "shutdown", lambda: None)())


def calibration_dialog(parent: QWidget, frame_source: Callable[[], np.ndarray],
                       standard: Standard, data_dir: Path, office: str, station: str,
                       camera: str) -> CalibrationDialog:
    """Raises ImportError when the calibration page is not available."""
    from capture_station.gui.calibration_page import CalibrationPage

    page = CalibrationPage(frame_source, standard=standard, data_dir=data_dir, office=office,
                           station=station, camera=camera)
    dlg = CalibrationDialog(page, parent)
    page.profileSaved.connect(lambda _p: dlg.saved.emit())
    return dlg
