"""capture-station: photo capture for the self-study examination graduation e-registration.

The package root holds only the version; the core modules import no Qt, the GUI lives in
``capture_station.gui``.
"""

from __future__ import annotations

__version__ = "0.1.0"
