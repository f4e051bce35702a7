"""The station window: live view with guides, candidate ID, lights, capture, review, history.

It wires the core together and shows what it reports; it does no image work itself. Threads:

* the camera's own worker acquires frames; a timer on the GUI thread, sized to the frame
  interval, takes the newest one and drops the rest;
* one analysis worker (newest frame wins) measures the face and predicts the crop;
* the camera-operations thread opens, switches and closes cameras and takes and processes a
  photo (``capture_still`` + ``Pipeline.make_photo``);
* the store thread saves photos and reads records, thumbnails and free disk space.

Results come back by queued Qt signal, so the GUI thread never waits for any of them. A photo
under review lives in memory until it is saved or retaken: a lost camera or a failed save
(disk full, read-only folder) leaves it where it is.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from capture_station.cameras.base import Camera, CameraDisconnected, CameraError
from capture_station.cameras.registry import Probe
from capture_station.gui import i18n
from capture_station.gui.about_dialog import AboutDialog
from capture_station.gui.banner import ERROR, WARNING, Banner, NoCameraPanel
from capture_station.gui.calibration_dialog import calibration_dialog
from capture_station.gui.camera_control import (
    CameraController,
    CameraOpener,
    camera_display_name,
    probe_lines,
)
from capture_station.gui.export_dialog import ExportDialog
from capture_station.gui.history_panel import RecordDialog
from capture_station.gui.jobs import (
    CapturedPhoto,
    CaptureFailure,
    capture_and_process,
    decode_rgb,
    save_photo,
)
from capture_station.gui.live_page import LivePage
from capture_station.gui.qt_bridge import LiveAnalysis, LiveResult
from capture_station.gui.review_panel import AcceptRequest, ReviewPanel, Who
from capture_station.gui.roster_dialog import RosterDialog
from capture_station.gui.scan_router import ScanRouter
from capture_station.gui.settings_dialog import SettingsDialog
from capture_station.gui.status_bar import StationStatusBar
from capture_station.gui.store_control import HistoryRows, StoreController
from capture_station.photo.pipeline import Pipeline
from capture_station.records.candidate_id import mask_resident_id
from capture_station.records.overview import day_counts
from capture_station.records.store import Candidate, PhotoRecord, Store
from capture_station.settings import Settings, office_by_code
from capture_station.standard import Standard, load_standard

_log = logging.getLogger(__name__)

DEFAULT_FRAME_INTERVAL_MS = 16  # until the camera's frame rate is known (half of 30 fps)
STALE_ANALYSIS_S = 3.0  # lights older than this go grey
AUTO_RESUME_S = 3  # after Esc, auto-capture waits this long: the sitter gets ready again


class Phase(enum.Enum):
    LIVE = "live"  # waiting for an ID or for the capture
    CAPTURING = "capturing"  # still + pipeline running
    REVIEW = "review"  # a photo waits for the operator
    SAVING = "saving"


class MainWindow(QMainWindow):
    """The station. Everything it needs can be passed in (tests use temporary folders)."""

    review_shown = Signal(object)  # CapturedPhoto
    photo_saved = Signal(object)  # PhotoRecord
    capture_failed = Signal(str)
    history_updated = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        settings_path: Path | None = None,
        standard: Standard | None = None,
        camera_spec: str | None = None,
        camera_opener: CameraOpener | None = None,
        data_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings or Settings()
        self._settings_path = settings_path
        self.standard = standard or load_standard()
        self.pipeline = Pipeline(self.standard)
        self._data_dir_override = data_dir
        self._camera_spec_override = camera_spec
        self._phase = Phase.LIVE
        self._closed = False
        self._last_frame = -1
        self._analysis_times: deque[float] = deque(maxlen=60)
        self._green_run = 0
        self._auto_armed = True
        self._camera_state = "closed"
        self._camera_name = ""
        # the camera that could not be opened: (spec, reason, places tried), shown again in the
        # new language on a language switch (the reasons are the core's, rendered when shown)
        self._no_camera_shown: tuple[str, object, list[Probe] | None] | None = None
        # the live picture's message, the capture note and the drift warning, kept so that a
        # language switch shows them again in the new language
        self._notice_render: Callable[[], str] | None = None
        self._note_render: Callable[[], str] | None = None
        self._drift: object = None
        self._error_box: QMessageBox | None = None
        self._dialogs: list[Any] = []
        self._who: Who | None = None  # who the photo being taken or reviewed belongs to
        self._queued_scan: str | None = None  # a scan that came while a photo was taken or saved
        self._scan_box: QMessageBox | None = None
        self._auto_resume_left = 0

        # Background machinery.
        self.stores = StoreController(self)
        self.stores.opened.connect(self._store_opened)
        self.stores.failed.connect(self._store_failed)
        self.stores.history_ready.connect(self._history_ready)
        self.stores.disk_ready.connect(self._disk_ready)
        self.cameras = CameraController(camera_opener, self)
        self.cameras.opened.connect(self._camera_opened)
        self.cameras.open_failed.connect(self._camera_open_failed)
        self.cameras.state_changed.connect(self._camera_state_changed)
        self.analysis = LiveAnalysis(self.pipeline, parent=self)
        self.analysis.result_ready.connect(self._on_analysis)
        self.analysis.failed.connect(lambda msg: _log.warning("live analysis failed: %s", msg))

        self._build_ui()
        self._build_menus()
        self.scans = ScanRouter(
            self, self.candidate,
            holding=lambda: self._phase != Phase.LIVE,
            live=lambda: self._phase == Phase.LIVE and self.stack.currentWidget() is self.live_page)
        self.scans.held_scan.connect(self._scan_while_busy)
        self.scans.pending_changed.connect(self.review.set_pending_scan)
        self.auto_resume_timer = QTimer(self)
        self.auto_resume_timer.setInterval(1000)
        self.auto_resume_timer.timeout.connect(self._auto_resume_tick)

        self.frame_timer = QTimer(self)
        self.frame_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.frame_timer.setInterval(DEFAULT_FRAME_INTERVAL_MS)
        self.frame_timer.timeout.connect(self._pull_frame)
        self.stats_timer = QTimer(self)
        self.stats_timer.setInterval(1000)
        self.stats_timer.timeout.connect(self._update_stats)
        self.disk_timer = QTimer(self)
        self.disk_timer.setInterval(10_000)
        self.disk_timer.timeout.connect(self.refresh_disk)

        self.retranslate()
        self._open_store()
        self.cameras.switch(self.camera_spec)
        self._notice(lambda: self.tr("正在打开相机…"))
        self.frame_timer.start()
        self.stats_timer.start()
        self.disk_timer.start()
        self._update_controls()
        self.focus_id()

    # ------------------------------------------------------------------ construction
    def _build_ui(self) -> None:
        self.camera_banner = Banner("cameraBanner")
        self.camera_banner.button.clicked.connect(self.cameras.retry)
        self.no_camera = NoCameraPanel()
        self.no_camera.retry_button.clicked.connect(self.retry_camera)
        self.no_camera.demo_button.clicked.connect(self.use_demo_camera)
        self.drift_banner = Banner("driftBanner")
        self.drift_banner.button.clicked.connect(self.drift_banner.hide)
        self.store_banner = Banner("storeBanner")
        self.store_banner.button.clicked.connect(self._open_store)

        self.live_page = LivePage(self.standard)
        self.live = self.live_page.live
        self.candidate = self.live_page.candidate
        self.candidate.id_changed.connect(self._id_changed)
        self.candidate.confirmed.connect(self._id_confirmed)
        self.candidate.capture_requested.connect(self.capture)
        self.checks = self.live_page.checks
        self.capture_button = self.live_page.capture_button
        self.capture_button.clicked.connect(self.capture)
        self.capture_note = self.live_page.capture_note
        self.history = self.live_page.history
        self.history.open_requested.connect(self.open_record)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self.live_page, self.capture,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.review = ReviewPanel(self.standard)
        self.review.accept_requested.connect(self._accept)
        self.review.retake_requested.connect(self.retake)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.live_page)
        self.stack.addWidget(self.review)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.camera_banner)
        lay.addWidget(self.no_camera)
        lay.addWidget(self.store_banner)
        lay.addWidget(self.drift_banner)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = StationStatusBar()
        self.setStatusBar(self.status)
        self.setStyleSheet("QLabel#panelTitle { font-weight: bold; color: #333; }")
        self.fit_to_screen()

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.menu_station = mb.addMenu("")
        self.act_settings = QAction(self)
        self.act_settings.triggered.connect(self.open_settings)
        self.act_calibrate = QAction(self)
        self.act_calibrate.triggered.connect(self.open_calibration)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.close)
        self.menu_station.addAction(self.act_settings)
        self.menu_station.addAction(self.act_calibrate)
        self.menu_station.addSeparator()
        self.menu_station.addAction(self.act_quit)
        self.menu_records = mb.addMenu("")
        self.act_roster = QAction(self)
        self.act_roster.triggered.connect(self.open_roster)
        self.act_export = QAction(self)
        self.act_export.triggered.connect(self.open_export)
        self.menu_records.addAction(self.act_roster)
        self.menu_records.addAction(self.act_export)
        self.history_updated.connect(self.refresh_day_counter)  # after every save and (re)open
        self._export_folder: Path | None = None
        self.menu_language = mb.addMenu("")
        group = QActionGroup(self)
        self.act_languages: dict[str, QAction] = {}
        for lang in i18n.LANGUAGES:
            a = QAction(i18n.language_name(lang), self)
            a.setCheckable(True)
            a.setChecked(lang == i18n.current_language())
            a.triggered.connect(lambda _=False, lang=lang: self.set_language(lang))
            group.addAction(a)
            self.menu_language.addAction(a)
            self.act_languages[lang] = a
        self.menu_help = mb.addMenu("")
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.open_about)
        self.menu_help.addAction(self.act_about)

    def fit_to_screen(self) -> None:
        """1280x800 where there is room; on an office laptop (1366x768, or less at 125 %
        scaling) the window takes the screen's free area, so the save and retake buttons and
        the status bar are always on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        avail = screen.availableGeometry()
        frame = 32  # title bar a window manager adds
        w, h = min(1280, avail.width()), min(800, avail.height() - frame)
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w) // 2, avail.y() + max(0, (avail.height() - h - frame) // 2))

    # ------------------------------------------------------------------ focus
    def focus_id(self) -> None:
        """The keyboard focus where the next scan goes: the ID field in the live view, the
        review while a photo waits (the scan router still catches a scan there)."""
        if self._phase in (Phase.REVIEW, Phase.SAVING):
            self.review.setFocus()
            return
        self.candidate.edit.setFocus()
        if self.candidate.scanned_id:
            self.candidate.edit.selectAll()  # the next scan replaces the ID, never extends it

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_id)

    # ------------------------------------------------------------------ properties
    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def store(self) -> Store | None:
        """The store (for tests and tools; the window itself uses it on the store thread)."""
        return self.stores.store

    @property
    def data_path(self) -> Path:
        return self._data_dir_override or self.settings.data_path()

    @property
    def camera_spec(self) -> str:
        return self._camera_spec_override or self.settings.camera

    # ------------------------------------------------------------------ store
    def _open_store(self) -> None:
        """(Re)open the store for the current folder, station and operator."""
        self.stores.open(self.data_path, self.standard, self.settings.station_name or None,
                         self.settings.operator or None)

    def _store_opened(self, store: Store) -> None:
        self.store_banner.hide()
        self.refresh_history()
        self.refresh_disk()
        scanned = self.candidate.scanned_id
        if scanned:
            self._id_changed(scanned)

    def _store_failed(self, reason: str) -> None:
        self.store_banner.show_message(
            self.tr("保存文件夹不可用：{err}").format(err=reason), ERROR, self.tr("重试"))
        self.refresh_disk()

    def refresh_history(self) -> None:
        self.stores.refresh_history()

    def _history_ready(self, rows: HistoryRows) -> None:
        self.history.set_records(rows)
        self.history_updated.emit()

    def refresh_disk(self) -> None:
        """Free space of the data folder and the calibration age (read on the store thread)."""
        store = self.stores.store
        path = store.root if store is not None else self.data_path
        self.stores.refresh_disk(path, self.settings.calibration_interval_days)

    def _disk_ready(self, folder: str, free: int | None, age: dt.timedelta | None,
                    due: bool, result: str = "") -> None:
        self.status.set_disk(folder, free)
        self.status.set_calibration(age, due, failed=result == "fail")

    # ------------------------------------------------------------------ camera
    def switch_camera(self, spec: str) -> None:
        self._camera_spec_override = None
        self.settings.camera = spec
        self._open_camera(spec)

    def use_demo_camera(self) -> None:
        """The operator chose the demo camera (no camera found): for this session only, and
        marked 演示 / DEMO on every picture; the saved settings keep their camera."""
        self._camera_spec_override = "demo"
        self._open_camera("demo")

    def retry_camera(self) -> None:
        """Search for (or open) the configured camera again."""
        self._open_camera(self.camera_spec)

    def _open_camera(self, spec: str) -> None:
        self._camera_name = ""
        self._no_camera_shown = None
        self.no_camera.hide()
        self.camera_banner.hide()
        self._note(None)  # an error of the previous camera no longer holds
        self.live.set_demo(False)
        self.live.clear_frame()
        self.checks.set_results(None)
        self._notice(lambda: self.tr("正在打开相机…"))
        self.status.set_camera("", 0.0, "closed")
        self.cameras.switch(spec)
        self._update_controls()

    def _camera_opened(self, cam: Camera) -> None:
        self._camera_name = camera_display_name(cam.kind, cam.name, cam.spec)
        self._last_frame = -1
        self.camera_banner.hide()
        self._no_camera_shown = None
        self.no_camera.hide()
        self._note(None)
        demo = cam.kind == "demo"
        self.live.set_demo(demo)
        self.review.view.set_demo(demo)
        self._notice(None)
        self._camera_state = cam.state.value
        if not cam.capabilities.live_view:
            self._notice(lambda: self.tr("此相机不提供实时画面：输入考生号后可直接拍照"))
        self.status.set_camera(self._camera_name, cam.fps, self._camera_state, demo=demo)
        self._update_controls()

    def _camera_open_failed(self, spec: str, reason: object, tried: object = None) -> None:
        """No camera: say so where the operator looks, list what was tried, and offer to
        retry or to start the demo camera on purpose (it is never started silently).

        ``reason`` and the probes' details are the core's texts (a camera's error), rendered
        here in the window's language and again after a language switch."""
        self._camera_state = "closed"
        self._camera_name = ""
        self.camera_banner.hide()
        self.live.set_demo(False)
        self.status.set_camera("", 0.0, "closed")
        self._notice((lambda: self.tr("相机未打开")) if spec
                     else (lambda: self.tr("未找到相机：请连接相机后点“重试”")))
        self._no_camera_shown = (spec, reason, list(tried) if isinstance(tried, list) else None)
        self._show_no_camera()
        self._update_controls()

    def _show_no_camera(self) -> None:
        """The no-camera panel in the current language (again after a language switch)."""
        if self._no_camera_shown is None:
            return
        spec, reason, tried = self._no_camera_shown
        lines = probe_lines(tried) if tried is not None else [str(reason)]
        title = self.tr("无法打开相机 {spec}").format(spec=spec) if spec else self.tr("未找到相机")
        self.no_camera.show_tried(title, self.tr("已尝试："), lines, self.tr("重试"),
                                  self.tr("使用演示相机"))

    def _camera_state_changed(self, state: str) -> None:
        self._camera_state = state
        if state in ("disconnected", "reconnecting"):
            self._show_reconnecting()
            self._notice(lambda: self.tr("相机已断开"))
            self.live.set_result(None)
            self.checks.set_results(None)
            self._green_run = 0
        elif state == "connected":
            self.camera_banner.hide()
            self._notice(None)
        cam = self.cameras.camera
        self.status.set_camera(self._camera_name, cam.fps if cam else 0.0, state,
                               demo=cam is not None and cam.kind == "demo")
        self._update_controls()

    def _show_reconnecting(self) -> None:
        self.camera_banner.show_message(
            self.tr("相机连接中断，正在自动重新连接…（待确认的照片不受影响）"),
            WARNING, self.tr("立即重试"))

    # ------------------------------------------------------------------ texts that follow the language
    def _notice(self, render: Callable[[], str] | None) -> None:
        """The message over the live picture. ``render`` gives it in the window's language and
        runs again after a language switch, so no message stays in the language it was first
        shown in; None clears it."""
        self._notice_render = render
        self.live.set_notice(render() if render is not None else "")

    def _note(self, render: Callable[[], str] | None) -> str:
        """The note under the capture button (why the last capture was refused or failed), in
        the window's language like :meth:`_notice`; returns the text shown."""
        self._note_render = render
        msg = render() if render is not None else ""
        self.capture_note.setText(msg)
        return msg

    def _pull_frame(self) -> None:
        """Timer tick: show the newest frame (older ones are dropped) and queue it for analysis."""
        if self._phase != Phase.LIVE and self._phase != Phase.CAPTURING:
            return
        cam = self.cameras.camera
        if cam is None:
            return
        frame = cam.latest_frame()
        if frame is None or frame.number == self._last_frame:
            return
        self._last_frame = frame.number
        self.live.set_frame(frame.rgb)
        if self._phase == Phase.LIVE:
            self.analysis.submit(frame)

    def _on_analysis(self, res: LiveResult) -> None:
        self._analysis_times.append(time.monotonic())
        if self._phase != Phase.LIVE or self.cameras.camera is None:
            return
        self.live.set_result(res)
        self.checks.set_results(res.shot.checks)
        self._auto_capture_step()

    def _update_stats(self) -> None:
        cam = self.cameras.camera
        if cam is not None:
            fps = cam.fps
            self.status.set_camera(self._camera_name, fps, self._camera_state,
                                   demo=cam.kind == "demo")
            if fps > 0:
                self.frame_timer.setInterval(int(min(100, max(5, 1000.0 / fps / 2))))
        now = time.monotonic()
        last = self._analysis_times[-1] if self._analysis_times else None
        if (self._phase == Phase.LIVE and self.checks.statuses_known()
                and (last is None or now - last > STALE_ANALYSIS_S)):
            # no fresh analysis (frames stopped, analysis stuck): never show old green lights
            self.live.set_result(None)
            self.checks.set_results(None)
            self._green_run = 0
        recent = [t for t in self._analysis_times if now - t <= 2.0]
        fps_a = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 2 else 0.0
        self.status.set_analysis_fps(fps_a)

    # ------------------------------------------------------------------ candidate
    def _id_changed(self, scanned: str | None) -> None:
        """A new valid ID (or none): find its roster row on the store thread; until the answer
        is back no photo can be taken (it might belong under the row's key)."""
        self._auto_armed = True
        self._green_run = 0
        self._note(None)  # a refusal about the previous ID no longer holds
        self._update_controls()
        if scanned and self.stores.store is not None:
            def lookup(s: Store) -> tuple[Candidate | None, bool, PhotoRecord | None]:
                row = s.find_candidate(scanned)
                return row, s.roster_size() > 0, s.current(row.key if row else scanned)

            def answered(res: tuple[Candidate | None, bool, PhotoRecord | None]) -> None:
                if self.candidate.set_resolution(scanned, *res):
                    self._update_controls()

            self.stores.run(lookup, answered)

    def _id_confirmed(self, cid: str) -> None:
        """Enter on a valid ID: the focus stays in the field (Space takes the photo, the next
        scan replaces the ID)."""
        self.candidate.edit.setFocus()

    # ------------------------------------------------------------------ capture
    def can_capture(self) -> bool:
        return (
            self._phase == Phase.LIVE
            and self.candidate.candidate_id is not None
            and self.candidate.resolved
            and self.cameras.camera is not None
            and self._camera_state == "connected"
        )

    def capture(self) -> None:
        if not self.can_capture():
            if self._phase == Phase.LIVE and self.candidate.candidate_id is None:
                self._note(lambda: self.tr("请先输入有效的考生号"))
            return
        cam = self.cameras.camera
        cid = self.candidate.candidate_id
        assert cam is not None and cid is not None
        self._who = Who(self.candidate.scanned_id or cid, self.candidate.candidate,
                        self.candidate.on_roster)
        self._stop_auto_resume()
        self._phase = Phase.CAPTURING
        self._auto_armed = False
        self._note(None)
        self._update_controls()
        pipeline = self.pipeline
        data_dir = self.data_path
        self.cameras.run(lambda: capture_and_process(cam, pipeline, cid, data_dir=data_dir),
                         self._captured, self._capture_error)

    def _captured(self, result: CapturedPhoto | CaptureFailure) -> None:
        if self._closed:
            return
        if isinstance(result, CaptureFailure):
            failure = result

            def why_not() -> str:
                hints = failure.hints_en if i18n.is_english() else failure.hints_zh
                return self.tr("无法生成照片：{why}").format(
                    why="；".join(hints) or str(failure.reason))

            self._phase = Phase.LIVE
            msg = self._note(why_not)
            self._update_controls()
            self.capture_failed.emit(msg)
            self._take_queued_scan()
            return
        self._show_drift(result.drift)
        self._phase = Phase.REVIEW
        self.review.view.set_demo(result.demo)  # the photo's own camera, whatever is open now
        self.review.show_photo(result, self._who)
        self.stack.setCurrentWidget(self.review)
        self.review.setFocus()
        self._update_controls()
        self.review_shown.emit(result)
        if self._queued_scan:
            self._scan_while_busy(self._queued_scan)

    def _show_drift(self, drift: object) -> None:
        """Warn when the backdrop of this shot has moved away from the calibrated one."""
        self._drift = drift  # shown again in the new language after a switch
        if drift is None or not getattr(drift, "drifted", False):
            self.drift_banner.hide()
            return
        lang = "en" if i18n.is_english() else "zh_CN"
        self.drift_banner.show_message(
            self.tr("灯光与校准时不同：{hint}（请检查灯光，必要时重新校准）").format(
                hint=drift.message(lang)  # type: ignore[attr-defined]
            ),
            WARNING,
        )

    def _capture_error(self, e: BaseException) -> None:
        self._phase = Phase.LIVE
        self._take_queued_scan()
        if isinstance(e, CameraDisconnected):
            msg = self._note(lambda: self.tr("拍照失败：相机连接中断，正在重新连接"))
        elif isinstance(e, CameraError):
            msg = self._note(lambda: self.tr("拍照失败：{err}").format(err=e))
        else:
            _log.error("capture failed", exc_info=e)
            msg = self._note(lambda: self.tr("拍照失败：{err}").format(
                err=f"{type(e).__name__}: {e}"))
        self._update_controls()
        self.capture_failed.emit(msg)

    def _auto_capture_step(self) -> None:
        if not (self.settings.auto_capture and self._auto_armed and self.can_capture()):
            self._green_run = 0
            return
        self._green_run = self._green_run + 1 if self.checks.all_green() else 0
        if self._green_run >= max(1, self.settings.auto_capture_frames):
            self._green_run = 0
            self.capture()

    # ------------------------------------------------------------------ review
    def retake(self) -> None:
        """Esc: back to the live view for the same candidate. With auto-capture on, the next
        shot waits a visible countdown so the sitter can get ready."""
        if self._phase != Phase.REVIEW:
            return
        self._leave_review()
        if self.settings.auto_capture:
            self._auto_armed = False
            self._auto_resume_left = AUTO_RESUME_S
            self._show_auto_resume()
            self.auto_resume_timer.start()
        self.focus_id()
        self._update_controls()

    def _leave_review(self) -> None:
        self.review.clear()
        self.scans.drop()
        self._phase = Phase.LIVE
        self._auto_armed = True
        self._green_run = 0
        self.stack.setCurrentWidget(self.live_page)

    def _show_auto_resume(self) -> None:
        self._notice(lambda: self.tr("自动拍照 {n} 秒后继续").format(n=self._auto_resume_left))

    def _auto_resume_tick(self) -> None:
        self._auto_resume_left -= 1
        if self._auto_resume_left > 0 and self._phase == Phase.LIVE:
            self._show_auto_resume()
            return
        self._stop_auto_resume()
        self._auto_armed = True
        self._green_run = 0

    def _stop_auto_resume(self) -> None:
        if self.auto_resume_timer.isActive() or self._auto_resume_left:
            self.auto_resume_timer.stop()
            self._auto_resume_left = 0
            self._notice(None)

    # ------------------------------------------------------------------ a scan while busy
    def _scan_while_busy(self, scanned: str) -> None:
        """A scan arrived while a photo was being taken, reviewed or saved. It never re-files
        the photo: during a capture it waits for the review; during a save it starts the next
        candidate once the save is done; during the review the operator chooses between going
        back to the review and discarding the photo for the new candidate."""
        if self._phase in (Phase.CAPTURING, Phase.SAVING):
            self._queued_scan = scanned
            return
        if self._phase != Phase.REVIEW:
            self.candidate.replace_with(scanned)
            return
        self._queued_scan = None
        photo = self.review.photo
        who = self._who
        old = (who.candidate.name if who and who.candidate and who.candidate.name else
               mask_resident_id(photo.candidate_id if photo else ""))
        if self._scan_box is not None:
            self._scan_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("扫描了新的考生号"),
            self.tr("{old} 的照片还没有保存。\n刚扫描了新的考生号 {new}。").format(
                old=old, new=mask_resident_id(scanned)),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("scanDuringReviewBox")
        back = box.addButton(self.tr("返回核对（不保存新考生号）"), QMessageBox.ButtonRole.RejectRole)
        discard = box.addButton(self.tr("放弃这张照片，开始新考生"),
                                QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(button: object) -> None:
            self._scan_box = None
            if button is discard and self._phase == Phase.REVIEW:
                self._leave_review()
                self._update_controls()
                self.candidate.replace_with(scanned)

        box.buttonClicked.connect(answered)
        # after the box has closed (Qt would give the focus back to the hidden review)
        box.finished.connect(lambda _r: QTimer.singleShot(0, self._refocus))
        box.open()
        self._scan_box = box

    def _take_queued_scan(self) -> None:
        """Back in the live view: a scan held meanwhile becomes the current candidate."""
        scanned, self._queued_scan = self._queued_scan, None
        if scanned:
            self.candidate.replace_with(scanned)

    def _accept(self, req: AcceptRequest) -> None:
        if self._phase != Phase.REVIEW:
            return
        self._phase = Phase.SAVING
        self.review.set_busy(True, self.tr("正在保存…"))
        self._update_controls()
        self.stores.run(
            lambda store: save_photo(store, req.photo, req.confirmations, req.override_reason),
            self._saved, self._save_failed,
        )

    def _saved(self, rec: PhotoRecord) -> None:
        who = self._who
        self._leave_review()
        self.candidate.clear()
        name = who.candidate.name if who and who.candidate and who.candidate.name else ""
        self.status.showMessage(
            self.tr("已保存 {name} {id}（{size} 字节）").format(
                name=name, id=mask_resident_id(rec.candidate_id), size=f"{rec.bytes:,}"
            ).replace("  ", " ").strip(),
            8000)
        self.refresh_history()
        self.refresh_disk()
        self._update_controls()
        self.focus_id()
        self.photo_saved.emit(rec)
        self._take_queued_scan()

    def _save_failed(self, e: BaseException) -> None:
        self._phase = Phase.REVIEW  # the photo stays in review until it can be saved
        queued, self._queued_scan = self._queued_scan, None
        text = self.tr(
            "照片未能保存：{err}\n\n请检查保存文件夹（磁盘是否已满、是否只读或无写入权限）。"
            "照片仍在确认界面，问题解决后可再次保存。"
        ).format(err=e)
        self.review.set_error(self.tr("保存失败：{err}").format(err=e))
        self._update_controls()
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("无法保存照片"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("saveErrorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _r: self._refocus())  # Enter and Esc work again
        if queued:
            box.finished.connect(lambda _r: self._scan_while_busy(queued))
        box.open()
        self._error_box = box
        self.refresh_disk()

    def _refocus(self) -> None:
        """After a message box: the focus where the phase wants it."""
        if not self._closed:
            self.activateWindow()
            self.focus_id()

    # ------------------------------------------------------------------ history
    def open_record(self, rec: PhotoRecord) -> None:
        def job(store: Store) -> tuple[np.ndarray | None, Any]:
            try:
                rgb = decode_rgb(store.read_photo(rec))
            except OSError:
                return None, None
            return rgb, None

        def done(result: tuple[np.ndarray | None, Any]) -> None:
            dlg = RecordDialog(self.standard, rec, result[0], parent=self)
            dlg.retake_requested.connect(self._retake_from_history)
            self._track(dlg)
            dlg.open()

        self.stores.run(job, done)

    def _retake_from_history(self, cid: str) -> None:
        if self._phase != Phase.LIVE:
            return
        self.candidate.replace_with(cid)

    # ------------------------------------------------------------------ settings, language
    def effective_settings(self) -> Settings:
        """The settings as in force now, with this session's command-line choices applied."""
        return replace(self.settings, camera=self.camera_spec,
                       data_dir=str(self._data_dir_override) if self._data_dir_override
                       else self.settings.data_dir)

    def open_settings(self) -> SettingsDialog:
        dlg = SettingsDialog(self.effective_settings(), parent=self)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings()))
        self._track(dlg)
        dlg.open()
        return dlg

    def apply_settings(self, new: Settings) -> None:
        """Use ``new`` from now on (camera, folder, language ... without a restart) and save it."""
        old, old_path, old_spec = self.settings, self.data_path, self.camera_spec
        self.settings = new
        self._data_dir_override = None
        self._camera_spec_override = None
        self.save_settings()
        if new.language != i18n.current_language():
            self.set_language(new.language, save=False)
        if new.camera != old_spec:
            self.switch_camera(new.camera)
        if (new.data_path() != old_path or new.station_name != old.station_name
                or new.operator != old.operator):
            self._open_store()
        else:
            self.refresh_disk()  # the calibration interval may have changed
        self._green_run = 0
        self.retranslate()

    def save_settings(self) -> None:
        self.stores.save_settings(replace(self.settings), self._settings_path,
                                  lambda e: self.status.showMessage(str(e), 8000))

    def set_language(self, lang: str, save: bool = True) -> None:
        i18n.set_language(lang)
        self.status.clearMessage()  # a passing message in the old language
        self.settings.language = i18n.current_language()
        for code, act in self.act_languages.items():
            act.setChecked(code == i18n.current_language())
        if save:
            self.save_settings()

    def open_calibration(self) -> QDialog | None:
        """The lighting calibration page in a dialog; its pictures are stills of the current
        camera (taken on the page's own worker thread)."""
        controller = self.cameras

        def frame() -> np.ndarray:
            cam = controller.camera
            if cam is None:
                raise CameraError("camera.none_connected")
            return cam.capture_still().rgb

        office = office_by_code(self.settings.office)
        try:
            dlg = calibration_dialog(
                self, frame, self.standard, self.data_path,
                office.name_zh if office else "", self.settings.station_name, self._camera_name)
        except ImportError as e:
            self.status.showMessage(str(e), 8000)
            return None
        dlg.setWindowTitle(self.tr("灯光校准"))
        dlg.saved.connect(self.refresh_disk)
        self._track(dlg)
        dlg.open()
        return dlg

    def _track(self, dlg: QDialog) -> None:
        """Keep a non-modal dialog alive until it closes (and close it with the window)."""
        self._dialogs.append(dlg)
        dlg.finished.connect(lambda _r: self._dialogs.remove(dlg) if dlg in self._dialogs else None)
        dlg.finished.connect(lambda _r: self._refocus())  # keys go back where a scanner types

    # ------------------------------------------------------------------ roster, export, counter
    def refresh_day_counter(self) -> None:
        """Photographed today / on the roster / still missing, counted on the store thread."""
        counter = self.live_page.counter
        self.stores.run(day_counts, counter.set_counts, lambda _e: counter.set_counts(None))

    def open_roster(self) -> RosterDialog:
        dlg = RosterDialog(self.stores, self.standard,
                           can_start=lambda: self._phase == Phase.LIVE, parent=self)
        dlg.start_requested.connect(self._start_from_roster)
        dlg.imported.connect(lambda _rep: self._roster_changed())
        self._track(dlg)
        dlg.open()
        return dlg

    def _roster_changed(self) -> None:
        """A roster was imported: the counter, and the current ID looked up again."""
        self.refresh_day_counter()
        if self._phase == Phase.LIVE and self.candidate.scanned_id:
            self._id_changed(self.candidate.scanned_id)

    def _start_from_roster(self, key: str) -> None:
        if self._phase == Phase.LIVE:
            self.candidate.replace_with(key)

    def open_export(self) -> ExportDialog:
        dlg = ExportDialog(self.effective_settings(), self.data_path, self.standard,
                           folder=self._export_folder, parent=self)
        dlg.exported.connect(self._exported)
        self._track(dlg)
        dlg.open()
        return dlg

    def _exported(self, rep: object) -> None:
        out = Path(str(getattr(rep, "out", "")))
        self._export_folder = out.parent
        self.status.showMessage(self.tr("已导出到 {path}").format(path=out), 8000)

    def open_about(self) -> AboutDialog:
        dlg = AboutDialog(self.standard, self.settings.office, parent=self)
        self._track(dlg)
        dlg.open()
        return dlg

    # ------------------------------------------------------------------ state display
    def _update_controls(self) -> None:
        phase = self._phase
        self.candidate.set_locked(phase != Phase.LIVE)
        self.checks.set_need_id(self.candidate.candidate_id is None)
        self.capture_button.setEnabled(self.can_capture())
        if phase == Phase.CAPTURING:
            self.capture_button.setText(self.tr("正在拍照…"))
        else:
            self.capture_button.setText(self.tr("拍照（空格）"))
        if self.candidate.candidate_id is None and phase == Phase.LIVE:
            self.capture_button.setToolTip(self.tr("请先输入有效的考生号"))
        elif self._camera_state != "connected":
            self.capture_button.setToolTip(self.tr("相机未连接"))
        else:
            self.capture_button.setToolTip("")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        office = office_by_code(self.settings.office)
        parts = [self.tr("照片采集站")]
        if office is not None:
            parts.append(office.name(i18n.current_language()))
        if self.settings.station_name:
            parts.append(self.settings.station_name)
        self.setWindowTitle(" · ".join(parts))
        self.menu_station.setTitle(self.tr("采集站(&S)"))
        self.act_settings.setText(self.tr("设置…"))
        self.act_calibrate.setText(self.tr("灯光校准…"))
        self.act_quit.setText(self.tr("退出"))
        self.menu_records.setTitle(self.tr("考生与导出(&R)"))
        self.act_roster.setText(self.tr("考生名册（导入、查看）…"))
        self.act_export.setText(self.tr("导出上传…"))
        self.menu_language.setTitle(self.tr("语言(&L)"))
        self.menu_help.setTitle(self.tr("帮助(&H)"))
        self.act_about.setText(self.tr("关于与联系电话…"))
        self._show_no_camera()
        if self._notice_render is not None:
            self.live.set_notice(self._notice_render())
        if self._note_render is not None:
            self.capture_note.setText(self._note_render())
        self._show_drift(self._drift)
        if self._camera_state in ("disconnected", "reconnecting"):
            self._show_reconnecting()
        self._update_controls()

    # ------------------------------------------------------------------ shutdown
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and self._phase in (Phase.REVIEW, Phase.SAVING) and self.isVisible():
            # Never drop a photo under review silently: ask first (without a nested loop).
            event.ignore()
            box = QMessageBox(
                QMessageBox.Icon.Question, self.tr("退出"),
                self.tr("还有一张照片尚未保存。仍要退出吗？（照片将被丢弃）"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setObjectName("quitConfirmBox")
            box.setDefaultButton(QMessageBox.StandardButton.No)
            box.setWindowModality(Qt.WindowModality.WindowModal)

            def answered(button: object) -> None:
                if box.standardButton(button) == QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
                    self.shutdown()
                    self.close()

            box.buttonClicked.connect(answered)
            box.open()
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every thread: timers, analysis, camera, store. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for t in (self.frame_timer, self.stats_timer, self.disk_timer):
            t.stop()
        for dlg in list(self._dialogs):
            dlg.close()
        self.scans.close()
        self.auto_resume_timer.stop()
        self.analysis.close()
        self.cameras.close()
        self.stores.close()  # a save under way (or queued) completes; then the store closes
