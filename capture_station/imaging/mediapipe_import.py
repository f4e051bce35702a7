"""Import MediaPipe without the parts the station never uses.

``import mediapipe`` pulls in matplotlib (for ``solutions.drawing_utils``' landmark plots) and
tries ``sounddevice`` (for the audio tasks). That is most of a second before the first photo
can be analysed: in the window's start, in every ``check`` of a single file (2.1 s -> 1.4 s),
and in every freshly spawned worker of ``check``, ``export`` and ``import-export``.

While MediaPipe is imported, stand-ins take matplotlib's and pyplot's places in ``sys.modules``
and ``sounddevice`` is marked absent (MediaPipe handles that: no audio). Afterwards the entries
are removed, so a later ``import matplotlib`` gets the real one; MediaPipe keeps references to
the stand-ins, which load the real module on first attribute access. The swap lasts only for
MediaPipe's import; the station never imports matplotlib or sounddevice itself, so another
thread cannot trip over the stand-ins meanwhile.

MediaPipe's native code also writes its start-up chatter straight to file descriptor 2 ("Created
TensorFlow Lite XNNPACK delegate", "All log messages before absl::InitializeLog()", "Feedback
manager requires a model..."), from its own threads while a graph opens, and once more when the
face mesh first projects landmarks. ``GLOG_minloglevel`` does not reach it (absl logging), so
:func:`native_logs_hidden` points fd 2 at a temporary file for those moments only: the import,
the opening of the graphs and their first run. Afterwards fd 2 is restored and whatever else was
written meanwhile (the station's own errors from another thread) is passed on; only MediaPipe's
lines are dropped. ``--debug`` (``CAPTURE_STATION_DEBUG=1``) keeps them all.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile
import threading
import types
from collections.abc import Iterator
from typing import IO, Any

DEBUG_ENV = "CAPTURE_STATION_DEBUG"
# Lines of MediaPipe's native logging: TensorFlow Lite's "INFO: ...", absl's notice, and absl
# log lines ("W0000 00:00:1796161995.163127   26768 file.cc:114] ...").
_NATIVE_LINE = re.compile(
    rb"^(INFO: Created TensorFlow Lite|WARNING: All log messages before absl::InitializeLog"
    rb"|[IWEF]\d{4} [\d:.]+ +\d+ [\w.\-]+:\d+\] )"
)
_fd2_lock = threading.Lock()
_fd2_depth = 0
_fd2_saved: int | None = None
_fd2_capture: IO[bytes] | None = None


def debug_enabled() -> bool:
    """``--debug`` or ``CAPTURE_STATION_DEBUG=1``: keep MediaPipe's own log lines."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _hide_fd2() -> None:
    global _fd2_depth, _fd2_saved, _fd2_capture
    with _fd2_lock:
        _fd2_depth += 1
        if _fd2_depth > 1:
            return
        try:
            sys.stderr.flush()
        except (AttributeError, OSError, ValueError):
            pass
        try:
            capture = tempfile.TemporaryFile()
            saved = os.dup(2)
        except OSError:
            return  # no fd 2 or no temporary folder: the lines stay visible, nothing breaks
        os.dup2(capture.fileno(), 2)
        _fd2_saved, _fd2_capture = saved, capture


def _restore_fd2() -> None:
    global _fd2_depth, _fd2_saved, _fd2_capture
    with _fd2_lock:
        _fd2_depth -= 1
        if _fd2_depth > 0 or _fd2_saved is None or _fd2_capture is None:
            return
        try:
            sys.stderr.flush()
        except (AttributeError, OSError, ValueError):
            pass
        saved, capture = _fd2_saved, _fd2_capture
        _fd2_saved = _fd2_capture = None
        os.dup2(saved, 2)
        os.close(saved)
        with capture:
            capture.seek(0)
            kept = [line for line in capture.read().splitlines(keepends=True)
                    if not _NATIVE_LINE.match(line)]
        if kept:
            with contextlib.suppress(OSError):
                os.write(2, b"".join(kept))


@contextlib.contextmanager
def native_logs_hidden() -> Iterator[None]:
    """MediaPipe's native log lines written to fd 2 in this block are dropped; anything else
    written there meanwhile reaches stderr when the block ends. Nests and may be entered from
    several threads at once (fd 2 is restored when the last one leaves)."""
    if debug_enabled():
        yield
        return
    _hide_fd2()
    try:
        yield
    finally:
        _restore_fd2()


def hide_native_logs_for_good() -> None:
    """Point fd 2 at /dev/null for the rest of the process, unless debugging: for worker
    processes, whose native MediaPipe lines would break the parent's progress output and whose
    own errors travel to the parent as exceptions."""
    if debug_enabled():
        return
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)

_STAND_INS = ("matplotlib", "matplotlib.pyplot")
_ABSENT = ("sounddevice",)


class _Deferred(types.ModuleType):
    """Stands in for a module; loads the real one on first attribute access."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def mediapipe() -> types.ModuleType:
    """The ``mediapipe`` module, imported the lean way the first time (the station's one way
    to get it)."""
    import_mediapipe_lean()
    import mediapipe as mp

    return mp


def import_mediapipe_lean() -> None:
    """``import mediapipe`` without matplotlib and sounddevice (see the module docstring).
    Does nothing if MediaPipe or any of those modules is already imported."""
    if "mediapipe" in sys.modules or any(n in sys.modules for n in (*_STAND_INS, *_ABSENT)):
        return
    stand_ins = {n: _Deferred(n) for n in _STAND_INS}
    # `import matplotlib.pyplot as plt` reads the attribute from the package object
    stand_ins["matplotlib"].pyplot = stand_ins["matplotlib.pyplot"]  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    for n in _ABSENT:
        sys.modules[n] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        with native_logs_hidden():
            import mediapipe  # noqa: F401
    finally:
        for n, m in stand_ins.items():
            if sys.modules.get(n) is m:
                del sys.modules[n]
        for n in _ABSENT:
            if n in sys.modules and sys.modules[n] is None:
                del sys.modules[n]
