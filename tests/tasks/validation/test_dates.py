"""A Ngày lập no submission of the year can carry is a warning on its cell, and a file it supersedes is told.

The later Ngày lập wins among a ward's files (spec §3.5), so a file dated 01/01/2099 would beat every correction
the ward will send. The limit comes from the inputs (the meeting's date, else what the blank workbooks allow),
never the clock. Submissions are hand-made here; the stage's entry on the sample is tested in test_validate.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from tasks.config.year import load_year
from tasks.domain import CellValue, InputFile, Kind, MonthWindow, Severity, Status, Submission, Workbook
from tasks.validation.dates import DateLimit, date_limit, with_date_checked
from tasks.validation.validate import resolve_resubmissions
from tests.support.sample import SAMPLE

LIMIT = DateLimit(date(2026, 1, 15), "ngày họp tổng kết của Khối (15/01/2026)")


def submission(name: str, prepared_on: date | None, kind: Kind = Kind.ANNUAL) -> Submission:
    folder = "annual" if kind is Kind.ANNUAL else "monthly/2025-12"
    file = InputFile(Path(f"/inputs/2025/{folder}") / name, f"{folder}/{name}", name.encode().hex(), kind)
    written = prepared_on.strftime("%d/%m/%Y") if prepared_on else None
    book = Workbook("THONG TIN", {"prepared_on": CellValue(written, "B6")}, {})
    period = "2025" if kind is Kind.ANNUAL else "2025-12"
    return Submission(file, kind, period, "SAPA", prepared_on, workbook=book)


def test_the_limit_is_the_meeting_s_date_else_the_last_day_the_blank_workbooks_accept() -> None:
    """meeting.yaml's start gives the day (the sample's meeting: 15/01/2026); without a meeting, or one without a
    start, 31/12 of the year after the review's months, as the blank workbooks' own date rule allows."""
    config = load_year(SAMPLE.parent, 2025)
    assert config.meeting is not None
    assert date_limit(config.catalogue, config.meeting) == LIMIT
    fallback = date_limit(config.catalogue, None)
    assert fallback == DateLimit(date(2026, 12, 31), "ngày muộn nhất biểu mẫu của Khối cho phép ghi (31/12/2026)")
    into_next_year = replace(config.catalogue, window=MonthWindow("2025-09", "2026-01"))
    assert date_limit(into_next_year, replace(config.meeting, start=None)).last == date(2027, 12, 31)


def test_a_date_after_the_limit_is_a_warning_on_its_cell_and_the_file_stays_accepted() -> None:
    """Ngày lập 01/01/2099: a warning naming the date, the meeting, the cell, the sheet and the file."""
    sub = with_date_checked(submission("sapa-sua.xlsx", date(2099, 1, 1)), LIMIT)
    (issue,) = sub.issues
    assert (issue.severity, issue.rule, issue.sheet, issue.cell, issue.column, issue.value) == (
        Severity.WARNING,
        "date_too_late",
        "THONG TIN",
        "B6",
        "Ngày lập",
        "01/01/2099",
    )
    assert issue.message.startswith("Ngày lập 01/01/2099 muộn hơn ngày họp tổng kết của Khối (15/01/2026)")
    assert "ô B6 trang “THONG TIN”" in issue.hint and "“sapa-sua.xlsx”" in issue.hint
    assert sub.status is Status.ACCEPTED


def test_a_monthly_report_is_held_to_the_same_limit() -> None:
    """A December report dated after the meeting that reads it is warned as well."""
    (issue,) = with_date_checked(submission("t12.xlsx", date(2030, 5, 1), Kind.MONTHLY), LIMIT).issues
    assert issue.rule == "date_too_late" and issue.cell == "B6"


def test_the_meeting_day_itself_and_missing_dates_say_nothing() -> None:
    """A file prepared on the meeting's day, or with no readable date, comes back as it was."""
    for prepared_on in (date(2026, 1, 15), date(2026, 1, 5), None):
        sub = submission("sapa.xlsx", prepared_on)
        assert with_date_checked(sub, LIMIT) is sub


def test_a_file_superseded_by_one_with_an_impossible_date_is_told_no_correction_can_replace_it() -> None:
    """The notice names the winning file and its date; the hint says the Khối must take that file out, since a
    correction dated truthfully can never be later than 2099."""
    own, planted = submission("sapa.xlsx", date(2026, 1, 5)), submission("sapa-sua.xlsx", date(2099, 1, 1))
    settled = resolve_resubmissions([own, planted], LIMIT)
    assert [s.status for s in settled] == [Status.SUPERSEDED, Status.ACCEPTED]
    (notice,) = settled[0].issues
    assert "(annual/sapa-sua.xlsx, lập ngày 01/01/2099)" in notice.message
    assert notice.hint.startswith("Bản nộp sau ghi Ngày lập 01/01/2099, muộn hơn ngày họp tổng kết của Khối")
    assert "báo Văn phòng Khối để chuyển nó ra khỏi thư mục đầu vào" in notice.hint


def test_a_file_superseded_by_a_plausible_later_copy_needs_nothing_done() -> None:
    """A correction dated before the meeting: the usual hint."""
    own, fixed = submission("sapa.xlsx", date(2026, 1, 5)), submission("sapa-sua.xlsx", date(2026, 1, 9))
    (notice,) = resolve_resubmissions([own, fixed], LIMIT)[0].issues
    assert notice.hint == "Không cần làm gì nếu bản nộp sau là bản đúng."
