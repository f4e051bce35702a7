"""The calibration reference data: limits of every calibration item, read from one TOML file.

The numbers live in ``calibration/reference.toml`` at the top of the repository (next to the
procedure that uses them, see ``calibration/README.md``); an installed package carries a copy and
a frozen build the folder next to ``assets/`` (:mod:`capture_station.paths` finds it). Only the white the backdrop is compared with comes from the photo standard
itself (``[background] reference_rgb``), so it is not repeated here.

A broken or incomplete reference is a :class:`ReferenceError` (a ``StandardError``), which the
command line reports in one line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from capture_station.checks.engine import Status
from capture_station.paths import calibration_dir
from capture_station.standard import StandardError

REFERENCE_FILE = "reference.toml"

# Every item the code grades; the reference must give limits for each.
BACKDROP_ITEMS = (
    "backdrop.exposure.level",
    "backdrop.exposure.clipping",
    "backdrop.evenness.spread",
    "backdrop.evenness.left_right",
    "backdrop.evenness.top_bottom",
    "backdrop.evenness.vignette",
    "backdrop.shadow.blobs",
    "backdrop.colour.cast",
    "backdrop.colour.temperature",
)
SUBJECT_ITEMS = (
    "subject.face.balance",
    "subject.face.exposure",
    "subject.face.highlights",
    "subject.shadow",
)
DRIFT_ITEMS = ("drift.level", "drift.balance", "drift.cast")
ALL_ITEMS = BACKDROP_ITEMS + SUBJECT_ITEMS + DRIFT_ITEMS


class ReferenceError(StandardError):
    """The calibration reference file is missing, unreadable or incomplete."""


@dataclass(frozen=True)
class ItemLimits:
    """Limits of one calibration item, with the clause it serves and why."""

    id: str
    clause: str
    name_zh: str
    name_en: str
    unit: str
    rationale: str
    warn: float | None = None
    fail: float | None = None
    pass_range: tuple[float, float] | None = None
    warn_range: tuple[float, float] | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str = "zh_CN") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh

    def grade(self, value: float | None) -> Status:
        """pass / warn / fail for ``value`` (``undetermined`` for None)."""
        if value is None:
            return Status.UNDETERMINED
        if self.pass_range is not None:
            lo, hi = self.pass_range
            if lo <= value <= hi:
                return Status.PASS
            wr = self.warn_range or self.pass_range
            return Status.WARN if wr[0] <= value <= wr[1] else Status.FAIL
        if self.fail is not None and value >= self.fail:
            return Status.FAIL
        if self.warn is not None and value >= self.warn:
            return Status.WARN
        return Status.PASS

    def grade_range(self, value: float, pass_range: tuple[float, float],
                    warn_range: tuple[float, float]) -> Status:
        lo, hi = pass_range
        if lo <= value <= hi:
            return Status.PASS
        return Status.WARN if warn_range[0] <= value <= warn_range[1] else Status.FAIL

    def limits(self) -> dict[str, Any]:
        d: dict[str, Any] = {"clause": self.clause, "unit": self.unit}
        if self.warn is not None:
            d["warn"] = self.warn
        if self.fail is not None:
            d["fail"] = self.fail
        if self.pass_range is not None:
            d["pass"] = list(self.pass_range)
        if self.warn_range is not None:
            d["warn_range"] = list(self.warn_range)
        return d

    def param(self, key: str) -> Any:
        try:
            return self.params[key]
        except KeyError:
            raise ReferenceError(f"calibration reference: [{self.id}] has no {key!r}") from None


@dataclass(frozen=True)
class Setup:
    """三.2: the recommended light setup."""

    clause: str
    lights: int
    angle_deg: float
    distance_min_m: float
    distance_max_m: float
    cct_min_k: float
    cct_max_k: float

    @property
    def distance_mid_m(self) -> float:
        return (self.distance_min_m + self.distance_max_m) / 2


@dataclass(frozen=True)
class Reference:
    path: Path
    version: int
    cells_long: int
    cells_short: int
    analysis_size: int
    setup: Setup
    items: dict[str, ItemLimits]
    drift_patch: tuple[float, float, float, float]
    drift_min_visible: float
    wb_auto: tuple[str, ...]
    wb_custom: tuple[str, ...]
    wb_presets: dict[str, float]

    def item(self, item_id: str) -> ItemLimits:
        try:
            return self.items[item_id]
        except KeyError:
            raise ReferenceError(f"calibration reference has no item {item_id!r}") from None

    def grid(self, width: int, height: int) -> tuple[int, int]:
        """(columns, rows) for a frame: the long side gets ``cells_long`` cells."""
        if width >= height:
            return self.cells_long, self.cells_short
        return self.cells_short, self.cells_long


def reference_dir() -> Path:
    """The folder of ``reference.toml``: the top-level ``calibration/`` of a checkout, its copy in
    an installed package, or the frozen build's (see :func:`capture_station.paths.calibration_dir`)."""
    return calibration_dir()


def default_reference_path() -> Path:
    return reference_dir() / REFERENCE_FILE


def _pair(v: Any, where: str) -> tuple[float, float]:
    if not (isinstance(v, list) and len(v) == 2):
        raise ReferenceError(f"calibration reference: {where} must be [low, high]")
    lo, hi = float(v[0]), float(v[1])
    if lo > hi:
        raise ReferenceError(f"calibration reference: {where} has low > high")
    return lo, hi


def parse_reference(data: dict[str, Any], path: Path) -> Reference:
    try:
        grid = data["grid"]
        s = data["setup"]
        setup = Setup(
            clause=str(s.get("clause", "")),
            lights=int(s["lights"]),
            angle_deg=float(s["angle_deg"]),
            distance_min_m=float(s["distance_min_m"]),
            distance_max_m=float(s["distance_max_m"]),
            cct_min_k=float(s["cct_min_k"]),
            cct_max_k=float(s["cct_max_k"]),
        )
        items: dict[str, ItemLimits] = {}
        known = {"clause", "name_zh", "name_en", "unit", "rationale", "warn", "fail",
                 "pass_range", "warn_range"}
        for iid, t in data.get("items", {}).items():
            items[iid] = ItemLimits(
                id=iid,
                clause=str(t.get("clause", "")),
                name_zh=str(t.get("name_zh", iid)),
                name_en=str(t.get("name_en", iid)),
                unit=str(t.get("unit", "")),
                rationale=str(t.get("rationale", "")),
                warn=None if t.get("warn") is None else float(t["warn"]),
                fail=None if t.get("fail") is None else float(t["fail"]),
                pass_range=_pair(t["pass_range"], f"{iid}.pass_range") if "pass_range" in t else None,
                warn_range=_pair(t["warn_range"], f"{iid}.warn_range") if "warn_range" in t else None,
                params={k: v for k, v in t.items() if k not in known},
            )
        drift = data["drift"]
        patch = tuple(float(v) for v in drift["patch"])
        wb = data.get("white_balance", {})
        ref = Reference(
            path=path,
            version=int(data.get("reference", {}).get("version", 1)),
            cells_long=int(grid["cells_long"]),
            cells_short=int(grid["cells_short"]),
            analysis_size=int(grid["analysis_size"]),
            setup=setup,
            items=items,
            drift_patch=(patch[0], patch[1], patch[2], patch[3]),
            drift_min_visible=float(drift.get("min_visible", 0.3)),
            wb_auto=tuple(str(v).lower() for v in wb.get("auto", [])),
            wb_custom=tuple(str(v).lower() for v in wb.get("custom", [])),
            wb_presets={str(k).lower(): float(v) for k, v in wb.get("presets", {}).items()},
        )
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ReferenceError(f"calibration reference {path}: missing or bad value ({e})") from None
    missing = [i for i in ALL_ITEMS if i not in ref.items]
    if missing:
        raise ReferenceError(f"calibration reference {path}: no limits for {', '.join(missing)}")
    for it in ref.items.values():
        if it.warn is not None and it.fail is not None and it.warn > it.fail:
            raise ReferenceError(f"calibration reference: {it.id} has warn > fail")
    if not (2 <= ref.cells_short <= ref.cells_long <= 32 and ref.analysis_size >= 64):
        raise ReferenceError("calibration reference: [grid] needs 2 <= cells_short <= cells_long <= 32")
    return ref


@lru_cache(maxsize=4)
def load_reference(path: str | Path | None = None) -> Reference:
    """Read the calibration reference (default: ``calibration/reference.toml``)."""
    p = Path(path) if path is not None else default_reference_path()
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ReferenceError(f"calibration reference not found: {p}") from None
    except OSError as e:
        raise ReferenceError(f"cannot read the calibration reference {p}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ReferenceError(f"calibration reference {p} is not valid TOML: {e}") from None
    return parse_reference(data, p)
