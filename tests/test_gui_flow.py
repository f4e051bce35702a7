"""The station window end to end, with the demo camera playing real portraits.

Each test gets its own data folder and settings file, and must leave no thread behind: the
fixture shuts the window down and checks that the camera, analysis and store threads ended.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from capture_station.gui import i18n  # noqa: E402
from capture_station.gui.main_window import MainWindow, Phase  # noqa: E402
from capture_station.records.store import StoreError  # noqa: E402
from capture_station.settings import Settings  # noqa: E402

import imagery  # noqa: E402

ID = "2023650100123"
OTHER_ID = "650102199001011239"  # resident ID with a valid check digit
THREAD_PREFIXES = ("camera-", "live-analysis", "store_", "camera-ops", "camera-list")


def _station_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(THREAD_PREFIXES)]


def close_windows(windows: list[MainWindow]) -> None:
    """Shut every test window down, and check that no station thread outlived it."""
    for w in windows:
        w.shutdown()
        w.close()
        w.deleteLater()
    i18n.set_language("zh_CN")
    assert _station_threads() == []


@pytest.fixture
def make_window(qtbot, tmp_path):
    i18n.set_language("zh_CN")
    windows: list[MainWindow] = []

    def make(camera: str = "demo", **kw: object) -> MainWindow:
        s = Settings(office="urumqi", station_name="test-station", operator="tester",
                     data_dir=str(tmp_path / "data"), camera=camera, **kw)  # type: ignore[arg-type]
        win = MainWindow(s, settings_path=tmp_path / "settings.json")
        win.show()
        windows.append(win)
        return win

    yield make
    close_windows(windows)


def _connected(win: MainWindow, qtbot, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: win.cameras.camera is not None and win._camera_state == "connected",
                    timeout=timeout)


def _type_id(qtbot, win: MainWindow, text: str) -> None:
    win.candidate.edit.clear()
    if text.isascii():
        qtbot.keyClicks(win.candidate.edit, text)
    else:  # QTest cannot type full-width characters; paste them like a scanner would
        win.candidate.edit.insert(text)


def _capture_to_review(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(win.can_capture, timeout=30_000)
    with qtbot.waitSignal(win.review_shown, timeout=30_000):
        qtbot.keyClick(win.candidate.edit, Qt.Key.Key_Space)
    assert win.phase == Phase.REVIEW


def _tick_checklist(win: MainWindow) -> None:
    """The operator looks at the checklist items; Ctrl+Enter (in _accept) confirms them all."""
    assert all(text for _cid, text in win.review.checklist_items())


def _accept(qtbot, win: MainWindow):
    with qtbot.waitSignal(win.photo_saved, timeout=30_000) as sig:
        qtbot.keyClick(win.review, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return sig.args[0]


def test_whole_flow_with_retake_and_history(make_window, qtbot):
    win = make_window()
    _type_id(qtbot, win, ID)
    assert win.candidate.candidate_id == ID
    # the lights go green on the compliant demo stream
    qtbot.waitUntil(win.checks.all_green, timeout=40_000)
    model = win.live.model
    assert model is not None and model.feasible
    _capture_to_review(qtbot, win)
    photo = win.review.photo
    assert photo is not None and photo.rgb.shape == (640, 480, 3)
    assert win.review.view.image is not None and win.review.view.image.width() == 480
    assert f"{len(photo.data):,}" in win.review.info.text()
    # Enter does nothing until the operator checklist is ticked
    assert win.review.checklist_items(), "the checklist items come from undetermined checks"
    qtbot.keyClick(win.review, Qt.Key.Key_Return)
    assert win.phase == Phase.REVIEW
    _tick_checklist(win)
    rec = _accept(qtbot, win)
    store = win.store
    assert store is not None
    path = store.root / rec.path
    assert path.read_bytes() == photo.data
    assert store.current(ID) is not None and store.current(ID).compliant
    qtbot.waitUntil(lambda: any(r.candidate_id == ID for r in win.history.records), timeout=10_000)
    assert win.history.list.count() == 1
    assert win.candidate.candidate_id is None  # ready for the next candidate

    # Retake: same ID again; the warning shows and the old photo stays in history.
    _type_id(qtbot, win, ID)
    qtbot.waitUntil(lambda: win.candidate.existing.isVisible(), timeout=10_000)
    _capture_to_review(qtbot, win)
    _tick_checklist(win)
    _accept(qtbot, win)
    hist = store.history(ID)
    assert len(hist) == 2
    assert hist[0].superseded_by == hist[1].id and hist[0].history_path
    assert (store.root / hist[0].history_path).exists()
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=10_000)

    # Open a history entry, then ask for a retake from it.
    win.open_record(win.history.records[-1])
    qtbot.waitUntil(lambda: bool(win._dialogs), timeout=10_000)
    dlg = win._dialogs[-1]
    assert dlg.tree.topLevelItemCount() > 10
    dlg.retake.click()
    assert win.candidate.edit.text() == ID


def test_invalid_ids_are_refused(make_window, qtbot):
    win = make_window()
    _connected(win, qtbot)
    for bad in ("12345", "١٢٣٤٥٦٧٨٩٠١٢", "65010219900101123X", "../../etc", "2023 650100"):
        _type_id(qtbot, win, bad)
        assert win.candidate.candidate_id is None, bad
        assert not win.capture_button.isEnabled()
        assert win.candidate.reason.isVisible() and win.candidate.reason.text(), bad
    win.capture()
    assert win.phase == Phase.LIVE
    _type_id(qtbot, win, OTHER_ID)
    assert win.candidate.candidate_id == OTHER_ID
    assert not win.candidate.reason.isVisible()
    qtbot.waitUntil(win.capture_button.isEnabled, timeout=30_000)


@pytest.fixture(scope="module")
def tinted_folder(tmp_path_factory) -> Path:
    """A shot on a light-blue backdrop: the crop works, the white-backdrop check fails."""
    d = tmp_path_factory.mktemp("tinted")
    rgb = imagery.composite(imagery.grace_hopper(), scale=1.25, canvas=(1000, 800),
                            backdrop=(205, 222, 245), seed=3)
    (d / "tinted.jpg").write_bytes(imagery.jpeg_bytes(rgb, quality=95))
    return d


def test_failing_photo_needs_override_reason(make_window, qtbot, tinted_folder):
    win = make_window(camera=f"demo:{tinted_folder}?fps=15")
    _type_id(qtbot, win, ID)
    _capture_to_review(qtbot, win)
    photo = win.review.photo
    assert photo is not None and not photo.compliant
    assert any(c.id == "background.white" for c in photo.failing)
    assert win.review.override_box.isVisible()
    _tick_checklist(win)
    assert not win.review.accept_button.isEnabled()
    qtbot.keyClick(win.review, Qt.Key.Key_Return)  # refused: no reason
    assert win.phase == Phase.REVIEW and win.review.message.text()
    qtbot.keyClicks(win.review.reason, "backdrop being repainted")
    assert win.review.accept_button.isEnabled()
    rec = _accept(qtbot, win)
    assert not rec.compliant and rec.override_reason == "backdrop being repainted"
    assert win.store is not None
    actions = [r["action"] for r in win.store.audit_log(ID)]
    assert "override" in actions


def test_save_failure_keeps_photo_in_review(make_window, qtbot, monkeypatch):
    import capture_station.gui.main_window as mw

    real = mw.save_photo

    def disk_full(*a: object, **kw: object):
        raise StoreError(28, "cannot save the photo: disk full")

    monkeypatch.setattr(mw, "save_photo", disk_full)
    win = make_window()
    _type_id(qtbot, win, ID)
    _capture_to_review(qtbot, win)
    _tick_checklist(win)
    qtbot.keyClick(win.review, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win._error_box is not None and win._error_box.isVisible(), timeout=10_000)
    assert "disk full" in win._error_box.text()
    assert win.phase == Phase.REVIEW and win.review.photo is not None
    win._error_box.accept()
    # the review gets the keyboard back, so Enter saves once the problem is fixed
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.review, timeout=5_000)
    monkeypatch.setattr(mw, "save_photo", real)  # the operator frees some space
    rec = _accept(qtbot, win)
    assert rec.candidate_id == ID


def test_auto_capture_when_green(make_window, qtbot):
    win = make_window(auto_capture=True, auto_capture_frames=2)
    with qtbot.waitSignal(win.review_shown, timeout=45_000):
        _type_id(qtbot, win, ID)
    assert win.phase == Phase.REVIEW


def test_language_switch_retranslates(make_window, qtbot):
    win = make_window()
    assert win.capture_button.text() == "拍照（空格）"
    label = win.checks._labels["face.count"]
    assert label.text() == "单人"
    win.act_languages["en"].trigger()
    assert i18n.current_language() == "en"
    # Qt delivers LanguageChange to every widget through the event loop
    qtbot.waitUntil(lambda: win.capture_button.text() == "Take photo (Space)", timeout=5_000)
    assert label.text() == "one person"
    assert win.menu_help.title() == "&Help"
    assert "Candidate ID" in win.candidate._title.text()
    _type_id(qtbot, win, "123")
    assert "digits" in win.candidate.reason.text()
    win.act_languages["zh_CN"].trigger()
    qtbot.waitUntil(lambda: win.capture_button.text() == "拍照（空格）", timeout=5_000)
    assert "位数" in win.candidate.reason.text()
    qtbot.waitUntil(lambda: (Path(win._settings_path).is_file()), timeout=10_000)


def test_camera_loss_shows_banner_and_recovers(make_window, qtbot):
    win = make_window(camera="demo?disconnect_after=150&fps=30")
    states: list[str] = []
    win.cameras.state_changed.connect(states.append)
    _type_id(qtbot, win, ID)
    _connected(win, qtbot)
    # a photo taken before the loss stays in review through it
    _capture_to_review(qtbot, win)
    qtbot.waitUntil(lambda: "disconnected" in states, timeout=20_000)
    assert win.camera_banner.isVisible()
    assert win.phase == Phase.REVIEW and win.review.photo is not None
    qtbot.waitUntil(lambda: states and states[-1] == "connected", timeout=20_000)
    assert not win.camera_banner.isVisible()
    _tick_checklist(win)
    rec = _accept(qtbot, win)
    assert rec.candidate_id == ID
    frames = win.live.frames_shown
    qtbot.waitUntil(lambda: win.live.frames_shown > frames, timeout=10_000)


def test_switch_camera_and_settings_without_restart(make_window, qtbot, tinted_folder):
    from dataclasses import replace

    win = make_window()
    _connected(win, qtbot)
    qtbot.waitUntil(lambda: win.live._frame_size == (1280, 720), timeout=10_000)
    new = replace(win.settings, camera=f"demo:{tinted_folder}?fps=10", operator="second shift")
    win.apply_settings(new)
    qtbot.waitUntil(lambda: win.cameras.camera is not None
                    and win.cameras.camera.spec == new.camera, timeout=20_000)
    qtbot.waitUntil(lambda: win.live._frame_size == (1000, 800), timeout=10_000)
    assert not win.camera_banner.isVisible()
    qtbot.waitUntil(lambda: win.store is not None and win.store.operator == "second shift",
                    timeout=10_000)
    from capture_station.settings import load_settings

    qtbot.waitUntil(lambda: load_settings(win._settings_path).camera == new.camera,
                    timeout=10_000)


def test_unknown_camera_shows_banner(make_window, qtbot):
    win = make_window(camera="demo:/no/such/folder")
    qtbot.waitUntil(win.no_camera.isVisible, timeout=20_000)
    assert "/no/such/folder" in win.no_camera.title.text()
    assert "/no/such/folder" in win.no_camera.tried.text()
    assert not win.capture_button.isEnabled()


def test_calibration_and_about_open_from_the_menu(make_window, qtbot):
    win = make_window()
    dlg = win.open_calibration()
    assert dlg is not None and dlg.isVisible()
    dlg.reject()
    about = win.open_about()
    assert about.table.rowCount() == 16
    about.reject()
    assert win._dialogs == []


def test_run_gui_first_run_then_quit(qapp, qtbot, tmp_path, monkeypatch):
    """``capture-station gui`` on a new computer: the first-run form, then the window."""
    import argparse

    from PySide6.QtCore import QTimer

    from capture_station.gui.app import run_gui
    from capture_station.gui.settings_dialog import SettingsDialog
    from capture_station.settings import load_settings

    cfg = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("CAPTURE_STATION_CONFIG", str(cfg))
    seen: dict[str, object] = {}

    def answer_first_run() -> None:
        dlg = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, SettingsDialog) and w.isVisible()), None)
        if dlg is None:
            QTimer.singleShot(50, answer_first_run)
            return
        seen["first_run_title"] = dlg.windowTitle()
        dlg.office.setCurrentIndex(dlg.office.findData("hami"))
        dlg.operator.setText("first operator")
        dlg.accept()
        QTimer.singleShot(200, close_window)

    def close_window() -> None:
        win = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible()), None)
        if win is None:
            QTimer.singleShot(50, close_window)
            return
        seen["title"] = win.windowTitle()
        seen["camera"] = win.camera_spec
        win.close()
        QTimer.singleShot(0, qapp.quit)

    QTimer.singleShot(0, answer_first_run)
    args = argparse.Namespace(camera="demo", lang=None, data_dir=str(tmp_path / "data"),
                              standard=None)
    assert run_gui(args) == 0
    assert seen["first_run_title"] == "首次设置"
    assert "哈密市" in str(seen["title"]) and seen["camera"] == "demo"
    s = load_settings(cfg)
    assert s.office == "hami" and s.operator == "first operator"
    assert _station_threads() == []


def test_roster_name_is_shown_for_a_known_id(make_window, qtbot, tmp_path):
    from capture_station.records.roster import import_roster
    from capture_station.records.store import Store

    roster = tmp_path / "roster.csv"
    roster.write_bytes(f"准考证号,姓名\n{ID},阿依古丽\n".encode("gb18030"))
    s = Store(tmp_path / "data")
    import_roster(s, roster)
    s.close()
    win = make_window()
    _type_id(qtbot, win, ID)
    qtbot.waitUntil(lambda: "阿依古丽" in win.candidate.name.text(), timeout=10_000)
    _type_id(qtbot, win, OTHER_ID)
    qtbot.waitUntil(lambda: "阿依古丽" not in win.candidate.name.text(), timeout=10_000)


def test_backdrop_drift_from_the_calibration_warns(make_window, qtbot, tmp_path):
    """Calibrated with an even white backdrop at the demo scene's level: no warning. Then the
    profile of a room whose left light was much stronger: the capture warns of drift."""
    from capture_station.calibration import calibrate
    from capture_station.calibration.profile import save_profile
    from capture_station.calibration.synthetic import backdrop

    data = tmp_path / "data"
    even = backdrop((1280, 720), level=250.0)
    save_profile(calibrate(even), data, backdrop_rgb=even)
    win = make_window()
    _type_id(qtbot, win, ID)
    _capture_to_review(qtbot, win)
    assert not win.drift_banner.isVisible()
    qtbot.keyClick(win.review, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: win.phase == Phase.LIVE, timeout=10_000)
    bright = backdrop((1280, 720), level=250.0, left_right=-0.4)
    save_profile(calibrate(bright), data, backdrop_rgb=bright)
    _capture_to_review(qtbot, win)
    assert win.drift_banner.isVisible()
    assert "校准" in win.drift_banner.label.text()
