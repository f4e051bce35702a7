"""``python -m capture_station`` runs the command line."""

from __future__ import annotations

import sys

from capture_station.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
