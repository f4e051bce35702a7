"""Hints name faults only: a value inside its limit (a warning) is never listed as a fault,
and a picture that cannot be framed gets a framing hint, not advice about the sitter's head.

Real pictures: the built-in demo scene, tinted or moved inside the frame the way a camera
would see a yellowish backdrop or a sitter too low in the picture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture_station.cameras.demo import BACKDROP_RGB, default_scene
from capture_station.checks import Status, top_hints
from capture_station.imaging.image_source import ArraySource
from capture_station.photo.pipeline import Pipeline

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _shot(pipeline: Pipeline, rgb: np.ndarray, name: str):  # type: ignore[no-untyped-def]
    return pipeline.make_photo(ArraySource(np.ascontiguousarray(rgb), name=name))


def _tinted(b_shift: float) -> np.ndarray:
    """The scene with its backdrop turned yellowish (blue taken out of the backdrop only)."""
    scene = default_scene().astype(np.float32)
    backdrop = np.abs(scene - np.asarray(BACKDROP_RGB, np.float32)).max(axis=2) <= 3
    scene[..., 2] = np.where(backdrop, scene[..., 2] - b_shift, scene[..., 2])
    return np.clip(scene, 0, 255).astype(np.uint8)


def test_a_cast_inside_its_limit_is_near_the_limit_not_a_fault(pipeline):
    shot, _enc, final, _reason = _shot(pipeline, _tinted(7.0), "yellowish")
    assert final is not None
    white = next(c for c in final.checks if c.id == "background.white")
    cast = white.value["cast"]  # type: ignore[index]
    lim = white.limits["max_cast"]
    assert white.status == Status.WARN and cast <= lim, white.value
    assert "接近上限" in white.message("zh_CN") and "应≤" not in white.message("zh_CN")
    assert "near the limit" in white.message("en")
    # a warning is no fault: no hint lists it, unless warnings are asked for (after faults)
    assert top_hints(final.checks, "zh_CN", n=5) == []
    assert top_hints(final.checks, "zh_CN", n=5, include_warn=True)


def test_a_cast_over_its_limit_is_a_fault(pipeline):
    _shot_, _enc, final, _reason = _shot(pipeline, _tinted(16.0), "yellow")
    assert final is not None
    white = next(c for c in final.checks if c.id == "background.white")
    assert white.status == Status.FAIL
    assert "应≤" in white.message("zh_CN")
    assert top_hints(final.checks, "zh_CN", n=5)


@pytest.mark.parametrize(("name", "dy", "want"), [
    ("sitter low in the picture", 260, "降低相机"),
    ("sitter high in the picture", -200, "升高相机"),
])
def test_framing_failure_gives_a_framing_hint(pipeline, name, dy, want):
    scene = default_scene()
    h, w = scene.shape[:2]
    moved = cv2.warpAffine(scene, np.float32([[1, 0, 0], [0, 1, dy]]), (w, h),
                           borderValue=BACKDROP_RGB)
    shot, enc, _final, _reason = _shot(pipeline, moved, name)
    assert enc is None  # no photo can be made from this framing
    hints = top_hints(shot.checks, "zh_CN", n=3)
    assert hints and want in hints[0], hints
    for text in hints:
        assert "抬头" not in text and "靠近" not in text, hints
    for c in shot.checks:
        if c.id.startswith("geometry.") and c.status == Status.FAIL:
            assert "抬头" not in c.hint("zh_CN"), (c.id, c.hint("zh_CN"))
