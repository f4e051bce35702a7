"""Encoder: size window by quality (never padding), baseline, 300 dpi, no metadata; and the
quality estimator against files of known quality."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from capture_station.imaging.encoder import EncodeError, JpegEncoder
from capture_station.imaging.jpeg_info import estimate_quality, parse_jpeg

import imagery


@pytest.fixture(scope="module")
def portrait_480x640():
    shot = imagery.station_shot_astronaut()
    crop = shot[500:1900, 300:1350]
    return np.asarray(Image.fromarray(crop).resize((480, 640), Image.Resampling.LANCZOS))


def test_encodes_into_the_window_by_quality(standard, portrait_480x640):
    res = JpegEncoder(standard).encode(portrait_480x640)
    assert standard.file.min_bytes <= res.size <= standard.file.max_bytes
    assert res.quality >= standard.file.min_quality
    assert res.encodes <= 6
    # the chosen quality is the highest that fits: one step up is too big
    bigger = [t for t in res.tried if t[1] == res.quality + 1]
    if res.quality < 100 and bigger:
        assert bigger[0][2] > standard.file.max_bytes
    info = parse_jpeg(res.data)
    assert info.sof == "baseline" and info.jfif
    assert info.dpi == (300.0, 300.0)
    assert not info.has_exif and not info.has_comment
    assert info.trailing_bytes == 0
    assert info.components == 3 and info.precision == 8
    with Image.open(io.BytesIO(res.data)) as im:
        assert im.size == (480, 640) and im.mode == "RGB"
    est = estimate_quality(info)
    assert est is not None and est.exact and est.quality == res.quality


@pytest.mark.parametrize("q", [30, 45, 60, 61, 75, 88, 95, 100])
def test_quality_estimator_reads_known_qualities(q):
    rgb = imagery.grace_hopper()
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=q)
    est = estimate_quality(parse_jpeg(buf.getvalue()))
    assert est is not None
    assert est.quality == q and est.exact


def test_quality_estimator_on_opencv_files():
    import cv2

    rgb = imagery.grace_hopper()
    ok, enc = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    est = estimate_quality(parse_jpeg(enc.tobytes()))
    assert est is not None and est.quality == 70


def test_noisy_picture_fails_instead_of_shrinking_below_quality_60(standard):
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (640, 480, 3), dtype=np.uint8)
    with pytest.raises(EncodeError, match="noisy"):
        JpegEncoder(standard).encode(noise)


def test_flat_picture_is_never_padded(standard):
    flat = np.full((640, 480, 3), 250, np.uint8)
    with pytest.raises(EncodeError, match="too little detail"):
        JpegEncoder(standard).encode(flat)


def test_padding_and_progressive_are_visible_to_the_parser():
    rgb = imagery.grace_hopper()
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=80)
    padded = buf.getvalue() + b"\x00" * 5000
    assert parse_jpeg(padded).trailing_bytes == 5000
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=80, progressive=True)
    assert parse_jpeg(buf.getvalue()).sof == "progressive"
    assert "truncated" in (parse_jpeg(buf.getvalue()[:-200]).error or "")
