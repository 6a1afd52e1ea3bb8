"""A counted value Excel would show otherwise: a number format, a formula's stored result, a hidden place.

The sheets are built in memory (``Sheet``: a grid from A1, with the facts the XML scan records), so each test
shows the cell it is about.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tasks.domain import Kind, Severity, Workbook
from tasks.intake.disguise import disguised_value_issues, format_disguise, formula_value
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


SHEET = Sheet(
    "Tự chấm điểm",
    [HEADER, ["1.1", 5, 3.5], ["1.2", 4, None], ["1.3", 3, "ba"], ["1.4", 3, 3.0], ["2.1", 8, 0.0], ["2.2", 6, 0.0]],
    formulas={(4, 2): "B4", (5, 2): "C7", (6, 2): "C6"},  # C5 holds =B4; C6 and C7 refer to each other
)


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("3.5", "3.5"),
        ("B2*0.7", "3.5"),
        ("$B$2*70%", "3.5"),
        ("SUM(B2:B4)-B3*2", "4"),
        ("SUM(C2:C4, 1)", "4.5"),  # a blank and a text in a range are left out, as Excel's SUM does
        ("-2^2", "4"),  # Excel negates before raising to a power
        ("(1+2)/4", "0.75"),
        ("C5*2", "6"),  # a formula cell counts as what its formula computes
        ("SUM(C2:C5)", "6.5"),
        ("ROUND(3.14159,2)", "3.14"),
        ("ROUND(-2.5,0)", "-3"),  # halves away from zero, as Excel rounds
    ],
)
def test_a_formula_of_numbers_and_plain_cells_is_computed_as_excel_does(formula: str, value: str) -> None:
    assert formula_value(formula, SHEET) == Decimal(value)


@pytest.mark.parametrize(
    "formula", ["MAX(B2,1)", "'Thông tin'!B2", "C6", "1/0", "C4+1", "B2*", "SUM(A1:Z10000)", "ROUND(1)"]
)
def test_a_formula_not_computed_here_gives_none(formula: str) -> None:
    """A function other than SUM and ROUND, another sheet, a circular reference, a division by zero, a text, a
    broken formula, a range too large, ROUND without its places."""
    assert formula_value(formula, SHEET) is None


def _issues(sheet: Sheet) -> list[tuple[Severity, str, str | None]]:
    workbook = Workbook(info_sheet=None, info={}, tables={"scores": read_table(sheet, SCORES)})
    return [(i.severity, i.rule, i.cell) for i in disguised_value_issues([sheet], workbook, Kind.ANNUAL)]


def test_a_formula_whose_stored_result_is_not_what_excel_computes_is_an_error() -> None:
    sheet = Sheet("Tự chấm điểm", [HEADER, ["1.1", 5, 5.0], ["1.2", 4, 4.0]], formulas={(1, 2): "B2*0.7", (2, 2): "B3"})
    assert _issues(sheet) == [(Severity.ERROR, "formula_stored_value", "C2")]


def test_a_formula_not_computed_here_is_a_warning_as_its_stored_value_counts() -> None:
    sheet = Sheet("Tự chấm điểm", [HEADER, ["1.1", 5, 5.0]], formulas={(1, 2): "MAX(B2,1)"})
    assert _issues(sheet) == [(Severity.WARNING, "formula_not_recomputed", "C2")]


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
