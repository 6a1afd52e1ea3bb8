"""Identifying a submission from its info sheet: the ward, the year or month, the date it was prepared."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from tasks.domain import Bloc, CellValue, Severity, Ward
from tasks.intake.identify import identify_annual, identify_monthly

BLOC = Bloc(
    "K1", "Khối thi đua các phường", "Lào Cai", 2025, "LAOCAI", (Ward("SAPA", "Sa Pa"), Ward("LAOCAI", "Lào Cai"))
)
SHEET = "Thông tin"


def info(**values: object) -> dict[str, CellValue]:
    cells = {"ward": "B2", "ward_code": "B3", "year": "B4", "period": "B4", "prepared_on": "B5"}
    return {label: CellValue(value, cells[label]) for label, value in values.items()}


def test_an_annual_file_names_its_ward_year_and_date() -> None:
    """Ward by roster name, the review's year, a dd/mm/yyyy date: identified, nothing to tell."""
    ident = identify_annual(BLOC, info(ward="Phường Sa Pa", year=2025, prepared_on="05/01/2026"), SHEET, 2025)
    assert (ident.ward, ident.year, ident.prepared_on, ident.issues) == (
        Ward("SAPA", "Sa Pa"),
        2025,
        date(2026, 1, 5),
        (),
    )


def test_an_unknown_ward_is_an_error_naming_the_cell() -> None:
    """A name not on the roster identifies no ward; the error names the cell and the value written."""
    ident = identify_annual(BLOC, info(ward="Phường Hoàng Liên", year=2025), SHEET, 2025)
    (issue,) = ident.issues
    assert ident.ward is None
    assert (issue.severity, issue.rule, issue.sheet, issue.cell, issue.value) == (
        Severity.ERROR,
        "ward_unknown",
        SHEET,
        "B2",
        "Phường Hoàng Liên",
    )


def test_a_name_without_diacritics_is_accepted_with_a_warning() -> None:
    """``Lao Cai`` still names exactly one ward: identified, and the ward is asked to write the diacritics."""
    ident = identify_annual(BLOC, info(ward="Lao Cai", year=2025), SHEET, 2025)
    assert ident.ward == Ward("LAOCAI", "Lào Cai")
    assert [(i.severity, i.rule) for i in ident.issues] == [(Severity.WARNING, "ward_without_diacritics")]


@pytest.mark.parametrize("written", ["\ufeffLào Cai", "Lào\u200b Cai", "Là\u00ado Cai", "LAOCAI\u200b"], ids=repr)
def test_invisible_characters_pasted_into_a_name_or_code_are_no_part_of_it(written: str) -> None:
    """A byte-order mark, zero-width space or soft hyphen pasted with the name or code takes no place on screen:
    the ward is identified, with nothing to tell (before, it was refused as unknown under a name that reads
    exactly as the roster's)."""
    ident = identify_annual(BLOC, info(ward=written, ward_code=written, year="2025\u200b"), SHEET, 2025)
    assert (ident.ward, ident.year, ident.issues) == (Ward("LAOCAI", "Lào Cai"), 2025, ())


def test_a_code_that_contradicts_the_name_identifies_no_ward() -> None:
    """Name and code of two different wards: neither is believed."""
    ident = identify_annual(BLOC, info(ward="Sa Pa", ward_code="LAOCAI", year=2025), SHEET, 2025)
    assert ident.ward is None and [i.rule for i in ident.issues] == ["ward_code_mismatch"]


def test_problems_come_in_the_order_of_the_sheet() -> None:
    """Ward, then date, then year: the order a ward officer reads the info sheet in."""
    ident = identify_annual(BLOC, info(ward="", prepared_on="hôm qua", year=2024), SHEET, 2025)
    assert [i.rule for i in ident.issues] == ["ward_missing", "date_unreadable", "year_mismatch"]


def test_a_date_cell_holding_no_date_is_told_as_such_never_as_a_time() -> None:
    """A negative or zero number in a date-formatted Ngày lập (Excel shows ####) reads as a bare time: the
    warning says the cell holds no valid date and echoes no '00:00:00'."""
    ident = identify_annual(BLOC, info(ward="Sa Pa", year=2025, prepared_on=time(0, 0)), SHEET, 2025)
    (issue,) = ident.issues
    assert (issue.rule, issue.cell, issue.value) == ("date_unreadable", "B5", None)
    assert issue.message == (
        "Ngày lập không phải một ngày hợp lệ (số trong ô không ứng với ngày nào, hoặc ô chỉ ghi giờ)."
    )


def test_a_monthly_report_of_another_month_than_its_folder_is_an_error() -> None:
    """``Tháng 11/2025`` in the December folder: the period read is kept, the mismatch is an error."""
    ident = identify_monthly(BLOC, info(ward="Sa Pa", period="Tháng 11/2025"), SHEET, "2025-12")
    assert ident.period == "2025-11"
    assert [(i.rule, i.cell) for i in ident.issues] == [("period_mismatch", "B4")]


def test_an_identity_cannot_be_changed_once_made() -> None:
    """Identities are values: a later step builds a new one instead of changing it."""
    ident = identify_annual(BLOC, info(ward="Sa Pa", year=2025), SHEET, 2025)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ident.ward = None  # type: ignore[misc]
