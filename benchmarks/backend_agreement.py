"""How closely the LiteRT backend agrees with MediaPipe's (``make agreement``).

``python -m benchmarks.backend_agreement`` analyses the same pictures with both backends (still
mode, as ``process`` and ``check`` do) and compares, in the pixels of the 480x640 photo the
station would make (the crop solver's scale for MediaPipe's measurements of that picture):

* all 478 landmarks of the main face: median and 95th percentile of the distance;
* the eye line (mean iris y), the crown (top of the head from the person mask), face width;
* how often the two find a different number of faces.

A third set is live video: 1280x720 frames panning across a test portrait (5 px a frame, 25
frames each for Grace Hopper and the astronaut), analysed by a tracking analyser of each
backend: each frame's mesh starts from the region the previous frame's landmarks gave, so tiny
differences can grow from frame to frame; this set shows how far they go. For scale, the same
frames are also compared between MediaPipe and MediaPipe itself on frames with up to one grey
level of noise added: how far tracking drifts from nothing but a camera's noise.

Sets: the painted-fault photos of ``make eval`` (``tests/degrade.py``: the clean shots, the
faults painted on the shot and on the finished photo) and, when ``REALFACES=FOLDER`` names one,
the real photos of ``make eval-real`` (read in place, nothing of them is written but numbers).
Results: ``benchmarks/results/backend_agreement.json`` and ``.md``.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUTPUT_FACE_WIDTH = 288.0  # px of a face in the 480x640 photo, when no crop can be solved


def painted_pictures() -> Iterator[tuple[str, np.ndarray]]:
    """The clean shots and every painted fault of ``make eval``, as RGB pictures."""
    sys.path.insert(0, str(ROOT / "tests"))
    import degrade  # the tests' helper, only for this benchmark

    for c in degrade.clean_set():
        yield c.name, c.raw
        for d in degrade.DEGRADATIONS:
            if not (c.spec.degrade and degrade.applies(d, c)):
                continue
            out = d.fn(c)
            rgb = _decode(out) if isinstance(out, bytes) else out
            yield f"{c.name} / {d.name}", np.ascontiguousarray(rgb)


def live_frames() -> Iterator[tuple[str, np.ndarray]]:
    sys.path.insert(0, str(ROOT / "tests"))
    import imagery

    for name, src in (("hopper", imagery.grace_hopper()), ("astronaut", imagery.astronaut())):
        scale, bottom = (1.35, 800) if name == "hopper" else (1.4, 900)
        base = imagery.composite(src, scale=scale, canvas=(1400, 760), bottom=bottom)
        for i in range(25):
            yield f"{name} frame {i}", np.ascontiguousarray(base[20:740, 5 * i:5 * i + 1280])


def _decode(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB")))


def real_pictures(folder: Path) -> Iterator[tuple[str, np.ndarray]]:
    for p in sorted((folder / "images").glob("*.jpg")):
        yield p.name, _decode(p.read_bytes())


def _scale(face: Any, size: tuple[int, int]) -> float:
    """Output px per picture px: the crop the station would cut for this face."""
    from capture_station.imaging.crop_solver import CropSolver
    from capture_station.photo.pipeline import head_measurements
    from capture_station.standard import load_standard

    m = head_measurements(face)
    if m is not None:
        crop = CropSolver(load_standard()).solve(m, size)
        if crop.scale > 0:
            return float(crop.scale)
    return OUTPUT_FACE_WIDTH / max(face.face_width, 1.0)


def compare(pictures: Iterator[tuple[str, np.ndarray]], live: bool = False,
            against_itself: bool = False) -> dict[str, Any]:
    """LiteRT against MediaPipe; ``against_itself``: MediaPipe against MediaPipe on the picture
    with 0 or 1 added to each value (seeded)."""
    from capture_station.imaging.face_analysis import FaceAnalyzer

    dists: list[np.ndarray] = []
    per_photo: list[dict[str, Any]] = []
    eye, crown, width = [], [], []
    count_differs: list[str] = []
    rng = np.random.default_rng(0)
    second = "mediapipe" if against_itself else "litert"
    with FaceAnalyzer(live=live, backend="mediapipe") as mp, \
            FaceAnalyzer(live=live, backend=second) as lr:
        for name, rgb in pictures:
            other = rgb
            if against_itself:
                other = np.clip(rgb.astype(np.int16) + rng.integers(0, 2, rgb.shape), 0, 255)
                other = other.astype(np.uint8)
            a, b = mp.analyse(rgb), lr.analyse(other)
            if a.face_count != b.face_count:
                count_differs.append(f"{name}: {a.face_count} vs {b.face_count}")
            if a.primary is None or b.primary is None:
                continue
            fa, fb = a.primary, b.primary
            s = _scale(fa, a.size)
            d = np.linalg.norm(fa.landmarks[:, :2] - fb.landmarks[:, :2], axis=1) * s
            dists.append(d)
            e = (fb.eye_y - fa.eye_y) * s
            eye.append(e)
            c = None
            if fa.crown_y is not None and fb.crown_y is not None:
                c = (fb.crown_y - fa.crown_y) * s
                crown.append(c)
            width.append((fb.face_width - fa.face_width) * s)
            per_photo.append({"photo": name, "median_px": round(float(np.median(d)), 2),
                              "p95_px": round(float(np.percentile(d, 95)), 2),
                              "eye_line_px": round(float(e), 2),
                              "crown_px": None if c is None else round(float(c), 2)})
    if not dists:
        return {"photos": 0, "faces_count_differs": count_differs}
    all_d = np.concatenate(dists)
    mesh_d = np.concatenate([d[:468] for d in dists])
    iris_d = np.concatenate([d[[468, 473]] for d in dists])

    def stats(v: list[float]) -> dict[str, float]:
        a = np.abs(np.asarray(v, np.float64))
        return {"median": round(float(np.median(a)), 2), "p95": round(float(np.percentile(a, 95)), 2),
                "max": round(float(a.max()), 2), "within_1px": round(float((a <= 1).mean()), 3)}

    return {
        "photos": len(dists),
        "landmarks_px": {"median": round(float(np.median(all_d)), 2),
                         "p95": round(float(np.percentile(all_d, 95)), 2)},
        "mesh_468_px": {"median": round(float(np.median(mesh_d)), 2),
                        "p95": round(float(np.percentile(mesh_d, 95)), 2)},
        "iris_centres_px": stats(list(iris_d)),
        "eye_line_px": stats(eye),
        "crown_px": stats(crown),
        "face_width_px": stats(width),
        "faces_count_differs": count_differs,
        "per_photo": per_photo,
    }


def _markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = ["| set | photos | landmarks median / p95 | mesh (468) median / p95 | iris centres "
             "median / p95 | eye line median / p95 / max | crown median / p95 / max | "
             "face width median / p95 | face count differs |", "|---" * 9 + "|"]
    for name, r in results.items():
        if not r.get("photos"):
            lines.append(f"| {name} | 0 | | | | | | | |")
            continue
        lm, me, ir = r["landmarks_px"], r["mesh_468_px"], r["iris_centres_px"]
        ey, cr, fw = r["eye_line_px"], r["crown_px"], r["face_width_px"]
        lines.append(
            f"| {name} | {r['photos']} | {lm['median']} / {lm['p95']} | {me['median']} / "
            f"{me['p95']} | {ir['median']} / {ir['p95']} | {ey['median']} / {ey['p95']} / "
            f"{ey['max']} | {cr['median']} / {cr['p95']} / {cr['max']} | {fw['median']} / "
            f"{fw['p95']} | {len(r['faces_count_differs'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    try:
        from capture_station.imaging.mediapipe_import import mediapipe

        mediapipe()
    except ImportError as e:
        print(f"backend agreement: skipped, MediaPipe is not importable here ({e})")
        return 0
    os.environ["CAPTURE_STATION_FACE_BACKEND"] = "mediapipe"  # the painted set as make eval
    results: dict[str, dict[str, Any]] = {}
    wanted = set(argv) or {"painted", "live", "real"}
    if "painted" in wanted:
        results["painted faults (make eval)"] = compare(painted_pictures())
    if "live" in wanted:
        results["live video, tracking (1280x720)"] = compare(live_frames(), live=True)
        results["for scale: MediaPipe vs itself, live, +1 grey level"] = compare(
            live_frames(), live=True, against_itself=True)
    folder = Path(os.environ.get("REALFACES") or "")
    if "real" in wanted:
        if os.environ.get("REALFACES") and (folder / "images").is_dir():
            results["real photos (make eval-real)"] = compare(real_pictures(folder))
        else:
            print("backend agreement: no REALFACES folder given, the real photos are skipped")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backend_agreement.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = _markdown(results)
    (RESULTS / "backend_agreement.md").write_text(
        "LiteRT vs MediaPipe, in px of the 480x640 photo (absolute differences)\n\n" + md,
        encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
