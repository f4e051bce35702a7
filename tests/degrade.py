"""The evaluation set of the content checks: real portraits, clean and with controlled faults.

Clean photos are real portraits (matplotlib's Grace Hopper, scikit-image's astronaut Eileen
Collins) composited onto a white backdrop at station resolution -- several framings, sizes,
backdrop shades and mirror images -- and turned into 480x640 files by the station's own pipeline.

Each degradation imitates one fault a station meets in practice and is aimed at one check; it is
applied where the fault arises: to the camera shot before the pipeline (light, backdrop, shadow,
a second person, focus, clothing, posture) or to the finished file (edits made afterwards:
re-encoding, padding, frames, cropping, retouched spots). The evaluation then measures whether the
aimed check catches it and which other checks flip (:func:`evaluate`).

Used by ``tests/test_checks_eval.py`` and ``benchmarks/evaluate_checks.py``; built once per
process (``lru_cache``).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image

import face_warp
import imagery

# -- the clean set -------------------------------------------------------------------------------

# Checks a sitter legitimately fails, with the reason (excluded from her clean score).
ASTRONAUT_EXCLUDED = {
    "expression.neutral": "broad smile with teeth (a real fault of this portrait)",
    "expression.mouth_closed": "lips parted over the teeth in the smile (a real fault)",
}


@dataclass(frozen=True)
class BaseSpec:
    name: str
    sitter: str  # "hopper" or "astronaut"
    glasses: bool
    make: Callable[[], np.ndarray]
    degrade: bool  # used as a base for the degradations
    excluded: dict[str, str] = field(default_factory=dict)


def _hopper_small() -> np.ndarray:
    return imagery.composite(imagery.grace_hopper(), scale=1.8, canvas=(1400, 1600),
                             centre_x=700, backdrop=(253, 253, 252), seed=11)


def _hopper_mirror() -> np.ndarray:
    return imagery.composite(np.ascontiguousarray(imagery.grace_hopper()[:, ::-1]), scale=2.2,
                             canvas=(1700, 1900), backdrop=(246, 247, 248), seed=12)


def _hopper_dim() -> np.ndarray:
    """A slightly under-exposed station (backdrop about RGB 232) with a warm white balance."""
    shot = imagery.station_shot_hopper().astype(np.float32)
    shot *= np.array([0.94, 0.93, 0.91], np.float32)
    return np.clip(shot + 0.5, 0, 255).astype(np.uint8)


def _astronaut_small() -> np.ndarray:
    return imagery.composite(imagery.astronaut(), scale=2.2, canvas=(1150, 1350),
                             bottom=1350 + 150, backdrop=(251, 251, 251), seed=21)


def _astronaut_mirror() -> np.ndarray:
    return imagery.composite(np.ascontiguousarray(imagery.astronaut()[:, ::-1]), scale=3.0,
                             canvas=(1600, 1900), bottom=1900 + 220, backdrop=(248, 249, 250),
                             seed=22)


def _astronaut_webcam() -> np.ndarray:
    """A 1280x720 webcam frame: the framing of the live view."""
    return imagery.composite(imagery.astronaut(), scale=2.3, canvas=(1280, 720),
                             centre_x=600, bottom=60 + 1178, backdrop=(245, 246, 246), seed=23)


BASES: tuple[BaseSpec, ...] = (
    BaseSpec("hopper", "hopper", True, imagery.station_shot_hopper, True),
    BaseSpec("astronaut", "astronaut", False, imagery.station_shot_astronaut, True,
             ASTRONAUT_EXCLUDED),
    BaseSpec("hopper-small", "hopper", True, _hopper_small, False),
    BaseSpec("hopper-mirror", "hopper", True, _hopper_mirror, True),
    BaseSpec("hopper-dim", "hopper", True, _hopper_dim, False),
    BaseSpec("astronaut-small", "astronaut", False, _astronaut_small, True, ASTRONAUT_EXCLUDED),
    BaseSpec("astronaut-mirror", "astronaut", False, _astronaut_mirror, False, ASTRONAUT_EXCLUDED),
    BaseSpec("astronaut-webcam", "astronaut", False, _astronaut_webcam, False, ASTRONAUT_EXCLUDED),
)


@dataclass
class Clean:
    spec: BaseSpec
    raw: np.ndarray
    shot: object  # pipeline.ShotAnalysis
    data: bytes  # the finished 480x640 JPEG
    verdict: object  # pipeline.FinalVerdict

    @property
    def name(self) -> str:
        return self.spec.name


@lru_cache(maxsize=1)
def pipeline():  # type: ignore[no-untyped-def]
    from capture_station.photo.pipeline import Pipeline

    return Pipeline()


def make_final(raw: np.ndarray):  # type: ignore[no-untyped-def]
    """Run the station pipeline on a shot: (shot, encoded bytes or None, verdict, reason)."""
    from capture_station.imaging.image_source import ArraySource

    shot, enc, final, reason = pipeline().make_photo(ArraySource(raw), raw_checks=True)
    return shot, (enc.data if enc else None), final, reason


@lru_cache(maxsize=1)
def clean_set() -> tuple[Clean, ...]:
    out = []
    for spec in BASES:
        raw = spec.make()
        shot, data, final, reason = make_final(raw)
        if data is None:
            raise RuntimeError(f"clean base {spec.name} produced no photo: {reason}")
        out.append(Clean(spec, raw, shot, data, final))
    return tuple(out)


# -- helpers -------------------------------------------------------------------------------------


def _mask_full(shot) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The shot's person mask at the shot's full size (float32 0..1)."""
    an = shot.analysis
    w, h = an.size
    return cv2.resize(an.person_mask.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _face(shot):  # type: ignore[no-untyped-def]
    return shot.analysis.primary


def _to_u8(a: np.ndarray) -> np.ndarray:
    return np.clip(a + 0.5, 0, 255).astype(np.uint8)


def encode_station(rgb: np.ndarray) -> bytes:
    """Encode edited pixels the way the station does (so the file rules still hold)."""
    from capture_station.imaging.encoder import JpegEncoder

    return JpegEncoder(pipeline().standard).encode(rgb).data


def _final_rgb(c: Clean) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(c.data)).convert("RGB"))


def _final_face(c: Clean):  # type: ignore[no-untyped-def]
    return c.verdict.analysis.primary


def _side(c: Clean) -> float:
    """+1 or -1, fixed per base, so one-sided faults come from both sides across the set."""
    return 1.0 if zlib.crc32(c.name.encode()) % 2 == 0 else -1.0


def _smooth(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _blob(shape: tuple[int, int], centre: tuple[float, float], axes: tuple[float, float],
          angle_deg: float = 0.0, soft: float = 0.35) -> np.ndarray:
    """A soft-edged ellipse, 1 inside, falling to 0 over ``soft`` of its radius."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = np.radians(angle_deg)
    dx, dy = xx - centre[0], yy - centre[1]
    u = (dx * np.cos(a) + dy * np.sin(a)) / axes[0]
    v = (-dx * np.sin(a) + dy * np.cos(a)) / axes[1]
    r = np.sqrt(u * u + v * v)
    return _smooth((1.0 - r) / soft).astype(np.float32)


# -- degradations of the shot (before the pipeline) ----------------------------------------------


def lamp_off_gain(width: int, centre_x: float, face_width: float, sign: float,
                  fill: float = 0.35) -> np.ndarray:
    """Per column, the factor on the *linear* light with one of the two 45-degree lamps off.

    Each lamp lights the cheek turned towards it fully and the far one at a grazing angle (a
    cheek's surface faces about 35 degrees sideways: cos 10 vs cos 80, so 0.98 vs 0.17); the
    room adds ``fill`` of one lamp everywhere. Both lamps on: 1.15 + fill on either cheek; one
    off: 0.98 + fill on the near cheek and 0.17 + fill on the far one, a cheek ratio of about
    2.5:1 (1.3 stops) with the default fill. Between the cheeks (0.3 face widths either side
    of the middle) the light changes smoothly, as the surface turns from one lamp to the other;
    beyond them it stays."""
    xx = np.arange(width, dtype=np.float32)
    t = np.clip((sign * (xx - centre_x) + 0.3 * face_width) / (0.6 * face_width), 0.0, 1.0)
    near, far, both = 0.98 + fill, 0.17 + fill, 1.15 + fill
    return (near + (far - near) * _smooth(t)) / both


def _relit(rgb: np.ndarray, gain: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``rgb`` with its linear light times ``gain`` (per column) where ``mask`` (the person)."""
    lin = (rgb.astype(np.float32) / 255.0) ** 2.2
    lit = np.clip(lin * gain[None, :, None], 0.0, 1.0) ** (1 / 2.2) * 255.0
    return rgb.astype(np.float32) * (1 - mask) + lit * mask


def lamp_off_side(rgb: np.ndarray, face, default: float) -> float:  # type: ignore[no-untyped-def]
    """Which lamp goes off: +1 darkens the image's right. A photo already lit more from one side
    loses the lamp on its darker side -- the other lamp going off would even its light out, and
    the copy would not be side-lit at all. A photo lit evenly (cheeks within 0.25 stop) takes
    ``default``, so both directions are tested across the set."""
    lum = []
    r = 0.08 * face.face_width
    for i in (50, 280):  # the cheek centres of the face mesh, image-left first
        x, y = face.landmarks[i, :2]
        patch = rgb[max(0, int(y - r)):int(y + r) + 1, max(0, int(x - r)):int(x + r) + 1]
        lum.append(float(((patch.astype(np.float32) / 255.0) ** 2.2).mean()) + 1e-6)
    stops = float(np.log2(lum[0] / lum[1]))
    if abs(stops) < 0.25:
        return default
    return 1.0 if stops > 0 else -1.0


def side_light(c: Clean) -> np.ndarray:
    """One lamp off (:func:`lamp_off_gain`, :func:`lamp_off_side`): the light on the person
    falls off towards one side. The backdrop keeps its own light."""
    f = _face(c.shot)
    m = _mask_full(c.shot)[..., None]
    sign = lamp_off_side(c.raw, f, _side(c))
    gain = lamp_off_gain(c.raw.shape[1], f.centre_x, f.face_width, sign)
    return _to_u8(_relit(c.raw, gain, m))


def _backdrop_weight(c: Clean) -> np.ndarray:
    return 1.0 - _mask_full(c.shot)[..., None]


def tinted_backdrop(c: Clean) -> np.ndarray:
    """A pale-blue backdrop cloth instead of a white one (about RGB 226, 238, 252)."""
    raw = c.raw.astype(np.float32)
    tint = np.array([0.905, 0.955, 1.0], np.float32)
    wgt = _backdrop_weight(c)
    return _to_u8(raw * (1 - wgt) + np.minimum(raw * tint / tint.max() * 1.0, 255) * wgt)


def graded_backdrop(c: Clean, depth: float = 0.15) -> np.ndarray:
    """The backdrop lit from one side: its brightness falls by ``depth`` across the photo."""
    raw = c.raw.astype(np.float32)
    x0, _, x1, _ = c.shot.crop.box
    xx = np.arange(raw.shape[1], dtype=np.float32)
    gain = 1.0 - depth * np.clip((xx - x0) / (x1 - x0), 0, 1)
    wgt = _backdrop_weight(c)
    return _to_u8(raw * (1 - wgt) + raw * gain[None, :, None] * wgt)


def shadow_behind(c: Clean, depth: float = 0.3) -> np.ndarray:
    """A flash high on one side casts the sitter's shadow on a backdrop close behind: the
    silhouette, shifted and softened, darkens the backdrop next to the head and shoulders."""
    raw = c.raw.astype(np.float32)
    f = _face(c.shot)
    m = _mask_full(c.shot)
    fw = f.face_width
    sign = _side(c)
    shift = np.float32([[1, 0, sign * 0.16 * fw], [0, 1, 0.06 * fw]])
    sh = cv2.warpAffine(m, shift, (m.shape[1], m.shape[0]), borderValue=0.0)
    sh = cv2.GaussianBlur(sh, (0, 0), 0.06 * fw)
    dark = 1.0 - depth * sh * (1.0 - m)
    return _to_u8(raw * dark[..., None])


@lru_cache(maxsize=2)
def _cutout(which: str) -> tuple[np.ndarray, np.ndarray]:
    src = imagery.astronaut() if which == "astronaut" else imagery.grace_hopper()
    return src, imagery.person_mask(src)


def second_person(c: Clean) -> np.ndarray:
    """Another person looks in from behind, at the edge of the picture (smaller, further back)."""
    raw = c.raw.astype(np.float32)
    f = _face(c.shot)
    other = "astronaut" if c.spec.sitter == "hopper" else "hopper"
    src, mask = _cutout(other)
    # the other portrait's face width in its own pixels, from the analysis of that portrait
    from capture_station.imaging.face_analysis import shared_still_analyzer

    of = shared_still_analyzer().analyse(np.ascontiguousarray(src)).primary
    k = 0.42 * f.face_width / of.face_width
    sw, sh = int(src.shape[1] * k), int(src.shape[0] * k)
    person = cv2.resize(src, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32)
    pm = cv2.resize(mask, (sw, sh), interpolation=cv2.INTER_LINEAR)[..., None]
    x0, y0, x1, _ = c.shot.crop.box
    # face centre of the newcomer near the crop's left edge, eyes high in the picture
    fx = x0 + 0.5 * of.face_width * k + 0.02 * (x1 - x0)
    fy = y0 + 0.30 * (x1 - x0)
    ox = int(round(fx - of.centre_x * k))
    oy = int(round(fy - of.eye_y * k))
    out = raw.copy()
    H, W = raw.shape[:2]
    ys, xs = slice(max(0, oy), min(H, oy + sh)), slice(max(0, ox), min(W, ox + sw))
    sy = slice(ys.start - oy, ys.stop - oy)
    sx = slice(xs.start - ox, xs.stop - ox)
    sitter = _mask_full(c.shot)[ys, xs][..., None]
    a = pm[sy, sx] * (1.0 - sitter)  # behind the sitter
    out[ys, xs] = person[sy, sx] * a + out[ys, xs] * (1 - a)
    return _to_u8(out)


def object_on_backdrop(c: Clean) -> np.ndarray:
    """A picture hanging on the wall behind the sitter (scikit-image's coffee photo, framed)."""
    from skimage import data

    raw = c.raw.copy()
    x0, y0, x1, y1 = c.shot.crop.box
    cw = x1 - x0
    f = _face(c.shot)
    pic = np.asarray(data.coffee())
    w = int(0.17 * cw)
    h = int(w * pic.shape[0] / pic.shape[1])
    pic = cv2.resize(pic, (w, h), interpolation=cv2.INTER_AREA)
    pic = cv2.copyMakeBorder(pic, 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=(90, 60, 40))
    # on the side away from the face centre, upper part of the photo
    right = f.centre_x < (x0 + x1) / 2
    px = int(x1 - 0.03 * cw - pic.shape[1]) if right else int(x0 + 0.03 * cw)
    py = int(y0 + 0.12 * (y1 - y0))
    raw[py:py + pic.shape[0], px:px + pic.shape[1]] = pic
    return raw


def defocus(c: Clean, sigma_out: float = 2.0) -> np.ndarray:
    """The lens focused behind the sitter: a blur of ``sigma_out`` pixels of the final photo."""
    s = sigma_out / c.shot.crop.scale
    return cv2.GaussianBlur(c.raw, (0, 0), s)


def underexposed(c: Clean, gain: float = 0.15) -> np.ndarray:
    """The flash did not fire: the whole shot gets ``gain`` of the light (about -2.7 EV),
    applied to linear light, not to the gamma-encoded values."""
    x = c.raw.astype(np.float32) / 255.0
    lin = np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4) * gain
    out = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * np.power(lin, 1 / 2.4) - 0.055)
    return _to_u8(out * 255.0)


def white_clothing(c: Clean) -> np.ndarray:
    """A white top on the white backdrop: clothing below the chin recoloured to near-white with
    its folds kept; skin left as it is."""
    raw = c.raw.astype(np.float32)
    f = _face(c.shot)
    m = _mask_full(c.shot)
    H = raw.shape[0]
    yy = np.arange(H, dtype=np.float32)[:, None]
    below = _smooth((yy - (f.chin_y + 0.05 * f.face_width)) / (0.1 * f.face_width))
    ycc = cv2.cvtColor(c.raw, cv2.COLOR_RGB2YCrCb).astype(np.float32)
    skin = ((ycc[..., 1] > 135) & (ycc[..., 1] < 180) & (ycc[..., 2] > 80) & (ycc[..., 2] < 130))
    skin_f = cv2.GaussianBlur(skin.astype(np.float32), (0, 0), 3)
    lum = raw @ np.array([0.299, 0.587, 0.114], np.float32)
    rel = lum / max(float(np.percentile(lum[m > 0.5], 99)), 1.0)
    white = 246.0 - 30.0 * (1.0 - rel)  # folds: darker cloth -> slightly grey shading
    # bare skin is only expected at the neck; lower down, skin-coloured pixels are clothing
    neck = 1.0 - _smooth((yy - (f.chin_y + 0.6 * f.face_width)) / (0.1 * f.face_width))
    wgt = (m * below * (1 - skin_f * neck))[..., None]
    return _to_u8(raw * (1 - wgt) + white[..., None] * wgt)


def head_tilt(c: Clean, degrees: float = 12.0) -> np.ndarray:
    """The sitter leans to one side: the shot rotated about the face centre (corners filled with
    the backdrop colour and its noise)."""
    f = _face(c.shot)
    sign = _side(c)
    centre = (float(f.centre_x), float(f.eye_y))
    M = cv2.getRotationMatrix2D(centre, sign * degrees, 1.0)
    H, W = c.raw.shape[:2]
    bg = np.median(c.raw[: H // 20].reshape(-1, 3), axis=0)
    out = cv2.warpAffine(c.raw, M, (W, H), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(float(v) for v in bg))
    return out


def _mesh(c: Clean) -> np.ndarray:
    """The clean shot's face mesh (N, 3) in shot pixels: where the warps below take the face
    from. The checks never see it: they analyse the warped pixels afresh."""
    return _face(c.shot).landmarks


def head_turned(c: Clean, degrees: float = 20.0) -> np.ndarray:
    """The sitter turns the head to one side (the side alternates with the base): the face mesh
    rotated in 3-D about the face centre and the face warped onto it (``face_warp``)."""
    return face_warp.turn_head(c.raw, _mesh(c), yaw_deg=_side(c) * degrees)


def head_raised_or_lowered(c: Clean, degrees: float = 25.0) -> np.ndarray:
    """The chin raised (or lowered, alternating with the base): the mesh rotated about the
    horizontal axis and the face warped onto it."""
    return face_warp.turn_head(c.raw, _mesh(c), pitch_deg=_side(c) * degrees)


def eyes_closed(c: Clean) -> np.ndarray:
    """A blink at the shutter: both eye openings filled in from the lid skin around them, with
    a lash line where the lids meet."""
    return face_warp.close_eyes(c.raw, _mesh(c))


def looking_aside(c: Clean, fraction: float = 0.35) -> np.ndarray:
    """The sitter looks past the camera: both irises moved sideways by ``fraction`` of the eye
    width (side alternating with the base), hidden where the lids cover them."""
    return face_warp.shift_gaze(c.raw, _mesh(c), _side(c) * fraction)


def closed_smile(c: Clean) -> np.ndarray:
    """A smile with closed lips: the mouth corners raised and widened, the cheeks beside them
    carried along."""
    return face_warp.smile(c.raw, _mesh(c))


# -- tone variations that are not faults ----------------------------------------------------------


def tone_gamma(raw: np.ndarray, g: float) -> np.ndarray:
    """A brighter (g < 1) or darker (g > 1) rendering of the mid-tones, as another camera's
    tone curve or exposure setting would give."""
    x = raw.astype(np.float32) / 255.0
    return _to_u8(255.0 * np.power(x, g))


def tone_flat(raw: np.ndarray, k: float) -> np.ndarray:
    """A flat, slightly hazy rendering: contrast scaled by ``k`` about mid-grey and lifted (soft
    light, a dusty lens, a camera's low-contrast picture style)."""
    x = raw.astype(np.float32)
    return _to_u8((x - 128.0) * k + 128.0 + (1.0 - k) * 60.0)


# -- degradations of the finished file -----------------------------------------------------------


def open_mouth(c: Clean, gap_of_width: float = 0.32) -> bytes:
    """Lips parted: a dark mouth opening painted between the inner lip landmarks, with the lower
    lip pushed down by the opening's height (``gap_of_width`` of the mouth's inner width)."""
    rgb = _final_rgb(c).astype(np.float32)
    f = _final_face(c)
    L = f.landmarks
    up, lo = L[13, :2], L[14, :2]
    a, b = L[78, :2], L[308, :2]
    width = float(np.hypot(*(b - a)))
    gap = gap_of_width * width
    h, w = rgb.shape[:2]
    # move everything below the lip line down by `gap` within the mouth region (lower lip + chin)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = float((up[0] + lo[0]) / 2), float((up[1] + lo[1]) / 2)
    region = _blob((h, w), (cx, cy + 0.5 * width), (0.85 * width, 1.0 * width), soft=0.6)
    shift = gap * region * (yy > cy - 1).astype(np.float32)
    map_y = (yy - shift).astype(np.float32)
    moved = cv2.remap(rgb, xx, map_y, interpolation=cv2.INTER_LINEAR)
    hole = _blob((h, w), (cx, cy + gap / 2), (0.46 * width, gap / 2), soft=0.45)[..., None]
    inside = np.array([70, 30, 32], np.float32)
    shade = 0.65 + 0.35 * _smooth((yy - cy) / gap)[..., None]  # darker under the upper lip
    out = moved * (1 - hole) + inside * shade * hole
    return encode_station(_to_u8(out))


def hot_spot(c: Clean) -> bytes:
    """A flash reflected on shiny skin: a blown-out spot on one cheek, below the glasses."""
    rgb = _final_rgb(c).astype(np.float32)
    f = _final_face(c)
    L = f.landmarks
    nose, cheek = L[1, :2], L[234, :2]
    p = nose + 0.5 * (cheek - nose)
    p = p + np.array([0.0, 0.1 * f.face_width])
    blob = _blob(rgb.shape[:2], (float(p[0]), float(p[1])), (0.09 * f.face_width, 0.07 * f.face_width),
                 angle_deg=20, soft=0.7)[..., None]
    out = rgb + (255.0 - rgb) * np.clip(blob * 1.6, 0, 1)
    return encode_station(_to_u8(out))


def lens_glare(c: Clean) -> bytes:
    """A lamp reflected in one spectacle lens: a bright, washed-out patch over part of the eye."""
    rgb = _final_rgb(c).astype(np.float32)
    f = _final_face(c)
    L = f.landmarks
    o, i = L[33, :2], L[133, :2]
    ew = float(np.hypot(*(o - i)))
    centre = (o + i) / 2 + np.array([-0.15 * ew, -0.25 * ew])
    blob = _blob(rgb.shape[:2], (float(centre[0]), float(centre[1])), (0.55 * ew, 0.32 * ew),
                 angle_deg=-25, soft=0.5)[..., None]
    glare = np.array([250, 252, 255], np.float32)
    out = rgb * (1 - 0.97 * blob) + glare * 0.97 * blob
    return encode_station(_to_u8(out))


def red_eye(c: Clean) -> bytes:
    """On-camera flash: both pupils glow red, with the flash's white catch-light."""
    rgb = _final_rgb(c).astype(np.float32)
    f = _final_face(c)
    L = f.landmarks
    out = rgb
    for centre, ring in ((468, (469, 470, 471, 472)), (473, (474, 475, 476, 477))):
        cpt = L[centre, :2]
        r = float(np.mean([np.hypot(*(L[j, :2] - cpt)) for j in ring]))
        pupil = _blob(rgb.shape[:2], (float(cpt[0]), float(cpt[1])), (0.62 * r, 0.62 * r),
                      soft=0.3)[..., None]
        out = out * (1 - pupil) + np.array([196, 38, 34], np.float32) * pupil
        dot = _blob(rgb.shape[:2], (float(cpt[0] + 0.2 * r), float(cpt[1] - 0.2 * r)),
                    (0.14 * r, 0.14 * r), soft=0.5)[..., None]
        out = out * (1 - dot) + 250.0 * dot
    return encode_station(_to_u8(out))


def greyscale(c: Clean) -> bytes:
    """A black-and-white photo stored as a three-channel JPEG."""
    g = np.asarray(Image.fromarray(_final_rgb(c)).convert("L"))
    return encode_station(np.repeat(g[..., None], 3, axis=2))


def wrong_size(c: Clean) -> bytes:
    """Cropped afterwards to 480x600 (the bottom cut off)."""
    return encode_station(np.ascontiguousarray(_final_rgb(c)[:600]))


def low_quality(c: Clean) -> bytes:
    """Re-encoded at quality 40 by another program."""
    buf = io.BytesIO()
    Image.fromarray(_final_rgb(c)).save(buf, "JPEG", quality=40, dpi=(300, 300))
    return buf.getvalue()


def padded(c: Clean) -> bytes:
    """Re-encoded at quality 75 and padded with zero bytes after the end of the image."""
    from capture_station.imaging.encoder import encode_once

    data = encode_once(Image.fromarray(_final_rgb(c)), 75, 300)
    room = 39_000 - len(data)
    return data + b"\0" * max(512, room)


def frame(c: Clean) -> bytes:
    """A 6-pixel dark-blue frame drawn round the photo."""
    rgb = _final_rgb(c).copy()
    t = 6
    col = np.array([40, 62, 112], np.uint8)
    rgb[:t] = col
    rgb[-t:] = col
    rgb[:, :t] = col
    rgb[:, -t:] = col
    return encode_station(rgb)


def crown_cut(c: Clean) -> bytes:
    """Cropped elsewhere with the top of the head cut off: the crop box moved down."""
    crop = c.shot.crop
    shift = (crop.crown_out + 12.0) / crop.scale
    x0, y0, x1, y1 = crop.box
    y0, y1 = y0 + shift, y1 + shift
    H = c.raw.shape[0]
    if y1 > H:
        raise ValueError("no room below the crop to move it")
    im = Image.fromarray(c.raw).resize((480, 640), Image.Resampling.LANCZOS, box=(x0, y0, x1, y1))
    return encode_station(np.asarray(im))


# -- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Degradation:
    name: str
    target: str  # the check it is aimed at
    stage: str  # "shot" (before the pipeline) or "file" (the finished photo)
    fn: Callable[[Clean], object]
    related: tuple[str, ...] = ()  # other checks it may flip, and why (documented)
    needs_glasses: bool = False
    note: str = ""


DEGRADATIONS: tuple[Degradation, ...] = (
    Degradation("side light", "lighting.symmetry", "shot", side_light),
    Degradation("tinted backdrop", "background.white", "shot", tinted_backdrop),
    Degradation("graded backdrop", "background.uniform", "shot", graded_backdrop),
    Degradation("shadow behind", "background.shadow", "shot", shadow_behind),
    Degradation("object on backdrop", "background.clutter", "shot", object_on_backdrop),
    Degradation("second person", "face.count", "shot", second_person,
                related=("background.clutter", "background.white", "background.shadow"),
                note="another person is also an object on the backdrop (clause 二.1 names both); "
                     "where the person mask leaves part of them out (seen on ARM64, where the "
                     "painted copy falls a few pixels aside), that part is backdrop that is not "
                     "white or reads as a shadow on it"),
    Degradation("defocus", "sharpness.focus", "shot", defocus),
    Degradation("underexposed", "lighting.exposure", "shot", underexposed,
                related=("background.white",),
                note="without light the white backdrop turns grey too"),
    Degradation("white clothing", "clothing.contrast", "shot", white_clothing),
    Degradation("head tilt", "pose.roll", "shot", head_tilt,
                related=("pose.shoulders",),
                note="a leaning sitter tilts the shoulders with the head"),
    Degradation("head turned", "pose.yaw", "shot", head_turned),
    Degradation("head raised / lowered", "pose.pitch", "shot", head_raised_or_lowered),
    Degradation("eyes closed", "expression.eyes_open", "shot", eyes_closed),
    Degradation("looking aside", "expression.gaze", "shot", looking_aside),
    Degradation("closed-lip smile", "expression.neutral", "shot", closed_smile),
    Degradation("mouth open", "expression.mouth_closed", "file", open_mouth),
    Degradation("hot spot", "lighting.highlights", "file", hot_spot),
    Degradation("lens glare", "glasses.glare", "file", lens_glare, needs_glasses=True),
    Degradation("red eye", "lighting.red_eye", "file", red_eye),
    Degradation("greyscale", "file.color", "file", greyscale),
    Degradation("wrong size", "file.dimensions", "file", wrong_size),
    Degradation("quality 40", "file.quality", "file", low_quality,
                related=("file.size",),
                note="at quality 40 the file also shrinks below 20 KB"),
    Degradation("padded", "file.format", "file", padded),
    Degradation("frame", "image.border", "file", frame),
    Degradation("crown cut", "geometry.crown", "file", crown_cut,
                related=("geometry.eyes",),
                note="moving the crop down to cut the head also lifts the eyes out of their band"),
)


@dataclass
class Sample:
    base: str
    degradation: str | None
    target: str | None
    statuses: dict[str, str]  # check id -> status on the finished photo
    reason: str | None = None  # why no photo was produced (pipeline refused the shot)


def _statuses(verdict) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.id: c.status.value for c in verdict.checks}


def degraded_sample(c: Clean, d: Degradation) -> tuple[Sample, bytes | None]:
    if d.stage == "shot":
        raw = d.fn(c)
        shot, data, final, reason = make_final(raw)  # type: ignore[arg-type]
        if data is None:
            return Sample(c.name, d.name, d.target, {}, reason), None
        return Sample(c.name, d.name, d.target, _statuses(final)), data
    data = d.fn(c)
    assert isinstance(data, bytes)
    verdict = pipeline().verify_bytes(data, "photo.jpg")
    return Sample(c.name, d.name, d.target, _statuses(verdict)), data


def applies(d: Degradation, c: Clean) -> bool:
    """A fault is made only where it can show: the glasses fault on sitters with glasses, and
    no fault on a base whose clean photo already fails the aimed check (the smiling astronaut
    gets no smile)."""
    if d.needs_glasses and not c.spec.glasses:
        return False
    return d.target not in c.spec.excluded


@lru_cache(maxsize=1)
def evaluation_set() -> tuple[tuple[Sample, ...], tuple[Sample, ...]]:
    """(clean samples, degraded samples) of every base / applicable degradation."""
    clean = clean_set()
    clean_samples = tuple(Sample(c.name, None, None, _statuses(c.verdict)) for c in clean)
    degraded = []
    for c in clean:
        if not c.spec.degrade:
            continue
        for d in DEGRADATIONS:
            if applies(d, c):
                degraded.append(degraded_sample(c, d)[0])
    return clean_samples, tuple(degraded)


def excluded_for(base: str) -> dict[str, str]:
    for spec in BASES:
        if spec.name == base:
            return spec.excluded
    return {}
