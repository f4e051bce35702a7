"""Settings, and the same form as the first-run dialog.

On the first run the station needs its examination office (one of the 16 prefecture offices),
its name, the operator, the data folder and the camera before anything else; later the same
form changes them (a new camera is switched to without a restart). The camera list comes from
``list_cameras()``, run on a background thread because probing devices can take a while.
"""

from __future__ import annotations

import socket
from dataclasses import replace

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from capture_station.gui.camera_control import camera_display_name, is_demo_spec
from capture_station.gui.i18n import LANGUAGES, current_language, language_name
from capture_station.gui.qt_bridge import JobRunner
from capture_station.settings import Settings, load_offices


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, first_run: bool = False,
                 parent: QWidget | None = None, list_cameras: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._initial = settings
        self._first_run = first_run
        self._cameras: list[tuple[str, str, str]] = []  # (spec, kind, name)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.office = QComboBox()
        self.office.setObjectName("office")
        self.station = QLineEdit(settings.station_name or (socket.gethostname() if first_run else ""))
        self.station.setObjectName("stationName")
        self.operator = QLineEdit(settings.operator)
        self.operator.setObjectName("operator")
        self.data_dir = QLineEdit(settings.data_dir or str(settings.data_path()))
        self.data_dir.setObjectName("dataDir")
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(self.browse)
        self.camera = QComboBox()
        self.camera.setObjectName("camera")
        self.camera.setEditable(True)
        # A typed spec stays typed text: inserting it as a list item on Enter gave an item
        # without a spec, read back as "" (automatic).
        self.camera.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for lang in LANGUAGES:
            self.language.addItem(language_name(lang), lang)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.auto = QCheckBox()
        self.auto.setObjectName("autoCapture")
        self.auto.setChecked(settings.auto_capture)
        self.frames = QSpinBox()
        self.frames.setObjectName("autoFrames")
        self.frames.setRange(1, 300)
        self.frames.setValue(settings.auto_capture_frames)
        self.calibration = QSpinBox()
        self.calibration.setObjectName("calibrationDays")
        self.calibration.setRange(1, 365)
        self.calibration.setValue(settings.calibration_interval_days)
        self.file_key = QComboBox()  # the office's choice: how exported photos are named
        self.file_key.setObjectName("exportFileKey")
        self.file_key.addItem("", "admission")
        self.file_key.addItem("", "resident")
        self.file_key.setCurrentIndex(max(0, self.file_key.findData(settings.export_file_key)))

        self.form = QFormLayout()
        self._labels = [QLabel() for _ in range(8)]
        rows: list[QWidget | QHBoxLayout] = [
            self.office, self.station, self.operator, folder_row, self.camera, self.language,
            self.auto, self.frames,
        ]
        for label, field in zip(self._labels, rows, strict=True):
            self.form.addRow(label, field)
        self._cal_label = QLabel()
        self.form.addRow(self._cal_label, self.calibration)
        self._key_label = QLabel()
        self.form.addRow(self._key_label, self.file_key)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Why OK is disabled, in words: a greyed-out button alone does not say what is missing.
        self.missing = QLabel()
        self.missing.setObjectName("settingsMissing")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #c62828;")
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.missing)
        lay.addWidget(self.buttons)

        self._fill_offices()
        self.office.currentIndexChanged.connect(self._validate)
        self.data_dir.textChanged.connect(self._validate)
        self._set_cameras([])
        self._runner: JobRunner | None = None
        if list_cameras:
            self._runner = JobRunner("camera-list", self)
            self._runner.submit(self._list, self._set_cameras, lambda e: self._set_cameras([]))
        self.retranslate()
        self._validate()

    @staticmethod
    def _list() -> list[tuple[str, str, str]]:
        """(spec, kind, name) of the cameras found and of the demo camera; the names are put
        into the interface language on the GUI thread."""
        from capture_station.cameras.registry import list_cameras

        return [(c.spec, c.kind, c.name) for c in list_cameras()]

    def _fill_offices(self) -> None:
        code = self.office.currentData() if self.office.count() else self._initial.office
        self.office.blockSignals(True)
        self.office.clear()
        lang = current_language()
        for o in load_offices():
            self.office.addItem(o.name(lang), o.code)
        i = self.office.findData(code)
        self.office.setCurrentIndex(i)
        self.office.blockSignals(False)

    def _set_cameras(self, found: list[tuple[str, str, str]]) -> None:
        current = self.camera.currentData() if self.camera.count() else self._initial.camera
        if current is None:
            current = self.camera.currentText()
        self._cameras = found
        self.camera.clear()
        self.camera.addItem(self.tr("自动（第一台找到的相机）"), "")
        for spec, kind, name in found:
            self.camera.addItem(f"{camera_display_name(kind, name, spec)}  [{spec}]", spec)
        i = self.camera.findData(current)
        if i < 0 and current:
            shown = (f"{camera_display_name('demo', '', current)}  [{current}]"
                     if is_demo_spec(current) else current)
            self.camera.addItem(shown, current)
            i = self.camera.count() - 1
        self.camera.setCurrentIndex(max(0, i))

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("选择保存文件夹"), self.data_dir.text())
        if d:
            self.data_dir.setText(d)

    def missing_fields(self) -> list[str]:
        """The names of the required fields still empty (OK stays disabled until none)."""
        missing = []
        if self.office.currentIndex() < 0:
            missing.append(self.tr("考试机构"))
        if not self.data_dir.text().strip():
            missing.append(self.tr("保存文件夹"))
        return missing

    def _validate(self) -> None:
        missing = self.missing_fields()
        ok_button: QAbstractButton | None = self.buttons.button(
            QDialogButtonBox.StandardButton.Ok)
        if ok_button is not None:
            ok_button.setEnabled(not missing)
        self.missing.setText(
            self.tr("请填写：{fields}").format(fields="、".join(missing)) if missing else "")
        self.missing.setVisible(bool(missing))

    def camera_spec(self) -> str:
        """The chosen camera's spec: a listed camera's own spec, "" for automatic, or the text
        typed by hand."""
        i = self.camera.currentIndex()
        text = self.camera.currentText().strip()
        if i >= 0 and self.camera.itemText(i) == self.camera.currentText():
            data = self.camera.itemData(i)
            if data is not None:
                return str(data)
        return text  # typed by hand

    def result_settings(self) -> Settings:
        folder = self.data_dir.text().strip()
        default = str(replace(self._initial, data_dir="").data_path())
        return replace(
            self._initial,
            office=str(self.office.currentData() or ""),
            station_name=self.station.text().strip(),
            operator=self.operator.text().strip(),
            data_dir="" if folder == default else folder,
            camera=self.camera_spec(),
            language=str(self.language.currentData() or "zh_CN"),
            auto_capture=self.auto.isChecked(),
            auto_capture_frames=self.frames.value(),
            calibration_interval_days=self.calibration.value(),
            export_file_key=str(self.file_key.currentData() or "admission"),
        )

    def done(self, r: int) -> None:
        if self._runner is not None:
            self._runner.close(wait=True)
            self._runner = None
        super().done(r)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("首次设置") if self._first_run else self.tr("设置"))
        self.intro.setText(
            self.tr("欢迎使用照片采集站。请选择本站所属的考试机构，并填写站点与操作员信息。")
            if self._first_run else ""
        )
        self.intro.setVisible(self._first_run)
        texts = [
            self.tr("考试机构"), self.tr("站点名称"), self.tr("操作员"), self.tr("保存文件夹"),
            self.tr("相机"), self.tr("界面语言"), self.tr("自动拍照"), self.tr("连续合格帧数"),
        ]
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        self._cal_label.setText(self.tr("校准间隔（天）"))
        self._key_label.setText(self.tr("导出照片文件名"))
        self.file_key.setItemText(0, self.tr("准考证号"))
        self.file_key.setItemText(1, self.tr("身份证号（名册中有时）"))
        self.office.setPlaceholderText(self.tr("请选择考试机构"))
        self.browse.setText(self.tr("浏览…"))
        self.auto.setText(self.tr("所有实时检查连续合格时自动拍照"))
        self._fill_offices()
        if self.camera.count():
            self.camera.setItemText(0, self.tr("自动（第一台找到的相机）"))
        self._validate()
