"""Review: who is in front of the camera, the photo exactly as it will be saved, every check,
and the operator's decision.

At the top, big enough to read from a step away: the candidate's name from the roster, the
admission number and the masked resident ID, and a red flag when a roster is loaded and this ID
is not on it, so a mix-up is seen before saving. The picture is the encoded file decoded again,
at 480x640, with the bands (switchable). Beside it: the file size and JPEG quality, each final
check with its status and hint, and the checklist of what a program cannot judge (head
covering, jewellery, coloured lenses, hair over the ears ...). The items stay in view with the
photo; one key, Ctrl+Enter, says the operator has looked at all of them and saves (recorded with
the operator's name). Enter alone saves only a compliant photo with nothing to confirm; Esc
retakes. A photo with a failing check is saved only with Ctrl+Enter and a written reason, which
is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
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
from capture_station.records.candidate_id import mask_resident_id
from capture_station.records.store import Candidate
from capture_station.standard import Standard

MIN_REASON_CHARS = 2


@dataclass
class AcceptRequest:
    photo: CapturedPhoto
    confirmations: list[Confirmation]
    override_reason: str | None


@dataclass(frozen=True)
class Who:
    """Who the photo under review is filed under, as the review shows it."""

    scanned: str  # the ID as scanned or typed
    candidate: Candidate | None  # its roster row
    on_roster: bool | None  # None: no roster loaded


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
        self._items: list[tuple[str, QLabel]] = []
        self._busy = False
        self._shown_missing = False  # the message shows what stood in the way of saving
        self._shown_missing_confirmed = False

        self.view = PhotoView(standard)
        self.bands = QCheckBox()
        self.bands.setChecked(True)
        self.bands.toggled.connect(self.view.set_bands_visible)
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addWidget(self.bands)

        self.who_name = QLabel()
        self.who_name.setObjectName("reviewName")
        fn = QFont(self.who_name.font())
        fn.setPointSize(24)
        fn.setBold(True)
        self.who_name.setFont(fn)
        self.who_ids = QLabel()
        self.who_ids.setObjectName("reviewIds")
        fi = QFont(self.who_ids.font())
        fi.setPointSize(16)
        self.who_ids.setFont(fi)
        self.roster_flag = QLabel()
        self.roster_flag.setObjectName("rosterFlag")
        self.roster_flag.setWordWrap(True)
        self.roster_flag.setStyleSheet(
            "QLabel { background: #c62828; color: white; font-weight: bold; padding: 6px; }")
        self.roster_flag.hide()
        self.scan_note = QLabel()
        self.scan_note.setObjectName("scanNote")
        self.scan_note.setWordWrap(True)
        self.scan_note.setStyleSheet("QLabel { color: #0d47a1; font-weight: bold; }")
        self.scan_note.hide()
        self.title = QLabel()
        f = QFont(self.title.font())
        f.setPointSize(12)
        f.setBold(True)
        self.title.setFont(f)
        self._who: Who | None = None
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
        self.tree.setMinimumHeight(60)  # the first to give way on a short screen

        self.checklist_box = QGroupBox()
        self.checklist_box.setObjectName("checklist")
        self.checklist_layout = QVBoxLayout(self.checklist_box)
        self.checklist_key = QLabel()
        self.checklist_key.setObjectName("checklistKey")
        self.checklist_key.setWordWrap(True)
        self.checklist_key.setStyleSheet("QLabel { font-weight: bold; }")
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
        self.accept_button.clicked.connect(lambda: self.try_accept(confirmed=True))
        self.retake_button = QPushButton()
        self.retake_button.setObjectName("retakeButton")
        self.retake_button.clicked.connect(self.retake)
        for b in (self.accept_button, self.retake_button):
            b.setMinimumHeight(40)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retake_button)
        buttons.addWidget(self.accept_button, 1)

        header = QFrame()
        header.setObjectName("reviewWho")
        hl = QVBoxLayout(header)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.who_name)
        hl.addWidget(self.who_ids)
        hl.addWidget(self.roster_flag)
        hl.addWidget(self.scan_note)
        right = QVBoxLayout()
        right.addWidget(header)
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
            QShortcut(QKeySequence(key), self, lambda: self.try_accept(confirmed=False),
                      context=ctx)
            QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), self,
                      lambda: self.try_accept(confirmed=True), context=ctx)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.retake, context=ctx)
        self.retranslate()

    # -- content ----------------------------------------------------------------------------
    @property
    def photo(self) -> CapturedPhoto | None:
        return self._photo

    def show_photo(self, photo: CapturedPhoto, who: Who | None = None) -> None:
        self._photo = photo
        self._who = who or Who(photo.candidate_id, None, None)
        self.set_pending_scan("")
        self._busy = False
        self._shown_missing = False
        self.reason.clear()
        self.message.clear()
        self.view.set_photo(photo.rgb, photo.face, photo.checks)
        self._fill()
        self._update_buttons()
        self.setFocus()

    def set_pending_scan(self, digits: str) -> None:
        """Show the digits of a scan that arrived during the review (empty: none)."""
        if digits:
            self.scan_note.setText(self.tr("新扫描的考生号：{id}（回车后选择如何处理）").format(
                id=mask_resident_id(digits)))
        self.scan_note.setVisible(bool(digits))

    def clear(self) -> None:
        self._photo = None
        self._who = None
        self.set_pending_scan("")
        self.view.set_photo(None)
        self.tree.clear()
        self._set_checklist([])

    def checklist_items(self) -> list[tuple[str, str]]:
        """(check id, text) of what the operator must look at before Ctrl+Enter."""
        return [(cid, label.text()) for cid, label in self._items]

    def set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self._shown_missing = False
        self.message.setStyleSheet("color: #555;" if busy else "color: #c62828;")
        self.message.setText(message)
        self._update_buttons()

    def set_error(self, message: str) -> None:
        self._busy = False
        self._shown_missing = False
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(message)
        self._update_buttons()

    def _checklist_defs(self, photo: CapturedPhoto) -> list[tuple[str, str]]:
        """(id, label) of what the operator must confirm: every check that could not measure
        (the ``checklist.*`` checks always say so: head covering, jewellery, lenses, hair)."""
        lang = current_language()
        colon = ": " if lang.startswith("en") else "："
        return [(c.id, f"{check_label(c.id)}{colon}{c.message(lang) or c.hint(lang)}")
                for c in photo.undetermined]

    def _set_checklist(self, defs: list[tuple[str, str]]) -> None:
        for _, label in self._items:
            label.setParent(None)
            label.deleteLater()
        self._items = []
        self.checklist_layout.removeWidget(self.checklist_key)
        for cid, text in defs:
            label = QLabel("• " + text)
            label.setObjectName(f"confirm:{cid}")
            label.setWordWrap(True)
            self.checklist_layout.addWidget(label)
            self._items.append((cid, label))
        self.checklist_layout.addWidget(self.checklist_key)
        self.checklist_key.setText(
            self.tr("看过照片、以上 {n} 项都符合要求：按 Ctrl+Enter 确认并保存").format(n=len(defs)))
        self.checklist_box.setVisible(bool(defs))

    def _fill(self) -> None:
        photo = self._photo
        self.tree.clear()
        if photo is None:
            return
        lang = current_language()
        self._show_who()
        self.title.setText(self.tr("核对照片"))
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
        # What could not be measured is in the checklist below, with the photo in view.
        order = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 3}
        for c in sorted((c for c in photo.checks if c.status != Status.UNDETERMINED),
                        key=lambda r: order[r.status]):
            self._add_row(c, lang)
        self._set_checklist(self._checklist_defs(photo))
        self.override_box.setVisible(not photo.compliant)

    def _show_who(self) -> None:
        who, photo = self._who, self._photo
        if who is None or photo is None:
            self.who_name.clear()
            self.who_ids.clear()
            self.roster_flag.hide()
            return
        row = who.candidate
        ids = []
        if row is not None and row.admission_number:
            ids.append(self.tr("准考证号 {id}").format(id=row.admission_number))
        if row is not None and row.resident_id:
            ids.append(self.tr("身份证 {id}").format(id=mask_resident_id(row.resident_id)))
        if row is not None and row.name:
            self.who_name.setText(row.name)
        else:  # no name to show: the ID itself, big
            self.who_name.setText(mask_resident_id(photo.candidate_id))
            ids = [self.tr("未导入考生名单，无姓名可核对") if who.on_roster is None
                   else self.tr("名单中无姓名")]
        self.who_ids.setText(" · ".join(ids))
        if who.on_roster is False:
            self.roster_flag.setText(self.tr(
                "名单中没有此考生号：请核对准考证或身份证后再保存"))
        self.roster_flag.setVisible(who.on_roster is False)

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
    def confirmations(self, confirmed: bool = True) -> list[Confirmation]:
        """The checklist items, each confirmed (Ctrl+Enter) or not."""
        return [Confirmation(cid, label.text().removeprefix("• "), confirmed)
                for cid, label in self._items]

    def needs_confirmation(self) -> bool:
        """Saving this photo needs Ctrl+Enter: items to look at, or a failing check."""
        photo = self._photo
        return bool(self._items) or (photo is not None and not photo.compliant)

    def missing(self, confirmed: bool = False) -> list[str]:
        """What still stands between the photo and saving it with Enter (``confirmed``: with
        Ctrl+Enter); empty: may save."""
        photo = self._photo
        if photo is None:
            return [self.tr("没有待确认的照片")]
        out: list[str] = []
        if not photo.compliant and len(self.reason.text().strip()) < MIN_REASON_CHARS:
            out.append(self.tr("照片有不合格项目：须填写强制保存的原因"))
        if not confirmed and self.needs_confirmation():
            out.append(self.tr("请看照片核对人工检查项目，然后按 Ctrl+Enter 保存"))
        return out

    def _update_buttons(self) -> None:
        photo = self._photo
        ok = photo is not None and not self._busy and not self.missing(confirmed=True)
        self.accept_button.setEnabled(ok)
        self.retake_button.setEnabled(not self._busy)
        key = "Ctrl+Enter" if self.needs_confirmation() else "Enter"
        if photo is not None and not photo.compliant:
            self.accept_button.setText(self.tr("已核对，强制保存 ({key})").format(key=key))
            self.accept_button.setStyleSheet(
                "QPushButton:enabled { color: #c62828; font-weight: bold; }")
        elif self._items:
            self.accept_button.setText(self.tr("已核对，保存 ({key})").format(key=key))
            self.accept_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        else:
            self.accept_button.setText(self.tr("保存 ({key})").format(key=key))
            self.accept_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        if self._shown_missing and not self._busy:
            # a refusal that no longer holds disappears; one that still holds is kept current
            still = self.missing(confirmed=self._shown_missing_confirmed)
            self._shown_missing = bool(still)
            self.message.setText("；".join(still))

    def try_accept(self, confirmed: bool = False) -> None:
        """Enter (``confirmed`` False) or Ctrl+Enter / the button (True)."""
        if self._photo is None or self._busy:
            return
        missing = self.missing(confirmed)
        if missing:
            self.set_error("；".join(missing))
            self._shown_missing, self._shown_missing_confirmed = True, confirmed
            if not self._photo.compliant and len(self.reason.text().strip()) < MIN_REASON_CHARS:
                self.reason.setFocus()
            return
        reason = self.reason.text().strip() if not self._photo.compliant else None
        self.accept_requested.emit(
            AcceptRequest(self._photo, self.confirmations(confirmed), reason))

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
        self.checklist_box.setTitle(self.tr("人工核对（程序无法测量，请看照片逐项核对）"))
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
