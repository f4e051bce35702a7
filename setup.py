"""Build step: the data the station reads at run time goes into the package.

The repository keeps that data where people look for it (``assets/``: standards, offices,
translations, icon; ``calibration/reference.toml``; ``packaging/system-packages.txt``), outside
the ``capture_station`` package. A wheel must carry it all the same, so ``build_py`` copies it
into ``capture_station/_data/`` of the build, where :mod:`capture_station.paths` finds it with
``importlib.resources``. An editable install (``make venv``) skips the copy and reads the
top-level folders themselves, so an edited standard file takes effect without reinstalling.

Everything else about the project is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# (folder or file in the repository, its place under capture_station/_data, names left out)
DATA = [
    ("assets", "assets", ("*.ts",)),  # the .ts sources of the translations: the .qm is read
    ("calibration/reference.toml", "calibration/reference.toml", ()),
    ("packaging/system-packages.txt", "system-packages.txt", ()),
]


class BuildPyWithData(build_py):
    """``build_py`` that also places the run-time data in the package (not when editable)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "capture_station" / "_data"
        if target.exists():
            shutil.rmtree(target)
        for src, dest, leave_out in DATA:
            s, d = ROOT / src, target / dest
            d.parent.mkdir(parents=True, exist_ok=True)
            if s.is_dir():
                shutil.copytree(s, d, ignore=shutil.ignore_patterns(*leave_out))
            else:
                shutil.copy2(s, d)


setup(cmdclass={"build_py": BuildPyWithData})
