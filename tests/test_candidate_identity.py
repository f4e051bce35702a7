"""One person, one photo: a roster row's admission number and resident ID name the same
candidate, on the command line as in the window."""

from __future__ import annotations

from capture_station.imaging.image_source import open_image_bytes
from capture_station.records.filing import file_photo
from capture_station.records.roster import import_roster
from capture_station.records.store import Store

ADMISSION = "2023650100456"
RESIDENT = "650102199001011239"
RESIDENT_ONLY = "11010519491231002X"  # a row without an admission number


def _store_with_roster(tmp_path) -> Store:  # type: ignore[no-untyped-def]
    roster = tmp_path / "roster.csv"
    roster.write_text(f"准考证号,姓名,身份证号\n{ADMISSION},买买提,{RESIDENT}\n,古丽,{RESIDENT_ONLY}\n",
                      encoding="utf-8")
    s = Store(tmp_path / "store")
    import_roster(s, roster)
    return s


def test_either_id_finds_the_roster_row(tmp_path):
    s = _store_with_roster(tmp_path)
    try:
        by_admission, by_resident = s.find_candidate(ADMISSION), s.find_candidate(RESIDENT)
        assert by_admission is not None and by_admission == by_resident
        assert by_resident.key == ADMISSION and by_resident.admission_number == ADMISSION
        assert by_resident.name == "买买提" and by_resident.resident_id == RESIDENT
        only = s.find_candidate(RESIDENT_ONLY)
        assert only is not None and only.key == RESIDENT_ONLY and only.admission_number is None
        assert s.find_candidate("2023650100999") is None
        assert s.roster_size() == 2
    finally:
        s.close()


def test_a_resident_id_is_filed_under_its_roster_key(tmp_path, pipeline, hopper_shot):
    s = _store_with_roster(tmp_path)
    try:
        res = file_photo(pipeline, open_image_bytes(hopper_shot, "shot.jpg"), RESIDENT, store=s)
        assert res.saved and res.candidate_id == ADMISSION
        assert s.current(ADMISSION) is not None and s.current(RESIDENT) is None
        assert {p.name for p in (s.root / "photos").iterdir()} == {f"{ADMISSION}.jpg"}
        # the same person scanned by admission number is a retake, not a second person
        res = file_photo(pipeline, open_image_bytes(hopper_shot, "shot.jpg"), ADMISSION, store=s)
        assert res.saved and len(s.history(ADMISSION)) == 2
    finally:
        s.close()


def test_a_photo_under_a_rows_resident_id_is_not_listed_as_missing(tmp_path, pipeline, hopper_shot):
    """A photo filed under the resident ID (as older versions did) counts for its roster row."""
    from capture_station.records.export import ExportOptions, run_export
    from capture_station.records.store import PhotoToSave

    s = _store_with_roster(tmp_path)
    try:
        _, enc, _, _ = pipeline.make_photo(open_image_bytes(hopper_shot, "shot.jpg"))
        s.save(PhotoToSave(RESIDENT, enc.data, quality=enc.quality, compliant=True, checks=[]))
        rep = run_export(s, ExportOptions(out=tmp_path / "out", workers=0))
        assert ADMISSION not in rep.missing and RESIDENT_ONLY in rep.missing
        assert [e for e in rep.exported if RESIDENT in str(e)]
    finally:
        s.close()
