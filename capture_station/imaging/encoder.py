"""JPEG encoder that meets the file rules by quality, never by padding.

Baseline JPEG, 8-bit YCbCr from sRGB, optimised Huffman tables, JFIF density at the standard's
dpi, no EXIF or other metadata. The quality is the highest one >= the standard's minimum whose
file fits under the byte ceiling; the search interpolates on log(size), so a photo needs about
three encodes. A file too small even at quality 100 is retried with 4:4:4 chroma; a file too big
at the minimum quality is a failure with the likely cause (noise), never a padded file.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from capture_station.messages import LocalizedError
from capture_station.standard import Standard

_SUBSAMPLING = {"4:2:0": 2, "4:4:4": 0}


class EncodeError(LocalizedError, ValueError):
    """No quality meets the size window; ``str()`` is the reason (in the current language)."""


@dataclass
class EncodeResult:
    data: bytes
    quality: int
    subsampling: str
    encodes: int
    tried: list[tuple[str, int, int]] = field(default_factory=list)  # (subsampling, q, bytes)

    @property
    def size(self) -> int:
        return len(self.data)


def encode_once(img: Image.Image, quality: int, dpi: int, subsampling: str = "4:2:0") -> bytes:
    buf = io.BytesIO()
    img.save(
        buf,
        format="JPEG",
        quality=int(quality),
        optimize=True,
        progressive=False,
        subsampling=_SUBSAMPLING[subsampling],
        dpi=(dpi, dpi),
    )
    return buf.getvalue()


class JpegEncoder:
    def __init__(self, standard: Standard) -> None:
        self.std = standard
        self.last_quality: int | None = None  # a good first guess for the next photo

    def encode(self, rgb: np.ndarray | Image.Image) -> EncodeResult:
        img = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.asarray(rgb), "RGB")
        if img.mode != "RGB":
            img = img.convert("RGB")
        f = self.std.file
        tried: list[tuple[str, int, int]] = []
        cache: dict[tuple[str, int], bytes] = {}

        def enc(sub: str, q: int) -> int:
            key = (sub, q)
            if key not in cache:
                cache[key] = encode_once(img, q, f.dpi, sub)
                tried.append((sub, q, len(cache[key])))
            return len(cache[key])

        for sub in ("4:2:0", "4:4:4"):
            q = self._highest_fitting(sub, enc)
            if q is None:
                if sub == "4:2:0":
                    raise EncodeError("shot.too_noisy", quality=f.min_quality,
                                      size=enc(sub, f.min_quality), max=f.max_bytes)
                break
            size = enc(sub, q)
            if size >= f.min_bytes:
                self.last_quality = q if sub == "4:2:0" else self.last_quality
                return EncodeResult(cache[(sub, q)], q, sub, len(tried), tried)
        best = max(tried, key=lambda t: t[2])
        raise EncodeError("shot.too_flat", size=best[2], min=f.min_bytes)

    def _highest_fitting(self, sub: str, enc) -> int | None:  # type: ignore[no-untyped-def]
        """Highest quality in [min_quality, 100] whose size <= max_bytes (sizes grow with q)."""
        f = self.std.file
        lo_ok: int | None = None  # largest q known to fit
        hi_bad: int | None = None  # smallest q known not to fit
        target = f.max_bytes * 0.97
        q = self.last_quality if (self.last_quality and sub == "4:2:0") else 88
        q = min(max(q, f.min_quality), 100)
        samples: list[tuple[int, int]] = []
        for _ in range(12):
            size = enc(sub, q)
            samples.append((q, size))
            if size <= f.max_bytes:
                lo_ok = q if lo_ok is None else max(lo_ok, q)
            else:
                hi_bad = q if hi_bad is None else min(hi_bad, q)
            lo = lo_ok if lo_ok is not None else f.min_quality - 1
            hi = hi_bad if hi_bad is not None else 101
            if hi - lo <= 1:
                break
            q = self._next_guess(samples, lo, hi, target)
        if lo_ok is None:
            return None
        return lo_ok

    @staticmethod
    def _next_guess(samples: list[tuple[int, int]], lo: int, hi: int, target: float) -> int:
        """Interpolate log(size) over q between the two nearest samples; stay inside (lo, hi)."""
        pts = sorted(set(samples))
        guess: float
        if len(pts) >= 2:
            below = [p for p in pts if p[1] <= target]
            above = [p for p in pts if p[1] > target]
            if below and above:
                a, b = max(below), min(above)
            else:
                a, b = pts[-2], pts[-1]
            (qa, sa), (qb, sb) = a, b
            if qa != qb and sa > 0 and sb > 0 and sa != sb:
                slope = (math.log(sb) - math.log(sa)) / (qb - qa)
                guess = qa + (math.log(target) - math.log(sa)) / slope
            else:
                guess = (lo + hi) / 2
        else:
            (q0, s0) = pts[0]
            # file size roughly doubles every ~8 quality steps near the top of the scale
            guess = q0 + 8 * math.log2(target / s0)
        g = int(round(guess))
        return min(max(g, lo + 1), hi - 1)
