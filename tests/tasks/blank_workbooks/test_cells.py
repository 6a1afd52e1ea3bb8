"""The cells of a template: what the ward may type in, what is locked, and the rules Excel enforces while typing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import (
    INPUT_FILL,
    amount_rule,
    count_rule,
    date_rule,
    excel_number,
    input_cell,
    list_rule,
    number,
    prompt_rule,
    protect,
    score_rule,
    text,
    wrapped_lines,
)
from tasks.text import vn_plain
from tests.support.blank_workbooks import rules_for


@pytest.fixture
def ws() -> Worksheet:
    """An empty sheet."""
    sheet = Workbook().active
    assert sheet is not None
    return sheet


def test_input_cells_are_unlocked_and_shaded_while_labels_and_numbers_stay_locked(ws: Worksheet) -> None:
    """Once the sheet is protected the ward can type only in the light-yellow cells."""
    protect(ws)
    typed = input_cell(ws, 5, 4)
    label = text(ws, 5, 2, "Công tác thi đua")
    maximum = number(ws, 5, 3, Decimal("4.5"), fmt="0.00")
    assert not typed.protection.locked and typed.fill == INPUT_FILL
    assert label.protection.locked and maximum.protection.locked
    assert label.fill != INPUT_FILL
    assert ws.protection.sheet and ws.protection.password is None


def test_a_prefilled_input_stays_editable(ws: Worksheet) -> None:
    """A reminder written into a note cell can be overwritten by the ward."""
    cell = input_cell(ws, 3, 6, value="Tính từ chỉ tiêu CT01 (báo cáo tháng); có thể để trống điểm.")
    assert cell.value.startswith("Tính từ chỉ tiêu CT01") and not cell.protection.locked


def test_text_is_written_in_nfc_and_never_as_a_formula(ws: Worksheet) -> None:
    """Decomposed Vietnamese (from a Mac or a PDF) is composed; a name starting with '=' is kept as inert text."""
    decomposed = "Pha\u0302n co\u0302ng"
    assert text(ws, 1, 1, decomposed).value == "Phân công"
    formula_like = text(ws, 2, 1, '=HYPERLINK("http://x")')
    assert (formula_like.data_type, formula_like.value) == ("s", '=HYPERLINK("http://x")')
    assert formula_like.quotePrefix  # Excel's mark for text, kept under the cell's font and alignment


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("0.50"), "0,5"), (Decimal("92.72"), "92,72"), (Decimal("100"), "100"), (5, "5")]
)
def test_numbers_in_texts_use_a_decimal_comma_without_trailing_zeros(value: Decimal | int, shown: str) -> None:
    """A maximum or points in a sentence read as a Vietnamese reader writes them."""
    assert vn_plain(value) == shown


def test_whole_numbers_are_written_as_whole_numbers(ws: Worksheet) -> None:
    """A maximum of 5 is the integer 5 (shown '5', not '5.0'); 4.5 stays a decimal."""
    assert excel_number(Decimal("5.00")) == 5 and isinstance(excel_number(Decimal("5.00")), int)
    assert excel_number(Decimal("4.5")) == 4.5
    assert number(ws, 1, 1, Decimal("20")).value == 20


def test_a_score_must_be_between_0_and_the_maximum_with_two_decimals(ws: Worksheet) -> None:
    """Excel refuses a word, a negative, more than the maximum or a third decimal, and says so in Vietnamese."""
    score_rule(ws, "D7", Decimal("4.50"))
    (rule,) = rules_for(ws, "D7")
    assert rule.type == "custom" and rule.errorStyle == "stop" and rule.allow_blank
    assert rule.formula1 == "AND(ISNUMBER(D7),D7>=0,D7<=4.5,ROUND(D7,2)=D7)"
    assert rule.error == "Nhập số từ 0 đến 4,5, tối đa 2 chữ số thập phân (ví dụ 4,5 hoặc 4,25)."
    assert rule.showErrorMessage and rule.showInputMessage and rule.promptTitle == "Điểm tự chấm"


def test_a_count_is_a_whole_number_not_below_zero(ws: Worksheet) -> None:
    """'Số lần' takes 0, 1, 2…; a blank counts as 0."""
    count_rule(ws, ["C8", "C9"])
    (rule,) = rules_for(ws, "C9")
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "để trống được hiểu là 0" in rule.prompt


def test_a_monthly_value_is_not_negative_and_a_share_is_at_most_100(ws: Worksheet) -> None:
    """A count has no upper bound; a percentage of a whole stops at 100 with the limit named in the refusal."""
    amount_rule(ws, "E8", "Lũy kế từ đầu năm", "Bắt buộc.", None)
    amount_rule(ws, "E9", "Lũy kế từ đầu năm", "Bắt buộc.", Decimal("100"))
    (count,) = rules_for(ws, "E8")
    (share,) = rules_for(ws, "E9")
    assert (count.type, count.operator, count.formula1, count.formula2) == ("decimal", "greaterThanOrEqual", "0", None)
    assert (share.operator, share.formula1, share.formula2) == ("between", "0", "100")
    assert share.error == "Nhập một số từ 0 đến 100."


def test_a_date_is_limited_to_its_span_and_explained_as_dd_mm_yyyy(ws: Worksheet) -> None:
    """The rule holds Excel's day numbers for the span; the hint and the refusal show it as dd/mm/yyyy."""
    date_rule(ws, "B8", date(2025, 1, 1), date(2026, 12, 31))
    (rule,) = rules_for(ws, "B8")
    assert (rule.type, rule.formula1, rule.formula2) == ("date", "45658", "46387")
    assert rule.error == "Ngày lập phải là một ngày từ 01/01/2025 đến 31/12/2026, ghi theo dạng dd/mm/yyyy."
    assert "ví dụ 05/01/2026" in rule.prompt


def test_a_list_offers_exactly_its_choices(ws: Worksheet) -> None:
    """The dropdown holds the months in order; the hint lists them for the ward."""
    list_rule(ws, "B5", "Kỳ báo cáo", ["Tháng 11/2025", "Tháng 12/2025"])
    (rule,) = rules_for(ws, "B5")
    assert rule.type == "list" and rule.formula1 == '"Tháng 11/2025,Tháng 12/2025"'
    assert rule.prompt == "Chọn trong danh sách: Tháng 11/2025, Tháng 12/2025."


def test_a_free_text_cell_shows_a_hint_and_accepts_anything(ws: Worksheet) -> None:
    """Evidence cells get a hint when selected but no refusal; long hints are cut to Excel's limits."""
    prompt_rule(ws, ["E8", "E9"], "Minh chứng rất dài " * 5, "Số, ngày văn bản. " * 30)
    (rule,) = rules_for(ws, "E8")
    assert rule.type is None and "E9" in rule.sqref
    assert len(rule.promptTitle) <= 32 and len(rule.prompt) <= 255


def test_long_texts_get_rows_tall_enough_to_read() -> None:
    """A line longer than its column wraps onto more lines; each line break starts a new one."""
    assert wrapped_lines("ngắn", 20) == 1
    assert wrapped_lines("x" * 37, 20) == 2
    assert wrapped_lines("một\nhai\nba", 20) == 3
