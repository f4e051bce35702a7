"""The core (everything but capture_station.gui) imports and works with PySide6 absent.

The import contracts in pyproject.toml forbid Qt in the core statically; this runs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CORE_MODULES = [
    "capture_station.standard",
    "capture_station.records.candidate_id",
    "capture_station.imaging.image_source",
    "capture_station.imaging.face_analysis",
    "capture_station.imaging.crop_solver",
    "capture_station.imaging.encoder",
    "capture_station.imaging.jpeg_info",
    "capture_station.checks",
    "capture_station.records.store",
    "capture_station.records.roster",
    "capture_station.records.export",
    "capture_station.records.merge",
    "capture_station.records.filing",
    "capture_station.photo.pipeline",
    "capture_station.photo.verify_pool",
    "capture_station.calibration",
    "capture_station.settings",
    "capture_station.cli.main",
    "capture_station.cli.photo_commands",
    "capture_station.cli.record_commands",
    "capture_station.cli.calibrate_command",
]


def test_core_imports_with_pyside6_blocked():
    code = textwrap.dedent(
        f"""
        import importlib, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
                    raise ImportError("Qt is blocked in this test: " + name)
                return None
        sys.meta_path.insert(0, Block())
        for m in {CORE_MODULES!r}:
            importlib.import_module(m)
        try:
            importlib.import_module("capture_station.cameras")
        except ImportError as e:
            if "Qt is blocked" in str(e):
                raise
        from capture_station.checks import registry
        assert len(registry()) >= 10
        bad = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")]
        assert not bad, bad
        print("ok")
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("ok")
