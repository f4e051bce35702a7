"""The day's records in the window: roster import with its rejected rows, the roster list
(filter, search, start a candidate), the day's counter, demo photos marked as such, and the
export for upload, all through the real window and its worker threads (demo camera, real
photos made by the pipeline, a real store)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_export import read_csv, real_photos, save  # noqa: E402
from test_gui_flow import _accept, _capture_to_review, _tick_checklist, close_windows  # noqa: E402

from capture_station.gui import i18n  # noqa: E402
from capture_station.gui.main_window import MainWindow, Phase  # noqa: E402
from capture_station.records.store import Store  # noqa: E402
from capture_station.settings import Settings  # noqa: E402

RESIDENT = "650102199001011239"  # valid check digit
ROSTER = (
    "自学考试毕业生名册（2026年上半年）\r\n"  # a title line above the header, as offices write
    "准考证号,姓名,身份证号\r\n"
    "650101202400001,张伟,650102199001011239\r\n"
    "650101202400002,阿依古丽·买买提,\r\n"
    "650101202400003,王芳,\r\n"
    "6.50101E+14,李强,\r\n"  # Excel's scientific notation
    "650101202400005,,\r\n"  # no name
    "650101202400006,赵敏,650102199001011230\r\n"  # wrong check digit
    ",古丽娜,11010519491231002X\r\n"  # only a resident ID: that is the key
)


@pytest.fixture
def window(qtbot, tmp_path):
    i18n.set_language("zh_CN")
    windows: list[MainWindow] = []

    def make(**kw: object) -> MainWindow:
        s = Settings(office="urumqi", station_name="乌鲁木齐-1号机", operator="tester",
                     data_dir=str(tmp_path / "data"), camera="demo", **kw)  # type: ignore[arg-type]
        win = MainWindow(s, settings_path=tmp_path / "settings.json")
        win.resize(1366, 768)
        win.show()
        qtbot.waitUntil(lambda: win.store is not None, timeout=20_000)
        windows.append(win)
        return win

    yield make
    close_windows(windows)


def _roster_file(tmp_path: Path) -> Path:
    p = tmp_path / "名册.csv"
    p.write_bytes(ROSTER.encode("gb18030"))  # as Excel saves a CSV on a Chinese desktop
    return p


def _import(qtbot, win: MainWindow, path: Path):
    dlg = win.open_roster()
    with qtbot.waitSignal(dlg.imported, timeout=30_000):
        dlg.import_file(path)
    qtbot.waitUntil(lambda: dlg.model.rowCount() > 0, timeout=10_000)
    return dlg


def test_roster_import_list_search_and_start(window, qtbot, tmp_path):
    win = window()
    dlg = _import(qtbot, win, _roster_file(tmp_path))
    rep = dlg.report
    assert rep is not None and rep.encoding == "gb18030"
    assert len(rep.added) == 4 and len(rep.bad) == 3
    # the rejected rows: line number and reason in the window's language, IDs masked
    assert dlg.bad_box.isVisible() and dlg.bad.rowCount() == 3
    rows = [[dlg.bad.item(r, c).text() for c in range(4)] for r in range(3)]
    assert [r[0] for r in rows] == ["6", "7", "8"]
    assert "科学计数法" in rows[0][3]
    assert rows[1][3] == "缺少姓名"
    assert rows[2][2] == "650101202400006" and "校验位错误" in rows[2][3]
    assert "650102199001011230" not in "".join(c for r in rows for c in r)
    assert "未导入 3 行" in dlg.status.text()

    # the list: name, admission number, masked resident ID, photo state
    assert dlg.visible_keys() == ["11010519491231002X", "650101202400001", "650101202400002",
                                  "650101202400003"]
    m = dlg.proxy
    cells = [[m.index(r, c).data() for c in range(5)] for r in range(m.rowCount())]
    assert cells[0][:4] == ["古丽娜", "", "1101**********002X", "未拍"]
    assert cells[1][:4] == ["张伟", "650101202400001", "6501**********1239", "未拍"]
    assert not any(RESIDENT in str(c) or "11010519491231002X" in str(c)
                   for row in cells for c in row)
    # search by name, by part of the number; a resident ID only whole
    dlg.search.setText("阿依古丽")
    assert dlg.visible_keys() == ["650101202400002"]
    dlg.search.setText("400003")
    assert dlg.visible_keys() == ["650101202400003"]
    dlg.search.setText("1101")
    assert dlg.visible_keys() == []
    dlg.search.setText("11010519491231002x")
    assert dlg.visible_keys() == ["11010519491231002X"]
    dlg.search.clear()

    # keys typed while the table has the focus go into the search, Enter starts nothing
    dlg.table.setFocus()
    qtbot.keyClicks(dlg.table, "400002")
    assert dlg.search.text() == "400002" and dlg.visible_keys() == ["650101202400002"]
    dlg.table.selectRow(0)
    qtbot.keyClick(dlg.table, Qt.Key.Key_Return)
    qtbot.keyClick(dlg.search, Qt.Key.Key_Return)
    assert dlg.isVisible() and win.candidate.edit.text() == ""

    # start a candidate: the key goes into the ID field, the dialog closes, focus is back
    with qtbot.waitSignal(dlg.finished, timeout=5_000):
        dlg.start_button.click()
    assert win.candidate.edit.text() == "650101202400002"
    assert win.candidate.candidate_id == "650101202400002"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.candidate.edit, timeout=5_000)
    qtbot.waitUntil(lambda: "阿依古丽" in win.candidate.name.text(), timeout=10_000)
    # the counter knows the roster
    qtbot.waitUntil(lambda: win.live_page.counter.counts is not None
                    and win.live_page.counter.counts.on_roster == 4, timeout=10_000)
    assert win.live_page.counter.missing.value.text() == "4"


def test_closing_the_roster_returns_focus_and_a_double_click_starts(window, qtbot, tmp_path):
    win = window()
    dlg = _import(qtbot, win, _roster_file(tmp_path))
    dlg.reject()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.candidate.edit, timeout=5_000)
    dlg = win.open_roster()
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 4, timeout=10_000)
    dlg.missing_only.setChecked(True)
    assert len(dlg.visible_keys()) == 4
    index = dlg.proxy.index(1, 0)
    rect = dlg.table.visualRect(index)
    with qtbot.waitSignal(dlg.finished, timeout=5_000):  # as a hand does: click, double-click
        qtbot.mouseClick(dlg.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(dlg.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.candidate.edit.text() == "650101202400001"


def test_the_cores_refusals_and_reasons_follow_the_windows_language(window, qtbot, tmp_path):
    """A refusal raised on the import's worker and the rejected rows' reasons come from the
    core; they are Chinese in the Chinese window and change with the language switch."""
    win = window()
    dlg = _import(qtbot, win, _roster_file(tmp_path))
    assert dlg.bad.item(1, 3).text() == "缺少姓名"
    old = tmp_path / "名册.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    dlg.import_file(old)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=30_000)
    assert dlg.status.text() == ("无法导入名册：名册.xls：这是旧版Excel（.xls）格式；"
                                 "请在Excel中另存为 .xlsx 或CSV后再导入")
    i18n.set_language("en")
    qtbot.waitUntil(lambda: "old Excel .xls format" in dlg.status.text(), timeout=5_000)
    assert dlg.bad.item(1, 3).text() == "missing name"
    dlg.reject()
    export = win.open_export()
    export.as_folder.setChecked(True)
    export.out.setText(str(win.store.root / "x"))  # inside the data folder: the core refuses
    export.start_button.click()
    qtbot.waitUntil(lambda: not export.busy and bool(export.error), timeout=30_000)
    assert "inside the station's data folder" in export.error
    i18n.set_language("zh_CN")
    export.start_button.click()
    qtbot.waitUntil(lambda: not export.busy and "数据文件夹" in export.error, timeout=30_000)
    assert "inside" not in export.error
    export.reject()


def test_demo_photo_is_marked_and_not_counted(window, qtbot, tmp_path):
    win = window()
    _import(qtbot, win, _roster_file(tmp_path)).reject()
    win.candidate.set_text("650101202400003")
    _capture_to_review(qtbot, win)
    assert win.review.photo is not None and win.review.photo.demo
    _tick_checklist(win)
    rec = _accept(qtbot, win)
    assert rec.demo and win.store.current("650101202400003").demo
    qtbot.waitUntil(lambda: win.history.list.count() == 1, timeout=10_000)
    assert "演示照片" in win.history.list.item(0).text()
    qtbot.waitUntil(lambda: win.live_page.counter.counts is not None, timeout=10_000)
    counts = win.live_page.counter.counts
    assert (counts.photographed_today, counts.on_roster, counts.missing) == (0, 4, 4)
    dlg = win.open_roster()
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 4, timeout=10_000)
    row = dlg.visible_keys().index("650101202400003")
    assert dlg.proxy.index(row, 3).data() == "仅演示照片"
    assert dlg.proxy.index(row, 4).data()  # the time of the photo
    dlg.reject()


def test_export_dialog_writes_a_zip_with_the_summary(window, qtbot, tmp_path):
    a, b = real_photos()
    data = tmp_path / "data"
    s = Store(data, station="乌鲁木齐-1号机")
    from capture_station.records.roster import import_roster

    import_roster(s, _roster_file(tmp_path))
    save(s, "650101202400001", a)
    save(s, "650101202400002", b, compliant=False, override_reason="考生戴助听器（医嘱）")
    save(s, "11010519491231002X", a, demo=True)
    s.close()
    win = window()
    qtbot.waitUntil(lambda: win.live_page.counter.counts is not None
                    and win.live_page.counter.counts.on_roster == 4, timeout=10_000)
    counts = win.live_page.counter.counts
    assert (counts.photographed_today, counts.missing) == (2, 2)
    dlg = win.open_export()
    assert "乌鲁木齐市" in dlg.info.text() and "准考证号" in dlg.info.text()
    dlg.out.setText(str(tmp_path / "上传-0601"))  # the operator leaves .zip off
    assert dlg.as_zip.isChecked()
    qtbot.keyClick(dlg.out, Qt.Key.Key_Return)  # Enter starts nothing
    assert not dlg.busy and dlg.result_report is None
    steps: list[tuple[int, int]] = []
    dlg.relay.progressed.connect(lambda _phase, done, total: steps.append((done, total)))
    with qtbot.waitSignal(dlg.exported, timeout=120_000):
        dlg.start_button.click()
        assert dlg.busy and dlg.progress.isVisible() and not dlg.start_button.isEnabled()
    assert steps and steps[-1] == (3, 3)  # the progress bar went to the end
    rep = dlg.result_report
    out = tmp_path / "上传-0601.zip"
    assert rep is not None and rep.out == str(out) and out.is_file()
    assert dlg.out.text() == str(out)
    with zipfile.ZipFile(out) as zf:
        assert sorted(n for n in zf.namelist() if n.endswith(".jpg")) == [
            "650101202400001.jpg", "650101202400002.jpg"]
        rows = {r["candidate_id"]: r for r in read_csv(zf.read("manifest.csv"))}
        assert rows["650101202400002"]["compliant"] == "no"
        assert rows["650101202400002"]["override_reason"] == "考生戴助听器（医嘱）"
        assert {r["office"] for r in rows.values()} == {"乌鲁木齐市"}
        excl = read_csv(zf.read("excluded.csv"))
        assert [r["candidate_id"] for r in excl] == ["11010519491231002X"]
    # the summary: exported, excluded with the reason, missing; resident IDs masked
    text = dlg.summary.text()
    assert "已导出 2 张" in text and "未导出 1 张" in text and "尚未拍照 2 人" in text
    assert dlg.excluded.rowCount() == 1
    assert dlg.excluded.item(0, 0).text() == "1101**********002X"
    assert "演示相机" in dlg.excluded.item(0, 2).text()
    assert dlg.missing.rowCount() == 2
    shown = {dlg.missing.item(r, 0).text() for r in range(2)}
    assert shown == {"1101**********002X", "650101202400003"}
    with qtbot.waitSignal(dlg.finished, timeout=5_000):
        dlg.close_button.click()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.candidate.edit, timeout=5_000)
    assert win.phase == Phase.LIVE


def test_export_refusals_and_english(window, qtbot, tmp_path):
    win = window()
    i18n.set_language("en")
    dlg = win.open_export()
    assert dlg.windowTitle() == "Export for upload"
    assert "Urumqi" in dlg.info.text()
    dlg.as_folder.setChecked(True)
    existing = tmp_path / "exists"
    existing.mkdir()
    dlg.out.setText(str(existing))
    with qtbot.waitSignal(dlg.exported, timeout=30_000, raising=False) as sig:
        dlg.start_button.click()
        qtbot.waitUntil(lambda: not dlg.busy and bool(dlg.error), timeout=30_000)
    assert not sig.signal_triggered
    assert "already exists" in dlg.error and dlg.summary.text().startswith("Cannot export")
    dlg.out.setText(str(tmp_path / "absent" / "x"))
    dlg.start_button.click()
    assert "does not exist" in dlg.error and not dlg.busy
    dlg.scope_period.setChecked(True)
    dlg.since.setDate(dlg.until.date().addDays(1))
    dlg.out.setText(str(tmp_path / "x"))
    dlg.start_button.click()
    assert "start date" in dlg.error.lower()
    dlg.reject()
    roster = win.open_roster()
    assert roster.start_button.text() == "Take this candidate's photo"
    assert roster.model.headerData(2, Qt.Orientation.Horizontal) == "Resident ID"
    roster.reject()


def test_large_roster_import_shows_progress_and_export_can_be_cancelled(window, qtbot, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(("准考证号,姓名\r\n" + "".join(
        f"6501012025{i:05d},考生{i}\r\n" for i in range(6000))).encode("gb18030"))
    win = window()
    dlg = win.open_roster()
    phases: list[tuple[str, int, int]] = []
    dlg.relay.progressed.connect(lambda *a: phases.append(tuple(a)))
    with qtbot.waitSignal(dlg.imported, timeout=60_000):
        dlg.import_file(big)
        assert dlg.busy and dlg.progress.isVisible() and not dlg.import_button.isEnabled()
    assert {p for p, _, _ in phases} >= {"check", "store"}
    assert all(total == 6000 for _, _, total in phases)
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 6000, timeout=10_000)
    assert not dlg.busy and not dlg.progress.isVisible() and not dlg.bad_box.isVisible()
    dlg.reject()

    a, _ = real_photos()
    s = Store(tmp_path / "data")
    for i in range(3):
        save(s, f"650101202500{i:03d}", a)
    s.close()
    exp = win.open_export()
    exp.out.setText(str(tmp_path / "cancelled"))
    exp.start()
    exp.cancel_button.click()  # before the first photo is checked
    qtbot.waitUntil(lambda: not exp.busy, timeout=60_000)
    assert exp.result_report is None and "取消" in exp.summary.text()
    assert sorted(p.name for p in tmp_path.iterdir() if "cancelled" in p.name) == []
    exp.reject()
