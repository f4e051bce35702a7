"""background.clutter counts objects, not the backdrop in other light (a vignette)."""

from __future__ import annotations

import numpy as np

import degrade


def _status(data_or_final, cid: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.status.value for r in data_or_final.checks if r.id == cid)


def _vignette(raw: np.ndarray, depth: float) -> np.ndarray:
    h, w = raw.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    gain = 1.0 - depth * np.clip(r2 / 2.0, 0, 1) ** 1.5
    return np.clip(raw.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def _verdict(rgb: np.ndarray):  # type: ignore[no-untyped-def]
    return degrade.pipeline().verify_bytes(degrade.encode_station(rgb), "photo.jpg")


def test_a_vignette_is_not_an_object_but_a_pasted_card_is() -> None:
    """A lens vignette darkening the photo's corners by up to 40 % is the backdrop in other
    light (background.uniform judges it); the same vignette over a photo with an object on
    the backdrop still shows the object."""
    c = next(x for x in degrade.clean_set() if x.spec.name == "hopper")
    vign = _verdict(_vignette(c.verdict.rgb, 0.8))
    assert _status(vign, "background.uniform") == "fail"  # the vignette is there
    assert _status(vign, "background.clutter") != "fail"
    shot = degrade.make_final(degrade.object_on_backdrop(c))[2]
    assert shot is not None and _status(shot, "background.clutter") == "fail"
    assert _status(_verdict(_vignette(shot.rgb, 0.8)), "background.clutter") == "fail"


def test_a_white_median_over_a_backdrop_that_is_not_white_fails() -> None:
    """A dark-green panel over a third of the backdrop (a plant, a curtain) leaves the
    backdrop's median white; the backdrop is still not white."""
    c = next(x for x in degrade.clean_set() if x.spec.name == "hopper")
    rgb = c.verdict.rgb.copy()
    h, w = rgb.shape[:2]
    rgb[: int(0.55 * h), : int(0.2 * w)] = (60, 110, 50)
    v = _verdict(rgb)
    res = next(r for r in v.checks if r.id == "background.white")
    assert res.value["L"] >= 85.0  # the median alone would pass
    assert res.status.value == "fail" and res.value["white_share"] < 0.8, res.value


def test_a_busy_backdrop_fails_clutter_even_without_a_standout_object() -> None:
    """Tiles behind the head: a fine pattern of edges, each tile within ΔE 18 of the
    backdrop's median (so no blob stands out), is still not a plain backdrop."""
    c = next(x for x in degrade.clean_set() if x.spec.name == "hopper")
    rgb = c.verdict.rgb.astype(np.int16)
    h, w = rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    tiles = (((yy // 12) + (xx // 12)) % 2).astype(np.int16) * 30  # 12-px checks, 30 levels
    an = c.verdict.analysis
    person = an.mask_full() > 0.3
    rgb[~person] -= tiles[~person][:, None]
    v = _verdict(np.clip(rgb, 0, 255).astype(np.uint8))
    res = next(r for r in v.checks if r.id == "background.clutter")
    assert res.status.value == "fail" and res.value["busy"] > 0.1, res.value
