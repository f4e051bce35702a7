"""Faults the labelled real photos lack, painted onto those of them where they fit.

The labelled set has no glare on a lens, no red eye, no side-lit face and few white backdrops
to tint. :func:`painted_rows` makes those faults at evaluation time from the photos of the
folder (written to a temporary folder, checked with the station's own ``check`` command, then
deleted; nothing is kept), each on the photos where it fits: side light on frontal faces
labelled evenly lit, a tinted backdrop on photos labelled white, red eye on open eyes, lens
glare on photos labelled with glasses. The fault is painted the way ``tests/degrade.py``
paints it on the two portraits of ``make eval``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

ANALYSIS_SIDE = 1280  # painted copies are made at most this size (the check reduces to it too)
# The painted copy is a new, possibly reduced JPEG: its file and geometry rules are not the
# original's, so their flips are not counted.
REENCODED = ("file.", "geometry.")


@dataclass(frozen=True)
class Fault:
    name: str
    target: str
    fits: Callable[[Mapping[str, str], Mapping[str, str]], bool]  # (labels, clean statuses)
    paint: Callable[[np.ndarray, Any, int], np.ndarray | None]  # (rgb, analysis, index)


def _smooth(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _blob(shape: tuple[int, int], centre: tuple[float, float], axes: tuple[float, float],
          angle_deg: float = 0.0, soft: float = 0.35) -> np.ndarray:
    import degrade

    return degrade._blob(shape, centre, axes, angle_deg, soft)


def _face(an: Any) -> Any:
    return an.primary if an is not None else None


def _side_light(rgb: np.ndarray, an: Any, i: int) -> np.ndarray | None:
    import degrade

    f = _face(an)
    mask = an.mask_full() if an is not None else None
    if f is None or mask is None:
        return None
    sign = degrade.lamp_off_side(rgb, f, 1.0 if i % 2 == 0 else -1.0)
    gain = degrade.lamp_off_gain(rgb.shape[1], f.centre_x, f.face_width, sign)
    m = np.clip(mask, 0, 1)[..., None]
    return np.clip(degrade._relit(rgb, gain, m) + 0.5, 0, 255).astype(np.uint8)


def _tinted_backdrop(rgb: np.ndarray, an: Any, i: int) -> np.ndarray | None:
    mask = an.mask_full() if an is not None else None
    if mask is None:
        return None
    tint = np.array([0.905, 0.955, 1.0], np.float32)
    wgt = 1.0 - np.clip(mask, 0, 1)[..., None]
    out = rgb * (1 - wgt) + rgb.astype(np.float32) * tint * wgt
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _red_eye(rgb: np.ndarray, an: Any, i: int) -> np.ndarray | None:
    f = _face(an)
    if f is None or f.landmarks.shape[0] < 478:
        return None
    L = f.landmarks
    out = rgb.astype(np.float32)
    for centre, ring in ((468, (469, 470, 471, 472)), (473, (474, 475, 476, 477))):
        c = L[centre, :2]
        r = float(np.mean([np.hypot(*(L[j, :2] - c)) for j in ring]))
        if r < 2:
            return None
        pupil = _blob(rgb.shape[:2], (float(c[0]), float(c[1])), (0.62 * r, 0.62 * r), soft=0.3)
        out = out * (1 - pupil[..., None]) + np.array([196, 38, 34], np.float32) * pupil[..., None]
        dot = _blob(rgb.shape[:2], (float(c[0] + 0.2 * r), float(c[1] - 0.2 * r)),
                    (0.14 * r, 0.14 * r), soft=0.5)[..., None]
        out = out * (1 - dot) + 250.0 * dot
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _lens_glare(rgb: np.ndarray, an: Any, i: int) -> np.ndarray | None:
    f = _face(an)
    if f is None:
        return None
    L = f.landmarks
    o, inner = L[33, :2], L[133, :2]
    ew = float(np.hypot(*(o - inner)))
    centre = (o + inner) / 2 + np.array([-0.15 * ew, -0.25 * ew])
    blob = _blob(rgb.shape[:2], (float(centre[0]), float(centre[1])), (0.55 * ew, 0.32 * ew),
                 angle_deg=-25, soft=0.5)[..., None]
    glare = np.array([250, 252, 255], np.float32)
    out = rgb.astype(np.float32) * (1 - 0.97 * blob) + glare * 0.97 * blob
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _passes(st: Mapping[str, str], cid: str) -> bool:
    return st.get(cid) in ("pass", "warn")


FAULTS = (
    Fault("side light", "lighting.symmetry",
          lambda lab, st: lab.get("lighting.symmetry") == "pass" and lab.get("pose.yaw") == "pass"
          and _passes(st, "lighting.symmetry"), _side_light),
    Fault("tinted backdrop", "background.white",
          lambda lab, st: lab.get("background.white") == "pass" and _passes(st, "background.white"),
          _tinted_backdrop),
    Fault("red eye", "lighting.red_eye",
          lambda lab, st: lab.get("expression.eyes_open") == "pass"
          and lab.get("lighting.red_eye") == "pass" and _passes(st, "lighting.red_eye"), _red_eye),
    Fault("lens glare", "glasses.glare",
          lambda lab, st: lab.get("glasses") == "yes" and lab.get("face.count") == "pass",
          _lens_glare),
)


def _load(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im = im.convert("RGB")
        k = ANALYSIS_SIDE / max(im.size)
        if k < 1:
            im = im.resize((max(1, round(im.width * k)), max(1, round(im.height * k))),
                           Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8)


def painted_rows(images: Path, labels: Mapping[str, Mapping[str, str]],
                 statuses: Mapping[str, Mapping[str, str]],
                 check: Callable[[Path], dict[str, dict[str, str]]]) -> list[dict[str, Any]]:
    """Per fault: the photos it was painted on, how many the aimed check failed, and flips of
    other checks that passed on the clean photo."""
    from capture_station.imaging.face_analysis import FaceAnalyzer

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="eval-real-faults-") as tmp, \
            FaceAnalyzer(live=False) as analyzer:
        folder = Path(tmp)
        made: dict[str, tuple[Fault, str]] = {}
        for fault in FAULTS:
            n = 0
            for name in sorted(labels):
                lab = labels[name]
                st = statuses.get(name, {})
                if not st or not fault.fits(lab, st) or not (images / name).is_file():
                    continue
                rgb = _load(images / name)
                an = analyzer.analyse(rgb)
                out = fault.paint(rgb, an, n)
                if out is None:
                    continue
                key = f"{fault.name.replace(' ', '_')}--{Path(name).stem}.jpg"
                Image.fromarray(out).save(folder / key, quality=95)
                made[key] = (fault, name)
                n += 1
        got = check(folder) if made else {}
        for fault in FAULTS:
            mine = [(k, src) for k, (f, src) in made.items() if f is fault]
            caught = [src for k, src in mine if got.get(k, {}).get(fault.target) == "fail"]
            undet = [src for k, src in mine if got.get(k, {}).get(fault.target) == "undetermined"]
            missed = [src for k, src in mine if src not in caught and src not in undet]
            flips: dict[str, int] = {}
            flip_files: dict[str, list[str]] = {}
            for k, src in mine:
                before = statuses.get(src, {})
                for cid, s in got.get(k, {}).items():
                    if cid.startswith(REENCODED):
                        continue
                    if cid != fault.target and s == "fail" and before.get(cid) in ("pass", "warn"):
                        flips[cid] = flips.get(cid, 0) + 1
                        flip_files.setdefault(cid, []).append(src)
            rows.append({"fault": fault.name, "target": fault.target, "photos": len(mine),
                         "caught": caught, "undetermined": undet, "missed": missed,
                         "flips": flips, "flip_files": flip_files})
    return rows


def markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [
        "| fault (painted at evaluation time) | aimed at | photos it fits | caught | undetermined | missed | other checks that flip to fail |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        flips = ", ".join(f"`{c}` {n}" for c, n in sorted(r["flips"].items())) or "0"
        lines.append(f"| {r['fault']} | `{r['target']}` | {r['photos']} | {len(r['caught'])} | "
                     f"{len(r['undetermined'])} | {len(r['missed'])} | {flips} |")
    lines.append("")
    for r in rows:
        if r["missed"] or r["undetermined"] or r.get("flip_files"):
            parts = []
            if r["missed"]:
                parts.append("missed on " + ", ".join(f"`{Path(x).stem}`" for x in r["missed"]))
            if r["undetermined"]:
                parts.append("undetermined on "
                             + ", ".join(f"`{Path(x).stem}`" for x in r["undetermined"]))
            for cid, names in sorted(r.get("flip_files", {}).items()):
                parts.append(f"`{cid}` flips on "
                             + ", ".join(f"`{Path(x).stem}`" for x in sorted(names)))
            lines.append(f"- {r['fault']}: " + "; ".join(parts))
    return lines
