"""What a newcomer meets first: the system packages, a machine without a display, the command
line's language, and a quiet terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPS = ROOT / "packaging" / "system-deps.sh"
debian = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian-family system")


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture_station", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=cwd)


def no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["XDG_RUNTIME_DIR"] = "/nonexistent"
    return env


# -- system packages ----------------------------------------------------------------------------

@debian
def test_satisfied_system_packages_cost_nothing_and_say_nothing():
    t = time.monotonic()
    r = subprocess.run([str(DEPS), "--check", "core", "window"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    assert time.monotonic() - t < 1.0


def test_missing_system_package_prints_the_one_command(tmp_path):
    listing = tmp_path / "packages.txt"
    listing.write_text("# a list for the test\nextra  capture-station-no-such-package  -  -\n"
                       "extra  libc6  libc.so.6  Depends\n")
    env = dict(os.environ, CAPTURE_STATION_SYSTEM_PACKAGES=str(listing))
    r = subprocess.run([str(DEPS), "--check", "extra"], capture_output=True, text=True,
                       timeout=30, env=env)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "apt-get install -y --no-install-recommends capture-station-no-such-package" in r.stderr
    assert "libc6" not in r.stderr  # present: found by ldconfig


def test_the_deb_depends_come_from_the_list():
    r = subprocess.run([str(DEPS), "--deb", "Depends"], capture_output=True, text=True, timeout=30)
    depends = [d.strip() for d in r.stdout.split(",")]
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxkbcommon-x11-0", "libegl1"} <= set(depends)
    assert "fonts-noto-cjk" not in depends and "xvfb" not in depends
    rec = subprocess.run([str(DEPS), "--deb", "Recommends"], capture_output=True, text=True,
                         timeout=30).stdout
    assert rec.startswith("fonts-noto-cjk | ")
    assert "system-deps.sh --deb Depends" in (ROOT / "packaging" / "make_deb.sh").read_text()


# -- no display ---------------------------------------------------------------------------------

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland only")
@pytest.mark.parametrize("how", ["unset", "no server"])
def test_window_without_a_display_is_one_line_and_exit_2(how, tmp_path):
    env = no_display_env()
    env["CAPTURE_STATION_DATA"] = str(tmp_path)
    if how == "no server":
        env["DISPLAY"] = ":93"  # nothing listens there
    for args in (("gui", "--camera", "demo"), ()):
        r = cli(*args, env=env, timeout=60)
        assert r.returncode == 2, r.stderr
        lines = r.stderr.splitlines()
        assert len(lines) == 1, r.stderr
        assert "窗口无法打开" in lines[0] and " / " in lines[0]
        assert ("DISPLAY" in lines[0]) if how == "unset" else (":93" in lines[0] or ".so" in lines[0])
        assert "Aborted" not in r.stderr and "qt.qpa" not in r.stderr


def test_missing_library_names_its_package():
    from capture_station.cli.display_check import _missing_library, _package_of

    msg = "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"
    assert _missing_library(msg) == "libxcb-icccm.so.4"
    assert _package_of("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert _package_of("libnothing.so.9") is None


def test_chosen_headless_platform_is_respected(monkeypatch):
    from capture_station.cli.display_check import display_problem

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() is None


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="no Xvfb here (.ci/run installs it)")
def test_window_opens_on_a_real_x_server(tmp_path):
    """The xcb plugin loads and a window maps on X11 (CI installs the xcb set and Xvfb, so a
    missing library fails here instead of in the first `make run`)."""
    from capture_station.cli.display_check import _plugin_problem

    problem = _plugin_problem("xcb")
    if problem is not None and not os.environ.get("CAPTURE_STATION_REQUIRE_XCB"):
        pytest.skip(f"xcb libraries missing here: {problem.en}")
    assert problem is None, problem.line()
    display = f":{90 + os.getpid() % 8}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env = no_display_env()
        env["DISPLAY"] = display
        code = ("import sys\n"
                "from capture_station.cli.display_check import display_problem\n"
                "import time\n"
                "for _ in range(50):\n"
                "    p = display_problem()\n"
                "    if p is None: break\n"
                "    time.sleep(0.1)\n"
                "assert p is None, p\n"
                "from capture_station.gui.app import ensure_app\n"
                "from PySide6.QtWidgets import QLabel\n"
                "app = ensure_app(); w = QLabel('照片采集站'); w.show(); app.processEvents()\n"
                "print(app.platformName(), w.isVisible())\n")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=120, env=env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["xcb", "True"]
    finally:
        xvfb.terminate()
        xvfb.wait(10)


# -- language -----------------------------------------------------------------------------------

def test_language_follows_flag_then_locale():
    from capture_station.messages import resolve_language

    assert resolve_language(None, {"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert resolve_language(None, {"LANG": "C.UTF-8"}) == "en"
    assert resolve_language(None, {}) == "en"
    assert resolve_language(None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert resolve_language(None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US"}) == "zh_CN"
    assert resolve_language("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert resolve_language("zh_CN", {}) == "zh_CN"


def test_every_text_has_the_same_placeholders_in_both_languages():
    import string

    from capture_station.messages import TEXTS

    def fields(t: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(t) if f}

    for key, (zh, en) in TEXTS.items():
        assert fields(zh) <= fields(en), key


def _zh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "CAPTURE_STATION_LANG"))}
    env.update(LANG="zh_CN.UTF-8", CAPTURE_STATION_DATA=str(tmp_path / "store"))
    return env


def test_office_commands_answer_in_chinese(tmp_path, shots_dir):
    env = _zh_env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("准考证号,姓名\n1234567890,张三\n12345,李四\n", encoding="utf-8")
    r = cli("roster", "import", str(roster), env=env)
    assert r.returncode == 1, r.stderr
    assert "新增 1 人" in r.stdout and "有误 1 行" in r.stdout and "第 " in r.stdout
    r = cli("process", str(shots_dir / "hopper.jpg"), "--id", "1234567890", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("已保存 ") and "待人工核对" in r.stdout
    r = cli("export", "--out", str(tmp_path / "export"), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("已导出 1 张照片到文件夹 ") and "秒" in r.stdout
    r = cli("check", str(tmp_path / "export" / "1234567890.jpg"), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("合格 ")
    # --lang overrides the locale, before or after the subcommand; JSON keys stay English
    r = cli("--lang", "en", "check", str(tmp_path / "export" / "1234567890.jpg"), env=env)
    assert r.stdout.startswith("OK ")
    r = cli("check", str(tmp_path / "export" / "1234567890.jpg"), "--lang", "en", "--json", env=env)
    rows = __import__("json").loads(r.stdout)
    assert set(rows[0]) >= {"id", "compliant", "checks", "hints"}
    assert all(set(c) >= {"id", "status", "message"} for c in rows[0]["checks"])
    assert any(c["id"] == "file.size" for c in rows[0]["checks"])
    r = cli("export", "--out", str(tmp_path / "export"), env=env)  # exists already: refused
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1


# -- quiet --------------------------------------------------------------------------------------

def test_process_prints_only_the_stations_lines_and_debug_keeps_mediapipes(tmp_path, shots_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("GLOG_minloglevel", "TF_CPP_MIN_LOG_LEVEL")}
    env.pop("CAPTURE_STATION_DEBUG", None)
    r = cli("process", str(shots_dir / "hopper.jpg"), "--id", "1234567890", "--out",
            str(tmp_path / "a"), env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert all(line.startswith(("saved ", "  ")) for line in r.stdout.splitlines()), r.stdout
    r = cli("--debug", "process", str(shots_dir / "hopper.jpg"), "--id", "1234567890", "--out",
            str(tmp_path / "b"), env=env, cwd=tmp_path)
    assert r.returncode == 0
    assert "XNNPACK" in r.stderr or "Feedback manager" in r.stderr


def test_hidden_native_logs_keep_the_stations_own_stderr(capfd):
    from capture_station.imaging.mediapipe_import import native_logs_hidden

    with native_logs_hidden():
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
        os.write(2, b"W0000 00:00:1796161995.163127   26768 inference_feedback_manager.cc:114] x\n")
        with native_logs_hidden():  # nested, as two analyzers starting at once
            os.write(2, b"capture-station: the station's own line\n")
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert err == "capture-station: the station's own line\nafter\n"
