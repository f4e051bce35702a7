"""Shared measurements for the picture-content checks: where to look and how to look.

The content checks (backdrop, light, pose, expression, glasses, clothing, sharpness, border) run
on three kinds of picture: a live camera frame, a reduced copy of a full-size shot, and the
decoded 480x640 file. The face analysis always reports its coordinates in *full-size* units,
while the pixels the checks can afford to read are a reduced copy. This module owns that
mapping, so that every check measures the same thing in every mode:

* :func:`face_view` -- the analysed pixels with the face landmarks mapped onto them (for
  measurements on the face itself: eyes, lips, cheeks, skin);
* :func:`scene` -- the part of the picture that becomes the photo (the crop box on a live frame
  or shot, the whole picture of a final file), resampled to a fixed grid (a quarter of the
  output size; an eighth on live frames), with its CIELAB values and the person mask on the same
  grid (for the backdrop and the clothing). Sizes on the grid are output pixels /
  ``Scene.step`` whatever the camera;
* :func:`face_patch` -- the face resampled to a fixed width (for light, glare, teeth, focus).

Results are cached in ``ctx.cache`` so a run of checks converts and resamples only once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from capture_station.checks.engine import CheckContext, Mode
from capture_station.imaging.face_analysis import Face

# Output pixels per grid pixel of :func:`scene`: the 480x640 photo becomes a 120x160 grid
# (plenty for backdrop statistics); on live frames a 60x80 grid keeps the checks within the
# frame budget (a live verdict is advice, the file's verdict decides).
GRID_STEP = 4
LIVE_GRID_STEP = 8

# MediaPipe face-mesh contours (canonical 468/478-point topology).
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54,
             103, 67, 109)
LIPS_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87,
              178, 88, 95)
LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181,
              91, 146)
BROW_IMAGE_LEFT = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
BROW_IMAGE_RIGHT = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
# Upper/lower eyelid landmark pairs (outer to inner) and the eye corners (outer, inner), the
# image-left eye (the subject's right eye) first.
LID_PAIRS_IMAGE_LEFT = ((160, 144), (159, 145), (158, 153))
LID_PAIRS_IMAGE_RIGHT = ((387, 373), (386, 374), (385, 380))
# The eye opening's outline (upper lid outer to inner corner, then the lower lid back).
EYE_OPENING_IMAGE_LEFT = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144,
                          163, 7)
EYE_OPENING_IMAGE_RIGHT = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373,
                           390, 249)
CORNERS_IMAGE_LEFT = (33, 133)
CORNERS_IMAGE_RIGHT = (263, 362)
# Inner-lip landmark pairs (upper, lower) across the mouth opening.
INNER_LIP_PAIRS = ((82, 87), (13, 14), (312, 317))
MOUTH_CORNERS = (61, 291)
IRIS_RING_IMAGE_LEFT = (469, 470, 471, 472)
IRIS_RING_IMAGE_RIGHT = (474, 475, 476, 477)
IRIS_CENTRES = (468, 473)
NOSE_TIP = 1
CHIN = 152
CHEEKS = (234, 454)


# -- small statistics ----------------------------------------------------------------------------


def median(values: np.ndarray | Sequence[float]) -> float:
    """Median of a flat set of values; nan when empty. The live checks take a dozen medians of
    small sets per frame, where ``np.median``'s generality costs more than the sorting: a list
    (a handful of values) is sorted in Python, an array partitioned."""
    if isinstance(values, list):
        v = sorted(values)
        n = len(v)
        if n == 0:
            return float("nan")
        return float(v[n // 2]) if n % 2 else 0.5 * (float(v[n // 2 - 1]) + float(v[n // 2]))
    a = np.asarray(values, dtype=np.float64).ravel()
    n = a.size
    if n == 0:
        return float("nan")
    h = n // 2
    p = np.partition(a, h)
    if n % 2:
        return float(p[h])
    return 0.5 * float(p[h] + p[:h].max())


# -- pixels and their coordinates --------------------------------------------------------------


@dataclass
class FaceView:
    """The analysed pixels and the primary face's landmarks in their pixel coordinates."""

    rgb: np.ndarray  # uint8 HxWx3
    pts: np.ndarray  # (N, 2) float landmarks in rgb pixels
    z: np.ndarray  # (N,) relative depth in the same pixel units
    face: Face
    units_per_px: float  # analysis (full-size) units per rgb pixel

    def p(self, i: int) -> np.ndarray:
        return self.pts[i]

    def dist(self, i: int, j: int) -> float:
        a, b = self.pts[i], self.pts[j]
        return math.hypot(float(a[0]) - float(b[0]), float(a[1]) - float(b[1]))

    @property
    def face_width(self) -> float:
        return self.dist(*CHEEKS)

    @property
    def eye_mid(self) -> np.ndarray:
        return (self.pts[IRIS_CENTRES[0]] + self.pts[IRIS_CENTRES[1]]) / 2


def _analysed_pixels(ctx: CheckContext) -> tuple[np.ndarray, float] | None:
    """The pixels the analysis ran on and analysis units per pixel.

    On a live frame or a shot the analysis coordinates are full-size while the pixels are a
    reduced copy; ``analysed_rgb`` with ``analysed_scale`` is the consistent pair. Without it,
    ``ctx.rgb`` is scaled to the analysis size.
    """
    an = ctx.analysis
    if an is None:
        return None
    if an.analysed_rgb is not None:
        return an.analysed_rgb, float(an.analysed_scale)
    if ctx.rgb is None:
        return None
    return ctx.rgb, float(an.size[0]) / float(ctx.rgb.shape[1])


def face_view(ctx: CheckContext) -> FaceView | None:
    """The primary face on the analysed pixels (cached); None without a face mesh."""
    if "face_view" in ctx.cache:
        return ctx.cache["face_view"]
    fv = None
    got = _analysed_pixels(ctx)
    face = ctx.analysis.primary if ctx.analysis is not None else None
    if got is not None and face is not None and face.landmarks.shape[0] >= 478:
        rgb, k = got
        fv = FaceView(rgb=rgb, pts=face.landmarks[:, :2] / k, z=face.landmarks[:, 2] / k,
                      face=face, units_per_px=k)
    ctx.cache["face_view"] = fv
    return fv


@dataclass
class Scene:
    """The future photo on a reduced grid (``step`` output pixels per grid pixel)."""

    rgb: np.ndarray  # uint8 (gh, gw, 3)
    lab: np.ndarray  # float32 L* in [0, 100], a*, b*
    person: np.ndarray  # float32 person probability on the grid
    pts: np.ndarray  # landmarks of the primary face on the grid
    face: Face
    step: int  # output pixels per grid pixel

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.rgb.shape[0]), int(self.rgb.shape[1]))

    @property
    def face_width(self) -> float:
        return float(np.hypot(*(self.pts[CHEEKS[0]] - self.pts[CHEEKS[1]])))

    @property
    def centre_x(self) -> float:
        return float((self.pts[CHEEKS[0], 0] + self.pts[CHEEKS[1], 0]) / 2)

    @property
    def chin_y(self) -> float:
        return float(self.pts[CHIN, 1])


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB uint8 -> CIELAB (D65) float32: L* in [0, 100], a* and b* around 0.

    OpenCV's 8-bit conversion (table-driven, fast) then rescaled: L* steps of 0.4 and a*, b*
    steps of 1 are far finer than any limit of the checks."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2Lab).astype(np.float32)
    # channel by channel: numpy broadcasting over a last axis of 3 is slow
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1] -= 128.0
    lab[..., 2] -= 128.0
    return lab


def scene(ctx: CheckContext) -> Scene | None:
    """The region that becomes (or is) the photo, on the fixed grid; None when unknown."""
    if "scene" in ctx.cache:
        return ctx.cache["scene"]
    sc = _build_scene(ctx)
    ctx.cache["scene"] = sc
    return sc


def _build_scene(ctx: CheckContext) -> Scene | None:
    an = ctx.analysis
    got = _analysed_pixels(ctx)
    if an is None or got is None or an.primary is None:
        return None
    rgb, k = got
    face = an.primary
    out_w, out_h = ctx.standard.file.width, ctx.standard.file.height
    step = LIVE_GRID_STEP if ctx.mode == Mode.LIVE else GRID_STEP
    # A shot no photo can be made from is judged as a whole, as ``check`` judges a picture: the
    # would-be crop reaches past its edges, and its grid would shrink the shot to a thumbnail.
    whole_shot = ctx.mode == Mode.RAW and (ctx.crop is None or not ctx.crop.feasible)
    if ctx.mode == Mode.FINAL or whole_shot:
        x0, y0 = 0.0, 0.0
        x1, y1 = float(an.size[0]), float(an.size[1])
        gw = max(8, int(round(an.size[0] / step)))
        gh = max(8, int(round(an.size[1] / step)))
    else:
        if ctx.crop is None:
            return None
        x0, y0, x1, y1 = ctx.crop.box
        gw, gh = out_w // step, out_h // step
    # crop box -> analysed pixels, clipped to the picture
    h, w = rgb.shape[:2]
    px0, py0, px1, py1 = x0 / k, y0 / k, x1 / k, y1 / k
    cx0, cy0 = max(0, int(round(px0))), max(0, int(round(py0)))
    cx1, cy1 = min(w, int(round(px1))), min(h, int(round(py1)))
    if cx1 - cx0 < 16 or cy1 - cy0 < 16:
        return None
    # the grid covers the clipped part of the box with the box's own scale
    sx = gw / max(px1 - px0, 1e-6)
    sy = gh / max(py1 - py0, 1e-6)
    tw, th = max(8, int(round((cx1 - cx0) * sx))), max(8, int(round((cy1 - cy0) * sy)))
    small = shrink(rgb[cy0:cy1, cx0:cx1], (tw, th))
    person = _mask_on(an.person_mask, an.mask_scale, (cx0 * k, cy0 * k, cx1 * k, cy1 * k), (tw, th))
    if person is None:
        return None
    pts = np.empty((face.landmarks.shape[0], 2), np.float64)
    pts[:, 0] = (face.landmarks[:, 0] / k - cx0) * (tw / (cx1 - cx0))
    pts[:, 1] = (face.landmarks[:, 1] / k - cy0) * (th / (cy1 - cy0))
    return Scene(rgb=small, lab=rgb_to_lab(small), person=person, pts=pts, face=face, step=step)


def _mask_on(mask: np.ndarray | None, mask_scale: float, box: tuple[float, float, float, float],
             size: tuple[int, int]) -> np.ndarray | None:
    """The person mask over ``box`` (analysis units) resampled to ``size`` (w, h)."""
    if mask is None:
        return None
    mh, mw = mask.shape[:2]
    x0, y0, x1, y1 = (v / mask_scale for v in box)
    mx0, my0 = max(0, int(round(x0))), max(0, int(round(y0)))
    mx1, my1 = min(mw, max(mx0 + 1, int(round(x1)))), min(mh, max(my0 + 1, int(round(y1))))
    part = mask[my0:my1, mx0:mx1]
    if part.size == 0:
        return None
    return shrink(part.astype(np.float32, copy=False), size)


def shrink(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resample to ``size`` (w, h) averaging over the source pixels. OpenCV's area resampling is
    fast only for whole-number factors, so a large reduction takes a whole-number area step and
    then a small linear one. A reduction by 4 or more first keeps every k-th row and column:
    reading a whole camera frame from memory costs more than the statistics computed on the
    result, which do not need every pixel."""
    h, w = img.shape[:2]
    n = int(min(w / size[0], h / size[1]))
    if n >= 4:
        k = n // 2
        # every k-th pixel: nearest-neighbour at a whole factor picks exactly img[::k, ::k],
        # five times faster than numpy's strided copy
        img = img[: (h // k) * k, : (w // k) * k]
        img = cv2.resize(img, (w // k, h // k), interpolation=cv2.INTER_NEAREST)
        h, w = img.shape[:2]
        n = int(min(w / size[0], h / size[1]))
    if n >= 2:
        img = img[: (h // n) * n, : (w // n) * n]
        img = cv2.resize(img, (img.shape[1] // n, img.shape[0] // n), interpolation=cv2.INTER_AREA)
        return cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
    interp = cv2.INTER_AREA if w > size[0] else cv2.INTER_LINEAR
    return cv2.resize(img, size, interpolation=interp)


# -- the backdrop ----------------------------------------------------------------------------


@dataclass
class Backdrop:
    """Backdrop pixels of a scene: outside the person with a safety margin."""

    mask: np.ndarray  # bool: backdrop pixels (outside the dilated person mask)
    dist: np.ndarray  # float32: distance in grid pixels from the person (0 inside)
    far: np.ndarray  # bool: backdrop pixels well away from the person
    ref: np.ndarray  # (3,) median L*a*b* of the far backdrop
    fraction: float  # backdrop pixels / all pixels


# Output pixels: the person mask is dilated by BACKDROP_MARGIN before anything counts as
# backdrop; the "near" band for shadows runs from there to NEAR_BAND; "far" backdrop starts at
# FAR_FROM_PERSON. Divide by the scene's step for grid pixels.
BACKDROP_MARGIN = 8.0
NEAR_BAND = 28.0
FAR_FROM_PERSON = 48.0


def backdrop(ctx: CheckContext) -> Backdrop | None:
    if "backdrop" in ctx.cache:
        return ctx.cache["backdrop"]
    sc = scene(ctx)
    bd = None
    if sc is not None:
        person = (sc.person > 0.3).astype(np.uint8)
        # distance of every pixel from the person silhouette (0 on the person), grid pixels
        dist = cv2.distanceTransform(1 - person, cv2.DIST_L2, 3)
        mask = dist > BACKDROP_MARGIN / sc.step
        far = dist > FAR_FROM_PERSON / sc.step
        if far.sum() < 50 * (GRID_STEP / sc.step) ** 2:
            far = mask
        frac = float(mask.mean())
        ref = np.median(sc.lab[far], axis=0) if far.any() else np.array([np.nan] * 3)
        bd = Backdrop(mask=mask, dist=dist, far=far, ref=ref.astype(np.float64), fraction=frac)
    ctx.cache["backdrop"] = bd
    return bd


def delta_e_to(ctx: CheckContext, sc: Scene, ref: np.ndarray) -> np.ndarray:
    """ΔE76 of every grid pixel from the backdrop reference colour (cached)."""
    if "backdrop_delta_e" not in ctx.cache:
        ctx.cache["backdrop_delta_e"] = np.sqrt(sq_distance(sc.lab, ref))
    return ctx.cache["backdrop_delta_e"]


def sq_distance(lab: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Squared ΔE76 of every pixel of ``lab`` (..., 3) from ``ref`` (3,) or from ``ref`` (..., 3)
    per pixel; channel by channel (numpy broadcasting over a last axis of 3 is slow)."""
    ref = np.asarray(ref, np.float32)
    out = np.zeros(lab.shape[:-1], np.float32)
    for ch in range(3):
        d = lab[..., ch] - ref[..., ch] if ref.ndim > 1 else lab[..., ch] - ref[ch]
        out += d * d
    return out


def grid_coords(sc: Scene) -> tuple[np.ndarray, np.ndarray]:
    """(yy, xx) index grids of the scene (small: built per call)."""
    gh, gw = sc.shape
    return np.mgrid[0:gh, 0:gw]


def local_gradient(ctx: CheckContext, sc: Scene) -> np.ndarray:
    """|grad L*| per output pixel on the scene grid (Sobel; cached)."""
    if "scene_gradient" not in ctx.cache:
        L = sc.lab[..., 0]
        gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3) / (8.0 * sc.step)
        gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3) / (8.0 * sc.step)
        ctx.cache["scene_gradient"] = cv2.magnitude(gx, gy)
    return ctx.cache["scene_gradient"]


# -- small helpers ---------------------------------------------------------------------------


def polygon_mask(shape: tuple[int, int], pts: np.ndarray, idx: Sequence[int],
                 offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """A filled polygon over landmark indices ``idx`` (in pixel coordinates minus offset)."""
    m = np.zeros(shape, np.uint8)
    poly = np.round((pts[list(idx)] - np.asarray(offset)) * 4).astype(np.int32)
    cv2.fillPoly(m, [poly], 1, lineType=cv2.LINE_8, shift=2)
    return m.astype(bool)


def clip_box(box: tuple[float, float, float, float], shape: tuple[int, ...]
             ) -> tuple[int, int, int, int] | None:
    """Integer (x0, y0, x1, y1) of ``box`` inside an image of ``shape``; None if empty."""
    h, w = shape[:2]
    x0, y0, x1, y1 = box
    ix0, iy0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    ix1, iy1 = min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1)))
    if ix1 - ix0 < 2 or iy1 - iy0 < 2:
        return None
    return ix0, iy0, ix1, iy1


def masked_mean(img: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """Per-channel mean of ``img`` over a boolean mask (OpenCV: fast on small grids)."""
    m = mask.astype(np.uint8)
    if not m.any():
        return None
    v = cv2.mean(img, mask=m)
    ch = 1 if img.ndim == 2 else img.shape[2]
    return np.asarray(v[:ch], np.float64)


def fmt(v: float, nd: int = 1) -> float:
    """A measured value rounded for reports."""
    return round(float(v), nd)


# -- the face at a fixed size ----------------------------------------------------------------

# Cheek-to-cheek width of the face patch, in patch pixels. Measurements of texture (sharpness)
# and of blob sizes are made at this size so they do not depend on the camera distance. Live
# frames use a smaller patch (no texture is judged live: sharpness is a still-only check).
FACE_PATCH_WIDTH = 150
LIVE_FACE_PATCH_WIDTH = 100
MIN_FACE_PX = 60


@dataclass
class FacePatch:
    """The face resampled to a fixed width (``width`` pixels from cheek to cheek)."""

    rgb: np.ndarray  # uint8
    lab: np.ndarray  # float32 CIELAB
    pts: np.ndarray  # landmarks in patch pixels
    oval: np.ndarray  # bool: inside the face outline
    skin: np.ndarray  # bool: the oval without eyes (and spectacle lenses), brows and lips
    lenses: np.ndarray  # bool: the lens in front of each eye (glasses.glare looks there)
    width: int  # cheek-to-cheek width in patch pixels
    scale: float  # patch pixels per face-view pixel
    upsampled: bool  # the face was smaller than the patch (texture measures unreliable)
    skin_l: float  # median L* of the skin (nan when no skin is visible)


def face_patch(ctx: CheckContext) -> FacePatch | None:
    """The primary face at a fixed width (cached); None without a face or when it is too small
    to measure."""
    if "face_patch" in ctx.cache:
        return ctx.cache["face_patch"]
    fp = None
    fv = face_view(ctx)
    # a face narrower than MIN_FACE_PX has too few pixels for light, glare or focus
    if fv is not None and fv.face_width >= MIN_FACE_PX:
        width = LIVE_FACE_PATCH_WIDTH if ctx.mode == Mode.LIVE else FACE_PATCH_WIDTH
        fp = _build_face_patch(fv, width)
    ctx.cache["face_patch"] = fp
    return fp


def _build_face_patch(fv: FaceView, width: int = FACE_PATCH_WIDTH) -> FacePatch | None:
    fw = fv.face_width
    x0, y0 = fv.pts[:468].min(axis=0)
    x1, y1 = fv.pts[:468].max(axis=0)
    m = 0.08 * fw
    box = clip_box((x0 - m, y0 - m, x1 + m, y1 + m), fv.rgb.shape)
    if box is None:
        return None
    bx0, by0, bx1, by1 = box
    s = width / fw
    tw, th = max(8, int(round((bx1 - bx0) * s))), max(8, int(round((by1 - by0) * s)))
    rgb = shrink(fv.rgb[by0:by1, bx0:bx1], (tw, th))
    sx, sy = tw / (bx1 - bx0), th / (by1 - by0)
    pts = np.empty_like(fv.pts)
    pts[:, 0] = (fv.pts[:, 0] - bx0) * sx
    pts[:, 1] = (fv.pts[:, 1] - by0) * sy
    shape = (th, tw)
    oval = polygon_mask(shape, pts, FACE_OVAL)
    lenses = np.zeros(shape, bool)
    for side in (0, 1):
        c = patch_eye_box(pts, side)
        b = clip_box(c, shape)
        if b is not None:
            lenses[b[1]:b[3], b[0]:b[2]] = True
    # brows and lips, with a margin: not skin
    features = np.zeros(shape, np.uint8)
    polys = [np.round(pts[list(idx)] * 4).astype(np.int32)
             for idx in (BROW_IMAGE_LEFT, BROW_IMAGE_RIGHT, LIPS_OUTER)]
    cv2.fillPoly(features, polys, 1, lineType=cv2.LINE_8, shift=2)
    features = cv2.dilate(features, np.ones((5, 5), np.uint8))
    skin = (oval & ~lenses & (features == 0)).astype(np.uint8)
    skin = cv2.erode(skin, np.ones((3, 3), np.uint8)).astype(bool)
    lab = rgb_to_lab(rgb)
    skin_l = median(lab[..., 0][skin])
    return FacePatch(rgb=rgb, lab=lab, pts=pts, oval=oval, skin=skin, lenses=lenses, width=width,
                     scale=s, upsampled=s > 1.05, skin_l=skin_l)


def patch_eye_box(pts: np.ndarray, side: int) -> tuple[float, float, float, float]:
    """The lens in front of one eye (side 0 = image left): 1.9 eye widths across, from below the
    brow bone (whose skin often carries a small highlight) to the top of the cheek. This is the
    part of the face glasses.glare judges and the skin measurements leave out."""
    outer, inner = (CORNERS_IMAGE_LEFT, CORNERS_IMAGE_RIGHT)[side]
    po, pi = pts[outer], pts[inner]
    c = (po + pi) / 2
    ew = float(np.hypot(*(po - pi)))
    return (float(c[0] - 0.95 * ew), float(c[1] - 0.55 * ew),
            float(c[0] + 0.95 * ew), float(c[1] + 0.6 * ew))
