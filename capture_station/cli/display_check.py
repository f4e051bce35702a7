"""Before the window starts: is there a display, and can Qt's platform plugin for it load?

Why: when Qt finds no display, or its xcb plugin misses a system library (``libxcb-cursor0``,
``libxcb-icccm4``, ... on a fresh Debian), ``QApplication`` does not raise: Qt prints "could not
load the Qt platform plugin" and aborts the interpreter (exit 134, a core dump). A newcomer's
first ``make run`` must instead get one line saying what is missing and how to fix it, so this
module finds out first, without creating any Qt object: it reads the environment the way Qt
does, opens the plugin with the dynamic loader (which names the missing library) and, for X11,
connects to the X server once with libxcb.

Only Linux and the other Unix desktops are probed; Windows and macOS always have their
platform. A platform chosen with ``QT_QPA_PLATFORM`` (``offscreen`` in the tests) is respected.
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass
from pathlib import Path

# Platforms that need no display server (tests, screenshots, kiosk framebuffers).
_HEADLESS = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}


@dataclass(frozen=True)
class DisplayProblem:
    """Why the window cannot start here: one line in each language."""

    zh: str
    en: str

    def line(self) -> str:
        return f"{self.zh} / {self.en}"


def _plugin_dir() -> Path | None:
    """PySide6's platform plugin folder, found without importing any Qt module."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        d = Path(base) / "Qt" / "plugins" / "platforms"
        if d.is_dir():
            return d
    return None


def _package_of(library: str) -> str | None:
    """The Debian package that provides ``library``, from the station's list of system
    packages (shipped with the package; absent in a frozen build, whose .deb depends on them)."""
    from capture_station.paths import system_packages_file

    path = system_packages_file()
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for raw in lines:
        cols = raw.split()
        if len(cols) >= 3 and not cols[0].startswith("#") and cols[2] == library:
            return cols[1]
    return None


def _missing_library(message: str) -> str | None:
    """The library named by a dynamic-loader error ("libX.so.N: cannot open shared object")."""
    head = message.split(":", 1)[0].strip()
    return head if ".so" in head and "/" not in head else None


def _plugin_problem(platform: str) -> DisplayProblem | None:
    """Load the platform plugin's shared object; a loader error names the missing library."""
    d = _plugin_dir()
    if d is None:
        return None  # PySide6 missing: the import of the window reports that
    plugin = d / f"libq{platform}.so"
    if not plugin.exists():
        return None  # an unknown platform name: Qt's own message is accurate for that
    try:
        ctypes.CDLL(os.fspath(plugin), mode=getattr(os, "RTLD_LOCAL", 0))
    except OSError as e:
        lib = _missing_library(str(e))
        if lib is None:
            return DisplayProblem(f"Qt 的 {platform} 平台插件无法加载：{e}",
                                  f"Qt's {platform} platform plugin cannot be loaded: {e}")
        pkg = _package_of(lib)
        fix = f"sudo apt-get install {pkg}" if pkg else f"install the package that provides {lib}"
        fix_zh = f"sudo apt-get install {pkg}" if pkg else f"安装提供 {lib} 的软件包"
        return DisplayProblem(
            f"Qt 的 {platform} 平台插件缺少系统库 {lib}，窗口无法打开；请运行 {fix_zh}",
            f"Qt's {platform} platform plugin needs the system library {lib}: run {fix} "
            "(or packaging/system-deps.sh core window xcb fonts in the source folder)",
        )
    return None


def _x_server_problem(display: str) -> DisplayProblem | None:
    """Connect to the X server once (libxcb, as Qt will); None when it answers."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # the plugin check names the missing library
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        if conn and xcb.xcb_connection_has_error(conn) == 0:
            return None
    finally:
        if conn:
            xcb.xcb_disconnect(conn)
    return DisplayProblem(
        f"无法连接到显示 {display}（X 服务器没有运行或不允许连接），窗口无法打开",
        f"cannot connect to the display {display} (no X server there, or it refuses this "
        "user): start the station from the desktop session",
    )


def _no_display() -> DisplayProblem:
    return DisplayProblem(
        "没有图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），窗口无法打开；请在桌面会话中运行，"
        "命令行功能（process、check、export 等）无需显示",
        "no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open: "
        "start it in a desktop session; the commands (process, check, export, ...) need none",
    )


def _wayland_usable() -> bool:
    name = os.environ.get("WAYLAND_DISPLAY")
    if not name:
        return False
    sock = Path(name) if os.path.isabs(name) else Path(os.environ.get("XDG_RUNTIME_DIR", "/")) / name
    return sock.exists() and _plugin_problem("wayland") is None


def display_problem() -> DisplayProblem | None:
    """What keeps the window from opening here, or None when Qt will find its platform (where
    Wayland is the only display, ``QT_QPA_PLATFORM`` is set to it)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        # Qt tries a ';'-separated list in order; the first one decides what we check.
        platform = chosen.split(";")[0].split(":")[0].strip().lower()
        if platform in _HEADLESS:
            return _plugin_problem(platform)
        if platform == "wayland":
            return None if _wayland_usable() else _plugin_problem("wayland") or _no_display()
        if platform != "xcb":
            return None
    wayland_session = os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    display = os.environ.get("DISPLAY", "")
    # Unchosen, Qt takes Wayland in a Wayland session (and where there is no X display)
    if not chosen and (wayland_session or not display) and _wayland_usable():
        if not display:
            # only Wayland is there: say so, rather than let Qt try its default (xcb) first
            os.environ["QT_QPA_PLATFORM"] = "wayland"
        return None
    if not display:
        return _no_display()
    return _plugin_problem("xcb") or _x_server_problem(display)
