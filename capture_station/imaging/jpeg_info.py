"""What a JPEG file says about itself: frame type, size, density, tables, and quality.

Parsed from the markers directly (not through a decoder) so that the file checks see exactly
what the registration system will see: baseline or progressive, JFIF density, metadata blocks,
bytes after the end-of-image marker (padding), and the quantisation tables from which the
IJG quality factor is estimated.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

# IJG (libjpeg) base tables, natural (row-major) order, from the JPEG standard Annex K.
_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
], dtype=np.int64)
_CHROMA = np.array([
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
], dtype=np.int64)
# Position in natural order of the k-th coefficient in zigzag order.
_ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
], dtype=np.int64)

_SOF_NAMES = {
    0xC0: "baseline", 0xC1: "extended", 0xC2: "progressive", 0xC3: "lossless",
    0xC5: "differential", 0xC6: "differential-progressive", 0xC7: "differential-lossless",
    0xC9: "arithmetic", 0xCA: "arithmetic-progressive", 0xCB: "arithmetic-lossless",
}


def ijg_table(base: np.ndarray, quality: int) -> np.ndarray:
    q = min(max(int(quality), 1), 100)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((base * scale + 50) // 100, 1, 255)


_IJG_LUMA = np.stack([ijg_table(_LUMA, q) for q in range(1, 101)])
_IJG_CHROMA = np.stack([ijg_table(_CHROMA, q) for q in range(1, 101)])


@dataclass
class JpegInfo:
    is_jpeg: bool
    sof: str | None = None  # "baseline", "progressive", ...
    width: int = 0
    height: int = 0
    precision: int = 0
    components: int = 0
    sampling: list[tuple[int, int]] = field(default_factory=list)
    density_unit: int | None = None  # 0 none, 1 dpi, 2 dpcm
    density: tuple[int, int] | None = None
    jfif: bool = False
    has_exif: bool = False
    app_markers: list[int] = field(default_factory=list)
    has_comment: bool = False
    quant_tables: dict[int, np.ndarray] = field(default_factory=dict)  # natural order
    eoi_offset: int | None = None
    trailing_bytes: int = 0
    error: str | None = None

    @property
    def dpi(self) -> tuple[float, float] | None:
        if self.density is None or self.density_unit is None:
            return None
        if self.density_unit == 1:
            return (float(self.density[0]), float(self.density[1]))
        if self.density_unit == 2:
            return (self.density[0] * 2.54, self.density[1] * 2.54)
        return None

    @property
    def subsampling(self) -> str:
        if len(self.sampling) < 3:
            return "n/a"
        (h0, v0), (h1, v1) = self.sampling[0], self.sampling[1]
        if (h0, v0) == (h1, v1):
            return "4:4:4"
        if h0 == 2 * h1 and v0 == 2 * v1:
            return "4:2:0"
        if h0 == 2 * h1 and v0 == v1:
            return "4:2:2"
        return f"{h0}x{v0}/{h1}x{v1}"


@dataclass(frozen=True)
class QualityEstimate:
    quality: int
    exact: bool  # the tables are exactly IJG-scaled tables of this quality
    error: float  # mean absolute difference to the matched IJG tables


def parse_jpeg(data: bytes) -> JpegInfo:
    """Walk the marker segments up to the scan, then find the end-of-image marker."""
    info = JpegInfo(is_jpeg=data[:2] == b"\xff\xd8")
    if not info.is_jpeg:
        info.error = "not a JPEG (no start-of-image marker)"
        return info
    pos = 2
    n = len(data)
    try:
        while pos < n:
            if data[pos] != 0xFF:
                info.error = f"marker expected at byte {pos}"
                return info
            while pos < n and data[pos] == 0xFF:
                pos += 1
            if pos >= n:
                break
            marker = data[pos]
            pos += 1
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                continue
            if marker == 0xD9:
                info.eoi_offset = pos - 2
                break
            (length,) = struct.unpack(">H", data[pos : pos + 2])
            seg = data[pos + 2 : pos + length]
            if len(seg) != length - 2:
                info.error = "file truncated inside a header segment"
                return info
            if marker == 0xE0 and seg[:5] == b"JFIF\x00":
                info.jfif = True
                info.density_unit = seg[7]
                info.density = struct.unpack(">HH", seg[8:12])
            elif marker == 0xE1 and seg[:6] == b"Exif\x00\x00":
                info.has_exif = True
            if 0xE0 <= marker <= 0xEF:
                info.app_markers.append(marker)
            elif marker == 0xFE:
                info.has_comment = True
            elif marker == 0xDB:
                _parse_dqt(seg, info)
            elif marker in _SOF_NAMES:
                info.sof = _SOF_NAMES[marker]
                info.precision = seg[0]
                info.height, info.width = struct.unpack(">HH", seg[1:5])
                info.components = seg[5]
                for c in range(info.components):
                    hv = seg[6 + 3 * c + 1]
                    info.sampling.append((hv >> 4, hv & 0x0F))
            elif marker == 0xDA:
                # entropy-coded data follows; the end-of-image marker is the last FFD9
                eoi = data.rfind(b"\xff\xd9")
                if eoi < pos:
                    info.error = "file truncated (no end-of-image marker)"
                    return info
                info.eoi_offset = eoi
                info.trailing_bytes = n - (eoi + 2)
                # bytes of padding would be zeros or garbage after EOI; look for real EOI:
                # the first FFD9 after the scan that is followed only by zero padding.
                first = data.find(b"\xff\xd9", pos)
                if first != -1 and first < eoi and not any(data[first + 2 : eoi]):
                    info.eoi_offset = first
                    info.trailing_bytes = n - (first + 2)
                return info
            pos += length
    except (struct.error, IndexError, ValueError):
        info.error = "damaged header segments"
    if info.eoi_offset is None and info.error is None:
        info.error = "file truncated (no image data)"
    return info


def _parse_dqt(seg: bytes, info: JpegInfo) -> None:
    i = 0
    while i < len(seg):
        pq, tq = seg[i] >> 4, seg[i] & 0x0F
        i += 1
        size = 64 if pq == 0 else 128
        chunk = seg[i : i + size]
        if len(chunk) != size:
            raise IndexError("short DQT")
        vals = np.frombuffer(chunk, dtype=np.uint8 if pq == 0 else ">u2").astype(np.int64)
        i += size
        natural = np.empty(64, dtype=np.int64)
        natural[_ZIGZAG] = vals
        info.quant_tables[tq] = natural


def estimate_quality(info: JpegInfo) -> QualityEstimate | None:
    """IJG quality factor whose scaled standard tables best match the file's tables."""
    if 0 not in info.quant_tables:
        return None
    luma = info.quant_tables[0]
    err = np.abs(_IJG_LUMA - luma[None, :]).sum(axis=1).astype(np.float64)
    count = 64
    chroma = info.quant_tables.get(1)
    if chroma is not None:
        err += np.abs(_IJG_CHROMA - chroma[None, :]).sum(axis=1)
        count += 64
    best = int(np.argmin(err))
    return QualityEstimate(quality=best + 1, exact=bool(err[best] == 0), error=float(err[best] / count))
