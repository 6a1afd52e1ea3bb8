"""Ngày lập that no submission of the year can carry (spec §3.5, resubmissions).

The later ``Ngày lập`` wins among a ward's submissions of one kind and period, so a file dated 01/01/2099 beats
every correction the ward will ever send. The spec does not reject such a file; it is accepted with a warning
on its ``Ngày lập`` cell, and a file it supersedes is told that a later correction cannot replace it.

The limit comes from the inputs, never the clock (spec §5: reruns are byte-identical): the review meeting's
date in ``meeting.yaml`` (no self-assessment or monthly report of the year is prepared after the meeting that
uses it), else the last day the Khối's blank workbooks accept in ``Ngày lập`` (31/12 of the year after the
review's year and its months), so that a file typed by hand is held to what the form itself allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tasks.domain import Catalogue, Issue, Kind, Meeting, Severity, Submission
from tasks.text import short_sheet, shown


@dataclass(frozen=True)
class DateLimit:
    """The latest ``Ngày lập`` a submission of the year can carry, and what sets it, in Vietnamese words."""

    last: date
    reason: str  # "ngày họp tổng kết của Khối (15/01/2026)"


def date_limit(catalogue: Catalogue, meeting: Meeting | None) -> DateLimit:
    """The meeting's date when ``meeting.yaml`` gives its start, else 31/12 of the year after the review's months
    (the last day the blank workbooks accept)."""
    if meeting is not None and meeting.start is not None:
        day = meeting.start.date()
        return DateLimit(day, f"ngày họp tổng kết của Khối ({day:%d/%m/%Y})")
    year = max(catalogue.year, int(catalogue.window.last[:4])) + 1
    return DateLimit(date(year, 12, 31), f"ngày muộn nhất biểu mẫu của Khối cho phép ghi (31/12/{year})")


def with_date_checked(sub: Submission, limit: DateLimit) -> Submission:
    """``sub`` with a warning on its ``Ngày lập`` cell when that date is later than ``limit``; else as it was."""
    if sub.kind not in (Kind.ANNUAL, Kind.MONTHLY) or sub.prepared_on is None or sub.prepared_on <= limit.last:
        return sub
    cv = sub.workbook.info.get("prepared_on") if sub.workbook else None
    sheet = sub.workbook.info_sheet if sub.workbook else None
    parts = ([f"ô {cv.cell}"] if cv and cv.cell else []) + ([f"trang “{short_sheet(sheet)}”"] if sheet else [])
    where = " ".join(parts) or "ô Ngày lập"
    issue = Issue(
        Severity.WARNING,
        "date_too_late",
        f"Ngày lập {sub.prepared_on:%d/%m/%Y} muộn hơn {limit.reason}: hồ sơ không thể được lập vào ngày đó. Hồ "
        "sơ vẫn được nhận, nhưng vì bản có Ngày lập muộn hơn được dùng, không bản sửa nào gửi sau có thể thay thế "
        "bản này.",
        f"Phường ghi đúng ngày lập (dd/mm/yyyy) ở {where}; Văn phòng Khối kiểm tra tệp "
        f"“{sub.file.rel.rsplit('/', 1)[-1]}” có đúng do phường gửi không và thay tệp này bằng bản đã sửa (gửi thêm "
        "một bản không đủ, vì bản này vẫn được coi là mới hơn).",
        sheet=sheet,
        cell=cv.cell if cv else None,
        column="Ngày lập",
        value=shown(cv.value) if cv else None,
    )
    return sub.with_issues([issue])


def superseded_hint(winner: Submission, limit: DateLimit | None) -> str:
    """What a superseded file's ward should do: nothing when ``winner`` is a plausible later copy; when its
    ``Ngày lập`` is past ``limit``, no correction dated truthfully can replace it, so the Khối must step in."""
    if limit is None or winner.prepared_on is None or winner.prepared_on <= limit.last:
        return "Không cần làm gì nếu bản nộp sau là bản đúng."
    return (
        f"Bản nộp sau ghi Ngày lập {winner.prepared_on:%d/%m/%Y}, muộn hơn {limit.reason}, nên không bản sửa nào "
        "gửi sau có thể thay thế nó. Nếu bản đó sai hoặc không do phường gửi, báo Văn phòng Khối để chuyển nó ra "
        "khỏi thư mục đầu vào."
    )
