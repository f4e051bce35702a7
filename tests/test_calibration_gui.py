"""The calibration page, built offscreen on its own: two pictures in, the table fills, the heat
map shows, the result can be saved, errors are shown instead of raised."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from capture_station.calibration import Status, load_latest, synthetic
from capture_station.gui.calibration_page import CalibrationPage, SetupDiagram

import imagery


def _statuses(page: CalibrationPage) -> dict[str, str]:
    res = page.result()
    assert res is not None
    out = {}
    for row, it in enumerate(res.items):
        out[it.id] = page.table.item(row, 2).data(Qt.ItemDataRole.UserRole)
    return out


@pytest.fixture()
def frames():
    h = imagery.station_shot_hopper()
    hh, ww = h.shape[:2]
    return [synthetic.backdrop((ww, hh), level=250.0, left_right=0.15, seed=31), h]


def test_page_measures_two_pictures_and_saves(qtbot, frames, tmp_path):
    queue = list(frames)
    page = CalibrationPage(lambda: queue.pop(0), data_dir=tmp_path, office="乌鲁木齐市", station="一号机",
                           white_balance=lambda: "Daylight")
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    assert page.table.rowCount() == 0
    assert page.backdrop_button.isEnabled() and not page.subject_button.isEnabled()

    with qtbot.waitSignal(page.calibrated, timeout=60_000):
        page.backdrop_button.click()
    res = page.result()
    assert res is not None and not res.complete
    assert page.table.rowCount() == len(res.items) == 9
    st = _statuses(page)
    assert st["backdrop.evenness.left_right"] == "fail"
    row = [i.id for i in res.items].index("backdrop.evenness.left_right")
    assert page.table.item(row, 1).text() == res.items[row].value_text()
    assert "14" in page.table.item(row, 3).text() or "15" in page.table.item(row, 3).text()
    assert page.heatmap_label.pixmap() is not None and not page.heatmap_label.pixmap().isNull()
    assert page.subject_button.isEnabled()

    with qtbot.waitSignal(page.calibrated, timeout=90_000):
        page.subject_button.click()
    res = page.result()
    assert res.complete and page.table.rowCount() == 13
    assert _statuses(page)["subject.face.balance"] == Status.PASS.value

    # the backdrop's left side failed: saving that needs a confirmation, and "no" saves nothing
    assert res.status == Status.FAIL
    page.save_button.click()
    box = page.confirm_box
    assert box is not None and box.isVisible()
    assert box.defaultButton() is box.button(box.StandardButton.Cancel)
    box.button(box.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: page.confirm_box is None, timeout=5_000)
    qtbot.wait(200)
    assert load_latest(tmp_path) is None
    page.save_button.click()
    box = page.confirm_box
    assert box is not None
    with qtbot.waitSignal(page.profileSaved, timeout=30_000) as saved:
        box.button(box.StandardButton.Save).click()
    prof = load_latest(tmp_path)
    assert prof is not None and prof.folder == saved.args[0].folder
    assert prof.complete and prof.office == "乌鲁木齐市"
    page.shutdown()


def test_page_accepts_images_directly_and_shows_errors(qtbot):
    def broken() -> np.ndarray:
        raise RuntimeError("camera unplugged")

    page = CalibrationPage(broken)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.failed, timeout=10_000) as failed:
        page.take_backdrop()
    assert "camera unplugged" in failed.args[0]
    assert "camera unplugged" in page.verdict.text()
    assert page.backdrop_button.isEnabled()

    with qtbot.waitSignal(page.calibrated, timeout=60_000):
        page.set_backdrop_image(synthetic.backdrop((900, 1200), seed=32))
    assert page.result().status == Status.PASS
    assert page.table.rowCount() == 9
    assert not page.save_button.isVisible()  # no data folder given: nothing to save to
    page.shutdown()


def test_a_camera_error_on_the_page_follows_a_language_switch(qtbot):
    """The page keeps the camera's error, not its text of the moment: a language switch shows
    it again in the new language."""
    from capture_station.cameras import CameraError
    from capture_station.gui import i18n

    def no_camera() -> np.ndarray:
        raise CameraError("camera.none_connected")  # as the window's frame source raises it

    i18n.set_language("zh_CN")
    page = CalibrationPage(no_camera)
    qtbot.addWidget(page)
    try:
        with qtbot.waitSignal(page.failed, timeout=10_000):
            page.take_backdrop()
        assert page.verdict.text() == "出错：相机未连接"
        i18n.set_language("en")
        qtbot.waitUntil(lambda: page.verdict.text() == "Error: no camera is connected",
                        timeout=5000)
        i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: page.verdict.text() == "出错：相机未连接", timeout=5000)
    finally:
        page.shutdown()


def test_page_without_frame_source_and_language_change(qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent

    page = CalibrationPage(None)
    qtbot.addWidget(page)
    assert not page.backdrop_button.isEnabled()
    page.set_frame_source(lambda: synthetic.backdrop((640, 480)))
    assert page.backdrop_button.isEnabled()
    QCoreApplication.sendEvent(page, QEvent(QEvent.Type.LanguageChange))
    assert page.backdrop_button.text()
    page.shutdown()


def test_setup_diagram_draws(qtbot):
    from capture_station.calibration import load_reference

    d = SetupDiagram(load_reference().setup)
    qtbot.addWidget(d)
    d.resize(480, 320)
    img = d.grab().toImage()
    assert not img.isNull()
    colours = {img.pixel(x, y) for x in range(0, 480, 6) for y in range(0, 320, 6)}
    assert len(colours) > 10  # something was drawn
