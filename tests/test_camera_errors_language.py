"""A camera's problem speaks the operator's language: every CameraError is one line in Chinese
under ``zh_CN`` and in English under ``en``, decided when it is read (a camera's worker thread
raises it, the window shows it later, maybe after a language switch), with the device's own
names (a path, a port, libgphoto2's words) kept as they are.

Real parts only: the installed command, the registry, the demo camera and the webcam code on
real files, libgphoto2's error objects and its virtual camera.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest_cameras import (
    astronaut,
    jpeg_bytes,
    real_images,
    use_virtual_camera,
    wait_until,
    write_image_folder,
)

from capture_station import messages
from capture_station.cameras import CameraError, ReconnectPolicy, open_camera
from capture_station.cameras.demo import DemoCamera
from capture_station.cameras.dslr import SETTING_WIDGETS
from capture_station.cameras.registry import KINDS
from capture_station.messages import TEXTS, Msg

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "capture_station"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row: a sentence, not a path, a port, a file name or "PTP/PC".
ENGLISH = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")  # an English text has some
ID = "650101202400001"
LINUX = sys.platform.startswith("linux")

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(autouse=True)
def _english_afterwards():
    """These tests switch the language of the process; the other tests read English."""
    yield
    messages.set_language("en")


# -- the command line ------------------------------------------------------------------------

def _capture(spec: str, out: Path, *, locale: str, lang: str | None = None) -> str:
    """``capture --camera SPEC`` as an operator runs it; its one line on stderr, prefix off."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CAPTURE_STATION_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE",
                        "VCAMERADIR", "IOLIBS")}
    env.update(PYTHONIOENCODING="utf-8", LANG=locale)
    argv = [sys.executable, "-m", "capture_station", "capture", "--camera", spec, "--id", ID,
            "--out", str(out)]
    if lang:
        argv += ["--lang", lang]
    r = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=120,
                       env=env, cwd=ROOT)
    if spec == "gphoto2" and r.returncode in (0, 1):
        pytest.skip("a gphoto2 camera is attached")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == "" and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("capture-station: "), r.stderr
    return r.stderr.removeprefix("capture-station: ").strip()


def _gphoto2_importable() -> bool:
    try:
        import gphoto2  # noqa: F401
    except ImportError:
        return False
    return True


SPECS = ("webcam:5", "gphoto2", "foo")


def _expected(spec: str, lang: str) -> str:
    """The start of the line the operator reads (the devices found vary by machine)."""
    zh = lang == "zh_CN"
    if spec == "webcam:5":
        if not LINUX:
            return "摄像头 5：无法打开摄像头" if zh else "webcam 5: cannot open the camera"
        return ("摄像头 5：没有视频设备 /dev/video5（找到的设备：" if zh
                else "webcam 5: no such video device /dev/video5 (found: ")
    if spec == "gphoto2":
        if not _gphoto2_importable():
            return "本机不能使用 gphoto2" if zh else "gphoto2 is not available on this system"
        return ("未找到 gphoto2 相机：请用 USB 连接相机、打开电源（PTP/PC 模式）后重试" if zh
                else "gphoto2: no gphoto2 camera found: connect it by USB, switch it on "
                     "(PTP/PC mode) and try again")
    return ("相机“foo”：没有“foo”这种相机（可用：webcam（摄像头）、gphoto2（单反相机）、demo（演示相机））"
            if zh else "camera spec 'foo': unknown kind 'foo' (use one of: webcam, gphoto2, demo)")


def _skip_if_present(spec: str) -> None:
    if spec == "webcam:5" and Path("/dev/video5").exists():
        pytest.skip("this machine has a /dev/video5")


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("how", ["locale", "--lang"])
def test_capture_refuses_in_chinese(spec, how, tmp_path):
    _skip_if_present(spec)
    if how == "locale":
        line = _capture(spec, tmp_path / "o", locale="zh_CN.UTF-8")
    else:
        line = _capture(spec, tmp_path / "o", locale="C.UTF-8", lang="zh_CN")
    assert line.startswith(_expected(spec, "zh_CN")), line
    assert CJK.search(line), line
    assert not ENGLISH.search(line), line


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("how", ["locale", "--lang"])
def test_capture_refuses_in_english(spec, how, tmp_path):
    _skip_if_present(spec)
    if how == "locale":
        line = _capture(spec, tmp_path / "o", locale="C.UTF-8")
    else:
        line = _capture(spec, tmp_path / "o", locale="zh_CN.UTF-8", lang="en")
    assert line.startswith(_expected(spec, "en")), line
    assert ENGLISH_WORDS.search(line) and not CJK.search(line), line


# -- every text the cameras use --------------------------------------------------------------

# where camera errors are raised or named: the cameras package, and the two places outside it
SOURCES = [*sorted((PACKAGE / "cameras").glob("*.py")), PACKAGE / "cli" / "calibrate_command.py",
           PACKAGE / "gui" / "camera_control.py", PACKAGE / "gui" / "main_window.py"]
# texts whose key is built from a name: every name they are built from
DYNAMIC = {"camera.setting.": tuple(SETTING_WIDGETS), "camera.kind.": KINDS}
KEY = re.compile(r"camera\.[a-z0-9_]+(\.[a-z0-9_]+)*")


def _trees() -> list[tuple[Path, ast.AST]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in SOURCES]


def _keys_used() -> set[str]:
    keys: set[str] = set()
    prefixes: set[str] = set()
    for _path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.fullmatch(node.value):
                    keys.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if (isinstance(head, ast.Constant) and isinstance(head.value, str)
                        and head.value.startswith("camera.")):
                    prefixes.add(head.value)
    assert prefixes == set(DYNAMIC), prefixes  # a new f"camera...." key: list its names here
    for prefix, names in DYNAMIC.items():
        keys |= {prefix + n for n in names}
    return keys


def test_every_camera_error_is_raised_with_a_text_of_both_languages():
    """No raise site writes its own English: the first argument of every CameraError and
    CameraDisconnected is a key of the texts (as_camera_error passes the one it was given)."""
    sites = 0
    for path, tree in _trees():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("CameraError", "CameraDisconnected")):
                continue
            sites += 1
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and path.name == "base.py" and first.id == "key":
                continue  # as_camera_error(e, key, ...)
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), where
            assert first.value in TEXTS, (where, first.value)
    assert sites > 60, sites  # the walk sees them all (about 70 today)


def test_every_camera_text_exists_in_both_languages_and_is_chinese_in_chinese():
    used = _keys_used()
    missing = sorted(k for k in used if k not in TEXTS)
    assert not missing, missing
    unused = sorted(k for k in TEXTS if k.startswith("camera.") and k not in used)
    assert not unused, unused
    for key in sorted(used):
        zh, en = TEXTS[key]
        assert CJK.search(zh), (key, zh)
        assert not ENGLISH.search(re.sub(r"\{[^}]*\}", "", zh)), (key, zh)
        assert en.strip() and not CJK.search(en), (key, en)


# -- raised in one language, read in another -------------------------------------------------

def _demo_folder(tmp: Path) -> Path:
    folder = tmp / "frames"
    if not folder.is_dir():
        write_image_folder(folder, real_images()[:1])
    return folder


def _set_demo(tmp: Path, name: str, value: str) -> None:
    with open_camera(f"demo:{_demo_folder(tmp)}") as cam:
        cam.set_setting(name, value)


def _broken_video(tmp: Path) -> None:
    bad = tmp / "broken.avi"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00AVI not really a video")
    open_camera(f"webcam:{bad}")


def _not_media(tmp: Path) -> None:
    (tmp / "notes.txt").write_text("not a picture", encoding="utf-8")
    open_camera(f"demo:{tmp / 'notes.txt'}")


def _no_images(tmp: Path) -> None:
    (tmp / "empty").mkdir()
    open_camera(f"demo:{tmp / 'empty'}")


def _gphoto2(code: int) -> Callable[[Path], None]:
    def make(_tmp: Path) -> None:
        gp = pytest.importorskip("gphoto2")
        from capture_station.cameras.dslr import map_gphoto2_error

        raise map_gphoto2_error(gp.GPhoto2Error(code), Msg("camera.action.capture"),
                                "Nikon DSC D750 (usb:001,001)")

    return make


PROBLEMS: dict[str, Callable[[Path], None]] = {
    "spec: empty": lambda _t: open_camera("  "),
    "spec: unknown kind": lambda _t: open_camera("foo"),
    "spec: option without value": lambda _t: open_camera("demo?fps"),
    "spec: unknown option": lambda _t: open_camera("demo?bogus=1"),
    "spec: not a number": lambda _t: open_camera("demo?fps=fast"),
    "spec: not a whole number": lambda _t: open_camera("demo?seed=1.5"),
    "spec: not 0 or 1": lambda _t: open_camera("gphoto2?keep=maybe"),
    "spec: not a size": lambda _t: open_camera("demo?size=big"),
    "demo: fps 0": lambda _t: open_camera("demo?fps=0"),
    "demo: negative hold": lambda _t: open_camera("demo?hold=-1"),
    "demo: no such path": lambda t: open_camera(f"demo:{t / 'nothing here'}"),
    "demo: no images": _no_images,
    "demo: not a picture": _not_media,
    "demo: fps out of range": lambda t: _set_demo(t, "fps", "500"),
    "demo: fps not a number": lambda t: _set_demo(t, "fps", "fast"),
    "demo: fixed setting": lambda t: _set_demo(t, "size", "10x10"),
    "camera not open": lambda t: DemoCamera(str(_demo_folder(t))).capture_still(),
    "webcam: unknown backend": lambda _t: open_camera("webcam:0?backend=zz"),
    "webcam: width alone": lambda _t: open_camera("webcam:0?width=640"),
    "webcam: no video file": lambda t: open_camera(f"webcam:{t / 'none.avi'}"),
    "webcam: not a video": _broken_video,
    "webcam: no such device": lambda _t: open_camera("webcam:97"),
    "gphoto2: USB claimed": _gphoto2(-53),
    "gphoto2: unplugged": _gphoto2(-7),
    "gphoto2: busy": _gphoto2(-110),
    "gphoto2: not supported": _gphoto2(-6),
    "gphoto2: model unknown": _gphoto2(-105),
    "gphoto2: unplugged (unspecified)": _gphoto2(-1),
    "gphoto2: other": _gphoto2(-2),
}


def _values(tmp: Path) -> list[str]:
    """What a message may show as it is: the test's folder, libgphoto2's words."""
    return [str(tmp), "Unspecified error", "I/O problem", "Bad parameters"]


@pytest.mark.parametrize("case", list(PROBLEMS))
def test_a_camera_error_is_read_in_the_language_of_that_moment(case, tmp_path):
    messages.set_language("zh_CN")  # raised in Chinese ...
    with pytest.raises(CameraError) as info:
        PROBLEMS[case](tmp_path)
    e = info.value
    messages.set_language("en")  # ... read after the operator switched to English
    en = str(e)
    messages.set_language("zh_CN")
    zh = str(e)
    assert zh == e.render("zh_CN") and en == e.render("en")
    assert "\n" not in zh and "\n" not in en
    plain_zh = zh
    for value in _values(tmp_path):
        plain_zh = plain_zh.replace(value, "")
    assert CJK.search(zh), zh
    assert not ENGLISH.search(plain_zh), zh
    assert ENGLISH_WORDS.search(en) and not CJK.search(en.replace(str(tmp_path), "")), en


def test_errors_from_the_camera_thread_follow_a_language_switch(tmp_path):
    """A demo camera unplugged and failing to reconnect: its worker thread raises while the
    process speaks Chinese; the same errors read in English after a switch, and back."""
    messages.set_language("zh_CN")
    cam = open_camera(f"demo:{_demo_folder(tmp_path)}?fps=200&disconnect_after=2&reconnect_fail=5",
                      reconnect=ReconnectPolicy(initial_delay=0.001, max_delay=0.002,
                                                max_attempts=2))
    errors: list[CameraError] = []
    cam.on_error(errors.append)
    try:
        cam.start_live()
        assert wait_until(lambda: any("已停止尝试" in str(e) for e in errors), 5), errors
    finally:
        cam.close()
    gave_up = next(e for e in errors if "已停止尝试" in str(e))
    assert str(gave_up) == "演示相机（frames）：重新连接 2 次都没有成功，已停止尝试"
    messages.set_language("en")
    assert str(gave_up) == "Demo camera (frames): gave up reconnecting after 2 attempts"
    assert {str(e) for e in errors} >= {"demo: injected disconnect",
                                        "demo: injected reconnect failure"}
    messages.set_language("zh_CN")
    assert "演示相机：模拟的断开连接（故障演练）" in {str(e) for e in errors}


def test_a_problem_nested_in_a_camera_error_renders_in_the_same_language(tmp_path):
    """The warm-up's "no picture" carries the camera's last error; both in one language."""
    messages.set_language("zh_CN")
    cam = open_camera(f"demo:{_demo_folder(tmp_path)}?fps=200&disconnect_after=1"
                      "&reconnect_fail=1000", reconnect=ReconnectPolicy(initial_delay=0.001,
                                                                      max_delay=0.002))
    try:
        cam.start_live()
        assert wait_until(lambda: cam.last_error is not None, 5)
        with pytest.raises(CameraError) as info:
            cam.warm_up(0.2)
    finally:
        cam.close()
    messages.set_language("en")
    en = str(info.value)
    assert en.startswith("Demo camera (frames): no picture from the camera in 0.2 s (demo: "), en
    messages.set_language("zh_CN")
    zh = str(info.value)
    assert zh.startswith("演示相机（frames）：0.2 秒内没有收到相机的画面（演示相机："), zh
    assert not ENGLISH.search(zh), zh


# -- libgphoto2's virtual camera ---------------------------------------------------------------

def test_virtual_dslr_refusals_in_both_languages(tmp_path, monkeypatch):
    """The virtual camera (a Nikon at usb:001,001 without an ISO setting): a port where no
    camera is, a setting the camera lacks and a value it refuses, read in both languages."""
    pytest.importorskip("gphoto2")
    folder = tmp_path / "vcamera"
    folder.mkdir()
    (folder / "astronaut.jpg").write_bytes(jpeg_bytes(astronaut(), quality=90))
    use_virtual_camera(monkeypatch, folder)

    with pytest.raises(CameraError) as port:
        open_camera("gphoto2:usb:009,009")
    with open_camera("gphoto2") as cam:
        name = cam.name
        with pytest.raises(CameraError) as iso:
            cam.set_setting("iso", "100")
        with pytest.raises(CameraError) as aperture:
            cam.set_setting("aperture", "f/99")
    assert "D750" in name and name.endswith("(usb:001,001)")

    messages.set_language("zh_CN")
    assert str(port.value) == ("端口 usb:009,009 上没有 gphoto2 相机（找到的相机："
                               "Nikon DSC D750（usb:001,001））")
    assert str(iso.value) == f"{name}：此相机没有“ISO 感光度”设置"
    assert str(aperture.value).startswith(f"{name}：“光圈”不能设为“f/99”（可选：")
    assert "f/4" in str(aperture.value)
    messages.set_language("en")
    assert str(port.value) == "gphoto2: no camera at usb:009,009 (found: Nikon DSC D750 at usb:001,001)"
    assert str(iso.value) == f"{name}: this camera has no ISO setting"
    assert str(aperture.value).startswith(f"{name}: Aperture cannot be 'f/99' (choices: ")
