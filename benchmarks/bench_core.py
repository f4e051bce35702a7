"""Core pipeline figures: ``process`` on a 24-megapixel JPEG, encodes per photo, and live
per-frame analysis against bare MediaPipe on the same frame; both for each face backend (LiteRT,
and MediaPipe where its wheel imports), side by side. The backends take turns run by run, so a
machine busy with other work slows both alike; CPU time is given next to wall time."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from capture_station.checks import Mode  # noqa: E402
from capture_station.imaging.face_analysis import FaceAnalyzer  # noqa: E402
from capture_station.imaging.image_source import open_image_bytes  # noqa: E402
from capture_station.photo.pipeline import Pipeline  # noqa: E402
from capture_station.records.filing import file_photo  # noqa: E402

import imagery  # noqa: E402


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def dslr_shot_24mp() -> bytes:
    """A 6000x4000 JPEG: Grace Hopper on a white backdrop at DSLR resolution."""
    rgb = imagery.composite(imagery.grace_hopper(), scale=4.5, canvas=(6000, 4000), seed=3)
    return imagery.jpeg_bytes(rgb, quality=92)


def backends() -> list[str]:
    """The face backends that run here: LiteRT always, MediaPipe where its wheel imports."""
    out = ["litert"]
    try:
        from capture_station.imaging.mediapipe_import import mediapipe

        mediapipe()
        out.append("mediapipe")
    except ImportError:
        pass
    return out


def bench_process(runs: int = 9) -> dict[str, object]:
    data = dslr_shot_24mp()
    names = backends()
    pipes = {b: Pipeline(analyzer=FaceAnalyzer(backend=b)) for b in names}
    times: dict[str, list[float]] = {b: [] for b in names}
    cpu: dict[str, list[float]] = {b: [] for b in names}
    encodes: list[int] = []
    with tempfile.TemporaryDirectory() as d:
        for pipe in pipes.values():
            file_photo(pipe, open_image_bytes(data, "warm.jpg"), "1234567890", out_dir=Path(d))
            pipe.encoder.last_quality = None
        for i in range(runs):
            for b, pipe in pipes.items():
                t0, c0 = time.perf_counter(), time.process_time()
                res = file_photo(pipe, open_image_bytes(data, "dslr.jpg"), f"12345678{i:02d}",
                                 out_dir=Path(d))
                times[b].append(time.perf_counter() - t0)
                cpu[b].append(time.process_time() - c0)
                if not res.saved:
                    raise RuntimeError(f"benchmark photo not saved ({b}): {res.reason}")
                if b == names[0]:
                    encodes.append(res.encode.encodes if res.encode else 0)
    out: dict[str, object] = {
        "process_24mp_median_ms": _median_ms(times[names[0]]),
        "process_24mp_min_ms": round(min(times[names[0]]) * 1000, 1),
        "input_bytes": len(data),
        "encodes_per_photo_median": statistics.median(encodes),
        "encodes_per_photo_max": max(encodes),
    }
    for b in names:
        out[f"{b}_process_24mp_median_ms"] = _median_ms(times[b])
        out[f"{b}_process_24mp_cpu_ms"] = _median_ms(cpu[b])
    return out


def live_frame_1280x720() -> np.ndarray:
    return imagery.composite(imagery.grace_hopper(), scale=1.35, canvas=(1280, 720), bottom=760, seed=4)


def _bare_mediapipe(seq: list[np.ndarray], frames: int) -> dict[str, object]:
    """The same three MediaPipe graphs the station runs, called directly."""
    from capture_station.imaging.mediapipe_import import mediapipe

    mp = mediapipe()
    mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=4,
                                           refine_landmarks=True)
    det = mp.solutions.face_detection.FaceDetection(model_selection=1)
    seg = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
    bare_all: list[float] = []
    bare_mesh: list[float] = []
    for i in range(frames):
        f = seq[i % len(seq)]
        t0 = time.perf_counter()
        mesh.process(f)
        t1 = time.perf_counter()
        det.process(f)
        seg.process(f)
        t2 = time.perf_counter()
        bare_mesh.append(t1 - t0)
        bare_all.append(t2 - t0)
    for s in (mesh, det, seg):
        s.close()
    return {"bare_mediapipe_mesh_ms": _median_ms(bare_mesh),
            "bare_mediapipe_all_three_ms": _median_ms(bare_all)}


def bench_live_analysis(frames: int = 60) -> dict[str, object]:
    frame = live_frame_1280x720()
    rng = np.random.default_rng(0)
    seq = [np.clip(frame.astype(np.int16) + rng.integers(-2, 3, frame.shape), 0, 255).astype(np.uint8)
           for _ in range(8)]
    names = backends()
    out: dict[str, object] = {"live_frame": "1280x720"}
    if "mediapipe" in names:
        out.update(_bare_mediapipe(seq, frames))
    pipe = Pipeline()
    analyzers = {b: FaceAnalyzer(live=True, backend=b) for b in names}
    wall: dict[str, list[float]] = {b: [] for b in names}
    cpu: dict[str, list[float]] = {b: [] for b in names}
    for i in range(frames):
        f = seq[i % len(seq)]
        for b, an in analyzers.items():  # in turns: the load falls on both alike
            t0, c0 = time.perf_counter(), time.process_time()
            shot = pipe.analyse_rgb(f, 1.0, Mode.LIVE, analyzer=an)
            wall[b].append(time.perf_counter() - t0)
            cpu[b].append(time.process_time() - c0)
            del shot
    for an in analyzers.values():
        an.close()
    out["station_analysis_ms"] = _median_ms(wall[names[0]])
    for b in names:
        out[f"{b}_live_analysis_ms"] = _median_ms(wall[b])
        out[f"{b}_live_analysis_cpu_ms"] = _median_ms(cpu[b])
    if "bare_mediapipe_all_three_ms" in out:
        bare = float(out["bare_mediapipe_all_three_ms"])  # type: ignore[arg-type]
        out["station_vs_bare_ratio"] = round(float(out["station_analysis_ms"]) / bare, 2)  # type: ignore[arg-type]
    return out


def run() -> dict[str, object]:
    out: dict[str, object] = {}
    out.update(bench_process())
    out.update(bench_live_analysis())
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
