"""The file and geometry rules that the content evaluation (``test_checks_eval``) does not aim a
fault at: each is flipped here by the fault it exists for, on a real photo made by the pipeline,
and the clean photo passes it.

File faults change one property of the finished photo and must flip exactly that check; the
geometry faults are made on the camera shot (a sitter too far away, at the edge of the picture)
or on the finished photo (re-cropped by another program).
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from capture_station.imaging.encoder import encode_once
from capture_station.imaging.image_source import ArraySource

import imagery

FILE_IDS = ("file.format", "file.dimensions", "file.dpi", "file.color", "file.quality",
            "file.size", "file.extension", "file.date")


@pytest.fixture(scope="module")
def clean(pipeline):  # type: ignore[no-untyped-def]
    """A finished photo of Grace Hopper, its pixels, quality and verdict."""
    shot, enc, final, reason = pipeline.make_photo(ArraySource(imagery.station_shot_hopper()))
    assert enc is not None, reason
    rgb = np.asarray(Image.open(io.BytesIO(enc.data)).convert("RGB"))
    return enc.data, rgb, enc.quality, final


def _statuses(verdict) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.id: c.status.value for c in verdict.checks}


def _flipped(before: dict[str, str], after: dict[str, str], ids=FILE_IDS) -> set[str]:  # type: ignore[no-untyped-def]
    return {i for i in ids if after.get(i) != before.get(i)}


def test_the_clean_photo_passes_every_file_and_geometry_rule(clean):
    _, _, _, verdict = clean
    st = _statuses(verdict)
    for cid in (*FILE_IDS, "face.count", "geometry.crown", "geometry.eyes", "geometry.face_width",
                "geometry.centre"):
        assert st[cid] == "pass", (cid, st[cid])


def test_72_dpi_flips_only_file_dpi(pipeline, clean):
    data, rgb, q, verdict = clean
    other = encode_once(Image.fromarray(rgb), q, 72)
    assert 20_480 <= len(other) <= 40_000  # the same size window: only the dpi differs
    after = _statuses(pipeline.verify_bytes(other, "photo.jpg"))
    assert _flipped(_statuses(verdict), after) == {"file.dpi"}
    assert after["file.dpi"] == "fail"


@pytest.mark.parametrize("name, status", [("photo.png", "fail"), ("photo.jpeg", "fail"),
                                          ("photo", "fail"), ("PHOTO.JPG", "pass")])
def test_the_extension_must_be_jpg(pipeline, clean, name, status):
    data, _, _, verdict = clean
    after = _statuses(pipeline.verify_bytes(data, name))
    assert after["file.extension"] == status
    assert _flipped(_statuses(verdict), after) <= {"file.extension"}


def test_a_file_above_40000_bytes_flips_only_file_size(pipeline, clean):
    data, rgb, q, verdict = clean
    big = encode_once(Image.fromarray(rgb), 97, 300)
    assert len(big) > 40_000
    after = _statuses(pipeline.verify_bytes(big, "photo.jpg"))
    assert _flipped(_statuses(verdict), after) == {"file.size"}
    assert after["file.size"] == "fail"


def test_an_old_capture_date_warns_and_a_recent_one_passes(pipeline, clean):
    data, _, _, verdict = clean
    old = (dt.datetime.now() - dt.timedelta(days=400)).strftime("%Y:%m:%d %H:%M:%S")
    recent = (dt.datetime.now() - dt.timedelta(days=20)).strftime("%Y:%m:%d %H:%M:%S")
    v_old = pipeline.verify_bytes(data, "photo.jpg", old)
    by_id = {c.id: c for c in v_old.checks}
    assert by_id["file.date"].status.value == "warn" and by_id["file.date"].value >= 399
    assert _flipped(_statuses(verdict), _statuses(v_old)) == {"file.date"}
    assert _statuses(pipeline.verify_bytes(data, "photo.jpg", recent))["file.date"] == "pass"
    garbled = _statuses(pipeline.verify_bytes(data, "photo.jpg", "yesterday"))
    assert garbled["file.date"] == "undetermined"


def test_an_old_exif_date_in_the_file_reaches_the_check(pipeline, clean):
    """Through the decoder: the EXIF DateTimeOriginal of a file brought from elsewhere."""
    from capture_station.imaging.image_source import open_image_bytes

    _, rgb, q, _ = clean
    exif = Image.Exif()
    old = (dt.datetime.now() - dt.timedelta(days=300)).strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8769)[0x9003] = old
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=q, dpi=(300, 300), exif=exif)
    date = open_image_bytes(buf.getvalue(), "brought.jpg").capture_date
    assert date == old
    assert _statuses(pipeline.verify_bytes(buf.getvalue(), "brought.jpg", date))["file.date"] == "warn"


def _shot_statuses(pipeline, raw: np.ndarray) -> dict[str, str]:  # type: ignore[no-untyped-def]
    shot, _, _ = pipeline.analyse_source(ArraySource(raw))
    return {c.id: c.status.value for c in shot.checks}


def test_sitter_at_the_edge_of_the_picture_fails_crop_fits(pipeline):
    """The sitter stands so far to the side that a 3:4 crop centred on the face would leave
    the picture."""
    portrait = imagery.grace_hopper()
    centred = imagery.composite(portrait, scale=3.0, canvas=(2400, 2600), seed=5)
    at_edge = imagery.composite(portrait, scale=3.0, canvas=(2400, 2600), centre_x=260, seed=5)
    assert _shot_statuses(pipeline, centred)["geometry.crop_fits"] == "pass"
    st = _shot_statuses(pipeline, at_edge)
    assert st["geometry.crop_fits"] == "fail"
    assert st["geometry.resolution"] == "pass"  # the pixels are there; the framing is not


def test_sitter_too_far_away_fails_resolution(pipeline):
    """A small face in a big picture: the crop would have to be enlarged beyond the limit."""
    portrait = imagery.grace_hopper()
    near = imagery.composite(portrait, scale=3.0, canvas=(2400, 2600), seed=6)
    far = imagery.composite(portrait, scale=0.75, canvas=(1400, 1200), seed=6)
    assert _shot_statuses(pipeline, near)["geometry.resolution"] == "pass"
    assert _shot_statuses(pipeline, far)["geometry.resolution"] == "fail"


def _recrop(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Another program's crop of the finished photo, back to 480x640 (white where the box
    leaves the photo)."""
    pad = 400
    big = np.full((rgb.shape[0] + 2 * pad, rgb.shape[1] + 2 * pad, 3), 250, np.uint8)
    big[pad:pad + rgb.shape[0], pad:pad + rgb.shape[1]] = rgb
    x0, y0, x1, y1 = (v + pad for v in box)
    im = Image.fromarray(big).resize((480, 640), Image.Resampling.LANCZOS, box=(x0, y0, x1, y1))
    return np.asarray(im)


def _final(pipeline, rgb: np.ndarray) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from capture_station.imaging.encoder import JpegEncoder

    data = JpegEncoder(pipeline.standard).encode(rgb).data
    return {c.id: c for c in pipeline.verify_bytes(data, "photo.jpg").checks}


def test_recropped_photos_flip_the_band_they_leave(pipeline, clean):
    """Zoomed out (the face narrower than 180 px), shifted sideways (off centre), shifted up
    (the eyes below their band): each flips its band check."""
    _, rgb, _, verdict = clean
    by_id = {c.id: c for c in verdict.checks}
    fw = float(by_id["geometry.face_width"].value)
    # zoom out about the centre so the face measures ~150 px
    k = fw / 150.0
    w, h = 480 * k, 640 * k
    zoomed = _final(pipeline, _recrop(rgb, (240 - w / 2, 320 - h / 2, 240 + w / 2, 320 + h / 2)))
    assert zoomed["geometry.face_width"].status.value == "fail", zoomed["geometry.face_width"].value
    # shift the crop 60 px to the left: the face moves right of centre
    shifted = _final(pipeline, _recrop(rgb, (-60, 0, 420, 640)))
    assert shifted["geometry.centre"].status.value == "fail", shifted["geometry.centre"].value
    assert shifted["geometry.face_width"].status.value == "pass"
    # move the crop up by 80 px: crown and eyes lower in the picture, the eyes out of 200-300
    eyes = float(by_id["geometry.eyes"].value)
    dy = 300 - eyes + 25
    lowered = _final(pipeline, _recrop(rgb, (0, -dy, 480, 640 - dy)))
    assert lowered["geometry.eyes"].status.value == "fail", lowered["geometry.eyes"].value
    assert lowered["geometry.centre"].status.value == "pass"
