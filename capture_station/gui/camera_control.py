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
from typing import Any

from PySide6.QtCore import QObject, Signal

from capture_station.cameras.base import Camera
from capture_station.gui.qt_bridge import CameraBridge, JobRunner

_log = logging.getLogger(__name__)

CameraOpener = Callable[[str], Camera]


def default_opener(spec: str) -> Camera:
    from capture_station.cameras.registry import open_camera

    return open_camera(spec)


def first_camera_spec() -> str:
    """The spec of the first camera found, or the demo camera when there is none."""
    try:
        from capture_station.cameras.registry import list_cameras

        found = [c for c in list_cameras() if c.kind != "demo"]
    except Exception:  # noqa: BLE001 - no camera backend: fall back to the demo camera
        _log.warning("listing cameras failed", exc_info=True)
        found = []
    return found[0].spec if found else "demo"


class CameraController(QObject):
    """Owns the current camera; every device call runs on the controller's thread."""

    opened = Signal(object)  # Camera (live view started)
    open_failed = Signal(str, str)  # spec, reason
    closed = Signal()
    state_changed = Signal(str)  # ConnectionState value of the current camera
    error = Signal(str)

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

        def job() -> Camera:
            self._close_device()
            cam = self._opener(spec or first_camera_spec())
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
            if gen == self._generation:
                self.open_failed.emit(spec, str(e) or type(e).__name__)

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
        self._runner.submit(cam.reconnect, None, lambda e: self.error.emit(str(e)))

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
