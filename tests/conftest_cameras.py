"""Helpers shared by the camera tests: waiting, thread-leak checks, real test images and videos,
and libgphoto2's virtual camera.

The virtual camera: python-gphoto2 picks libgphoto2's I/O drivers when ``gphoto2`` is first
imported, from the ``IOLIBS`` environment variable it sets itself (the ``vusb`` virtual-USB
driver when ``VCAMERADIR`` is set, the real ones otherwise). libgphoto2 reads ``IOLIBS`` and
``VCAMERADIR`` again whenever it loads its port list, so :func:`use_virtual_camera` sets both
(through pytest's ``monkeypatch``, undone after the test) and the virtual camera works no
matter which test imported ``gphoto2`` first. One test also runs the plain documented way
(``VCAMERADIR`` set before ``import gphoto2``) in a subprocess.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def wait_until(pred: Callable[[], bool], timeout: float = 5.0, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())


def threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def new_threads(before: set[threading.Thread], timeout: float = 2.0) -> list[str]:
    """Names of threads started since ``before`` that are still alive after ``timeout``."""
    wait_until(lambda: not (threads() - before), timeout)
    return sorted(t.name for t in threads() - before)


def astronaut() -> np.ndarray:
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def real_images() -> list[np.ndarray]:
    """Three different real photographs (RGB uint8), cut to 320x240."""
    from skimage import data

    out = []
    for img in (data.astronaut(), data.coffee(), data.chelsea()):
        img = np.asarray(img)
        h, w = img.shape[:2]
        s = max(320 / w, 240 / h)
        img = cv2.resize(img, (round(w * s) + 1, round(h * s) + 1), interpolation=cv2.INTER_AREA)
        out.append(np.ascontiguousarray(img[:240, :320]))
    return out


def write_image_folder(folder: Path, images: list[np.ndarray]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, img in enumerate(images):
        p = folder / f"frame_{i:02d}.png"
        Image.fromarray(img).save(p)
        paths.append(p)
    return paths


def write_mjpg_video(path: Path, frames_rgb: list[np.ndarray], fps: float = 30.0) -> Path:
    h, w = frames_rgb[0].shape[:2]
    writer = cv2.VideoWriter(os.fspath(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened(), "OpenCV cannot write MJPG .avi here"
    for rgb in frames_rgb:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def jpeg_bytes(rgb: np.ndarray, quality: int = 90, orientation: int | None = None) -> bytes:
    im = Image.fromarray(rgb)
    buf = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        im.save(buf, "JPEG", quality=quality, exif=exif.tobytes())
    else:
        im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def use_virtual_camera(monkeypatch, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Point libgphoto2 at its virtual camera serving the JPEGs in ``folder``."""
    import gphoto2 as gp

    vusb = Path(gp.__file__).parent / "libgphoto2" / "vusb"
    monkeypatch.setenv("VCAMERADIR", os.fspath(folder))
    if vusb.is_dir():
        monkeypatch.setenv("IOLIBS", os.fspath(vusb))
