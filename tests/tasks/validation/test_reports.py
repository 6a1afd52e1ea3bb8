"""Resubmissions: one submission counts per ward, kind and period; the later Ngày lập wins. Month series: a
cumulative indicator's year-to-date value does not go down, and its month value adds up."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tasks.config.year import load_year
from tasks.domain import (
    CellValue,
    IndicatorEntry,
    InputFile,
    Kind,
    MonthlyReport,
    Severity,
    Status,
    Submission,
    Workbook,
)
from tasks.intake.discover import months_inputs
from tasks.intake.read_all import read_all
from tasks.validation.reports import month_series_warnings, resolve_resubmissions, with_month_series_warnings
from tasks.validation.validate import validate_all
from tests.support.sample import SAMPLE, EditFn
from tests.support.validators import ScriptedValidator


def annual(name: str, prepared_on: date | None, ward: str = "SAPA", written: object = None) -> Submission:
    file = InputFile(Path("/inputs/2025/annual") / name, f"annual/{name}", name.encode().hex(), Kind.ANNUAL)
    book = Workbook("Thông tin", {"prepared_on": CellValue(written, "B5")}, {})
    return Submission(file, Kind.ANNUAL, "2025", ward, prepared_on, workbook=book)


def test_the_later_date_wins_and_the_earlier_file_is_told_it_was_replaced() -> None:
    """The earlier file is superseded, with a warning naming the later file and its date."""
    first, second = annual("sapa.xlsx", date(2026, 1, 5)), annual("sapa-sua.xlsx", date(2026, 1, 9))
    settled = resolve_resubmissions([first, second])
    assert [s.status for s in settled] == [Status.SUPERSEDED, Status.ACCEPTED]
    assert settled[0].superseded_by == "annual/sapa-sua.xlsx"
    (notice,) = settled[0].issues
    assert notice.severity is Severity.WARNING and "annual/sapa-sua.xlsx, lập ngày 09/01/2026" in notice.message
    assert settled[1] is second


def test_equal_or_missing_dates_reject_every_file_of_the_ward() -> None:
    """Which file is newer cannot be told: all are rejected, and the secretariat is told to keep one."""
    for dates in [(date(2026, 1, 5), date(2026, 1, 5)), (date(2026, 1, 5), None)]:
        settled = resolve_resubmissions([annual("a.xlsx", dates[0]), annual("b.xlsx", dates[1])])
        assert [s.status for s in settled] == [Status.REJECTED, Status.REJECTED]
        for sub in settled:
            (issue,) = sub.issues
            assert issue.rule == "conflicting_submissions" and "annual/a.xlsx, annual/b.xlsx" in issue.message
            assert (issue.sheet, issue.cell, issue.column) == ("Thông tin", "B5", "Ngày lập")


def test_a_conflict_quotes_the_date_written_in_each_files_cell() -> None:
    """The conflict names the ``Ngày lập`` cell and the value as the ward wrote it (spec §5), a date as Excel
    shows it; a blank cell has no value to quote."""
    same = date(2025, 12, 22)
    settled = resolve_resubmissions(
        [annual("a.xlsx", same, written=datetime(2025, 12, 22)), annual("b.xlsx", same, written="22/12/2025")]
    )
    assert [(i.cell, i.value) for s in settled for i in s.issues] == [("B5", "22/12/2025"), ("B5", "22/12/2025")]
    blank = resolve_resubmissions([annual("a.xlsx", same, written=datetime(2025, 12, 22)), annual("b.xlsx", None)])
    assert [i.value for s in blank for i in s.issues] == ["22/12/2025", None]


def test_the_submissions_given_are_left_as_they_were() -> None:
    """Settling returns new submissions in the same order; the ones handed in keep status and issues."""
    given = [annual("a.xlsx", date(2026, 1, 5)), annual("x.xlsx", None, ward="LAOCAI"), annual("b.xlsx", None)]
    settled = resolve_resubmissions(given)
    assert all(s.status is Status.ACCEPTED and s.issues == () for s in given)
    assert [s.file.rel for s in settled] == [s.file.rel for s in given]
    assert settled[1] is given[1]  # alone for its ward: untouched


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
