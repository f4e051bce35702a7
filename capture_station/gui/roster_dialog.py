"""The roster in the window: import the office's list, see who still needs a photo, start one.

Why it is built this way:

* **The operator never waits.** A roster of 50,000 rows takes seconds to read (an XLSX longer):
  it is parsed on the dialog's own worker thread and written on the store's thread, with a
  progress bar fed by :class:`~capture_station.gui.progress_relay.ProgressRelay`; the window
  keeps taking photos meanwhile. The list is read on the store's thread too.
* **Rejected rows are shown, not hidden**: line, sheet, ID (masked) and the reason, in the
  window's language.
* **Resident IDs are masked** in every cell; the full key only goes into the ID field.
* **Keys from a scanner go where they belong.** Nothing in the dialog acts on Enter (no default
  button), so a scan ending in Enter never starts, imports or closes anything; digits typed
  while the table has the focus go into the search field. A candidate is started only by the
  explicit button or a double-click, which puts the key into the ID field and closes the dialog
  (the window then gives the ID field the focus back).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capture_station.gui.job_dialog import JobDialog
from capture_station.gui.progress_relay import Cancelled
from capture_station.gui.store_control import StoreController
from capture_station.records.overview import PHOTO_DEMO, PHOTO_YES, RosterEntry, roster_overview
from capture_station.records.roster import ImportReport, ParsedRoster, import_roster, parse_roster
from capture_station.standard import Standard

_Index = QModelIndex | QPersistentModelIndex

COL_NAME, COL_ADMISSION, COL_RESIDENT, COL_PHOTO, COL_WHEN = range(5)


class RosterModel(QAbstractTableModel):
    """The roster rows (plain :class:`RosterEntry` values read on the store thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[RosterEntry] = []

    def set_entries(self, entries: list[RosterEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [self.tr("姓名"), self.tr("准考证号"), self.tr("身份证号"), self.tr("照片"),
                self.tr("最近拍照时间")][section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return e.key
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return e.name
            if col == COL_ADMISSION:
                return e.admission
            if col == COL_RESIDENT:
                return e.resident_masked
            if col == COL_PHOTO:
                return self.photo_text(e)
            if col == COL_WHEN:
                return (e.last_photo_at or "")[:16].replace("T", " ")
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_PHOTO:
            if e.photo == PHOTO_YES:
                return QColor("#2e7d32") if e.compliant else QColor("#c62828")
            return QColor("#b26a00") if e.photo == PHOTO_DEMO else QColor("#777777")
        return None

    def photo_text(self, e: RosterEntry) -> str:
        if e.photo == PHOTO_YES:
            return self.tr("已拍") if e.compliant else self.tr("已拍（强制保存）")
        if e.photo == PHOTO_DEMO:
            return self.tr("仅演示照片")
        return self.tr("未拍")


class RosterFilter(QSortFilterProxyModel):
    """"Still missing" and a search by name or number (admission number, or a whole ID)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._missing_only = False
        self._text = ""

    def set_missing_only(self, on: bool) -> None:
        self._refilter(lambda: setattr(self, "_missing_only", on))

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Qt 6.9 brought begin/endFilterChange and deprecated invalidateFilter; older
        versions (the floor is 6.6) have only the latter."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RosterModel)
        e = model.entries[source_row]
        if self._missing_only and not e.missing:
            return False
        t = self._text
        if not t:
            return True
        # a resident ID is never matched by a part of it (it is shown masked); whole, it is
        return t in e.name.casefold() or (bool(e.admission) and t in e.admission) or t == e.key.casefold()


class RosterDialog(JobDialog):
    """See the module docstring. ``can_start()`` says whether the window may take a new
    candidate now (not while a photo waits in review)."""

    start_requested = Signal(str)  # the candidate's key, for the ID field
    imported = Signal(object)  # ImportReport
    loaded = Signal(int)  # rows in the list

    def __init__(self, stores: StoreController, standard: Standard,
                 can_start: Callable[[], bool] = lambda: True,
                 parent: QWidget | None = None) -> None:
        super().__init__("roster-import", parent)
        self.setObjectName("rosterDialog")
        self._stores = stores
        self._standard = standard
        self._can_start = can_start
        self._report: ImportReport | None = None
        self._status_kind = ""
        self._status_args: dict[str, Any] = {}
        self.relay.progressed.connect(self._progress)

        self.import_button = QPushButton()
        self.import_button.setObjectName("importRoster")
        self.import_button.clicked.connect(self._choose_file)
        self.search = QLineEdit()
        self.search.setObjectName("rosterSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.missing_only = QCheckBox()
        self.missing_only.setObjectName("missingOnly")
        self.missing_only.toggled.connect(self._missing_toggled)
        self.count = QLabel()
        self.count.setObjectName("rosterCount")
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.missing_only)
        top.addWidget(self.count)

        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.relay.cancel)
        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        prog = QHBoxLayout()
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.cancel_button)

        self.model = RosterModel(self)
        self.proxy = RosterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in ((COL_NAME, 200), (COL_ADMISSION, 170), (COL_RESIDENT, 190),
                           (COL_PHOTO, 240)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(self._start_index)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.installEventFilter(self)

        self.bad_box = QGroupBox()
        self.bad = QTableWidget(0, 4)
        self.bad.setObjectName("rejectedRows")
        self.bad.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bad.verticalHeader().setVisible(False)
        self.bad.horizontalHeader().setStretchLastSection(True)
        self.bad.setColumnWidth(0, 70)
        self.bad.setColumnWidth(1, 90)
        self.bad.setColumnWidth(2, 190)
        self.bad.setTabKeyNavigation(False)
        self.bad.installEventFilter(self)
        bl = QVBoxLayout(self.bad_box)
        bl.addWidget(self.bad)
        self.bad_box.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.bad_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.start_button = QPushButton()
        self.start_button.setObjectName("startCandidate")
        self.start_button.clicked.connect(self._start_selected)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        self.start_note = QLabel()
        self.start_note.setStyleSheet("color: #555;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.start_button)
        bottom.addWidget(self.start_note, 1)
        bottom.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(prog)
        lay.addWidget(self.status)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        for b in (self.import_button, self.cancel_button, self.start_button, self.close_button):
            b.setAutoDefault(False)  # Enter from a scanner must press nothing
            b.setDefault(False)
        self._set_busy(False)
        self.resize(1100, 660)
        self.retranslate()
        self.reload()

    # -- the list -------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the roster again (on the store thread)."""
        self._stores.run(roster_overview, self._loaded,
                         lambda e: self._show_status("error", err=e))

    def _loaded(self, entries: list[RosterEntry]) -> None:
        self.model.set_entries(entries)
        self._update_count()
        self._selection_changed()
        self.loaded.emit(len(entries))

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _missing_toggled(self, on: bool) -> None:
        self.proxy.set_missing_only(on)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("显示 {shown} / {total} 人").format(
            shown=f"{self.proxy.rowCount():,}", total=f"{self.model.rowCount():,}"))

    def visible_keys(self) -> list[str]:
        """The keys of the rows shown, in order (for tests and tools)."""
        return [str(self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole))
                for r in range(self.proxy.rowCount())]

    def select_key(self, key: str) -> bool:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.table.selectRow(r)
                return True
        return False

    # -- start a candidate ----------------------------------------------------------------
    def _selected_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(Qt.ItemDataRole.UserRole)) if rows else None

    def _selection_changed(self, *_: object) -> None:
        ok = self._can_start()
        self.start_button.setEnabled(ok and self._selected_key() is not None)
        self.start_note.setText("" if ok else self.tr("有照片正在核对，保存或重拍后才能开始下一位考生"))

    def _start_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self._start(str(index.data(Qt.ItemDataRole.UserRole)))

    def _start_selected(self) -> None:
        key = self._selected_key()
        if key is not None:
            self._start(key)

    def _start(self, key: str) -> None:
        if not self._can_start():
            self._selection_changed()
            return
        self.start_requested.emit(key)
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.table, self.bad) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return True  # never starts a candidate: that takes the button or a double-click
            text = event.text()
            mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if text and text.isprintable() and mods == Qt.KeyboardModifier.NoModifier:
                self.search.setFocus()
                self.search.insert(text)  # a scan or typing lands in the search, not lost
                return True
        return super().eventFilter(watched, event)

    # -- import ---------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择名册文件"), "",
            self.tr("名册（*.csv *.xlsx *.xlsm）") + ";;" + self.tr("所有文件（*）"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Parse ``path`` on the dialog's worker, then store its good rows on the store thread."""
        if self._busy:
            return
        self._set_busy(True)
        self.relay.reset()
        self.bad_box.hide()
        self._show_status("reading", file=path.name)
        standard, relay = self._standard, self.relay
        self._runner.submit(lambda: parse_roster(path, standard, None, relay.report),
                            lambda parsed: self._parsed(path, parsed), self._import_failed)

    def _parsed(self, path: Path, parsed: ParsedRoster) -> None:
        relay = self.relay
        self._show_status("storing", file=path.name)
        self._stores.run(
            lambda store: import_roster(store, path, parsed=parsed, progress=relay.report),
            self._imported, self._import_failed)

    def _imported(self, rep: ImportReport) -> None:
        self._report = rep
        self._set_busy(False)
        self._show_status("done", file=rep.file, added=len(rep.added), updated=len(rep.updated),
                          unchanged=rep.unchanged, bad=len(rep.bad))
        self._fill_bad()
        self.imported.emit(rep)
        self.reload()
        self._finish_close()

    def _import_failed(self, e: BaseException) -> None:
        self._set_busy(False)
        if isinstance(e, Cancelled):
            self._show_status("cancelled")
        else:
            self._show_status("error", err=e)  # rendered when shown: follows a language switch
        self._finish_close()

    def _progress(self, phase: str, done: int, total: int) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))
        self.progress.setFormat({
            "read": self.tr("读取 %v / %m 行"),
            "check": self.tr("检查 %v / %m 行"),
            "store": self.tr("写入 %v / %m 行"),
        }.get(phase, "%v / %m"))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.import_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # until the first report says how much there is

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def report(self) -> ImportReport | None:
        return self._report

    def _fill_bad(self) -> None:
        rep = self._report
        rows = rep.bad if rep is not None else []
        self.bad.setRowCount(len(rows))
        for i, b in enumerate(rows):
            for col, text in enumerate((str(b.line), b.sheet or "", b.id, self.reason_text(b.reason))):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setToolTip(text)
                self.bad.setItem(i, col, item)
        self.bad_box.setVisible(bool(rows))
        self.bad.setColumnHidden(1, not any(b.sheet for b in rows))  # CSV: no sheets
        self._retranslate_bad()

    def _retranslate_bad(self) -> None:
        n = len(self._report.bad) if self._report is not None else 0
        self.bad_box.setTitle(self.tr("未导入的行（{n}）").format(n=f"{n:,}"))
        self.bad.setHorizontalHeaderLabels([self.tr("行号"), self.tr("工作表"), self.tr("考生号"),
                                            self.tr("原因")])

    @staticmethod
    def reason_text(reason: object) -> str:
        """A rejected row's reason in the window's language: the core's reason renders itself
        in the current language (:class:`capture_station.messages.Msg`), which the window's
        language switch sets."""
        return str(reason)

    # -- status line ----------------------------------------------------------------------
    def _show_status(self, kind: str, **args: Any) -> None:
        self._status_kind, self._status_args = kind, args
        self._render_status()

    def _render_status(self) -> None:
        kind, a = self._status_kind, self._status_args
        colour = "#c62828" if kind == "error" else "#333"
        text = {
            "": "",
            "reading": self.tr("正在读取名册 {file}…"),
            "storing": self.tr("正在写入名册 {file}…"),
            "done": self.tr("已导入 {file}：新增 {added} 人，更新 {updated} 人，未变 {unchanged} 人，"
                            "未导入 {bad} 行"),
            "cancelled": self.tr("已取消导入，名册未改变"),
            "error": self.tr("无法导入名册：{err}"),
        }.get(kind, "")
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setText(text.format(**a) if a else text)
        self.status.setVisible(bool(text))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("考生名册"))
        self.import_button.setText(self.tr("导入名册…"))
        self.search.setPlaceholderText(self.tr("按姓名或考生号搜索"))
        self.missing_only.setText(self.tr("只显示尚未拍照"))
        self.cancel_button.setText(self.tr("取消"))
        self.start_button.setText(self.tr("为此考生拍照"))
        self.start_button.setToolTip(self.tr("把所选考生的考生号填入输入框（也可双击该行）"))
        self.close_button.setText(self.tr("关闭"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self.model.dataChanged.emit(self.model.index(0, COL_PHOTO),
                                    self.model.index(max(0, self.model.rowCount() - 1), COL_PHOTO))
        self._update_count()
        self._selection_changed()
        self._retranslate_bad()
        if self._report is not None:
            self._fill_bad()
        self._render_status()
