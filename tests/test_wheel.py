"""The package as a user installs it: a wheel, installed into a fresh virtual environment, works
from any folder without the source tree.

The wheel is built from this checkout (``pip wheel``, no network: the build backend is in the
test extras), installed with ``--no-deps`` into a new virtual environment that sees the
project's dependencies through a ``.pth`` line pointing at this environment's site-packages
(they are not installed again), and ``capture-station process`` runs there from a temporary
folder. The source tree is never on that interpreter's path: the standard, the offices, the
calibration reference and the translations must come out of the installed package.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIVE_LOG = re.compile(r"TensorFlow Lite|absl::|Feedback manager|XNNPACK|^[IWEF]\d{4} ", re.M)

pytestmark = pytest.mark.slow


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "CAPTURE_STATION_", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with only the built wheel installed (its bin folder)."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(dist)],
        capture_output=True, text=True, timeout=300, cwd=base,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = dist.glob("capture_station-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("capture_station/_data/assets/standards/xinjiang-zikao.toml",
                    "capture_station/_data/assets/offices.toml",
                    "capture_station/_data/assets/i18n/capture_station_en.qm",
                    "capture_station/_data/calibration/reference.toml",
                    "capture_station/_data/system-packages.txt"):
        assert shipped in names, shipped
    assert not any(n.endswith(".ts") for n in names)

    env_dir = base / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies, seen without installing them again. A plain path line: the editable
    # install's own .pth in that folder (which maps the source tree) is not processed.
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
         "-q", str(wheel)],
        capture_output=True, text=True, timeout=300, cwd=base, env=_clean_env(),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return env_dir / "bin"


def test_installed_package_reads_its_own_data(installed, tmp_path):
    code = ("import capture_station, capture_station.paths as p, os, sys; "
            "from capture_station.calibration.reference import default_reference_path; "
            "from capture_station.settings import load_offices; "
            "print(capture_station.__file__); print(p.assets_dir()); "
            "print(default_reference_path()); print(len(load_offices())); "
            f"print(any(os.path.realpath(s or '.') == {str(ROOT)!r} for s in sys.path))")
    r = subprocess.run([str(installed / "python"), "-c", code], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path, env=_clean_env())
    assert r.returncode == 0, r.stderr
    module, assets, reference, offices, source_on_path = r.stdout.split("\n")[:5]
    env_root = str(installed.parent)
    assert module.startswith(env_root) and assets.startswith(env_root), r.stdout
    assert reference.startswith(env_root) and Path(reference).is_file(), r.stdout
    assert int(offices) > 0
    assert source_on_path == "False"


def test_process_from_any_folder_with_only_the_wheel(installed, tmp_path, hopper_shot):
    shot = tmp_path / "shot.jpg"
    shot.write_bytes(hopper_shot)
    out = tmp_path / "out"
    work = tmp_path / "elsewhere"
    work.mkdir()
    r = subprocess.run(
        [str(installed / "capture-station"), "process", str(shot), "--id", "1234567890",
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=work,
        env=_clean_env(CAPTURE_STATION_DATA=str(tmp_path / "store"), LANG="C.UTF-8"),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    photo = out / "1234567890.jpg"
    assert photo.is_file() and 20_480 <= photo.stat().st_size <= 40_000
    assert r.stdout.startswith(f"saved {photo}")
    assert not NATIVE_LOG.search(r.stdout + r.stderr), r.stderr
    assert r.stderr == ""


def test_demo_scene_from_the_installed_package(installed, tmp_path):
    """The built-in demo scene (the window's demo camera) works without the source tree."""
    r = subprocess.run(
        [str(installed / "capture-station"), "capture", "--camera", "demo", "--id", "1234567890",
         "--out", str(tmp_path / "out"), "--json"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=_clean_env(CAPTURE_STATION_DATA=str(tmp_path / "store"), MPLBACKEND="Agg"),
    )
    assert r.returncode in (0, 1), r.stdout + r.stderr
    assert '"checks"' in r.stdout
    assert not NATIVE_LOG.search(r.stderr), r.stderr
