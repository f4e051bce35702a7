"""Station settings (core, no Qt): typed values, versions and migrations, damaged files, and
the list of examination offices."""

from __future__ import annotations

import json

from capture_station import settings as st


def test_defaults_and_round_trip(tmp_path):
    p = tmp_path / "cfg" / "settings.json"
    assert not st.settings_exist(p)
    s = st.load_settings(p)
    assert s.language == "zh_CN" and s.auto_capture is False
    assert s.calibration_interval_days == 1 and s.office == ""
    s.office, s.station_name, s.operator, s.camera = "kashgar", "站点2", "李四", "webcam:0"
    s.auto_capture, s.auto_capture_frames = True, 7
    st.save_settings(s, p)
    assert st.settings_exist(p)
    back = st.load_settings(p)
    assert back == s
    data = json.loads(p.read_text(encoding="utf-8"))
    assert data["schema_version"] == st.SCHEMA_VERSION


def test_env_points_at_another_file(tmp_path, monkeypatch):
    p = tmp_path / "other.json"
    monkeypatch.setenv(st.ENV_CONFIG, str(p))
    assert st.default_settings_path() == p


def test_migrations_from_older_versions(tmp_path):
    p = tmp_path / "settings.json"
    # version 0: no schema_version, old key names
    p.write_text(json.dumps({"office": "hotan", "camera_spec": "gphoto2", "lang": "en"}))
    s = st.load_settings(p)
    assert (s.office, s.camera, s.language) == ("hotan", "gphoto2", "en")
    assert s.schema_version == st.SCHEMA_VERSION
    # version 1: the auto-capture frame count had another name
    p.write_text(json.dumps({"schema_version": 1, "auto_frames": 12, "auto_capture": True}))
    s = st.load_settings(p)
    assert s.auto_capture_frames == 12 and s.auto_capture is True


def test_bad_values_fall_back_with_warnings(tmp_path):
    p = tmp_path / "settings.json"
    p.write_text(json.dumps({
        "schema_version": st.SCHEMA_VERSION, "language": "fr", "auto_capture": "yes",
        "auto_capture_frames": 0, "calibration_interval_days": 2, "operator": 5,
    }))
    warnings: list[str] = []
    s = st.load_settings(p, warnings)
    assert s.language == "zh_CN" and s.auto_capture is False
    assert s.auto_capture_frames == st.Settings().auto_capture_frames
    assert s.calibration_interval_days == 2 and s.operator == ""
    assert len(warnings) == 4


def test_unreadable_file_is_kept_aside(tmp_path):
    p = tmp_path / "settings.json"
    p.write_text("{not json", encoding="utf-8")
    warnings: list[str] = []
    s = st.load_settings(p, warnings)
    assert s == st.Settings()
    assert not p.exists()
    kept = list(tmp_path.glob("settings.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"
    assert warnings


def test_newer_file_keeps_unknown_keys(tmp_path):
    p = tmp_path / "settings.json"
    p.write_text(json.dumps({"schema_version": 99, "office": "ili", "future_key": [1, 2]}))
    warnings: list[str] = []
    s = st.load_settings(p, warnings)
    assert s.office == "ili" and s.extra["future_key"] == [1, 2]
    st.save_settings(s, p)
    assert json.loads(p.read_text())["future_key"] == [1, 2]
    assert any("newer" in w for w in warnings)


def test_sixteen_offices_with_phone_numbers():
    offices = st.load_offices()
    assert len(offices) == 16
    assert len({o.code for o in offices}) == 16
    assert offices[0].name_zh == "乌鲁木齐市" and offices[0].phones == ("0991-8810121",)
    assert st.office_by_code("karamay").phones == ("0990-6223591", "0990-6222947")
    assert st.office_by_code("kizilsu").phones == ("0908-7625029", "0908-7625000")
    assert offices[-1].name_zh == "伊犁州" and offices[-1].phones == ("0999-8290040",)
    for o in offices:
        assert o.phones and all(p[:4].isdigit() and p[4] == "-" for p in o.phones)
    assert st.office_by_code("nowhere") is None
