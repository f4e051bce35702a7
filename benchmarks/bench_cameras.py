"""Camera-layer figures: what live view costs and how fresh it is, and how long a DSLR still
takes from the shutter command to the JPEG's bytes in memory.

* Demo camera, built-in scene, 1280x720 at 30 fps: delivered frames per second, latency of the
  newest frame (monotonic time from the moment it was produced to the moment a consumer got it),
  the acquisition thread's share of one CPU core (``time.thread_time`` inside the worker), and
  how old the frames are that a slow consumer (100 ms per frame, like live analysis) receives.
* DSLR: libgphoto2's virtual camera serving a 6000x4000 (24-megapixel) JPEG made from a real
  photo, in a subprocess because ``VCAMERADIR`` must be set before ``gphoto2`` is imported:
  open time, capture-to-bytes time, and the time to decode the still to RGB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from capture_station.cameras import open_camera  # noqa: E402
from capture_station.cameras.demo import default_scene  # noqa: E402


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def bench_demo_live(seconds: float = 5.0, fps: float = 30.0) -> dict[str, Any]:
    default_scene()  # built once per process; not part of live view
    cam = open_camera(f"demo?fps={fps:g}")
    latencies: list[float] = []
    stop = threading.Event()

    def consume() -> None:
        last = 0
        while not stop.is_set():
            f = cam.wait_frame(last, timeout=0.5)
            if f is None:
                continue
            latencies.append(time.monotonic() - f.timestamp)
            last = f.number

    try:
        cam.start_live()
        cam.wait_frame(0, timeout=5)
        time.sleep(0.5)  # warm-up
        consumer = threading.Thread(target=consume)
        s0 = cam.stats()
        t0 = time.monotonic()
        consumer.start()
        time.sleep(seconds)
        stop.set()
        consumer.join()
        wall = time.monotonic() - t0
        s1 = cam.stats()
        measured_fps = cam.fps
        # a slow consumer (100 ms of work per frame) still gets the newest frame
        ages: list[float] = []
        last = cam.latest_frame().number
        for _ in range(15):
            f = cam.wait_frame(last, timeout=1.0)
            if f is None:
                continue
            ages.append(time.monotonic() - f.timestamp)
            last = f.number
            time.sleep(0.1)
        dropped_slow = cam.dropped_frames - s1["dropped"]
    finally:
        cam.close()
    delivered = s1["frames"] - s0["frames"]
    cpu = s1["worker_cpu_seconds"] - s0["worker_cpu_seconds"]
    lat = sorted(latencies)
    return {
        "demo_fps_set": fps,
        "demo_frame_size": "1280x720",
        "demo_delivered_fps": round(delivered / wall, 2),
        "demo_measured_fps": round(measured_fps, 2),
        "demo_consumed_fps": round(len(latencies) / wall, 2),
        "demo_latency_ms_median": _ms(statistics.median(lat)) if lat else None,
        "demo_latency_ms_p95": _ms(lat[int(0.95 * (len(lat) - 1))]) if lat else None,
        "demo_acquisition_cpu_share": round(cpu / wall, 3),
        "demo_acquisition_ms_per_frame": _ms(cpu / max(1, delivered)),
        "slow_consumer_frame_age_ms_median": _ms(statistics.median(ages)) if ages else None,
        "slow_consumer_frames_skipped": int(dropped_slow),
    }


def make_24mp_jpeg(path: Path) -> int:
    """A 6000x4000 JPEG of the demo scene's real portrait, with sensor-like noise."""
    import cv2
    from PIL import Image

    scene = np.asarray(default_scene())
    h, w = scene.shape[:2]
    cw = int(h * 1.5)  # 3:2 like a DSLR sensor
    x0 = (w - cw) // 2
    big = cv2.resize(scene[:, x0 : x0 + cw], (6000, 4000), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 2.0, (4000, 6000, 1)).astype(np.float32)
    big = np.clip(big.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(big).save(path, "JPEG", quality=92)
    return path.stat().st_size


_CHILD = textwrap.dedent(
    """
    import json, statistics, sys, time
    t0 = time.perf_counter()
    import gphoto2  # noqa: F401  (VCAMERADIR is already set)
    from capture_station.cameras import open_camera
    t1 = time.perf_counter()
    cam = open_camera("gphoto2")
    t2 = time.perf_counter()
    times, size = [], 0
    still = None
    for _ in range(int(sys.argv[1])):
        a = time.perf_counter()
        still = cam.capture_still()
        times.append(time.perf_counter() - a)
        size = len(still.data)
    a = time.perf_counter()
    shape = still.rgb.shape
    decode = time.perf_counter() - a
    cam.close()
    print(json.dumps({
        "import_s": t1 - t0, "open_s": t2 - t1, "capture_to_bytes_s": times,
        "bytes": size, "decode_s": decode, "shape": list(shape),
        "live_view": cam.capabilities.live_view,
    }))
    """
)


def bench_dslr(runs: int = 5) -> dict[str, Any]:
    try:
        import gphoto2  # noqa: F401
    except ImportError:
        return {"dslr": "skipped: python-gphoto2 not installed"}
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "vcamera"
        folder.mkdir()
        size = make_24mp_jpeg(folder / "dslr_24mp.jpg")
        env = {k: v for k, v in os.environ.items() if k != "IOLIBS"}
        env["VCAMERADIR"] = str(folder)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(runs)], env=env, cwd=ROOT, capture_output=True,
            text=True, timeout=300,
        )
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"dslr": f"error: {tail}"}
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "dslr_jpeg": f"{r['shape'][1]}x{r['shape'][0]}, {size / 1e6:.1f} MB",
        "dslr_bytes_match": r["bytes"] == size,
        "dslr_open_ms": _ms(r["open_s"]),
        "dslr_capture_to_bytes_ms_median": _ms(statistics.median(r["capture_to_bytes_s"])),
        "dslr_capture_to_bytes_ms_max": _ms(max(r["capture_to_bytes_s"])),
        "dslr_decode_to_rgb_ms": _ms(r["decode_s"]),
        "dslr_live_view": r["live_view"],
    }


def run() -> dict[str, Any]:
    out: dict[str, Any] = {}
    out.update(bench_demo_live())
    out.update(bench_dslr())
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
