"""Where the station finds its shipped assets and keeps its data.

Assets sit in the repository's top-level ``assets/`` folder; a frozen build puts them next to
the executable (``sys._MEIPASS``). Data goes to ``--data-dir``, ``CAPTURE_STATION_DATA`` or the
per-user data folder, in that order.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_DATA_DIR = "CAPTURE_STATION_DATA"


def assets_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("capture-station", appauthor=False))
