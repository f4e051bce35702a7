"""The bundled expression classifier (expression.neutral's sixth sign): the real model on real
portraits -- a relaxed face reads no smile, a smiling one does, whatever the framing -- and
the check names it."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from capture_station.imaging import expression
from capture_station.imaging.litert import models

import degrade


def _clean(name: str) -> degrade.Clean:
    return next(c for c in degrade.clean_set() if c.name == name)


def _landmarks(c: degrade.Clean) -> np.ndarray:
    return c.verdict.analysis.primary.landmarks[:, :2]


@pytest.fixture(scope="module")
def limit() -> float:
    return float(degrade.pipeline().standard.limits("expression.neutral").extra["max_smile"])


def test_the_model_is_vendored_and_reads_a_grey_64px_face() -> None:
    m = models.Model(models.EXPRESSION_CLASSIFIER, ("Identity",))
    assert m.input_shape == (1, expression.INPUT_SIZE, expression.INPUT_SIZE, 1)
    p = m.run(np.zeros(m.input_shape, np.float32))[0][0]
    assert p.shape == (7,) and abs(float(p.sum()) - 1.0) < 1e-3  # a probability per class


@pytest.mark.parametrize("name,smiling", [("hopper", False), ("hopper-dim", False),
                                          ("astronaut", True), ("astronaut-webcam", True)])
def test_a_relaxed_face_reads_no_smile_and_a_smiling_one_does(name, smiling, limit) -> None:
    c = _clean(name)
    p = expression.smile_probability(c.verdict.rgb, _landmarks(c))
    assert (p > limit) == smiling, p
    assert (p < 0.1) if not smiling else (p > 0.9), p  # not a close call either way


@pytest.mark.parametrize("name", ["hopper", "astronaut"])
def test_the_reading_does_not_depend_on_tilt_or_size(name) -> None:
    """The face is cut by its own landmarks, eyes levelled: a head tilted 10 degrees or a
    picture at half the size reads the same."""
    c = _clean(name)
    rgb, pts = c.verdict.rgb, _landmarks(c)
    p0 = expression.smile_probability(rgb, pts)
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 10, 1.0)
    tilted = cv2.warpAffine(rgb, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    p1 = expression.smile_probability(tilted, np.c_[pts, np.ones(len(pts))] @ m.T)
    half = cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    p2 = expression.smile_probability(half, pts / 2)
    assert abs(p1 - p0) < 0.05 and abs(p2 - p0) < 0.05, (p0, p1, p2)


def test_threads_each_get_their_own_interpreter() -> None:
    """The live worker and the still pipeline classify at the same time."""
    c = _clean("astronaut")
    rgb, pts = c.verdict.rgb, _landmarks(c)
    want = expression.smile_probability(rgb, pts)
    got: list[float] = []

    def run() -> None:
        got.extend(expression.smile_probability(rgb, pts) for _ in range(20))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 60 and all(abs(g - want) < 1e-6 for g in got)


def test_no_face_width_gives_no_reading() -> None:
    rgb = np.full((64, 64, 3), 200, np.uint8)
    assert np.isnan(expression.smile_probability(rgb, np.zeros((478, 2))))


def test_the_check_names_the_smile_it_found(limit) -> None:
    c = _clean("astronaut")
    res = next(r for r in c.verdict.checks if r.id == "expression.neutral")
    assert res.status.value == "fail"
    assert res.value["smile"] > limit and res.limits["max_smile"] == limit
    assert "smiling" in res.message_en and "笑容" in res.message_zh


def test_whatever_kernels_run_give_the_reference_kernels_answer() -> None:
    """The fast delegate is used only where it agrees with LiteRT's built-in kernels (on ARM64
    with LiteRT 2.1 it does not, and falls back); on real faces the answer is the reference's."""
    assert expression.kernels() in ("xnnpack", "builtin")
    ref = models.Model(models.EXPRESSION_CLASSIFIER, ("Identity",), delegates=False)
    for name in ("hopper", "astronaut"):
        c = _clean(name)
        x = expression.face_input(c.verdict.rgb, _landmarks(c))
        assert x is not None
        want = float(ref.run(x)[0][0][expression.HAPPY])
        got = expression.smile_probability(c.verdict.rgb, _landmarks(c))
        assert abs(got - want) < expression.KERNELS_AGREE, (name, got, want)


def test_a_delegate_that_disagrees_falls_back_to_the_builtin_kernels(monkeypatch) -> None:
    """The ARM64 fault cannot happen on this machine, so the fast interpreter is made to
    answer as it did there (a blank face read as a smile)."""

    class ArmLikeModel(models.Model):
        def run(self, tensor: np.ndarray) -> list[np.ndarray]:
            out = super().run(tensor)
            if self._delegated:
                p = np.zeros_like(out[0])
                p[0, expression.HAPPY] = 0.9
                p[0, 6] = 0.1
                return [p]
            return out

        def __init__(self, name: str, outputs: tuple[str, ...], delegates: bool = True) -> None:
            super().__init__(name, outputs, delegates)
            self._delegated = delegates

    monkeypatch.setattr(expression, "Model", ArmLikeModel)
    monkeypatch.setattr(expression, "_kernels", None)
    monkeypatch.setattr(expression, "_local", threading.local())
    assert expression.kernels() == "builtin"
    c = _clean("hopper")
    assert expression.smile_probability(c.verdict.rgb, _landmarks(c)) < 0.1
