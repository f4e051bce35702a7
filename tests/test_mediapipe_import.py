"""Workers import MediaPipe without matplotlib and sounddevice, and nothing breaks: MediaPipe's
graphs run, and matplotlib still loads for real when something asks for it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mediapipe") is None,
                                reason="MediaPipe's wheel is not installed here (a cross-check)")


def test_mediapipe_without_matplotlib_then_matplotlib_on_demand():
    code = textwrap.dedent("""
        import sys
        from capture_station.imaging.mediapipe_import import import_mediapipe_lean
        import_mediapipe_lean()
        assert "mediapipe" in sys.modules
        assert "matplotlib" not in sys.modules and "sounddevice" not in sys.modules
        import numpy as np
        import mediapipe as mp
        with mp.solutions.face_mesh.FaceMesh(static_image_mode=True) as fm:
            fm.process(np.zeros((64, 64, 3), np.uint8))  # the graphs run
        assert "matplotlib" not in sys.modules
        from mediapipe.python.solutions import drawing_utils
        fig = drawing_utils.plt.figure  # first use loads the real pyplot
        import matplotlib.pyplot as plt
        assert fig is plt.figure and hasattr(sys.modules["matplotlib"], "__path__")
        print("ok")
    """)
    env_code = "import os; os.environ['MPLBACKEND'] = 'Agg'\n" + code
    r = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().endswith("ok")
