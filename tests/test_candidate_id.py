from __future__ import annotations

import pytest

from capture_station.records.candidate_id import (
    is_valid_resident_id,
    mask_resident_id,
    resident_id_check_char,
    validate_candidate_id,
)

# GB 11643 example number from the standard's own text
VALID_RESIDENT = "11010519491231002X"


def test_gb11643_check_digit():
    assert resident_id_check_char(VALID_RESIDENT[:17]) == "X"
    assert is_valid_resident_id(VALID_RESIDENT)
    assert not is_valid_resident_id("110105194912310021")


@pytest.mark.parametrize("good", ["0123456789", "650101202400123", "123456789012", VALID_RESIDENT,
                                  VALID_RESIDENT.lower()])
def test_valid_ids(good):
    v = validate_candidate_id(good)
    assert v.ok, v.reason_en
    assert v.value.upper() == good.upper()


@pytest.mark.parametrize(
    "bad",
    [
        "", "   ", "123", "1234567890123456", "../../x", "/etc/passwd", "..", "12345\x0067890",
        "12345\t67890", "１２３４５６７８９O", "123456789O", "12345 67890", "C:\\x", "12345.6789",
        "a" * 1000, "110105194912310021", "1101051949123100XX", "٣٣٣٣٣٣٣٣٣٣",
    ],
)
def test_hostile_ids_are_refused_with_a_reason(bad):
    v = validate_candidate_id(bad)
    assert not v.ok
    assert v.reason_en and "\n" not in v.reason_en
    assert v.reason_zh


def test_mask():
    assert mask_resident_id(VALID_RESIDENT) == "1101**********002X"


@pytest.mark.parametrize(("typed", "value"), [
    ("１２３４５６７８９０", "1234567890"),  # an input method in full-width mode
    ("\u3000２０２３６５０１００１２３\u3000", "2023650100123"),  # with its full-width spaces
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
])
def test_full_width_digits_are_converted(typed, value):
    v = validate_candidate_id(typed)
    assert v.ok, v.reason_en
    assert v.value == value and v.value.isascii()


def test_wrong_digit_count_says_how_many_are_expected():
    v = validate_candidate_id("12345")
    assert not v.ok
    assert "10–15" in v.reason_zh and "5" in v.reason_zh
    assert "10–15 digits" in v.reason_en
