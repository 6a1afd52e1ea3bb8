"""Numbers a person reads: as the ward typed them, in Vietnamese writing."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time
from decimal import Decimal

import pytest

from tasks.text import criterion_code, is_blank, key, number_text, shown, to_decimal, typed, vn_count


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (8.0, "8"),  # typed 8: never 8.0
        (8, "8"),
        (2.25, "2,25"),
        (4.949999999999999, "4,95"),  # float noise of a formula: what the cell shows
        (0.00001, "0,00001"),
        ("4.5", "4.5"),  # text is quoted exactly as written
        ("tốt", "tốt"),
        (None, None),
        (True, "TRUE"),  # a logical cell, as Excel shows it (never Python's True)
        (False, "FALSE"),
        (1e308, "1E+308"),  # Excel's scientific form, never 309 digits
        (-1.5e20, "-1,5E+20"),
        (1e-12, "1E-12"),
        (123456789012345.0, "123456789012345"),  # 15 digits: still written out
        (time(0, 0), "00:00"),  # a date cell with no date in it reads as a bare time
        (time(8, 30, 15), "08:30:15"),
        (datetime(2025, 3, 1), "01/03/2025"),
        (datetime(2025, 3, 1, 8, 30), "01/03/2025 08:30"),  # a date with a time: day first, as the date alone
        (datetime(2025, 3, 1, 8, 30, 15), "01/03/2025 08:30:15"),
    ],
)
def test_a_cell_value_reads_as_the_ward_typed_it(cell: object, shown: str | None) -> None:
    """Number cells get a decimal comma and no trailing “.0”; text cells stay as written."""
    assert typed(cell) == shown


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("7.98"), "7,98"), (Decimal("8.0"), "8"), (Decimal("2795"), "2795"), (Decimal("100"), "100")],
)
def test_a_decimal_in_a_message_has_a_comma_and_no_thousands_separator(value: Decimal, text: str) -> None:
    """No dot anywhere: 2795 people can never be read as 2,795."""
    assert number_text(value) == text


def test_control_characters_in_a_ward_s_text_are_written_out_never_sent_raw() -> None:
    """An escape sequence, a bell or a C1 control in a cell reach a message (and so a terminal) as ``\\x1b``;
    line breaks, tabs and Vietnamese letters stay as typed."""
    assert shown("7\x1b[31m\x07") == "7\\x1b[31m\\x07"
    assert shown("Phường\u009bSa Pa") == "Phường\\x9bSa Pa"
    assert shown("Điểm tự\nchấm\t1") == "Điểm tự\nchấm\t1"


def test_a_count_in_a_message_has_vietnamese_thousands_separators() -> None:
    """Sizes and counts in messages read 1.073.785.166 and 20.000, as Vietnamese readers write them."""
    assert [vn_count(n) for n in (0, 999, 20_000, 1_073_785_166)] == ["0", "999", "20.000", "1.073.785.166"]


def test_invisible_characters_in_a_number_or_code_are_no_part_of_it() -> None:
    """What takes no place on screen (zero-width space, byte-order mark, direction mark, soft hyphen) is left out:
    ``3,5`` pasted from a chat app with a zero-width space is 3.5, and a cell holding only such marks is blank."""
    assert to_decimal("3,5\u200b") == Decimal("3.5") and to_decimal("\ufeff4") == Decimal("4")
    assert criterion_code("\u200e1.1\u200b") == "1.1" and criterion_code("T\u00ad2") == "T2"
    assert is_blank("\u200b\u00a0\ufeff") and not is_blank("\u200bx")


@pytest.mark.parametrize(
    "written",
    ["TU CHAM DIEM", "Tự chấm  điểm", "Tự chấm\nđiểm", unicodedata.normalize("NFD", "Tự chấm điểm"), " tự-chấm điểm. "],
)
def test_a_name_written_another_way_has_the_same_key(written: str) -> None:
    """Case, diacritics, spacing, line breaks, punctuation and Unicode form do not change a name (spec §3.4)."""
    assert key(written) == key("Tự chấm điểm") == "tuchamdiem"


def test_a_code_stored_as_a_number_has_the_key_of_its_text() -> None:
    """A criterion code typed as the number 1.1 reads like the text ``1.1``; the letter đ folds to d."""
    assert key(1.1) == key("1.1") == "11"
    assert key("Đơn vị") == "donvi"
