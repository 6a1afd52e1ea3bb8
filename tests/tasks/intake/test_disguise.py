"""A counted value Excel would show otherwise: a number format, a formula, a hidden place.

The sheets are built in memory (``Sheet``: a grid from A1, with the facts the XML scan records), so each test
shows the cell it is about.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tasks.domain import Kind, Severity, Workbook
from tasks.intake.disguise import disguised_value_issues, format_disguise
from tasks.intake.layout import SCORES
from tasks.intake.styles import Look
from tasks.intake.tables import read_table
from tasks.intake.workbook import Sheet

HEADER = ["Mã tiêu chí", "Điểm tối đa", "Điểm tự chấm"]


@pytest.mark.parametrize(
    ("code", "value", "told"),
    [
        (";;;", "2", "không hiện giá trị"),
        ('"3,5"', "5", "chữ số cố định"),
        ('0;"0"', "-1", "chữ số cố định"),
        ('[>=0]"0"', "2", "điều kiện"),
        ("0,", "2000", "chia giá trị cho 1.000"),
        ('"đạt"', "5", "chữ cố định"),
        ("0", "4.6", "Excel hiện 5"),
        ("0.0%", "0.9755", "Excel hiện 97,6%"),
    ],
)
def test_a_format_showing_something_else_than_the_number_is_named(code: str, value: str, told: str) -> None:
    found = format_disguise(code, Decimal(value))
    assert found is not None and told in found


@pytest.mark.parametrize(
    ("code", "value"),
    [("0.00", "3.25"), ("#,##0.00", "1234.5"), ("General", "3.25"), ("0.0%", "0.975"), ('0" điểm"', "4"), ("0", "4")],
)
def test_a_format_that_shows_the_number_is_not_named(code: str, value: str) -> None:
    assert format_disguise(code, Decimal(value)) is None


def _issues(sheet: Sheet) -> list[tuple[Severity, str, str | None]]:
    workbook = Workbook(info_sheet=None, info={}, tables={"scores": read_table(sheet, SCORES)})
    return [(i.severity, i.rule, i.cell) for i in disguised_value_issues([sheet], workbook, Kind.ANNUAL)]


def test_counted_cells_holding_formulas_are_one_warning_per_sheet_as_their_stored_values_count() -> None:
    """The stored result counts and the formula is never evaluated (spec §3.4), whatever it computes in Excel:
    one warning names the cells, so the secretariat opens the file in Excel to compare; a 0 claims nothing."""
    rows = [HEADER, ["1.1", 5, 5.0], ["1.2", 4, 4.0], ["1.3", 3, 0.0], ["1.4", 3, 3.0]]
    sheet = Sheet("Tự chấm điểm", rows, formulas={(1, 2): "B2*0.7", (2, 2): None, (3, 2): "0"})
    assert _issues(sheet) == [(Severity.WARNING, "formula_not_recomputed", "C2")]
    workbook = Workbook(info_sheet=None, info={}, tables={"scores": read_table(sheet, SCORES)})
    (issue,) = disguised_value_issues([sheet], workbook, Kind.ANNUAL)
    assert issue.message.startswith("2 ô được tính điểm chứa công thức (C2, C3): ")
    assert issue.sheet == "Tự chấm điểm"


def test_more_than_five_formula_cells_are_counted_not_all_named() -> None:
    rows = [HEADER, *[[f"1.{n}", 5, 1.0] for n in range(1, 8)]]
    sheet = Sheet("Tự chấm điểm", rows, formulas={(r, 2): "1" for r in range(1, 8)})
    workbook = Workbook(info_sheet=None, info={}, tables={"scores": read_table(sheet, SCORES)})
    (issue,) = disguised_value_issues([sheet], workbook, Kind.ANNUAL)
    assert issue.message.startswith("7 ô được tính điểm chứa công thức (C2, C3, C4, C5, C6 và 2 ô khác): ")


def test_a_value_in_a_hidden_row_or_column_or_an_invisible_font_is_a_warning() -> None:
    rows = [HEADER, ["1.1", 5, 4], ["1.2", 4, 3], ["1.3", 3, 2], ["1.4", 3, 0]]
    invisible = Look(None, invisible=True)
    sheet = Sheet("Tự chấm điểm", rows, hidden_rows={1, 4}, looks={(2, 2): invisible})
    # row 5 is hidden too, but its 0 claims nothing
    assert _issues(sheet) == [(Severity.WARNING, "hidden_value", "C2"), (Severity.WARNING, "hidden_value", "C3")]
    assert _issues(Sheet("Tự chấm điểm", rows, hidden_columns={2})) == [
        (Severity.WARNING, "hidden_value", f"C{r}") for r in (2, 3, 4)
    ]


def test_a_score_under_a_format_showing_another_number_is_an_error() -> None:
    sheet = Sheet("Tự chấm điểm", [HEADER, ["1.1", 5, 5]], looks={(1, 2): Look('"3,5"', invisible=False)})
    assert _issues(sheet) == [(Severity.ERROR, "disguised_value", "C2")]


def test_a_value_a_conditional_format_may_show_otherwise_is_a_warning_its_condition_not_evaluated() -> None:
    """A conditional format over C2:C3 and C5 shows ``;;;``, one over B2:C9 whites the font: the rules'
    conditions are never evaluated, so each counted value under them is a warning naming what the format may do;
    a format that shows the number as it is, and a cell outside every range, are not told."""
    rows = [HEADER, ["1.1", 5, 4], ["1.2", 4, 3], ["1.3", 3, 2.5], ["1.4", 3, 1], ["1.5", 3, 2]]
    sheet = Sheet(
        "Tự chấm điểm",
        rows,
        conditional=[
            (((1, 2, 2, 2), (4, 2, 4, 2)), Look(";;;", invisible=False)),
            (((0, 0, 8, 1),), Look(None, invisible=True)),  # columns A:B only
            (((3, 2, 3, 2),), Look("0.0", invisible=False)),  # shows 2,5 as 2,5
        ],
    )
    assert _issues(sheet) == [(Severity.WARNING, "conditional_format", c) for c in ("C2", "C3", "C5")]
    workbook = Workbook(info_sheet=None, info={}, tables={"scores": read_table(sheet, SCORES)})
    first = disguised_value_issues([sheet], workbook, Kind.ANNUAL)[0]
    assert "định dạng có điều kiện" in first.message and "không hiện giá trị" in first.message
    assert "Excel" in first.hint
    whitened = Sheet("Tự chấm điểm", rows, conditional=[(((0, 0, 1048575, 16383),), Look(None, invisible=True))])
    assert _issues(whitened) == [(Severity.WARNING, "conditional_format", f"C{r}") for r in range(2, 7)]
