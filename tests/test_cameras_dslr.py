"""The gphoto2 DSLR camera.

End to end with libgphoto2's virtual camera from the python-gphoto2 wheel (a Nikon at
``usb:001,001`` that serves the JPEGs of ``VCAMERADIR`` and has no live view); see
``conftest_cameras.use_virtual_camera`` for how the environment is set. Faults the virtual
camera cannot produce (unplugging during live view, a busy camera, the automounter holding the
USB device) are simulated with a small stand-in for the gphoto2 camera object that raises the
real ``gphoto2.GPhoto2Error`` codes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import textwrap
import threading
from collections import deque
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest_cameras import (
    astronaut,
    jpeg_bytes,
    new_threads,
    threads,
    use_virtual_camera,
    wait_until,
)

from capture_station import messages
from capture_station.cameras import (
    CameraDisconnected,
    CameraError,
    ConnectionState,
    ReconnectPolicy,
    list_cameras,
    open_camera,
)
from capture_station.cameras.dslr import GPhoto2Camera
from capture_station.cli import camera_commands

gp = pytest.importorskip("gphoto2")

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english():
    """These tests read the cameras' messages in English (a window's test leaves Chinese)."""
    messages.set_language("en")
    yield


@pytest.fixture
def vcam(tmp_path, monkeypatch):
    """A virtual camera serving one real photo; returns the JPEG's bytes."""
    folder = tmp_path / "vcamera"
    folder.mkdir()
    data = jpeg_bytes(astronaut(), quality=90)
    (folder / "astronaut.jpg").write_bytes(data)
    use_virtual_camera(monkeypatch, folder)
    return data


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------- the virtual camera


def test_virtual_dslr_end_to_end(vcam):
    before = threads()
    cam = open_camera("gphoto2")
    try:
        assert isinstance(cam, GPhoto2Camera)
        assert cam.model == "Nikon DSC D750" and cam.port == "usb:001,001"
        assert cam.capabilities.live_view is False
        assert cam.capabilities.full_resolution_capture is True
        still = cam.capture_still()
        assert sha(still.data) == sha(vcam)  # the camera's file, byte for byte
        assert still.filename.upper().endswith(".JPG")
        assert still.metadata["width"] == 512 and still.metadata["bytes"] == len(vcam)
        assert not still.decoded  # decoded on demand only
        assert still.rgb.shape == (512, 512, 3)
        assert np.abs(still.rgb.astype(int) - astronaut()).mean() < 3
        # no live view: the live loop delivers nothing, callers show the last still
        cam.start_live()
        assert cam.wait_frame(0, timeout=0.3) is None
        cam.stop_live()
        again = cam.capture_still()
        assert sha(again.data) == sha(vcam) and again.filename != still.filename
    finally:
        cam.close()
    assert new_threads(before) == []


def test_virtual_dslr_settings(vcam):
    with open_camera("gphoto2") as cam:
        s = cam.settings()
        assert {"aperture", "shutter_speed", "capture_target"} <= set(s)
        assert s["aperture"].key == "f-number" and "f/4" in s["aperture"].choices
        assert s["shutter_speed"].kind == "choice" and len(s["shutter_speed"].choices) > 3
        cam.set_setting("aperture", "f/4")
        assert cam.settings()["aperture"].value == "f/4"
        cam.set_setting("f-number", "f/8")  # the camera's own widget name works too
        assert cam.settings()["aperture"].value == "f/8"
        with pytest.raises(CameraError, match="choices"):
            cam.set_setting("aperture", "f/99")
        with pytest.raises(CameraError, match="no ISO setting"):
            cam.set_setting("iso", "100")
        with pytest.raises(CameraError, match="no setting named"):
            cam.set_setting("warp-drive", "on")


def test_virtual_dslr_by_port(vcam):
    with open_camera("gphoto2:usb:001,001") as cam:
        assert cam.port == "usb:001,001"
        assert sha(cam.capture_still().data) == sha(vcam)
    with pytest.raises(CameraError, match=r"no camera at usb:009,009 \(found: Nikon DSC D750"):
        open_camera("gphoto2:usb:009,009")


def test_list_cameras_finds_the_virtual_dslr(vcam):
    infos = list_cameras()
    dslr = [i for i in infos if i.kind == "gphoto2"]
    assert len(dslr) == 1
    assert dslr[0].spec == "gphoto2:usb:001,001" and dslr[0].live_view is False
    assert "D750" in dslr[0].name
    assert any(i.kind == "demo" for i in infos)


def test_virtual_dslr_with_vcameradir_set_before_import(tmp_path):
    """The documented way: VCAMERADIR in the environment before gphoto2 is imported."""
    folder = tmp_path / "v"
    folder.mkdir()
    data = jpeg_bytes(astronaut()[::2, ::2].copy(), quality=85)
    (folder / "shot.jpg").write_bytes(data)
    code = textwrap.dedent(
        """
        import hashlib
        from capture_station.cameras import open_camera
        cam = open_camera("gphoto2")
        still = cam.capture_still()
        print(hashlib.sha256(still.data).hexdigest(), cam.capabilities.live_view)
        cam.close()
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "IOLIBS"}
    env["VCAMERADIR"] = str(folder)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [sha(data), "False"]


def test_no_camera_found_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("VCAMERADIR", raising=False)
    iolibs = Path(gp.__file__).parent / "libgphoto2" / "iolibs"
    if iolibs.is_dir():
        monkeypatch.setenv("IOLIBS", str(iolibs))
    if gp.Camera.autodetect().count():
        pytest.skip("a real camera is connected")
    with pytest.raises(CameraError, match="no gphoto2 camera found") as e:
        open_camera("gphoto2")
    assert "\n" not in str(e.value)


def test_cli_capture_passes_the_original_jpeg(vcam, monkeypatch):
    calls = []
    monkeypatch.setattr(
        camera_commands, "run_process_command",
        lambda source, args: calls.append((source, args)) or 1,
    )
    parser = argparse.ArgumentParser()
    camera_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["capture", "--camera", "gphoto2", "--id", "012345678901"])
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert args.func(args) == 1, err.getvalue()
    (source, got), = calls
    from capture_station.imaging.image_source import SourceImage

    assert isinstance(source, SourceImage)
    assert source.data == vcam and source.size == (512, 512)
    filename, data = got.original
    assert data == vcam and filename.upper().endswith(".JPG") and source.name == filename


# ---------------------------------------------------------------- stand-in camera object


class _File:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def get_data_and_size(self) -> memoryview:
        return memoryview(self._data)


class FakeGpCamera:
    """Stands in for ``gphoto2.Camera`` after ``init()``. Queued error codes are raised by the
    next calls (0 means: succeed)."""

    model = "Fake EOS"
    port = "usb:002,007"

    def __init__(self, preview: bytes | None, still: bytes, still_name: str = "IMG_0001.JPG"):
        self.preview = preview
        self.still = still
        self.still_name = still_name
        self.preview_codes: deque[int] = deque()
        self.capture_codes: deque[int] = deque()
        self.events: deque[tuple[int, object]] = deque()
        self.previews = 0
        self.exits = 0
        self.captured: list[str] = []

    def capture_preview(self) -> _File:
        assert self.exits == 0, "used after exit()"
        if self.preview_codes:
            code = self.preview_codes.popleft()
            if code:
                raise gp.GPhoto2Error(code)
        if self.preview is None:
            raise gp.GPhoto2Error(gp.GP_ERROR_NOT_SUPPORTED)
        self.previews += 1
        return _File(self.preview)

    def capture(self, kind: int) -> SimpleNamespace:
        assert self.exits == 0, "used after exit()"
        assert kind == gp.GP_CAPTURE_IMAGE
        if self.capture_codes:
            code = self.capture_codes.popleft()
            if code:
                raise gp.GPhoto2Error(code)
        self.captured.append(self.still_name)
        return SimpleNamespace(folder="/store_00020001/DCIM/100CANON", name=self.still_name)

    def wait_for_event(self, timeout_ms: int) -> tuple[int, object]:
        if self.events:
            return self.events.popleft()
        return gp.GP_EVENT_TIMEOUT, None

    def file_get(self, folder: str, name: str, kind: int) -> _File:
        assert kind == gp.GP_FILE_TYPE_NORMAL
        return _File(self.still)

    def exit(self) -> None:
        self.exits += 1


class Factory:
    def __init__(self, make, open_codes=()):  # type: ignore[no-untyped-def]
        self.make = make
        self.open_codes = deque(open_codes)
        self.cameras: list[FakeGpCamera] = []

    def __call__(self) -> FakeGpCamera:
        if self.open_codes:
            code = self.open_codes.popleft()
            if code:
                raise gp.GPhoto2Error(code)
        cam = self.make()
        self.cameras.append(cam)
        return cam


FAST = ReconnectPolicy(initial_delay=0.001, max_delay=0.005)


@pytest.fixture(scope="module")
def preview_jpeg() -> bytes:
    return jpeg_bytes(astronaut()[::4, ::4].copy(), quality=80)  # 128x128 live-view frame


@pytest.fixture(scope="module")
def still_jpeg() -> bytes:
    return jpeg_bytes(astronaut(), quality=92)


def _camera(factory: Factory, **kw) -> GPhoto2Camera:  # type: ignore[no-untyped-def]
    kw.setdefault("reconnect", FAST)
    kw.setdefault("busy_delay", 0.001)
    return GPhoto2Camera(camera_factory=factory, **kw)


def test_standin_live_view_frames(preview_jpeg, still_jpeg):
    before = threads()
    f = Factory(lambda: FakeGpCamera(preview_jpeg, still_jpeg))
    cam = _camera(f)
    cam.open()
    assert cam.capabilities.live_view and cam.name == "Fake EOS (usb:002,007)"
    cam.start_live()
    frame = cam.wait_frame(0, 2)
    assert frame is not None and frame.rgb.shape == (128, 128, 3)
    from PIL import Image

    decoded = np.asarray(Image.open(io.BytesIO(preview_jpeg)).convert("RGB"))
    assert np.array_equal(frame.rgb, decoded)  # RGB as decoded, not mirrored
    assert sha(cam.capture_still().data) == sha(still_jpeg)  # capture during live view
    assert cam.wait_frame(frame.number + 2, 2) is not None  # live view resumes
    cam.close()
    assert f.cameras[0].exits == 1
    assert new_threads(before) == []


def test_standin_without_preview_has_no_live_view(still_jpeg):
    f = Factory(lambda: FakeGpCamera(None, still_jpeg))
    with _camera(f) as cam:
        assert cam.capabilities.live_view is False
        assert "not supported" in cam.live_view_reason
        cam.start_live()
        assert cam.wait_frame(0, 0.2) is None
        assert sha(cam.capture_still().data) == sha(still_jpeg)


@pytest.mark.parametrize(
    "code", [gp.GP_ERROR_IO_USB_FIND, gp.GP_ERROR_IO, gp.GP_ERROR, gp.GP_ERROR_IO_READ]
)
def test_disconnect_during_live_view_reconnects(code, preview_jpeg, still_jpeg):
    states: list[str] = []
    errors: list[CameraError] = []
    f = Factory(lambda: FakeGpCamera(preview_jpeg, still_jpeg))
    cam = _camera(f)
    cam.on_state(lambda s: states.append(str(s)))
    cam.on_error(errors.append)
    cam.open()
    f.cameras[0].preview_codes.extend([0, 0, code])
    cam.start_live()
    assert wait_until(lambda: len(f.cameras) == 2 and f.cameras[1].previews >= 2, 3)
    cam.close()
    assert states == ["connected", "disconnected", "reconnecting", "connected", "closed"]
    assert isinstance(errors[0], CameraDisconnected)
    assert "disconnected while reading live view" in str(errors[0])
    assert f.cameras[0].exits == 1 and f.cameras[1].exits == 1  # each handle closed once


def test_reconnect_keeps_trying_while_unplugged(preview_jpeg, still_jpeg):
    f = Factory(
        lambda: FakeGpCamera(preview_jpeg, still_jpeg),
        open_codes=[0, gp.GP_ERROR_IO_USB_FIND, gp.GP_ERROR_IO_USB_CLAIM, gp.GP_ERROR_IO_USB_FIND],
    )
    errors: list[str] = []
    cam = _camera(f)
    cam.on_error(lambda e: errors.append(str(e)))
    cam.open()
    f.cameras[0].preview_codes.extend([0, gp.GP_ERROR_IO_USB_FIND])
    cam.start_live()
    assert wait_until(lambda: len(f.cameras) == 2 and cam.state == ConnectionState.CONNECTED, 3)
    assert cam.wait_frame(cam.frame_count, 2) is not None
    cam.close()
    assert sum("gvfs-gphoto2-volume-monitor" in e for e in errors) == 1
    assert len(errors) == 4  # the disconnect and three failed attempts


def test_busy_camera_is_retried(preview_jpeg, still_jpeg):
    f = Factory(lambda: FakeGpCamera(preview_jpeg, still_jpeg))
    with _camera(f) as cam:
        errors: list = []
        cam.on_error(errors.append)
        fake = f.cameras[0]
        fake.preview_codes.extend([gp.GP_ERROR_CAMERA_BUSY, gp.GP_ERROR_CAMERA_BUSY])
        cam.start_live()
        assert cam.wait_frame(0, 2) is not None
        cam.stop_live()
        fake.capture_codes.extend([gp.GP_ERROR_CAMERA_BUSY] * 3)
        assert sha(cam.capture_still().data) == sha(still_jpeg)
        assert errors == [] and cam.state == ConnectionState.CONNECTED


def test_camera_busy_for_too_long_is_an_error(preview_jpeg, still_jpeg):
    f = Factory(lambda: FakeGpCamera(preview_jpeg, still_jpeg))
    with _camera(f, busy_retries=2) as cam:
        f.cameras[0].capture_codes.extend([gp.GP_ERROR_CAMERA_BUSY] * 3)
        with pytest.raises(CameraError, match="busy") as e:
            cam.capture_still()
        assert not isinstance(e.value, CameraDisconnected)
        assert cam.capture_still().data == still_jpeg


@pytest.mark.parametrize("code", [gp.GP_ERROR_IO_USB_FIND, gp.GP_ERROR_IO])
def test_disconnect_during_capture(code, preview_jpeg, still_jpeg):
    f = Factory(lambda: FakeGpCamera(None, still_jpeg))
    with _camera(f) as cam:
        f.cameras[0].capture_codes.append(code)
        with pytest.raises(CameraDisconnected, match="disconnected while capturing"):
            cam.capture_still()
        assert wait_until(lambda: cam.state == ConnectionState.CONNECTED and len(f.cameras) == 2, 3)
        assert cam.capture_still().data == still_jpeg
        assert f.cameras[0].exits == 1


def test_usb_claim_error_explains_the_automounter(still_jpeg):
    f = Factory(lambda: FakeGpCamera(None, still_jpeg), open_codes=[gp.GP_ERROR_IO_USB_CLAIM])
    before = threads()
    with pytest.raises(CameraError) as e:
        _camera(f).open()
    msg = str(e.value)
    assert "Could not claim the USB device" in msg
    assert "gvfs-gphoto2-volume-monitor" in msg and "pkill -f gvfs-gphoto2-volume-monitor" in msg
    assert "Unmount the camera in the file manager" in msg
    assert "\n" not in msg and msg.endswith("gvfs-gphoto2-volume-monitor', then try again")
    assert new_threads(before) == []
    # during a capture: the same advice, and not treated as an unplugged camera
    f = Factory(lambda: FakeGpCamera(None, still_jpeg))
    with _camera(f) as cam:
        f.cameras[0].capture_codes.append(gp.GP_ERROR_IO_USB_CLAIM)
        with pytest.raises(CameraError, match="automounter") as e:
            cam.capture_still()
        assert not isinstance(e.value, CameraDisconnected)
        assert cam.state == ConnectionState.CONNECTED


def test_exif_rotation_applied_but_never_mirroring():
    img = astronaut()[:, :400].copy()  # 512 high, 400 wide: rotation is visible in the shape
    rotated = jpeg_bytes(img, orientation=6)
    mirrored = jpeg_bytes(img, orientation=2)
    for data, shape in ((rotated, (400, 512, 3)), (mirrored, (512, 400, 3))):
        f = Factory(lambda d=data: FakeGpCamera(None, d))
        with _camera(f) as cam:
            still = cam.capture_still()
        assert still.rgb.shape == shape
        assert still.data == data  # the original file is kept as it is
    f = Factory(lambda: FakeGpCamera(None, mirrored))
    with _camera(f) as cam:
        rgb = cam.capture_still().rgb.astype(int)
    assert np.abs(rgb - img).mean() < 4  # orientation 2 ignored: not flipped


def test_raw_plus_jpeg_takes_the_jpeg(still_jpeg):
    def make() -> FakeGpCamera:
        cam = FakeGpCamera(None, still_jpeg, still_name="DSC_0001.NEF")
        cam.events.extend([
            (gp.GP_EVENT_FILE_ADDED, SimpleNamespace(folder="/d", name="DSC_0001.JPG")),
        ])
        return cam

    with _camera(Factory(make)) as cam:
        still = cam.capture_still()
    assert still.filename == "DSC_0001.JPG" and still.data == still_jpeg


def test_raw_only_is_refused_with_advice(still_jpeg):
    f = Factory(lambda: FakeGpCamera(None, still_jpeg, still_name="DSC_0001.NEF"))
    cam = _camera(f)
    cam.open()
    f.cameras[0].events.append((gp.GP_EVENT_CAPTURE_COMPLETE, None))
    with pytest.raises(CameraError, match="not a JPEG"):
        cam.capture_still()
    cam.close()


def test_concurrent_stills_and_live_view_are_serialised(preview_jpeg, still_jpeg):
    f = Factory(lambda: FakeGpCamera(preview_jpeg, still_jpeg))
    with _camera(f) as cam:
        cam.start_live()
        assert cam.wait_frame(0, 2) is not None
        results: list[bytes] = []
        workers = [
            threading.Thread(target=lambda: results.append(cam.capture_still().data))
            for _ in range(4)
        ]
        for t in workers:
            t.start()
        for t in workers:
            t.join(5)
        assert results == [still_jpeg] * 4


def test_capture_from_the_virtual_dslr_equals_process_of_the_same_jpeg(tmp_path, hopper_shot):
    """`capture --camera gphoto2` on libgphoto2's virtual camera writes the very photo that
    `process` makes from the same JPEG, and archives the camera's original file."""
    import json
    import os
    import subprocess
    import sys

    vdir = tmp_path / "vcam"
    vdir.mkdir()
    (vdir / "DSC_0001.JPG").write_bytes(hopper_shot)
    base = {k: v for k, v in os.environ.items() if k not in ("VCAMERADIR", "IOLIBS", "CAMLIBS")}
    cmd = [sys.executable, "-m", "capture_station"]
    r1 = subprocess.run([*cmd, "process", str(vdir / "DSC_0001.JPG"), "--id", "1234567890",
                         "--out", str(tmp_path / "a"), "--json"],
                        env=base, capture_output=True, text=True, timeout=180)
    assert r1.returncode == 0, r1.stderr
    env = dict(base, VCAMERADIR=str(vdir), CAPTURE_STATION_DATA=str(tmp_path / "store"))
    r2 = subprocess.run([*cmd, "capture", "--camera", "gphoto2", "--id", "1234567890", "--json"],
                        env=env, capture_output=True, text=True, timeout=180)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    out = json.loads(r2.stdout)
    assert out["compliant"] and out["saved"]
    made = (tmp_path / "a" / "1234567890.jpg").read_bytes()
    captured = (tmp_path / "store" / "photos" / "1234567890.jpg").read_bytes()
    assert captured == made
    originals = list((tmp_path / "store" / "originals" / "1234567890").iterdir())
    assert len(originals) == 1 and originals[0].read_bytes() == hopper_shot
