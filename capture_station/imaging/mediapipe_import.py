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
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

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
        import mediapipe  # noqa: F401
    finally:
        for n, m in stand_ins.items():
            if sys.modules.get(n) is m:
                del sys.modules[n]
        for n in _ABSENT:
            if n in sys.modules and sys.modules[n] is None:
                del sys.modules[n]
