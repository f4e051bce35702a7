"""glasses.glare decides whether glasses are worn before it looks for glare on them."""

from __future__ import annotations

from capture_station.checks.appearance_checks import glasses_evidence
from capture_station.checks.engine import CheckContext, Mode, Status
from capture_station.checks.measures import face_patch

import degrade


def _clean(name: str) -> degrade.Clean:
    return next(c for c in degrade.clean_set() if c.spec.name == name)


def _ctx(c: degrade.Clean) -> CheckContext:
    std = degrade.pipeline().standard
    return CheckContext(std, Mode.FINAL, rgb=c.verdict.rgb,
                        analysis=c.verdict.analysis)


def test_the_frame_bridge_tells_glasses_from_a_bare_face() -> None:
    std = degrade.pipeline().standard
    lim = std.checks["glasses.glare"]
    g_edge = float(lim.extra["glasses_min_edge"])
    bare_edge = float(lim.extra["bare_max_edge"])
    hopper = face_patch(_ctx(_clean("hopper")))
    astronaut = face_patch(_ctx(_clean("astronaut")))
    assert hopper is not None and astronaut is not None
    assert glasses_evidence(hopper)[0] >= g_edge  # Grace Hopper wears glasses
    assert glasses_evidence(astronaut)[0] < bare_edge  # Eileen Collins does not


def test_a_bright_patch_over_the_eye_is_glare_only_on_glasses() -> None:
    """The painted lens glare (a washed-out patch over part of one eye) on a face with glasses
    fails; the same patch on a face without glasses is bright skin, not glare."""
    pipe = degrade.pipeline()
    for name, want in (("hopper", Status.FAIL), ("astronaut", Status.PASS)):
        data = degrade.lens_glare(_clean(name))
        res = next(r for r in pipe.verify_bytes(data, "photo.jpg").checks
                   if r.id == "glasses.glare")
        assert res.status == want, (name, res.value)
