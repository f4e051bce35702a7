"""Where the station finds its shipped data and keeps its data.

Shipped data (the standards, offices, translations and icon of ``assets/``, the calibration
reference, the list of system packages) is looked up, in this order:

1. a frozen build: next to the executable (``sys._MEIPASS``);
2. an installed wheel: ``capture_station/_data`` inside the package, read through
   ``importlib.resources`` (the build step in ``setup.py`` places it there), so the package
   works from any folder without the source tree;
3. a source checkout (an editable install): the repository's top-level folders themselves.

Data goes to ``--data-dir``, ``CAPTURE_STATION_DATA`` or the per-user data folder, in that order.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

ENV_DATA_DIR = "CAPTURE_STATION_DATA"
_CHECKOUT = Path(__file__).resolve().parent.parent


def _installed_data() -> Path | None:
    """``capture_station/_data`` of an installed wheel, or None (checkout, editable install)."""
    root = resources.files("capture_station").joinpath("_data")
    return root if isinstance(root, Path) and root.is_dir() else None


def _shipped(frozen_name: str, installed_name: str, checkout_name: str) -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / frozen_name
    data = _installed_data()
    if data is not None:
        return data / installed_name
    return _CHECKOUT / checkout_name


def assets_dir() -> Path:
    """The ``assets/`` folder: standards, offices, translations, icon."""
    return _shipped("assets", "assets", "assets")


def calibration_dir() -> Path:
    """The folder of ``reference.toml`` (the top-level ``calibration/`` in a checkout)."""
    return _shipped("calibration", "calibration", "calibration")


def system_packages_file() -> Path | None:
    """The list of Debian packages the station needs (``packaging/system-packages.txt``), or
    None where it is not shipped (a frozen build: its .deb depends on them instead)."""
    p = _shipped("system-packages.txt", "system-packages.txt", "packaging/system-packages.txt")
    return p if p.is_file() else None


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("capture-station", appauthor=False))
