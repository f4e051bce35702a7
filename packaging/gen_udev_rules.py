"""Write the udev rules of the .deb: camera access for the operator without root.

    python packaging/gen_udev_rules.py OUT.rules

* USB still cameras that libgphoto2 drives: every PTP camera (USB interface class 06,
  subclass 01, protocol 01) and every camera libgphoto2 knows by vendor and product ID (taken
  from the libgphoto2 bundled with python-gphoto2, so the list matches the drivers in the
  build). They get ``TAG+="uaccess"`` (the user at the seat gets an ACL while logged in) and
  group ``plugdev`` read/write (for stations without a logind seat, e.g. a kiosk account).
* video4linux devices (webcams): ``uaccess`` and group ``video``, as most distributions already
  do; repeated for the ones that do not.

The file is numbered 60 so that it runs before 73-seat-late.rules, which applies ``uaccess``.
Without python-gphoto2 (or with ``--class-only``) only the PTP class rule is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HEADER = """\
# Camera access for capture-station (照片采集站): written by packaging/gen_udev_rules.py.
# USB still cameras (PTP class 06/01/01 and the models libgphoto2 {version} knows) and
# video4linux devices get TAG+="uaccess" (the user logged in at the seat) and a group:
# plugdev for still cameras, video for webcams. Reload after editing:
#     udevadm control --reload-rules && udevadm trigger

ACTION!="add|change|bind", GOTO="capture_station_cameras_end"

SUBSYSTEM=="video4linux", TAG+="uaccess", GROUP="video", MODE="0660", GOTO="capture_station_cameras_end"

SUBSYSTEM!="usb", GOTO="capture_station_cameras_end"
ENV{DEVTYPE}!="usb_device", GOTO="capture_station_cameras_end"
ENV{ID_USB_INTERFACES}=="", IMPORT{builtin}="usb_id"
# PTP (Picture Transfer Protocol) still cameras: most DSLRs and mirrorless bodies.
ENV{ID_USB_INTERFACES}=="*:060101:*", GOTO="capture_station_camera"
"""

FOOTER = """\
GOTO="capture_station_cameras_end"

LABEL="capture_station_camera"
ENV{ID_GPHOTO2}="1", TAG+="uaccess", GROUP="plugdev", MODE="0664"

LABEL="capture_station_cameras_end"
"""


def known_cameras() -> tuple[str, list[tuple[int, int, str]]]:
    """(libgphoto2 version, [(vendor, product, model)]) of the still cameras libgphoto2 knows by
    USB ID; ("", []) without python-gphoto2."""
    try:
        import gphoto2 as gp
    except ImportError:
        return "", []
    al = gp.CameraAbilitiesList()
    al.load()
    seen: dict[tuple[int, int], str] = {}
    for i in range(al.count()):
        a = al.get_abilities(i)
        if not (a.port & gp.GP_PORT_USB) or a.device_type != gp.GP_DEVICE_STILL_CAMERA:
            continue
        if a.usb_vendor > 0 and a.usb_product > 0:
            seen.setdefault((a.usb_vendor, a.usb_product), a.model)
    try:
        version = str(gp.gp_library_version(gp.GP_VERSION_SHORT)[0])
    except Exception:  # noqa: BLE001 - the version is only a comment
        version = ""
    return version, [(v, p, m) for (v, p), m in sorted(seen.items())]


def render(version: str, cameras: list[tuple[int, int, str]]) -> str:
    lines = [HEADER.replace("{version}", version or "(not available)")]
    if cameras:
        lines.append("# Cameras libgphoto2 drives by vendor:product ID.\n")
    for vendor, product, model in cameras:
        model = "".join(ch if ch.isprintable() and ch not in '"\\' else " " for ch in model)
        # udev has no end-of-line comments: the model goes on its own line.
        lines.append(f"# {model}\n")
        lines.append(
            f'ATTR{{idVendor}}=="{vendor:04x}", ATTR{{idProduct}}=="{product:04x}", '
            'GOTO="capture_station_camera"\n'
        )
    lines.append(FOOTER)
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--class-only", action="store_true", help="PTP class rule only")
    args = ap.parse_args(argv)
    version, cameras = ("", []) if args.class_only else known_cameras()
    args.out.write_text(render(version, cameras), encoding="utf-8")
    print(f"{args.out}: {len(cameras)} camera models + the PTP class rule + video4linux")
    return 0


if __name__ == "__main__":
    sys.exit(main())
