"""Hostile and broken inputs for ``check`` and ``process``, built from real photos."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

import imagery


def _small_rgb() -> np.ndarray:
    return np.asarray(Image.fromarray(imagery.grace_hopper()).resize((96, 112)))


def _save(rgb: np.ndarray | Image.Image, fmt: str, **kw: object) -> bytes:
    im = rgb if isinstance(rgb, Image.Image) else Image.fromarray(rgb)
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header declares huge dimensions (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _jpeg_with_orientation(rgb: np.ndarray, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(rgb, "JPEG", quality=90, exif=exif.tobytes())


def seed_files() -> dict[str, bytes]:
    """Named byte strings: every kind of broken or unexpected file the station may be given."""
    rgb = _small_rgb()
    jpeg = _save(rgb, "JPEG", quality=90)
    grey16 = Image.fromarray(np.asarray(Image.fromarray(rgb).convert("L"), np.uint16) * 257)
    rng = np.random.default_rng(7)
    return {
        "valid.jpg": jpeg,
        "zero.jpg": b"",
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "header-only.jpg": jpeg[:200],
        "random.jpg": rng.integers(0, 256, 5000, dtype=np.uint8).tobytes(),
        "png-named.jpg": _save(rgb, "PNG"),
        "webp-named.jpg": _save(rgb, "WEBP", quality=80),
        "heic-named.jpg": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 400,
        "cmyk.jpg": _save(Image.fromarray(rgb).convert("CMYK"), "JPEG", quality=90),
        "grey.jpg": _save(Image.fromarray(rgb).convert("L"), "JPEG", quality=90),
        "grey16.png": _save(grey16, "PNG"),
        "progressive.jpg": _save(rgb, "JPEG", quality=90, progressive=True),
        "exif-rotated.jpg": _jpeg_with_orientation(rgb, 6),
        "exif-mirrored.jpg": _jpeg_with_orientation(rgb, 2),
        "bomb.png": _png_bomb(100_000, 100_000),
        "bomb-jpeg.jpg": jpeg[:163] + b"",  # replaced below with huge SOF dimensions
        "padded.jpg": jpeg + b"\x00" * 4096,
    }


def with_huge_sof(jpeg: bytes, w: int = 60000, h: int = 60000) -> bytes:
    i = jpeg.find(b"\xff\xc0")
    return jpeg[: i + 5] + struct.pack(">HH", h, w) + jpeg[i + 9 :]


def write_corpus(folder: Path) -> list[Path]:
    files = seed_files()
    files["bomb-jpeg.jpg"] = with_huge_sof(files["valid.jpg"])
    out = []
    for name, data in files.items():
        p = folder / name
        p.write_bytes(data)
        out.append(p)
    d = folder / "a-folder.jpg"
    d.mkdir()
    out.append(d)
    link = folder / "broken-link.jpg"
    link.symlink_to(folder / "does-not-exist.jpg")
    out.append(link)
    odd = Path(os.fsdecode(bytes(folder) + b"/\xff\xfename.jpg"))
    odd.write_bytes(files["valid.jpg"])
    out.append(odd)
    return out
