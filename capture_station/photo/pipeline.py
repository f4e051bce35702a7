"""The photo pipeline: shot -> analysis -> crop -> 480x640 -> JPEG -> verified file.

Used by the command line, the camera ``capture`` command and the GUI alike. The verdict that is
reported for a saved photo is computed on the encoded bytes, and the file is read back from disk
and compared with them before the pipeline says it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from capture_station.checks import CheckContext, CheckResult, Geometry, Mode, run_checks
from capture_station.checks.engine import is_compliant
from capture_station.imaging.crop_solver import CropSolution, CropSolver, HeadMeasurements
from capture_station.imaging.encoder import EncodeError, EncodeResult, JpegEncoder
from capture_station.imaging.face_analysis import (
    Analysis,
    Face,
    FaceAnalyzer,
    shared_still_analyzer,
)
from capture_station.imaging.image_source import (
    ArraySource,
    ImageLoadError,
    SourceImage,
    pillow_open,
)
from capture_station.imaging.jpeg_info import JpegInfo, estimate_quality, parse_jpeg
from capture_station.messages import Msg
from capture_station.standard import Standard, load_standard

ANALYSIS_SIZE = 1280  # longest side of the copy a shot is analysed on
RENDER_OVERSAMPLE = 1.5  # decode the crop at >= 1.5x the output size before the final resize
MAX_VERIFY_PIXELS = 16_000_000  # a finished photo is 0.3 MP; larger files are not decoded

SHOT_CHECK_IDS = ("geometry.crop_fits", "geometry.resolution")  # judged on the shot, not the file
SHOT_GEOMETRY_IDS = (
    "face.count", "geometry.crown", "geometry.eyes", "geometry.face_width", "geometry.centre",
    *SHOT_CHECK_IDS,
)

Source = SourceImage | ArraySource


def head_measurements(face: Face) -> HeadMeasurements | None:
    if face.crown_y is None:
        return None
    return HeadMeasurements(
        crown_y=face.crown_y,
        eye_y=face.eye_y,
        face_width=face.face_width,
        centre_x=face.centre_x,
        crown_clipped=face.crown_clipped,
    )


@dataclass
class ShotAnalysis:
    """A raw shot or live frame: what was found and the crop the solver would take."""

    size: tuple[int, int]
    analysis: Analysis
    face: Face | None
    crop: CropSolution | None
    geometry: Geometry | None
    checks: list[CheckResult]

    @property
    def feasible(self) -> bool:
        return self.crop is not None and self.crop.feasible


@dataclass
class FinalVerdict:
    """The checks of an encoded 480x640 file, measured on its own pixels."""

    checks: list[CheckResult]
    jpeg: JpegInfo
    quality: int | None
    rgb: np.ndarray | None
    analysis: Analysis | None

    @property
    def compliant(self) -> bool:
        return is_compliant(self.checks)


class Pipeline:
    def __init__(self, standard: Standard | None = None, analyzer: FaceAnalyzer | None = None) -> None:
        self.standard = standard or load_standard()
        self._analyzer = analyzer
        self.solver = CropSolver(self.standard)
        self.encoder = JpegEncoder(self.standard)

    @property
    def analyzer(self) -> FaceAnalyzer:
        return self._analyzer or shared_still_analyzer()

    # -- shots ------------------------------------------------------------------------------
    def analyse_rgb(self, rgb: np.ndarray, factor: float = 1.0, mode: Mode = Mode.RAW,
                    analyzer: FaceAnalyzer | None = None,
                    full_size: tuple[int, int] | None = None,
                    check_ids: tuple[str, ...] | None = None,
                    tiles: bool | None = None) -> ShotAnalysis:
        """Analyse a frame. ``factor`` maps its pixels to the full-size shot's pixels.

        ``check_ids`` limits the checks to those (default: every check of the mode);
        ``tiles`` is passed to :meth:`FaceAnalyzer.analyse`.
        """
        an = (analyzer or self.analyzer).analyse(rgb, tiles=tiles)
        if factor != 1.0:
            an.faces = [f.scaled(factor) for f in an.faces]
            an.mask_scale *= factor
            an.analysed_scale *= factor
        size = full_size or (int(round(rgb.shape[1] * factor)), int(round(rgb.shape[0] * factor)))
        an.size = size
        face = an.primary
        crop = None
        geometry = None
        if face is not None:
            hm = head_measurements(face)
            if hm is not None:
                crop = self.solver.solve(hm, size)
                geometry = Geometry(crop.crown_out, crop.eyes_out, crop.face_width_out,
                                    crop.centre_out, face.crown_clipped)
        ctx = CheckContext(self.standard, mode, rgb=rgb, analysis=an, crop=crop, geometry=geometry)
        checks = run_checks(ctx, check_ids)
        return ShotAnalysis(size, an, face, crop, geometry, checks)

    def analyse_source(self, src: Source, all_checks: bool = True) -> tuple[ShotAnalysis, np.ndarray, float]:
        w, h = src.size
        longest = max(w, h)
        min_size = None
        if longest > ANALYSIS_SIZE:
            k = ANALYSIS_SIZE / longest
            min_size = (max(1, int(w * k)), max(1, int(h * k)))
        rgb, factor = src.decode(min_size)
        if all_checks:
            return self.analyse_rgb(rgb, factor, Mode.RAW, full_size=(w, h)), rgb, factor
        # Only what decides the crop: the content is judged on the photo itself, and a second
        # person outside the crop is not in the photo (the final file is searched with strips).
        shot = self.analyse_rgb(rgb, factor, Mode.RAW, full_size=(w, h), check_ids=SHOT_GEOMETRY_IDS,
                                tiles=False)
        return shot, rgb, factor

    def render(self, src: Source, crop: CropSolution,
               decoded: tuple[np.ndarray, float] | None = None) -> np.ndarray:
        """Cut the crop rectangle and resize it to the output size (no rotate, mirror or pad)."""
        out_w, out_h = self.standard.file.width, self.standard.file.height
        need = RENDER_OVERSAMPLE * out_w / crop.width  # decoded px per full-size px needed
        w, h = src.size
        rgb, factor = (None, 1.0)
        if decoded is not None and 1.0 / decoded[1] >= min(need, 1.0) - 1e-9:
            rgb, factor = decoded
        if rgb is None:
            min_size = None if need >= 1.0 else (int(np.ceil(w * need)), int(np.ceil(h * need)))
            rgb, factor = src.decode(min_size)
        x0, y0, x1, y1 = (v / factor for v in crop.box)
        im = Image.fromarray(rgb, "RGB")
        x0, y0 = max(0.0, x0), max(0.0, y0)
        x1, y1 = min(float(im.width), x1), min(float(im.height), y1)
        out = im.resize((out_w, out_h), Image.Resampling.LANCZOS, box=(x0, y0, x1, y1))
        return np.asarray(out, dtype=np.uint8)

    # -- final files ------------------------------------------------------------------------
    def verify_bytes(self, data: bytes, file_name: str, capture_date: str | None = None,
                     analyzer: FaceAnalyzer | None = None,
                     check_ids: list[str] | tuple[str, ...] | None = None,
                     tiles: bool | None = None) -> FinalVerdict:
        """Check an encoded photo on its own bytes and pixels (``check_ids``: only those;
        ``tiles``: see :meth:`FaceAnalyzer.analyse`)."""
        info = parse_jpeg(data)
        est = estimate_quality(info) if info.is_jpeg else None
        rgb = None
        analysis = None
        geometry = None
        declared = info.width * info.height
        if info.is_jpeg and info.error is None and 0 < declared <= MAX_VERIFY_PIXELS:
            try:
                with pillow_open(data) as im:
                    if im.mode == "RGB":
                        rgb = np.asarray(im, dtype=np.uint8)
                    elif im.mode in ("L", "CMYK", "YCbCr"):
                        rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
            except (OSError, ValueError, Image.DecompressionBombError):
                rgb = None
        if rgb is not None:
            analysis = (analyzer or self.analyzer).analyse(np.ascontiguousarray(rgb), tiles=tiles)
            face = analysis.primary
            if face is not None:
                geometry = Geometry(face.crown_y, face.eye_y, face.face_width, face.centre_x,
                                    face.crown_clipped)
        ctx = CheckContext(
            self.standard, Mode.FINAL, rgb=rgb, analysis=analysis, geometry=geometry,
            file_name=file_name, file_bytes=data, jpeg=info, capture_date=capture_date,
        )
        checks = run_checks(ctx, check_ids)
        return FinalVerdict(checks, info, est.quality if est else None, rgb, analysis)

    def verify_file(self, path: Path) -> FinalVerdict:
        from capture_station.imaging.image_source import open_image_file

        src = open_image_file(path)
        return self.verify_bytes(src.data, path.name, src.capture_date)

    # -- the whole thing --------------------------------------------------------------------
    def make_photo(
        self, src: Source, raw_checks: bool = False
    ) -> tuple[ShotAnalysis, EncodeResult | None, FinalVerdict | None, Msg | None]:
        """Analyse, crop, encode and verify in memory; nothing touches the disk.

        The shot itself gets only the geometry checks (``raw_checks=True``: every RAW check,
        for comparing a shot with the photo made from it). When no photo can be made from it
        (no face, no top of head, no crop within the bands, no file within the size limits),
        the shot is all the operator has:
        it gets every RAW check, on the analysis ``check`` makes of a picture (strips and all),
        so a blue backdrop or a smile is reported with the framing -- not one retake later --
        and the shot's face count is the one ``check`` finds on the same picture."""
        shot, rgb, factor = self.analyse_source(src, all_checks=raw_checks)
        if not raw_checks and not shot.feasible:
            shot = self.analyse_rgb(rgb, factor, Mode.RAW, full_size=src.size)
        if shot.face is None:
            return shot, None, None, Msg("shot.no_face")
        if shot.crop is None:
            return shot, None, None, Msg("shot.no_crown")
        if not shot.crop.feasible:
            p = shot.crop.problems
            return shot, None, None, Msg("shot.not_feasible", problems=Msg.pair(
                "；".join(x.message_zh for x in p), "; ".join(x.message_en for x in p)))
        out = self.render(src, shot.crop, (rgb, factor))
        try:
            enc = self.encoder.encode(out)
        except EncodeError as e:
            # no photo after all (too noisy to fit the file size): the shot is judged whole too
            if not raw_checks:
                shot = self.analyse_rgb(rgb, factor, Mode.RAW, full_size=src.size)
            return shot, None, None, Msg.pair(e.render("zh_CN"), e.render("en"))
        name = "photo" + self.standard.file.write_extension
        final = self.verify_bytes(enc.data, name)
        return shot, enc, final, None

    @staticmethod
    def photo_checks(shot: ShotAnalysis, final: FinalVerdict) -> list[CheckResult]:
        """The verdict of a photo: the crop rules of the shot it came from, then every check of
        the encoded file."""
        return [c for c in shot.checks if c.id in SHOT_CHECK_IDS] + final.checks


__all__ = [
    "ImageLoadError",
    "Pipeline",
    "ShotAnalysis",
    "FinalVerdict",
]
