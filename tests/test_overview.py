"""The day's records at a glance: the roster with photo states (resident IDs masked, demo shots
not counted as photos) and the counter's numbers; the roster import's progress reports."""

from __future__ import annotations

import datetime as dt

from capture_station.records.overview import (
    PHOTO_DEMO,
    PHOTO_NONE,
    PHOTO_YES,
    day_counts,
    roster_overview,
)
from capture_station.records.roster import import_roster, parse_roster
from capture_station.records.store import PhotoToSave, Store


def _save(store: Store, cid: str, data: bytes, **kw: object) -> None:
    store.save(PhotoToSave(cid, data, quality=80, compliant=kw.pop("compliant", True),  # type: ignore[arg-type]
                           checks=[], **kw))  # type: ignore[arg-type]


def test_roster_overview_and_day_counts(tmp_path, standard):
    s = Store(tmp_path / "store", standard)
    roster = tmp_path / "r.csv"
    roster.write_text("准考证号,姓名,身份证号\n650101202400001,张伟,650102199001011239\n"
                      "650101202400002,王芳,\n650101202400003,李娜,\n,古丽,11010519491231002X\n"
                      "650101202400004,赵六,\n",
                      encoding="utf-8")
    import_roster(s, roster)
    _save(s, "650101202400001", b"\xff\xd8a\xff\xd9")
    _save(s, "650101202400001", b"\xff\xd8b\xff\xd9")  # a retake: still one candidate
    _save(s, "650101202400002", b"\xff\xd8c\xff\xd9", compliant=False, override_reason="伤")
    _save(s, "11010519491231002X", b"\xff\xd8d\xff\xd9", demo=True)
    _save(s, "650101202400003", b"\xff\xd8e\xff\xd9", origin_station="B",
          captured_at="2026-01-02T10:00:00+08:00")  # merged from another station
    _save(s, "1234567890", b"\xff\xd8f\xff\xd9")  # photographed, not on the roster
    rows = {e.key: e for e in roster_overview(s)}
    assert list(rows) == ["11010519491231002X", "650101202400001", "650101202400002",
                          "650101202400003", "650101202400004"]
    none = rows["650101202400004"]
    assert (none.photo, none.compliant, none.last_photo_at, none.missing) == (
        PHOTO_NONE, None, None, True)
    g = rows["11010519491231002X"]
    assert (g.admission, g.resident_masked, g.photo, g.missing) == (
        "", "1101**********002X", PHOTO_DEMO, True)
    assert g.shown_key == "1101**********002X"
    z = rows["650101202400001"]
    assert (z.resident_masked, z.photo, z.compliant, z.missing) == (
        "6501**********1239", PHOTO_YES, True, False)
    assert rows["650101202400002"].compliant is False
    assert rows["650101202400003"].last_photo_at == "2026-01-02T10:00:00+08:00"
    assert all("650102199001011239" not in repr(e) for e in rows.values())
    c = day_counts(s)
    # today here: 650101202400001, 650101202400002 and 1234567890 (not the demo, not the merge)
    assert (c.photographed_today, c.on_roster, c.missing) == (3, 5, 2)
    tomorrow = dt.datetime.now().astimezone() + dt.timedelta(days=1)
    assert day_counts(s, tomorrow).photographed_today == 0
    s.close()


def test_roster_import_reports_its_progress(tmp_path, standard):
    roster = tmp_path / "big.csv"
    roster.write_text("准考证号,姓名\n" + "".join(f"6501012024{i:05d},考生{i}\n" for i in range(1200)),
                      encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    parsed = parse_roster(roster, standard, progress=lambda *a: seen.append(a))
    assert [x for x in seen if x[0] == "check"] == [("check", 500, 1200), ("check", 1000, 1200)]
    s = Store(tmp_path / "store", standard)
    seen.clear()
    rep = import_roster(s, roster, parsed=parsed, progress=lambda *a: seen.append(a))
    assert len(rep.added) == 1200
    assert seen == [("store", 500, 1200), ("store", 1000, 1200)]
    s.close()
