"""No silent wrong state in the window: no camera is said so (never the demo scene instead),
the demo camera is marked, and messages that no longer hold go away.

Real windows and widgets (pytest-qt, offscreen); cameras are real specs: ``webcam:97`` is a
device that does not exist, ``demo`` the built-in scene.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402
from test_gui_flow import close_windows  # noqa: E402

from capture_station.cameras.base import Camera  # noqa: E402
from capture_station.cameras.registry import CameraSearch, Probe, open_camera  # noqa: E402
from capture_station.gui import i18n  # noqa: E402
from capture_station.gui.camera_control import first_camera_spec, probe_lines  # noqa: E402
from capture_station.gui.main_window import MainWindow  # noqa: E402
from capture_station.settings import Settings  # noqa: E402


@pytest.fixture
def make_window(qtbot, tmp_path):
    i18n.set_language("zh_CN")
    windows: list[MainWindow] = []
    opened: list[str] = []

    def opener(spec: str) -> Camera:
        opened.append(spec)  # the real registry opens it; the list says what was asked for
        return open_camera(spec)

    def make(camera: str = "demo") -> MainWindow:
        s = Settings(office="urumqi", station_name="test-station", operator="tester",
                     data_dir=str(tmp_path / "data"), camera=camera)
        win = MainWindow(s, settings_path=tmp_path / "settings.json", camera_opener=opener)
        win.opened_specs = opened  # type: ignore[attr-defined]
        win.show()
        windows.append(win)
        return win

    yield make
    close_windows(windows)


def _grab(widget) -> np.ndarray:  # type: ignore[no-untyped-def]
    img = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB888)
    w, h = img.width(), img.height()
    return np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * h).reshape(
        h, img.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def test_auto_never_falls_back_to_the_demo_camera():
    nothing = CameraSearch([], [Probe("webcam", "/dev/video*", "absent")])
    assert first_camera_spec(nothing) is None
    lines = probe_lines(nothing.tried)
    assert lines == ["摄像头 /dev/video*：未发现设备"]


def test_missing_camera_shows_the_panel_and_the_demo_only_on_request(make_window, qtbot):
    win = make_window(camera="webcam:97")
    qtbot.waitUntil(win.no_camera.isVisible, timeout=20_000)
    assert win.no_camera.title.text() == "无法打开相机 webcam:97"
    assert "webcam:97" in win.no_camera.tried.text()
    assert win.no_camera.retry_button.text() == "重试"
    assert win.no_camera.demo_button.text() == "使用演示相机"
    assert win.cameras.camera is None
    assert win.opened_specs == ["webcam:97"]  # nothing opened the demo camera
    assert win.status.camera.text() == "无相机"
    assert not win.live.demo
    # retry asks again for the same camera, and again no demo
    win.no_camera.retry_button.click()
    qtbot.waitUntil(lambda: len(win.opened_specs) == 2 and win.no_camera.isVisible(),
                    timeout=20_000)
    assert win.opened_specs == ["webcam:97", "webcam:97"]
    # the demo on purpose: opened, marked, named in Chinese; the settings keep their camera
    qtbot.mouseClick(win.no_camera.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.cameras.camera is not None and win._camera_state == "connected",
                    timeout=40_000)
    assert win.opened_specs[-1] == "demo"
    assert not win.no_camera.isVisible()
    assert win.live.demo and win.review.view.demo
    assert win.status.camera.text().startswith("演示相机")
    assert win.settings.camera == "webcam:97"
    qtbot.waitUntil(lambda: win.live.frames_shown > 2, timeout=20_000)
    win.resize(1366, 768)
    qtbot.wait(100)
    marked = _grab(win.live)
    win.live.set_demo(False)
    plain = _grab(win.live)
    win.live.set_demo(True)
    diff = np.abs(marked.astype(int) - plain.astype(int)).max(axis=2) > 30
    assert diff.mean() > 0.01  # the big 演示 DEMO text covers a visible part of the picture
    redder = (marked[..., 0].astype(int) - marked[..., 2]) > (plain[..., 0].astype(int) - plain[..., 2]) + 20
    assert (diff & redder).sum() > 500


def test_the_no_camera_panel_follows_a_language_switch(make_window, qtbot):
    """Why the camera did not open is the core's text (the camera's error, raised on the
    camera thread): the panel shows it in the window's language, and again in the other one
    after the operator switches from the language menu."""
    win = make_window(camera="webcam:97")
    qtbot.waitUntil(win.no_camera.isVisible, timeout=20_000)
    linux = sys.platform.startswith("linux")
    zh = win.no_camera.tried.text()
    assert ("摄像头 97：没有视频设备 /dev/video97" if linux else "摄像头 97：无法打开摄像头") in zh
    assert not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", zh), zh  # no English sentence
    win.act_languages["en"].trigger()
    qtbot.waitUntil(lambda: win.no_camera.title.text() == "Cannot open the camera webcam:97",
                    timeout=5000)
    en = win.no_camera.tried.text()
    assert ("webcam 97: no such video device /dev/video97" if linux
            else "webcam 97: cannot open the camera") in en
    assert not re.search(r"[\u4e00-\u9fff]", en), en
    assert win.no_camera.retry_button.text() != "重试"
    win.act_languages["zh_CN"].trigger()
    qtbot.waitUntil(lambda: win.no_camera.tried.text() == zh, timeout=5000)
    assert win.no_camera.title.text() == "无法打开相机 webcam:97"


def test_the_live_message_and_the_capture_note_follow_a_language_switch(make_window, qtbot):
    """The message over the live picture and the note under the capture button are shown
    again in the new language when the operator switches; none stays behind in the old one."""
    win = make_window(camera="webcam:97")
    qtbot.waitUntil(win.no_camera.isVisible, timeout=20_000)
    assert win.live._notice == "相机未打开"
    win.capture()  # no candidate ID yet: the note says what to do
    assert win.capture_note.text() == "请先输入有效的考生号"
    win.act_languages["en"].trigger()
    qtbot.waitUntil(lambda: win.live._notice == "The camera is not open", timeout=5000)
    assert win.capture_note.text() == "Enter a valid candidate ID first"
    win.act_languages["zh_CN"].trigger()
    qtbot.waitUntil(lambda: win.live._notice == "相机未打开", timeout=5000)
    assert win.capture_note.text() == "请先输入有效的考生号"
    # a note that was cleared stays cleared after a switch
    win.candidate.edit.setText("650101202400001")
    qtbot.waitUntil(lambda: win.capture_note.text() == "", timeout=5000)
    win.act_languages["en"].trigger()
    qtbot.wait(50)
    assert win.capture_note.text() == ""


def test_automatic_choice_without_a_camera_says_so(make_window, qtbot):
    from capture_station.cameras.registry import search_cameras

    if search_cameras().found:
        pytest.skip("this machine has a camera attached")
    win = make_window(camera="")
    qtbot.waitUntil(win.no_camera.isVisible, timeout=20_000)
    assert win.no_camera.title.text() == "未找到相机"
    tried = win.no_camera.tried.text()
    assert "摄像头" in tried and "单反相机" in tried
    assert win.opened_specs == []  # nothing was opened: no camera, and never the demo
    assert win.cameras.camera is None


def test_typed_camera_spec_survives_enter_in_settings(qtbot, tmp_path):
    from capture_station.gui.settings_dialog import SettingsDialog

    i18n.set_language("zh_CN")
    dlg = SettingsDialog(Settings(office="urumqi", data_dir=str(tmp_path), camera=""),
                         list_cameras=False)
    qtbot.addWidget(dlg)
    dlg.show()
    edit = dlg.camera.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, "webcam:3")
    with qtbot.waitSignal(dlg.accepted, timeout=2000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter: the dialog's default button, OK
    assert dlg.result_settings().camera == "webcam:3"


def test_first_run_dialog_says_what_is_missing(qtbot, tmp_path):
    from capture_station.gui.settings_dialog import SettingsDialog

    i18n.set_language("zh_CN")
    dlg = SettingsDialog(Settings(data_dir=str(tmp_path)), first_run=True, list_cameras=False)
    qtbot.addWidget(dlg)
    dlg.show()
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert dlg.missing.isVisible() and dlg.missing.text() == "请填写：考试机构"
    dlg.data_dir.clear()
    assert dlg.missing.text() == "请填写：考试机构、保存文件夹"
    dlg.office.setCurrentIndex(dlg.office.findData("aksu"))
    dlg.data_dir.setText(str(tmp_path))
    assert ok.isEnabled() and not dlg.missing.isVisible()


def test_double_click_on_a_history_item_opens_one_record(qtbot):
    from capture_station.gui.history_panel import HistoryPanel
    from capture_station.records.store import PhotoRecord

    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.resize(380, 300)
    panel.show()
    rec = PhotoRecord(1, "2023650100123", "photos/2023650100123.jpg", "0" * 64, 30_000, 80,
                      True, [], None, "s", "o", "demo", None, None, "2026-12-01T09:30:00+08:00",
                      None)
    panel.set_records([(rec, None)])
    opened: list[object] = []
    panel.open_requested.connect(opened.append)
    rect = panel.list.visualItemRect(panel.list.item(0))
    # a real double-click: press and release, then the double-click event
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(50)
    assert opened == [rec]
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # the keyboard path still opens it
    assert opened == [rec, rec]


def test_failed_calibration_reads_as_failed_in_the_status_bar(make_window, qtbot, tmp_path):
    from capture_station.calibration import Status, calibrate, save_profile, synthetic

    win = make_window(camera="webcam:97")
    qtbot.waitUntil(lambda: win.status.calibration.text() == "未校准", timeout=20_000)
    backdrop = synthetic.backdrop((1280, 720), level=250.0, left_right=0.15, seed=31)
    failed = calibrate(backdrop, None)
    assert failed.status == Status.FAIL
    save_profile(failed, win.data_path)  # saved on purpose (the page asks first)
    win.refresh_disk()
    qtbot.waitUntil(lambda: win.status.calibration.text() == "校准未通过，请重新校准",
                    timeout=20_000)
    assert "#c62828" in win.status.calibration.styleSheet()
    good = calibrate(synthetic.backdrop((1280, 720), level=250.0, seed=31), None)
    assert good.status != Status.FAIL
    save_profile(good, win.data_path)
    win.refresh_disk()
    qtbot.waitUntil(lambda: win.status.calibration.text().startswith("校准于"), timeout=20_000)


def test_enter_an_id_message_goes_when_the_id_is_valid(make_window, qtbot):
    win = make_window(camera="demo")
    qtbot.waitUntil(lambda: win.cameras.camera is not None, timeout=40_000)
    win.capture()  # Space without an ID
    assert win.capture_note.text() == "请先输入有效的考生号"
    qtbot.keyClicks(win.candidate.edit, "2023650100123")
    assert win.candidate.candidate_id == "2023650100123"
    assert win.capture_note.text() == ""


def test_check_panel_lists_no_warning_as_a_fault(qtbot):
    from capture_station.cameras.demo import BACKDROP_RGB, default_scene
    from capture_station.checks import Status
    from capture_station.gui.check_panel import CheckPanel
    from capture_station.imaging.image_source import ArraySource
    from capture_station.photo.pipeline import Pipeline

    scene = default_scene().astype(np.float32)
    backdrop = np.abs(scene - np.asarray(BACKDROP_RGB, np.float32)).max(axis=2) <= 3
    scene[..., 2] = np.where(backdrop, scene[..., 2] - 7.0, scene[..., 2])  # yellowish
    _shot, _enc, final, _reason = Pipeline().make_photo(
        ArraySource(np.clip(scene, 0, 255).astype(np.uint8), name="yellowish"))
    assert final is not None
    i18n.set_language("zh_CN")
    panel = CheckPanel()
    qtbot.addWidget(panel)
    panel.set_need_id(False)
    from capture_station.gui.check_panel import live_check_ids

    checks = [c for c in final.checks if c.id in live_check_ids()]  # what a live frame gets
    warned = [c for c in checks if c.status == Status.WARN]
    assert [c.id for c in warned] == ["background.white"]
    assert not any(c.status == Status.FAIL for c in checks)
    panel.set_results(checks)
    assert panel.hint.text() == "可以拍照（白色背景接近边界）"


def test_history_record_explains_in_chinese(qtbot, standard):
    from capture_station.gui.history_panel import RecordDialog
    from capture_station.records.store import PhotoRecord

    i18n.set_language("zh_CN")
    checks = [
        {"id": "geometry.eyes", "status": "pass", "value": 257.4, "message": "eyes at 257 px",
         "message_zh": "眼睛距上边沿257像素", "hint": "", "hint_zh": ""},
        {"id": "geometry.crown", "status": "pass", "value": 72.8, "message": "top of head at 73 px"},
        {"id": "checklist.jewellery", "status": "undetermined", "value": None,
         "message": "Confirm: no earrings", "operator_confirmed": True},
    ]
    rec = PhotoRecord(7, "2023650100123", "photos/2023650100123.jpg", "0" * 64, 30_000, 80, True,
                      checks, None, "s", "o", "demo", None, None, "2026-12-01T09:30:00+08:00", None)
    dlg = RecordDialog(standard, rec, None)
    qtbot.addWidget(dlg)
    texts = [dlg.tree.topLevelItem(i).text(2) for i in range(dlg.tree.topLevelItemCount())]
    assert texts[0] == "眼睛距上边沿257像素"
    assert texts[1] == "测量值：72.8"  # an older record: the value, not English text
    assert texts[2] == "人工核对项 — 操作员已确认"
    assert all(not any("a" <= ch <= "z" for ch in t) for t in texts)
    i18n.set_language("en")
    try:
        dlg.retranslate()
        assert dlg.tree.topLevelItem(0).text(2) == "eyes at 257 px"
    finally:
        i18n.set_language("zh_CN")


def test_review_photo_of_the_demo_camera_is_marked(qtbot, standard):
    from capture_station.gui.photo_view import PhotoView

    view = PhotoView(standard)
    qtbot.addWidget(view)
    view.resize(480, 640)
    view.set_bands_visible(False)
    view.set_photo(np.full((640, 480, 3), 255, np.uint8))
    plain = _grab(view)
    view.set_demo(True)
    marked = _grab(view)
    changed = np.abs(marked.astype(int) - plain.astype(int)).max(axis=2) > 30
    assert changed.mean() > 0.01
    reddish = marked[changed]
    assert (reddish[:, 0].astype(int) - reddish[:, 2] > 20).mean() > 0.5


def test_settings_name_the_demo_camera_in_chinese(qtbot, tmp_path):
    from capture_station.gui.settings_dialog import SettingsDialog

    i18n.set_language("zh_CN")
    dlg = SettingsDialog(Settings(office="urumqi", data_dir=str(tmp_path), camera="demo"))
    qtbot.addWidget(dlg)
    # until the list arrives from its thread, the configured spec is shown as it is
    qtbot.waitUntil(lambda: "[demo]" in dlg.camera.itemText(max(0, dlg.camera.findData("demo"))),
                    timeout=20_000)
    assert dlg.camera.itemText(dlg.camera.findData("demo")) == "演示相机  [demo]"
    assert dlg.camera.itemText(0) == "自动（第一台找到的相机）"
    dlg.reject()
