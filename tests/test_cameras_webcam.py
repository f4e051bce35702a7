"""The webcam camera, driven through OpenCV's VideoCapture with a real video file written here
(MJPG .avi of a real photograph), plus the errors for devices that do not exist."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest_cameras import astronaut, new_threads, threads, wait_until, write_mjpg_video

from capture_station import messages
from capture_station.cameras import CameraError, CameraInfo, open_camera
from capture_station.cameras.webcam import WebcamCamera, list_webcams, sharpness

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _english():
    """These tests read the cameras' messages in English (a window's test leaves Chinese)."""
    messages.set_language("en")
    yield

N_FRAMES = 16


def _frames() -> list[np.ndarray]:
    """Real photo frames; odd frames are out of focus, brightness rises frame by frame."""
    base = astronaut()
    out = []
    for i in range(N_FRAMES):
        img = cv2.GaussianBlur(base, (0, 0), 4) if i % 2 else base
        out.append(cv2.add(img, np.full_like(img, 3 * i)))
    return out


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_mjpg_video(tmp_path_factory.mktemp("webcam") / "astronaut.avi", _frames(), 30)


def test_video_file_plays_through_videocapture_in_rgb_unmirrored(video):
    before = threads()
    cam = open_camera(f"webcam:{video}")
    assert isinstance(cam, WebcamCamera) and cam.is_file
    assert cam.resolution == (512, 512)
    assert cam.reported_fps == pytest.approx(30, abs=0.5)
    cam.start_live()
    first = cam.wait_frame(0, 2)
    assert first is not None
    rgb = first.rgb.astype(int)
    ref = _frames()[0].astype(int)
    assert rgb.shape == (512, 512, 3)
    err = np.abs(rgb - ref).mean()
    assert err < 4  # MJPG round trip
    assert np.abs(rgb - ref[..., ::-1]).mean() > 4 * err  # not BGR
    assert np.abs(rgb - ref[:, ::-1]).mean() > 4 * err  # not mirrored
    cam.close()
    assert new_threads(before) == []


def test_file_is_paced_at_its_frame_rate_and_loops(video):
    with open_camera(f"webcam:{video}") as cam:
        cam.start_live()
        first = cam.wait_frame(0, 2)
        assert wait_until(lambda: cam.frame_count >= first.number + N_FRAMES + 4, 3)
        last = cam.latest_frame()
        rate = (last.number - first.number) / (last.timestamp - first.timestamp)
        assert 25 <= rate <= 35


def test_still_is_the_sharpest_of_the_recent_frames(video):
    with open_camera(f"webcam:{video}?fps=100") as cam:
        cam.start_live()
        assert wait_until(lambda: cam.frame_count >= 10, 3)
        cam.stop_live()  # freeze the ring of recent frames
        recent = [f.rgb for f in cam._ring]  # noqa: SLF001
        still = cam.capture_still()
    scores = [sharpness(rgb) for rgb in recent]
    assert len(recent) == 8
    assert still.metadata["scorer"] == "sharpness" and still.metadata["from"] == "ring"
    assert np.array_equal(still.rgb, recent[int(np.argmax(scores))])
    assert sharpness(still.rgb) > 3 * min(scores)  # an in-focus frame, not a blurred one
    assert still.data is None and still.rgb.flags.writeable


def test_still_scorer_is_pluggable(video):
    cam = WebcamCamera(str(video), fps=100, still_scorer=lambda rgb: float(rgb.mean()))
    with cam:
        cam.start_live()
        assert wait_until(lambda: cam.frame_count >= 10, 3)
        cam.stop_live()
        recent = [f.rgb for f in cam._ring]  # noqa: SLF001
        still = cam.capture_still()
    assert still.metadata["scorer"] == "custom"
    brightest = max(recent, key=lambda rgb: float(rgb.mean()))
    assert np.array_equal(still.rgb, brightest)
    assert still.metadata["score"] == pytest.approx(float(brightest.mean()))


def test_a_failing_scorer_falls_back_to_sharpness(video):
    def broken(rgb):  # type: ignore[no-untyped-def]
        raise RuntimeError("model not loaded")

    errors: list = []
    with WebcamCamera(str(video), fps=100, still_scorer=broken) as cam:
        cam.on_error(errors.append)
        still = cam.capture_still()
    assert still.rgb.shape == (512, 512, 3)
    assert errors and "still scorer failed" in str(errors[0])


def test_still_without_live_view_reads_a_burst(video):
    with open_camera(f"webcam:{video}") as cam:
        still = cam.capture_still()
    assert still.metadata["from"] == "burst" and still.metadata["candidates"] == 5
    assert still.rgb.shape == (512, 512, 3)
    assert sharpness(still.rgb) > 3 * sharpness(cv2.GaussianBlur(astronaut(), (0, 0), 4))


def test_settings_report_the_real_resolution(video):
    with open_camera(f"webcam:{video}") as cam:
        s = cam.settings()
    assert s["resolution"].value == "512x512" and s["resolution"].readonly
    assert s["fps"].value == "30"


def test_nonexistent_device_index_is_a_clear_error():
    before = threads()
    with pytest.raises(CameraError) as e:
        open_camera("webcam:97")
    msg = str(e.value)
    assert "webcam 97" in msg and "\n" not in msg
    assert new_threads(before) == []


def test_missing_and_broken_video_files(tmp_path):
    with pytest.raises(CameraError, match="no such video file"):
        open_camera(f"webcam:{tmp_path / 'missing.avi'}")
    bad = tmp_path / "broken.avi"
    bad.write_bytes(b"not a video at all" * 100)
    with pytest.raises(CameraError, match="broken.avi"):
        open_camera(f"webcam:{bad}")


def test_list_webcams_returns_camera_infos():
    infos = list_webcams()
    assert isinstance(infos, list)
    for info in infos:
        assert isinstance(info, CameraInfo) and info.kind == "webcam"
        assert info.spec.startswith("webcam:") and info.live_view


def test_sharpness_prefers_focus():
    img = astronaut()
    assert sharpness(img) > 5 * sharpness(cv2.GaussianBlur(img, (0, 0), 3))
