"""Evidence that the checks work: real portraits pass, each controlled fault is caught by the
check aimed at it, and a fault flips no other check unless that side effect is documented.

The set is built once per session by ``tests/degrade.py`` (clean photos made by the station's
pipeline from real portraits; faults applied to the shot before the pipeline or to the finished
file). ``benchmarks/evaluate_checks.py`` prints the same numbers as a table.
"""

from __future__ import annotations

import pytest

import degrade

NAMES = [d.name for d in degrade.DEGRADATIONS]


@pytest.fixture(scope="module")
def evaluation():
    return degrade.evaluation_set()


def _samples(evaluation, name: str):  # type: ignore[no-untyped-def]
    return [s for s in evaluation[1] if s.degradation == name]


def _clean_status(evaluation, base: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return next(s for s in evaluation[0] if s.base == base).statuses


def test_the_set_covers_every_fault_on_several_bases(evaluation):
    clean, degraded = evaluation
    assert len(clean) == len(degrade.BASES) >= 8
    assert {s.base for s in clean} >= {"hopper", "astronaut", "astronaut-webcam"}
    for d in degrade.DEGRADATIONS:
        got = _samples(evaluation, d.name)
        assert len(got) >= 2, d.name
        if not d.needs_glasses and d.target not in degrade.ASTRONAUT_EXCLUDED:
            assert {degrade.BASES[0].sitter, "astronaut"} <= {
                next(b.sitter for b in degrade.BASES if b.name == s.base) for s in got}


@pytest.mark.parametrize("base", [b.name for b in degrade.BASES])
def test_clean_photo_fails_no_check(evaluation, base):
    statuses = _clean_status(evaluation, base)
    excluded = degrade.excluded_for(base)
    failing = {cid for cid, st in statuses.items() if st == "fail" and cid not in excluded}
    assert not failing


@pytest.mark.parametrize("name", NAMES)
def test_fault_is_caught_by_its_check(evaluation, name):
    d = next(x for x in degrade.DEGRADATIONS if x.name == name)
    for s in _samples(evaluation, name):
        assert s.statuses, f"{name} on {s.base}: the pipeline made no photo ({s.reason})"
        assert s.statuses[d.target] == "fail", (s.base, d.target, s.statuses[d.target])


@pytest.mark.parametrize("name", NAMES)
def test_fault_flips_no_undocumented_check(evaluation, name):
    d = next(x for x in degrade.DEGRADATIONS if x.name == name)
    allowed = {d.target, *d.related}
    for s in _samples(evaluation, name):
        before = _clean_status(evaluation, s.base)
        flipped = {cid for cid, st in s.statuses.items()
                   if st == "fail" and before.get(cid) != "fail"} - allowed
        assert not flipped, (s.base, flipped)


def test_the_evaluation_table_reports_what_the_tests_check(evaluation, tmp_path):
    from benchmarks.evaluate_checks import evaluation_rows, write_table

    rows = {r["check"]: r for r in evaluation_rows()}
    for d in degrade.DEGRADATIONS:
        r = rows[d.target]
        assert r["caught"] == r["aimed"] > 0, d.target
        assert not r["false_flips"], (d.target, r["false_flips"])
    for cid, r in rows.items():
        assert r["clean_pass"] + r["clean_undetermined"] == r["clean_total"], cid
    text = write_table(tmp_path / "eval.md")
    assert text.count("\n| `") == len(rows)
    assert "astronaut" in text and "excluded" in text


TONES = {
    "flat 0.7": lambda raw: degrade.tone_flat(raw, 0.7),
    "bright": lambda raw: degrade.tone_gamma(raw, 0.65),
    "dark": lambda raw: degrade.tone_gamma(raw, 1.3),
}


@pytest.mark.parametrize("tone", list(TONES))
@pytest.mark.parametrize("base", ["hopper", "astronaut"])
def test_open_eyes_stay_open_under_other_tone_curves(base, tone):
    """Eyes-open reads the contrast inside the eye openings; a flat, bright or dark rendering of
    open eyes must not read as closed."""
    c = next(x for x in degrade.clean_set() if x.name == base)
    _, data, final, reason = degrade.make_final(TONES[tone](c.raw))
    assert data is not None, reason
    eyes = next(x for x in final.checks if x.id == "expression.eyes_open")
    assert eyes.status.value in ("pass", "warn"), (eyes.value, eyes.message_en)


@pytest.mark.parametrize("base", ["hopper", "astronaut"])
def test_closed_eyes_stay_closed_on_a_flat_picture(base):
    c = next(x for x in degrade.clean_set() if x.name == base)
    _, data, final, reason = degrade.make_final(degrade.tone_flat(degrade.eyes_closed(c), 0.8))
    assert data is not None, reason
    eyes = next(x for x in final.checks if x.id == "expression.eyes_open")
    assert eyes.status.value == "fail", eyes.value
