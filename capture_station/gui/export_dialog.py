"""Export for upload from the window: which photos, folder or ZIP, progress, and what came of it.

Why it is built this way:

* **The same export as the command line** (:func:`capture_station.records.export.run_export`):
  every photo re-read and re-checked, built under a temporary name, never overwriting; the
  manifest names the station's office and the office's file key (both from the settings).
* **The station keeps working.** Re-checking a day's photos takes a while, so the export runs
  on the dialog's own worker thread with its own connection to the store (as a second process
  would: it never cleans up after the window, and a retake saved meanwhile is handled by the
  export's own re-read). Progress comes by signal; "cancel" stops it and leaves nothing behind.
* **A ZIP's name ends in .zip** whether or not the operator typed it.
* **The result says everything**: exported, excluded with the reason, still missing. Resident
  IDs are masked in it.
* **Nothing acts on Enter** (no default button): a scan ending in Enter starts no export.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from capture_station.gui.i18n import current_language, pick
from capture_station.gui.job_dialog import JobDialog
from capture_station.gui.progress_relay import Cancelled
from capture_station.records.export import (
    ExportError,
    ExportOptions,
    ExportReport,
    check_out_path,
    export_path,
    parse_date,
    read_ids_file,
    run_export,
)
from capture_station.records.roster import show_id
from capture_station.records.store import Store
from capture_station.settings import Settings, office_by_code, office_written_name
from capture_station.standard import Standard

SCOPE_ALL, SCOPE_PERIOD, SCOPE_LIST = range(3)

ExportResult = tuple[ExportReport, dict[str, str]]  # the report, candidate names by key


def run_window_export(data_dir: Path, standard: Standard, station: str | None,
                      operator: str | None, opts: ExportOptions,
                      ids_file: Path | None = None) -> ExportResult:
    """The export on a worker thread, with its own store connection (closed afterwards)."""
    store = Store(data_dir, standard, station=station, operator=operator)
    try:
        if ids_file is not None:
            opts.ids = read_ids_file(ids_file, standard)
        rep = run_export(store, opts)
        wanted = {e.candidate_id for e in rep.excluded} | set(rep.missing)
        names = {str(r[0]): str(r[1] or "") for r in
                 store._db.execute("SELECT candidate_id, name FROM candidates") if r[0] in wanted}
        return rep, names
    finally:
        store.close()


class ExportDialog(JobDialog):
    exported = Signal(object)  # ExportReport

    def __init__(self, settings: Settings, data_dir: Path, standard: Standard,
                 folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__("export", parent)
        self.setObjectName("exportDialog")
        self._settings = settings
        self._data_dir = data_dir
        self._standard = standard
        self._result: ExportResult | None = None
        self._error: str = ""
        self._cancelled = False
        self.relay.progressed.connect(self._progress)

        # which photos
        self.scope_box = QGroupBox()
        self.scope_all = QRadioButton()
        self.scope_period = QRadioButton()
        self.scope_list = QRadioButton()
        self.scope = QButtonGroup(self)
        for i, b in enumerate((self.scope_all, self.scope_period, self.scope_list)):
            self.scope.addButton(b, i)
        self.scope_all.setChecked(True)
        today = QDate.currentDate()
        self.since = QDateEdit(today)
        self.until = QDateEdit(today)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.to_label = QLabel()
        period = QHBoxLayout()
        period.addWidget(self.scope_period)
        period.addWidget(self.since)
        period.addWidget(self.to_label)
        period.addWidget(self.until)
        period.addStretch(1)
        self.ids_file = QLineEdit()
        self.ids_file.setObjectName("idsFile")
        self.ids_browse = QPushButton()
        self.ids_browse.clicked.connect(self._choose_ids)
        listed = QHBoxLayout()
        listed.addWidget(self.scope_list)
        listed.addWidget(self.ids_file, 1)
        listed.addWidget(self.ids_browse)
        sl = QVBoxLayout(self.scope_box)
        sl.addWidget(self.scope_all)
        sl.addLayout(period)
        sl.addLayout(listed)

        # where to
        self.out_box = QGroupBox()
        self.as_zip = QRadioButton()
        self.as_zip.setObjectName("asZip")
        self.as_folder = QRadioButton()
        self.as_zip.setChecked(True)
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.as_zip, 0)
        self.kind.addButton(self.as_folder, 1)
        self.kind.idToggled.connect(self._kind_changed)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        base = folder or Path.home()
        self.out = QLineEdit(str(base / f"照片导出-{stamp}.zip"))
        self.out.setObjectName("exportPath")
        self.out_browse = QPushButton()
        self.out_browse.clicked.connect(self._choose_out)
        self.encoding = QComboBox()
        self.encoding.addItem("UTF-8", "utf-8")
        self.encoding.addItem("GBK", "gbk")
        kinds = QHBoxLayout()
        kinds.addWidget(self.as_zip)
        kinds.addWidget(self.as_folder)
        kinds.addStretch(1)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(self.out_browse)
        self.out_form = QFormLayout(self.out_box)
        self._kind_label, self._path_label, self._enc_label = QLabel(), QLabel(), QLabel()
        self.out_form.addRow(self._kind_label, kinds)
        self.out_form.addRow(self._path_label, where)
        self.out_form.addRow(self._enc_label, self.encoding)
        self.info = QLabel()
        self.info.setObjectName("exportInfo")
        self.info.setWordWrap(True)

        # progress and result
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.summary = QLabel()
        self.summary.setObjectName("exportSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        self.excluded = self._table(3)
        self.excluded.setObjectName("excludedTable")
        self.missing = self._table(2)
        self.missing.setObjectName("missingTable")
        self.tabs.addTab(self.excluded, "")
        self.tabs.addTab(self.missing, "")
        self.tabs.hide()

        self.start_button = QPushButton()
        self.start_button.setObjectName("startExport")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.relay.cancel)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addWidget(self.scope_box)
        lay.addWidget(self.out_box)
        lay.addWidget(self.info)
        lay.addWidget(self.progress)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 100)
        lay.addStretch(1)  # before a result: the choices stay together at the top
        lay.addLayout(buttons)
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)  # Enter from a scanner must press nothing
            b.setDefault(False)
        self._set_busy(False)
        self.resize(900, 640)
        self.retranslate()

    @staticmethod
    def _table(columns: int) -> QTableWidget:
        t = QTableWidget(0, columns)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setStretchLastSection(True)
        t.setColumnWidth(0, 190)
        t.setColumnWidth(1, 150)
        t.setTabKeyNavigation(False)
        return t

    # -- choices --------------------------------------------------------------------------
    def _kind_changed(self, _id: int, _on: bool) -> None:
        """Keep the suffix of the path in step with the choice (a folder has none)."""
        text = self.out.text().strip()
        if not text:
            return
        if self.as_zip.isChecked() and not text.lower().endswith(".zip"):
            self.out.setText(text + ".zip")
        elif self.as_folder.isChecked() and text.lower().endswith(".zip"):
            self.out.setText(text[:-4])

    def _choose_out(self) -> None:
        current = self.out.text().strip()
        if self.as_zip.isChecked():
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出为 ZIP 文件"), current,
                                                  self.tr("ZIP 文件（*.zip）"))
        else:
            parent = QFileDialog.getExistingDirectory(
                self, self.tr("选择导出文件夹所在的位置"), str(Path(current).parent))
            path = str(Path(parent) / Path(current).name) if parent else ""
        if path:
            self.out.setText(path)
            self._kind_changed(0, True)

    def _choose_ids(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择考生名单"), "",
            self.tr("名单（*.csv *.txt）") + ";;" + self.tr("所有文件（*）"))
        if path:
            self.ids_file.setText(path)
            self.scope_list.setChecked(True)

    def options(self) -> tuple[ExportOptions, Path | None]:
        """The export the dialog describes; raises ExportError with a message for the operator."""
        text = self.out.text().strip()
        if not text:
            raise ExportError(self.tr("请填写导出位置"))
        as_zip = self.as_zip.isChecked()
        out = export_path(Path(text).expanduser(), as_zip)
        check_out_path(out)  # before the work starts; its refusal is in the window's language
        opts = ExportOptions(
            out=out, as_zip=as_zip,
            encoding=str(self.encoding.currentData()), progress=False,
            office=office_written_name(self._settings.office),
            file_key=self._settings.export_file_key,
            on_progress=lambda done, total: self.relay.report("export", done, total))
        ids_file: Path | None = None
        scope = self.scope.checkedId()
        if scope == SCOPE_PERIOD:
            a, b = self.since.date(), self.until.date()
            if a > b:
                raise ExportError(self.tr("开始日期晚于结束日期"))
            opts.since = parse_date(a.toString("yyyy-MM-dd"))
            opts.until = parse_date(b.toString("yyyy-MM-dd"), end=True)
        elif scope == SCOPE_LIST:
            if not self.ids_file.text().strip():
                raise ExportError(self.tr("请选择考生名单文件"))
            ids_file = Path(self.ids_file.text().strip()).expanduser()
        return opts, ids_file

    # -- running --------------------------------------------------------------------------
    def start(self) -> None:
        if self._busy:
            return
        try:
            opts, ids_file = self.options()
        except ExportError as e:
            self._show_error(str(e))
            return
        self._result, self._error, self._cancelled = None, "", False
        self.out.setText(str(opts.out))  # with the .zip it will really have
        self.relay.reset()
        self._set_busy(True)
        self.tabs.hide()
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("正在导出：每张照片都从磁盘读回并重新检查…"))
        s = self._settings
        data_dir, standard = self._data_dir, self._standard
        self._runner.submit(
            lambda: run_window_export(data_dir, standard, s.station_name or None,
                                      s.operator or None, opts, ids_file),
            self._done, self._failed)

    def _progress(self, _phase: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))

    def _done(self, result: ExportResult) -> None:
        self._set_busy(False)
        self._result = result
        self._render_result()
        self.exported.emit(result[0])
        self._finish_close()

    def _failed(self, e: BaseException) -> None:
        self._set_busy(False)
        if isinstance(e, Cancelled):
            self._cancelled = True
            self.summary.setStyleSheet("")
            self.summary.setText(self.tr("导出已取消，没有留下任何文件。"))
        else:
            self._show_error(str(e))
        self._finish_close()

    def _show_error(self, text: str) -> None:
        self._error = text
        self.summary.setStyleSheet("color: #c62828;")
        self.summary.setText(self.tr("无法导出：{err}").format(err=text))

    def _render_result(self) -> None:
        if self._result is None:
            return
        rep, names = self._result
        kind = self.tr("ZIP 文件") if rep.as_zip else self.tr("文件夹")
        lines = [
            self.tr("已导出 {n} 张照片到{kind}：{path}").format(
                n=f"{len(rep.exported):,}", kind=kind, path=rep.out),
            self.tr("未导出 {n} 张（原因见下表）；名册中尚未拍照 {m} 人。").format(
                n=f"{len(rep.excluded):,}", m=f"{len(rep.missing):,}"),
        ]
        if rep.office:
            lines.append(self.tr("清单中的考试机构：{office}").format(office=rep.office))
        if rep.notes:
            lines.append("；".join(str(n) for n in rep.notes))
        self.summary.setStyleSheet("color: #b26a00;" if rep.excluded else "color: #2e7d32;")
        self.summary.setText("\n".join(lines))
        self.excluded.setRowCount(len(rep.excluded))
        for i, e in enumerate(rep.excluded):
            for col, text in enumerate((show_id(e.candidate_id), e.name or names.get(e.candidate_id, ""),
                                        pick(e.reason_zh, e.reason))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.excluded.setItem(i, col, item)
        self.missing.setRowCount(len(rep.missing))
        for i, cid in enumerate(rep.missing):
            self.missing.setItem(i, 0, QTableWidgetItem(show_id(cid)))
            self.missing.setItem(i, 1, QTableWidgetItem(names.get(cid, "")))
        self.tabs.show()
        self._retranslate_tables()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.scope_box, self.out_box, self.start_button):
            w.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def result_report(self) -> ExportReport | None:
        return self._result[0] if self._result is not None else None

    @property
    def error(self) -> str:
        return self._error

    def _retranslate_tables(self) -> None:
        n_ex = self.excluded.rowCount()
        n_mi = self.missing.rowCount()
        self.tabs.setTabText(0, self.tr("未导出的照片（{n}）").format(n=f"{n_ex:,}"))
        self.tabs.setTabText(1, self.tr("尚未拍照（{n}）").format(n=f"{n_mi:,}"))
        self.excluded.setHorizontalHeaderLabels([self.tr("考生号"), self.tr("姓名"), self.tr("原因")])
        self.missing.setHorizontalHeaderLabels([self.tr("考生号"), self.tr("姓名")])

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("导出上传"))
        self.scope_box.setTitle(self.tr("导出哪些照片"))
        self.scope_all.setText(self.tr("全部考生的最新照片"))
        self.scope_period.setText(self.tr("按拍摄日期："))
        self.to_label.setText(self.tr("至"))
        self.scope_list.setText(self.tr("按名单（如上传平台返回的缺照片名单）："))
        self.ids_browse.setText(self.tr("选择…"))
        self.out_box.setTitle(self.tr("导出到"))
        self._kind_label.setText(self.tr("形式"))
        self._path_label.setText(self.tr("位置"))
        self._enc_label.setText(self.tr("清单编码"))
        self.as_zip.setText(self.tr("一个 ZIP 文件"))
        self.as_folder.setText(self.tr("一个文件夹"))
        self.out_browse.setText(self.tr("选择…"))
        self.encoding.setItemText(0, self.tr("UTF-8（Excel 可直接打开）"))
        self.encoding.setItemText(1, self.tr("GBK（旧系统）"))
        s = self._settings
        known = office_by_code(s.office)
        office = (known.name(current_language()) if known else office_written_name(s.office)
                  ) or self.tr("（未设置）")
        key = (self.tr("身份证号（名册中没有身份证号的考生用准考证号）")
               if s.export_file_key == "resident" else self.tr("准考证号"))
        self.info.setText(self.tr("考试机构：{office}　·　照片文件名：{key}（可在“设置”中更改）。"
                                  "演示相机拍的练习照片不会导出。").format(office=office, key=key))
        self.start_button.setText(self.tr("开始导出"))
        self.cancel_button.setText(self.tr("取消导出"))
        self.close_button.setText(self.tr("关闭"))
        self._retranslate_tables()
        if self._result is not None:
            self._render_result()

