"""Threading behaviour of the camera layer: latest-frame semantics, the latest-wins analysis
worker, clean shutdown (no thread left behind) and reconnecting after disconnects."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from conftest_cameras import new_threads, real_images, threads, wait_until, write_image_folder

from capture_station import messages
from capture_station.cameras import (
    CameraError,
    ConnectionState,
    FrameSlot,
    LatestWinsWorker,
    ReconnectPolicy,
    create_camera,
    open_camera,
)

FAST = ReconnectPolicy(initial_delay=0.0005, max_delay=0.002, factor=2.0)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _english():
    """These tests read the cameras' messages in English (a window's test leaves Chinese)."""
    messages.set_language("en")
    yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo_frames")
    write_image_folder(d, real_images())
    return d


def _rgb(v: int = 0) -> np.ndarray:
    return np.full((4, 6, 3), v, np.uint8)


# ---------------------------------------------------------------- the latest-frame slot


def test_slot_newest_wins_and_counts_drops():
    slot = FrameSlot()
    assert slot.latest() is None
    for i in range(10):
        slot.put(_rgb(i), timestamp=float(i))
    f = slot.latest()
    assert f is not None and f.number == 10 and int(f.rgb[0, 0, 0]) == 9 and f.timestamp == 9.0
    assert slot.dropped == 9  # frames 1..9 were replaced before anyone took them
    slot.put(_rgb(10))
    assert slot.dropped == 9  # frame 10 had been taken
    assert slot.wait(after_number=10, timeout=0).number == 11


def test_slot_frames_are_read_only():
    f = FrameSlot().put(_rgb(1))
    with pytest.raises(ValueError):
        f.rgb[0, 0, 0] = 5


def test_slot_rejects_non_rgb():
    with pytest.raises(ValueError):
        FrameSlot().put(np.zeros((4, 4), np.uint8))


def test_slot_wait_times_out_and_close_wakes_waiters():
    slot = FrameSlot()
    t0 = time.monotonic()
    assert slot.wait(0, timeout=0.05) is None
    assert time.monotonic() - t0 >= 0.04
    got: list[object] = []
    th = threading.Thread(target=lambda: got.append(slot.wait(0, timeout=10)))
    th.start()
    time.sleep(0.02)
    slot.close()
    th.join(2)
    assert not th.is_alive() and got == [None]


def test_slow_consumer_sees_newest_frame_producer_never_blocks():
    slot = FrameSlot()
    stop = threading.Event()

    def produce() -> None:
        i = 0
        while not stop.is_set():
            slot.put(_rgb(i % 256))
            i += 1
            time.sleep(0.001)

    th = threading.Thread(target=produce)
    th.start()
    seen = []
    last = 0
    for _ in range(8):
        f = slot.wait(last, timeout=1.0)
        assert f is not None
        # what the consumer gets is the newest frame at that moment, not a queued old one
        assert f.number >= slot.count - 1
        seen.append(f.number)
        last = f.number
        time.sleep(0.02)  # slow consumer
    stop.set()
    th.join()
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert max(np.diff(seen)) > 1  # frames were skipped ...
    assert slot.dropped > 0  # ... and counted


# ---------------------------------------------------------------- latest-wins worker


def test_latest_wins_worker_processes_newest_and_drops_stale():
    gate = threading.Event()
    started = threading.Event()
    processed: list[int] = []
    results: list[int] = []

    def fn(x: int) -> int:
        processed.append(x)
        started.set()
        gate.wait(5)
        return x * 10

    before = threads()
    w = LatestWinsWorker(fn, results.append)
    w.submit(1)
    assert started.wait(2)
    for i in range(2, 11):  # arrive while 1 is being processed
        w.submit(i)
    gate.set()
    assert w.wait_idle(5)
    assert processed == [1, 10]
    assert results == [10, 100]
    assert w.stats == {"submitted": 10, "processed": 2, "dropped": 8, "failed": 0}
    w.close()
    assert not w.is_alive
    assert new_threads(before) == []
    with pytest.raises(RuntimeError):
        w.submit(3)


def test_latest_wins_worker_reports_errors_and_keeps_going():
    errors: list[BaseException] = []
    results: list[int] = []

    def fn(x: int) -> int:
        if x < 0:
            raise ValueError("negative")
        return x

    with LatestWinsWorker(fn, results.append, errors.append) as w:
        w.submit(-1)
        assert w.wait_idle(2)
        w.submit(5)
        assert w.wait_idle(2)
    assert [str(e) for e in errors] == ["negative"] and results == [5]
    assert w.stats["failed"] == 1


# ---------------------------------------------------------------- camera lifecycle


def test_open_close_leaves_no_thread_or_handle(folder):
    before = threads()
    for _ in range(20):
        cam = open_camera(f"demo:{folder}?fps=200")
        cam.start_live()
        assert cam.wait_frame(0, timeout=2) is not None
        cam.close()
        assert not cam.is_open and cam.state == ConnectionState.CLOSED
        assert cam._source is not None  # noqa: SLF001 - the source stays loaded, device closed
    assert new_threads(before) == []


def test_close_without_live_and_double_close(folder):
    before = threads()
    cam = open_camera(f"demo:{folder}")
    cam.close()
    cam.close()
    assert new_threads(before) == []
    with pytest.raises(CameraError, match="not open"):
        cam.capture_still()


def test_context_manager_and_reopen(folder):
    cam = create_camera(f"demo:{folder}?fps=100")
    with cam:
        cam.start_live()
        first = cam.wait_frame(0, 2)
    assert first is not None and not cam.is_open
    with cam:
        cam.start_live()
        again = cam.wait_frame(first.number, 2)
    assert again is not None and again.number > first.number


def test_close_from_a_frame_callback_does_not_deadlock(folder):
    before = threads()
    cam = open_camera(f"demo:{folder}?fps=100")
    closed = threading.Event()

    def cb(frame) -> None:  # type: ignore[no-untyped-def]
        cam.close()
        closed.set()

    cam.on_frame(cb)
    cam.start_live()
    assert closed.wait(3)
    assert new_threads(before) == []
    assert cam.state == ConnectionState.CLOSED


def test_broken_callbacks_do_not_stop_the_camera(folder):
    with open_camera(f"demo:{folder}?fps=100") as cam:
        cam.on_frame(lambda f: 1 / 0)
        cam.start_live()
        assert cam.wait_frame(3, timeout=2) is not None


def test_unsubscribe(folder):
    got: list[int] = []
    with open_camera(f"demo:{folder}?fps=100") as cam:
        unsubscribe = cam.on_frame(lambda f: got.append(f.number))
        cam.start_live()
        assert wait_until(lambda: len(got) >= 2, 2)
        unsubscribe()
        n = len(got)
        last = cam.wait_frame(0, 1).number
        assert cam.wait_frame(last + 2, 2) is not None
    assert len(got) <= n + 1


def test_still_is_not_starved_by_a_fast_live_loop(folder):
    with open_camera(f"demo:{folder}?fps=1000") as cam:
        cam.start_live()
        assert cam.wait_frame(5, 2) is not None
        t0 = time.monotonic()
        for _ in range(20):
            cam.capture_still()
        assert time.monotonic() - t0 < 2.0
        n = cam.frame_count
        assert cam.wait_frame(n, 2) is not None  # live view resumed


def test_stop_live_keeps_last_frame_and_stops_acquisition(folder):
    with open_camera(f"demo:{folder}?fps=100") as cam:
        cam.start_live()
        assert cam.wait_frame(2, 2) is not None
        cam.stop_live()
        n = cam.frame_count
        time.sleep(0.1)
        assert cam.frame_count <= n + 1
        assert cam.latest_frame() is not None
        assert not cam.is_live


# ---------------------------------------------------------------- disconnect and reconnect


def test_100_disconnect_reconnect_cycles_no_crash_no_leak(folder):
    before = threads()
    states: list[str] = []
    errors: list[str] = []
    cam = open_camera(f"demo:{folder}?fps=1000&disconnect_after=1", reconnect=FAST)
    cam.on_state(lambda s: states.append(str(s)))
    cam.on_error(lambda e: errors.append(str(e)))
    cam.start_live()
    assert wait_until(lambda: cam.stats()["reconnects"] >= 100, timeout=20)
    stats = cam.stats()
    cam.close()
    assert stats["disconnects"] >= 100
    assert stats["frames"] >= 100  # one frame per connection
    assert states.count("disconnected") >= 100 and states.count("reconnecting") >= 100
    assert states[-1] == "closed"
    assert all(e == "demo: injected disconnect" for e in errors)
    assert new_threads(before) == []


def test_reconnect_retries_with_backoff_and_reports_each_failure(folder):
    states: list[str] = []
    errors: list[str] = []
    policy = ReconnectPolicy(initial_delay=0.01, max_delay=0.04, factor=2.0)
    cam = open_camera(
        f"demo:{folder}?fps=200&disconnect_after=3&reconnect_fail=3", reconnect=policy
    )
    cam.on_state(lambda s: states.append(str(s)))
    cam.on_error(lambda e: errors.append(str(e)))
    t0 = time.monotonic()
    cam.start_live()
    assert wait_until(lambda: cam.stats()["reconnects"] >= 1, timeout=5)
    elapsed = time.monotonic() - t0
    cam.close()
    assert states[:3] == ["disconnected", "reconnecting", "connected"]
    fails = [e for e in errors if "injected reconnect failure" in e]
    assert len(fails) >= 3
    assert all(e.startswith("demo: injected") for e in errors)
    assert elapsed >= 0.01 + 0.02 + 0.04 + 0.04  # 4 waits: 3 failures, then success


def test_close_stops_reconnecting(folder):
    before = threads()
    cam = open_camera(
        f"demo:{folder}?fps=200&disconnect_after=2&reconnect_fail=1000000",
        reconnect=ReconnectPolicy(initial_delay=0.005, max_delay=0.01),
    )
    cam.start_live()
    assert wait_until(lambda: cam.state == ConnectionState.RECONNECTING, 3)
    with pytest.raises(CameraError, match="disconnected"):
        cam.capture_still()
    t0 = time.monotonic()
    cam.close()
    assert time.monotonic() - t0 < 1.0
    assert new_threads(before) == []


def test_gives_up_after_max_attempts_then_reconnect_on_request(folder):
    cam = open_camera(
        f"demo:{folder}?fps=200&disconnect_after=2&reconnect_fail=2",
        reconnect=ReconnectPolicy(initial_delay=0.001, max_delay=0.002, max_attempts=2),
    )
    errors: list[str] = []
    cam.on_error(lambda e: errors.append(str(e)))
    cam.start_live()
    assert wait_until(lambda: any("gave up" in e for e in errors), 3)
    assert cam.state == ConnectionState.DISCONNECTED
    cam.reconnect()
    assert wait_until(lambda: cam.state == ConnectionState.CONNECTED, 3)
    cam.close()


def test_still_after_reconnect_works(folder):
    with open_camera(f"demo:{folder}?fps=200&disconnect_after=5", reconnect=FAST) as cam:
        cam.start_live()
        assert wait_until(lambda: cam.stats()["reconnects"] >= 2, 5)
        for _ in range(3):
            try:
                still = cam.capture_still()
            except CameraError:  # may hit the moment of a disconnect
                continue
            assert still.rgb.shape == (240, 320, 3)
            break
        else:
            pytest.fail("no still between disconnects")
