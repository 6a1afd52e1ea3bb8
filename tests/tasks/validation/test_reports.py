"""Resubmissions: one submission counts per ward, kind and period; the later Ngày lập wins."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tasks.domain import CellValue, InputFile, Kind, Severity, Status, Submission, Workbook
from tasks.validation.reports import resolve_resubmissions


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
