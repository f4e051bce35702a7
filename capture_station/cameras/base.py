"""The one camera interface of the station, and the acquisition machinery all cameras share.

The GUI, the command line and the benchmarks drive a webcam, a tethered DSLR and the demo
camera through :class:`Camera` alone. A concrete camera only implements a few device hooks
(open, close, read one live frame, take one still, settings); this module supplies the rest
so that every camera behaves the same way:

* one worker thread per open camera fills a latest-frame slot (:mod:`.frames`): consumers take
  the newest frame, older ones are dropped, never queued;
* a lost device (unplugged, switched off) is reopened by the worker with exponential backoff,
  and the connection state is reported by callback (``connected``, ``disconnected``,
  ``reconnecting``, ``closed``); :meth:`Camera.close` stops retrying and joins the thread;
* errors are :class:`CameraError` with a one-line message a person can act on, in Chinese or
  English: the language of the moment it is read, not of the moment it was raised.

This module is core: it imports no Qt. Callbacks run on the camera's worker thread (or on the
thread that called the method that failed); a GUI forwards them to its own thread.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from capture_station.cameras.frames import FpsMeter, Frame, FrameSlot
from capture_station.messages import LocalizedError, Msg, message_of, os_reason

__all__ = [
    "Camera",
    "CameraDisconnected",
    "CameraError",
    "CameraInfo",
    "Capabilities",
    "ConnectionState",
    "Frame",
    "ReconnectPolicy",
    "Setting",
    "Still",
]

_log = logging.getLogger(__name__)


class CameraError(LocalizedError):
    """A camera problem; ``str()`` is one line meant for the operator, in the current language.

    Raised as ``CameraError("camera.key", camera=..., why=...)``: a key of
    :data:`capture_station.messages.TEXTS` and its values, rendered only when it is read. Why:
    a camera's worker thread raises it and the window shows it later, maybe after the operator
    switched the language; the command line prints it in the command's language. A text that
    is already in the reader's language (the window's own ``tr()``) may be given as it is.
    Values keep their own words: a device path, a port, libgphoto2's error text.
    """

    def render(self, lang: str | None = None) -> str:
        # one line whatever a value holds (a library's message with a line break)
        return " ".join(super().render(lang).split())

    def __str__(self) -> str:
        return self.render()


class CameraDisconnected(CameraError):
    """The device went away (unplugged, switched off, USB reset); the camera will reconnect."""


class ConnectionState(enum.StrEnum):
    CLOSED = "closed"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True)
class Capabilities:
    live_view: bool  # the camera delivers live frames
    full_resolution_capture: bool  # capture_still() is sharper/larger than the live frames


@dataclass(frozen=True)
class ReconnectPolicy:
    """Backoff for reopening a lost device: ``initial_delay`` * ``factor`` ** n, capped."""

    initial_delay: float = 0.5
    max_delay: float = 5.0
    factor: float = 2.0
    max_attempts: int | None = None  # None: keep trying until close()

    def delays(self) -> Iterator[float]:
        d = max(0.0, self.initial_delay)
        n = 0
        while self.max_attempts is None or n < self.max_attempts:
            yield d
            n += 1
            d = min(max(d * self.factor, 1e-4), self.max_delay)


@dataclass
class Setting:
    """One adjustable camera setting (ISO, aperture, ...), as shown to the operator."""

    name: str  # station name: "iso", "aperture", "shutter_speed", ...
    label: str
    value: str | int | float
    choices: tuple[str, ...] = ()  # empty: free value (see ``kind``)
    readonly: bool = False
    kind: str = "choice"  # "choice", "text", "toggle", "range"
    key: str = ""  # the device's own name for it (gphoto2 widget name, ...)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": self.value,
            "choices": list(self.choices),
            "readonly": self.readonly,
            "kind": self.kind,
            "key": self.key,
        }


class Still:
    """A captured still image.

    ``rgb`` is the decoded RGB uint8 (H, W, 3) image at the camera's full resolution. When the
    camera produced a file (a DSLR's JPEG), ``data`` holds its original bytes and ``filename``
    its name on the camera, and ``rgb`` is decoded from ``data`` on first access only (a
    24-megapixel decode that the file-based pipeline does not need).
    """

    __slots__ = ("_decode", "_lock", "_rgb", "data", "filename", "metadata")

    def __init__(
        self,
        rgb: np.ndarray | None = None,
        *,
        data: bytes | None = None,
        filename: str | None = None,
        metadata: dict[str, Any] | None = None,
        decode: Callable[[], np.ndarray] | None = None,
    ) -> None:
        if rgb is None and decode is None:
            raise ValueError("a Still needs rgb or a decode function")
        self._rgb = rgb
        self._decode = decode
        self._lock = threading.Lock()
        self.data = data
        self.filename = filename
        self.metadata: dict[str, Any] = dict(metadata or {})

    @property
    def rgb(self) -> np.ndarray:
        with self._lock:
            if self._rgb is None:
                assert self._decode is not None
                self._rgb = self._decode()
                self._decode = None
            return self._rgb

    @property
    def decoded(self) -> bool:
        return self._rgb is not None

    def to_source(self, name: str) -> tuple[Any, tuple[str, bytes] | None]:
        """The pipeline source for this still, and the original file to archive (or None).

        A camera file (DSLR JPEG) goes through the same decoding as a file on disk, and is kept
        as the original; a frame (webcam, demo) goes in as pixels.
        """
        from capture_station.imaging.image_source import ArraySource, open_image_bytes

        if self.data is not None:
            filename = self.filename or f"{name}.jpg"
            return open_image_bytes(self.data, filename), (filename, self.data)
        rgb = np.ascontiguousarray(self.rgb)
        if not rgb.flags.writeable:
            rgb = rgb.copy()
        return ArraySource(rgb, name=name), None

    def __repr__(self) -> str:
        shape = tuple(self._rgb.shape) if self._rgb is not None else "not decoded"
        size = len(self.data) if self.data is not None else None
        return f"Still(rgb={shape}, data={size} bytes, filename={self.filename!r})"


@dataclass(frozen=True)
class CameraInfo:
    """A camera found by :func:`capture_station.cameras.list_cameras`."""

    kind: str  # "webcam", "gphoto2", "demo"
    name: str
    spec: str  # what to pass to open_camera()
    port: str  # device node, USB port or path
    live_view: bool
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # the station's own words for a camera it names itself (the demo camera, a webcam the
    # system gives no name), rendered in the reader's language; None: ``name`` / ``port`` as
    # the device or the system gave them. ``as_dict`` keeps the English for scripts.
    label: Msg | None = field(default=None, compare=False)
    port_label: Msg | None = field(default=None, compare=False)

    @property
    def localized_name(self) -> Msg | str:
        return self.label if self.label is not None else self.name

    @property
    def localized_port(self) -> Msg | str:
        return self.port_label if self.port_label is not None else self.port

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "spec": self.spec,
            "port": self.port,
            "live_view": self.live_view,
        }


FrameCallback = Callable[[Frame], None]
ErrorCallback = Callable[[CameraError], None]
StateCallback = Callable[[ConnectionState], None]


def why_of(e: BaseException) -> Msg | str:
    """Why ``e`` happened, as the ``why`` of a camera message: its own text in both languages
    when it carries one (the station's errors, an operating-system error), else the first line
    of what the library said, as it said it."""
    message = message_of(e)
    if message is not None:
        return message
    if isinstance(e, OSError) and e.errno:
        return os_reason(e)
    said = str(e).strip()
    return said.splitlines()[0][:200] if said else type(e).__name__


def as_camera_error(e: BaseException, key: str, /, **values: object) -> CameraError:
    """``e`` as a CameraError (unchanged when it already is one): the text ``key`` with
    ``values`` and ``why`` (:func:`why_of`), for an exception a device library raised."""
    if isinstance(e, CameraError):
        return e
    return CameraError(key, **values, why=why_of(e))


def listing(items: list[str]) -> Msg:
    """Names listed in a message: "a、b" in Chinese, "a, b" in English, "无"/"none" for none."""
    if not items:
        return Msg("camera.none")
    return Msg.pair("、".join(items), ", ".join(items))


class Camera(ABC):
    """The camera interface. Subclasses implement the ``_device_*`` hooks only.

    Lifecycle: ``open()`` connects (raising :class:`CameraError` with the reason) and starts the
    camera's worker thread; ``start_live()``/``stop_live()`` switch frame acquisition on and off;
    ``close()`` stops everything and joins the thread. Use as a context manager to be sure.
    """

    kind: ClassVar[str] = "camera"
    #: live frames worth waiting for before a still (auto exposure settling), see cli.camera_commands
    warmup_frames: ClassVar[int] = 1

    def __init__(
        self,
        spec: str,
        *,
        name: str | None = None,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        self._spec = spec
        self._name = name or spec
        # the station's own name for the camera in both languages (set by a subclass when it
        # names the camera itself); None: ``_name``, a name the device or the caller gave
        self._label: Msg | None = None
        self._reconnect_policy = reconnect or ReconnectPolicy()
        self._capabilities = Capabilities(live_view=True, full_resolution_capture=False)
        self._slot = FrameSlot()
        self._fps = FpsMeter()
        # _api_lock serialises open()/close(); _device_lock guards the device handle;
        # _cond guards the worker's flags below.
        self._api_lock = threading.Lock()
        self._device_lock = threading.RLock()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._open = False
        self._live = False
        self._device_ok = False
        self._gave_up = False
        self._device_waiters = 0
        self._state = ConnectionState.CLOSED
        self._cb_lock = threading.Lock()
        self._frame_cbs: list[FrameCallback] = []
        self._error_cbs: list[ErrorCallback] = []
        self._state_cbs: list[StateCallback] = []
        self._counters = {"disconnects": 0, "reconnects": 0, "errors": 0, "read_errors": 0}
        self._worker_cpu = 0.0
        self._worker_started = 0.0
        self._last_error: CameraError | None = None

    # ------------------------------------------------------------------ device hooks

    @abstractmethod
    def _device_open(self) -> None:
        """Connect to the device; raise CameraError with the reason. Called again to reconnect."""

    @abstractmethod
    def _device_close(self) -> None:
        """Release the device. Must be safe to call twice and after a failed open."""

    @abstractmethod
    def _device_read_frame(self) -> np.ndarray | None:
        """Return the next live RGB frame (None: nothing this time).

        Raise CameraDisconnected when the device is gone. Called on the worker thread with the
        device lock held; may block up to about one frame interval.
        """

    @abstractmethod
    def _device_capture_still(self) -> Still:
        """Take one still. Called with the device lock held; live acquisition is paused."""

    def _device_settings(self) -> dict[str, Setting]:
        return {}

    def _device_set_setting(self, name: str, value: str | int | float) -> None:
        raise CameraError("camera.no_setting", camera=self.localized_name, setting=name)

    def _frame_period(self) -> float | None:
        """Seconds between frames for sources that must be paced (files, demo); None: the
        device read blocks on its own."""
        return None

    def _live_started(self) -> None:  # noqa: B027 - optional hook
        """Hook: live view was switched on (device lock held)."""

    def _live_stopped(self) -> None:  # noqa: B027 - optional hook
        """Hook: live view was switched off (device lock held)."""

    def _frame_published(self, frame: Frame) -> None:  # noqa: B027 - optional hook
        """Hook: ``frame`` was put into the slot (worker thread)."""

    # ------------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        return self._name

    @property
    def localized_name(self) -> Msg | str:
        """The camera's name as its messages give it: the station's own name for it ("Webcam
        0", "Demo camera (built-in scene)") in the language the message is read in; a name
        the device or the caller gave (a DSLR's model) as it is. ``name`` stays English: it
        goes into the photo's metadata and the logs."""
        return self._label if self._label is not None else self._name

    @property
    def spec(self) -> str:
        return self._spec

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    @property
    def fps(self) -> float:
        """Measured live frames per second over the last frames (0.0 when none arrive)."""
        return self._fps.fps

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def is_live(self) -> bool:
        return self._live

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def last_error(self) -> CameraError | None:
        return self._last_error

    def stats(self) -> dict[str, Any]:
        """Counters for monitoring and benchmarks."""
        with self._cond:
            counters = dict(self._counters)
        wall = (time.monotonic() - self._worker_started) if self._worker_started else 0.0
        counters.update(
            frames=self._slot.count,
            dropped=self._slot.dropped,
            fps=self.fps,
            worker_cpu_seconds=self._worker_cpu,
            worker_wall_seconds=wall,
        )
        return counters

    # ------------------------------------------------------------------ callbacks

    def on_frame(self, cb: FrameCallback) -> Callable[[], None]:
        """Call ``cb(frame)`` for every new frame (worker thread; keep it short).
        Returns a function that unsubscribes."""
        return self._subscribe(self._frame_cbs, cb)

    def on_error(self, cb: ErrorCallback) -> Callable[[], None]:
        """Call ``cb(error)`` for errors the worker meets (failed reads, failed reconnects)."""
        return self._subscribe(self._error_cbs, cb)

    def on_state(self, cb: StateCallback) -> Callable[[], None]:
        """Call ``cb(state)`` on every connection-state change."""
        return self._subscribe(self._state_cbs, cb)

    def _subscribe(self, lst: list[Any], cb: Any) -> Callable[[], None]:
        with self._cb_lock:
            lst.append(cb)

        def unsubscribe() -> None:
            with self._cb_lock:
                if cb in lst:
                    lst.remove(cb)

        return unsubscribe

    def _emit(self, lst: list[Any], arg: Any) -> None:
        with self._cb_lock:
            cbs = list(lst)
        for cb in cbs:
            try:
                cb(arg)
            except Exception:  # noqa: BLE001 - a broken subscriber must not stop the camera
                _log.exception("%s: camera callback failed", self._name)

    def _emit_error(self, err: CameraError) -> None:
        with self._cond:
            self._counters["errors"] += 1
        self._last_error = err
        _log.info("%s: %s", self._name, err)
        self._emit(self._error_cbs, err)

    def _set_state(self, state: ConnectionState) -> None:
        with self._cond:
            if self._state == state:
                return
            self._state = state
        self._emit(self._state_cbs, state)

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Connect to the device and start the worker thread. Raises CameraError."""
        with self._api_lock:
            if self._open:
                return
            self._join_worker()  # one closed from its own callback may still be finishing
            try:
                with self._device_lock:
                    self._device_open()
            except Exception as e:
                self._safe_device_close()
                raise as_camera_error(e, "camera.cannot_open",
                                      camera=self.localized_name) from None
            self._stop.clear()
            self._slot.reopen()
            self._fps.reset()
            with self._cond:
                self._device_ok = True
                self._gave_up = False
                self._live = False
            self._open = True
            self._worker_cpu = 0.0
            self._worker_started = time.monotonic()
            self._set_state(ConnectionState.CONNECTED)
            self._thread = threading.Thread(
                target=self._run, name=f"camera-{self.kind}:{self._spec}", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        """Stop live view and reconnect attempts, join the worker and release the device.

        Safe to call from a camera callback: the worker then finishes the shutdown as soon as
        the callback returns (a later ``close()`` from another thread joins it).
        """
        if threading.current_thread() is self._thread:
            self._signal_stop()
            return
        with self._api_lock:
            self._signal_stop()
            self._join_worker()

    def _signal_stop(self) -> None:
        self._open = False
        self._stop.set()
        with self._cond:
            self._live = False
            self._cond.notify_all()
        self._slot.close()

    def _join_worker(self) -> None:
        thread, self._thread = self._thread, None
        # the worker releases the device when it exits
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def __enter__(self) -> Camera:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_live(self) -> None:
        """Start delivering live frames (no-op for cameras without live view)."""
        self._require_open()
        with self._device():
            if self._live:
                return
            if self._device_ok:
                self._call_live_hook(self._live_started)
            with self._cond:
                self._live = True
                self._cond.notify_all()

    def stop_live(self) -> None:
        """Stop delivering live frames; the last frame stays available."""
        if not self._open:
            return
        with self._device():
            with self._cond:
                was_live = self._live
                self._live = False
                self._cond.notify_all()
            if was_live and self._device_ok:
                self._call_live_hook(self._live_stopped)

    def reconnect(self) -> None:
        """Try to reconnect again after the reconnect policy gave up."""
        self._require_open()
        with self._cond:
            self._gave_up = False
            self._cond.notify_all()

    def _call_live_hook(self, hook: Callable[[], None]) -> None:
        try:
            hook()
        except CameraDisconnected as e:
            self._mark_lost(e)
        except Exception as e:  # noqa: BLE001 - live view still works without the hook
            self._emit_error(as_camera_error(e, "camera.live_view_failed",
                                             camera=self.localized_name))

    # ------------------------------------------------------------------ frames

    def latest_frame(self) -> Frame | None:
        """The newest live frame, or None before the first one."""
        return self._slot.latest()

    def wait_frame(self, after_number: int = 0, timeout: float = 1.0) -> Frame | None:
        """Block until a frame newer than ``after_number`` arrives; None on timeout/close."""
        return self._slot.wait(after_number, timeout)

    @property
    def frame_count(self) -> int:
        return self._slot.count

    @property
    def dropped_frames(self) -> int:
        """Frames replaced in the slot before any consumer took them."""
        return self._slot.dropped

    # ------------------------------------------------------------------ stills and settings

    def warm_up(self, timeout: float) -> None:
        """Start live view and let ``warmup_frames`` frames pass (exposure and white balance
        settle) before a still; nothing to do for a camera without live view."""
        if not self.capabilities.live_view or self.warmup_frames <= 0:
            return
        self.start_live()
        deadline = time.monotonic() + timeout
        seen = 0
        while seen < self.warmup_frames:
            left = deadline - time.monotonic()
            frame = self.wait_frame(seen, timeout=max(0.0, left)) if left > 0 else None
            if frame is None:
                if self.last_error is not None:
                    raise CameraError("camera.no_picture_why", camera=self.localized_name,
                                      seconds=f"{timeout:g}", why=self.last_error)
                raise CameraError("camera.no_picture", camera=self.localized_name,
                                  seconds=f"{timeout:g}")
            seen = frame.number

    def capture_still(self) -> Still:
        """Take one still image. Raises CameraError (CameraDisconnected when the device is
        gone: the worker then reconnects in the background)."""
        self._require_open()
        try:
            with self._device():
                self._require_connected()
                return self._device_capture_still()
        except CameraDisconnected as e:
            self._mark_lost(e)
            raise
        except CameraError:
            raise
        except Exception as e:
            _log.exception("%s: capture failed", self._name)
            raise as_camera_error(e, "camera.capture_failed",
                                  camera=self.localized_name) from None

    def settings(self) -> dict[str, Setting]:
        """The adjustable settings this camera offers, by station name."""
        self._require_open()
        return self._guarded(self._device_settings, "camera.settings_failed")

    def set_setting(self, name: str, value: str | int | float) -> None:
        """Change a setting; raises CameraError for an unknown name or a refused value."""
        self._require_open()
        self._guarded(lambda: self._device_set_setting(name, value), "camera.setting_failed",
                      setting=name)

    def _guarded(self, fn: Callable[[], Any], failed: str, **values: object) -> Any:
        """``fn()`` on the device; the text ``failed`` (with the camera, ``values`` and ``why``)
        for an exception that is not a CameraError."""
        try:
            with self._device():
                self._require_connected()
                return fn()
        except CameraDisconnected as e:
            self._mark_lost(e)
            raise
        except CameraError:
            raise
        except Exception as e:
            raise as_camera_error(e, failed, camera=self.localized_name, **values) from None

    def _require_open(self) -> None:
        if not self._open:
            raise CameraError("camera.not_open", camera=self.localized_name)

    def _require_connected(self) -> None:
        if not self._device_ok:
            raise CameraDisconnected("camera.reconnecting", camera=self.localized_name)

    @contextmanager
    def _device(self) -> Iterator[None]:
        """Hold the device lock from an API thread; the worker pauses acquisition meanwhile."""
        with self._cond:
            self._device_waiters += 1
        try:
            with self._device_lock:
                yield
        finally:
            with self._cond:
                self._device_waiters -= 1
                self._cond.notify_all()

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the camera is closing; True when the full time passed."""
        if seconds <= 0:
            return not self._stop.is_set()
        return not self._stop.wait(seconds)

    @property
    def _stopping(self) -> bool:
        return self._stop.is_set()

    # ------------------------------------------------------------------ worker

    def _mark_lost(self, err: CameraError) -> None:
        """The device is gone: release it and let the worker reconnect."""
        with self._device_lock:
            with self._cond:
                if not self._device_ok:
                    return
                self._device_ok = False
                self._counters["disconnects"] += 1
                self._cond.notify_all()
            self._safe_device_close()
        self._fps.reset()
        self._emit_error(err)
        self._set_state(ConnectionState.DISCONNECTED)

    def _safe_device_close(self) -> None:
        try:
            with self._device_lock:
                self._device_close()
        except Exception:  # noqa: BLE001 - closing a dead device may fail; nothing to do
            _log.debug("%s: closing the device failed", self._name, exc_info=True)

    def _idle(self) -> bool:
        """Worker has nothing to do (called with _cond held)."""
        if self._stop.is_set():
            return False
        if not self._device_ok:
            return self._gave_up
        if self._device_waiters:
            return True
        return not (self._live and self._capabilities.live_view)

    def _run(self) -> None:
        t0 = time.thread_time()
        try:
            self._loop(t0)
        except Exception as e:  # noqa: BLE001 - a bug must not pass silently
            _log.exception("%s: camera worker failed", self._name)
            self._emit_error(as_camera_error(e, "camera.stopped", camera=self.localized_name))
        finally:
            with self._cond:
                self._device_ok = False
                self._live = False
            self._safe_device_close()
            self._worker_cpu = time.thread_time() - t0
            self._set_state(ConnectionState.CLOSED)

    def _loop(self, t0: float) -> None:
        next_due: float | None = None
        while not self._stop.is_set():
            with self._cond:
                if self._idle():
                    next_due = None
                    while self._idle():
                        self._cond.wait()
                device_ok = self._device_ok
            if self._stop.is_set():
                break
            if not device_ok:
                self._reconnect_loop()
                next_due = None
                continue
            period = self._frame_period()
            if period:
                now = time.monotonic()
                if next_due is None:
                    next_due = now
                elif next_due > now:
                    if self._stop.wait(next_due - now):
                        break
                    continue  # re-check live/waiters before reading
                next_due = max(next_due + period, time.monotonic() - period)
            rgb = self._read_once()
            self._worker_cpu = time.thread_time() - t0
            if rgb is None:
                if not period:
                    self._stop.wait(0.002)
                continue
            self._publish(rgb)

    def _read_once(self) -> np.ndarray | None:
        try:
            with self._device_lock:
                with self._cond:
                    if not self._device_ok or self._device_waiters or not self._live:
                        return None
                return self._device_read_frame()
        except CameraDisconnected as e:
            self._mark_lost(e)
        except CameraError as e:
            with self._cond:
                self._counters["read_errors"] += 1
            self._emit_error(e)
            self._stop.wait(0.05)
        except Exception as e:  # noqa: BLE001 - keep the worker alive, report the problem
            _log.exception("%s: reading a frame failed", self._name)
            self._emit_error(as_camera_error(e, "camera.read_failed",
                                             camera=self.localized_name))
            self._stop.wait(0.05)
        return None

    def _publish(self, rgb: np.ndarray) -> None:
        ts = time.monotonic()
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            self._emit_error(CameraError("camera.bad_frame", camera=self.localized_name,
                                         shape=str(rgb.shape)))
            return
        frame = self._slot.put(rgb, ts)
        self._fps.tick(ts)
        self._frame_published(frame)
        self._emit(self._frame_cbs, frame)

    def _reconnect_loop(self) -> None:
        self._set_state(ConnectionState.RECONNECTING)
        attempts = 0
        for delay in self._reconnect_policy.delays():
            if self._stop.wait(delay):
                return
            attempts += 1
            try:
                with self._device_lock:
                    self._device_open()
            except Exception as e:  # noqa: BLE001 - every failure is reported, then retried
                self._safe_device_close()
                self._emit_error(as_camera_error(e, "camera.reconnect_failed",
                                                 camera=self.localized_name))
                continue
            with self._cond:
                self._device_ok = True
                self._counters["reconnects"] += 1
                live = self._live
            self._fps.reset()
            self._set_state(ConnectionState.CONNECTED)
            if live:
                with self._device_lock:
                    self._call_live_hook(self._live_started)
            return
        with self._cond:
            self._gave_up = True
        self._emit_error(
            CameraError("camera.gave_up", camera=self.localized_name, attempts=attempts)
        )
        self._set_state(ConnectionState.DISCONNECTED)
