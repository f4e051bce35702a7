"""expression.eyes_open: an iris with white on both sides of it is an open eye even where the
spread inside the eye openings reads like lid skin (a hazy picture, aged or shaded skin, lenses);
a closed lid shows no iris."""

from __future__ import annotations

import pytest

from capture_station.checks import pose_checks

import degrade


def _final(raw):  # type: ignore[no-untyped-def]
    _, data, final, reason = degrade.make_final(raw)
    assert data is not None, reason
    return data


def _eyes(data: bytes):  # type: ignore[no-untyped-def]
    verdict = degrade.pipeline().verify_bytes(data, "photo.jpg")
    return next(x for x in verdict.checks if x.id == "expression.eyes_open")


@pytest.fixture(scope="module")
def astronaut():  # type: ignore[no-untyped-def]
    return next(x for x in degrade.clean_set() if x.name == "astronaut")


def test_the_iris_stands_out_on_open_eyes_and_not_on_closed_ones(astronaut):
    open_eyes = _eyes(_final(astronaut.raw))
    closed = _eyes(_final(degrade.eyes_closed(astronaut)))
    i_min = open_eyes.limits["min_iris_contrast"]
    assert open_eyes.value["iris_contrast"] >= i_min + 0.1, open_eyes.value
    assert closed.value["iris_contrast"] < i_min, closed.value


def test_a_visible_iris_outweighs_a_flat_opening(astronaut, monkeypatch):
    """The two spread readings both say 'lid skin', as on the hazy and spectacled real photos
    they failed: the iris decides, for the open eyes and against the closed ones."""
    open_data = _final(astronaut.raw)
    closed_data = _final(degrade.eyes_closed(astronaut))
    monkeypatch.setattr(pose_checks, "eye_contrast", lambda ctx: (9.0, 0.5))
    assert _eyes(open_data).status.value == "pass", _eyes(open_data).value
    assert _eyes(closed_data).status.value == "fail", _eyes(closed_data).value


def test_a_face_too_dark_to_show_an_iris_is_judged_by_the_lids(astronaut):
    """Darker than lighting.exposure allows: the eyes' contrast is no evidence, the lid gap
    decides (and the exposure check reports the dark)."""
    data = _final(degrade.underexposed(astronaut))
    verdict = degrade.pipeline().verify_bytes(data, "photo.jpg")
    by_id = {c.id: c for c in verdict.checks}
    assert by_id["lighting.exposure"].status.value == "fail"
    assert by_id["expression.eyes_open"].status.value in ("pass", "warn"), \
        by_id["expression.eyes_open"].value


