"""The two sheets every template shares, as the ward and the reader see them: 'Hướng dẫn' and 'Thông tin'."""

from __future__ import annotations

from functools import partial

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import INPUT_FILL, prompt_rule
from tasks.blank_workbooks.sheets import Field, guide_sheet, info_sheet
from tests.support.blank_workbooks import rules_for


@pytest.fixture
def ws() -> Worksheet:
    """An empty sheet."""
    sheet = Workbook().active
    assert sheet is not None
    return sheet


def _info(ws: Worksheet) -> dict[str, str]:
    fields = [
        Field("Đơn vị", "Sa Pa"),
        Field("Năm", 2025),
        Field("Người lập", rule=partial(prompt_rule, title="Người lập", prompt="Họ và tên người lập biểu.")),
        Field("Điện thoại", fmt="@"),
    ]
    return info_sheet(ws, "THÔNG TIN", fields, ("Ô nền vàng nhạt là ô đơn vị cần nhập.",))


def test_each_field_is_a_label_in_column_a_and_its_value_in_column_b(ws: Worksheet) -> None:
    """The reader finds every label in A and its value right beside it in B; the addresses are returned."""
    cells = _info(ws)
    assert cells == {"Đơn vị": "B3", "Năm": "B4", "Người lập": "B5", "Điện thoại": "B6"}
    assert [ws[f"A{r}"].value for r in range(3, 7)] == ["Đơn vị", "Năm", "Người lập", "Điện thoại"]
    assert ws["A1"].value == "THÔNG TIN"


def test_nothing_is_written_right_of_a_value(ws: Worksheet) -> None:
    """Column C stays empty: the reader would take a hint there for the value of a field left blank."""
    _info(ws)
    assert all(ws.cell(r, c).value is None for r in range(1, ws.max_row + 1) for c in range(3, ws.max_column + 1))


def test_prefilled_values_are_locked_and_the_rest_is_for_the_ward(ws: Worksheet) -> None:
    """The ward's name and the year are written and locked (the year as a number); the others are input cells."""
    cells = _info(ws)
    assert ws[cells["Đơn vị"]].value == "Sa Pa" and ws[cells["Đơn vị"]].protection.locked
    assert ws[cells["Năm"]].value == 2025 and ws[cells["Năm"]].protection.locked
    for label in ("Người lập", "Điện thoại"):
        cell = ws[cells[label]]
        assert cell.value is None and not cell.protection.locked and cell.fill == INPUT_FILL
    assert ws[cells["Điện thoại"]].number_format == "@"
    (hint,) = rules_for(ws, cells["Người lập"])
    assert hint.prompt == "Họ và tên người lập biểu."
    assert rules_for(ws, cells["Điện thoại"]) == []


def test_notes_follow_the_fields_after_a_blank_row(ws: Worksheet) -> None:
    """The explanatory line sits under the last field, one row apart, across both columns."""
    _info(ws)
    assert ws["A7"].value is None
    assert ws["A8"].value == "Ô nền vàng nhạt là ô đơn vị cần nhập."
    assert "A8:B8" in {str(r) for r in ws.merged_cells.ranges}


def test_the_guide_is_one_paragraph_per_row_with_bullets_marked(ws: Worksheet) -> None:
    """Title, headings and paragraphs keep their order; bullet lines start with '•'; headings are bold."""
    guide_sheet(
        ws,
        [
            ("title", "HƯỚNG DẪN"),
            ("heading", "1. Ô cần nhập"),
            ("body", "Chỉ nhập ô nền vàng."),
            ("bullet", "Số lần ≥ 0."),
        ],
    )
    assert [ws.cell(r, 1).value for r in range(1, 5)] == [
        "HƯỚNG DẪN",
        "1. Ô cần nhập",
        "Chỉ nhập ô nền vàng.",
        "• Số lần ≥ 0.",
    ]
    assert ws["B1"].value is None and ws.max_row == 4
    assert ws["A2"].font.bold and not ws["A3"].font.bold
    assert ws["A3"].alignment.wrap_text
