"""Step 2 of the lighting calibration: a person (or a grey card) at the subject position.

The empty backdrop cannot show how the two lights meet the face. With someone seated where the
candidates sit, the station measures what 三.1 asks for -- 脸部曝光均匀、无不对称的高光 -- and
what 二.1 forbids behind them:

* left/right balance: small discs at mirror-image face-mesh points of the two cheeks (below
  the eyes, clear of nose, lips and glasses rims); the trimmed mean ratio of the pairs, as the
  darker side in % of the brighter;
* face exposure: median L* of the cheek discs (wide limits: skin tones differ);
* highlights: share of the face oval that is near-white (L* at the highlight limit);
* the subject's shadow on the backdrop: the backdrop band just outside the person mask against
  the backdrop further away on the same side. When step 1's empty backdrop is available the
  picture is first divided by it (flat field), so the backdrop's own gradient is not mistaken
  for a shadow.

A flat 18 % grey card works too (no face found): its two halves give the balance and its
lightness the exposure. A flat card sees both lights almost alike, so it is a weaker test of the
balance than a face; the report says which was used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from capture_station.calibration import colour
from capture_station.calibration.backdrop import BackdropMeasurement, check_rgb, where_words
from capture_station.calibration.items import CalibrationItem, make_item
from capture_station.calibration.reference import Reference, load_reference
from capture_station.checks.engine import Status

if TYPE_CHECKING:
    from capture_station.imaging.face_analysis import FaceAnalyzer

# Face-mesh cheek points in mirror pairs (image left first = the subject's right cheek), from
# below the eyes to the jaw, kept clear of the nose, lips and lower rim of glasses. The balance
# is the mean of the pairs' log luminance ratios without the highest and lowest quarter: one
# wrinkle, mole or lens rim moves one pair, not the result.
CHEEK_PAIRS = ((50, 280), (101, 330), (36, 266), (205, 425), (187, 411), (147, 376), (123, 352),
               (117, 346), (118, 347), (207, 427), (216, 436), (93, 323), (132, 361))
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54,
             103, 67, 109)

FACE = "face"
CARD = "card"
NONE = "none"


@dataclass
class SubjectMeasurement:
    kind: str  # face | card | none
    size: tuple[int, int]  # (width, height) of the frame
    balance_pct: float | None = None  # > 0: the left side (seen from the camera) is darker
    sides_y: tuple[float, float] | None = None  # luminance of the left and right regions
    exposure_lstar: float | None = None
    highlights_pct: float | None = None
    highlight_sides: tuple[float, float] | None = None  # clipped % of the left and right half
    shadow_pct: float | None = None  # worst side
    shadow_side: str | None = None  # "left" | "right"
    shadow_at: float | None = None  # height of the worst shadow, fraction of the frame
    shadow_sides: dict[str, float] = field(default_factory=dict)
    flat_fielded: bool = False
    regions: dict[str, Any] = field(default_factory=dict)  # polygons/boxes in frame pixels

    def to_dict(self) -> dict[str, Any]:
        def rnd(v: float | None, nd: int = 2) -> float | None:
            return None if v is None else round(float(v), nd)

        return {
            "kind": self.kind,
            "size": list(self.size),
            "balance_pct": rnd(self.balance_pct),
            "sides_y": None if self.sides_y is None else [round(v, 4) for v in self.sides_y],
            "exposure_lstar": rnd(self.exposure_lstar),
            "highlights_pct": rnd(self.highlights_pct, 3),
            "highlight_sides": None if self.highlight_sides is None
            else [round(v, 3) for v in self.highlight_sides],
            "shadow_pct": rnd(self.shadow_pct),
            "shadow_side": self.shadow_side,
            "shadow_at": rnd(self.shadow_at, 3),
            "shadow_sides": {k: round(v, 2) for k, v in self.shadow_sides.items()},
            "flat_fielded": self.flat_fielded,
        }


def _poly_mask(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    m = np.zeros(shape, dtype=np.uint8)
    hull = cv2.convexHull(np.round(pts).astype(np.int32))
    cv2.fillConvexPoly(m, hull, 1)
    return m.astype(bool)


def _disc_mask(shape: tuple[int, int], centre: np.ndarray, radius: float) -> np.ndarray:
    m = np.zeros(shape, dtype=np.uint8)
    cv2.circle(m, (int(round(centre[0])), int(round(centre[1]))), max(1, int(round(radius))), 1, -1)
    return m.astype(bool)


def _find_card(small: np.ndarray, lab: np.ndarray, backdrop_l: float) -> np.ndarray | None:
    """The grey card: the largest neutral region clearly darker than the backdrop, near the
    middle of the frame."""
    h, w = small.shape[:2]
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    cand = ((lab[..., 0] < backdrop_l - 15) & (lab[..., 0] > 15) & (chroma < 8)).astype(np.uint8)
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, cents = cv2.connectedComponentsWithStats(cand, connectivity=8)
    best, best_area = 0, 0
    for i in range(1, n):
        area = int(stats[i, cv2.CC_STAT_AREA])
        cx, cy = cents[i]
        if area < 0.01 * h * w or not (0.2 * w < cx < 0.8 * w):
            continue
        bw, bh = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]
        if area < 0.7 * bw * bh:  # a card is a filled quadrilateral
            continue
        if area > best_area:
            best, best_area = i, area
    if not best:
        return None
    return labels == best


def _shadow(
    y: np.ndarray,
    lab: np.ndarray,
    person: np.ndarray,
    centre_x: float,
    ref: Reference,
    flat: np.ndarray | None,
) -> tuple[dict[str, float], dict[str, float]]:
    """Per side: how much darker the band beside the person is than the backdrop further away
    (% of luminance) and at which height (fraction of the frame)."""
    lim = ref.item("subject.shadow")
    h, w = y.shape
    gap = float(lim.param("gap_pct")) / 100 * w
    band = float(lim.param("band_pct")) / 100 * w
    far = float(lim.param("far_pct")) / 100 * w
    dist = cv2.distanceTransform((~person).astype(np.uint8), cv2.DIST_L2, 5)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    signal = y / np.maximum(flat, 1e-4) if flat is not None else y
    far_all = (dist > far) & (chroma < 10)
    if far_all.sum() < 50:
        return {}, {}
    # backdrop-like: neutral, and no darker than the deepest plausible shadow (a black chair or
    # a dark garment beside the person is not a shadow)
    floor = 0.3 * float(np.median(signal[far_all]))
    backdrop_like = (chroma < 10) & (signal >= floor)
    near = (dist > gap) & (dist <= gap + band) & backdrop_like
    farm = (dist > far) & backdrop_like
    rows = np.nonzero(person.any(axis=1))[0]
    top = int(rows.min()) if rows.size else 0
    strip = max(8, h // 20)
    xs = np.arange(w)[None, :]
    worst: dict[str, float] = {}
    where: dict[str, float] = {}
    for side, side_sel in (("left", xs < centre_x), ("right", xs >= centre_x)):
        side_sel = np.broadcast_to(side_sel, (h, w))
        far_side = farm & side_sel
        near_side = near & side_sel
        whole_ref = float(np.median(signal[far_side])) if far_side.sum() > 50 else None
        deficits: list[tuple[float, float]] = []
        for r0 in range(top, h, strip):
            r1 = min(h, r0 + strip)
            nb = near_side[r0:r1]
            if nb.sum() < 30:
                continue
            if flat is not None and whole_ref is not None:
                ref_v = whole_ref
            else:
                f0, f1 = max(0, r0 - 2 * strip), min(h, r1 + 2 * strip)
                fb = far_side[f0:f1]
                ref_v = float(np.median(signal[f0:f1][fb])) if fb.sum() > 50 else whole_ref
            if ref_v is None or ref_v <= 0:
                continue
            d = 100.0 * (1.0 - float(np.median(signal[r0:r1][nb])) / ref_v)
            deficits.append(((r0 + r1) / 2 / h, d))
        if not deficits:
            continue
        vals = np.array([d for _, d in deficits])
        # a shadow spans more than one strip: the worst mean of two neighbouring strips
        pair = (vals[:-1] + vals[1:]) / 2 if vals.size > 1 else vals
        k = int(np.argmax(pair))
        worst[side] = max(0.0, float(pair[k]))
        where[side] = float(deficits[k][0])
    return worst, where


def measure_subject(
    rgb: np.ndarray,
    *,
    backdrop: BackdropMeasurement | None = None,
    reference: Reference | None = None,
    analyzer: FaceAnalyzer | None = None,
) -> SubjectMeasurement:
    """Measure the lighting on a person (or grey card) at the subject position."""
    check_rgb(rgb, "subject")
    ref = reference or load_reference()
    if analyzer is None:
        from capture_station.imaging.face_analysis import shared_still_analyzer

        analyzer = shared_still_analyzer()
    an = analyzer.analyse(rgb)
    small = an.analysed_rgb if an.analysed_rgb is not None else rgb
    k = float(an.analysed_scale)
    h, w = small.shape[:2]
    lin = colour.srgb_to_linear(small).astype(np.float64)
    y = colour.luminance(lin)
    lab = colour.linear_to_lab(lin)
    # a highlight is near-white skin: lightness at the limit (a red channel alone at 255 is
    # saturated skin colour, not a visible hot spot)
    clipped = lab[..., 0] >= float(ref.item("subject.face.highlights").param("highlight_lstar"))
    out = SubjectMeasurement(kind=NONE, size=(int(rgb.shape[1]), int(rgb.shape[0])))

    person: np.ndarray | None = None
    centre_x = w / 2
    face = an.primary
    if face is not None:
        out.kind = FACE
        pts = face.landmarks[:, :2] / k
        disc = float(ref.item("subject.face.balance").param("disc_pct")) / 100 * face.face_width / k
        oval = _poly_mask((h, w), pts[list(FACE_OVAL)])
        ratios: list[float] = []
        discs: list[list[float]] = []
        sides: tuple[list[float], list[float]] = ([], [])
        both = np.zeros((h, w), dtype=bool)
        for a, b in CHEEK_PAIRS:
            vals = []
            for i in (a, b):
                dm = _disc_mask((h, w), pts[i], disc)
                if dm.sum() < 5:
                    break
                both |= dm
                vals.append(float(np.median(y[dm])))
                discs.append([float(pts[i][0] * k), float(pts[i][1] * k)])
            if len(vals) == 2 and min(vals) > 0:
                sides[0].append(vals[0])
                sides[1].append(vals[1])
                ratios.append(math.log(vals[1] / vals[0]))
        if len(ratios) >= 3:
            srt = np.sort(np.asarray(ratios))
            cut = srt.size // 4
            med = float(srt[cut:srt.size - cut].mean())
            out.balance_pct = math.copysign(100.0 * (1 - math.exp(-abs(med))), med)
            out.sides_y = (float(np.median(sides[0])), float(np.median(sides[1])))
            out.exposure_lstar = float(colour.lstar(np.median(y[both])))
        centre_x = float(face.centre_x) / k
        if oval.sum() >= 50:
            out.highlights_pct = 100.0 * float(clipped[oval].mean())
            cols = np.arange(w)[None, :]
            lh, rh = oval & (cols < centre_x), oval & (cols >= centre_x)
            out.highlight_sides = (
                100.0 * float(clipped[lh].mean()) if lh.any() else 0.0,
                100.0 * float(clipped[rh].mean()) if rh.any() else 0.0,
            )
        out.regions = {"cheek_discs": discs, "disc_radius": disc * k}
        if an.person_mask is not None:
            pm = an.person_mask
            if pm.shape[:2] != (h, w):
                pm = cv2.resize(pm, (w, h), interpolation=cv2.INTER_LINEAR)
            person = pm > 0.5
    else:
        backdrop_l = backdrop.mean_lstar if backdrop is not None else float(np.percentile(lab[..., 0], 90))
        card = _find_card(small, lab, backdrop_l)
        if card is not None:
            out.kind = CARD
            inner = cv2.erode(card.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
            if inner.sum() < 50:
                inner = card
            ys, xs = np.nonzero(inner)
            cx = float(xs.mean())
            centre_x = cx
            cols = np.arange(w)[None, :]
            lh, rh = inner & (cols < cx), inner & (cols >= cx)
            yl, yr = float(np.median(y[lh])), float(np.median(y[rh]))
            out.sides_y = (yl, yr)
            out.balance_pct = 100.0 * (yr - yl) / max(yl, yr, 1e-9)
            out.exposure_lstar = float(colour.lstar(np.median(y[inner])))
            out.highlights_pct = 100.0 * float(clipped[inner].mean())
            out.highlight_sides = (100.0 * float(clipped[lh].mean()), 100.0 * float(clipped[rh].mean()))
            x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
            out.regions = {"card": [float(v * k) for v in (x0, y0, x1, y1)]}
            person = cv2.dilate(card.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)

    if person is not None and person.any():
        flat = None
        if backdrop is not None:
            bw, bh = backdrop.size
            if abs(bw / bh - w / h) < 0.03 * (w / h):
                flat = cv2.resize(backdrop.flat, (w, h), interpolation=cv2.INTER_LINEAR)
        worst, where = _shadow(y, lab, person, centre_x, ref, flat)
        out.flat_fielded = flat is not None
        if worst:
            side = max(worst, key=lambda s: worst[s])
            out.shadow_sides = worst
            out.shadow_side = side
            out.shadow_pct = worst[side]
            out.shadow_at = where[side]
    return out


def _closer_cm(pct: float, ref: Reference) -> int:
    p = min(max(pct, 0.0), 90.0) / 100.0
    cm = ref.setup.distance_mid_m * (1 - math.sqrt(1 - p)) * 100
    return max(5, int(5 * round(cm / 5)))


def subject_items(m: SubjectMeasurement, reference: Reference | None = None) -> list[CalibrationItem]:
    """Grade a subject measurement item by item."""
    ref = reference or load_reference()
    ids = ("subject.face.balance", "subject.face.exposure", "subject.face.highlights", "subject.shadow")
    if m.kind == NONE:
        return [
            make_item(
                ref.item(i), None,
                "画面中没有找到人脸或灰卡", "no face or grey card found in the picture",
                status=Status.UNDETERMINED,
                bad_hint=(
                    "请一人正对相机坐在考生位置（或在头部高度举一张18%灰卡），然后重新拍摄",
                    "Seat a person facing the camera at the candidate's place (or hold an 18 % "
                    "grey card at head height) and take the picture again",
                ),
            )
            for i in ids
        ]
    out: list[CalibrationItem] = []
    on_zh, on_en = ("脸部", "face") if m.kind == FACE else ("灰卡", "grey card")
    card_note = ("（灰卡是平面，对两灯差别不如人脸敏感）", " (a flat card is less sensitive to the two lights than a face)") \
        if m.kind == CARD else ("", "")

    lim = ref.item("subject.face.balance")
    if m.balance_pct is None:
        out.append(make_item(lim, None, "脸颊区域太小，无法测量", "the cheek regions are too small to measure",
                             status=Status.UNDETERMINED,
                             bad_hint=("让考生靠近一些或把镜头拉近", "Bring the person closer or zoom in")))
    else:
        pct = abs(m.balance_pct)
        side_zh, side_en = ("左", "left") if m.balance_pct > 0 else ("右", "right")
        cm = _closer_cm(pct, ref)
        s = ref.setup
        out.append(make_item(
            lim, pct,
            f"{on_zh}{side_zh}侧比另一侧暗 {pct:.1f}%{card_note[0]}",
            f"the {side_en} side of the {on_en} is {pct:.1f} % darker than the other{card_note[1]}",
            bad_hint=(
                f"{on_zh}{side_zh}侧偏暗{pct:.0f}%（从相机方向看）：{side_zh}侧灯偏弱或偏远——将其移近约{cm}厘米"
                f"或调高功率，并确认两灯都在左右{s.angle_deg:g}度、距离{s.distance_min_m:g}–{s.distance_max_m:g}米、"
                "与肩同高、对准头部",
                f"The {side_en} side of the {on_en} is {pct:.0f} % darker (seen from the camera): "
                f"the {side_en} light is weaker or further away. Move it about {cm} cm closer or "
                f"raise its power, and check both lights stand at {s.angle_deg:g} degrees left and "
                f"right, {s.distance_min_m:g}-{s.distance_max_m:g} m away, at shoulder height, aimed at the head",
            ),
            detail={"darker": side_en, "signed_pct": round(m.balance_pct, 2), "on": m.kind},
        ))

    lim = ref.item("subject.face.exposure")
    if m.exposure_lstar is None:
        out.append(make_item(lim, None, "无法测量曝光", "exposure not measurable", status=Status.UNDETERMINED))
    else:
        v = m.exposure_lstar
        if m.kind == CARD:
            pr = tuple(lim.param("card_pass_range"))
            wr = tuple(lim.param("card_warn_range"))
        else:
            pr = lim.pass_range or (0.0, 100.0)
            wr = lim.warn_range or pr
        st = lim.grade_range(v, (float(pr[0]), float(pr[1])), (float(wr[0]), float(wr[1])))
        mid = (float(pr[0]) + float(pr[1])) / 2
        stops = math.log2(float(colour.lstar_to_y(mid)) / max(float(colour.lstar_to_y(v)), 1e-6))
        dark = v < float(pr[0])
        skin_zh = "（若考生肤色较深，这可能是正常的）" if dark and m.kind == FACE else ""
        skin_en = " (this may be right for a dark skin tone)" if dark and m.kind == FACE else ""
        item = make_item(
            lim, v,
            f"{on_zh}亮度 L* {v:.1f}（合格范围 {pr[0]:g}–{pr[1]:g}）",
            f"{on_en} lightness L* {v:.1f} (good range {pr[0]:g}-{pr[1]:g})",
            status=st,
            bad_hint=(
                (f"{on_zh}偏暗：两灯同时提高功率或开大光圈约{abs(stops):.1f}档{skin_zh}"
                 if dark else f"{on_zh}偏亮：两灯同时降低功率或收小光圈约{abs(stops):.1f}档"),
                (f"The {on_en} is dark: raise both lights equally or open up about {abs(stops):.1f} stop{skin_en}"
                 if dark else f"The {on_en} is bright: lower both lights equally or stop down about {abs(stops):.1f} stop"),
            ),
            detail={"on": m.kind},
        )
        item.limits.update(pass_range=[float(pr[0]), float(pr[1])], warn_range=[float(wr[0]), float(wr[1])])
        out.append(item)

    lim = ref.item("subject.face.highlights")
    if m.highlights_pct is None:
        out.append(make_item(lim, None, "无法测量高光", "highlights not measurable", status=Status.UNDETERMINED))
    else:
        v = m.highlights_pct
        sides = m.highlight_sides or (0.0, 0.0)
        side_zh, side_en = ("左", "left") if sides[0] >= sides[1] else ("右", "right")
        none = v < 0.05
        out.append(make_item(
            lim, v,
            f"{on_zh}没有过曝高光" if none else f"{on_zh}过曝（高光）面积 {v:.2f}%，多在{side_zh}侧",
            f"no burnt-out highlights on the {on_en}" if none
            else f"{v:.2f} % of the {on_en} is burnt out, mostly on the {side_en}",
            bad_hint=(
                f"{on_zh}有过曝高光（多在{side_zh}侧）：给{side_zh}侧灯加柔光罩或降低功率，"
                f"或把灯后移到{ref.setup.distance_max_m:g}米；戴眼镜者可将镜腿略抬高以消除反光",
                f"Burnt-out highlights on the {on_en} (mostly the {side_en}): diffuse the {side_en} "
                f"light or lower its power, or move it back to {ref.setup.distance_max_m:g} m; for "
                "glasses, tilt the frame slightly to move the reflection",
            ),
            detail={"sides": [round(s, 3) for s in sides]},
        ))

    lim = ref.item("subject.shadow")
    if m.shadow_pct is None or m.shadow_side is None:
        out.append(make_item(lim, None, "人物两侧的背景不够，无法测量投影",
                             "not enough backdrop beside the person to measure a shadow",
                             status=Status.UNDETERMINED,
                             bad_hint=("把镜头拉远一些，让人物两侧露出背景",
                                       "Zoom out a little so the backdrop shows on both sides")))
    else:
        v = m.shadow_pct
        side_zh, side_en = ("左", "left") if m.shadow_side == "left" else ("右", "right")
        opp_zh, opp_en = ("右", "right") if m.shadow_side == "left" else ("左", "left")
        hz, he = where_words(0.5, m.shadow_at or 0.5)
        level_zh = {"上部": "头部旁", "中部": "肩部旁", "下部": "身体旁"}.get(hz, hz)
        level_en = {"top": "beside the head", "centre": "beside the shoulders",
                    "bottom": "beside the body"}.get(he, he)
        none = v < 0.5
        out.append(make_item(
            lim, v,
            "人物两侧背景没有投影" if none else f"人物{side_zh}侧背景（{level_zh}）比远处暗 {v:.1f}%",
            "no shadow of the person on the backdrop" if none
            else f"the backdrop {level_en} on the {side_en} is {v:.1f} % darker than further away",
            bad_hint=(
                f"考生在背景{side_zh}侧投下阴影（多由{opp_zh}侧灯造成）：让考生离背景远一些（至少1米），"
                f"把{opp_zh}侧灯略抬高使影子落到肩后，或加一盏照背景的灯",
                f"The person casts a shadow on the {side_en} of the backdrop (usually from the "
                f"{opp_en} light): seat them further from the backdrop (1 m or more), raise the "
                f"{opp_en} light a little so the shadow drops behind the shoulders, or add a light "
                "on the backdrop",
            ),
            detail={"side": m.shadow_side, "sides": {k2: round(v2, 2) for k2, v2 in m.shadow_sides.items()},
                    "height": None if m.shadow_at is None else round(m.shadow_at, 3),
                    "flat_fielded": m.flat_fielded},
        ))
    return out
