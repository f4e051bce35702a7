"""Interface language: Simplified Chinese by default, English at the press of a menu item.

The strings in the code are the Chinese originals (``self.tr("拍照")``); English comes from
``assets/i18n/capture_station_en.qm``, compiled from the ``.ts`` file next to it. Switching
installs or removes the translator, Qt sends every widget a ``LanguageChange`` event and each
widget sets its texts again (``retranslate``). Text that the core produces (check messages and
hints) comes in both languages already and is picked with :func:`pick`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from capture_station import messages
from capture_station.paths import assets_dir

_log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_current = SOURCE_LANGUAGE
_installed: list[QTranslator] = []


def i18n_dir() -> Path:
    return assets_dir() / "i18n"


def qm_path(lang: str) -> Path:
    return i18n_dir() / f"capture_station_{lang}.qm"


def current_language() -> str:
    return _current


def is_english() -> bool:
    return _current.startswith("en")


def pick(zh: str, en: str) -> str:
    """The core's text in the current language."""
    return en if is_english() else zh


def language_name(lang: str) -> str:
    """Each language in its own script, as language menus show them."""
    return {"zh_CN": "简体中文", "en": "English"}.get(lang, lang)


def set_language(lang: str) -> bool:
    """Switch the running application to ``lang``; returns False when its file is missing
    (the interface then stays in Chinese)."""
    global _current
    app = QCoreApplication.instance()
    if lang not in LANGUAGES:
        lang = SOURCE_LANGUAGE
    for t in _installed:
        if app is not None:
            app.removeTranslator(t)
    _installed.clear()
    ok = True
    if lang != SOURCE_LANGUAGE:
        t = QTranslator()
        if t.load(str(qm_path(lang))):
            _installed.append(t)
        else:
            _log.warning("translation file %s not found; staying in Chinese", qm_path(lang))
            ok = False
            lang = SOURCE_LANGUAGE
    # Qt's own strings (standard buttons, file dialogs) in the same language.
    qt = QTranslator()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(lang), "qtbase", "_", qt_dir):
        _installed.append(qt)
    _current = lang
    # The core's texts (a refused roster, an export that cannot be written) follow the window.
    messages.set_language(lang)
    if app is not None:
        for t in _installed:
            app.installTranslator(t)
    QLocale.setDefault(QLocale("zh_CN" if lang == SOURCE_LANGUAGE else "en_US"))
    return ok
