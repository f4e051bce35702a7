"""Station settings: one small, typed, versioned file per user.

The station remembers which examination office it belongs to, its own name, the operator, where
photos are saved, which camera to use, the interface language and a few behaviours. The file is
JSON in the per-user configuration folder (``CAPTURE_STATION_CONFIG`` points elsewhere, for tests
and for several stations on one account). It carries a ``schema_version``; older files are
brought up to date by the migrations below, values that do not fit their type fall back to the
default with a warning, and an unreadable file is kept aside (never silently overwritten) so the
operator's choices can be recovered.

Core module: no Qt. The GUI reads and writes settings through :func:`load_settings` and
:func:`save_settings` only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from capture_station.atomic_io import atomic_write, ensure_private_dir
from capture_station.paths import assets_dir, default_data_dir

_log = logging.getLogger(__name__)

ENV_CONFIG = "CAPTURE_STATION_CONFIG"
SETTINGS_FILE = "settings.json"
SCHEMA_VERSION = 3
EXPORT_FILE_KEYS = ("admission", "resident")  # what an exported photo is named by
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


class SettingsError(OSError):
    """The settings file cannot be written; ``str()`` says why."""


@dataclass
class Settings:
    """What the station remembers between runs (see the module docstring)."""

    office: str = ""  # code of the examination office (assets/offices.toml), "" = not chosen
    station_name: str = ""
    operator: str = ""
    data_dir: str = ""  # "" = the default data folder (CAPTURE_STATION_DATA or per-user)
    camera: str = ""  # camera spec for open_camera(); "" = the first camera found
    language: str = DEFAULT_LANGUAGE  # "zh_CN" | "en"
    auto_capture: bool = False  # take the photo by itself when every live check is green
    auto_capture_frames: int = 10  # ... for this many analysed frames in a row
    calibration_interval_days: int = 1  # how old a colour calibration may get
    # exported photos are named <admission number>.jpg, or <resident ID>.jpg where the roster
    # has one: the office's upload decides
    export_file_key: str = "admission"
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)  # keys of newer versions, kept as is

    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else default_data_dir()

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        extra = d.pop("extra")
        d["schema_version"] = SCHEMA_VERSION
        return {**extra, **d}


# Limits of the numeric settings: (minimum, maximum).
_RANGES: dict[str, tuple[int, int]] = {
    "auto_capture_frames": (1, 300),
    "calibration_interval_days": (1, 365),
}


# -- migrations ------------------------------------------------------------------------------
# MIGRATIONS[v] turns a version-v dictionary into a version-(v + 1) one. Never edit a released
# migration; add the next one and raise SCHEMA_VERSION.


def _v0_to_v1(d: dict[str, Any]) -> dict[str, Any]:
    """Version 0: a file written before the settings were versioned (no ``schema_version``).
    It named the camera ``camera_spec`` and the language ``lang``."""
    d = dict(d)
    if "camera_spec" in d and "camera" not in d:
        d["camera"] = d.pop("camera_spec")
    if "lang" in d and "language" not in d:
        d["language"] = d.pop("lang")
    return d


def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added auto-capture and the calibration interval (defaults apply); version 1
    stored the auto-capture frame count as ``auto_frames``."""
    d = dict(d)
    if "auto_frames" in d and "auto_capture_frames" not in d:
        d["auto_capture_frames"] = d.pop("auto_frames")
    return d


def _v2_to_v3(d: dict[str, Any]) -> dict[str, Any]:
    """Version 3 added ``export_file_key`` (default: the admission number, as before)."""
    return dict(d)


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _v0_to_v1,
    1: _v1_to_v2,
    2: _v2_to_v3,
}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dictionary of any known version to :data:`SCHEMA_VERSION`."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        version = 0
    d = dict(data)
    while version < SCHEMA_VERSION:
        d = MIGRATIONS[version](d)
        version += 1
        d["schema_version"] = version
    return d


# -- reading and writing ---------------------------------------------------------------------


def default_settings_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("capture-station", appauthor=False)) / SETTINGS_FILE


def settings_exist(path: Path | None = None) -> bool:
    """False on the very first run (the GUI then asks for the office and the rest)."""
    return (path or default_settings_path()).is_file()


def from_dict(data: dict[str, Any], warnings: list[str] | None = None) -> Settings:
    """Typed settings from a (migrated) dictionary; bad values become defaults with a warning."""
    warn = warnings if warnings is not None else []
    d = migrate(data)
    defaults = Settings()
    known = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    for name in known - {"schema_version"}:
        if name not in d:
            continue
        v = d[name]
        want = getattr(defaults, name)
        if isinstance(want, bool):
            ok = isinstance(v, bool)
        elif isinstance(want, int):
            ok = isinstance(v, int) and not isinstance(v, bool)
            if ok and name in _RANGES:
                lo, hi = _RANGES[name]
                ok = lo <= v <= hi
        else:
            ok = isinstance(v, str)
        if name == "language" and ok and v not in LANGUAGES:
            ok = False
        if name == "export_file_key" and ok and v not in EXPORT_FILE_KEYS:
            ok = False
        if ok:
            values[name] = v
        else:
            warn.append(f"setting {name!r} has an unusable value {v!r}; using {want!r}")
    extra = {k: v for k, v in d.items() if k not in known}
    if int(data.get("schema_version", 0) or 0) > SCHEMA_VERSION:
        warn.append(
            f"settings file is from a newer version ({data.get('schema_version')}); "
            "unknown keys are kept"
        )
    return Settings(**values, extra=extra)


def load_settings(path: Path | None = None, warnings: list[str] | None = None) -> Settings:
    """Read the settings file; defaults when it does not exist or cannot be read.

    A file that is not valid JSON is renamed to ``settings.json.unreadable-<time>`` so the next
    save does not destroy what may still be recovered by hand.
    """
    p = path or default_settings_path()
    warn = warnings if warnings is not None else []
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as e:
        warn.append(f"cannot read the settings file {p}: {e.strerror or e}")
        return Settings()
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError as e:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = p.with_name(f"{p.name}.unreadable-{stamp}")
        try:
            os.replace(p, aside)
            warn.append(f"settings file {p} was unreadable ({e}); kept as {aside.name}")
        except OSError:
            warn.append(f"settings file {p} was unreadable ({e})")
        return Settings()
    s = from_dict(data, warn)
    for w in warn:
        _log.warning("%s", w)
    return s


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (private folder, temp file, fsync, rename)."""
    p = path or default_settings_path()
    data = json.dumps(settings.as_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        ensure_private_dir(p.parent)
        atomic_write(p, data.encode("utf-8"))
    except OSError as e:
        raise SettingsError(e.errno or 0, f"cannot save the settings to {p}: {e.strerror or e}") from None
    return p


# -- examination offices ---------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    code: str
    name_zh: str
    name_en: str
    phones: tuple[str, ...]

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


@lru_cache(maxsize=1)
def load_offices() -> tuple[Office, ...]:
    """The prefecture examination offices from ``assets/offices.toml``, in published order."""
    with (assets_dir() / "offices.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return tuple(
        Office(
            code=str(o["code"]),
            name_zh=str(o["name_zh"]),
            name_en=str(o.get("name_en", o["name_zh"])),
            phones=tuple(str(p) for p in o.get("phones", [])),
        )
        for o in data.get("office", [])
    )


def office_by_code(code: str) -> Office | None:
    return next((o for o in load_offices() if o.code == code), None)


def office_written_name(value: str) -> str:
    """An office as an export's manifest names it: the Chinese name of a known code (or of a
    name given in either language), else the text as given; "" when none is set."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        offices = load_offices()
    except (OSError, ValueError, KeyError):
        return value
    o = next((x for x in offices if value in (x.code, x.name_zh, x.name_en)), None)
    return o.name_zh if o is not None else value
