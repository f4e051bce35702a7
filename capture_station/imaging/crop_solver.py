"""Crop solver: one scale and one axis-aligned 3:4 rectangle that puts the head in the bands.

In the 480x640 result a source point (x, y) lands at ((x - left) * s, (y - top) * s). The solver
maximises the smallest *normalised margin* over the bands (1 = the middle of a band, 0 = its
edge, negative = outside): top of head, eyes, face width and horizontal centring. For a fixed
scale the best ``top`` has a closed form (the point where the crown and eye margins are equal),
so only the scale is searched, on a fine grid.

It never rotates, mirrors, pads or paints: the rectangle lies inside the frame and needs no more
upscaling than the standard allows. When that is impossible the answer is "not feasible" with
directional hints worked out from the unconstrained ideal crop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from capture_station.standard import Standard

EPS = 1e-9


@dataclass(frozen=True)
class HeadMeasurements:
    """What the solver needs, in source pixels."""

    crown_y: float
    eye_y: float
    face_width: float
    centre_x: float
    crown_clipped: bool = False


@dataclass(frozen=True)
class Problem:
    code: str
    message_en: str
    message_zh: str
    amount: float = 0.0


@dataclass
class CropSolution:
    feasible: bool
    left: float
    top: float
    width: float
    height: float
    scale: float  # output px per source px
    crown_out: float
    eyes_out: float
    face_width_out: float
    centre_out: float
    margin: float  # smallest normalised margin (>= 0 when every band holds)
    inside_frame: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.left, self.top, self.left + self.width, self.top + self.height)

    def to_output(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.left) * self.scale, (y - self.top) * self.scale)

    def as_dict(self) -> dict[str, object]:
        return {
            "feasible": self.feasible,
            "box": [round(v, 2) for v in self.box],
            "scale": round(self.scale, 5),
            "crown": round(self.crown_out, 1),
            "eyes": round(self.eyes_out, 1),
            "face_width": round(self.face_width_out, 1),
            "centre": round(self.centre_out, 1),
            "margin": round(self.margin, 3),
            "problems": [p.code for p in self.problems],
        }


def _tent(v: np.ndarray | float, lo: float, hi: float) -> np.ndarray:
    half = (hi - lo) / 2
    return np.minimum(np.asarray(v) - lo, hi - np.asarray(v)) / half


class CropSolver:
    def __init__(self, standard: Standard, grid: int = 800) -> None:
        self.std = standard
        self.g = standard.geometry
        self.out_w = float(standard.file.width)
        self.out_h = float(standard.file.height)
        self.grid = grid

    # -- evaluation for vectors of scales ---------------------------------------------------
    def _evaluate(
        self, m: HeadMeasurements, s: np.ndarray, frame: tuple[int, int] | None,
        resolution_only: bool = False,
    ) -> dict[str, np.ndarray]:
        g = self.g
        hc = (g.crown_max - g.crown_min) / 2
        he = (g.eyes_max - g.eyes_min) / 2
        crown_mid = (g.crown_min + g.crown_max) / 2
        eyes_mid = (g.eyes_min + g.eyes_max) / 2
        t_c = m.crown_y - crown_mid / s
        t_e = m.eye_y - eyes_mid / s
        t = (he * t_c + hc * t_e) / (hc + he)
        crop_w = self.out_w / s
        crop_h = self.out_h / s
        left = m.centre_x - (self.out_w / 2) / s
        ok = np.ones_like(s, dtype=bool)
        if resolution_only:
            ok &= s <= g.max_upscale + EPS
        if frame is not None:
            fw_, fh_ = frame
            ok &= (crop_w <= fw_ + EPS) & (crop_h <= fh_ + EPS)
            ok &= s <= g.max_upscale + EPS
            t = np.clip(t, 0.0, np.maximum(fh_ - crop_h, 0.0))
            left = np.clip(left, 0.0, np.maximum(fw_ - crop_w, 0.0))
        crown_o = (m.crown_y - t) * s
        eyes_o = (m.eye_y - t) * s
        fw_o = m.face_width * s
        centre_o = (m.centre_x - left) * s
        margins = np.stack(
            [
                _tent(crown_o, g.crown_min, g.crown_max),
                _tent(eyes_o, g.eyes_min, g.eyes_max),
                _tent(fw_o, g.face_width_min, g.face_width_max),
                1.0 - np.abs(centre_o - self.out_w / 2) / max(g.centre_tolerance, EPS),
            ]
        )
        score = margins.min(axis=0)
        score = np.where(ok, score, -np.inf)
        return {
            "s": s, "t": t, "left": left, "crown": crown_o, "eyes": eyes_o, "fw": fw_o,
            "centre": centre_o, "score": score, "margins": margins,
        }

    def _search(
        self, m: HeadMeasurements, frame: tuple[int, int] | None, resolution_only: bool = False
    ) -> tuple[int, dict[str, np.ndarray]]:
        g = self.g
        fw = max(m.face_width, 1.0)
        lo = 0.5 * g.face_width_min / fw
        hi = 2.0 * g.face_width_max / fw
        s = np.geomspace(lo, hi, self.grid)
        ev = self._evaluate(m, s, frame, resolution_only)
        i = int(np.argmax(ev["score"]))
        # refine around the best grid point
        a = s[max(i - 1, 0)]
        b = s[min(i + 1, len(s) - 1)]
        s2 = np.linspace(a, b, 201)
        ev2 = self._evaluate(m, s2, frame, resolution_only)
        j = int(np.argmax(ev2["score"]))
        if ev2["score"][j] >= ev["score"][i]:
            return j, ev2
        return i, ev

    def solve(self, m: HeadMeasurements, frame: tuple[int, int]) -> CropSolution:
        W, H = frame
        i0, ideal = self._search(m, None)
        i1, con = self._search(m, frame)
        constrained_ok = bool(np.isfinite(con["score"][i1]))
        use, k = (con, i1) if constrained_ok else (ideal, i0)
        sol = self._solution(use, k, frame)
        problems: list[Problem] = []
        if m.crown_clipped:
            problems.append(Problem(
                "head_cut_off",
                "top of the head is cut off: raise the camera or ask the candidate to sit lower",
                "头顶超出画面：请升高相机或让考生坐低一些",
            ))
        if ideal["score"][i0] < 0:
            problems.extend(self._band_conflicts(ideal, i0))
        elif not constrained_ok or con["score"][i1] < 0:
            problems.extend(self._frame_problems(m, ideal, i0, frame))
        sol.problems = problems
        sol.feasible = not problems and sol.margin >= 0 and sol.inside_frame
        if not sol.feasible and not problems:
            # constrained optimum misses a band while the ideal crop would not: the frame is
            # what limits us
            sol.problems = self._frame_problems(m, ideal, i0, frame) or [
                Problem("no_crop", "no crop satisfies every band", "无法裁出符合要求的照片")
            ]
        del W, H
        return sol

    def _solution(self, ev: dict[str, np.ndarray], k: int, frame: tuple[int, int]) -> CropSolution:
        s = float(ev["s"][k])
        w = self.out_w / s
        h = self.out_h / s
        left = float(ev["left"][k])
        top = float(ev["t"][k])
        W, H = frame
        inside = (
            left >= -1e-6 and top >= -1e-6 and left + w <= W + 1e-6 and top + h <= H + 1e-6
            and s <= self.g.max_upscale + 1e-9
        )
        return CropSolution(
            feasible=False,
            left=left,
            top=top,
            width=w,
            height=h,
            scale=s,
            crown_out=float(ev["crown"][k]),
            eyes_out=float(ev["eyes"][k]),
            face_width_out=float(ev["fw"][k]),
            centre_out=float(ev["centre"][k]),
            margin=float(ev["score"][k]),
            inside_frame=bool(inside),
        )

    def _band_conflicts(self, ev: dict[str, np.ndarray], k: int) -> list[Problem]:
        """The person's proportions cannot meet every band at any scale (tall hair, say)."""
        g = self.g
        out: list[Problem] = []
        crown, eyes, fw = float(ev["crown"][k]), float(ev["eyes"][k]), float(ev["fw"][k])
        if crown < g.crown_min:
            out.append(Problem(
                "band.crown_high",
                f"top of head {g.crown_min - crown:.0f} px above its band while the eyes and face fit:"
                " hair or head covering too tall; flatten the hair",
                f"头顶高出范围{g.crown_min - crown:.0f}像素：发型过高，请整理头发",
                g.crown_min - crown,
            ))
        if crown > g.crown_max:
            out.append(Problem(
                "band.crown_low",
                f"top of head {crown - g.crown_max:.0f} px below its band: check the head is upright",
                f"头顶低于范围{crown - g.crown_max:.0f}像素：请抬头坐正",
                crown - g.crown_max,
            ))
        if eyes < g.eyes_min or eyes > g.eyes_max:
            out.append(Problem(
                "band.eyes",
                f"eyes at {eyes:.0f} px cannot reach {g.eyes_min:.0f}-{g.eyes_max:.0f} px with the"
                " head in its band: the head is tilted; look straight into the lens",
                "眼睛位置无法与头顶同时满足：请平视镜头",
                min(abs(eyes - g.eyes_min), abs(eyes - g.eyes_max)),
            ))
        if fw < g.face_width_min or fw > g.face_width_max:
            out.append(Problem(
                "band.face_width",
                f"face width {fw:.0f} px cannot reach {g.face_width_min:.0f}-{g.face_width_max:.0f} px"
                " with the head in its band: turn the face straight to the camera",
                "脸宽无法与其他范围同时满足：请正对镜头",
                min(abs(fw - g.face_width_min), abs(fw - g.face_width_max)),
            ))
        return out or [Problem("band.conflict", "the bands cannot all hold", "各项范围无法同时满足")]

    def _frame_problems(
        self, m: HeadMeasurements, ideal: dict[str, np.ndarray], k: int, frame: tuple[int, int]
    ) -> list[Problem]:
        W, H = frame
        g = self.g
        ir, res = self._search(m, None, resolution_only=True)
        out: list[Problem] = []
        if not np.isfinite(res["score"][ir]) or res["score"][ir] < 0:
            out.append(Problem(
                "too_far",
                f"face too small in the picture ({m.face_width:.0f} px wide; needs about"
                f" {g.face_width_min / g.max_upscale:.0f} px or more): move the camera closer or zoom in",
                "人脸在画面中过小：请让相机靠近或放大焦距",
                float(g.face_width_min / g.max_upscale - m.face_width),
            ))
            return out
        if self.out_w / g.max_upscale > W + 1e-6 or self.out_h / g.max_upscale > H + 1e-6:
            out.append(Problem(
                "too_small",
                f"the picture ({W}x{H}) is smaller than the {self.out_w:.0f}x{self.out_h:.0f} pixels"
                " the photo needs: use the camera's full resolution",
                f"原始图像（{W}×{H}）像素不足：请使用相机的全分辨率",
                float(max(self.out_w / W, self.out_h / H)),
            ))
            return out
        # The best crop without frame limits (but within the resolution limit) shows which way
        # the frame is off.
        ideal, k = res, ir
        s = float(ideal["s"][k])
        w, h = self.out_w / s, self.out_h / s
        top = float(ideal["t"][k])
        left = float(ideal["left"][k])
        if w > W + 1e-6 or h > H + 1e-6:
            out.append(Problem(
                "too_close",
                "subject too close: the crop needs more room than the picture has;"
                " move the camera back or zoom out",
                "考生离相机太近：请后移相机或缩小焦距",
                max(w / W, h / H),
            ))
            return out
        if top < 0:
            out.append(Problem(
                "raise_camera",
                f"head too near the top edge ({-top:.0f} px missing above): raise or tilt up the camera",
                "头部太靠近画面上沿：请升高相机或向上调整角度",
                -top,
            ))
        if top + h > H:
            out.append(Problem(
                "lower_camera",
                f"head too low in the picture ({top + h - H:.0f} px missing below): lower or tilt down the camera",
                "头部在画面中太低：请降低相机或向下调整角度",
                top + h - H,
            ))
        if left < 0:
            out.append(Problem(
                "pan_left",
                f"subject too far to the left of the picture ({-left:.0f} px): move the camera left",
                "人像偏左：请将相机向左移动",
                -left,
            ))
        if left + w > W:
            out.append(Problem(
                "pan_right",
                f"subject too far to the right of the picture ({left + w - W:.0f} px): move the camera right",
                "人像偏右：请将相机向右移动",
                left + w - W,
            ))
        return out
