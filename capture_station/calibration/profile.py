"""The station's calibration profile: the last calibration, kept in the data folder.

Layout (inside the store's data folder, next to ``photos/`` and ``station.db``)::

    calibration/<YYYYmmddTHHMMSS>/profile.json   every figure and item (zh + en)
    calibration/<YYYYmmddTHHMMSS>/report.html    printable report, heat map embedded
    calibration/<YYYYmmddTHHMMSS>/heatmap.png    the backdrop heat map
    calibration/<YYYYmmddTHHMMSS>/backdrop.jpg   reduced copy of the empty backdrop (no person)
    calibration/latest.json                      copy of the newest profile.json (+ "folder")

Every calibration is kept (an inspector can see the history); the newest one is the station's
profile. The main window shows its age and result (:func:`summary`), asks for a new one when it
is older than the interval in the settings (:func:`is_due`, calendar days: with the default of
one day a calibration is due each morning), and compares the live backdrop with it
(:func:`drift`) so that a failed lamp is noticed during the day, not at the next calibration.
Files are written atomically; the folder is private like the rest of the data folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from capture_station.atomic_io import atomic_write, ensure_private_dir
from capture_station.calibration.backdrop import BackdropStats, reduce
from capture_station.calibration.items import CalibrationItem, make_item, overall_status
from capture_station.calibration.reference import Reference, load_reference
from capture_station.checks.engine import Status

if TYPE_CHECKING:
    from capture_station.calibration import CalibrationResult

_log = logging.getLogger(__name__)

SCHEMA = 1
FOLDER = "calibration"
LATEST = "latest.json"
PROFILE = "profile.json"
REPORT = "report.html"
HEATMAP = "heatmap.png"
BACKDROP = "backdrop.jpg"


class ProfileError(OSError):
    """The profile cannot be written; ``str()`` says why."""


@dataclass
class CalibrationProfile:
    created_at: dt.datetime
    status: Status
    passed: bool
    complete: bool
    office: str
    station: str
    camera: str
    standard: str
    white_balance: dict[str, Any]
    items: list[CalibrationItem]
    backdrop: dict[str, Any]
    subject: dict[str, Any] | None
    drift_reference: BackdropStats | None
    folder: Path | None = None
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def report_path(self) -> Path | None:
        return None if self.folder is None else self.folder / REPORT

    @property
    def heatmap_path(self) -> Path | None:
        return None if self.folder is None else self.folder / HEATMAP

    def item(self, item_id: str) -> CalibrationItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    @classmethod
    def from_dict(cls, d: dict[str, Any], folder: Path | None = None) -> CalibrationProfile:
        created = dt.datetime.fromisoformat(str(d["created_at"]))
        if created.tzinfo is None:
            created = created.astimezone()
        dr = d.get("drift_reference")
        return cls(
            created_at=created,
            status=Status(str(d["status"])),
            passed=bool(d.get("passed", d["status"] != "fail")),
            complete=bool(d.get("complete", d.get("subject") is not None)),
            office=str(d.get("office", "")),
            station=str(d.get("station", "")),
            camera=str(d.get("camera", "")),
            standard=str(d.get("standard", "")),
            white_balance=dict(d.get("white_balance") or {}),
            items=[CalibrationItem.from_dict(i) for i in d.get("items", [])],
            backdrop=dict(d.get("backdrop") or {}),
            subject=d.get("subject"),
            drift_reference=BackdropStats.from_dict(dr) if dr else None,
            folder=folder,
            data=d,
        )


def calibration_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / FOLDER


def _json_bytes(d: dict[str, Any]) -> bytes:
    return (json.dumps(d, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(reduce(rgb, 1280), "RGB").save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def save_profile(
    result: CalibrationResult,
    data_dir: Path | str,
    *,
    backdrop_rgb: np.ndarray | None = None,
    reference: Reference | None = None,
) -> CalibrationProfile:
    """Save ``result`` (profile, report, heat map, backdrop copy) as the newest calibration and
    make it the station's profile. Raises ProfileError (one line) when the disk refuses."""
    from capture_station.calibration import report

    root = calibration_dir(data_dir)
    stamp = result.created_at.strftime("%Y%m%dT%H%M%S")
    try:
        ensure_private_dir(root)
        folder = root / stamp
        n = 2
        while folder.exists():
            folder = root / f"{stamp}-{n}"
            n += 1
        ensure_private_dir(folder)
        heat = report.render_heatmap(result)
        html = report.report_html(result, heatmap_png=heat.png, reference=reference)
        files = {"report": REPORT, "heatmap": HEATMAP}
        atomic_write(folder / HEATMAP, heat.png)
        atomic_write(folder / REPORT, html.encode("utf-8"))
        if backdrop_rgb is not None:
            atomic_write(folder / BACKDROP, _jpeg(backdrop_rgb))
            files["backdrop"] = BACKDROP
        data = {"schema": SCHEMA, **result.to_dict(), "files": files}
        atomic_write(folder / PROFILE, _json_bytes(data))
        atomic_write(root / LATEST, _json_bytes({**data, "folder": folder.name}))
    except OSError as e:
        raise ProfileError(e.errno or 0, f"cannot save the calibration in {root}: {e.strerror or e}") from None
    return CalibrationProfile.from_dict(data, folder)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) and "created_at" in d and "status" in d else None


def load_latest(data_dir: Path | str) -> CalibrationProfile | None:
    """The station's calibration profile, or None when the station was never calibrated.

    A damaged ``latest.json`` falls back to the newest readable ``<time>/profile.json``.
    """
    root = calibration_dir(data_dir)
    d = _read(root / LATEST)
    if d is not None:
        folder = root / str(d.get("folder", "")) if d.get("folder") else None
        try:
            return CalibrationProfile.from_dict(d, folder)
        except (KeyError, ValueError, TypeError):
            _log.warning("calibration profile %s is damaged", root / LATEST)
    if not root.is_dir():
        return None
    for sub in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True):
        d = _read(sub / PROFILE)
        if d is None:
            continue
        try:
            return CalibrationProfile.from_dict(d, sub)
        except (KeyError, ValueError, TypeError):
            continue
    return None


def history(data_dir: Path | str) -> list[CalibrationProfile]:
    """Every stored calibration, newest first."""
    root = calibration_dir(data_dir)
    out: list[CalibrationProfile] = []
    if not root.is_dir():
        return out
    for sub in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True):
        d = _read(sub / PROFILE)
        if d is not None:
            try:
                out.append(CalibrationProfile.from_dict(d, sub))
            except (KeyError, ValueError, TypeError):
                continue
    return out


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).astimezone()


def age(profile: CalibrationProfile, now: dt.datetime | None = None) -> dt.timedelta:
    """How long ago the profile was made."""
    return _now(now) - profile.created_at


def is_due(profile: CalibrationProfile | None, interval_days: int = 1,
           now: dt.datetime | None = None) -> bool:
    """A new calibration is due: none yet, or made ``interval_days`` calendar days ago or more
    (with 1: every day, whatever the time of yesterday's calibration)."""
    if profile is None:
        return True
    n = _now(now)
    made = profile.created_at.astimezone(n.tzinfo).date()
    return (n.date() - made).days >= max(1, int(interval_days))


@dataclass(frozen=True)
class ProfileSummary:
    due: bool
    status: Status | None
    age: dt.timedelta | None
    text_zh: str
    text_en: str

    def text(self, lang: str = "zh_CN") -> str:
        return self.text_en if lang.startswith("en") else self.text_zh


def _age_words(delta: dt.timedelta) -> tuple[str, str]:
    s = max(0, int(delta.total_seconds()))
    if s < 3600:
        m = max(1, s // 60)
        return f"{m}分钟前", f"{m} min ago"
    if s < 86400:
        h = s // 3600
        return f"{h}小时前", f"{h} h ago"
    d = s // 86400
    return f"{d}天前", f"{d} day{'s' if d != 1 else ''} ago"


def summary(profile: CalibrationProfile | None, interval_days: int = 1,
            now: dt.datetime | None = None) -> ProfileSummary:
    """One line for the status bar: the calibration's age and result, and whether it is due."""
    if profile is None:
        return ProfileSummary(True, None, None, "尚未进行灯光校准", "Lighting not calibrated yet")
    a = age(profile, now)
    due = is_due(profile, interval_days, now)
    az, ae = _age_words(a)
    warns = sum(1 for i in profile.items if i.status == Status.WARN)
    fails = sum(1 for i in profile.items if i.status == Status.FAIL)
    if fails:
        rz, re_ = f"不合格（{fails}项）", f"failed ({fails} item{'s' if fails != 1 else ''})"
    elif warns:
        rz, re_ = f"合格（{warns}项提醒）", f"passed ({warns} warning{'s' if warns != 1 else ''})"
    else:
        rz, re_ = "合格", "passed"
    if due:
        zh = f"灯光校准已过期，请重新校准（上次{az}，{rz}）"
        en = f"Lighting calibration due (last {ae}, {re_})"
    else:
        zh = f"灯光校准：{az}，{rz}"
        en = f"Lighting calibration: {ae}, {re_}"
    return ProfileSummary(due, profile.status, a, zh, en)


# -- drift ------------------------------------------------------------------------------------


@dataclass
class DriftResult:
    """The live backdrop against the calibrated one."""

    status: Status
    items: list[CalibrationItem]
    stats: BackdropStats | None

    @property
    def drifted(self) -> bool:
        return self.status in (Status.WARN, Status.FAIL)

    def message(self, lang: str = "zh_CN") -> str:
        """The hint of the most telling item: failures first; among equals a one-sided change
        (it names the light) before a change of level or colour."""
        order = {"drift.balance": 0, "drift.level": 1, "drift.cast": 2}
        bad = [i for i in self.items if i.status in (Status.FAIL, Status.WARN)]
        bad.sort(key=lambda i: (0 if i.status == Status.FAIL else 1, order.get(i.id, 9)))
        return bad[0].hint(lang) if bad else ""

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "status": self.status.value,
            "items": [i.as_json(lang) for i in self.items],
            "stats": None if self.stats is None else self.stats.to_dict(),
        }


def drift(
    profile: CalibrationProfile | None,
    frame_backdrop_stats: BackdropStats | None,
    reference: Reference | None = None,
) -> DriftResult:
    """Compare live backdrop statistics (:func:`backdrop_stats` of a frame, person masked out)
    with the calibrated ones: overall lightness, left/right balance and colour.

    Feed it the station's own pictures (the stills or the analysed frames of the same camera
    and settings as the calibration); ``undetermined`` when there is no profile or the
    backdrop patches are hidden.
    """
    ref = reference or load_reference()
    base = None if profile is None else profile.drift_reference
    live = frame_backdrop_stats
    if base is None or live is None:
        return DriftResult(Status.UNDETERMINED, [], live)
    items: list[CalibrationItem] = []

    d_level = live.mean_lstar - base.mean_lstar
    darker = d_level < 0
    items.append(make_item(
        ref.item("drift.level"), abs(d_level),
        f"背景比校准时{'暗' if darker else '亮'} {abs(d_level):.1f} L*",
        f"the backdrop is {abs(d_level):.1f} L* {'darker' if darker else 'brighter'} than at calibration",
        bad_hint=(
            f"背景比校准时{'暗' if darker else '亮'}了{abs(d_level):.1f} L*：检查两盏灯是否都亮、功率是否被调过、"
            "相机曝光是否改变；找不到原因时请重新校准",
            f"The backdrop is {abs(d_level):.1f} L* {'darker' if darker else 'brighter'} than at "
            "calibration: check both lights are on and at their power, and that the exposure "
            "did not change; recalibrate if the cause is not found",
        ),
        detail={"delta": round(d_level, 2)},
    ))

    d_bal = live.left_right_pct - base.left_right_pct  # > 0: the left got darker
    side_zh, side_en = ("左", "left") if d_bal > 0 else ("右", "right")
    items.append(make_item(
        ref.item("drift.balance"), abs(d_bal),
        f"背景{side_zh}侧比校准时相对暗了 {abs(d_bal):.1f}%",
        f"the {side_en} of the backdrop is {abs(d_bal):.1f} % darker, relative to the other side, than at calibration",
        bad_hint=(
            f"背景{side_zh}侧比校准时暗了{abs(d_bal):.0f}%：检查{side_zh}侧灯（灯泡是否损坏、是否被碰动或关闭）",
            f"The {side_en} of the backdrop lost {abs(d_bal):.0f} % of its light since calibration: "
            f"check the {side_en} light (failed lamp, knocked, or switched off)",
        ),
        detail={"delta": round(d_bal, 2), "side": side_en},
    ))

    de = math.hypot(live.a - base.a, live.b - base.b)
    items.append(make_item(
        ref.item("drift.cast"), de,
        f"背景颜色比校准时变化 ΔE {de:.1f}",
        f"the backdrop colour changed by ΔE {de:.1f} since calibration",
        bad_hint=(
            "背景颜色比校准时变了：检查相机白平衡是否被改动、灯泡是否更换、是否混入室内灯或日光",
            "The backdrop colour changed since calibration: check the camera's white balance, "
            "whether a lamp was replaced, and for room light or daylight mixing in",
        ),
        detail={"da": round(live.a - base.a, 2), "db": round(live.b - base.b, 2)},
    ))
    return DriftResult(overall_status(items), items, live)
