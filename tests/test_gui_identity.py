"""The right candidate, always: the station window driven by keyboard the way an operator with a
barcode scanner drives it, with the files and records checked after every step.

A scanner types its digits and an Enter into whatever has the keyboard focus; :func:`scan` does
the same, one key at a time to the widget that has the focus at that moment.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from test_gui_flow import make_window  # noqa: E402,F401  (the fixture)

from capture_station.gui.main_window import MainWindow, Phase  # noqa: E402
from capture_station.records.roster import import_roster  # noqa: E402
from capture_station.records.store import Store  # noqa: E402

ADMISSION_A = "2023650100123"
ADMISSION_B = "2023650100456"
RESIDENT_B = "650102199001011239"  # valid check digit; B's resident ID on the roster
NOT_ON_ROSTER = "2023650100999"


def focused(win: MainWindow):  # type: ignore[no-untyped-def]
    return QApplication.focusWidget() or win


def scan(qtbot, win: MainWindow, digits: str, enter: bool = True) -> None:
    """Type like a USB barcode scanner: each key to whatever has the focus now, then Enter."""
    for ch in digits:
        qtbot.keyClick(focused(win), ch)
    if enter:
        qtbot.keyClick(focused(win), Qt.Key.Key_Return)


def key(qtbot, win: MainWindow, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(win), k, mods)


def ready(qtbot, win: MainWindow, cid: str) -> None:
    qtbot.waitUntil(lambda: win.candidate.candidate_id == cid and win.can_capture(), timeout=40_000)


def to_review(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.review_shown, timeout=40_000):
        key(qtbot, win, Qt.Key.Key_Space)
    assert win.phase == Phase.REVIEW


def save_ctrl_enter(qtbot, win: MainWindow):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(win.photo_saved, timeout=30_000) as sig:
        key(qtbot, win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return sig.args[0]


@pytest.fixture
def roster_window(make_window, tmp_path):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        f"准考证号,姓名,身份证号\n{ADMISSION_A},阿依古丽,\n{ADMISSION_B},买买提,{RESIDENT_B}\n"
        .encode("gb18030"))
    s = Store(tmp_path / "data")
    import_roster(s, roster)
    s.close()
    win = make_window()
    win.activateWindow()
    return win


def photos(win: MainWindow) -> set[str]:
    store = win.store
    assert store is not None
    return {p.stem for p in (store.root / "photos").iterdir() if p.suffix == ".jpg"}


def test_the_operators_keyboard_path_files_every_photo_under_the_right_candidate(
        roster_window, qtbot):
    win = roster_window
    # Start-up: the focus is in the ID field.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.candidate.edit, timeout=10_000)

    # Two scans in a row: the second replaces the first at once; the photo is B's only.
    scan(qtbot, win, ADMISSION_A)
    qtbot.waitUntil(lambda: "阿依古丽" in win.candidate.name.text(), timeout=10_000)
    scan(qtbot, win, ADMISSION_B)
    assert win.candidate.edit.text() == ADMISSION_B
    ready(qtbot, win, ADMISSION_B)
    assert "买买提" in win.candidate.name.text() and "阿依古丽" not in win.candidate.name.text()
    to_review(qtbot, win)
    assert win.review.photo is not None and win.review.photo.candidate_id == ADMISSION_B
    assert win.review.who_name.text() == "买买提"
    assert ADMISSION_B in win.review.who_ids.text() and "6501**********1239" in win.review.who_ids.text()
    assert RESIDENT_B not in win.review.who_ids.text() + win.review.title.text()
    # Enter alone does not save while the checklist waits for the operator's Ctrl+Enter.
    key(qtbot, win, Qt.Key.Key_Return)
    assert win.phase == Phase.REVIEW and "Ctrl+Enter" in win.review.message.text()
    rec = save_ctrl_enter(qtbot, win)
    assert rec.candidate_id == ADMISSION_B and photos(win) == {ADMISSION_B}
    store = win.store
    assert store is not None
    accept = [r for r in store.audit_log(ADMISSION_B) if r["action"] == "accept"]
    assert accept and accept[-1]["operator"] == "tester"
    assert "checklist.head_covering" in json.loads(accept[-1]["detail"])["operator_confirmed"]
    assert store.current(ADMISSION_A) is None
    # After the save: the focus is back in the ID field, which is empty.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.candidate.edit, timeout=5_000)
    assert win.candidate.edit.text() == ""
    assert RESIDENT_B not in win.status.currentMessage()

    # A scan while the history list has the focus reaches the ID field; the list neither
    # jumps nor opens a record on the Enter.
    qtbot.waitUntil(lambda: win.history.list.count() == 1, timeout=10_000)
    win.history.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.history.list, timeout=5_000)
    scan(qtbot, win, ADMISSION_A)
    assert win.candidate.edit.text() == ADMISSION_A
    assert QApplication.focusWidget() is win.candidate.edit
    assert not win._dialogs, "the Enter must not open a history record"
    ready(qtbot, win, ADMISSION_A)

    # A scan during the review never re-files the photo: the window asks, and going back
    # keeps the photo for A; discarding starts B without saving anything.
    to_review(qtbot, win)
    scan(qtbot, win, ADMISSION_B)
    qtbot.waitUntil(lambda: win._scan_box is not None and win._scan_box.isVisible(), timeout=5_000)
    assert win.phase == Phase.REVIEW and win.review.photo.candidate_id == ADMISSION_A
    assert photos(win) == {ADMISSION_B}, "nothing may be saved by the scan's Enter"
    back = next(b for b in win._scan_box.buttons()
                if win._scan_box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    back.click()
    assert win.phase == Phase.REVIEW and win.review.photo.candidate_id == ADMISSION_A
    scan(qtbot, win, ADMISSION_B)
    qtbot.waitUntil(lambda: win._scan_box is not None and win._scan_box.isVisible(), timeout=5_000)
    discard = next(b for b in win._scan_box.buttons()
                   if win._scan_box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    discard.click()
    assert win.phase == Phase.LIVE and win.candidate.edit.text() == ADMISSION_B
    assert photos(win) == {ADMISSION_B} and store.current(ADMISSION_A) is None

    # Esc retakes: back to the live view for the same candidate, focus in the ID field.
    ready(qtbot, win, ADMISSION_B)
    to_review(qtbot, win)
    key(qtbot, win, Qt.Key.Key_Escape)
    assert win.phase == Phase.LIVE and win.candidate.candidate_id == ADMISSION_B
    assert QApplication.focusWidget() is win.candidate.edit
    assert len(store.history(ADMISSION_B)) == 1

    # B's resident ID finds B's roster row: the photo is a retake of B, not a second person.
    scan(qtbot, win, RESIDENT_B)
    ready(qtbot, win, ADMISSION_B)
    assert win.candidate.scanned_id == RESIDENT_B
    to_review(qtbot, win)
    assert win.review.who_name.text() == "买买提" and not win.review.roster_flag.isVisible()
    rec = save_ctrl_enter(qtbot, win)
    assert rec.candidate_id == ADMISSION_B
    assert photos(win) == {ADMISSION_B} and store.current(RESIDENT_B) is None
    assert len(store.history(ADMISSION_B)) == 2

    # An ID that is not on the loaded roster is flagged in the review.
    scan(qtbot, win, NOT_ON_ROSTER)
    ready(qtbot, win, NOT_ON_ROSTER)
    assert "名单中没有" in win.candidate.name.text()
    to_review(qtbot, win)
    assert win.review.roster_flag.isVisible() and "名单中没有" in win.review.roster_flag.text()


def test_full_width_digits_from_an_input_method_are_converted(make_window, qtbot):  # noqa: F811
    win = make_window()
    win.candidate.edit.insert("２０２３６５０１００１２３")  # QTest cannot type full-width keys
    assert win.candidate.candidate_id == ADMISSION_A
    assert not win.candidate.reason.isVisible()


def test_auto_capture_waits_after_esc(make_window, qtbot):  # noqa: F811
    win = make_window(auto_capture=True, auto_capture_frames=2)
    win.activateWindow()
    with qtbot.waitSignal(win.review_shown, timeout=45_000):
        scan(qtbot, win, ADMISSION_A)
    key(qtbot, win, Qt.Key.Key_Escape)
    assert win.phase == Phase.LIVE and win.auto_resume_timer.isActive()
    assert "3" in win.live._notice
    # no shot during the countdown (2 s of it at least) ...
    with qtbot.assertNotEmitted(win.review_shown, wait=2000):
        pass
    # ... and then the auto-capture takes the next one by itself
    with qtbot.waitSignal(win.review_shown, timeout=45_000):
        pass


@pytest.mark.parametrize("size", [(1366, 768 - 32), (1920, 1080 - 32),
                                  # 1366x768 at 125 % scaling, less a task bar and a title bar
                                  (1093, 545)])
def test_the_window_fits_office_screens(make_window, qtbot, size):  # noqa: F811
    """Capture, save and retake buttons and the status bar are on screen without resizing."""
    win = make_window()
    win.activateWindow()
    win.resize(*size)

    def on_screen(w) -> bool:  # type: ignore[no-untyped-def]
        top_left = w.mapTo(win, w.rect().topLeft())
        bottom_right = w.mapTo(win, w.rect().bottomRight())
        return (w.isVisible() and top_left.x() >= 0 and top_left.y() >= 0
                and bottom_right.x() < win.width() and bottom_right.y() < win.height())

    qtbot.waitUntil(lambda: win.size().width() == size[0], timeout=5_000)
    assert win.height() <= size[1], "the window cannot shrink to the screen"
    assert on_screen(win.capture_button) and on_screen(win.status) and on_screen(win.candidate.edit)
    scan(qtbot, win, ADMISSION_A)
    ready(qtbot, win, ADMISSION_A)
    to_review(qtbot, win)
    qtbot.wait(200)
    assert win.height() <= size[1]
    assert on_screen(win.review.accept_button) and on_screen(win.review.retake_button)
    assert on_screen(win.review.who_name) and on_screen(win.status)
    assert win.review.checklist_box.isVisible() and on_screen(win.review.checklist_key)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_id_placeholder_fits_its_field(make_window, qtbot, lang):  # noqa: F811
    """The hint in the empty ID field is read whole at 1366x768, in both languages."""
    from capture_station.gui import i18n

    win = make_window()
    win.resize(1366, 768 - 32)
    i18n.set_language(lang)
    qtbot.wait(100)
    edit = win.candidate.edit
    text = edit.placeholderText()
    assert text
    room = edit.contentsRect().width() - 2 * edit.textMargins().left() - 16  # the frame's padding
    assert edit.fontMetrics().horizontalAdvance(text) <= room, (text, room)
