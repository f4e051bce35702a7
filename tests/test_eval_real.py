"""The real-photo evaluation's scoring (benchmarks/eval_real.py), on made-up labels."""

from __future__ import annotations

from pathlib import Path

from benchmarks import eval_real


def test_score_counts_false_alarms_misses_and_undetermined_apart() -> None:
    labels = {
        "a.jpg": {"pose.yaw": "pass"},
        "b.jpg": {"pose.yaw": "pass"},
        "c.jpg": {"pose.yaw": "fail"},
        "d.jpg": {"pose.yaw": "fail"},
        "e.jpg": {"pose.yaw": "-"},
        "f.jpg": {"pose.yaw": "pass"},
    }
    statuses = {
        "a.jpg": {"pose.yaw": "fail"},  # false alarm
        "b.jpg": {"pose.yaw": "warn"},  # a warning is a pass
        "c.jpg": {"pose.yaw": "pass"},  # miss
        "d.jpg": {"pose.yaw": "undetermined"},
        "e.jpg": {"pose.yaw": "fail"},  # unlabelled: not judged
    }
    s = eval_real.score(["pose.yaw"], labels, statuses)
    d = s["checks"]["pose.yaw"]
    assert (d["pass"], d["fail"]) == (3, 2)
    assert d["false_alarms"] == ["a.jpg"]
    assert d["misses"] == ["c.jpg"]
    assert d["undetermined_fail"] == ["d.jpg"] and d["undetermined_pass"] == []
    assert d["not_reported"] == ["f.jpg"]
    assert s["photos_with_false_alarm"] == {"a.jpg": ["pose.yaw"]}
    met = eval_real.targets_met(s)
    assert not met["pose.yaw"]  # 1 false alarm of 3 passes is over 2 %
    assert not met["photos without a false alarm"]  # 5 of 6 is under 90 %


def test_missing_folder_is_skipped_in_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert eval_real.main([str(tmp_path / "nowhere")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "skipped" in out[0]
