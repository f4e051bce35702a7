"""Starting the station window: ``capture-station gui`` ends up in :func:`run_gui`.

Creates the Qt application (after clearing OpenCV's Qt variables), picks a font that has the
Chinese glyphs, loads the settings, asks the first-run questions when there are no settings yet,
applies the command line (``--camera``, ``--lang``, ``--data-dir``, ``--standard``) for this
session, and runs the window until it is closed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from capture_station.gui import fix_qt_environment, i18n

_log = logging.getLogger(__name__)

_CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                 "WenQuanYi Micro Hei", "Noto Sans SC")


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once, with the Qt environment fixed first)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    fix_qt_environment()
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("capture-station")
    app.setOrganizationName("capture-station")
    apply_cjk_font(app)
    return app


def apply_cjk_font(app: QApplication) -> str | None:
    """Use a font with Simplified Chinese glyphs when one is installed."""
    families = set(QFontDatabase.families())
    for fam in _CJK_FAMILIES:
        if fam in families:
            f = QFont(app.font())
            f.setFamily(fam)
            app.setFont(f)
            return fam
    return None


def run_gui(args: argparse.Namespace) -> int:
    """Run the station window; returns the exit code."""
    from capture_station.gui.main_window import MainWindow
    from capture_station.gui.settings_dialog import SettingsDialog
    from capture_station.settings import (
        default_settings_path,
        load_settings,
        save_settings,
        settings_exist,
    )
    from capture_station.standard import load_standard

    app = ensure_app()
    path = default_settings_path()
    warnings: list[str] = []
    settings = load_settings(path, warnings)
    lang = getattr(args, "lang", None) or settings.language
    i18n.set_language(lang)
    if not settings_exist(path):
        dlg = SettingsDialog(settings, first_run=True)
        if getattr(args, "data_dir", None):
            dlg.data_dir.setText(str(args.data_dir))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return 0
        settings = dlg.result_settings()
        save_settings(settings, path)
        i18n.set_language(getattr(args, "lang", None) or settings.language)
    standard = load_standard(getattr(args, "standard", None) or "xinjiang-zikao")
    data_dir = getattr(args, "data_dir", None)
    win = MainWindow(
        settings,
        settings_path=path,
        standard=standard,
        camera_spec=getattr(args, "camera", None),
        data_dir=Path(data_dir) if data_dir else None,
    )
    for w in warnings:
        win.status.showMessage(w, 10_000)
    win.show()
    code = app.exec()
    win.shutdown()
    return int(code)
