"""Compliance checks of the photo standard (core, no Qt). See :mod:`.engine`."""

from __future__ import annotations

from capture_station.checks.engine import (
    CheckContext,
    CheckResult,
    Geometry,
    Mode,
    Status,
    is_compliant,
    registry,
    run_checks,
    top_hints,
    worst,
)

__all__ = [
    "CheckContext",
    "CheckResult",
    "Geometry",
    "Mode",
    "Status",
    "is_compliant",
    "registry",
    "run_checks",
    "top_hints",
    "worst",
]
