"""MediaPipe's three custom TFLite operators of the attention face mesh, in numpy.

Written from MediaPipe's kernels (``mediapipe/util/tflite/operations/``, version 2 of each, the
one ``face_landmark_with_attention.tflite`` uses). Matrices are 4x4, row-major; only their first
two rows act on (x, y, 0, 1).

* ``Landmarks2TransformMatrix``: a region (lips, one eye) from a subset of the mesh: turned so
  that two of its landmarks lie level, the subset's box in that frame, scaled, mapped onto an
  output grid of ``output_width`` x ``output_height``;
* ``TransformTensorBilinear``: samples a feature map through such a matrix (bilinear, zero
  outside, the half-pixel correction of version 2);
* ``TransformLandmarks``: maps points through a matrix.
"""

from __future__ import annotations

import math

import numpy as np


def _mat(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, np.float64)


def landmarks_to_transform_matrix(inputs: list[np.ndarray], opt: dict[str, object]) -> np.ndarray:
    pts = inputs[0].reshape(-1, 3).astype(np.float64)
    left = pts[int(opt["left_rotation_idx"]), :2]  # type: ignore[call-overload]
    right = pts[int(opt["right_rotation_idx"]), :2]  # type: ignore[call-overload]
    r = float(opt.get("target_rotation_radians", 0.0)) - math.atan2(  # type: ignore[arg-type]
        right[1] - left[1], right[0] - left[0])
    subset = np.asarray(opt["subset_idxs"], np.int64)
    xy = pts[subset, :2]
    c, s = math.cos(r), math.sin(r)
    turned = xy @ np.array([[c, -s], [s, c]]).T
    lo, hi = turned.min(axis=0), turned.max(axis=0)
    w, h = hi - lo
    mid = (lo + hi) / 2
    cx, cy = np.array([[c, s], [-s, c]]) @ mid  # turned back: rotation by -r
    ow, oh = float(opt["output_width"]), float(opt["output_height"])  # type: ignore[arg-type]
    sx = float(opt["scale_x"]) * w / ow  # type: ignore[arg-type]
    sy = float(opt["scale_y"]) * h / oh  # type: ignore[arg-type]
    cr, sr = math.cos(-r), math.sin(-r)
    t = _mat([[1, 0, 0, cx], [0, 1, 0, cy], [0, 0, 1, 0], [0, 0, 0, 1]])
    t = t @ _mat([[cr, -sr, 0, 0], [sr, cr, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    t = t @ _mat([[sx, 0, 0, 0], [0, sy, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    t = t @ _mat([[1, 0, 0, -ow / 2], [0, 1, 0, -oh / 2], [0, 0, 1, 0], [0, 0, 0, 1]])
    return t.astype(np.float32).reshape(1, 4, 4)


def transform_tensor_bilinear(inputs: list[np.ndarray], opt: dict[str, object]) -> np.ndarray:
    data = inputs[0][0].astype(np.float32)  # (H, W, C)
    m = inputs[1].reshape(4, 4).astype(np.float64)
    oh, ow = int(opt["output_height"]), int(opt["output_width"])  # type: ignore[call-overload]
    ih, iw = data.shape[:2]
    xt, yt = m[0].copy(), m[1].copy()
    xt[3] += xt[0] * 0.5 + xt[1] * 0.5 - 0.5
    yt[3] += yt[0] * 0.5 + yt[1] * 0.5 - 0.5
    gy, gx = np.mgrid[0:oh, 0:ow].astype(np.float64)
    tx = xt[0] * gx + xt[1] * gy + xt[3]
    ty = yt[0] * gx + yt[1] * gy + yt[3]
    inside = (tx >= 0) & (tx <= iw - 1) & (ty >= 0) & (ty <= ih - 1)
    x0, y0 = np.floor(tx), np.floor(ty)
    fx, fy = (tx - x0)[..., None], (ty - y0)[..., None]
    x0i, y0i = x0.astype(np.int64), y0.astype(np.int64)

    def read(yy: np.ndarray, xx: np.ndarray) -> np.ndarray:
        ok = (yy >= 0) & (xx >= 0) & (yy < ih) & (xx < iw)
        v = data[np.clip(yy, 0, ih - 1), np.clip(xx, 0, iw - 1)]
        return np.where(ok[..., None], v, 0.0)

    upper = (1 - fx) * read(y0i, x0i) + fx * read(y0i, x0i + 1)
    lower = (1 - fx) * read(y0i + 1, x0i) + fx * read(y0i + 1, x0i + 1)
    out = fy * lower + (1 - fy) * upper
    out = np.where(inside[..., None], out, 0.0)
    return out.astype(np.float32)[np.newaxis]


def transform_landmarks(inputs: list[np.ndarray], opt: dict[str, object]) -> np.ndarray:
    pts = inputs[0].astype(np.float64)  # (1, N, 2)
    m = inputs[1].reshape(4, 4).astype(np.float64)
    x, y = pts[..., 0], pts[..., 1]
    out = np.empty_like(pts)
    out[..., 0] = m[0, 0] * x + m[0, 1] * y + m[0, 3]
    out[..., 1] = m[1, 0] * x + m[1, 1] * y + m[1, 3]
    return out.astype(np.float32)


CUSTOM_OPS = {
    "Landmarks2TransformMatrix": landmarks_to_transform_matrix,
    "TransformTensorBilinear": transform_tensor_bilinear,
    "TransformLandmarks": transform_landmarks,
}
