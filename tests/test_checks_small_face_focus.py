"""sharpness.focus on a face smaller than its measuring patch: sharp passes, soft is unknown."""

from __future__ import annotations

import cv2
import numpy as np

from capture_station.checks.engine import CheckContext, Mode, run_checks

import degrade


def _focus(rgb: np.ndarray) -> str:
    pipe = degrade.pipeline()
    an = pipe.analyzer.analyse(np.ascontiguousarray(rgb))
    ctx = CheckContext(pipe.standard, Mode.FINAL, rgb=rgb, analysis=an)
    return run_checks(ctx, ["sharpness.focus"])[0].status.value


def test_an_enlarged_sharp_face_passes_and_an_enlarged_soft_one_is_undetermined() -> None:
    c = next(x for x in degrade.clean_set() if x.spec.name == "hopper")
    small = cv2.resize(c.verdict.rgb, (200, 267), interpolation=cv2.INTER_AREA)  # face < 150 px
    assert _focus(small) == "pass"
    soft = cv2.GaussianBlur(small, (0, 0), 2.0)
    assert _focus(soft) == "undetermined"
