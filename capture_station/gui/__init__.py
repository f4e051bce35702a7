"""The station window (PySide6): the only package of capture_station that imports Qt.

It is a thin layer over the core: cameras, analysis, the pipeline and the store do the work on
their own threads, the window shows what they report. Importing this package also repairs two
things the window would otherwise trip over:

* ``import cv2`` points ``QT_QPA_PLATFORM_PLUGIN_PATH`` and ``QT_QPA_FONTDIR`` at OpenCV's own
  Qt 5 plugins and fonts, which would make PySide6 load plugins of the wrong Qt (or find no
  Chinese font). :func:`fix_qt_environment` removes them (again right before the application
  object is created, in case cv2 was imported later).
* PySide6 6.12.0 drops a reference to ``None`` on every call of a method that returns nothing.
  On Python 3.12+ ``None`` is immortal and nothing happens; on 3.11 the count reaches zero after
  some minutes of painting and the interpreter aborts ("deallocating None").
  :func:`guard_none_refcount` detects the fault and gives ``None`` a reserve of references that
  outlasts any session. The proper fix is a PySide6 release without the fault.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

_log = logging.getLogger(__name__)

_CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")
_NONE_RESERVE = 1 << 40  # ~10^12 references: decades at thousands of calls per second


def _points_into_cv2(value: str) -> bool:
    parts = {p.lower() for p in Path(value).parts}
    return "cv2" in parts


def fix_qt_environment() -> list[str]:
    """Remove Qt variables that point into OpenCV's package; returns the names removed."""
    removed: list[str] = []
    for name in _CV2_QT_VARIABLES:
        value = os.environ.get(name)
        if value and _points_into_cv2(value):
            del os.environ[name]
            removed.append(name)
    return removed


def none_references_lost(calls: int = 256) -> int:
    """How many references to ``None`` ``calls`` calls of a void PySide6 method lose."""
    from PySide6.QtCore import QPointF

    p = QPointF()
    before = sys.getrefcount(None)
    for _ in range(calls):
        p.setX(1.0)
    return before - sys.getrefcount(None)


def guard_none_refcount() -> bool:
    """Protect ``None`` from the PySide6 fault described above; True when it was needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    calls = 256
    if none_references_lost(calls) < calls * 3 // 4:
        return False
    import ctypes

    import PySide6

    ctypes.c_ssize_t.from_address(id(None)).value += _NONE_RESERVE
    _log.warning(
        "PySide6 %s loses a reference to None on every call; protected for this session. "
        "Install another PySide6 release (not 6.12.0) to remove the fault.",
        getattr(PySide6, "__version__", "?"),
    )
    return True


fix_qt_environment()
guard_none_refcount()
