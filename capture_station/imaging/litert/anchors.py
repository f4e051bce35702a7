"""BlazeFace's SSD anchors, as MediaPipe's ``SsdAnchorsCalculator`` makes them.

The detector's outputs are offsets from a fixed grid of anchors; the grid is not in the model
file, so it is rebuilt here from the options of MediaPipe's ``face_detection_short_range`` and
``face_detection_full_range`` graphs. With ``fixed_anchor_size`` every anchor is 1 x 1 and only
the centres matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AnchorOptions:
    """The ``SsdAnchorsCalculatorOptions`` the face graphs set (the rest keep their defaults)."""

    input_size: int
    strides: tuple[int, ...]
    interpolated_scale_aspect_ratio: float
    min_scale: float = 0.1484375
    max_scale: float = 0.75
    anchor_offset: float = 0.5
    aspect_ratios: tuple[float, ...] = (1.0,)


# face_detection_short_range.pbtxt: 128x128, 4 layers, 896 boxes
SHORT_RANGE = AnchorOptions(input_size=128, strides=(8, 16, 16, 16),
                            interpolated_scale_aspect_ratio=1.0)
# face_detection_full_range.pbtxt: 192x192, 1 layer, 2304 boxes
FULL_RANGE = AnchorOptions(input_size=192, strides=(4,), interpolated_scale_aspect_ratio=0.0)


def ssd_anchors(opt: AnchorOptions) -> np.ndarray:
    """(N, 2) anchor centres (x, y), normalised to the input tensor, in the model's order."""
    centres: list[tuple[float, float]] = []
    layer = 0
    n = len(opt.strides)
    while layer < n:
        per_cell = 0
        last = layer
        # layers of equal stride share one feature map; their anchors are interleaved per cell
        while last < n and opt.strides[last] == opt.strides[layer]:
            per_cell += len(opt.aspect_ratios)
            if opt.interpolated_scale_aspect_ratio > 0:
                per_cell += 1
            last += 1
        stride = opt.strides[layer]
        fm = math.ceil(opt.input_size / stride)
        for y in range(fm):
            for x in range(fm):
                c = ((x + opt.anchor_offset) / fm, (y + opt.anchor_offset) / fm)
                centres.extend([c] * per_cell)
        layer = last
    return np.array(centres, np.float32)
