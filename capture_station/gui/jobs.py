"""The work the window hands to background threads: take and process a photo, save it.

No Qt here. Each function runs on a worker thread (the camera thread for a capture, the store
thread for a save) and returns plain data; the window receives it by signal. The photo that is
reviewed is held in memory as the exact encoded bytes that will be written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from capture_station.cameras.base import Camera
from capture_station.checks import CheckResult, Status, is_compliant
from capture_station.imaging.face_analysis import Face
from capture_station.messages import Msg
from capture_station.photo.pipeline import Pipeline, ShotAnalysis
from capture_station.records.store import PhotoRecord, PhotoToSave, Store, StoreError
from capture_station.standard import Standard

# Checks of the raw shot that the finished file cannot repeat (the crop happened before it):
# reported together with the final checks, as the pipeline does for a saved photo.


class StoreHolder:
    """The store as the store thread sees it: opened on first use, reopened after a failure or
    a change of folder. Used from that one thread only."""

    def __init__(self) -> None:
        self.store: Store | None = None
        self._params: tuple[Path, Standard, str | None, str | None] | None = None

    def configure(self, path: Path, standard: Standard, station: str | None,
                  operator: str | None) -> None:
        self.close()
        self._params = (path, standard, station, operator)

    def get(self) -> Store:
        if self.store is None:
            if self._params is None:
                raise StoreError(0, Msg("store.no_data_folder"))
            path, standard, station, operator = self._params
            self.store = Store(path, standard, station=station, operator=operator)
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


@dataclass
class CapturedPhoto:
    """A processed photo waiting for the operator's decision."""

    candidate_id: str
    source: str  # name of the shot (camera file name or frame)
    data: bytes  # the encoded JPEG exactly as it will be saved
    quality: int | None
    rgb: np.ndarray  # ``data`` decoded
    checks: list[CheckResult]  # shot checks + every check of the final file
    face: Face | None  # measured on the final file
    original: tuple[str, bytes] | None = None  # the camera's own file (DSLR)
    taken_at: str = field(default_factory=lambda: dt.datetime.now().astimezone().isoformat())
    drift: Any = None  # DriftResult: this shot's backdrop against the calibrated one
    demo: bool = False  # taken with the demo camera: recorded as practice, never exported

    @property
    def compliant(self) -> bool:
        return is_compliant(self.checks)

    @property
    def failing(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == Status.FAIL]

    @property
    def undetermined(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == Status.UNDETERMINED]


@dataclass
class CaptureFailure:
    """The shot could not become a photo (no face, crop impossible, encoding failed)."""

    candidate_id: str
    reason: Msg  # rendered when shown, in the window's language of that moment
    shot: ShotAnalysis | None
    hints_zh: list[str]
    hints_en: list[str]


def backdrop_drift(shot: Any, data_dir: Path | None) -> Any:
    """The shot's backdrop against the station's calibration profile (None: never calibrated
    or no backdrop visible). A failed light shows here before the photos start to fail."""
    if data_dir is None or shot.analysis is None or shot.analysis.analysed_rgb is None:
        return None
    from capture_station.calibration.backdrop import backdrop_stats
    from capture_station.calibration.profile import drift, load_latest

    profile = load_latest(data_dir)
    if profile is None:
        return None
    return drift(profile, backdrop_stats(shot.analysis.analysed_rgb, shot.analysis.person_mask))


def capture_and_process(camera: Camera, pipeline: Pipeline, candidate_id: str,
                        name_hint: str = "frame",
                        data_dir: Path | None = None) -> CapturedPhoto | CaptureFailure:
    """Take a still (full resolution from a DSLR) and run the pipeline on it, in memory."""
    still = camera.capture_still()
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    src, original = still.to_source(f"{camera.kind}-{name_hint}-{stamp}")
    shot, enc, final, reason = pipeline.make_photo(src)
    if enc is None or final is None or final.rgb is None:
        from capture_station.checks import top_hints

        return CaptureFailure(candidate_id, reason or Msg("shot.no_photo"), shot,
                              top_hints(shot.checks, "zh_CN", 3), top_hints(shot.checks, "en", 3))
    checks = pipeline.photo_checks(shot, final)
    face = final.analysis.primary if final.analysis is not None else None
    return CapturedPhoto(candidate_id, src.name, enc.data, enc.quality, final.rgb, checks, face,
                         original, drift=backdrop_drift(shot, data_dir),
                         demo=camera.kind == "demo")


@dataclass
class Confirmation:
    """An item of the operator checklist and whether the operator ticked it."""

    id: str
    label: str
    ticked: bool


def checks_for_store(photo: CapturedPhoto, confirmations: list[Confirmation]) -> list[dict[str, Any]]:
    """The check records saved with the photo: every check (its message and hint in English,
    and in Chinese as ``message_zh`` / ``hint_zh`` for the station's own history view), plus
    what the operator confirmed."""
    out = [{**c.as_json("en"), "message_zh": c.message("zh_CN"), "hint_zh": c.hint("zh_CN")}
           for c in photo.checks]
    by_id = {c.id: c for c in confirmations}
    for row in out:
        conf = by_id.pop(row["id"], None)
        if conf is not None:
            row["operator_confirmed"] = conf.ticked
    for conf in by_id.values():
        out.append({"id": conf.id, "status": "undetermined", "value": None, "limits": {},
                    "message": conf.label, "hint": "", "clause": "",
                    "operator_confirmed": conf.ticked})
    return out


def save_photo(store: Store, photo: CapturedPhoto, confirmations: list[Confirmation],
               override_reason: str | None) -> PhotoRecord:
    """Save into the store (which reads the file back before calling it saved)."""
    compliant = photo.compliant
    if not compliant and not (override_reason and override_reason.strip()):
        raise ValueError("a photo with a failing check needs an override reason")
    if any(not c.ticked for c in confirmations):
        raise ValueError("the operator has not confirmed the checklist")
    rec = store.save(PhotoToSave(
        photo.candidate_id,
        photo.data,
        quality=photo.quality,
        compliant=compliant,
        checks=checks_for_store(photo, confirmations),
        override_reason=override_reason.strip() if (override_reason and not compliant) else None,
        source=photo.source,
        original=photo.original,
        captured_at=photo.taken_at,
        demo=photo.demo,
    ))
    assert rec is not None
    return rec


def calibration_state(data_dir: Path, interval_days: int
                      ) -> tuple[dt.timedelta | None, bool, str]:
    """Age of the station's lighting calibration (None: never calibrated), whether a new one
    is due, and its result ("pass", "warn", "fail"; "" when there is none): a failed
    calibration saved on purpose must not read as a good one. Reads the profile from the data
    folder: run it on a worker thread."""
    try:
        from capture_station.calibration import age, is_due, load_latest
    except ImportError:
        return None, True, ""
    try:
        profile = load_latest(data_dir)
    except OSError:
        return None, True, ""
    if profile is None:
        return None, True, ""
    return age(profile), is_due(profile, interval_days), profile.status.value


def thumbnail(data: bytes, height: int = 96) -> np.ndarray | None:
    """A small RGB copy of a JPEG (reduced DCT decoding: cheap)."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (height, height))
            im = im.convert("RGB")
            w = max(1, round(im.width * height / max(1, im.height)))
            im = im.resize((w, height), Image.Resampling.BILINEAR)
            return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def decode_rgb(data: bytes) -> np.ndarray | None:
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
