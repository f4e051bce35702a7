"""Decoding camera files to RGB arrays without ever mirroring them.

Cameras and phones record how the picture is turned in the EXIF orientation tag. The station
applies the rotations (3: 180 degrees, 6 and 8: 90 degrees) so the person stands upright, and
ignores the four mirroring orientations (2, 4, 5, 7): a registration photo is never flipped.
Used by the DSLR (its JPEGs) and the demo camera (folders of images).
"""

from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image, ImageOps

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")

_EXIF_ORIENTATION = 0x0112
_ROTATING_ORIENTATIONS = {3, 6, 8}


def _upright_rgb(im: Image.Image) -> np.ndarray:
    orientation = int(im.getexif().get(_EXIF_ORIENTATION, 1) or 1)
    if orientation in _ROTATING_ORIENTATIONS:
        im = ImageOps.exif_transpose(im)
    if im.mode != "RGB":
        if im.mode in ("RGBA", "LA", "P", "PA"):
            rgba = im.convert("RGBA")
            bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            im = Image.alpha_composite(bg, rgba)
        im = im.convert("RGB")
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def decode_image_bytes(data: bytes) -> np.ndarray:
    """Decode an image file held in memory to upright RGB uint8 (H, W, 3)."""
    with Image.open(io.BytesIO(data)) as im:
        return _upright_rgb(im)


def read_image_file(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file to upright RGB uint8 (H, W, 3)."""
    with Image.open(path) as im:
        return _upright_rgb(im)
