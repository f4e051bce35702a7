"""The command line as scripts use it: exit codes, JSON shape, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, data_dir: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if data_dir is not None:
        env["CAPTURE_STATION_DATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "capture_station", *args],
        capture_output=True, text=True, timeout=timeout, env=env,
    )


def test_version():
    r = run("--version")
    assert r.returncode == 0 and "capture-station" in r.stdout


def test_process_then_check_roundtrip(tmp_path, shots_dir):
    store = tmp_path / "store"
    r = run("process", str(shots_dir / "hopper.jpg"), "--id", "650101202400123", "--json",
            data_dir=store)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"id", "source", "path", "compliant", "bytes", "quality", "checks", "hints"}
    assert out["compliant"] is True and out["id"] == "650101202400123"
    assert {c["status"] for c in out["checks"]} <= {"pass", "warn", "undetermined"}
    for c in out["checks"]:
        assert set(c) >= {"id", "status", "value", "limits", "message"}
    saved = store / "photos" / "650101202400123.jpg"
    assert Path(out["path"]) == saved and saved.stat().st_size == out["bytes"]
    r = run("check", str(saved), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 1 and rows[0]["compliant"]


def test_process_out_dir_writes_only_the_photo(tmp_path, shots_dir):
    r = run("process", str(shots_dir / "hopper.jpg"), "--id", "1234567890", "--out", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["1234567890.jpg"]


def test_smiling_portrait_is_refused_then_forced(tmp_path, shots_dir):
    r = run("process", str(shots_dir / "astronaut.jpg"), "--id", "1234567890", "--json",
            data_dir=tmp_path)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    failing = {c["id"] for c in out["checks"] if c["status"] == "fail"}
    assert failing and all(f.startswith("expression.") for f in failing), failing
    assert not list((tmp_path / "photos").iterdir())
    r = run("process", str(shots_dir / "astronaut.jpg"), "--id", "1234567890", "--force",
            "--reason", "candidate cannot close lips (medical)", data_dir=tmp_path)
    assert r.returncode == 1  # saved, but still reported as not compliant
    assert (tmp_path / "photos" / "1234567890.jpg").exists()


def test_not_feasible_is_exit_1_and_saves_nothing(tmp_path, shots_dir):
    r = run("process", str(shots_dir / "hopper_raw.jpg"), "--id", "1234567890", "--json",
            data_dir=tmp_path)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["compliant"] is False and out["hints"]
    assert not list((tmp_path / "photos").iterdir())


@pytest.mark.parametrize("bad_id", ["../../x", "١٢٣٤٥٦٧٨٩٠", "", "12 34"])
def test_bad_id_is_one_line_exit_2(tmp_path, shots_dir, bad_id):
    r = run("process", str(shots_dir / "hopper.jpg"), "--id", bad_id, data_dir=tmp_path / "s")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "candidate ID" in r.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "content", [b"", b"not an image at all", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50]
)
def test_bad_image_is_one_line_exit_2(tmp_path, content):
    p = tmp_path / "bad.jpg"
    p.write_bytes(content)
    r = run("process", str(p), "--id", "1234567890", data_dir=tmp_path / "s")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_missing_file_and_folder(tmp_path):
    r = run("process", str(tmp_path / "nope.jpg"), "--id", "1234567890", data_dir=tmp_path / "s")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = run("process", str(tmp_path), "--id", "1234567890", data_dir=tmp_path / "s")
    assert r.returncode == 2 and "folder" in r.stderr


def test_check_flags_a_padded_and_a_wrong_size_photo(tmp_path, shots_dir):
    good = tmp_path / "good"
    r = run("process", str(shots_dir / "hopper.jpg"), "--id", "1234567890", "--out", str(good))
    assert r.returncode == 0
    data = (good / "1234567890.jpg").read_bytes()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "1111111111.jpg").write_bytes(data)
    (mixed / "2222222222.jpg").write_bytes(data + b"\x00" * 3000)
    (mixed / "3333333333.jpg").write_bytes((shots_dir / "hopper_raw.jpg").read_bytes())
    r = run("check", str(mixed), "--json")
    assert r.returncode == 1
    rows = {Path(x["path"]).stem: x for x in json.loads(r.stdout)}
    st = {k: {c["id"]: c["status"] for c in v["checks"]} for k, v in rows.items()}
    assert rows["1111111111"]["compliant"]
    assert st["2222222222"]["file.format"] == "fail"
    assert st["3333333333"]["file.dimensions"] == "fail"
    r = run("check", str(tmp_path / "missing.jpg"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
