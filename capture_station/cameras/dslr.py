"""Tethered DSLR and mirrorless cameras through libgphoto2 (python-gphoto2).

Why a class of its own: a DSLR's still is a full-resolution JPEG written by the camera, which
the station keeps byte for byte (``Still.data``) instead of a re-encoded video frame; its live
view is a stream of small preview JPEGs that many bodies (and libgphoto2's virtual camera) do
not offer at all; and USB tethering fails in ways an operator has to be told how to fix: the
desktop's automounter holding the camera, the camera being busy focusing, the cable pulled.

``gphoto2`` is imported inside the functions, never at module import, so the package imports on
Windows where python-gphoto2 is not available. libgphoto2's virtual camera (set ``VCAMERADIR``
to a folder of JPEGs before ``import gphoto2``) appears as a Nikon at ``usb:001,001``; its
captures return those JPEGs and it has no live view; the tests use it.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from capture_station.cameras.base import (
    Camera,
    CameraDisconnected,
    CameraError,
    CameraInfo,
    Capabilities,
    ReconnectPolicy,
    Setting,
    Still,
    why_of,
)
from capture_station.cameras.imaging import decode_image_bytes
from capture_station.messages import Msg

# libgphoto2 result codes (gphoto2-result.h / gphoto2-port-result.h).
GP_ERROR = -1
GP_ERROR_BAD_PARAMETERS = -2
GP_ERROR_NOT_SUPPORTED = -6
GP_ERROR_IO = -7
GP_ERROR_IO_READ = -34
GP_ERROR_IO_WRITE = -35
GP_ERROR_IO_USB_FIND = -52
GP_ERROR_IO_USB_CLAIM = -53
GP_ERROR_MODEL_NOT_FOUND = -105
GP_ERROR_CAMERA_BUSY = -110

#: errors after which the device handle is dead: reopen (reconnect) it
DISCONNECT_CODES = frozenset(
    {GP_ERROR, GP_ERROR_IO, GP_ERROR_IO_READ, GP_ERROR_IO_WRITE, GP_ERROR_IO_USB_FIND}
)

#: station setting name -> (label, gphoto2 widget names to try, most common first); the
#: setting's name in messages is the text ``camera.setting.<name>``
SETTING_WIDGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "iso": ("ISO", ("iso", "isospeed")),
    "aperture": ("Aperture", ("f-number", "aperture")),
    "shutter_speed": ("Shutter speed", ("shutterspeed", "shutterspeed2", "exposuretime")),
    "white_balance": ("White balance", ("whitebalance",)),
    "image_format": ("Image format", ("imageformat", "imagequality", "imageformatsd")),
    "capture_target": ("Capture target", ("capturetarget",)),
}

_JPEG_SUFFIXES = (".jpg", ".jpeg")


def _gp() -> Any:
    """The gphoto2 module, imported on first use."""
    try:
        import gphoto2 as gp
    except ImportError:
        raise CameraError("camera.gphoto2.unavailable") from None
    return gp


def _code(e: BaseException) -> int | None:
    code = getattr(e, "code", None)
    return code if isinstance(code, int) else None


def _describe(e: BaseException) -> str:
    code = _code(e)
    text = getattr(e, "string", None) or str(e)
    text = str(text).strip().splitlines()[0] if str(text).strip() else type(e).__name__
    if code is not None and not text.startswith("["):
        text = f"[{code}] {text}"
    return text


def setting_label(name: str) -> Msg | str:
    """A setting as messages name it: the station's settings in the reader's language, any
    other (a widget name of the camera's own) as it is."""
    return Msg(f"camera.setting.{name}") if name in SETTING_WIDGETS else name


def map_gphoto2_error(e: BaseException, action: Msg,
                      camera: Msg | str = "gphoto2") -> CameraError:
    """A gphoto2 error as the CameraError the station reports (see the module docstring).

    ``action`` is what the camera was doing (a ``camera.action.*`` text); libgphoto2's own
    words for the error are kept as they are, in both languages."""
    code = _code(e)
    if code == GP_ERROR_IO_USB_CLAIM:
        return CameraError("camera.gphoto2.usb_claim", camera=camera)
    if code in DISCONNECT_CODES:
        return CameraDisconnected("camera.gphoto2.disconnected", camera=camera, action=action,
                                  why=_describe(e))
    if code == GP_ERROR_CAMERA_BUSY:
        return CameraError("camera.gphoto2.busy", camera=camera, action=action)
    if code == GP_ERROR_NOT_SUPPORTED:
        return CameraError("camera.gphoto2.not_supported", camera=camera, action=action)
    if code == GP_ERROR_MODEL_NOT_FOUND:
        return CameraError("camera.gphoto2.model", camera=camera)
    return CameraError("camera.gphoto2.failed", camera=camera, action=action, why=_describe(e))


def _is_virtual() -> bool:
    return bool(os.environ.get("VCAMERADIR"))


def _detect(gp: Any) -> list[tuple[str, str]]:
    """(model, port) of the cameras on the bus."""
    try:
        cl = gp.Camera.autodetect()
    except Exception as e:  # noqa: BLE001 - no USB access at all is "no camera"
        if _code(e) is None:
            raise
        return []
    return [(cl.get_name(i), cl.get_value(i)) for i in range(cl.count())]


def list_gphoto2_cameras() -> list[CameraInfo]:
    """Cameras libgphoto2 detects now (empty without python-gphoto2). Live view is what the
    driver claims for the model; libgphoto2's virtual camera has none."""
    try:
        gp = _gp()
    except CameraError:
        return []
    found = _detect(gp)
    if not found:
        return []
    abilities = gp.CameraAbilitiesList()
    abilities.load()
    out = []
    for model, port in found:
        live = False
        try:
            a = abilities[abilities.lookup_model(model)]
            live = bool(a.operations & gp.GP_OPERATION_CAPTURE_PREVIEW)
        except Exception:  # noqa: BLE001 - unknown model: report it without live view
            live = False
        virtual = _is_virtual()
        out.append(
            CameraInfo(
                kind="gphoto2",
                name=f"{model} (virtual)" if virtual else model,
                spec=f"gphoto2:{port}",
                port=port,
                live_view=live and not virtual,
                extra={"virtual": virtual},
            )
        )
    return out


class GPhoto2Camera(Camera):
    """A camera driven by libgphoto2: ``gphoto2`` (the first one found) or ``gphoto2:PORT``.

    ``camera_factory`` replaces autodetection and ``init()`` with a function returning a
    ready camera object (used by tests to simulate faults the virtual camera cannot produce).
    """

    kind = "gphoto2"
    warmup_frames = 0

    def __init__(
        self,
        port: str | None = None,
        *,
        busy_retries: int = 5,
        busy_delay: float = 0.2,
        keep_on_camera: bool = True,
        probe_live_view: bool = True,
        camera_factory: Callable[[], Any] | None = None,
        spec: str | None = None,
        name: str | None = None,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        port = port or None
        super().__init__(
            spec or (f"gphoto2:{port}" if port else "gphoto2"),
            name=name or (f"gphoto2 camera at {port}" if port else "gphoto2 camera"),
            reconnect=reconnect,
        )
        if name is None:
            self._label = (Msg("camera.name.gphoto2_at", port=port) if port
                           else Msg("camera.name.gphoto2"))
        self._port_wanted = port
        self._port: str | None = port
        self._model: str | None = None
        self._busy_retries = max(0, int(busy_retries))
        self._busy_delay = max(0.0, float(busy_delay))
        self._keep = keep_on_camera
        self._probe = probe_live_view
        self._factory = camera_factory
        self._cam: Any = None
        self._probed_model: str | None = None
        self._fixed_name = name is not None
        self._capabilities = Capabilities(live_view=False, full_resolution_capture=True)
        self._no_live_view: CameraError | str = ""

    @property
    def live_view_reason(self) -> str:
        """Why the camera has no live view, in the current language ("" when it has one)."""
        return str(self._no_live_view)

    @property
    def model(self) -> str | None:
        return self._model

    @property
    def port(self) -> str | None:
        return self._port

    # -- device hooks

    def _device_open(self) -> None:
        if self._factory is not None:
            try:
                cam = self._factory()
            except Exception as e:
                if _code(e) is None:
                    raise
                raise map_gphoto2_error(e, Msg("camera.action.open"),
                                        self.localized_name) from None
            model = str(getattr(cam, "model", None) or "gphoto2 camera")
            port = str(getattr(cam, "port", None) or self._port_wanted or "")
            can_preview = True
        else:
            cam, model, port, can_preview = self._open_real()
        self._cam = cam
        self._model = model
        self._port = port
        if not self._fixed_name:
            self._name = f"{model} ({port})" if port else model
            self._label = None  # the model's own name, in every language
        if self._probed_model != model:
            self._probed_model = model
            self._capabilities = Capabilities(
                live_view=can_preview and self._probe_live_view(),
                full_resolution_capture=True,
            )

    def _open_real(self) -> tuple[Any, str, str, bool]:
        gp = _gp()
        found = _detect(gp)
        if not found:
            raise CameraError("camera.gphoto2.not_found")
        choice = None
        if self._port is not None:
            choice = next((f for f in found if f[1] == self._port), None)
        if choice is None and self._model is not None:
            # after a replug the USB address changes: the same model elsewhere is our camera
            same = [f for f in found if f[0] == self._model]
            if len(same) == 1:
                choice = same[0]
        if choice is None and self._port_wanted is None and self._model is None:
            choice = found[0]
        if choice is None:
            listed = Msg.pair("、".join(f"{m}（{p}）" for m, p in found),
                              ", ".join(f"{m} at {p}" for m, p in found))
            raise CameraError("camera.gphoto2.not_at_port", port=self._port, found=listed)
        model, port = choice
        try:
            ports = gp.PortInfoList()
            ports.load()
            abilities = gp.CameraAbilitiesList()
            abilities.load()
            ability = abilities[abilities.lookup_model(model)]
            cam = gp.Camera()
            cam.set_abilities(ability)
            cam.set_port_info(ports[ports.lookup_path(port)])
            cam.init()
        except Exception as e:
            if _code(e) is None:
                raise
            raise map_gphoto2_error(e, Msg("camera.action.open"), f"{model} ({port})") from None
        can_preview = bool(ability.operations & gp.GP_OPERATION_CAPTURE_PREVIEW)
        return cam, model, port, can_preview

    def _probe_live_view(self) -> bool:
        self._no_live_view = ""
        if not self._probe:
            self._no_live_view = "not probed"
            return True
        try:
            self._preview_jpeg()
        except CameraDisconnected:
            raise
        except CameraError as e:
            self._no_live_view = e
            return False
        self._end_preview()
        return True

    def _device_close(self) -> None:
        cam, self._cam = self._cam, None
        if cam is not None:
            try:
                cam.exit()  # exactly once: a gphoto2 Camera must not be used after exit()
            except Exception:  # noqa: BLE001 - the device may already be gone
                pass

    def _call(self, action: Msg, fn: Callable[..., Any], *args: Any) -> Any:
        """Call a gphoto2 function, retrying while the camera reports itself busy."""
        attempt = 0
        while True:
            try:
                return fn(*args)
            except Exception as e:
                code = _code(e)
                if code is None:
                    raise
                if code == GP_ERROR_CAMERA_BUSY and attempt < self._busy_retries:
                    attempt += 1
                    if self._sleep(self._busy_delay):
                        continue
                raise map_gphoto2_error(e, action, self.localized_name) from None

    def _camera(self) -> Any:
        if self._cam is None:
            raise CameraDisconnected("camera.not_connected", camera=self.localized_name)
        return self._cam

    def _preview_jpeg(self) -> bytes:
        cam = self._camera()
        cf = self._call(Msg("camera.action.live_view"), cam.capture_preview)
        # keep ``cf`` alive while copying: the memoryview points into its buffer
        return bytes(memoryview(cf.get_data_and_size()))

    def _device_read_frame(self) -> np.ndarray | None:
        data = self._preview_jpeg()
        try:
            return decode_image_bytes(data)
        except (OSError, ValueError) as e:
            raise CameraError("camera.gphoto2.bad_preview", camera=self.localized_name,
                              why=why_of(e)) from None

    def _live_stopped(self) -> None:
        self._end_preview()

    def _end_preview(self) -> None:
        """Leave live view (mirror down) where the body has a 'viewfinder' switch."""
        cam = self._cam
        if cam is None or not hasattr(cam, "get_single_config"):
            return
        try:
            w = cam.get_single_config("viewfinder")
            w.set_value(0)
            cam.set_single_config("viewfinder", w)
        except Exception:  # noqa: BLE001 - optional: most bodies end live view on their own
            pass

    def _device_capture_still(self) -> Still:
        gp = _gp()
        cam = self._camera()
        t0 = time.perf_counter()
        path = self._call(Msg("camera.action.capture"), cam.capture, gp.GP_CAPTURE_IMAGE)
        files = [(str(path.folder), str(path.name))]
        if not files[0][1].lower().endswith(_JPEG_SUFFIXES):
            files += self._files_added(cam, timeout=3.0)  # RAW+JPEG: the JPEG comes next
        jpeg = next((f for f in files if f[1].lower().endswith(_JPEG_SUFFIXES)), None)
        if jpeg is None:
            raise CameraError("camera.gphoto2.raw_only", camera=self.localized_name,
                              file=files[0][1])
        folder, filename = jpeg
        t1 = time.perf_counter()
        cf = self._call(Msg("camera.action.download"), cam.file_get, folder, filename,
                        gp.GP_FILE_TYPE_NORMAL)
        data = bytes(memoryview(cf.get_data_and_size()))
        del cf
        t2 = time.perf_counter()
        if not data.startswith(b"\xff\xd8"):
            raise CameraError("camera.gphoto2.not_jpeg", camera=self.localized_name,
                              file=filename)
        if not self._keep:
            for f in files:
                try:
                    cam.file_delete(*f)
                except Exception:  # noqa: BLE001 - the picture is safe with us already
                    pass
        meta: dict[str, Any] = {
            "camera": self.name,
            "kind": self.kind,
            "model": self._model,
            "port": self._port,
            "folder": folder,
            "bytes": len(data),
            "capture_seconds": round(t1 - t0, 4),
            "download_seconds": round(t2 - t1, 4),
        }
        meta.update(_jpeg_header(data))
        return Still(data=data, filename=filename, metadata=meta,
                     decode=lambda: decode_image_bytes(data))

    def _files_added(self, cam: Any, timeout: float) -> list[tuple[str, str]]:
        gp = _gp()
        out: list[tuple[str, str]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                kind, data = cam.wait_for_event(200)
            except Exception as e:
                if _code(e) is None:
                    raise
                raise map_gphoto2_error(e, Msg("camera.action.wait_picture"),
                                        self.localized_name) from None
            if kind == gp.GP_EVENT_FILE_ADDED:
                out.append((str(data.folder), str(data.name)))
                if data.name.lower().endswith(_JPEG_SUFFIXES):
                    break
            elif kind == gp.GP_EVENT_CAPTURE_COMPLETE:
                break
        return out

    # -- settings

    def _widget(self, key: str) -> Any:
        """The config widget called ``key``, or None when the camera has no such widget."""
        cam = self._camera()
        try:
            if hasattr(cam, "get_single_config"):
                return self._call(Msg("camera.action.read_setting", setting=key),
                                  cam.get_single_config, key)
            cfg = self._call(Msg("camera.action.read_settings"), cam.get_config)
            return cfg.get_child_by_name(key)
        except CameraDisconnected:
            raise
        except CameraError:
            return None
        except Exception as e:  # noqa: BLE001 - get_child_by_name: no such widget
            if _code(e) is None:
                raise
            return None

    def _find(self, name: str) -> tuple[str, str, Any]:
        """(station name, widget name, widget) for a station or widget name."""
        if name in SETTING_WIDGETS:
            for key in SETTING_WIDGETS[name][1]:
                w = self._widget(key)
                if w is not None:
                    return name, key, w
            raise CameraError("camera.gphoto2.no_such_setting", camera=self.localized_name,
                              setting=setting_label(name))
        w = self._widget(name)
        if w is None:
            raise CameraError("camera.no_setting", camera=self.localized_name, setting=name)
        return name, name, w

    def _setting_from(self, name: str, label: str, key: str, w: Any) -> Setting:
        gp = _gp()
        wtype = w.get_type()
        value = w.get_value()
        choices: tuple[str, ...] = ()
        kind = "text"
        if wtype in (gp.GP_WIDGET_RADIO, gp.GP_WIDGET_MENU):
            kind = "choice"
            choices = tuple(str(w.get_choice(i)) for i in range(w.count_choices()))
        elif wtype == gp.GP_WIDGET_TOGGLE:
            kind = "toggle"
        elif wtype == gp.GP_WIDGET_RANGE:
            kind = "range"
        return Setting(
            name=name,
            label=label or str(w.get_label()),
            value=value if isinstance(value, (int, float)) else str(value),
            choices=choices,
            readonly=bool(w.get_readonly()),
            kind=kind,
            key=key,
        )

    def _device_settings(self) -> dict[str, Setting]:
        out: dict[str, Setting] = {}
        for name, (label, keys) in SETTING_WIDGETS.items():
            for key in keys:
                w = self._widget(key)
                if w is not None:
                    out[name] = self._setting_from(name, label, key, w)
                    break
        return out

    def _device_set_setting(self, name: str, value: str | int | float) -> None:
        gp = _gp()
        cam = self._camera()
        station_name, key, w = self._find(name)
        label = setting_label(station_name)
        if w.get_readonly():
            raise CameraError("camera.gphoto2.read_only", camera=self.localized_name,
                              setting=label)
        wtype = w.get_type()
        if wtype in (gp.GP_WIDGET_RADIO, gp.GP_WIDGET_MENU):
            choices = [str(w.get_choice(i)) for i in range(w.count_choices())]
            if str(value) not in choices:
                shown = ", ".join(choices[:20]) + (" ..." if len(choices) > 20 else "")
                raise CameraError("camera.gphoto2.bad_choice", camera=self.localized_name,
                                  setting=label, value=value, choices=shown)
            new: Any = str(value)
        elif wtype == gp.GP_WIDGET_TOGGLE:
            new = 1 if str(value).lower() in ("1", "true", "on", "yes") else 0
        elif wtype == gp.GP_WIDGET_RANGE:
            try:
                new = float(value)
            except ValueError:
                raise CameraError("camera.gphoto2.needs_number", camera=self.localized_name,
                                  setting=label) from None
        else:
            new = str(value)
        setting = Msg("camera.action.set_setting", setting=label)
        try:
            w.set_value(new)
        except Exception as e:
            if _code(e) is None:
                raise
            raise map_gphoto2_error(e, setting, self.localized_name) from None
        if hasattr(cam, "set_single_config"):
            self._call(setting, cam.set_single_config, key, w)
        else:
            cfg = self._call(Msg("camera.action.read_settings"), cam.get_config)
            child = cfg.get_child_by_name(key)
            child.set_value(new)
            self._call(setting, cam.set_config, cfg)


def _jpeg_header(data: bytes) -> dict[str, Any]:
    """Size and EXIF orientation from the JPEG header (no pixel decoding)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            orientation = int(im.getexif().get(0x0112, 1) or 1)
            return {"width": im.size[0], "height": im.size[1], "orientation": orientation}
    except Exception:  # noqa: BLE001 - metadata only
        return {}
