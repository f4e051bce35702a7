"""The photo standard as data.

Every number the station enforces is read from a TOML file in ``assets/standards``; nothing in
the code repeats them. A second standard (another province, another backdrop colour) is a
second file with the same keys.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from capture_station.paths import assets_dir

DEFAULT_STANDARD = "xinjiang-zikao"


class StandardError(ValueError):
    """The standard file is missing a key or holds an impossible value."""


@dataclass(frozen=True)
class CheckLimits:
    """Limits of one check with the clause they enforce and why."""

    id: str
    clause: str
    rationale: str
    min: float | None = None
    max: float | None = None
    warn_margin: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"clause": self.clause}
        if self.min is not None:
            d["min"] = self.min
        if self.max is not None:
            d["max"] = self.max
        return d


@dataclass(frozen=True)
class FileSpec:
    width: int
    height: int
    dpi: int
    bits_per_pixel: int
    min_quality: int
    min_bytes: int
    max_bytes: int
    extensions: tuple[str, ...]
    write_extension: str
    clause: str


@dataclass(frozen=True)
class GeometrySpec:
    crown_min: float
    crown_max: float
    eyes_min: float
    eyes_max: float
    face_width_min: float
    face_width_max: float
    centre_tolerance: float
    max_upscale: float
    clause: str


@dataclass(frozen=True)
class Standard:
    id: str
    name_zh: str
    name_en: str
    source: str
    file: FileSpec
    geometry: GeometrySpec
    background_rgb: tuple[int, int, int]
    admission_pattern: str
    allow_resident_id: bool
    checks: dict[str, CheckLimits]
    path: Path

    def limits(self, check_id: str) -> CheckLimits:
        try:
            return self.checks[check_id]
        except KeyError:
            raise StandardError(f"standard {self.id!r} has no limits for check {check_id!r}") from None


def _need(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise StandardError(f"{where}: missing key {key!r}")
    return table[key]


def parse_standard(data: dict[str, Any], path: Path) -> Standard:
    std = _need(data, "standard", "top level")
    f = _need(data, "file", "top level")
    g = _need(data, "geometry", "top level")
    bg = _need(data, "background", "top level")
    cid = _need(data, "candidate_id", "top level")
    file_spec = FileSpec(
        width=int(_need(f, "width", "[file]")),
        height=int(_need(f, "height", "[file]")),
        dpi=int(_need(f, "dpi", "[file]")),
        bits_per_pixel=int(_need(f, "bits_per_pixel", "[file]")),
        min_quality=int(_need(f, "min_quality", "[file]")),
        min_bytes=int(_need(f, "min_bytes", "[file]")),
        max_bytes=int(_need(f, "max_bytes", "[file]")),
        extensions=tuple(str(e).lower().lstrip(".") for e in _need(f, "extensions", "[file]")),
        write_extension=str(f.get("write_extension", ".jpg")),
        clause=str(f.get("clause", "")),
    )
    if not (0 < file_spec.min_bytes < file_spec.max_bytes):
        raise StandardError("[file]: need 0 < min_bytes < max_bytes")
    geo = GeometrySpec(
        **{
            k: float(_need(g, k, "[geometry]"))
            for k in (
                "crown_min",
                "crown_max",
                "eyes_min",
                "eyes_max",
                "face_width_min",
                "face_width_max",
                "centre_tolerance",
                "max_upscale",
            )
        },
        clause=str(g.get("clause", "")),
    )
    if not (geo.crown_min < geo.crown_max <= geo.eyes_min < geo.eyes_max <= file_spec.height):
        raise StandardError("[geometry]: bands must be ordered crown < eyes inside the height")
    checks: dict[str, CheckLimits] = {}
    for cid_, c in data.get("checks", {}).items():
        known = {"clause", "rationale", "min", "max", "warn_margin"}
        checks[cid_] = CheckLimits(
            id=cid_,
            clause=str(c.get("clause", "")),
            rationale=str(c.get("rationale", "")),
            min=c.get("min"),
            max=c.get("max"),
            warn_margin=float(c.get("warn_margin", 0.0)),
            extra={k: v for k, v in c.items() if k not in known},
        )
    rgb = tuple(int(v) for v in _need(bg, "reference_rgb", "[background]"))
    if len(rgb) != 3:
        raise StandardError("[background]: reference_rgb needs three values")
    return Standard(
        id=str(_need(std, "id", "[standard]")),
        name_zh=str(std.get("name_zh", "")),
        name_en=str(std.get("name_en", "")),
        source=str(std.get("source", "")),
        file=file_spec,
        geometry=geo,
        background_rgb=(rgb[0], rgb[1], rgb[2]),
        admission_pattern=str(_need(cid, "admission_pattern", "[candidate_id]")),
        allow_resident_id=bool(cid.get("allow_resident_id", True)),
        checks=checks,
        path=path,
    )


def standards_dir() -> Path:
    return assets_dir() / "standards"


def available_standards() -> list[str]:
    return sorted(p.stem for p in standards_dir().glob("*.toml"))


@lru_cache(maxsize=8)
def load_standard(name_or_path: str = DEFAULT_STANDARD) -> Standard:
    """Load a standard by name (a file in ``assets/standards``) or by path."""
    p = Path(name_or_path)
    if p.suffix != ".toml":
        p = standards_dir() / f"{name_or_path}.toml"
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise StandardError(f"standard file not found: {p}") from None
    except tomllib.TOMLDecodeError as e:
        raise StandardError(f"standard file {p} is not valid TOML: {e}") from None
    return parse_standard(data, p)
