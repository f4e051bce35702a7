"""The records layer speaks the operator's language: every refusal and row reason of the roster
import, the export, the merge of another station's export and the store is Chinese under
``--lang zh_CN`` and English under ``--lang en``, one line, exit 2, no traceback; what scripts
read (``--json``, the CSV column names) stays the same in both."""

from __future__ import annotations

import csv
import io
import json
import re
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from capture_station import messages
from capture_station.cli.main import main
from capture_station.messages import TEXTS, LocalizedError, Msg, text

CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row: a sentence, not a path, a file name or "UTF-8".
ENGLISH = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")  # an English text has some
RESIDENT = "11010519491231002X"  # a valid resident ID (check digit right)


@pytest.fixture(autouse=True)
def _english_afterwards():
    """main() sets the language of the process; the other tests read English."""
    yield
    messages.set_language("en")


# -- the table -----------------------------------------------------------------------------------

def _fields(t: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(t) if f}


# English alone has a plural ending; Chinese has none.
_ENGLISH_ONLY_FIELDS = {"calibration.summary": {"plural"}}


def test_every_text_has_both_languages_and_the_same_placeholders():
    for key, (zh, en) in TEXTS.items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en) - _ENGLISH_ONLY_FIELDS.get(key, set()), key


def test_every_records_text_in_chinese_is_chinese():
    areas = ("id.", "csv.", "roster.", "row.", "export.", "merge.", "store.", "field.")
    plain = {"merge.member_refused", "merge.manifest_decode", "export.ids_decode"}  # "{a}：{b}"
    for key, (zh, en) in TEXTS.items():
        if key.startswith(areas) and key not in plain:
            assert CJK.search(zh), key
            assert not CJK.search(en) or key == "roster.no_header", key  # its example headers


# -- rendered when read ----------------------------------------------------------------------------

def test_a_refusal_follows_the_language_of_the_moment_it_is_read():
    from capture_station.records.export import ExportError
    from capture_station.records.store import StoreError

    messages.set_language("zh_CN")
    e = ExportError("export.no_folder", folder="/x")  # raised in Chinese (a worker thread)
    s = StoreError(28, Msg("store.cannot", what=Msg("store.what.import_roster"),
                           why=Msg("store.why.disk_full")))
    assert str(e) == "文件夹 /x 不存在" and str(s) == "无法导入名单：磁盘已满"
    messages.set_language("en")  # the operator switched before it was shown
    assert str(e) == "folder /x does not exist" and str(s) == "cannot import a roster: disk full"
    # nested in another text, an exception renders in that text's language
    assert text("error.invalid_id", "zh_CN", why=e) == "考生号无效：文件夹 /x 不存在"


def test_a_read_only_store_refuses_an_import_in_the_language_of_the_reader(tmp_path):
    from capture_station.records.roster import import_roster
    from capture_station.records.store import Store, StoreError

    roster = tmp_path / "r.csv"
    roster.write_text("准考证号,姓名\n1234567890,张三\n", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        store.read_only = True  # as a store on a read-only file system opens
        with pytest.raises(StoreError) as info:
            import_roster(store, roster)
    assert str(info.value).startswith("cannot import a roster: the data folder ")
    messages.set_language("zh_CN")
    assert str(info.value) == (f"无法导入名单：数据文件夹 {tmp_path / 'store'} 在只读文件系统上；"
                               "未保存任何内容")


def test_a_text_already_in_the_readers_language_is_kept_as_it_is():
    assert str(LocalizedError("请填写导出位置")) == "请填写导出位置"
    with pytest.raises(KeyError):
        Msg("no.such.key")


# -- the command line: refusals ------------------------------------------------------------------

def _roster_missing(tmp: Path) -> list[str]:
    return ["roster", "import", str(tmp / "nonexistent.csv")]


def _roster_no_header(tmp: Path) -> list[str]:
    (tmp / "r.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return ["roster", "import", str(tmp / "r.csv")]


def _roster_xls(tmp: Path) -> list[str]:
    (tmp / "r.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return ["roster", "import", str(tmp / "r.xls")]


def _roster_mixed_encodings(tmp: Path) -> list[str]:
    data = "准考证号,姓名\n".encode() + "1234567890,张三\n".encode("gbk")
    (tmp / "r.csv").write_bytes(data)
    return ["roster", "import", str(tmp / "r.csv")]


def _roster_header_only(tmp: Path) -> list[str]:
    (tmp / "r.csv").write_text("准考证号,姓名\n", encoding="utf-8")
    return ["roster", "import", str(tmp / "r.csv")]


def _roster_bad_workbook(tmp: Path) -> list[str]:
    (tmp / "r.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    return ["roster", "import", str(tmp / "r.xlsx")]


def _export_no_folder(tmp: Path) -> list[str]:
    return ["export", "--out", str(tmp / "nonexistent" / "x.zip"), "--zip"]


def _export_exists(tmp: Path) -> list[str]:
    (tmp / "old").mkdir()
    return ["export", "--out", str(tmp / "old")]


def _export_bad_date(tmp: Path) -> list[str]:
    return ["export", "--out", str(tmp / "x"), "--since", "2026-13-01"]


def _export_date_out_of_range(tmp: Path) -> list[str]:
    return ["export", "--out", str(tmp / "x"), "--until", "1999-01-01"]


def _export_bad_id_line(tmp: Path) -> list[str]:
    (tmp / "ids.txt").write_text("准考证号\n1234567890\n12345\n", encoding="utf-8")
    return ["export", "--out", str(tmp / "x"), "--ids", str(tmp / "ids.txt")]


def _export_empty_ids(tmp: Path) -> list[str]:
    (tmp / "ids.txt").write_text("# nothing\n", encoding="utf-8")
    return ["export", "--out", str(tmp / "x"), "--ids", str(tmp / "ids.txt")]


def _export_inside_store(tmp: Path) -> list[str]:
    _make_store(tmp)
    return ["export", "--out", str(tmp / "store" / "x")]


def _export_no_store(tmp: Path) -> list[str]:
    return ["export", "--out", str(tmp / "x")]  # the data folder was never made


def _merge_not_an_export(tmp: Path) -> list[str]:
    (tmp / "other").mkdir()
    return ["import-export", str(tmp / "other")]


def _merge_not_a_zip(tmp: Path) -> list[str]:
    (tmp / "other.zip").write_bytes(b"not a zip at all")
    return ["import-export", str(tmp / "other.zip")]


def _merge_manifest_lacks_columns(tmp: Path) -> list[str]:
    (tmp / "other").mkdir()
    (tmp / "other" / "manifest.csv").write_text("candidate_id,name\n1234567890,张三\n",
                                                encoding="utf-8")
    return ["import-export", str(tmp / "other")]


def _store_not_empty(tmp: Path) -> list[str]:
    (tmp / "store").mkdir()
    (tmp / "store" / "notes.txt").write_text("not a store", encoding="utf-8")
    (tmp / "r.csv").write_text("准考证号,姓名\n1234567890,张三\n", encoding="utf-8")
    return ["roster", "import", str(tmp / "r.csv")]


def _store_newer_schema(tmp: Path) -> list[str]:
    import sqlite3

    _make_store(tmp)
    db = sqlite3.connect(tmp / "store" / "station.db")
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    return ["export", "--out", str(tmp / "x")]


def _store_symlink(tmp: Path) -> list[str]:
    _make_store(tmp)
    (tmp / "elsewhere").mkdir()
    photos = tmp / "store" / "photos"
    photos.rmdir()
    photos.symlink_to(tmp / "elsewhere")
    return ["export", "--out", str(tmp / "x")]


def _invalid_id(tmp: Path) -> list[str]:
    return ["process", str(tmp / "nonexistent.jpg"), "--id", "12345"]


def _make_store(tmp: Path) -> None:
    from capture_station.records.store import Store

    Store(tmp / "store").close()


REFUSALS: dict[str, Callable[[Path], list[str]]] = {
    "roster: no such file": _roster_missing,
    "roster: no header row": _roster_no_header,
    "roster: old .xls": _roster_xls,
    "roster: UTF-8 and GBK mixed": _roster_mixed_encodings,
    "roster: no candidate rows": _roster_header_only,
    "roster: workbook unreadable": _roster_bad_workbook,
    "export: folder missing": _export_no_folder,
    "export: exists": _export_exists,
    "export: invalid date": _export_bad_date,
    "export: date out of range": _export_date_out_of_range,
    "export: ID list line": _export_bad_id_line,
    "export: empty ID list": _export_empty_ids,
    "export: inside the data folder": _export_inside_store,
    "store: no store": _export_no_store,
    "store: not empty, not a store": _store_not_empty,
    "store: newer schema": _store_newer_schema,
    "store: symbolic link refused": _store_symlink,
    "import-export: not an export": _merge_not_an_export,
    "import-export: not a ZIP": _merge_not_a_zip,
    "import-export: manifest lacks columns": _merge_manifest_lacks_columns,
    "candidate ID": _invalid_id,
}


def _refusal(capsys, tmp_path: Path, lang: str, make: Callable[[Path], list[str]]) -> str:
    args = make(tmp_path)
    code = main(["--lang", lang, "--data-dir", str(tmp_path / "store"), *args])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("capture-station: "), err
    return err.removeprefix("capture-station: ")


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refusal_in_chinese_is_chinese(case, tmp_path, capsys):
    line = _refusal(capsys, tmp_path, "zh_CN", REFUSALS[case])
    assert CJK.search(line), line
    assert not ENGLISH.search(line.replace(str(tmp_path), "")), line


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refusal_in_english_is_english(case, tmp_path, capsys):
    line = _refusal(capsys, tmp_path, "en", REFUSALS[case])
    assert ENGLISH_WORDS.search(line), line
    if case != "roster: no header row":  # names the Chinese headers it looks for
        assert not CJK.search(line), line


def test_the_real_command_refuses_in_chinese_from_the_locale(tmp_path):
    """The installed entry point, its language from the locale alone."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "CAPTURE_STATION"))}
    env.update(LANG="zh_CN.UTF-8", CAPTURE_STATION_DATA=str(tmp_path / "store"))
    r = subprocess.run([sys.executable, "-m", "capture_station", *_roster_xls(tmp_path)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == "capture-station: r.xls：这是旧版Excel（.xls）格式；请在Excel中另存为 .xlsx 或CSV后再导入"


# -- the command line: row reasons ---------------------------------------------------------------

BAD_ROSTER = (
    "准考证号,姓名,身份证号\n"
    "12345,李四,\n"                                  # 2 too short
    "1234567890,,\n"                                 # 3 no name
    f"1234567891,王五,{RESIDENT[:-1]}9\n"            # 4 wrong check digit
    "6.5E+14,赵六,\n"                                # 5 scientific notation
    ",周九,\n"                                       # 6 no ID
    "1234567892,钱七,\n"                             # 7 good
    "1234567892,钱七,\n"                             # 8 same as line 7
)


def _import_bad_roster(tmp_path: Path, capsys, lang: str, *extra: str) -> tuple[int, str]:
    tmp_path.mkdir(exist_ok=True)
    p = tmp_path / "bad.csv"
    p.write_text(BAD_ROSTER, encoding="utf-8")
    code = main(["--lang", lang, "--data-dir", str(tmp_path / "store"), "roster", "import",
                 str(p), *extra])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_roster_row_reasons_follow_the_language(tmp_path, capsys):
    code, out = _import_bad_roster(tmp_path, capsys, "zh_CN")
    rows = [ln for ln in out.splitlines() if ln.startswith("  第 ")]
    assert code == 1 and len(rows) == 6, out
    for row in rows:
        assert CJK.search(row.split("：", 1)[1]) and not ENGLISH.search(row), row
    assert RESIDENT[:-1] not in out and "1101**********0029" in out  # masked
    code, out = _import_bad_roster(tmp_path / "en", capsys, "en")
    rows = [ln for ln in out.splitlines() if ln.startswith("  line ")]
    assert len(rows) == 6 and not any(CJK.search(r.split(": ", 1)[1]) for r in rows), out


def test_roster_json_reasons_stay_english(tmp_path, capsys):
    _, zh = _import_bad_roster(tmp_path, capsys, "zh_CN", "--json")
    _, en = _import_bad_roster(tmp_path / "en", capsys, "en", "--json")
    zh_rows, en_rows = json.loads(zh)["bad_rows"], json.loads(en)["bad_rows"]
    assert zh_rows == en_rows and len(zh_rows) == 6
    assert {r["line"]: r["reason"] for r in zh_rows}[3] == "missing name"


def _manifest_export(tmp_path: Path) -> Path:
    """An export folder whose every row is refused before any photo is read."""
    d = tmp_path / "other"
    d.mkdir()
    sha = "0" * 64
    rows = [
        "candidate_id,name,file,sha256,captured_at,station",
        f"12345,李四,12345.jpg,{sha},2026-05-01T09:00:00+08:00,B",          # invalid ID
        f"1234567890,张三,x.jpg,{sha},2026-05-01T09:00:00+08:00,B",         # wrong file name
        "1234567891,王五,1234567891.jpg,abc,2026-05-01T09:00:00+08:00,B",   # bad sha256
        f"1234567892,赵六,1234567892.jpg,{sha},yesterday,B",                # no time
        f"1234567893,钱七,1234567893.jpg,{sha},2999-01-01T00:00:00+08:00,B",  # future
        f"1234567894,孙八,1234567894.jpg,{sha},2026-05-01T09:00:00+08:00,B",  # file missing
    ]
    (d / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return d


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_merge_row_reasons_follow_the_language(lang, tmp_path, capsys):
    src = _manifest_export(tmp_path)
    code = main(["--lang", lang, "--data-dir", str(tmp_path / "store"), "import-export",
                 "--workers", "0", str(src)])
    out, err = capsys.readouterr()
    assert code == 1 and err == "", (out, err)
    rows = out.splitlines()[1:]
    assert len(rows) == 6, out
    for row in rows:
        reason = row.split("：" if lang == "zh_CN" else ": ", 1)[1]
        if lang == "zh_CN":
            assert CJK.search(reason) and not ENGLISH.search(reason), row
        else:
            assert not CJK.search(reason) and ENGLISH_WORDS.search(reason), row


# -- the export's excluded.csv -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_excluded_csv_has_both_languages_whatever_the_command_speaks(lang, tmp_path, capsys,
                                                                      hopper_shot):
    from capture_station.records.store import PhotoToSave, Store

    with Store(tmp_path / "store") as store:
        store.save(PhotoToSave("1234567890", hopper_shot, quality=90, compliant=True, demo=True))
    code = main(["--lang", lang, "--data-dir", str(tmp_path / "store"), "export",
                 "--out", str(tmp_path / "out"), "--workers", "0"])
    out, err = capsys.readouterr()
    assert code == 1 and err == "", (out, err)
    line = next(ln for ln in out.splitlines() if "1234567890" in ln)
    assert bool(CJK.search(line)) == (lang == "zh_CN"), line
    raw = (tmp_path / "out" / "excluded.csv").read_text(encoding="utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(raw)))
    assert list(row) == ["candidate_id", "name", "reason", "reason_zh"]
    assert row["reason"] == text("export.excl.demo", "en")
    assert row["reason_zh"] == text("export.excl.demo", "zh_CN")


def test_process_refusals_follow_the_language(tmp_path):
    """An image that cannot be read, and a shot no photo can be made from, are refused in the
    reader's language: one line, exit 2 for the bad file."""
    import subprocess
    import sys

    missing = tmp_path / "nothere.jpg"
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a jpeg at all")
    for path, zh, en in ((missing, "文件不存在", "no such file"), (junk, "不是可读取的图像文件",
                                                                   "not an image file")):
        for lang, want in (("zh_CN", zh), ("en", en)):
            r = subprocess.run([sys.executable, "-m", "capture_station", "--lang", lang,
                                "--data-dir", str(tmp_path / "data"), "process", str(path),
                                "--id", "1234567890"], capture_output=True, text=True, timeout=120)
            assert r.returncode == 2, r.stderr
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and want in lines[0], r.stderr
            assert "Traceback" not in r.stderr
