"""The validation columns: values remembered per cell value must read exactly as computed afresh."""

from __future__ import annotations

from decimal import Decimal

from tasks.domain import CellValue
from tasks.text import shown, to_decimal
from tasks.validation.frames import cell_text, number, parse_number, per_value
from tasks.validation.suites import load_suite_json, suite_columns


def test_remembered_values_keep_equal_values_of_other_types_apart() -> None:
    """1, 1.0 and True are equal keys but read differently; each gets its own reading."""
    seen: list[object] = []

    @per_value
    def kind(value: object) -> str:
        seen.append(value)
        return type(value).__name__

    assert [kind(v) for v in (1, 1.0, True, "1", 1, 1.0)] == ["int", "float", "bool", "str", "int", "float"]
    assert seen == [1, 1.0, True, "1"]  # the second 1 and 1.0 came from memory; bools are never remembered


def test_the_two_float_zeros_and_nan_keep_their_own_readings() -> None:
    """-0.0 equals 0.0 but is the decimal -0.0; NaN equals nothing: neither may be answered for the other."""
    for _ in range(2):
        assert str(number(0.0)) == "0.0"
        assert str(number(-0.0)) == "-0.0"
        assert number(float("nan")) is None
    assert cell_text(-0.0) == shown(-0.0) == "0"


def test_remembered_readings_match_the_text_functions() -> None:
    """Every reading equals what tasks.text computes, for every type a cell can hold."""
    values: list[object] = ["4,5", " 4.5 ", "tốt", "", None, 4.5, 4.949999999999999, 7, True, 1e30, "1 250,5"]
    for value in values * 2:
        assert number(value) == to_decimal(value)
        assert cell_text(value) == shown(value)


def test_a_percent_cell_of_a_percent_indicator_is_scaled() -> None:
    """A percentage-formatted number is × 100 for a percent indicator, text never is."""
    assert parse_number(CellValue(0.975, "E5", percent=True), percent_scale=True) == Decimal("97.500")
    assert parse_number(CellValue(0.975, "E5", percent=True), percent_scale=False) == Decimal("0.975")
    assert parse_number(CellValue("97,5", "E5", percent=True), percent_scale=True) == Decimal("97.5")


def test_the_suite_columns_name_every_column_an_expectation_reads() -> None:
    """Columns, column pairs, compound keys and row-condition columns all count."""
    columns = suite_columns(load_suite_json("annual_scores"))
    assert {"code", "score", "score_given", "kind", "cat_max", "sub", "known", "file_max", "evidence_given"} <= columns
    assert "score_cell" not in columns and "evidence_text" not in columns
