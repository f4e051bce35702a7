"""Review: the photo exactly as it will be saved, every check, and the operator's decision.

The picture is the encoded file decoded again, at 480x640, with the bands (switchable). Beside
it: the file size and JPEG quality, each final check with its status and hint, and the
checklist of what a program cannot judge (head covering, jewellery, coloured lenses, hair over
the ears ...), which the operator ticks. Enter accepts and saves; Esc retakes. A photo with a
failing check is saved only after an explicit override with a written reason, which is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capture_station.checks import CheckResult, Status, registry
from capture_station.gui.i18n import current_language, pick
from capture_station.gui.jobs import CapturedPhoto, Confirmation
from capture_station.gui.overlay import status_colour
from capture_station.gui.photo_view import PhotoView
from capture_station.standard import Standard

MIN_REASON_CHARS = 2


@dataclass
class AcceptRequest:
    photo: CapturedPhoto
    confirmations: list[Confirmation]
    override_reason: str | None


def check_label(check_id: str) -> str:
    d = registry().get(check_id)
    return pick(d.label_zh, d.label_en) if d else check_id


class ReviewPanel(QWidget):
    accept_requested = Signal(object)  # AcceptRequest
    retake_requested = Signal()

    def __init__(self, standard: Standard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self._standard = standard
        self._photo: CapturedPhoto | None = None
        self._items: list[tuple[str, QCheckBox]] = []
        self._busy = False

        self.view = PhotoView(standard)
        self.bands = QCheckBox()
        self.bands.setChecked(True)
        self.bands.toggled.connect(self.view.set_bands_visible)
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addWidget(self.bands)

        self.title = QLabel()
        f = QFont(self.title.font())
        f.setPointSize(16)
        f.setBold(True)
        self.title.setFont(f)
        self.info = QLabel()
        self.info.setObjectName("photoInfo")
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        fv = QFont(self.verdict.font())
        fv.setPointSize(14)
        fv.setBold(True)
        self.verdict.setFont(fv)
        self.tree = QTreeWidget()
        self.tree.setObjectName("finalChecks")
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)

        self.checklist_box = QGroupBox()
        self.checklist_layout = QVBoxLayout(self.checklist_box)
        self.override_box = QGroupBox()
        self.override_box.setObjectName("overrideBox")
        ov = QVBoxLayout(self.override_box)
        self.override_note = QLabel()
        self.override_note.setWordWrap(True)
        self.override_note.setStyleSheet("color: #c62828;")
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setMaxLength(200)
        self.reason.textChanged.connect(self._update_buttons)
        ov.addWidget(self.override_note)
        ov.addWidget(self.reason)

        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("acceptButton")
        self.accept_button.clicked.connect(self.try_accept)
        self.retake_button = QPushButton()
        self.retake_button.setObjectName("retakeButton")
        self.retake_button.clicked.connect(self.retake)
        for b in (self.accept_button, self.retake_button):
            b.setMinimumHeight(44)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retake_button)
        buttons.addWidget(self.accept_button, 1)

        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.info)
        right.addWidget(self.verdict)
        right.addWidget(self.tree, 1)
        right.addWidget(self.checklist_box)
        right.addWidget(self.override_box)
        right.addWidget(self.message)
        right.addLayout(buttons)

        lay = QHBoxLayout(self)
        lay.addLayout(left, 5)
        lay.addLayout(right, 6)

        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self, self.try_accept, context=ctx)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.retake, context=ctx)
        self.retranslate()

    # -- content ----------------------------------------------------------------------------
    @property
    def photo(self) -> CapturedPhoto | None:
        return self._photo

    def show_photo(self, photo: CapturedPhoto) -> None:
        self._photo = photo
        self._busy = False
        self.reason.clear()
        self.message.clear()
        self.view.set_photo(photo.rgb, photo.face, photo.checks)
        self._fill()
        self._update_buttons()
        self.setFocus()

    def clear(self) -> None:
        self._photo = None
        self.view.set_photo(None)
        self.tree.clear()
        self._set_checklist([])

    def checklist_items(self) -> list[tuple[str, QCheckBox]]:
        return list(self._items)

    def set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.message.setStyleSheet("color: #555;" if busy else "color: #c62828;")
        self.message.setText(message)
        self._update_buttons()

    def set_error(self, message: str) -> None:
        self._busy = False
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(message)
        self._update_buttons()

    def _checklist_defs(self, photo: CapturedPhoto) -> list[tuple[str, str]]:
        """(id, label) of what the operator must confirm: every check that could not measure
        (the ``checklist.*`` checks always say so: head covering, jewellery, lenses, hair)."""
        lang = current_language()
        return [(c.id, f"{check_label(c.id)}：{c.message(lang) or c.hint(lang)}")
                for c in photo.undetermined]

    def _set_checklist(self, defs: list[tuple[str, str]]) -> None:
        ticked = {cid for cid, box in self._items if box.isChecked()}
        for _, box in self._items:
            box.setParent(None)
            box.deleteLater()
        self._items = []
        for cid, label in defs:
            box = QCheckBox(label)
            box.setObjectName(f"confirm:{cid}")
            box.setChecked(cid in ticked)
            box.toggled.connect(self._update_buttons)
            self.checklist_layout.addWidget(box)
            self._items.append((cid, box))
        self.checklist_box.setVisible(bool(defs))

    def _fill(self) -> None:
        photo = self._photo
        self.tree.clear()
        if photo is None:
            return
        lang = current_language()
        self.title.setText(self.tr("核对照片：{id}").format(id=photo.candidate_id))
        self.info.setText(
            self.tr("{w}×{h} 像素 · {size} 字节 · JPEG 质量 {q}").format(
                w=photo.rgb.shape[1], h=photo.rgb.shape[0], size=f"{len(photo.data):,}",
                q=photo.quality if photo.quality is not None else "?",
            )
        )
        if photo.compliant:
            self.verdict.setText(self.tr("全部可测项目合格"))
            self.verdict.setStyleSheet(f"color: {status_colour(Status.PASS).name()};")
        else:
            self.verdict.setText(self.tr("有不合格项目"))
            self.verdict.setStyleSheet(f"color: {status_colour(Status.FAIL).name()};")
        order = {Status.FAIL: 0, Status.WARN: 1, Status.UNDETERMINED: 2, Status.PASS: 3}
        for c in sorted(photo.checks, key=lambda r: order[r.status]):
            self._add_row(c, lang)
        self._set_checklist(self._checklist_defs(photo))
        self.override_box.setVisible(not photo.compliant)

    def _add_row(self, c: CheckResult, lang: str) -> None:
        item = QTreeWidgetItem(self.tree)
        item.setData(0, Qt.ItemDataRole.UserRole, c.id)
        item.setText(0, self._status_text(c.status))
        item.setForeground(0, status_colour(c.status))
        item.setText(1, check_label(c.id))
        text = c.message(lang)
        hint = c.hint(lang)
        if c.status != Status.PASS and hint and hint != text and hint not in text:
            text += " — " + hint
        item.setText(2, text)
        item.setToolTip(2, text)

    def _status_text(self, s: Status) -> str:
        return {
            Status.PASS: self.tr("合格"),
            Status.WARN: self.tr("临界"),
            Status.FAIL: self.tr("不合格"),
            Status.UNDETERMINED: self.tr("待人工核对"),
        }[s]

    # -- decision ---------------------------------------------------------------------------
    def confirmations(self) -> list[Confirmation]:
        return [Confirmation(cid, box.text(), box.isChecked()) for cid, box in self._items]

    def missing(self) -> list[str]:
        """What still stands between the photo and saving it (empty: may save)."""
        photo = self._photo
        if photo is None:
            return [self.tr("没有待确认的照片")]
        out: list[str] = []
        if any(not box.isChecked() for _, box in self._items):
            out.append(self.tr("请逐项核对并勾选人工检查项目"))
        if not photo.compliant and len(self.reason.text().strip()) < MIN_REASON_CHARS:
            out.append(self.tr("照片有不合格项目：须填写强制保存的原因"))
        return out

    def _update_buttons(self) -> None:
        photo = self._photo
        ok = photo is not None and not self._busy and not self.missing()
        self.accept_button.setEnabled(ok)
        self.retake_button.setEnabled(not self._busy)
        if photo is not None and not photo.compliant:
            self.accept_button.setText(self.tr("强制保存 (Enter)"))
            self.accept_button.setStyleSheet("QPushButton { color: #c62828; font-weight: bold; }")
        else:
            self.accept_button.setText(self.tr("保存 (Enter)"))
            self.accept_button.setStyleSheet("QPushButton { font-weight: bold; }")

    def try_accept(self) -> None:
        if self._photo is None or self._busy:
            return
        missing = self.missing()
        if missing:
            self.set_error("；".join(missing))
            if not self._photo.compliant and len(self.reason.text().strip()) < MIN_REASON_CHARS:
                self.reason.setFocus()
            return
        reason = self.reason.text().strip() if not self._photo.compliant else None
        self.accept_requested.emit(AcceptRequest(self._photo, self.confirmations(), reason))

    def retake(self) -> None:
        if self._busy:
            return
        self.retake_requested.emit()

    # -- language ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.bands.setText(self.tr("显示参考带"))
        self.tree.setHeaderLabels([self.tr("结果"), self.tr("项目"), self.tr("说明")])
        self.checklist_box.setTitle(self.tr("人工核对（程序无法测量，请逐项确认）"))
        self.override_box.setTitle(self.tr("强制保存"))
        self.override_note.setText(
            self.tr("此照片有不合格项目。如确需保存，请填写原因（将记录在案）。")
        )
        self.reason.setPlaceholderText(self.tr("强制保存的原因"))
        self.retake_button.setText(self.tr("重拍 (Esc)"))
        if self._photo is not None:
            self._fill()
        else:
            self.title.setText(self.tr("核对照片"))
        self._update_buttons()
