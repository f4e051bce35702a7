"""The LiteRT face backend: its models, its pieces, and its answers next to MediaPipe's.

Real models throughout. The MediaPipe comparisons run where MediaPipe's wheel imports (x86-64);
elsewhere they are skipped and the rest still runs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from capture_station.imaging import face_backend
from capture_station.imaging.face_analysis import FaceAnalyzer
from capture_station.imaging.litert import anchors, custom_ops, models
from capture_station.imaging.litert.detector import Detection, FaceDetector, weighted_nms
from capture_station.paths import assets_dir

import imagery

# Tolerances against MediaPipe on the test portraits, in the picture's pixels (faces 250-560 px
# wide). Measured: below 0.05 px; the limits leave room for another CPU's arithmetic.
EYE_LINE_PX = 0.5
FACE_WIDTH_PX = 0.5
CROWN_PX = 1.0
LANDMARK_MEDIAN_PX = 0.5


def _mediapipe_available() -> bool:
    try:
        from capture_station.imaging.mediapipe_import import mediapipe

        mediapipe()
    except ImportError:
        return False
    return True


needs_mediapipe = pytest.mark.skipif(not _mediapipe_available(),
                                     reason="MediaPipe's wheel is not installed here")


@pytest.fixture(scope="module")
def portraits() -> dict[str, np.ndarray]:
    return {"hopper": imagery.station_shot_hopper(), "astronaut": imagery.station_shot_astronaut()}


@pytest.fixture(scope="module")
def litert():
    with FaceAnalyzer(backend="litert") as an:
        yield an


def test_models_load_from_the_vendored_assets_with_the_listed_checksums():
    folder = models.models_dir()
    assert folder == assets_dir() / "models"
    listed = dict(re.findall(r"\| `([\w.]+\.tflite)` \|[^\n]*`([0-9a-f]{64})` \|",
                             (folder / "README.md").read_text(encoding="utf-8")))
    assert sorted(listed) == sorted(models.ALL_MODELS)
    for name, digest in listed.items():
        assert hashlib.sha256(models.model_path(name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("short", [True, False])
def test_anchor_count_matches_the_graph_and_the_model(short):
    opt = anchors.SHORT_RANGE if short else anchors.FULL_RANGE
    count = len(anchors.ssd_anchors(opt))
    assert count == (896 if short else 2304)  # num_boxes of the MediaPipe graph
    det = FaceDetector(short=short)
    out = det._model.run(np.zeros(det._model.input_shape, np.float32))
    assert out[0].shape[1] == count and out[1].shape[1] == count


def test_anchors_are_centred_in_their_cells():
    a = anchors.ssd_anchors(anchors.FULL_RANGE)
    assert np.allclose(a[0], (0.5 / 48, 0.5 / 48))
    assert np.allclose(a[-1], (47.5 / 48, 47.5 / 48))
    s = anchors.ssd_anchors(anchors.SHORT_RANGE)
    # 16x16 cells with 2 anchors each, then 8x8 cells with 6 (three layers of stride 16)
    assert np.allclose(s[0], s[1]) and np.allclose(s[512], s[517])
    assert not np.allclose(s[517], s[518])


def test_weighted_nms_merges_overlapping_boxes_and_keeps_apart_ones():
    kp = np.zeros((6, 2))
    a = Detection((0.0, 0.0, 100.0, 100.0), kp, 0.9)
    b = Detection((10.0, 10.0, 110.0, 110.0), kp + 30, 0.6)
    far = Detection((300.0, 300.0, 350.0, 350.0), kp, 0.7)
    out = weighted_nms([b, far, a])
    assert len(out) == 2
    merged = out[0]
    assert merged.score == 0.9
    assert np.allclose(merged.box, (4.0, 4.0, 104.0, 104.0))  # (0.9 * a + 0.6 * b) / 1.5
    assert np.allclose(merged.keypoints, 12.0)
    assert out[1].box == far.box


def test_bilinear_sampling_through_the_identity_matrix_returns_the_feature_map():
    rng = np.random.default_rng(1)
    fmap = rng.random((1, 16, 16, 4), dtype=np.float32)
    out = custom_ops.transform_tensor_bilinear(
        [fmap, np.eye(4, dtype=np.float32).reshape(1, 4, 4)],
        {"output_height": 16, "output_width": 16})
    assert np.allclose(out, fmap, atol=1e-6)


def test_litert_finds_the_face_on_the_test_photos(litert, portraits):
    for name, rgb in portraits.items():
        a = litert.analyse(rgb)
        assert litert.backend == "litert"
        assert len(a.faces) == 1 and a.face_count == 1, name
        f = a.primary
        assert f.landmarks.shape == (478, 3)
        assert f.crown_y is not None and f.crown_y < f.hairline_y < f.eye_y < f.chin_y
        # the irises sit between their eye corners
        for iris, (outer, inner) in ((468, (33, 133)), (473, (263, 362))):
            lo, hi = sorted((f.pt(outer)[0], f.pt(inner)[0]))
            assert lo < f.pt(iris)[0] < hi, (name, iris)


@needs_mediapipe
def test_litert_agrees_with_mediapipe_on_eye_line_crown_and_face_width(litert, portraits):
    with FaceAnalyzer(backend="mediapipe") as mp:
        for name, rgb in portraits.items():
            ref, got = mp.analyse(rgb).primary, litert.analyse(rgb).primary
            assert abs(got.eye_y - ref.eye_y) <= EYE_LINE_PX, name
            assert abs(got.face_width - ref.face_width) <= FACE_WIDTH_PX, name
            assert abs(got.crown_y - ref.crown_y) <= CROWN_PX, name
            d = np.linalg.norm(got.landmarks[:, :2] - ref.landmarks[:, :2], axis=1)
            assert np.median(d) <= LANDMARK_MEDIAN_PX, name


def _panning(rgb: np.ndarray, frames: int) -> list[np.ndarray]:
    base = imagery.composite(rgb, scale=1.35, canvas=(1400, 760), bottom=800)
    return [np.ascontiguousarray(base[20:740, 8 * i:8 * i + 1280]) for i in range(frames)]


def test_live_tracking_follows_a_moving_face_and_finds_it_again():
    frames = _panning(imagery.grace_hopper(), 8)
    blank = np.full_like(frames[0], 250)
    with FaceAnalyzer(live=True, backend="litert") as live:
        eyes = [live.analyse(f).primary.eye_centre[0] for f in frames]
        assert live.analyse(blank).faces == []  # lost ...
        again = live.analyse(frames[0]).primary  # ... and found again by the detector
    steps = np.diff(eyes)
    assert np.all(np.abs(steps + 8) < 1.5), steps  # the picture moves 8 px left per frame
    assert again is not None and abs(again.eye_centre[0] - eyes[0]) < 1.5


@needs_mediapipe
def test_live_tracking_agrees_with_mediapipes():
    frames = _panning(imagery.grace_hopper(), 6)
    with FaceAnalyzer(live=True, backend="litert") as lr, \
            FaceAnalyzer(live=True, backend="mediapipe") as mp:
        for i, f in enumerate(frames):
            got, ref = lr.analyse(f).primary, mp.analyse(f).primary
            d = np.linalg.norm(got.landmarks[:, :2] - ref.landmarks[:, :2], axis=1)
            assert np.median(d) <= LANDMARK_MEDIAN_PX, i
            assert abs(got.eye_y - ref.eye_y) <= EYE_LINE_PX, i


def test_the_environment_chooses_the_backend(monkeypatch):
    monkeypatch.setenv(face_backend.ENV_BACKEND, "litert")
    assert face_backend.chosen_backend() == "litert"
    monkeypatch.setenv(face_backend.ENV_BACKEND, "MediaPipe")
    assert face_backend.chosen_backend() == "mediapipe"
    monkeypatch.setenv(face_backend.ENV_BACKEND, "tensorflow")
    with pytest.raises(ValueError, match="litert, mediapipe"):
        face_backend.chosen_backend()
    monkeypatch.delenv(face_backend.ENV_BACKEND)
    assert face_backend.chosen_backend() == face_backend.DEFAULT


def test_the_analyser_works_where_mediapipe_cannot_be_imported(tmp_path):
    """A machine without MediaPipe's wheel (ARM64): ``import mediapipe`` fails, the station
    analyses all the same, and never tries MediaPipe's runtime."""
    shot = tmp_path / "shot.npy"
    np.save(shot, imagery.station_shot_hopper())
    code = textwrap.dedent(f"""
        import sys
        sys.modules["mediapipe"] = None  # import mediapipe -> ImportError
        import numpy as np
        from capture_station.imaging.face_analysis import FaceAnalyzer
        from capture_station.photo.pipeline import Pipeline
        try:
            import mediapipe
        except ImportError:
            pass
        else:
            raise SystemExit("mediapipe imported")
        rgb = np.load({str(shot)!r})
        with FaceAnalyzer() as an:
            a = an.analyse(rgb)
            assert an.backend == "litert" and len(a.faces) == 1
        with FaceAnalyzer(live=True) as an:
            assert len(an.analyse(rgb).faces) == 1
        try:
            FaceAnalyzer(backend="mediapipe")
        except ImportError:
            pass
        else:
            raise SystemExit("the MediaPipe backend started without mediapipe")
        assert sys.modules.get("mediapipe") is None
        print("faces", len(a.faces))
    """)
    env = {k: v for k, v in __import__("os").environ.items() if k != face_backend.ENV_BACKEND}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                       cwd=Path(__file__).parent.parent, env=env)
    assert r.returncode == 0, r.stderr[-2000:] + r.stdout[-500:]
    assert "faces 1" in r.stdout
