"""Today's photos with thumbnails and status; open one to see its checks or retake it.

The records and thumbnails are read on the store's thread and handed over ready to show. A
record's stored checks are shown in the interface language: the station records each message in
English and Chinese; a record from before that (English only) shows the measured value instead
of English text in the Chinese window.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capture_station.checks import Status
from capture_station.gui.i18n import is_english
from capture_station.gui.live_view import rgb_to_qimage
from capture_station.gui.overlay import status_colour
from capture_station.gui.photo_view import PhotoView
from capture_station.gui.review_panel import check_label
from capture_station.imaging.face_analysis import Face
from capture_station.records.candidate_id import mask_resident_id
from capture_station.records.store import PhotoRecord
from capture_station.standard import Standard

THUMB_HEIGHT = 72


class HistoryPanel(QWidget):
    open_requested = Signal(object)  # PhotoRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: list[PhotoRecord] = []
        self._thumbs: dict[int, np.ndarray | None] = {}
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.list = QListWidget()
        self.list.setMinimumHeight(28)
        self.list.setObjectName("historyList")
        self.list.setIconSize(QSize(THUMB_HEIGHT * 3 // 4, THUMB_HEIGHT))
        self.list.setUniformItemSizes(True)
        # Activation is a double-click (or a single click where the desktop says so) and
        # Enter; listening to double-clicks as well opened every record twice.
        self.list.itemActivated.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.list, 1)
        self.retranslate()

    @property
    def records(self) -> list[PhotoRecord]:
        return list(self._records)

    def set_records(self, rows: list[tuple[PhotoRecord, np.ndarray | None]]) -> None:
        self._records = [r for r, _ in rows]
        self._thumbs = {r.id: t for r, t in rows}
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for rec in self._records:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, rec.id)
            thumb = self._thumbs.get(rec.id)
            if thumb is not None:
                item.setIcon(QIcon(QPixmap.fromImage(rgb_to_qimage(thumb))))
            when = rec.created_at[11:16]
            if rec.superseded_by is not None:
                state = self.tr("已被重拍替换")
                colour = QColor(130, 130, 130)
            elif rec.demo:  # a practice shot: never exported, so never shown as done
                state = self.tr("演示照片（不导出）")
                colour = QColor(178, 106, 0)
            elif rec.compliant:
                state = self.tr("合格")
                colour = status_colour(Status.PASS)
            else:
                state = self.tr("强制保存")
                colour = status_colour(Status.FAIL)
            item.setText(f"{mask_resident_id(rec.candidate_id)}\n{when} · {state}")
            item.setForeground(colour)
            self.list.addItem(item)
        self.title.setText(self.tr("今日照片（{n}）").format(n=len(self._records)))

    def _activated(self, item: QListWidgetItem) -> None:
        rid = item.data(Qt.ItemDataRole.UserRole)
        rec = next((r for r in self._records if r.id == rid), None)
        if rec is not None:
            self.open_requested.emit(rec)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._fill()


def _value_text(value: object) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


class RecordDialog(QDialog):
    """One saved photo: the picture with its bands, the stored checks, and a retake button."""

    retake_requested = Signal(str)

    def __init__(self, standard: Standard, rec: PhotoRecord, rgb: np.ndarray | None,
                 face: Face | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordDialog")
        self._rec = rec
        self.view = PhotoView(standard)
        self.view.set_photo(rgb, face)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.retake = QPushButton()
        self.retake.clicked.connect(self._retake)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.retake, QDialogButtonBox.ButtonRole.ActionRole)
        right = QVBoxLayout()
        right.addWidget(self.info)
        right.addWidget(self.tree, 1)
        right.addWidget(buttons)
        lay = QHBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addLayout(right, 1)
        self.resize(900, 600)
        self.retranslate()

    def _explanation(self, c: dict[str, object]) -> str:
        """The stored message in the interface language (see the module docstring)."""
        if is_english():
            return str(c.get("message", ""))
        zh = c.get("message_zh")
        if zh:
            return str(zh)
        message = str(c.get("message", ""))
        if message and not message.isascii():
            return message  # recorded in Chinese already (a checklist label)
        if str(c.get("id", "")).startswith("checklist.") or c.get("operator_confirmed") is not None:
            return self.tr("人工核对项")
        value = _value_text(c.get("value"))
        return self.tr("测量值：{value}").format(value=value) if value else ""

    def _retake(self) -> None:
        self.retake_requested.emit(self._rec.candidate_id)
        self.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        rec = self._rec
        self.setWindowTitle(self.tr("照片记录：{id}").format(id=mask_resident_id(rec.candidate_id)))
        lines = [
            self.tr("考生号：{id}").format(id=mask_resident_id(rec.candidate_id)),
            self.tr("时间：{t}").format(t=rec.created_at[:19].replace("T", " ")),
            self.tr("{size} 字节 · JPEG 质量 {q}").format(size=f"{rec.bytes:,}", q=rec.quality),
            self.tr("文件：{path}").format(path=rec.path),
        ]
        if rec.override_reason:
            lines.append(self.tr("强制保存原因：{r}").format(r=rec.override_reason))
        if rec.superseded_by is not None:
            lines.append(self.tr("此照片已被重拍替换，保存在历史记录中。"))
        self.info.setText("\n".join(lines))
        self.retake.setText(self.tr("重拍此考生"))
        self.tree.setHeaderLabels([self.tr("结果"), self.tr("项目"), self.tr("说明")])
        self.tree.clear()
        words = {
            "pass": self.tr("合格"),
            "warn": self.tr("临界"),
            "fail": self.tr("不合格"),
            "undetermined": self.tr("待人工核对"),
        }
        for c in rec.checks:
            item = QTreeWidgetItem(self.tree)
            st = str(c.get("status", ""))
            item.setText(0, words.get(st, st))
            try:
                item.setForeground(0, status_colour(Status(st)))
            except ValueError:
                pass
            item.setText(1, check_label(str(c.get("id", ""))))
            text = self._explanation(c)
            if c.get("operator_confirmed") is not None:
                text += " — " + (self.tr("操作员已确认") if c["operator_confirmed"]
                                 else self.tr("操作员未确认"))
            item.setText(2, text)
