"""Month series: a cumulative indicator's year-to-date value does not go down, and its month value adds up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tasks.config.year import load_year
from tasks.domain import (
    IndicatorEntry,
    InputFile,
    Kind,
    MonthlyReport,
    Submission,
)
from tasks.intake.discover import months_inputs
from tasks.intake.read_all import read_all
from tasks.validation.reports import month_series_warnings, with_month_series_warnings
from tasks.validation.validate import validate_all
from tests.support.sample import SAMPLE, EditFn
from tests.support.validators import ScriptedValidator


def monthly(ward: str, period: str, ytd: str, month_value: str | None) -> tuple[Submission, MonthlyReport]:
    """A ward's accepted report for ``period`` with one line, CT03 (a cumulative count), in cell F7."""
    name = f"bao-cao-{period}-{ward.lower()}.xlsx"
    file = InputFile(Path(f"/inputs/2025/monthly/{period}") / name, f"monthly/{period}/{name}", "0" * 64, Kind.MONTHLY)
    entry = IndicatorEntry("CT03", Decimal(ytd), Decimal(month_value) if month_value else None, "F7")
    return Submission(file, Kind.MONTHLY, period, ward), MonthlyReport(ward, period, None, {"CT03": entry})


def test_a_year_to_date_value_is_compared_with_the_latest_earlier_month_across_a_gap() -> None:
    """Âu Lâu sent no October report: November's 5 new firms so far, after September's 6, is a decrease; whether
    November's month value adds up cannot be told without October, so that is not checked."""
    catalogue = load_year(SAMPLE.parent, 2025).catalogue
    september, november = monthly("AULAU", "2025-09", "6", "6"), monthly("AULAU", "2025-11", "5", "7")
    ((rel, issue),) = month_series_warnings([november, september], catalogue)
    assert rel == "monthly/2025-11/bao-cao-2025-11-aulau.xlsx"
    assert (issue.rule, issue.cell, issue.value) == ("ytd_decreased", "F7", "5")
    assert issue.message == "Lũy kế của chỉ tiêu CT03 giảm từ 6 (tháng 09/2025) xuống 5."
    assert month_series_warnings([september, monthly("AULAU", "2025-11", "21", "7")], catalogue) == []
    ((_, in_a_row),) = month_series_warnings([monthly("AULAU", "2025-10", "21", "7"), september], catalogue)
    assert in_a_row.message == "Chỉ tiêu CT03: lũy kế tháng trước 6 + thực hiện trong tháng 7 ≠ lũy kế 21."


def test_a_month_is_told_only_its_own_warnings_against_the_earlier_months(inputs: Path, edit_row: EditFn) -> None:
    """The monthly run hands the earlier months' reports in to compare with: Sa Pa's December (20 new firms so
    far) is warned against November (30), and November's own decrease from October (37) is added to no file of
    December's run."""
    config = load_year(inputs, 2025)
    monthly_dir = config.year_dir / "monthly"
    edit_row(next((monthly_dir / "2025-11").glob("*sapa*")), "Chỉ tiêu", "CT03", "Lũy kế từ đầu năm", 30)
    cell = edit_row(next((monthly_dir / "2025-12").glob("*sapa*")), "Chỉ tiêu", "CT03", "Lũy kế từ đầu năm", 20)

    def validated(months: tuple[str, ...]) -> list[Submission]:
        files = months_inputs(config.year_dir, months)
        read = read_all(files, config.bloc, config.catalogue)
        return validate_all(read, config.bloc, config.catalogue, ScriptedValidator())

    december, earlier = validated(("2025-12",)), validated(("2025-09", "2025-10", "2025-11"))
    checked = with_month_series_warnings(december, earlier, config.catalogue)
    assert [s.file.rel for s in checked] == [s.file.rel for s in december]
    found = [
        (s.file.rel, i) for s, before in zip(checked, december, strict=True) for i in s.issues[len(before.issues) :]
    ]
    ((rel, issue),) = found
    assert rel.startswith("monthly/2025-12/") and "sapa" in rel
    assert (issue.rule, issue.sheet, issue.cell) == ("ytd_decreased", "Chỉ tiêu", cell)
    assert issue.message == "Lũy kế của chỉ tiêu CT03 giảm từ 30 (tháng 11/2025) xuống 20."
