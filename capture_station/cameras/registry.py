"""Camera spec strings: the one way a camera is named everywhere (CLI, GUI, settings, tests).

A spec is ``KIND[:ARG][?OPTION=VALUE&...]``:

* ``webcam:0`` (device index) or ``webcam:/path/to/video.mp4`` (a file through the same code),
  options ``width``, ``height``, ``fps``, ``backend`` (v4l2, dshow, msmf, avfoundation, any);
* ``gphoto2`` (the first camera libgphoto2 finds) or ``gphoto2:usb:001,004``, options
  ``busy_retries``, ``busy_delay``, ``keep`` (keep the picture on the card, default 1);
* ``demo`` (built-in scene) or ``demo:PATH`` (folder of images or a video), options ``fps``,
  ``hold`` (seconds each picture of a folder is shown, default 3; 0: a new one every frame),
  ``size`` (``1280x720``), ``sway``, ``noise``, ``seed`` and the fault injections
  ``drop_every``, ``slow_ms``, ``disconnect_after``, ``reconnect_fail``.

Only the first ``:`` separates the kind, so ports and Windows paths keep theirs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from capture_station.cameras.base import Camera, CameraError, CameraInfo, why_of
from capture_station.messages import Msg, text

KINDS = ("webcam", "gphoto2", "demo")
_ALIASES = {"dslr": "gphoto2", "gphoto": "gphoto2", "usb": "webcam"}


def _kinds() -> Msg:
    """The kinds a spec may name: as typed, with what each is in Chinese."""
    zh = "、".join(f"{k}（{text(f'camera.kind.{k}', 'zh_CN')}）" for k in KINDS)
    return Msg.pair(zh, ", ".join(KINDS))


def parse_spec(spec: str) -> tuple[str, str, dict[str, str]]:
    """``"demo:/x?fps=30"`` -> ``("demo", "/x", {"fps": "30"})``. Raises CameraError."""
    if not isinstance(spec, str) or not spec.strip():
        raise CameraError("camera.spec.empty")
    text = spec.strip()
    options: dict[str, str] = {}
    if "?" in text:
        text, query = text.rsplit("?", 1)
        for part in filter(None, query.split("&")):
            key, sep, value = part.partition("=")
            key = key.strip().lower()
            if not key or not sep:
                raise CameraError("camera.spec.bad_option", spec=spec, option=part)
            options[key] = value.strip()
    kind, _, arg = text.partition(":")
    kind = kind.strip().lower()
    kind = _ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise CameraError("camera.spec.unknown_kind", spec=spec, kind=kind, kinds=_kinds())
    return kind, arg.strip(), options


def _int(kind: str, key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CameraError("camera.spec.whole_number", kind=kind, option=key,
                          value=value) from None


def _float(kind: str, key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise CameraError("camera.spec.number", kind=kind, option=key, value=value) from None


def _bool(kind: str, key: str, value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise CameraError("camera.spec.flag", kind=kind, option=key, value=value)


def _size(kind: str, key: str, value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value)
    if not m:
        raise CameraError("camera.spec.size", kind=kind, option=key, value=value)
    return int(m.group(1)), int(m.group(2))


def _str(kind: str, key: str, value: str) -> str:
    return value


_OPTION_TYPES: dict[str, dict[str, tuple[str, Callable[[str, str, str], Any]]]] = {
    "demo": {
        "fps": ("fps", _float),
        "hold": ("hold", _float),
        "size": ("size", _size),
        "sway": ("sway", _float),
        "noise": ("noise", _float),
        "seed": ("seed", _int),
        "drop_every": ("drop_every", _int),
        "slow_ms": ("slow_ms", _float),
        "disconnect_after": ("disconnect_after", _int),
        "reconnect_fail": ("reconnect_fail", _int),
    },
    "webcam": {
        "width": ("width", _int),
        "height": ("height", _int),
        "fps": ("fps", _float),
        "backend": ("backend", _str),
    },
    "gphoto2": {
        "busy_retries": ("busy_retries", _int),
        "busy_delay": ("busy_delay", _float),
        "keep": ("keep_on_camera", _bool),
    },
}


def _options_to_kwargs(kind: str, options: dict[str, str]) -> dict[str, Any]:
    known = _OPTION_TYPES[kind]
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key not in known:
            raise CameraError("camera.spec.unknown_option", kind=kind, option=key,
                              known=", ".join(sorted(known)))
        kwarg, conv = known[key]
        out[kwarg] = conv(kind, key, value)
    return out


def create_camera(spec: str, **kwargs: Any) -> Camera:
    """The camera for ``spec``, not yet opened. Keyword arguments override spec options and
    are passed to the camera class (for example ``reconnect=ReconnectPolicy(...)``)."""
    kind, arg, options = parse_spec(spec)
    kw = _options_to_kwargs(kind, options)
    kw.update(kwargs)
    kw.setdefault("spec", spec.strip())
    try:
        if kind == "demo":
            from capture_station.cameras.demo import DemoCamera

            return DemoCamera(arg or None, **kw)
        if kind == "webcam":
            from capture_station.cameras.webcam import WebcamCamera

            if not arg:
                arg = "0"
            return WebcamCamera(int(arg) if arg.isdigit() else arg, **kw)
        from capture_station.cameras.dslr import GPhoto2Camera

        return GPhoto2Camera(arg or None, **kw)
    except TypeError as e:
        raise CameraError("camera.spec.bad_arguments", kind=kind, why=why_of(e)) from None


def open_camera(spec: str, **kwargs: Any) -> Camera:
    """Create and open the camera for ``spec``. Raises CameraError with a one-line reason."""
    cam = create_camera(spec, **kwargs)
    cam.open()
    return cam


def demo_info() -> CameraInfo:
    return CameraInfo("demo", "Demo camera (built-in scene)", "demo", "built-in", True,
                      label=Msg("camera.name.demo", label=Msg("camera.name.scene")),
                      port_label=Msg("camera.port.built_in"))


def list_cameras(*, webcams: bool = True, gphoto2: bool = True) -> list[CameraInfo]:
    """Cameras available now: webcams, gphoto2 cameras, and always the demo camera.

    Listing never fails: a kind that cannot be searched contributes nothing.
    """
    found: list[CameraInfo] = []
    if webcams:
        try:
            from capture_station.cameras.webcam import list_webcams

            found += list_webcams()
        except Exception:  # noqa: BLE001 - listing is best effort
            pass
    if gphoto2:
        try:
            from capture_station.cameras.dslr import list_gphoto2_cameras

            found += list_gphoto2_cameras()
        except Exception:  # noqa: BLE001 - listing is best effort
            pass
    found.append(demo_info())
    return found


@dataclass(frozen=True)
class Probe:
    """One place searched for a camera, so that "no camera" can say where it looked.

    ``outcome``: ``found``, ``absent`` (nothing there), ``skipped`` (a node that is not a
    capture device), ``unavailable`` (the kind cannot be searched here: ``detail`` says why)
    or ``error`` (searching failed: ``detail``). A ``detail`` of the station's own is a
    :class:`~capture_station.messages.Msg`, rendered in the language of the moment it is shown
    (the window shows it after its camera thread searched, maybe after a language switch).
    """

    kind: str  # "webcam", "gphoto2"
    target: str  # "/dev/video0", "usb:001,004", "usb" ... ("" when there was nothing to name)
    outcome: str
    detail: str | Msg = ""


@dataclass(frozen=True)
class CameraSearch:
    """Real cameras found (the demo camera is never among them) and every place looked at."""

    found: list[CameraInfo] = field(default_factory=list)
    tried: list[Probe] = field(default_factory=list)


def _probe_webcams() -> tuple[list[CameraInfo], list[Probe]]:
    from capture_station.cameras import webcam

    found = webcam.list_webcams()
    tried: list[Probe] = []
    if sys.platform.startswith("linux"):
        nodes = webcam._linux_devices()  # noqa: SLF001 - the same search, reported
        specs = {c.spec for c in found}
        for n in nodes:
            ok = f"webcam:{n}" in specs
            tried.append(Probe("webcam", f"/dev/video{n}", "found" if ok else "skipped"))
        if not nodes:
            tried.append(Probe("webcam", "/dev/video*", "absent"))
    else:
        specs = {c.spec for c in found}
        for i in webcam.WINDOWS_INDICES:
            tried.append(Probe("webcam", str(i), "found" if f"webcam:{i}" in specs else "absent"))
    return found, tried


def _probe_gphoto2() -> tuple[list[CameraInfo], list[Probe]]:
    from capture_station.cameras import dslr

    try:
        gp = dslr._gp()  # noqa: SLF001 - the same module the camera uses
    except CameraError as e:
        return [], [Probe("gphoto2", "", "unavailable", why_of(e))]
    found = dslr.list_gphoto2_cameras()
    tried = [Probe("gphoto2", c.port, "found") for c in found]
    if not found:
        ports: list[str] = []
        try:
            infos = gp.PortInfoList()
            infos.load()
            ports = sorted({infos[i].get_path().split(":")[0] for i in range(len(infos))})
        except Exception:  # noqa: BLE001 - the port list is only for the report
            ports = []
        tried.append(Probe("gphoto2", ", ".join(p for p in ports if p) or "usb", "absent"))
    return found, tried


def search_cameras(*, webcams: bool = True, gphoto2: bool = True) -> CameraSearch:
    """Look for real cameras (webcams, gphoto2) and record where: the "automatic" camera
    choice opens the first one found, and when there is none the window lists what was tried
    instead of quietly playing the demo scene."""
    found: list[CameraInfo] = []
    tried: list[Probe] = []
    for wanted, kind, probe in ((webcams, "webcam", _probe_webcams),
                                (gphoto2, "gphoto2", _probe_gphoto2)):
        if not wanted:
            continue
        try:
            f, t = probe()
        except Exception as e:  # noqa: BLE001 - searching is best effort; say it failed
            f, t = [], [Probe(kind, "", "error", why_of(e))]
        found += f
        tried += t
    return CameraSearch(found, tried)
