"""Lighting calibration of a capture station (core, no Qt).

Why: the standard's backdrop and lighting rules (二.1 white, uniform, no gradient, no shadow;
三.1 even light, no hot spots; 三.2 two 5500-5600 K lights at 45 degrees, 1.5-2 m, shoulder
height) are properties of the *station*, not of one photo. Checking them once each morning,
with figures and a concrete fix for each fault, is cheaper than refusing photos all day. The
procedure is in ``calibration/README.md``; the limits in ``calibration/reference.toml``.

Two steps:

1. the empty backdrop (:mod:`.backdrop`): lightness per cell, gradients, hot spot, shadows and
   marks, colour cast and the lights' colour temperature;
2. a person or a grey card at the subject position (:mod:`.subject`): face balance, exposure,
   highlights, the subject's shadow on the backdrop.

:func:`calibrate` runs both and grades every item; :mod:`.report` draws the heat map and the
printable report; :mod:`.profile` keeps the result as the station's calibration profile and
compares live frames with it (:func:`drift`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from capture_station.calibration.backdrop import (
    BackdropMeasurement,
    BackdropStats,
    backdrop_items,
    backdrop_stats,
    measure_backdrop,
)
from capture_station.calibration.items import CalibrationItem, overall_status
from capture_station.calibration.profile import (
    CalibrationProfile,
    DriftResult,
    age,
    drift,
    is_due,
    load_latest,
    save_profile,
    summary,
)
from capture_station.calibration.reference import Reference, ReferenceError, load_reference
from capture_station.calibration.subject import SubjectMeasurement, measure_subject, subject_items
from capture_station.calibration.white_balance import WhiteBalance, parse_white_balance
from capture_station.checks.engine import Status
from capture_station.standard import Standard, load_standard

if TYPE_CHECKING:
    from capture_station.imaging.face_analysis import FaceAnalyzer

__all__ = [
    "BackdropMeasurement",
    "BackdropStats",
    "CalibrationItem",
    "CalibrationProfile",
    "CalibrationResult",
    "DriftResult",
    "Reference",
    "ReferenceError",
    "Status",
    "SubjectMeasurement",
    "WhiteBalance",
    "age",
    "backdrop_stats",
    "calibrate",
    "drift",
    "is_due",
    "load_latest",
    "load_reference",
    "overall_status",
    "save_profile",
    "summary",
]


@dataclass
class CalibrationResult:
    """Everything one calibration found, graded."""

    items: list[CalibrationItem]
    backdrop: BackdropMeasurement
    subject: SubjectMeasurement | None
    white_balance: WhiteBalance
    standard_id: str
    reference_version: int
    created_at: dt.datetime
    office: str = ""
    station: str = ""
    camera: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return overall_status(self.items)

    @property
    def passed(self) -> bool:
        """No item failed (warnings allowed)."""
        return self.status != Status.FAIL

    @property
    def complete(self) -> bool:
        """Both steps were done."""
        return self.subject is not None

    def item(self, item_id: str) -> CalibrationItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def by_status(self, status: Status) -> list[CalibrationItem]:
        return [i for i in self.items if i.status == status]

    def hints(self, lang: str = "zh_CN") -> list[str]:
        """The hints of failed items first, then of warnings."""
        out = [i.hint(lang) for i in self.by_status(Status.FAIL) if i.hint(lang)]
        out += [i.hint(lang) for i in self.by_status(Status.WARN) if i.hint(lang)]
        return out

    def _head(self) -> dict[str, Any]:
        """The fields both forms share, in their order."""
        return {
            "status": self.status.value,
            "passed": self.passed,
            "complete": self.complete,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "office": self.office,
            "station": self.station,
            "camera": self.camera,
            "standard": self.standard_id,
        }

    def _measured(self) -> dict[str, Any]:
        return {
            "backdrop": self.backdrop.to_dict(),
            "subject": None if self.subject is None else self.subject.to_dict(),
        }

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """One language (command line ``--json``)."""
        return {
            **self._head(),
            "white_balance": self.white_balance.to_dict(),
            "items": [i.as_json(lang) for i in self.items],
            "hints": self.hints(lang),
            **self._measured(),
            **self.extra,
        }

    def to_dict(self) -> dict[str, Any]:
        """Both languages (the stored profile)."""
        return {
            **self._head(),
            "reference_version": self.reference_version,
            "white_balance": self.white_balance.to_dict(),
            "items": [i.to_dict() for i in self.items],
            **self._measured(),
            "drift_reference": self.backdrop.stats.to_dict(),
        }


def calibrate(
    backdrop_rgb: np.ndarray,
    subject_rgb: np.ndarray | None = None,
    *,
    standard: Standard | None = None,
    white_balance: str | WhiteBalance | None = None,
    reference: Reference | None = None,
    analyzer: FaceAnalyzer | None = None,
    office: str = "",
    station: str = "",
    camera: str = "",
    now: dt.datetime | None = None,
) -> CalibrationResult:
    """Measure and grade the station's lighting.

    ``backdrop_rgb``: the empty backdrop, framed as for a candidate (HxWx3 uint8 RGB);
    ``subject_rgb``: optionally the same framing with a person or grey card seated;
    ``white_balance``: the camera's white-balance setting (``"Auto"``, ``"Daylight"``,
    ``"5500K"``...) or None when unknown. Raises ValueError for an unusable image.
    """
    std = standard or load_standard()
    ref = reference or load_reference()
    wb = white_balance if isinstance(white_balance, WhiteBalance) else parse_white_balance(
        white_balance, ref, source="operator" if white_balance else "")
    m = measure_backdrop(backdrop_rgb, standard=std, reference=ref)
    items = backdrop_items(m, wb, ref)
    sm: SubjectMeasurement | None = None
    if subject_rgb is not None:
        sm = measure_subject(subject_rgb, backdrop=m, reference=ref, analyzer=analyzer)
        items += subject_items(sm, ref)
    return CalibrationResult(
        items=items,
        backdrop=m,
        subject=sm,
        white_balance=wb,
        standard_id=std.id,
        reference_version=ref.version,
        created_at=(now or dt.datetime.now()).astimezone(),
        office=office,
        station=station,
        camera=camera,
    )

