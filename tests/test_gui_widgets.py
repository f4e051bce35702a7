"""Pieces of the station window on their own: the Qt environment after OpenCV, the guide
overlay's geometry, the translations, the ID entry, the settings and about dialogs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from capture_station.gui import i18n  # noqa: E402
from capture_station.gui.overlay import overlay_model  # noqa: E402
from capture_station.imaging.face_analysis import (  # noqa: E402
    CHEEK_IMAGE_LEFT,
    CHEEK_IMAGE_RIGHT,
    IRIS_IMAGE_LEFT,
    IRIS_IMAGE_RIGHT,
    Face,
)

ROOT = Path(__file__).resolve().parent.parent


def test_qapplication_starts_after_cv2_import():
    code = (
        "import os, cv2\n"
        "assert 'cv2' in os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH', ''), 'cv2 did not set it'\n"
        "from capture_station.gui.app import ensure_app\n"
        "app = ensure_app()\n"
        "assert 'QT_QPA_PLATFORM_PLUGIN_PATH' not in os.environ\n"
        "assert 'QT_QPA_FONTDIR' not in os.environ\n"
        "print(app.platformName())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("offscreen")


def _face(eye_y: float, cheeks: tuple[float, float], crown: float) -> Face:
    lm = np.zeros((478, 3))
    cx = (cheeks[0] + cheeks[1]) / 2
    lm[IRIS_IMAGE_LEFT, :2] = (cx - 30, eye_y)
    lm[IRIS_IMAGE_RIGHT, :2] = (cx + 30, eye_y)
    lm[CHEEK_IMAGE_LEFT, :2] = (cheeks[0], eye_y + 40)
    lm[CHEEK_IMAGE_RIGHT, :2] = (cheeks[1], eye_y + 40)
    return Face(landmarks=lm, box=(cheeks[0], crown, cheeks[1], eye_y + 150), crown_y=crown)


def test_overlay_bands_follow_the_crop_and_the_standard(standard):
    g = standard.geometry
    s = 0.8  # output px per frame px
    left, top = 300.0, 40.0
    crop = (left, top, left + standard.file.width / s, top + standard.file.height / s)
    face = _face(eye_y=top + 250 / s, cheeks=(500.0, 780.0), crown=top + 80 / s)
    m = overlay_model(standard, crop, s, face)
    assert m.crown_band == pytest.approx((top + g.crown_min / s, top + g.crown_max / s))
    assert m.eye_band == pytest.approx((top + g.eyes_min / s, top + g.eyes_max / s))
    assert m.centre_x == pytest.approx(left + standard.file.width / 2 / s)
    assert m.width_inner == pytest.approx((640 - g.face_width_min / 2 / s, 640 + g.face_width_min / 2 / s))
    assert m.width_outer == pytest.approx((640 - g.face_width_max / 2 / s, 640 + g.face_width_max / 2 / s))
    assert m.crown == pytest.approx((640.0, top + 80 / s))
    assert len(m.eyes) == 2 and len(m.cheeks) == 2
    # for a finished photo the bands are the standard's own rows
    p = overlay_model(standard, (0, 0, 480, 640), 1.0, None)
    assert p.crown_band == (g.crown_min, g.crown_max) and p.eye_band == (g.eyes_min, g.eyes_max)


def test_photo_view_draws_the_bands_on_the_standard_rows(qtbot, standard):
    from capture_station.gui.photo_view import PhotoView

    g = standard.geometry
    w, h = standard.file.width, standard.file.height
    view = PhotoView(standard)
    qtbot.addWidget(view)
    view.resize(w, h)
    view.set_photo(np.full((h, w, 3), 255, np.uint8))
    img = view.grab().toImage()
    assert (img.width(), img.height()) == (w, h)

    def px(y: int) -> tuple[int, int, int]:
        c = img.pixelColor(20, y)
        return c.red(), c.green(), c.blue()

    mid_eyes = int((g.eyes_min + g.eyes_max) / 2)
    mid_crown = int((g.crown_min + g.crown_max) / 2)
    between = int((g.crown_max + g.eyes_min) / 2)
    assert px(between) == (255, 255, 255)  # no band between the crown and eye bands
    for y in (mid_eyes, mid_crown):
        r, gr, b = px(y)
        assert (r, gr, b) != (255, 255, 255) and r < 255  # tinted by the band
    assert px(int(g.eyes_max) + 8) == (255, 255, 255)
    view.set_bands_visible(False)
    img = view.grab().toImage()
    assert px(mid_eyes) == (255, 255, 255)


def test_english_translation_file_loads(qapp):
    assert i18n.qm_path("en").is_file()
    from PySide6.QtCore import QCoreApplication

    try:
        assert i18n.set_language("en")
        assert QCoreApplication.translate("MainWindow", "拍照（空格）") == "Take photo (Space)"
        assert i18n.pick("中", "en") == "en"
    finally:
        i18n.set_language("zh_CN")
    assert QCoreApplication.translate("MainWindow", "拍照（空格）") == "拍照（空格）"
    assert i18n.pick("中", "en") == "中"


def test_every_english_message_is_translated():
    ts = (ROOT / "assets" / "i18n" / "capture_station_en.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts
    assert ts.count("<message>") > 50


def test_candidate_panel_enter_and_space(qtbot, standard):
    from capture_station.gui.candidate_panel import CandidatePanel
    from capture_station.records.store import Candidate

    names = {"2023650100123": "张三"}
    panel = CandidatePanel(standard)
    qtbot.addWidget(panel)
    panel.id_changed.connect(lambda cid: cid and panel.set_resolution(
        cid, Candidate(cid, names.get(cid), None, None), True, None))
    qtbot.keyClicks(panel.edit, "20236501")
    assert panel.candidate_id is None and panel.reason.text()
    with qtbot.assertNotEmitted(panel.capture_requested):
        qtbot.keyClick(panel.edit, Qt.Key.Key_Space)  # typed: the ID is not valid yet
    assert panel.edit.text() == "20236501 "
    panel.edit.clear()
    with qtbot.waitSignal(panel.id_changed):
        qtbot.keyClicks(panel.edit, "2023650100123")
    assert "张三" in panel.name.text()
    with qtbot.waitSignal(panel.confirmed) as sig:
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert sig.args == ["2023650100123"]
    with qtbot.waitSignal(panel.capture_requested):
        qtbot.keyClick(panel.edit, Qt.Key.Key_Space)
    assert panel.edit.text() == "2023650100123"


def test_first_run_dialog_needs_an_office(qtbot, tmp_path):
    from capture_station.gui.settings_dialog import SettingsDialog
    from capture_station.settings import Settings

    i18n.set_language("zh_CN")
    dlg = SettingsDialog(Settings(data_dir=str(tmp_path)), first_run=True, list_cameras=False)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dlg.office.count() == 16
    assert not ok.isEnabled()
    dlg.office.setCurrentIndex(dlg.office.findData("aksu"))
    assert ok.isEnabled()
    dlg.operator.setText("王五")
    dlg.auto.setChecked(True)
    dlg.frames.setValue(5)
    dlg.language.setCurrentIndex(dlg.language.findData("en"))
    s = dlg.result_settings()
    assert (s.office, s.operator, s.auto_capture, s.auto_capture_frames, s.language) == (
        "aksu", "王五", True, 5, "en")
    assert s.station_name  # defaults to the computer's name on first run


def test_settings_dialog_lists_cameras(qtbot):
    from capture_station.gui.settings_dialog import SettingsDialog
    from capture_station.settings import Settings

    dlg = SettingsDialog(Settings(office="urumqi", camera="demo"))
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.camera.findData("demo") >= 0 and dlg.camera.count() >= 2,
                    timeout=20_000)
    assert dlg.camera_spec() == "demo"
    dlg.reject()


def test_about_dialog_lists_the_offices_with_phones(qtbot, standard):
    from capture_station.gui.about_dialog import AboutDialog

    dlg = AboutDialog(standard, "kashgar")
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 16
    assert dlg.table.item(0, 0).text() == "喀什地区"  # the station's own office first
    assert dlg.table.item(0, 1).text() == "0998-2313360"
    phones = [dlg.table.item(i, 1).text() for i in range(16)]
    assert "0990-6223591、0990-6222947" in phones
