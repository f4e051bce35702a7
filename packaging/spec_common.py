"""What the two PyInstaller specs share: the analysis of the station and the trimming of it.

Imported by ``capture-station.spec`` (Linux) and ``capture-station-windows.spec``; not part of
the application.
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import collect_submodules

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
HOOKS = PACKAGING / "hooks"
NAME = "capture-station"

# Modules the station never imports, but which installed packages could pull in: the test tools
# of the development environment, JAX (a MediaPipe dependency used only by its LLM tooling),
# SciPy and scikit-image (tests), Tk, and the Qt modules the window does not use.
EXCLUDES = [
    # the face models run on LiteRT (hooks/hook-ai_edge_litert.py); MediaPipe's wheel is a
    # test-time cross-check only
    "mediapipe",
    "jax", "jaxlib", "ml_dtypes", "opt_einsum", "scipy", "skimage", "sentencepiece",
    "sounddevice", "_sounddevice", "tkinter", "_tkinter", "IPython", "pytest", "_pytest",
    "pytestqt", "hypothesis", "ruff", "pip", "setuptools", "pkg_resources", "tifffile",
    "imageio", "networkx", "lazy_loader",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest", "PySide6.QtNetwork", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus",
    "PySide6.QtPrintSupport", "PySide6.QtLabsStyleKit", "PySide6.QtQmlFeatures",
    "matplotlib.backends.backend_qtagg", "matplotlib.backends.backend_qt",
    "matplotlib.backends.backend_qt5agg", "matplotlib.backends.backend_tkagg",
]

# Qt's own translations: the station speaks Chinese and English only.
QT_TRANSLATION_LANGS = ("zh_CN", "en")


def _drop(dest: str) -> bool:
    d = dest.replace("\\", "/")
    # OpenCV's wheel ships Qt 5 plugins and fonts for its HighGUI windows, which the station never
    # opens; the window is PySide6 (Qt 6). Leaving them out also keeps Qt from ever loading a
    # plugin of the wrong Qt.
    if d.startswith("cv2/qt/"):
        return True
    # OpenCV's Haar cascades: not used (MediaPipe finds the faces).
    if d.startswith("cv2/data/"):
        return True
    if "/Qt/translations/" in d or d.startswith("PySide6/translations/"):
        name = d.rsplit("/", 1)[-1]
        if name.endswith(".qm"):
            return not any(name.endswith(f"_{lang}.qm") for lang in QT_TRANSLATION_LANGS)
    return False


def analysis(Analysis, *, windows: bool = False):  # noqa: N803 - PyInstaller's class
    excludes = list(EXCLUDES)
    if windows:
        # python-gphoto2 has no Windows wheel: the Windows build is webcam (and demo) only.
        excludes += ["gphoto2"]
    hidden = collect_submodules("capture_station")
    a = Analysis(
        [str(PACKAGING / "launcher.py")],
        pathex=[str(ROOT)],
        binaries=[],
        datas=[(str(ROOT / "assets"), "assets"), (str(ROOT / "calibration"), "calibration")],
        hiddenimports=hidden,
        hookspath=[str(HOOKS)],
        hooksconfig={"matplotlib": {"backends": ["Agg"]}},
        runtime_hooks=[str(HOOKS / "rthook_capture_station.py")],
        excludes=excludes,
        noarchive=False,
        optimize=0,
    )
    a.binaries = [e for e in a.binaries if not _drop(e[0])]
    a.datas = [e for e in a.datas if not _drop(e[0])]
    return a
