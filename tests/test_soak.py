"""Long run: the demo camera at 30 fps with live analysis on the latest-wins worker.

CI runs it for SOAK_SECONDS (default 90 s); ``make soak`` runs it for 15 minutes. After a
warm-up, memory may grow by less than 5 %, threads and file descriptors not at all, and the
camera keeps delivering frames at its rate.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "90"))
WARMUP = min(20.0, SOAK_SECONDS / 4)


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
@pytest.mark.skipif(bool(os.environ.get("CAPTURE_STATION_EMULATED")),
                    reason="an emulated CPU cannot keep a 30 fps camera and its analysis going: "
                           "the camera watchdog and the frame rate are about real time")
def test_soak_live_view_with_analysis(standard):
    from capture_station.cameras import open_camera
    from capture_station.cameras.worker import LatestWinsWorker
    from capture_station.checks import Mode
    from capture_station.imaging.face_analysis import FaceAnalyzer
    from capture_station.photo.pipeline import Pipeline

    pipe = Pipeline(standard)
    local = threading.local()
    results: list[int] = [0, 0]  # analyses done, analyses with a face

    def analyse(frame):
        an = getattr(local, "an", None)
        if an is None:
            an = local.an = FaceAnalyzer(live=True)
        return pipe.analyse_rgb(frame.rgb, 1.0, Mode.LIVE, analyzer=an)

    def done(shot) -> None:
        results[0] += 1
        results[1] += shot.face is not None

    cam = open_camera("demo?fps=30")
    worker = LatestWinsWorker(analyse, done)
    cam.start_live()
    t_start = time.monotonic()
    last = 0
    base: dict[str, float] = {}
    try:
        while True:
            now = time.monotonic() - t_start
            f = cam.wait_frame(last, timeout=1.0)
            assert f is not None, "the camera stopped delivering frames"
            last = f.number
            worker.submit(f)
            if not base and now >= WARMUP:
                base = {"rss": _rss_kb(), "threads": threading.active_count(), "fds": _fds(),
                        "frames": cam.frame_count, "t": now}
            if now >= SOAK_SECONDS:
                break
        end = {"rss": _rss_kb(), "threads": threading.active_count(), "fds": _fds(),
               "frames": cam.frame_count, "t": time.monotonic() - t_start}
    finally:
        cam.close()
        worker.close()
    fps = (end["frames"] - base["frames"]) / (end["t"] - base["t"])
    growth = (end["rss"] - base["rss"]) / base["rss"]
    print(f"soak {SOAK_SECONDS:.0f}s: fps={fps:.1f} rss {base['rss']}->{end['rss']} kB "
          f"({growth * 100:+.2f}%), threads {base['threads']}->{end['threads']}, "
          f"fds {base['fds']}->{end['fds']}, analyses {results[0]} ({results[1]} with a face)")
    assert growth < 0.05, growth
    assert end["threads"] <= base["threads"]
    assert end["fds"] <= base["fds"]
    assert fps >= 24, fps  # 30 fps source on a loaded 2-core machine
    assert results[0] > SOAK_SECONDS * 3 and results[1] >= 0.95 * results[0]
