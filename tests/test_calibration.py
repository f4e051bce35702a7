"""Lighting calibration: known faults are found, named and located; results are kept.

Synthetic backdrops carry exactly one fault each (built in linear light with cloth texture and
sensor noise, and sent through JPEG like a camera file), so each must fail its own item and no
item of another family. Step 2 runs on real portraits (tests/imagery.py composites) with one
side darkened or a shadow thrown. The heat map is read back from its PNG.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from capture_station.calibration import (
    Status,
    backdrop_stats,
    calibrate,
    colour,
    drift,
    is_due,
    load_latest,
    load_reference,
    save_profile,
    summary,
    synthetic,
)
from capture_station.calibration.profile import LATEST, history
from capture_station.calibration.reference import ALL_ITEMS, reference_dir
from capture_station.calibration.report import procedure_html, render_heatmap, report_html
from capture_station.calibration.white_balance import (
    AUTO,
    CUSTOM,
    KELVIN,
    PRESET,
    UNKNOWN,
    parse_white_balance,
)

import imagery

ROOT = Path(__file__).resolve().parents[1]
PORTRAIT = (1200, 1500)
LANDSCAPE = (1800, 1200)
BAD = (Status.WARN, Status.FAIL)


def jpeg_round_trip(rgb: np.ndarray, quality: int = 90) -> np.ndarray:
    """What a camera file would hold: 4:2:0 JPEG."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def bad_families(result) -> set[str]:
    return {i.family for i in result.items if i.status in BAD}


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def analyzer():
    from capture_station.imaging.face_analysis import FaceAnalyzer

    an = FaceAnalyzer()
    yield an
    an.close()


# -- colour ----------------------------------------------------------------------------------


def test_colour_reference_points():
    white = colour.srgb_to_lab(np.array([[[255, 255, 255]]], dtype=np.uint8))[0, 0]
    assert white[0] == pytest.approx(100.0, abs=0.01)
    assert abs(white[1]) < 0.01 and abs(white[2]) < 0.01
    assert colour.mccamy_cct(*colour.D65_XY) == pytest.approx(6504, abs=5)
    assert colour.mccamy_cct(0.44757, 0.40745) == pytest.approx(2856, abs=5)  # illuminant A
    assert float(colour.lstar_to_y(colour.lstar(0.18))) == pytest.approx(0.18)


def test_white_balance_settings_are_read(ref):
    assert parse_white_balance("Auto", ref).mode == AUTO
    assert parse_white_balance("AWB", ref).mode == AUTO
    assert parse_white_balance("Custom", ref).mode == CUSTOM
    assert parse_white_balance("Manual", ref).mode == CUSTOM
    d = parse_white_balance("Daylight", ref)
    assert d.mode == PRESET and d.kelvin == 5200
    k = parse_white_balance("Color Temperature 5600K", ref)
    assert k.mode == KELVIN and k.kelvin == 5600
    assert parse_white_balance(None, ref).mode == UNKNOWN
    assert parse_white_balance("Underwater", ref).mode == UNKNOWN


# -- step 1: the backdrop ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE])
def test_uniform_white_backdrop_passes(size, ref):
    img = jpeg_round_trip(synthetic.backdrop(size, seed=1))
    res = calibrate(img, reference=ref)
    assert res.status == Status.PASS, [(i.id, i.status, i.value) for i in res.items if i.status != Status.PASS]
    assert res.passed and not res.complete
    cols, rows = res.backdrop.grid
    assert (cols, rows) == ((8, 6) if size[0] > size[1] else (6, 8))
    assert res.backdrop.spread < 1.0
    # without a fixed white balance the lights' temperature is undetermined, never guessed
    assert res.item("backdrop.colour.temperature").status == Status.UNDETERMINED


FAULTS = [
    # name, synthetic.backdrop arguments, the item that must fail, its detail
    ("left falloff 15 %", {"left_right": 0.15}, "backdrop.evenness.left_right", {"darker": "left"}),
    ("right falloff 15 %", {"left_right": -0.15}, "backdrop.evenness.left_right", {"darker": "right"}),
    ("top falloff 16 %", {"top_bottom": 0.16}, "backdrop.evenness.top_bottom", {"darker": "top"}),
    ("hot spot / vignette", {"vignette": 0.18}, "backdrop.evenness.vignette", {"centre_brighter": True}),
    ("shadow blob", {"blobs": [(0.28, 0.62, 0.08, 0.12)]}, "backdrop.shadow.blobs", {}),
    ("yellow cast", {"gains": (1.0, 0.975, 0.86)}, "backdrop.colour.cast", {}),
    ("grey backdrop", {"level": 205.0}, "backdrop.exposure.level", {}),
]


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize(("name", "kw", "item_id", "detail"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_backdrop_fault_fails_its_own_item_only(name, kw, item_id, detail, size, ref):
    img = jpeg_round_trip(synthetic.backdrop(size, seed=7, **kw))
    res = calibrate(img, reference=ref)
    item = res.item(item_id)
    assert item is not None and item.status == Status.FAIL, (name, item)
    for k, v in detail.items():
        assert item.detail[k] == v
    assert bad_families(res) == {item.family}, [(i.id, i.status, i.value) for i in res.items]
    assert not res.passed
    assert item.hint_zh and item.hint_en


def test_left_falloff_hint_is_concrete(ref):
    res = calibrate(synthetic.backdrop(PORTRAIT, left_right=0.14, seed=2), reference=ref)
    item = res.item("backdrop.evenness.left_right")
    assert item.value == pytest.approx(14.0, abs=1.0)
    assert "背景左侧偏暗14%" in item.hint_zh
    assert "left side of the backdrop is 14 % darker" in item.hint_en
    assert "cm closer" in item.hint_en and "厘米" in item.hint_zh


def test_gradients_are_measured_to_a_percent(ref):
    for lr, tb in ((0.10, 0.0), (0.0, -0.12), (0.08, 0.05)):
        m = calibrate(synthetic.backdrop(LANDSCAPE, left_right=lr, top_bottom=tb, seed=3),
                      reference=ref).backdrop
        assert m.left_right_pct == pytest.approx(100 * lr, abs=1.0)
        assert m.top_bottom_pct == pytest.approx(100 * tb, abs=1.0)


def test_blob_is_located(ref):
    res = calibrate(synthetic.backdrop(LANDSCAPE, blobs=[(0.7, 0.3, 0.05, 0.2)], seed=4), reference=ref)
    b = res.backdrop.blobs[0]
    assert b.centre[0] == pytest.approx(0.7, abs=0.05) and b.centre[1] == pytest.approx(0.3, abs=0.05)
    assert b.where() == ("右上", "upper right")
    r, c = res.backdrop.darkest_cell()
    cols, rows = res.backdrop.grid
    assert c == int(0.7 * cols) and r == int(0.3 * rows)


def test_real_unevenly_lit_surface(ref):
    """scikit-image's ``page``: a real photograph of a printed page under light falling off
    to the left (its documented use: uneven background illumination)."""
    from skimage import data

    page = np.repeat(data.page()[..., None], 3, axis=2)
    res = calibrate(page, reference=ref)
    item = res.item("backdrop.evenness.left_right")
    assert item.status == Status.FAIL and item.detail["darker"] == "left"
    assert res.backdrop.darkest_cell()[1] == 0
    heat = render_heatmap(res, reference=ref)
    rows, cols = res.backdrop.cells.shape
    assert _redness(heat.png, heat, rows // 2, 0) > _redness(heat.png, heat, rows // 2, cols - 1)


def test_real_blue_studio_backdrop(ref):
    """The mottled blue studio backdrop behind Grace Hopper (right of her head) is a real backdrop
    that is not white: too dark and strongly blue."""
    crop = np.ascontiguousarray(imagery.grace_hopper()[0:300, 385:512])
    res = calibrate(crop, reference=ref)
    assert res.item("backdrop.exposure.level").status == Status.FAIL
    cast = res.item("backdrop.colour.cast")
    assert cast.status == Status.FAIL and "bluish" in cast.message_en
    assert "偏蓝" in cast.hint_zh


def test_person_in_the_empty_backdrop_is_named(ref):
    res = calibrate(imagery.station_shot_hopper(), reference=ref)
    item = res.item("backdrop.shadow.blobs")
    assert item.status == Status.FAIL
    assert "empty backdrop" in item.hint_en


def test_burnt_out_backdrop_warns_and_cannot_judge_evenness(ref):
    res = calibrate(synthetic.backdrop(PORTRAIT, level=262.0, seed=5), reference=ref)
    assert res.item("backdrop.exposure.clipping").status == Status.WARN
    for i in ("backdrop.evenness.spread", "backdrop.evenness.left_right", "backdrop.colour.cast"):
        assert res.item(i).status == Status.UNDETERMINED
    assert res.passed


@pytest.mark.parametrize(("light_k", "expect"), [(5550, Status.PASS), (4700, Status.FAIL), (6600, Status.FAIL)])
def test_light_temperature_with_fixed_white_balance(light_k, expect, ref):
    gains = synthetic.gains_for_light(light_k, 5500)
    # exposed as a camera would: the strongest channel just below clipping at most
    level = 255 * float(colour.linear_to_srgb(min(0.86, 0.95 / max(gains))))
    img = synthetic.backdrop(PORTRAIT, level=level, gains=gains, seed=6)
    res = calibrate(img, white_balance="5500K", reference=ref)
    item = res.item("backdrop.colour.temperature")
    assert item.status == expect
    assert item.value == pytest.approx(light_k, rel=0.03)
    if expect == Status.FAIL:
        assert res.item("backdrop.colour.cast").status == Status.FAIL
        # a light this far off also costs exposure; nothing else may complain
        assert bad_families(res) <= {"backdrop.colour", "backdrop.exposure"}
    else:
        assert bad_families(res) == set()
    # automatic white balance hides the light's colour: undetermined, only the cast is judged
    auto = calibrate(img, white_balance="Auto", reference=ref).item("backdrop.colour.temperature")
    assert auto.status == Status.UNDETERMINED and auto.value is None
    assert "automatic" in auto.message_en


# -- the heat map ------------------------------------------------------------------------------


def _redness(png: bytes, heat, r: int, c: int) -> int:
    im = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, _, _ = heat.cell_boxes[r][c]
    red, green, _ = im.getpixel((x0 + 6, y0 + 6))  # a corner of the cell, clear of the text
    return int(red) - int(green)


@pytest.mark.parametrize(("lr", "dark_col"), [(0.15, 0), (-0.15, -1)])
def test_heatmap_points_at_the_dark_side(lr, dark_col, ref, tmp_path):
    res = calibrate(synthetic.backdrop(LANDSCAPE, left_right=lr, seed=8), reference=ref)
    heat = render_heatmap(res, reference=ref)
    (tmp_path / "heat.png").write_bytes(heat.png)  # kept for a look when the test fails
    rows, cols = res.backdrop.cells.shape
    dark = dark_col % cols
    bright = cols - 1 - dark
    assert res.backdrop.darkest_cell()[1] == dark
    for r in range(rows):
        assert _redness(heat.png, heat, r, dark) > _redness(heat.png, heat, r, bright) + 60
    # the red bar runs along the dark side
    im = Image.open(io.BytesIO(heat.png)).convert("RGB")
    x0, y0, x1, _ = heat.cell_boxes[rows // 2][dark]
    bar_x = x0 - 11 if dark == 0 else x1 + 11
    assert im.getpixel((bar_x, y0 + 10)) == (200, 30, 30)
    other_x = heat.cell_boxes[0][-1][2] + 11 if dark == 0 else heat.cell_boxes[0][0][0] - 11
    assert im.getpixel((other_x, y0 + 10)) == (255, 255, 255)


def test_uniform_heatmap_is_all_green(ref):
    res = calibrate(synthetic.backdrop(PORTRAIT, seed=9), reference=ref)
    heat = render_heatmap(res, reference=ref)
    rows, cols = res.backdrop.cells.shape
    assert all(_redness(heat.png, heat, r, c) < 0 for r in range(rows) for c in range(cols))


# -- step 2: the subject -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hopper():
    return imagery.station_shot_hopper()


@pytest.fixture(scope="module")
def hopper_backdrop(hopper):
    h, w = hopper.shape[:2]
    return synthetic.backdrop((w, h), level=250.0, texture=0.0, noise=1.5, seed=10)


def test_evenly_lit_portrait_passes(hopper, hopper_backdrop, analyzer, ref):
    res = calibrate(hopper_backdrop, hopper, reference=ref, analyzer=analyzer)
    assert res.complete and res.subject.kind == "face"
    for i in ("subject.face.balance", "subject.face.exposure", "subject.face.highlights", "subject.shadow"):
        assert res.item(i).status == Status.PASS, res.item(i)
    assert res.subject.flat_fielded


@pytest.mark.parametrize("side", ["left", "right"])
def test_darkened_side_of_the_face_fails_the_balance(side, hopper, hopper_backdrop, analyzer, ref):
    dark = synthetic.darken_side(hopper, centre_x=hopper.shape[1] / 2, width=300, strength=0.5, side=side)
    res = calibrate(hopper_backdrop, dark, reference=ref, analyzer=analyzer)
    item = res.item("subject.face.balance")
    assert item.status == Status.FAIL
    assert item.detail["darker"] == side
    assert bad_families(res) == {"subject.face"}
    assert f"{side} light" in item.hint_en


def test_subject_shadow_on_the_backdrop(hopper, hopper_backdrop, analyzer, ref):
    mask = cv2.resize(analyzer.analyse(hopper).person_mask, (hopper.shape[1], hopper.shape[0]))
    shadowed = synthetic.cast_shadow(hopper, mask, offset=(120, 40), depth=0.25, blur=25)
    res = calibrate(hopper_backdrop, shadowed, reference=ref, analyzer=analyzer)
    item = res.item("subject.shadow")
    assert item.status == Status.FAIL and item.detail["side"] == "right"
    assert item.value == pytest.approx(25, abs=6)
    assert res.item("subject.face.balance").status == Status.PASS


def test_grey_card_instead_of_a_person(analyzer, ref):
    bd = synthetic.backdrop(PORTRAIT, seed=11)
    card = synthetic.grey_card_scene(PORTRAIT, seed=11)
    res = calibrate(bd, card, reference=ref, analyzer=analyzer)
    assert res.subject.kind == "card"
    assert res.item("subject.face.exposure").status == Status.PASS
    assert "grey card" in res.item("subject.face.balance").message_en


def test_empty_subject_picture_is_undetermined(analyzer, ref):
    bd = synthetic.backdrop(PORTRAIT, seed=12)
    res = calibrate(bd, bd, reference=ref, analyzer=analyzer)
    assert res.subject.kind == "none"
    assert all(res.item(i).status == Status.UNDETERMINED for i in
               ("subject.face.balance", "subject.face.exposure", "subject.shadow"))
    assert res.passed


# -- report and profile ------------------------------------------------------------------------


def test_report_and_profile_are_saved_and_reloaded(ref, tmp_path):
    img = synthetic.backdrop(PORTRAIT, left_right=0.15, seed=13)
    res = calibrate(img, reference=ref, office="乌鲁木齐市", station="一号机", white_balance="Daylight")
    prof = save_profile(res, tmp_path, backdrop_rgb=img, reference=ref)
    folder = prof.folder
    assert folder is not None and folder.parent == tmp_path / "calibration"
    for name in ("profile.json", "report.html", "heatmap.png", "backdrop.jpg"):
        assert (folder / name).is_file()
    html = (folder / "report.html").read_text(encoding="utf-8")
    lr = res.item("backdrop.evenness.left_right")
    assert lr.value_text() in html and lr.hint_zh in html and lr.hint_en in html
    assert f"{res.backdrop.mean_lstar:.1f}" in html
    assert "乌鲁木齐市" in html and "一号机" in html
    assert res.created_at.strftime("%Y-%m-%d %H:%M") in html
    assert "data:image/png;base64," in html and "<svg" in html
    assert 'src="http' not in html  # self-contained

    loaded = load_latest(tmp_path)
    assert loaded is not None
    assert loaded.folder == folder
    assert loaded.status == Status.FAIL and not loaded.passed
    assert loaded.created_at == res.created_at.replace(microsecond=0)
    assert [i.id for i in loaded.items] == [i.id for i in res.items]
    assert loaded.item("backdrop.evenness.left_right").hint_en == lr.hint_en
    assert loaded.drift_reference is not None

    # a second calibration becomes the profile; the first is kept
    later = calibrate(synthetic.backdrop(PORTRAIT, seed=14), reference=ref,
                      now=res.created_at + dt.timedelta(hours=1))
    save_profile(later, tmp_path, reference=ref)
    assert load_latest(tmp_path).status == Status.PASS
    assert [p.status for p in history(tmp_path)] == [Status.PASS, Status.FAIL]
    # a damaged latest.json falls back to the newest folder
    (tmp_path / "calibration" / LATEST).write_text("{not json", encoding="utf-8")
    assert load_latest(tmp_path).status == Status.PASS


def test_no_profile_yet(tmp_path):
    assert load_latest(tmp_path) is None
    s = summary(None)
    assert s.due and "not calibrated" in s.text_en


def test_calibration_age_and_due(ref, tmp_path):
    made = dt.datetime(2025, 3, 3, 17, 30).astimezone()
    res = calibrate(synthetic.backdrop(PORTRAIT, seed=15), reference=ref, now=made)
    prof = save_profile(res, tmp_path, reference=ref)
    same_day = made + dt.timedelta(minutes=30)
    next_morning = (made + dt.timedelta(days=1)).replace(hour=8)
    assert not is_due(prof, 1, same_day)
    assert is_due(prof, 1, next_morning)  # each morning, even less than 24 h later
    assert not is_due(prof, 2, next_morning)
    s = summary(prof, 1, same_day)
    assert not s.due and s.text_en == "Lighting calibration: 30 min ago, passed"
    assert summary(prof, 1, next_morning).due


def test_drift_detects_a_failed_light(ref, tmp_path, hopper, analyzer):
    calib_img = synthetic.backdrop(PORTRAIT, seed=16)
    prof = save_profile(calibrate(calib_img, reference=ref), tmp_path, reference=ref)
    same = backdrop_stats(synthetic.backdrop(PORTRAIT, seed=17), reference=ref)
    ok = drift(prof, same, ref)
    assert ok.status == Status.PASS and not ok.drifted
    # the left light fails: the left of the backdrop loses most of its light
    failed = synthetic.backdrop(PORTRAIT, seed=18, left_right=0.55)
    res = drift(prof, backdrop_stats(failed, reference=ref), ref)
    assert res.status == Status.FAIL
    assert res.items[1].id == "drift.balance" and res.items[1].status == Status.FAIL
    assert "left light" in res.message("en")
    # live frames with a person: the person is masked out
    h, w = hopper.shape[:2]
    prof2 = save_profile(calibrate(synthetic.backdrop((w, h), level=250.0, seed=19), reference=ref),
                         tmp_path / "b", reference=ref)
    mask = analyzer.analyse(hopper).person_mask
    assert drift(prof2, backdrop_stats(hopper, mask, reference=ref), ref).status == Status.PASS
    dim = synthetic.relight(hopper, np.broadcast_to(np.linspace(0.45, 1.0, w), (h, w)))
    assert drift(prof2, backdrop_stats(dim, mask, reference=ref), ref).status == Status.FAIL
    # no profile, or the backdrop hidden: undetermined, never a false alarm
    assert drift(None, same, ref).status == Status.UNDETERMINED
    full = np.ones((h, w), np.float32)
    assert backdrop_stats(hopper, full, reference=ref) is None


# -- reference data and papers -----------------------------------------------------------------


def test_reference_covers_every_item_with_a_reason(ref):
    for item_id in ALL_ITEMS:
        lim = ref.item(item_id)
        assert lim.rationale and lim.clause and lim.name_zh and lim.name_en, item_id
        assert lim.warn is not None or lim.pass_range is not None or item_id.endswith("temperature")
    s = ref.setup
    assert (s.angle_deg, s.distance_min_m, s.distance_max_m, s.cct_min_k, s.cct_max_k) == (45, 1.5, 2.0, 5500, 5600)


def test_calibration_folder_documents_every_item():
    readme = (reference_dir() / "README.md").read_text(encoding="utf-8")
    for item_id in ALL_ITEMS:
        assert f"`{item_id}`" in readme, item_id


def test_printed_procedure_is_up_to_date(ref):
    on_disk = (reference_dir() / "procedure.html").read_text(encoding="utf-8")
    assert on_disk == procedure_html(ref), (
        "calibration/procedure.html is stale: regenerate it with "
        "`python -m capture_station.calibration procedure calibration/procedure.html`"
    )


def test_report_without_subject_says_so(ref):
    res = calibrate(synthetic.backdrop(PORTRAIT, seed=20), reference=ref)
    html = report_html(res, reference=ref)
    assert "Not done (backdrop only)" in html


# -- command line ------------------------------------------------------------------------------


def _run_cli(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["CAPTURE_STATION_CONFIG"] = str(tmp_path / "settings.json")
    env["CAPTURE_STATION_DATA"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "capture_station", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, input=stdin, timeout=180)


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory, hopper):
    d = tmp_path_factory.mktemp("calib_cli")
    Image.fromarray(synthetic.backdrop(PORTRAIT, seed=21)).save(d / "good.jpg", quality=92)
    Image.fromarray(synthetic.backdrop(PORTRAIT, seed=22, left_right=0.15)).save(d / "left.jpg", quality=92)
    h, w = hopper.shape[:2]
    Image.fromarray(synthetic.backdrop((w, h), level=250.0, seed=23)).save(d / "bd_h.jpg", quality=92)
    Image.fromarray(hopper).save(d / "hopper.jpg", quality=92)
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a picture")
    return d


def test_cli_passes_good_lighting_and_saves_the_profile(cli_files, tmp_path):
    p = _run_cli(["calibrate", str(cli_files / "good.jpg"), "--station", "S1", "--report", "rep"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Lighting calibration: PASS" in p.stdout
    assert (tmp_path / "rep" / "report.html").is_file() and (tmp_path / "rep" / "heatmap.png").is_file()
    prof = load_latest(tmp_path / "data")
    assert prof is not None and prof.station == "S1" and prof.status == Status.PASS


def test_cli_fails_uneven_lighting_with_json(cli_files, tmp_path):
    p = _run_cli(["calibrate", str(cli_files / "left.jpg"), "--json", "--white-balance", "Daylight"], tmp_path)
    assert p.returncode == 1, p.stderr
    out = json.loads(p.stdout)
    assert out["status"] == "fail" and out["profile"]
    failed = [i["id"] for i in out["items"] if i["status"] == "fail"]
    assert failed == ["backdrop.evenness.left_right"]
    assert out["white_balance"]["mode"] == "preset"
    assert any("left side of the backdrop" in h for h in out["hints"])


def test_cli_with_subject_file(cli_files, tmp_path):
    p = _run_cli(["calibrate", str(cli_files / "bd_h.jpg"), "--subject", str(cli_files / "hopper.jpg"),
                  "--json", "--no-save"], tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["complete"] and out["subject"]["kind"] == "face" and out["profile"] is None
    assert not (tmp_path / "data" / "calibration").exists()


def test_cli_from_a_camera(cli_files, tmp_path):
    p = _run_cli(["calibrate", "--camera", f"demo:{cli_files / 'good.jpg'}", "--no-save"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "PASS" in p.stdout


def test_cli_camera_prompts_for_the_subject(tmp_path):
    p = _run_cli(["calibrate", "--camera", "demo", "--subject", "camera", "--json", "--no-save"],
                 tmp_path, stdin="\n")
    assert p.returncode in (0, 1), p.stderr
    assert "Seat a person" in p.stderr
    out = json.loads(p.stdout)
    assert out["complete"] and out["subject"]["kind"] == "face"
    assert out["camera"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["calibrate", "missing.jpg"], "no such file"),
        (["calibrate", "{d}/broken.jpg"], "broken.jpg"),
        (["calibrate"], "BACKDROP_IMAGE"),
        (["calibrate", "{d}/good.jpg", "--subject", "camera"], "--subject camera needs --camera"),
        (["calibrate", "--camera", "nosuchkind:0"], "unknown kind"),
    ],
)
def test_cli_input_errors_exit_2_with_one_line(args, words, cli_files, tmp_path):
    p = _run_cli([a.format(d=cli_files) for a in args], tmp_path)
    assert p.returncode == 2
    lines = [ln for ln in p.stderr.splitlines() if ln.startswith("capture-station:")]
    assert len(lines) == 1 and words in lines[0], p.stderr
    assert "Traceback" not in p.stderr


def test_core_calibration_imports_no_qt():
    code = ("import sys; import capture_station.calibration, capture_station.cli.calibrate_command; "
            "bad = [m for m in sys.modules if m.startswith('PySide6')]; assert not bad, bad")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
