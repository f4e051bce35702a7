"""Re-pose a real face photo by moving its face-mesh landmarks: the faults of the pose and
expression checks that cannot be painted (a turned or raised head, closed eyes, a sideways look,
a smile).

The picture is warped piecewise-affinely: the mesh is triangulated, every landmark is moved to
its new place (for a head turn, the 3-D mesh rotated about the face centre and projected back),
and each triangle's pixels follow their landmarks. A ring of fixed anchor points around the face
keeps the hair, ears and backdrop where they were, with a smooth transition in between. Where a
turn folds triangles over each other (the far side of the nose), they are drawn from the back to
the front, so the nearer surface wins, as it would on camera.

It is a test-imagery tool: the face analysis then measures the warped *pixels* afresh; the
landmarks used for the warp are never handed to the checks.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.spatial import Delaunay

from capture_station.checks.measures import (
    EYE_OPENING_IMAGE_LEFT,
    EYE_OPENING_IMAGE_RIGHT,
    FACE_OVAL,
    IRIS_CENTRES,
    IRIS_RING_IMAGE_LEFT,
    IRIS_RING_IMAGE_RIGHT,
    MOUTH_CORNERS,
)


def _lids(opening: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(upper, lower) lid of an eye-opening outline, both from the outer corner to the inner."""
    upper = opening[:9]
    return upper, (opening[0], *opening[9:][::-1], opening[8])


IRIS_IMAGE_LEFT = (IRIS_CENTRES[0], *IRIS_RING_IMAGE_LEFT)
IRIS_IMAGE_RIGHT = (IRIS_CENTRES[1], *IRIS_RING_IMAGE_RIGHT)
# Points of the mesh that are too close to each other for a stable triangulation are dropped.
_MIN_SPACING = 0.6


def _rings(src: np.ndarray, dst: np.ndarray, shape: tuple[int, int],
           rings: tuple[tuple[float, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Points on scaled copies of the face oval beyond the face, each (scale, follow) ring moving
    by ``follow`` times its oval point's displacement (0 = fixed), plus the fixed picture
    corners: a smooth hand-over from the moved face to the still surroundings."""
    idx = list(FACE_OVAL)
    oval, moved = src[idx], dst[idx]
    c = oval.mean(axis=0)
    s_out, d_out = [], []
    for k, follow in rings:
        p = c + (oval - c) * k
        s_out.append(p)
        d_out.append(p + follow * (moved - oval))
    h, w = shape
    corners = np.array([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], np.float64)
    return np.concatenate([*s_out, corners]), np.concatenate([*d_out, corners])


def warp(rgb: np.ndarray, src: np.ndarray, dst: np.ndarray, depth: np.ndarray | None = None,
         rings: tuple[tuple[float, float], ...] = ((1.6, 0.0), (2.2, 0.0))) -> np.ndarray:
    """Move the landmarks ``src`` (N, 2) to ``dst`` (N, 2) and the pixels with them.

    ``depth`` (N,) orders overlapping triangles: larger = further from the camera, drawn first.
    ``rings``: (scale of the face oval, share of the displacement followed) -- see
    :func:`_rings`; everything beyond the last ring stays put.
    """
    h, w = rgb.shape[:2]
    src_full = src = np.asarray(src, np.float64)
    dst_full = dst = np.asarray(dst, np.float64)
    # drop near-duplicate landmarks (the iris ring sits on the eye contour in places)
    keep: list[int] = []
    for i, p in enumerate(src):
        if all(np.hypot(*(p - src[j])) >= _MIN_SPACING for j in keep[-40:]):
            keep.append(i)
    src, dst = src[keep], dst[keep]
    z = np.asarray(depth, np.float64)[keep] if depth is not None else np.zeros(len(keep))
    ring_src, ring_dst = _rings(src_full, dst_full, (h, w), rings)
    s_all = np.concatenate([src, ring_src])
    d_all = np.concatenate([dst, ring_dst])
    z_all = np.concatenate([z, np.full(len(ring_src), z.max() if len(z) else 0.0)])
    tri = Delaunay(s_all).simplices
    order = np.argsort(-z_all[tri].mean(axis=1), kind="stable")  # far first
    tri = tri[order]
    # the region that changes: the bounding box of the inner anchor ring
    inner = np.concatenate([s_all[:-4], d_all[:-4]])
    x0 = int(max(0, np.floor(inner[:, 0].min()) - 2))
    y0 = int(max(0, np.floor(inner[:, 1].min()) - 2))
    x1 = int(min(w, np.ceil(inner[:, 0].max()) + 3))
    y1 = int(min(h, np.ceil(inner[:, 1].max()) + 3))
    label = np.full((y1 - y0, x1 - x0), -1, np.int32)
    mats = np.zeros((len(tri), 2, 3), np.float64)
    for k, t in enumerate(tri):
        d = d_all[t].astype(np.float32)
        s = s_all[t].astype(np.float32)
        if abs(np.cross(d[1] - d[0], d[2] - d[0])) < 1e-6:
            continue
        mats[k] = cv2.getAffineTransform(d, s)
        poly = np.round((d - [x0, y0]) * 16).astype(np.int32)
        cv2.fillConvexPoly(label, poly, k, lineType=cv2.LINE_8, shift=4)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    lab = np.where(label >= 0, label, 0)
    m = mats[lab]
    map_x = (m[..., 0, 0] * xx + m[..., 0, 1] * yy + m[..., 0, 2]).astype(np.float32)
    map_y = (m[..., 1, 0] * xx + m[..., 1, 1] * yy + m[..., 1, 2]).astype(np.float32)
    unset = label < 0
    map_x[unset] = xx[unset]
    map_y[unset] = yy[unset]
    out = rgb.copy()
    out[y0:y1, x0:x1] = cv2.remap(rgb, map_x, map_y, interpolation=cv2.INTER_CUBIC,
                                  borderMode=cv2.BORDER_REFLECT)
    return out


def _centre(lm: np.ndarray) -> np.ndarray:
    return lm[list(FACE_OVAL)].mean(axis=0)


def turn_head(rgb: np.ndarray, lm: np.ndarray, yaw_deg: float = 0.0,
              pitch_deg: float = 0.0) -> np.ndarray:
    """Rotate the 3-D mesh ``lm`` (N, 3: x, y px; z px, negative towards the camera) about the
    face centre -- ``yaw_deg`` about the vertical axis (positive: the nose goes to the image
    right), ``pitch_deg`` about the horizontal one (positive: the nose goes down) -- and warp."""
    c = _centre(lm)
    p = lm.astype(np.float64) - c
    a, b = np.radians(yaw_deg), np.radians(pitch_deg)
    # yaw: x' = x cos a - z sin a (z negative = nearer, so the nose tip moves by +sin a * |z|)
    x = p[:, 0] * np.cos(a) - p[:, 2] * np.sin(a)
    z = p[:, 0] * np.sin(a) + p[:, 2] * np.cos(a)
    y = p[:, 1] * np.cos(b) - z * np.sin(b)
    z2 = p[:, 1] * np.sin(b) + z * np.cos(b)
    dst = np.stack([x, y], axis=1) + c[:2]
    return warp(rgb, lm[:, :2], dst, depth=z2, rings=((1.35, 0.55), (1.8, 0.2), (2.5, 0.0)))


def _fill(shape: tuple[int, int], poly: np.ndarray, grow: float = 0.0) -> np.ndarray:
    """A 0/255 mask of ``poly``, dilated by ``grow`` pixels."""
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(poly * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4)
    if grow > 0:
        k = max(1, int(round(grow)))
        m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1)))
    return m


def close_eyes(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Closed eyes: each eye opening is filled in from the lid skin around it (inpainting) and a
    soft lash line is drawn where the lids meet, along the lower lid."""
    out = rgb.copy()
    h, w = rgb.shape[:2]
    for opening in (EYE_OPENING_IMAGE_LEFT, EYE_OPENING_IMAGE_RIGHT):
        upper, lower = _lids(opening)
        poly = lm[list(opening), :2]
        ew = float(np.hypot(*(lm[upper[0], :2] - lm[upper[-1], :2])))
        x0, y0 = np.floor(poly.min(axis=0) - 0.6 * ew).astype(int)
        x1, y1 = np.ceil(poly.max(axis=0) + 0.6 * ew).astype(int)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        roi = out[y0:y1, x0:x1]
        mask = _fill(roi.shape[:2], poly - [x0, y0], grow=0.06 * ew)
        roi = cv2.inpaint(roi, mask, max(3.0, 0.12 * ew), cv2.INPAINT_TELEA)
        # the lash line: the lower lid's curve lifted a little, darker and soft
        line = lm[list(lower), :2] - [x0, y0] - [0.0, 0.04 * ew]
        lash = np.zeros(roi.shape[:2], np.float32)
        cv2.polylines(lash, [np.round(line * 16).astype(np.int32)], False, 1.0,
                      thickness=max(1, int(round(0.05 * ew))), lineType=cv2.LINE_AA, shift=4)
        lash = cv2.GaussianBlur(lash, (0, 0), max(0.6, 0.02 * ew))[..., None]
        lash_colour = np.array([62, 44, 38], np.float32)  # dark brown lashes
        roi = roi.astype(np.float32) * (1 - 0.6 * lash) + lash_colour * 0.6 * lash
        out[y0:y1, x0:x1] = np.clip(roi + 0.5, 0, 255).astype(np.uint8)
    return out


def shift_gaze(rgb: np.ndarray, lm: np.ndarray, fraction: float = 0.25) -> np.ndarray:
    """A sideways look: each iris disc is lifted out of its eye (the gap filled from the white of
    the eye by inpainting) and put back ``fraction`` of the eye width to the side (positive: to
    the image right), showing only where the lids leave the eye open."""
    out = rgb.copy()
    h, w = rgb.shape[:2]
    for opening, iris in ((EYE_OPENING_IMAGE_LEFT, IRIS_IMAGE_LEFT),
                          (EYE_OPENING_IMAGE_RIGHT, IRIS_IMAGE_RIGHT)):
        upper = _lids(opening)[0]
        poly = lm[list(opening), :2]
        ew = float(np.hypot(*(lm[upper[0], :2] - lm[upper[-1], :2])))
        c = lm[iris[0], :2]
        r = float(np.mean([np.hypot(*(lm[j, :2] - c)) for j in iris[1:]])) * 1.08
        dx = fraction * ew
        x0, y0 = np.floor(poly.min(axis=0) - 0.5 * ew).astype(int)
        x1, y1 = np.ceil(poly.max(axis=0) + 0.5 * ew).astype(int)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        roi = out[y0:y1, x0:x1]
        opening = _fill(roi.shape[:2], poly - [x0, y0]).astype(np.float32)[..., None] / 255.0
        disc = np.zeros(roi.shape[:2], np.uint8)
        cc = (int(round((c[0] - x0) * 16)), int(round((c[1] - y0) * 16)))
        cv2.circle(disc, cc, int(round(r * 16)), 255, -1, lineType=cv2.LINE_AA, shift=4)
        hole = cv2.dilate(disc, np.ones((3, 3), np.uint8)) & _fill(roi.shape[:2], poly - [x0, y0], 1.5)
        empty = cv2.inpaint(roi, hole, max(3.0, 0.1 * ew), cv2.INPAINT_TELEA).astype(np.float32)
        shift = np.float32([[1, 0, dx], [0, 1, 0]])
        moved = cv2.warpAffine(roi, shift, (roi.shape[1], roi.shape[0]),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT).astype(np.float32)
        mdisc = cv2.warpAffine(disc, shift, (roi.shape[1], roi.shape[0])).astype(np.float32)[..., None]
        a = mdisc / 255.0 * opening
        out[y0:y1, x0:x1] = np.clip(empty * (1 - a) + moved * a + 0.5, 0, 255).astype(np.uint8)
    return out


def smile(rgb: np.ndarray, lm: np.ndarray, lift: float = 0.22, widen: float = 0.08) -> np.ndarray:
    """Raise and widen the mouth corners (fractions of the mouth width), carrying the cheeks next
    to them partly along: a closed-lip smile."""
    src = lm[:, :2].astype(np.float64)
    dst = src.copy()
    a, b = src[MOUTH_CORNERS[0]], src[MOUTH_CORNERS[1]]
    width = float(np.hypot(*(b - a)))
    mid = (a + b) / 2
    for corner, side in ((a, -1.0), (b, 1.0)):
        d = np.hypot(*(src - corner).T)
        wgt = np.clip(1.0 - d / (0.45 * width), 0.0, 1.0) ** 1.5
        dst[:, 1] -= lift * width * wgt
        dst[:, 0] += side * widen * width * wgt
    # the upper lip's centre stays put
    near_mid = np.hypot(*(src - mid).T) < 0.15 * width
    dst[near_mid] = src[near_mid]
    return warp(rgb, src, dst, rings=((1.2, 0.0), (1.7, 0.0)))
