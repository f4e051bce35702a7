"""Reading images from files and bytes, safely and at the size the work needs.

Large DSLR JPEGs are decoded with the JPEG decoder's own DCT scaling (Pillow ``draft``), which is
both fast and a good-quality reduction; analysis runs on a small copy and the crop is cut from a
copy just large enough for the 480x640 result. Anything that is not a sane image is refused with
a one-line reason (:class:`ImageLoadError`), never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from capture_station.atomic_io import RefusedFile, read_regular_file
from capture_station.messages import LocalizedError, os_reason

# Decompression bombs: refuse anything above this many pixels before decoding.
MAX_PIXELS = 64_000_000  # above every current DSLR (61 MP); larger is a bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

# EXIF orientations that would mirror the picture; a camera never writes them.
_MIRRORING_ORIENTATIONS = {2, 4, 5, 7}
_EXIF_ORIENTATION = 0x0112
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_DATETIME = 0x0132


class ImageLoadError(LocalizedError, ValueError):
    """The input is not an image the station can use; ``str()`` is the one-line reason, in the
    language of the moment (see :class:`capture_station.messages.Msg`)."""


@dataclass
class SourceImage:
    """An opened (not yet decoded) image with what the pipeline needs to know about it."""

    data: bytes
    name: str
    format: str
    size: tuple[int, int]  # (width, height) after EXIF orientation
    orientation: int
    capture_date: str | None

    def decode(self, min_size: tuple[int, int] | None = None) -> tuple[np.ndarray, float]:
        """Decode to RGB uint8. With ``min_size`` the JPEG decoder may reduce by 1/2, 1/4, 1/8
        while staying at least that large. Returns the array and the factor that maps its pixel
        coordinates back to full-size ones."""
        try:
            with pillow_open(self.data) as im:
                full_w = im.size[0]
                if min_size is not None and im.format == "JPEG":
                    req = min_size
                    if self.orientation in (6, 8):
                        req = (min_size[1], min_size[0])
                    im.draft("RGB", (max(1, int(req[0])), max(1, int(req[1]))))
                factor = full_w / im.size[0]
                im = _apply_orientation(im, self.orientation)
                rgb = _to_rgb(im)
                arr = np.asarray(rgb, dtype=np.uint8)
        except (OSError, ValueError, Image.DecompressionBombError) as e:
            raise ImageLoadError("image.cannot_decode", name=self.name, why=_short(e)) from None
        return np.ascontiguousarray(arr), factor


@contextlib.contextmanager
def pillow_open(data: bytes, bomb_is_error: bool = False) -> Iterator[Image.Image]:
    """``Image.open`` on bytes, without Pillow's warnings about damaged EXIF blocks it skips: a
    file's damage is reported by the checks as one line, so the warnings would only be noise in
    front of the operator. ``bomb_is_error`` turns Pillow's decompression-bomb warning into its
    error (where the declared size is not checked first)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if bomb_is_error:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as im:
            yield im


def _short(e: BaseException) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]


def _apply_orientation(im: Image.Image, orientation: int) -> Image.Image:
    if orientation == 3:
        return im.transpose(Image.Transpose.ROTATE_180)
    if orientation == 6:
        return im.transpose(Image.Transpose.ROTATE_270)
    if orientation == 8:
        return im.transpose(Image.Transpose.ROTATE_90)
    return im


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        im.load()
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if arr.max(initial=0) > 255 else 255.0
        arr = np.clip(arr / peak * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    if im.mode in ("RGBA", "LA", "P", "PA"):
        rgba = im.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    return im.convert("RGB")


def open_image_bytes(data: bytes, name: str = "<image>") -> SourceImage:
    if not data:
        raise ImageLoadError("image.empty", name=name)
    try:
        with pillow_open(data, bomb_is_error=True) as im:
            w, h = im.size
            fmt = im.format or "unknown"
            if w <= 0 or h <= 0:
                raise ImageLoadError("image.no_pixels", name=name)
            if w * h > MAX_PIXELS:
                raise ImageLoadError("image.too_large", name=name, width=w, height=h,
                                     limit=MAX_PIXELS // 1_000_000)
            exif = im.getexif()
            orientation = int(exif.get(_EXIF_ORIENTATION, 1) or 1)
            date = None
            try:
                sub = exif.get_ifd(0x8769)
                date = sub.get(_EXIF_DATETIME_ORIGINAL) or exif.get(_EXIF_DATETIME)
            except Exception:  # noqa: BLE001 - EXIF is optional, a bad block means no date
                date = None
    except ImageLoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLoadError("image.bomb", name=name) from None
    except UnidentifiedImageError:
        raise ImageLoadError("image.not_image", name=name) from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise ImageLoadError("image.damaged", name=name, why=_short(e)) from None
    if orientation in _MIRRORING_ORIENTATIONS:
        raise ImageLoadError("image.mirrored", name=name, orientation=orientation)
    if orientation not in (1, 3, 6, 8):
        orientation = 1
    size = (h, w) if orientation in (6, 8) else (w, h)
    return SourceImage(
        data=data,
        name=name,
        format=fmt,
        size=(int(size[0]), int(size[1])),
        orientation=orientation,
        capture_date=str(date) if date else None,
    )


MAX_FILE_BYTES = 200 * 1024 * 1024


def open_image_file(path: str | os.PathLike[str]) -> SourceImage:
    p = Path(path)
    name = os.fsdecode(p.name) if p.name else str(p)
    name = name.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        if p.is_dir():
            raise ImageLoadError("image.is_folder", name=name)
        data = read_regular_file(p, MAX_FILE_BYTES)
    except ImageLoadError:
        raise
    except RefusedFile as e:
        raise ImageLoadError("image.os_error", name=name, why=os_reason(e)) from None
    except FileNotFoundError:
        raise ImageLoadError("image.no_such_file", name=name) from None
    except PermissionError:
        raise ImageLoadError("image.permission", name=name) from None
    except OSError as e:
        raise ImageLoadError("image.cannot_read", name=name, why=os_reason(e, _short(e))) from None
    return open_image_bytes(data, name)


@dataclass
class ArraySource:
    """An in-memory RGB frame (from a camera) with the same interface as :class:`SourceImage`."""

    rgb: np.ndarray
    name: str = "<frame>"
    capture_date: str | None = None
    format: str = "RAW"
    orientation: int = 1

    def __post_init__(self) -> None:
        a = self.rgb
        if a.ndim != 3 or a.shape[2] != 3 or a.dtype != np.uint8:
            raise ImageLoadError("image.bad_frame", name=self.name)

    @property
    def size(self) -> tuple[int, int]:
        return (int(self.rgb.shape[1]), int(self.rgb.shape[0]))

    def decode(self, min_size: tuple[int, int] | None = None) -> tuple[np.ndarray, float]:
        return self.rgb, 1.0
