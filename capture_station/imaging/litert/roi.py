"""Rotated regions of interest, as MediaPipe's calculators compute and crop them.

A region is a rectangle in image pixels, turned by ``rotation`` radians about its centre. The
three steps the face graphs chain are here, each named after the MediaPipe calculator it
follows, because the models were trained on crops made exactly so and a crop placed or turned
differently moves every landmark:

* ``DetectionsToRectsCalculator``: the box of a detection (or of landmarks), turned so that the
  line from one keypoint to another is level (:func:`rect_from_box`);
* ``RectTransformationCalculator``: squared on the long side and scaled (:func:`transform`);
* ``ImageToTensorCalculator`` (its OpenCV converter): the rectangle's corners mapped to the
  tensor's corners by a perspective warp with bilinear sampling, values scaled to a float range
  (:func:`crop_to_tensor`). A perspective warp, not the equal affine one: OpenCV rounds the
  sampling positions of the two differently, and the segmentation mask of a picture reduced by
  less than 2x differed by up to 0.13 with the affine warp (0.0 with this one); ``LandmarkProjectionCalculator`` maps points back
  (:func:`project`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Rect:
    """A rotated rectangle in image pixels."""

    cx: float
    cy: float
    width: float
    height: float
    rotation: float = 0.0  # radians, counter-clockwise on screen as MediaPipe counts it


def normalize_radians(angle: float) -> float:
    """The angle in [-pi, pi), as MediaPipe's ``NormalizeRadians``."""
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def rotation_between(start: np.ndarray, end: np.ndarray, target_degrees: float = 0.0) -> float:
    """The turn that brings the line ``start -> end`` (image pixels) to ``target_degrees``."""
    angle = math.radians(target_degrees) - math.atan2(-(end[1] - start[1]), end[0] - start[0])
    return normalize_radians(angle)


def rect_from_box(x0: float, y0: float, x1: float, y1: float, rotation: float) -> Rect:
    """The box as a rectangle about its centre, turned by ``rotation``."""
    return Rect((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, rotation)


def transform(rect: Rect, scale: float, square_long: bool = True) -> Rect:
    """``RectTransformationCalculator`` without shift: square on the long side, then scale."""
    w, h = rect.width, rect.height
    if square_long:
        w = h = max(w, h)
    return Rect(rect.cx, rect.cy, w * scale, h * scale, rect.rotation)


def _corners(rect: Rect) -> np.ndarray:
    """Corners as ``cv2.boxPoints`` gives them for MediaPipe's rotated rect: bottom-left,
    top-left, top-right, bottom-right of the unturned rectangle, turned about the centre."""
    c, s = math.cos(rect.rotation), math.sin(rect.rotation)
    hw, hh = rect.width / 2, rect.height / 2
    local = np.array([(-hw, hh), (-hw, -hh), (hw, -hh), (hw, hh)], np.float64)
    rot = np.array([[c, -s], [s, c]])
    return local @ rot.T + (rect.cx, rect.cy)


def crop_matrix(rect: Rect, out_w: int, out_h: int) -> np.ndarray:
    """The 3x3 matrix from image pixels to tensor pixels for ``rect``, from its four corners."""
    src = _corners(rect).astype(np.float32)
    dst = np.array([(0, out_h), (0, 0), (out_w, 0), (out_w, out_h)], np.float32)
    return cv2.getPerspectiveTransform(src, dst)


def crop_to_tensor(rgb: np.ndarray, rect: Rect, out_w: int, out_h: int,
                   value_range: tuple[float, float] = (0.0, 1.0), *,
                   border_zero: bool = False, flip: bool = False) -> np.ndarray:
    """The rectangle's content as a (1, out_h, out_w, 3) float32 tensor in ``value_range``.

    ``border_zero`` fills outside the image with black (the detector and the segmenter),
    otherwise the edge pixels are repeated (the landmark models). ``flip`` mirrors the crop
    left-right (the iris model knows only the left eye)."""
    m = crop_matrix(rect, out_w, out_h)
    border = cv2.BORDER_CONSTANT if border_zero else cv2.BORDER_REPLICATE
    crop = cv2.warpPerspective(rgb, m, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=border, borderValue=(0, 0, 0))
    if flip:
        crop = crop[:, ::-1]
    lo, hi = value_range
    out = crop.astype(np.float32) * np.float32((hi - lo) / 255.0) + np.float32(lo)
    return out[np.newaxis]


def project(points: np.ndarray, rect: Rect) -> np.ndarray:
    """Points normalised to the crop (x, y in 0..1, z in crop widths) to image pixels; z is
    scaled by the rectangle's width, as ``LandmarkProjectionCalculator`` does."""
    c, s = math.cos(rect.rotation), math.sin(rect.rotation)
    x = points[:, 0] - 0.5
    y = points[:, 1] - 0.5
    out = np.empty((points.shape[0], 3), np.float64)
    out[:, 0] = (c * x - s * y) * rect.width + rect.cx
    out[:, 1] = (s * x + c * y) * rect.height + rect.cy
    out[:, 2] = points[:, 2] * rect.width if points.shape[1] > 2 else 0.0
    return out
