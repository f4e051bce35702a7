"""The check engine: one set of named checks, run live on frames and again on the final file.

Each check has a stable dotted id (scripts and reports rely on it), reads its limits from the
standard file, and returns a measured value, a status (pass / warn / fail / undetermined), a
message in Chinese and English, and an operator hint. A check that cannot measure reliably
returns ``undetermined``; it never guesses a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from capture_station.imaging.crop_solver import CropSolution
from capture_station.imaging.face_analysis import Analysis
from capture_station.imaging.jpeg_info import JpegInfo
from capture_station.standard import CheckLimits, Standard


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNDETERMINED = "undetermined"


# Severity order for summaries: a fail outranks a warn outranks undetermined outranks pass.
_RANK = {Status.FAIL: 3, Status.WARN: 2, Status.UNDETERMINED: 1, Status.PASS: 0}


class Mode(StrEnum):
    LIVE = "live"  # a live frame, geometry predicted through the crop solver
    RAW = "raw"  # a full-resolution shot before cropping (same as live, plus the crop rules)
    FINAL = "final"  # the encoded 480x640 file


# Where a check runs (the ``modes`` of :func:`check`).
ALL = (Mode.LIVE, Mode.RAW, Mode.FINAL)
STILL = (Mode.RAW, Mode.FINAL)  # shots and files, not live frames (frame budget)
SHOT = (Mode.LIVE, Mode.RAW)  # before cropping: crop rules
FINAL = (Mode.FINAL,)  # the file itself


@dataclass
class CheckResult:
    id: str
    status: Status
    value: Any
    limits: dict[str, Any]
    message_zh: str
    message_en: str
    hint_zh: str = ""
    hint_en: str = ""
    clause: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (Status.PASS, Status.WARN)

    def message(self, lang: str = "zh_CN") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def hint(self, lang: str = "zh_CN") -> str:
        return self.hint_en if lang.startswith("en") else self.hint_zh

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        v = self.value
        if isinstance(v, float):
            v = round(v, 3)
        elif isinstance(v, np.generic):
            v = v.item()
        return {
            "id": self.id,
            "status": self.status.value,
            "value": v,
            "limits": self.limits,
            "message": self.message(lang),
            "hint": self.hint(lang),
            "clause": self.clause,
        }


@dataclass
class Geometry:
    """Positions in the 480x640 result: measured on a final file or predicted by the solver."""

    crown: float | None
    eyes: float | None
    face_width: float | None
    centre: float | None
    crown_clipped: bool = False


@dataclass
class CheckContext:
    standard: Standard
    mode: Mode
    rgb: np.ndarray | None = None  # the pixels analysed (final 480x640, or the frame)
    analysis: Analysis | None = None
    crop: CropSolution | None = None
    geometry: Geometry | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    jpeg: JpegInfo | None = None
    capture_date: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)  # shared intermediate results


CheckFn = Callable[[CheckContext, CheckLimits], CheckResult]


@dataclass(frozen=True)
class CheckDef:
    id: str
    modes: frozenset[Mode]
    fn: CheckFn
    label_zh: str
    label_en: str


_REGISTRY: dict[str, CheckDef] = {}


def check(id: str, modes: Iterable[Mode], label_zh: str, label_en: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id."""

    def deco(fn: CheckFn) -> CheckFn:
        if id in _REGISTRY:
            raise ValueError(f"check {id!r} registered twice")
        _REGISTRY[id] = CheckDef(id, frozenset(modes), fn, label_zh, label_en)
        return fn

    return deco


_ORDERED: dict[str, CheckDef] = {}


def registry() -> dict[str, CheckDef]:
    """Every check, in one order whatever imported the families first: by family in
    :data:`CHECK_MODULES`, then as defined in the family. A report, a JSON row and a worker
    process list the checks the same way."""
    _load_builtin_checks()
    if len(_ORDERED) != len(_REGISTRY):
        rank = {m: i for i, m in enumerate(CHECK_MODULES)}
        ordered = sorted(_REGISTRY.items(), key=lambda kv: rank.get(kv[1].fn.__module__, len(rank)))
        _ORDERED.clear()
        _ORDERED.update(ordered)
    return dict(_ORDERED)


# Modules whose import registers checks; a new family of checks is a new module in this list.
CHECK_MODULES = (
    "capture_station.checks.file_checks",
    "capture_station.checks.geometry_checks",
    "capture_station.checks.background_checks",
    "capture_station.checks.lighting_checks",
    "capture_station.checks.pose_checks",
    "capture_station.checks.appearance_checks",
)


def _load_builtin_checks() -> None:
    import importlib

    for name in CHECK_MODULES:
        importlib.import_module(name)


def result(
    ctx: CheckContext,
    lim: CheckLimits,
    status: Status,
    value: Any,
    zh: str,
    en: str,
    hint_zh: str = "",
    hint_en: str = "",
    limits: dict[str, Any] | None = None,
) -> CheckResult:
    return CheckResult(
        id=lim.id,
        status=status,
        value=value,
        limits=limits if limits is not None else lim.as_dict(),
        message_zh=zh,
        message_en=en,
        hint_zh=hint_zh,
        hint_en=hint_en,
        clause=lim.clause,
    )


@dataclass(frozen=True)
class NoFace:
    """What a check family reports when there is no face (or too small a one) to measure.

    One shape for every family; the words differ: geometry fails (a photo without a face cannot
    be placed), the others are undetermined and go to the operator's checklist."""

    status: Status
    zh: str
    en: str
    hint_zh: str
    hint_en: str

    def __call__(self, ctx: CheckContext, lim: CheckLimits) -> CheckResult:
        return result(ctx, lim, self.status, None, self.zh, self.en, self.hint_zh, self.hint_en)


def band_status(value: float, lim: CheckLimits) -> Status:
    lo = -np.inf if lim.min is None else float(lim.min)
    hi = np.inf if lim.max is None else float(lim.max)
    if value < lo or value > hi:
        return Status.FAIL
    if lim.warn_margin and (value - lo < lim.warn_margin or hi - value < lim.warn_margin):
        return Status.WARN
    return Status.PASS


def run_checks(ctx: CheckContext, ids: Iterable[str] | None = None) -> list[CheckResult]:
    """Run every registered check that applies to the context's mode (or the given ids)."""
    reg = registry()
    wanted = list(ids) if ids is not None else [k for k, d in reg.items() if ctx.mode in d.modes]
    out: list[CheckResult] = []
    for cid in wanted:
        d = reg[cid]
        if ctx.mode not in d.modes:
            continue
        lim = ctx.standard.checks.get(cid) or CheckLimits(id=cid, clause="", rationale="")
        try:
            out.append(d.fn(ctx, lim))
        except Exception as e:  # noqa: BLE001 - a broken measurement must not hide the others
            out.append(
                result(
                    ctx, lim, Status.UNDETERMINED, None,
                    f"无法测量（{type(e).__name__}）", f"could not be measured ({type(e).__name__}: {e})",
                    "请人工核对", "check by eye",
                )
            )
    return out


def worst(results: Iterable[CheckResult]) -> Status:
    best = Status.PASS
    for r in results:
        if _RANK[r.status] > _RANK[best]:
            best = r.status
    return best


def is_compliant(results: Iterable[CheckResult]) -> bool:
    """Compliant when no check fails. Undetermined items go to the operator checklist."""
    return all(r.status != Status.FAIL for r in results)


# Failures whose hint comes before the others: one person in the picture, then the framing
# (a crop that does not fit makes the band checks fail too; its hint says how to reframe).
HINT_FIRST = ("face.count", "geometry.crop_fits")


def top_hints(results: Iterable[CheckResult], lang: str = "zh_CN", n: int = 3, *,
              include_warn: bool = False) -> list[str]:
    """The hints of the faults, most telling first, without repeats.

    A fault is a failing check. A warning is a value inside its limit (near the edge): it is
    listed only with ``include_warn`` and after every fault, never as a fault itself.
    """
    items = list(results)
    first = {cid: i for i, cid in enumerate(HINT_FIRST)}
    wanted = (Status.FAIL, Status.WARN) if include_warn else (Status.FAIL,)
    ordered = sorted(
        (r for r in items if r.status in wanted),
        key=lambda r: (-_RANK[r.status], first.get(r.id, len(first))),
    )
    hints: list[str] = []
    for r in ordered:
        h = r.hint(lang) or r.message(lang)
        if h and h not in hints:
            hints.append(h)
        if len(hints) >= n:
            break
    return hints
