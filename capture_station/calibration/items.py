"""One graded calibration item: what was measured, how it compares, and what to do about it.

Items use the same statuses as the photo checks (pass / warn / fail / undetermined) so the
window can colour both the same way. Every item carries its message and its hint in Chinese and
English; the stored profile keeps both, the command line and the window pick one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from capture_station.calibration.reference import ItemLimits
from capture_station.checks.engine import Status

_RANK = {Status.FAIL: 3, Status.WARN: 2, Status.UNDETERMINED: 1, Status.PASS: 0}


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status (pass when there is none)."""
    out = Status.PASS
    for s in statuses:
        if _RANK[s] > _RANK[out]:
            out = s
    return out


def overall_status(items: Iterable[CalibrationItem]) -> Status:
    """fail if any item fails, warn if any warns, else pass. Undetermined items do not fail a
    calibration: they say what could not be measured and how to measure it."""
    return worst(i.status for i in items if i.status != Status.UNDETERMINED)


@dataclass
class CalibrationItem:
    id: str
    status: Status
    value: float | None
    unit: str
    name_zh: str
    name_en: str
    message_zh: str
    message_en: str
    hint_zh: str = ""
    hint_en: str = ""
    clause: str = ""
    limits: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        """``backdrop.evenness.left_right`` -> ``backdrop.evenness`` (a fault shows in one family)."""
        parts = self.id.split(".")
        return ".".join(parts[:2])

    def name(self, lang: str = "zh_CN") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh

    def message(self, lang: str = "zh_CN") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def hint(self, lang: str = "zh_CN") -> str:
        return self.hint_en if lang.startswith("en") else self.hint_zh

    def value_text(self) -> str:
        """The value with its unit, as shown in tables ("14.2 %", "5480 K", "—")."""
        if self.value is None:
            return "—"
        v = self.value
        if self.unit == "K":
            return f"{v:.0f} K"
        if self.unit == "%":
            return f"{v:.1f} %"
        return f"{v:.1f} {self.unit}".strip()

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """One language, shaped like the photo checks' JSON."""
        return {
            "id": self.id,
            "name": self.name(lang),
            "status": self.status.value,
            "value": None if self.value is None else round(float(self.value), 2),
            "unit": self.unit,
            "limits": self.limits,
            "message": self.message(lang),
            "hint": self.hint(lang),
            "clause": self.clause,
            "detail": self.detail,
        }

    def to_dict(self) -> dict[str, Any]:
        """Both languages (the stored profile)."""
        return {
            "id": self.id,
            "status": self.status.value,
            "value": None if self.value is None else round(float(self.value), 3),
            "unit": self.unit,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
            "clause": self.clause,
            "limits": self.limits,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CalibrationItem:
        return cls(
            id=str(d["id"]),
            status=Status(str(d["status"])),
            value=None if d.get("value") is None else float(d["value"]),
            unit=str(d.get("unit", "")),
            name_zh=str(d.get("name_zh", d["id"])),
            name_en=str(d.get("name_en", d["id"])),
            message_zh=str(d.get("message_zh", "")),
            message_en=str(d.get("message_en", "")),
            hint_zh=str(d.get("hint_zh", "")),
            hint_en=str(d.get("hint_en", "")),
            clause=str(d.get("clause", "")),
            limits=dict(d.get("limits", {})),
            detail=dict(d.get("detail", {})),
        )


def make_item(
    lim: ItemLimits,
    value: float | None,
    message_zh: str,
    message_en: str,
    *,
    status: Status | None = None,
    ok_hint: tuple[str, str] = ("", ""),
    bad_hint: tuple[str, str] = ("", ""),
    detail: dict[str, Any] | None = None,
) -> CalibrationItem:
    """An item graded by its limits (or with ``status`` forced); the hint is ``bad_hint`` for
    warn/fail/undetermined, ``ok_hint`` for a pass."""
    st = status if status is not None else lim.grade(value)
    hint = ok_hint if st == Status.PASS else bad_hint
    return CalibrationItem(
        id=lim.id,
        status=st,
        value=value,
        unit=lim.unit,
        name_zh=lim.name_zh,
        name_en=lim.name_en,
        message_zh=message_zh,
        message_en=message_en,
        hint_zh=hint[0],
        hint_en=hint[1],
        clause=lim.clause,
        limits=lim.limits(),
        detail=detail or {},
    )
