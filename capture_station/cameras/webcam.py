"""USB webcams (and video files, through the same code path) via OpenCV's VideoCapture.

Why a class of its own: webcams need their resolution negotiated (most default to 640x480
unless asked for MJPG at 1920x1080 or 1280x720), report fps and size that may not be what they
deliver, differ between operating systems in how they are found (``/dev/video*`` on Linux,
DirectShow/Media Foundation indices on Windows), and have no real "still" mode: the still is
chosen from the last few live frames, the sharpest one (or the best by a scoring function the
core supplies, for example an eyes-open score).

Frames are converted from OpenCV's BGR to RGB and never mirrored (no ``cv2.flip``), whatever a
video-call application would do. ``webcam:/path/video.avi`` plays a file through exactly the
same VideoCapture calls, paced at the file's frame rate and looped; tests use that.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from capture_station.cameras.base import (
    Camera,
    CameraDisconnected,
    CameraError,
    CameraInfo,
    Capabilities,
    Frame,
    ReconnectPolicy,
    Setting,
    Still,
    listing,
    why_of,
)
from capture_station.messages import Msg

# Resolutions asked for, best first (MJPG: uncompressed 1080p does not fit USB 2 at 30 fps).
PREFERRED_RESOLUTIONS: tuple[tuple[int, int], ...] = ((1920, 1080), (1280, 720))
RING_SIZE = 8
STILL_MAX_AGE = 1.0  # seconds: ring frames older than this are not used for a still
STILL_BURST = 5  # frames read for a still when live view is not running
WINDOWS_INDICES = range(5)

StillScorer = Callable[[np.ndarray], float]

WEBCAM = Msg("camera.kind.webcam")  # who speaks in a problem of the spec itself

_BACKENDS = {
    "any": cv2.CAP_ANY,
    "v4l2": cv2.CAP_V4L2,
    "dshow": cv2.CAP_DSHOW,
    "msmf": cv2.CAP_MSMF,
    "avfoundation": cv2.CAP_AVFOUNDATION,
}


def sharpness(rgb: np.ndarray) -> float:
    """Variance of the Laplacian over the centre of the frame (where the face is).

    The centre half in each direction is used, reduced to at most 640 pixels wide so the score
    costs about a millisecond and does not depend much on the resolution.
    """
    h, w = rgb.shape[:2]
    c = rgb[h // 4 : h - h // 4, w // 4 : w - w // 4]
    gray = cv2.cvtColor(c, cv2.COLOR_RGB2GRAY)
    if gray.shape[1] > 640:
        f = 640 / gray.shape[1]
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def _default_backends() -> list[int]:
    if sys.platform.startswith("linux"):
        return [cv2.CAP_V4L2, cv2.CAP_ANY]
    if sys.platform == "win32":
        # DirectShow opens in well under a second; Media Foundation is the fallback
        return [cv2.CAP_DSHOW, cv2.CAP_MSMF]
    if sys.platform == "darwin":
        return [cv2.CAP_AVFOUNDATION]
    return [cv2.CAP_ANY]


def _linux_devices() -> list[int]:
    found = []
    for dev in glob.glob("/dev/video*"):
        m = re.fullmatch(r"/dev/video(\d+)", dev)
        if m:
            found.append(int(m.group(1)))
    return sorted(found)


def _linux_device_name(n: int) -> str | None:
    try:
        return Path(f"/sys/class/video4linux/video{n}/name").read_text().strip() or None
    except OSError:
        return None


def _linux_is_capture_node(n: int) -> bool:
    """UVC cameras create a second node for metadata (sysfs ``index`` 1); skip those."""
    try:
        return Path(f"/sys/class/video4linux/video{n}/index").read_text().strip() == "0"
    except OSError:
        return True


def list_webcams() -> list[CameraInfo]:
    """Webcams present now. Linux: ``/dev/video*`` capture nodes (no device is opened);
    elsewhere: indices 0..4 that open with DirectShow/Media Foundation (or the platform's
    backend)."""
    out: list[CameraInfo] = []
    if sys.platform.startswith("linux"):
        for n in _linux_devices():
            if not _linux_is_capture_node(n):
                continue
            name = _linux_device_name(n)
            out.append(CameraInfo("webcam", name or f"Video device {n}", f"webcam:{n}",
                                  f"/dev/video{n}", True,
                                  label=None if name else Msg("camera.name.webcam", index=n)))
        return out
    for i in WINDOWS_INDICES:
        for api in _default_backends():
            cap = cv2.VideoCapture(i, api)
            try:
                if cap.isOpened():
                    backend = _backend_name(cap)
                    name = f"Camera {i} ({backend})" if backend else f"Camera {i}"
                    out.append(CameraInfo("webcam", name, f"webcam:{i}", str(i), True))
                    break
            finally:
                cap.release()
    return out


class WebcamCamera(Camera):
    """A webcam by index (``webcam:0``) or a video file (``webcam:/path/to/video.mp4``)."""

    kind = "webcam"
    warmup_frames = 10  # let auto exposure and white balance settle before a still

    def __init__(
        self,
        source: int | str,
        *,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        backend: str | None = None,
        still_scorer: StillScorer | None = None,
        ring_size: int = RING_SIZE,
        spec: str | None = None,
        name: str | None = None,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        is_index = isinstance(source, int) or (isinstance(source, str) and source.isdigit())
        self._index: int | None = int(source) if is_index else None
        self._file: Path | None = None if is_index else Path(str(source)).expanduser()
        label = f"Webcam {self._index}" if self._file is None else f"Video {self._file.name}"
        super().__init__(spec or f"webcam:{source}", name=name or label, reconnect=reconnect)
        if name is None:
            self._label = (Msg("camera.name.webcam", index=self._index) if self._file is None
                           else Msg("camera.name.video", file=self._file.name))
        if backend is not None and backend.lower() not in _BACKENDS:
            raise CameraError("camera.webcam.unknown_backend", camera=WEBCAM, backend=backend,
                              known=", ".join(_BACKENDS))
        self._backend = backend.lower() if backend else None
        if (width is None) != (height is None):
            raise CameraError("camera.webcam.width_height", camera=WEBCAM)
        self._requested = (int(width), int(height)) if width and height else None
        self._fps_override = float(fps) if fps else None
        self.still_scorer: StillScorer | None = still_scorer
        self._ring: deque[Frame] = deque(maxlen=max(1, ring_size))
        self._cap: cv2.VideoCapture | None = None
        self._resolution: tuple[int, int] | None = None
        self._reported_fps = 0.0
        self._backend_name = ""
        self._capabilities = Capabilities(live_view=True, full_resolution_capture=False)

    # -- information

    @property
    def resolution(self) -> tuple[int, int] | None:
        """(width, height) of the frames actually delivered."""
        return self._resolution

    @property
    def reported_fps(self) -> float:
        """The frame rate the driver (or the file) reports; see ``fps`` for the measured one."""
        return self._reported_fps

    @property
    def is_file(self) -> bool:
        return self._file is not None

    # -- device hooks

    def _device_open(self) -> None:
        self._ring.clear()
        if self._file is not None:
            self._open_file(self._file)
        else:
            assert self._index is not None
            self._open_device(self._index)

    def _open_file(self, path: Path) -> None:
        if not path.is_file():
            raise CameraError("camera.video.no_file", camera=WEBCAM, path=path)
        cap = cv2.VideoCapture(os.fspath(path), cv2.CAP_ANY)
        if not cap.isOpened():
            cap.release()
            raise CameraError("camera.video.cannot_open", camera=WEBCAM, file=path.name)
        ok, bgr = cap.read()
        if not ok or bgr is None:
            cap.release()
            raise CameraError("camera.video.no_frames", camera=WEBCAM, file=path.name)
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        self._cap = cap
        self._resolution = (int(bgr.shape[1]), int(bgr.shape[0]))
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._reported_fps = fps if 0 < fps < 1000 else 25.0
        self._backend_name = _backend_name(cap)

    def _open_device(self, index: int) -> None:
        who = Msg("camera.kind.webcam_n", index=index)
        if sys.platform.startswith("linux") and self._backend in (None, "v4l2"):
            present = _linux_devices()
            device = f"/dev/video{index}"
            if index not in present:
                raise CameraError("camera.webcam.no_device", camera=who, device=device,
                                  found=listing([f"/dev/video{n}" for n in present]))
            if not os.access(device, os.R_OK | os.W_OK):
                raise CameraError("camera.webcam.no_permission", camera=who, device=device)
        apis = [_BACKENDS[self._backend]] if self._backend else _default_backends()
        cap = None
        for api in apis:
            c = cv2.VideoCapture(index, api)
            if c.isOpened():
                cap = c
                break
            c.release()
        if cap is None:
            raise CameraError("camera.webcam.cannot_open", camera=who)
        try:
            self._negotiate(cap, index)
        except BaseException:
            cap.release()
            raise
        self._cap = cap
        self._backend_name = _backend_name(cap)

    def _negotiate(self, cap: cv2.VideoCapture, index: int) -> None:
        """Ask for MJPG at the best resolution; keep what the camera really delivers."""
        wanted = [self._requested] if self._requested else list(PREFERRED_RESOLUTIONS)
        got: tuple[int, int] | None = None
        for w, h in wanted:
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, w)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, h)
            if self._fps_override:
                cap.set(cv2.CAP_PROP_FPS, self._fps_override)
            bgr = _read_with_retries(cap)
            if bgr is None:
                continue
            got = (int(bgr.shape[1]), int(bgr.shape[0]))
            if got == (w, h):
                break
        if got is None:
            raise CameraError("camera.webcam.no_frames",
                              camera=Msg("camera.kind.webcam_n", index=index))
        self._resolution = got
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._reported_fps = fps if 0 < fps < 1000 else 0.0

    def _device_close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()

    def _frame_period(self) -> float | None:
        if self._file is None:
            return None  # a device read blocks until the next frame
        fps = self._fps_override or self._reported_fps or 25.0
        return 1.0 / fps

    def _read_bgr(self) -> np.ndarray:
        cap = self._cap
        if cap is None:
            raise CameraDisconnected("camera.not_connected", camera=self.localized_name)
        ok, bgr = cap.read()
        if (not ok or bgr is None) and self._file is not None:  # a file plays in a loop
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = cap.read()
        if not ok or bgr is None:
            if self._file is not None:
                raise CameraDisconnected("camera.video.unreadable", camera=self.localized_name)
            raise CameraDisconnected("camera.webcam.stopped", camera=self.localized_name)
        return bgr

    def _device_read_frame(self) -> np.ndarray | None:
        return _to_rgb(self._read_bgr())

    def _frame_published(self, frame: Frame) -> None:
        self._ring.append(frame)

    def _device_capture_still(self) -> Still:
        now = time.monotonic()
        candidates = [f.rgb for f in list(self._ring) if now - f.timestamp <= STILL_MAX_AGE]
        source = "ring"
        if len(candidates) < min(3, self._ring.maxlen or 1):
            # live view is off (or stalled): read a short burst now
            candidates = [_to_rgb(self._read_bgr()) for _ in range(STILL_BURST)]
            source = "burst"
        scores = [self._score(rgb) for rgb in candidates]
        best = int(np.argmax(scores))
        rgb = np.array(candidates[best], copy=True)
        return Still(
            rgb,
            metadata={
                "camera": self.name,
                "kind": self.kind,
                "width": int(rgb.shape[1]),
                "height": int(rgb.shape[0]),
                "score": scores[best],
                "scorer": "custom" if self.still_scorer else "sharpness",
                "candidates": len(candidates),
                "from": source,
                "reported_fps": self._reported_fps,
            },
        )

    def _score(self, rgb: np.ndarray) -> float:
        if self.still_scorer is not None:
            try:
                return float(self.still_scorer(rgb))
            except Exception as e:  # noqa: BLE001 - a broken scorer must not lose the still
                self._emit_error(CameraError("camera.webcam.scorer_failed",
                                             camera=self.localized_name, why=why_of(e)))
        return sharpness(rgb)

    def _device_settings(self) -> dict[str, Setting]:
        res = self._resolution
        current = f"{res[0]}x{res[1]}" if res else ""
        choices = [f"{w}x{h}" for w, h in PREFERRED_RESOLUTIONS]
        if current and current not in choices:
            choices.append(current)
        out = {
            "resolution": Setting(
                "resolution", "Resolution", current, tuple(choices),
                readonly=self._file is not None, key="resolution",
            ),
            "fps": Setting(
                "fps", "Frame rate (reported)", f"{self._reported_fps:g}",
                readonly=True, kind="text", key="fps",
            ),
        }
        if self._backend_name:
            out["backend"] = Setting(
                "backend", "Capture backend", self._backend_name, readonly=True, kind="text",
                key="backend",
            )
        return out

    def _device_set_setting(self, name: str, value: str | int | float) -> None:
        if name != "resolution" or self._file is not None or self._cap is None:
            raise CameraError("camera.setting_fixed", camera=self.localized_name, setting=name)
        m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", str(value))
        if not m:
            raise CameraError("camera.webcam.bad_resolution", camera=self.localized_name,
                              value=value)
        self._requested = (int(m.group(1)), int(m.group(2)))
        assert self._index is not None
        self._ring.clear()
        self._negotiate(self._cap, self._index)


def _read_with_retries(cap: cv2.VideoCapture, tries: int = 5) -> np.ndarray | None:
    for _ in range(tries):
        ok, bgr = cap.read()
        if ok and bgr is not None:
            return bgr
        time.sleep(0.05)
    return None


def _backend_name(cap: cv2.VideoCapture) -> str:
    try:
        return str(cap.getBackendName())
    except cv2.error:
        return ""


def _to_rgb(bgr: np.ndarray) -> np.ndarray:
    if bgr.dtype != np.uint8:
        bgr = cv2.convertScaleAbs(bgr, alpha=255.0 / max(1.0, float(bgr.max())))
    if bgr.ndim == 2:
        return cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB)
    if bgr.shape[2] == 4:
        return cv2.cvtColor(bgr, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
