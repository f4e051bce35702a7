"""Shared test setup: headless Qt, a quiet MediaPipe, and real-photo fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# the command line speaks the locale's language; the tests read English unless they ask
os.environ.setdefault("CAPTURE_STATION_LANG", "en")

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402

import imagery  # noqa: E402


@pytest.fixture(scope="session")
def standard():
    from capture_station.standard import load_standard

    return load_standard()


@pytest.fixture(scope="session")
def pipeline(standard):
    from capture_station.photo.pipeline import Pipeline

    return Pipeline(standard)


@pytest.fixture(scope="session")
def hopper_shot() -> bytes:
    return imagery.jpeg_bytes(imagery.station_shot_hopper(), quality=92)


@pytest.fixture(scope="session")
def astronaut_shot() -> bytes:
    return imagery.jpeg_bytes(imagery.station_shot_astronaut(), quality=92)


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory, hopper_shot, astronaut_shot) -> Path:
    d = tmp_path_factory.mktemp("shots")
    (d / "hopper.jpg").write_bytes(hopper_shot)
    (d / "astronaut.jpg").write_bytes(astronaut_shot)
    raw = imagery.grace_hopper()
    (d / "hopper_raw.jpg").write_bytes(imagery.jpeg_bytes(raw))
    return d


def pytest_collection_modifyitems(items) -> None:
    """Mark the tests that need the window (``-m "not gui"`` leaves them out: the ARM64 run,
    where PySide6 has no wheel for the offices' glibc)."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()) or "gui" in Path(str(item.fspath)).name:
            item.add_marker(pytest.mark.gui)
