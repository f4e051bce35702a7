"""Roster import: GBK / UTF-8(-BOM) CSV and XLSX with Chinese names, bad rows with line numbers,
idempotent re-import, resident IDs masked everywhere but the database, CLI exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capture_station.records.candidate_id import mask_resident_id, resident_id_check_char
from capture_station.records.csv_safe import decode_text, escape_cell, unescape_cell
from capture_station.records.roster import RosterError, import_roster, parse_roster
from capture_station.records.store import Store

REPO = Path(__file__).resolve().parent.parent


def rid(body17: str) -> str:
    """A resident ID number with a correct GB 11643 check digit."""
    return body17 + resident_id_check_char(body17)


R1 = rid("65010219900101123")
R2 = rid("65290119850505234")
R3 = rid("65400319921212345")
BAD_CHECK = R1[:17] + ("0" if R1[17] != "0" else "1")

ROWS_ZH = [
    ("650101202400001", "张伟", R1, "乌鲁木齐市"),
    ("650101202400002", "阿依古丽·买买提", R2, "喀什地区"),
    ("650101202400003", "王芳", R3, "伊犁州"),
]


def csv_text(header: list[str], rows: list[tuple[str, ...]]) -> str:
    return "\r\n".join(",".join(r) for r in [tuple(header), *rows]) + "\r\n"


def run_cli(*args: str, data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["CAPTURE_STATION_DATA"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "capture_station", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


@pytest.fixture
def store(tmp_path, standard):
    s = Store(tmp_path / "store", standard, station="st1")
    yield s
    s.close()


def candidates(store: Store) -> list[tuple]:
    return [tuple(r) for r in store._db.execute("SELECT * FROM candidates ORDER BY candidate_id")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_each_encoding_imports_chinese_names(tmp_path, store, encoding):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_text(["准考证号", "姓名", "身份证号", "考区"], ROWS_ZH).encode(encoding))
    rep = import_roster(store, p)
    assert (len(rep.added), len(rep.updated), rep.unchanged, len(rep.bad)) == (3, 0, 0, 0)
    assert rep.encoding == {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "gbk": "gb18030",
                            "gb18030": "gb18030"}[encoding]
    rows = {r[0]: r for r in candidates(store)}
    assert rows["650101202400002"][1] == "阿依古丽·买买提"
    assert rows["650101202400001"][2] == R1  # stored whole in the database only
    assert rows["650101202400003"][3] == "伊犁州"
    assert rows["650101202400001"][4] == "roster.csv"


def test_gbk_header_variants_and_english_headers(tmp_path, store):
    p = tmp_path / "gbk.csv"
    p.write_bytes(csv_text(["考生号", "姓名", "证件号码", "地州"], ROWS_ZH[:2]).encode("gbk"))
    assert len(import_roster(store, p).added) == 2
    q = tmp_path / "en.csv"
    q.write_text(csv_text(["exam_no", "Name", "ID Number", "Office"],
                          [("650101202400009", "李娜", rid("65010219950101000"), "Hami")]),
                 encoding="utf-8")
    rep = import_roster(store, q)
    assert rep.columns == {"admission": "exam_no", "name": "Name", "resident": "ID Number",
                           "office": "Office"}
    assert len(rep.added) == 1


def test_resident_id_is_the_key_without_an_admission_number(tmp_path, store):
    p = tmp_path / "r.csv"
    p.write_bytes(csv_text(["姓名", "身份证号码"], [("张伟", R1[:17] + R1[17].lower())]).encode("gbk"))
    rep = import_roster(store, p)
    assert rep.added == [R1]
    assert candidates(store)[0][0] == R1
    assert rep.as_json()["added_ids"] == [mask_resident_id(R1)]


def test_bad_rows_reported_with_line_numbers_and_not_imported(tmp_path, store):
    text = (
        "2024年下半年毕业申请名单\r\n"          # 1: a title above the header
        "准考证号,姓名,身份证号,考区\r\n"       # 2
        f"650101202400001,张伟,{R1},乌鲁木齐\r\n"  # 3 good
        f"١٢٣٤٥٦٧٨٩٠,李四,{R2},喀什\r\n"  # 4 look-alike (Arabic-Indic) digits
        f"650101202400002,,{R2},喀什\r\n"        # 5 missing name
        f"650101202400003,王芳,{BAD_CHECK},伊犁\r\n"  # 6 bad check digit
        f"650101202400001,张伟,{R1},乌鲁木齐\r\n"  # 7 duplicate of line 3
        "\r\n"                                    # 8 blank: skipped
        f'650101202400004,"赵\n六",{R3},哈密\r\n'  # 9-10: a quoted cell over two lines (good)
        "6.50101E+14,钱七,,和田\r\n"              # 11 Excel scientific notation
        "12345,孙八,,和田\r\n"                    # 12 too short
        ",周九,,阿勒泰\r\n"                       # 13 no ID at all
    )
    p = tmp_path / "bad.csv"
    p.write_bytes(text.encode("utf-8-sig"))
    rep = import_roster(store, p)
    lines = {b.line: str(b.reason) for b in rep.bad}
    assert sorted(lines) == [4, 5, 6, 7, 11, 12, 13]
    assert "not plain digits" in lines[4] or "look-alike" in lines[4]
    assert lines[5] == "missing name"
    assert "check digit" in lines[6]
    assert "duplicate" in lines[7] and "line 3" in lines[7]
    assert "scientific notation" in lines[11]
    assert "digits" in lines[12]
    assert "no admission number" in lines[13]
    assert sorted(rep.added) == ["650101202400001", "650101202400004"]
    assert [r[0] for r in candidates(store)] == ["650101202400001", "650101202400004"]
    assert rep.exit_code == 1
    # personal data never appears whole in the report
    dumped = json.dumps(rep.as_json(), ensure_ascii=False)
    assert BAD_CHECK not in dumped and R1 not in dumped and R2 not in dumped
    assert mask_resident_id(BAD_CHECK) in dumped


def test_conflicting_duplicates_import_neither(tmp_path, store):
    p = tmp_path / "dup.csv"
    p.write_text(csv_text(["准考证号", "姓名"], [("650101202400001", "张伟"),
                                                ("650101202400001", "张玮")]), encoding="utf-8")
    rep = import_roster(store, p)
    assert [b.line for b in rep.bad] == [2, 3] and not rep.added


def test_reimport_changes_nothing_and_changes_are_updates(tmp_path, store):
    p = tmp_path / "roster.csv"
    p.write_bytes(csv_text(["准考证号", "姓名", "身份证号", "考区"], ROWS_ZH).encode("gbk"))
    import_roster(store, p)
    before = candidates(store)
    rep = import_roster(store, p)
    assert (len(rep.added), len(rep.updated), rep.unchanged, len(rep.bad)) == (0, 0, 3, 0)
    assert candidates(store) == before  # imported_at and source_file untouched too
    changed = [ROWS_ZH[0], ("650101202400002", "阿依古丽", R2, "喀什地区"), ROWS_ZH[2]]
    p.write_bytes(csv_text(["准考证号", "姓名", "身份证号", "考区"], changed).encode("gbk"))
    rep = import_roster(store, p)
    assert (len(rep.added), rep.updated, rep.unchanged) == (0, ["650101202400002"], 2)
    actions = [r["action"] for r in store.audit_log()]
    assert actions == ["import", "import", "import"]
    for r in store.audit_log():
        assert R1 not in (r["detail"] or "")


def test_xlsx_with_title_row_numbers_and_bad_rows(tmp_path, store):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["乌鲁木齐市自考办 毕业生名单"])
    ws.append(["序号", "准考证号", "姓名", "身份证号码", "办公室"])
    ws.append([1, 650101202400001, "张伟", R1, "乌鲁木齐"])  # admission number stored as a number
    ws.append([2, "650101202400002", "阿依古丽·买买提", R2, "喀什"])
    ws.append([3, "650101202400003", None, R3, "伊犁"])  # row 5: missing name
    ws.append([4, "650101202400004", "王芳", BAD_CHECK, "伊犁"])  # row 6: bad check digit
    p = tmp_path / "名单.xlsx"
    wb.save(p)
    rep = import_roster(store, p)
    assert rep.encoding == "xlsx"
    assert sorted(rep.added) == ["650101202400001", "650101202400002"]
    assert [(b.line, b.sheet) for b in rep.bad] == [(5, "名单"), (6, "名单")]
    assert "check digit" in str(rep.bad[1].reason)
    assert {r[0]: r[1] for r in candidates(store)}["650101202400002"] == "阿依古丽·买买提"
    assert import_roster(store, p).unchanged == 2


def test_unreadable_inputs_raise_roster_error(tmp_path, standard):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    noheader = tmp_path / "nh.csv"
    noheader.write_text("a,b,c\r\n1,2,3\r\n", encoding="utf-8")
    fake_xlsx = tmp_path / "fake.xlsx"
    fake_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    for p in (junk, noheader, fake_xlsx, xls, tmp_path / "absent.csv"):
        with pytest.raises(RosterError):
            parse_roster(p, standard)


def test_formula_cells_are_escaped_and_read_back():
    assert escape_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    for s in ("+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1"):
        assert escape_cell(s) == "'" + s and unescape_cell("'" + s) == s
    assert escape_cell("张伟") == "张伟" and escape_cell(-3) == -3 and unescape_cell("'abc") == "'abc"
    assert decode_text("张伟".encode("gbk")) == ("张伟", "gb18030")
    assert decode_text("\ufeff张伟".encode()) == ("张伟", "utf-8-sig")


# -- command line ---------------------------------------------------------------------------------
def test_cli_roster_import_exit_codes_and_masking(tmp_path):
    data = tmp_path / "data"
    good = tmp_path / "good.csv"
    good.write_bytes(csv_text(["准考证号", "姓名", "身份证号", "考区"], ROWS_ZH).encode("gbk"))
    r = run_cli("roster", "import", str(good), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["added"], out["updated"], out["unchanged"], out["bad"]) == (3, 0, 0, 0)
    r = run_cli("roster", "import", str(good), "--json", data_dir=data)
    assert json.loads(r.stdout)["unchanged"] == 3 and r.returncode == 0

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(["准考证号", "姓名", "身份证号"], [
        ("650101202400005", "刘洋", BAD_CHECK), ("650101202400006", "陈静", R3)]), encoding="utf-8")
    r = run_cli("roster", "import", str(bad), data_dir=data)
    assert r.returncode == 1
    assert "line 2" in r.stdout and mask_resident_id(BAD_CHECK) in r.stdout
    assert BAD_CHECK not in r.stdout + r.stderr and R3 not in r.stdout + r.stderr

    for args in (["roster", "import", str(tmp_path / "absent.csv")],
                 ["roster", "import", str(tmp_path)]):
        r = run_cli(*args, data_dir=data)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x81\x30\xff\xfe\x00" * 50 + bytes(range(128, 256)))
    r = run_cli("roster", "import", str(junk), data_dir=data)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_huge_rosters(tmp_path, store, standard):
    """A file beyond the size limit is refused before it is read; a large real roster (50,000
    rows, GB18030) imports in one go."""
    import time

    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(65 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(RosterError, match="too large"):
        parse_roster(huge, standard)
    rows = [(f"{6501202400000 + i}", f"考生{i}") for i in range(50_000)]
    big = tmp_path / "big.csv"
    big.write_bytes(csv_text(["准考证号", "姓名"], rows).encode("gb18030"))
    t0 = time.perf_counter()
    import_roster(store, big)
    elapsed = time.perf_counter() - t0
    assert len(candidates(store)) == 50_000
    assert elapsed < 60, elapsed
