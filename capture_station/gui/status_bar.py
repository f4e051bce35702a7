"""The status line: camera and its frame rate, analysis rate, calibration age, free disk space,
save folder.

Values arrive from the window; the disk figure and the calibration age are read on the store's
thread (the age through :func:`capture_station.gui.jobs.calibration_state`). Until the station
has been calibrated the line says "not calibrated"; when a new calibration is due it turns red;
a failed calibration (saved only after an explicit confirmation) reads 校准未通过 in red.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget


def format_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


class StationStatusBar(QStatusBar):
    LOW_DISK_BYTES = 500 * 1024 * 1024

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera = QLabel()
        self.camera.setObjectName("statusCamera")
        self.analysis = QLabel()
        self.analysis.setObjectName("statusAnalysis")
        self.calibration = QLabel()
        self.calibration.setObjectName("statusCalibration")
        self.disk = QLabel()
        self.disk.setObjectName("statusDisk")
        self.folder = QLabel()
        self.folder.setObjectName("statusFolder")
        for w in (self.camera, self.analysis, self.calibration, self.disk):
            self.addPermanentWidget(w)
        self.addWidget(self.folder, 1)
        self._camera_name = ""
        self._camera_fps = 0.0
        self._camera_state = ""
        self._camera_demo = False
        self._analysis_fps = 0.0
        self._free: int | None = None
        self._folder = ""
        self._calibration_age: dt.timedelta | None = None
        self._calibration_due = True
        self._calibration_failed = False
        self.retranslate()

    def set_camera(self, name: str, fps: float, state: str = "connected",
                   demo: bool = False) -> None:
        """The camera as the window names it (see ``camera_control.camera_display_name``);
        ``demo``: the demo camera, shown in amber so it is never taken for a real one."""
        self._camera_name, self._camera_fps, self._camera_state = name, fps, state
        self._camera_demo = demo
        self._show_camera()

    def set_analysis_fps(self, fps: float) -> None:
        self._analysis_fps = fps
        self.analysis.setText(self.tr("分析 {fps:.1f} 帧/秒").format(fps=fps))

    def set_disk(self, folder: str, free_bytes: int | None) -> None:
        self._folder, self._free = folder, free_bytes
        self._show_disk()

    def set_calibration(self, age: dt.timedelta | None, due: bool, failed: bool = False) -> None:
        """Age of the lighting calibration (None: never), whether a new one is due, and whether
        it failed (saved anyway, on purpose): then the line says so in red, not its age."""
        self._calibration_age, self._calibration_due = age, due
        self._calibration_failed = failed
        self._show_calibration()

    def _show_calibration(self) -> None:
        age = self._calibration_age
        if age is None:
            self.calibration.setText(self.tr("未校准"))
            self.calibration.setStyleSheet("color: #b26a00;")
            return
        if self._calibration_failed:
            self.calibration.setText(self.tr("校准未通过，请重新校准"))
            self.calibration.setStyleSheet("color: #c62828; font-weight: bold;")
            return
        hours = max(0.0, age.total_seconds() / 3600)
        if hours < 48:
            text = self.tr("校准于 {h:.0f} 小时前").format(h=hours)
        else:
            text = self.tr("校准于 {d:.0f} 天前").format(d=hours / 24)
        if self._calibration_due:
            text += self.tr("（需重新校准）")
        self.calibration.setText(text)
        self.calibration.setStyleSheet("color: #c62828;" if self._calibration_due else "")

    def _show_camera(self) -> None:
        if not self._camera_name:
            self.camera.setText(self.tr("无相机"))
            self.camera.setStyleSheet("color: #c62828;")
            return
        if self._camera_state and self._camera_state != "connected":
            self.camera.setText(self.tr("{name}（已断开）").format(name=self._camera_name))
            self.camera.setStyleSheet("color: #c62828;")
            return
        self.camera.setStyleSheet(
            "color: #b26a00; font-weight: bold;" if self._camera_demo else "")
        self.camera.setText(
            self.tr("{name} · {fps:.1f} 帧/秒").format(name=self._camera_name, fps=self._camera_fps)
        )

    def _show_disk(self) -> None:
        self.folder.setText(self.tr("保存到：{folder}").format(folder=self._folder))
        self.folder.setToolTip(self._folder)
        if self._free is None:
            self.disk.setText(self.tr("剩余空间未知"))
            self.disk.setStyleSheet("color: #b26a00;")
            return
        self.disk.setText(self.tr("剩余 {free}").format(free=format_bytes(self._free)))
        self.disk.setStyleSheet("color: #c62828;" if self._free < self.LOW_DISK_BYTES else "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._show_camera()
        self.set_analysis_fps(self._analysis_fps)
        self._show_disk()
        self._show_calibration()
