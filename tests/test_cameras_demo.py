"""The demo camera (built-in scene, folders, videos, fault injection), camera specs, and the
``cameras``/``capture`` subcommands."""

from __future__ import annotations

import argparse
import io
import json
import time
from contextlib import redirect_stderr, redirect_stdout

import cv2
import numpy as np
import pytest
from conftest_cameras import real_images, wait_until, write_image_folder, write_mjpg_video

from capture_station import messages
from capture_station.cameras import (
    CameraError,
    ConnectionState,
    create_camera,
    list_cameras,
    open_camera,
    parse_spec,
)
from capture_station.cameras.demo import BACKDROP_RGB, DemoCamera, default_scene
from capture_station.cli import camera_commands

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def _english():
    """These tests read the cameras' messages in English (a window's test leaves Chinese)."""
    messages.set_language("en")
    yield


@pytest.fixture(scope="module")
def scene() -> np.ndarray:
    return default_scene()


@pytest.fixture(scope="module")
def images():
    return real_images()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, images):
    d = tmp_path_factory.mktemp("demo_folder")
    write_image_folder(d, images)
    return d


# ---------------------------------------------------------------- the built-in scene


def _face_mesh(rgb: np.ndarray):  # type: ignore[no-untyped-def]
    mp = pytest.importorskip("mediapipe")  # the independent measure: where its wheel exists

    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True) as fm:
        res = fm.process(rgb)
    assert res.multi_face_landmarks, "no face found in the demo scene"
    lm = res.multi_face_landmarks[0].landmark
    h, w = rgb.shape[:2]
    return lambda i: (lm[i].x * w, lm[i].y * h)


def test_scene_is_a_landscape_frame_with_the_face_where_the_station_expects_it(scene):
    assert scene.shape == (720, 1280, 3) and scene.dtype == np.uint8
    pt = _face_mesh(scene)
    cheek_l, cheek_r = pt(234), pt(454)
    face_width = cheek_r[0] - cheek_l[0]
    assert 235 <= face_width <= 265
    eye_y = (pt(468)[1] + pt(473)[1]) / 2
    assert 285 <= eye_y <= 325
    assert abs((cheek_l[0] + cheek_r[0]) / 2 - 640) < 12
    # head top (the hair) well inside the frame, with room above it
    person = np.abs(scene.astype(int) - BACKDROP_RGB).max(axis=2) > 12
    top = int(np.flatnonzero(person[:, 560:720].any(axis=1))[0])
    assert 50 <= top <= 130


def test_scene_sitter_wears_no_cap(scene):
    """The portrait's Navy cap is gone: above the eyebrows there is grey hair and forehead,
    no dark navy cloth and no white cap top, and the crown sits at a natural height (about
    as far above the eyes as the chin is below them)."""
    pt = _face_mesh(scene)
    eye_y = (pt(468)[1] + pt(473)[1]) / 2
    chin_y = pt(152)[1]
    cheek_l, cheek_r = pt(234)[0], pt(454)[0]
    person = np.abs(scene.astype(int) - BACKDROP_RGB).max(axis=2) > 12
    cols = slice(int(cheek_l), int(cheek_r))
    top = int(np.flatnonzero(person[:, cols].any(axis=1))[0])
    assert 0.85 <= (eye_y - top) / (chin_y - eye_y) <= 1.35
    head = scene[top : int(eye_y - 0.35 * (chin_y - eye_y)), cols]
    hsv = cv2.cvtColor(np.ascontiguousarray(head), cv2.COLOR_RGB2HSV)
    navy = (hsv[..., 2] < 70) | ((hsv[..., 0] > 100) & (hsv[..., 0] < 135) & (hsv[..., 1] > 80))
    assert navy.mean() < 0.01
    hair = scene[top + 8 : top + 40, int(cheek_l + 40) : int(cheek_r - 40)].reshape(-1, 3)
    grey = np.abs(hair.astype(int) - hair.mean(axis=1, keepdims=True)).max(axis=1) < 20
    assert grey.mean() > 0.9 and 120 < hair.mean() < 230  # grey hair, not skin or backdrop


def test_scene_backdrop_is_even_near_white(scene):
    for region in (scene[:60, :200], scene[:60, -200:], scene[300:500, :150], scene[300:500, -150:]):
        assert np.abs(region.astype(int) - 250).max() <= 2
    # no vignetting: corners as bright as the centre top
    assert abs(int(scene[:40, :40].mean()) - int(scene[:40, 620:660].mean())) <= 1


def test_scene_is_not_mirrored(scene):
    """The face of the original portrait, scaled as in the scene, matches the scene far
    better than its mirror image."""
    import matplotlib.cbook as cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        original = np.asarray(Image.open(fh).convert("RGB"))
    face = original[160:330, 180:350]  # eyes, glasses, nose, mouth: clearly asymmetric
    s = 250 / (355.3 - 174.6)
    face = cv2.resize(face, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC)
    straight = cv2.matchTemplate(scene, face, cv2.TM_CCOEFF_NORMED).max()
    mirrored = cv2.matchTemplate(scene, np.ascontiguousarray(face[:, ::-1]), cv2.TM_CCOEFF_NORMED).max()
    assert straight > 0.8, (straight, mirrored)
    assert straight > mirrored + 0.2, (straight, mirrored)


def test_scene_is_cached(scene):
    assert default_scene() is scene
    assert not scene.flags.writeable


def test_demo_frames_sway_gently_with_sensor_noise(scene):
    with open_camera("demo?fps=60") as cam:
        cam.start_live()
        frames = []
        last = 0
        while len(frames) < 20:
            f = cam.wait_frame(last, timeout=2)
            assert f is not None
            frames.append(f)
            last = f.number
    a, b = frames[0].rgb, frames[-1].rgb
    assert a.shape == scene.shape
    noise = a[:80, :200].astype(float) - 250
    assert 1.4 < noise.std() < 2.6  # gaussian sensor noise, sigma about 2
    assert not np.array_equal(a, b)
    # motion is a small translation: the frame stays close to the scene
    diff = np.abs(cv2.GaussianBlur(b, (0, 0), 2).astype(int) - cv2.GaussianBlur(scene, (0, 0), 2))
    assert diff.mean() < 6


def test_still_is_the_full_frame_and_writable(scene):
    with open_camera("demo") as cam:
        still = cam.capture_still()  # without live view: a fresh frame
        assert still.rgb.shape == (720, 1280, 3)
        assert still.data is None and still.filename is None
        still.rgb[0, 0] = 0  # the caller owns it
        cam.start_live()
        f = cam.wait_frame(0, 2)
        assert f is not None
        still = cam.capture_still()
        assert still.rgb.shape == (720, 1280, 3)
        assert still.metadata["frame_number"] >= f.number
        assert cam.capabilities.live_view and not cam.capabilities.full_resolution_capture


def test_scene_size_is_configurable():
    with open_camera("demo?size=640x360&fps=50") as cam:
        cam.start_live()
        f = cam.wait_frame(0, 5)
        assert f is not None and f.rgb.shape == (360, 640, 3)
        assert cam.settings()["size"].value == "640x360"


# ---------------------------------------------------------------- playback


def _collect(cam, n: int, timeout: float = 5.0) -> list:  # type: ignore[no-untyped-def]
    got: list = []
    cam.on_frame(got.append)
    cam.start_live()
    assert wait_until(lambda: len(got) >= n, timeout)
    return got[:n]


def test_demo_plays_at_the_set_rate(folder):
    with open_camera(f"demo:{folder}?fps=20") as cam:
        cam.start_live()
        first = cam.wait_frame(0, 2)
        assert first is not None
        time.sleep(1.0)
        last = cam.latest_frame()
        rate = (last.number - first.number) / (last.timestamp - first.timestamp)
        assert 18 <= rate <= 22
        assert 18 <= cam.fps <= 22


def test_folder_frames_cycle_in_name_order(folder, images):
    with open_camera(f"demo:{folder}?fps=100&hold=0") as cam:
        frames = _collect(cam, 7)
    for i, f in enumerate(frames):
        assert np.array_equal(f.rgb, images[i % 3])  # exact: no sway, no noise for files
    assert [f.number for f in frames] == list(range(1, 8))


def test_folder_pictures_stay_for_the_hold_time(folder, images):
    """Each picture of a folder is a sitter in front of the camera for a few seconds, not a
    new face on every frame (the default hold is 3 s)."""
    with open_camera(f"demo:{folder}?fps=50") as cam:
        frames = _collect(cam, 40, timeout=10)
    assert all(np.array_equal(f.rgb, images[0]) for f in frames)  # 0.8 s: still the first
    with open_camera(f"demo:{folder}?fps=50&hold=0.5") as cam:
        got: list = []
        cam.on_frame(got.append)
        cam.start_live()
        assert wait_until(lambda: len(got) >= 80, 10)
    shown = [next(i for i, im in enumerate(images) if np.array_equal(f.rgb, im)) for f in got[:80]]
    runs = [shown[0]]
    lengths = [1]
    for i in shown[1:]:
        if i == runs[-1]:
            lengths[-1] += 1
        else:
            runs.append(i)
            lengths.append(1)
    assert runs[:3] == [0, 1, 2]  # in name order
    assert all(n == 25 for n in lengths[1:-1])  # 0.5 s at 50 fps, each picture
    timestamps = [f.timestamp for f in got[:80]]
    first_change = timestamps[lengths[0]]
    second_change = timestamps[lengths[0] + lengths[1]]
    assert 0.35 <= second_change - first_change <= 0.8


def test_video_file_plays_in_a_loop(tmp_path, images):
    path = write_mjpg_video(tmp_path / "clip.avi", images * 2, fps=25)
    with open_camera(f"demo:{path}?fps=100") as cam:
        frames = _collect(cam, 9)
    assert all(f.rgb.shape == (240, 320, 3) for f in frames)
    # frame 7 is the first frame again (6-frame clip)
    assert np.abs(frames[6].rgb.astype(int) - frames[0].rgb).mean() < 1
    assert np.abs(frames[0].rgb.astype(int) - images[0]).mean() < 6  # MJPG, RGB order


def test_size_option_fits_files_without_distortion(folder, images):
    with open_camera(f"demo:{folder}?fps=100&size=160x160") as cam:
        frames = _collect(cam, 1)
    f = frames[0].rgb
    assert f.shape == (160, 160, 3)
    expected = cv2.resize(images[0], (213, 160), interpolation=cv2.INTER_AREA)[:, 26:186]
    assert np.abs(f.astype(int) - expected).mean() < 3


def test_single_image_file(folder):
    path = sorted(folder.iterdir())[1]
    with open_camera(f"demo:{path}?fps=100") as cam:
        frames = _collect(cam, 2)
    assert np.array_equal(frames[0].rgb, frames[1].rgb)


def test_fps_setting(folder):
    with open_camera(f"demo:{folder}?fps=10") as cam:
        settings = cam.settings()
        assert settings["fps"].value == "10" and "30" in settings["fps"].choices
        cam.set_setting("fps", "50")
        cam.start_live()
        first = cam.wait_frame(0, 2)
        time.sleep(0.5)
        last = cam.latest_frame()
        assert (last.number - first.number) / (last.timestamp - first.timestamp) > 40
        with pytest.raises(CameraError):
            cam.set_setting("fps", "fast")
        with pytest.raises(CameraError):
            cam.set_setting("size", "10x10")


# ---------------------------------------------------------------- fault injection


def test_drop_every_skips_frames(folder):
    with open_camera(f"demo:{folder}?fps=100&drop_every=2") as cam:
        cam.start_live()
        first = cam.wait_frame(0, 2)
        time.sleep(0.6)
        last = cam.latest_frame()
        rate = (last.number - first.number) / (last.timestamp - first.timestamp)
        assert 40 <= rate <= 60
        assert cam.injected["dropped"] >= 25


def test_slow_ms_slows_delivery(folder):
    with open_camera(f"demo:{folder}?fps=100&slow_ms=50") as cam:
        cam.start_live()
        first = cam.wait_frame(0, 2)
        time.sleep(0.6)
        last = cam.latest_frame()
        rate = (last.number - first.number) / (last.timestamp - first.timestamp)
        assert rate <= 21


def test_fail_next_still(folder):
    with open_camera(f"demo:{folder}") as cam:
        cam.fail_next_still()
        with pytest.raises(CameraError, match="injected still failure"):
            cam.capture_still()
        assert cam.capture_still().rgb.shape == (240, 320, 3)


def test_disconnect_and_reconnect_states(folder):
    from capture_station.cameras import ReconnectPolicy

    states: list[ConnectionState] = []
    cam = DemoCamera(
        str(folder), fps=200, disconnect_after=4, reconnect_fail=1,
        reconnect=ReconnectPolicy(0.001, 0.002),
    )
    cam.on_state(states.append)
    cam.open()
    cam.start_live()
    assert wait_until(lambda: cam.stats()["reconnects"] >= 1, 3)
    cam.close()
    assert states[:4] == ["connected", "disconnected", "reconnecting", "connected"]
    assert cam.injected["reconnect_failures"] >= 1


# ---------------------------------------------------------------- specs and errors


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("demo", ("demo", "", {})),
        ("demo:", ("demo", "", {})),
        ("demo:/x/y?fps=30", ("demo", "/x/y", {"fps": "30"})),
        ("demo?fps=15&size=640x360", ("demo", "", {"fps": "15", "size": "640x360"})),
        ("webcam:0", ("webcam", "0", {})),
        ("webcam:/v/clip.mp4", ("webcam", "/v/clip.mp4", {})),
        ("gphoto2", ("gphoto2", "", {})),
        ("gphoto2:usb:001,004", ("gphoto2", "usb:001,004", {})),
        ("DSLR", ("gphoto2", "", {})),
        (r"demo:C:\photos\set", ("demo", r"C:\photos\set", {})),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("scanner:1", "unknown kind"),
        ("demo?fps", "NAME=VALUE"),
        ("demo?colour=red", "unknown option"),
        ("demo?fps=fast", "must be a number"),
        ("demo?size=big", "1280x720"),
        ("demo?fps=0", "fps must be positive"),
        ("webcam:0?width=640", "both width and height"),
        ("webcam:0?backend=quicktime", "unknown backend"),
    ],
)
def test_bad_specs_are_one_line_camera_errors(spec, message):
    with pytest.raises(CameraError) as e:
        create_camera(spec)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_missing_demo_path(tmp_path):
    with pytest.raises(CameraError, match="no such file or folder"):
        open_camera(f"demo:{tmp_path / 'nothing'}")
    with pytest.raises(CameraError, match="no images"):
        open_camera(f"demo:{tmp_path}")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(CameraError, match="neither an image nor a video"):
        open_camera(f"demo:{tmp_path / 'notes.txt'}")


def test_list_cameras_always_has_the_demo():
    infos = list_cameras()
    demo = [i for i in infos if i.kind == "demo"]
    assert len(demo) == 1 and demo[0].spec == "demo" and demo[0].live_view
    assert all(i.kind in ("webcam", "gphoto2", "demo") for i in infos)


def test_works_without_gphoto2(monkeypatch):
    """As on Windows: python-gphoto2 missing leaves listing intact and gives a clear error."""
    import sys

    monkeypatch.setitem(sys.modules, "gphoto2", None)  # makes "import gphoto2" fail
    assert [i.kind for i in list_cameras(webcams=False)] == ["demo"]
    with pytest.raises(CameraError, match="gphoto2 is not available"):
        open_camera("gphoto2")


# ---------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="capture-station")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--standard", default=None)
    camera_commands.register(p.add_subparsers(dest="command"))
    return p


def _run(argv: list[str]) -> tuple[int, str, str]:
    args = _parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = args.func(args)
    return code, out.getvalue(), err.getvalue()


def test_cli_cameras_lists_demo():
    code, out, _ = _run(["cameras", "--json"])
    assert code == 0
    listed = json.loads(out)
    assert {"kind": "demo", "name": "Demo camera (built-in scene)", "spec": "demo",
            "port": "built-in", "live_view": True} in listed
    code, out, _ = _run(["cameras"])
    assert code == 0 and "LIVE VIEW" in out.splitlines()[0] and "demo" in out


def test_cli_capture_hands_the_frame_to_the_pipeline(monkeypatch, tmp_path, folder, images):
    calls = []

    def fake(source, args):  # type: ignore[no-untyped-def]
        calls.append((source, args))
        return 0

    monkeypatch.setattr(camera_commands, "run_process_command", fake)
    code, _, err = _run(
        ["--data-dir", str(tmp_path), "capture", "--camera", f"demo:{folder}", "--id", "012345678901",
         "--force", "--json"]
    )
    assert code == 0, err
    (source, args), = calls
    from capture_station.imaging.image_source import ArraySource

    assert isinstance(source, ArraySource)
    assert source.rgb.shape == (240, 320, 3)
    assert any(np.array_equal(source.rgb, img) for img in images)
    assert args.original is None and args.id == "012345678901" and args.force and args.json
    assert args.data_dir == str(tmp_path)  # a global option given before the subcommand survives


def test_cli_capture_camera_error_is_one_line_exit_2():
    code, out, err = _run(["capture", "--camera", "webcam:97", "--id", "012345678901"])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "webcam 97" in err


def test_cli_capture_refuses_a_bad_id_before_shooting(monkeypatch):
    monkeypatch.setattr(camera_commands, "take_still", lambda *a, **k: pytest.fail("shot anyway"))
    code, _, err = _run(["capture", "--camera", "demo", "--id", "12"])
    assert code == 2 and "candidate ID" in err


def test_cli_capture_demo_end_to_end(tmp_path):
    """The built-in scene goes through the real pipeline to a compliant 480x640 photo."""
    pytest.importorskip("capture_station.photo.pipeline")
    code, out, err = _run(
        ["capture", "--camera", "demo", "--id", "012345678901", "--out", str(tmp_path)]
    )
    assert code == 0, out + err
    from PIL import Image

    with Image.open(tmp_path / "012345678901.jpg") as im:
        assert im.size == (480, 640)
