"""Opening, switching and closing the camera without ever blocking the window.

Opening a camera can take seconds (a DSLR handshake, the demo scene being built), closing one
joins its worker, and a still capture waits for the device. All of that runs on one background
thread owned by :class:`CameraController`, in order; the window learns the outcome by signal.
The controller also forwards the camera's own connection states (the camera classes reconnect
by themselves) so the window can show a banner while the camera is away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from capture_station.cameras.base import Camera, CameraError, why_of
from capture_station.cameras.registry import CameraSearch, Probe, parse_spec
from capture_station.gui.qt_bridge import CameraBridge, JobRunner

_log = logging.getLogger(__name__)

CameraOpener = Callable[[str], Camera]


def default_opener(spec: str) -> Camera:
    from capture_station.cameras.registry import open_camera

    return open_camera(spec)


class NoCameraFound(CameraError):
    """The automatic choice found no real camera; ``search`` says where it looked."""

    def __init__(self, search: CameraSearch) -> None:
        super().__init__("camera.none_found")
        self.search = search


def first_camera_spec(search: CameraSearch | None = None) -> str | None:
    """The spec of the first real camera found, or None when there is none.

    Never the demo camera: a station that quietly played the built-in scene would let an
    operator work a whole morning without noticing that no camera is attached.
    """
    if search is None:
        search = find_cameras()
    found = [c for c in search.found if c.kind != "demo"]
    return found[0].spec if found else None


def find_cameras() -> CameraSearch:
    try:
        from capture_station.cameras.registry import search_cameras

        return search_cameras()
    except Exception as e:  # noqa: BLE001 - no camera backend at all is "no camera found"
        _log.warning("searching for cameras failed", exc_info=True)
        return CameraSearch([], [Probe("webcam", "", "error", why_of(e))])


def is_demo_spec(spec: str | None) -> bool:
    """``demo`` or ``demo:PATH`` (with or without options)."""
    if not spec:
        return False
    try:
        return parse_spec(spec)[0] == "demo"
    except CameraError:
        return False


class CameraNames(QObject):
    """Camera names and search results in the interface language (the core names the demo
    camera and unnamed devices in English)."""

    def display_name(self, kind: str, name: str, spec: str = "") -> str:
        if kind == "demo":
            arg = parse_spec(spec)[1] if is_demo_spec(spec) else ""
            if arg:
                return self.tr("演示相机（{label}）").format(label=Path(arg).name or arg)
            return self.tr("演示相机")
        if kind == "gphoto2" and name.startswith("gphoto2 camera"):
            port = name.removeprefix("gphoto2 camera").removeprefix(" at ").strip()
            return self.tr("单反相机（{port}）").format(port=port) if port else self.tr("单反相机")
        if kind == "webcam":
            for prefix in ("Video device ", "Camera "):
                if name.startswith(prefix):
                    return self.tr("摄像头 {n}").format(n=name.removeprefix(prefix))
        return name

    def probe_lines(self, tried: list[Probe]) -> list[str]:
        """The lines in the current language: a probe's ``detail`` of the core's own (a
        camera's error) renders itself in it, as the window's language switch set it."""
        lines = []
        outcomes = {
            "found": self.tr("已找到"),
            "absent": self.tr("未发现设备"),
            "skipped": self.tr("不是采集设备，已跳过"),
            "unavailable": self.tr("本机不可用"),
            "error": self.tr("打开失败"),
        }
        for p in tried:
            if p.kind == "webcam":
                what = (self.tr("摄像头 {target}").format(target=p.target) if p.target
                        else self.tr("摄像头"))
            elif p.kind == "gphoto2":
                what = (self.tr("单反相机（gphoto2，端口 {target}）").format(target=p.target)
                        if p.target else self.tr("单反相机（gphoto2）"))
            else:
                what = p.target or p.kind
            line = self.tr("{what}：{outcome}").format(what=what,
                                                      outcome=outcomes.get(p.outcome, p.outcome))
            if p.detail:
                line += self.tr("（{detail}）").format(detail=str(p.detail))
            lines.append(line)
        return lines


def camera_display_name(kind: str, name: str, spec: str = "") -> str:
    """The camera's name as the window shows it, in the interface language."""
    return CameraNames().display_name(kind, name, spec)


def probe_lines(tried: list[Probe]) -> list[str]:
    """One line per place searched, in the interface language (the no-camera panel)."""
    return CameraNames().probe_lines(tried)


class CameraController(QObject):
    """Owns the current camera; every device call runs on the controller's thread."""

    opened = Signal(object)  # Camera (live view started)
    # spec ("" = automatic), the reason (a Msg or text, rendered when shown), list[Probe]
    open_failed = Signal(str, object, object)
    closed = Signal()
    state_changed = Signal(str)  # ConnectionState value of the current camera
    error = Signal(object)  # a CameraError (or another exception): str() it when shown

    def __init__(self, opener: CameraOpener | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._opener = opener or default_opener
        self._runner = JobRunner("camera-ops", self)
        self._bridge = CameraBridge(self)
        self._bridge.state_changed.connect(self.state_changed)
        self._bridge.error.connect(self.error)
        self._camera: Camera | None = None  # as far as the GUI thread knows
        self._device: Camera | None = None  # as far as the controller thread knows
        self._spec: str | None = None
        self._generation = 0

    @property
    def camera(self) -> Camera | None:
        """The open camera (None while switching or after a failed open)."""
        return self._camera

    @property
    def spec(self) -> str | None:
        return self._spec

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def switch(self, spec: str) -> None:
        """Close the current camera (if any) and open ``spec`` ("" = the first camera found);
        no restart needed."""
        self._generation += 1
        gen = self._generation
        self._spec = spec
        self._bridge.detach()
        self._camera = None

        chosen = [spec]  # the spec actually opened (the automatic choice names it here)

        def job() -> Camera:
            self._close_device()
            target = spec
            if not target:
                search = find_cameras()
                target = first_camera_spec(search)
                if target is None:
                    raise NoCameraFound(search)
                chosen[0] = target
            cam = self._opener(target)
            try:
                if not cam.is_open:
                    cam.open()
                cam.start_live()
            except BaseException:
                cam.close()
                raise
            self._device = cam
            return cam

        def done(cam: Camera) -> None:
            if gen != self._generation:
                return  # a newer switch is under way; that job closes this camera
            self._camera = cam
            self._bridge.attach(cam)
            self.opened.emit(cam)

        def failed(e: BaseException) -> None:
            if gen != self._generation:
                return
            reason = why_of(e)  # rendered when shown: the window's language may change first
            if isinstance(e, NoCameraFound):
                tried = list(e.search.tried)
            else:
                target = chosen[0]
                kind = target.partition(":")[0].partition("?")[0] or "camera"
                tried = [Probe(kind, target, "error", reason)]
            self.open_failed.emit(spec, reason, tried)

        self._runner.submit(job, done, failed)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        """Run ``fn`` on the camera thread (a capture), in order with opening and closing."""
        self._runner.submit(fn, on_done, on_error)

    def retry(self) -> None:
        """Ask the camera to reconnect again, or reopen it when it never opened."""
        cam = self._camera
        if cam is None:
            if self._spec:
                self.switch(self._spec)
            return
        self._runner.submit(cam.reconnect, None, self.error.emit)

    def _close_device(self) -> None:
        cam, self._device = self._device, None
        if cam is not None:
            try:
                cam.close()
            except Exception:  # noqa: BLE001 - closing must never stop a switch
                _log.warning("closing the camera failed", exc_info=True)

    def close(self) -> None:
        """Close the camera and stop the controller's thread (waits for both)."""
        self._generation += 1
        self._bridge.detach()
        self._camera = None
        self._runner.close(wait=True)  # waiting jobs are dropped, a running one finishes
        self._close_device()
        self.closed.emit()
