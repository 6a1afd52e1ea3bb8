"""Feedback for a ward on one submission: a workbook listing its issues, and an annotated copy of its file.

The feedback workbook (``Tóm tắt`` then ``Danh sách lỗi``) says in Vietnamese what was found and what to
do; each cell address links into the annotated copy, where the offending cells are filled (errors red,
warnings yellow) and carry a comment with the message and the fix. Both are pure functions returning bytes;
the ward's original file is only ever read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import Issue, Severity, Status, Submission
from tasks.feedback.annotate import annotated_copy
from tasks.feedback.annotate_cells import Note
from tasks.feedback.package import Refused, open_package, visible_cell
from tasks.feedback.package import find_sheet as find_sheet_part
from tasks.intake.workbook import MAX_ENTRIES, MAX_UNZIPPED_BYTES
from tasks.outputs.labels import KIND_TEXT, SEVERITY_TEXT, STATUS_TEXT
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx.common import (
    BODY,
    BOLD,
    LINK,
    TOP,
    Column,
    Look,
    banner,
    estimate_lines,
    new_workbook,
    put_number,
    put_text,
    setup_print,
    write_table,
)
from tasks.validation.rules import rule_label

log = logging.getLogger(__name__)

SUMMARY_SHEET = "Tóm tắt"
ISSUES_SHEET = "Danh sách lỗi"


ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
LABEL = Look("thidua Nhãn", BOLD, TOP)  # the summary sheet: a label in column A, its value in column B
VALUE = Look("thidua Nội dung", BODY, TOP)
COUNT = Look("thidua Số đếm", BODY, Alignment(horizontal="left", vertical="top"), number_format="0")


# The ward reads the kind of problem in words (``Loại``); the rule code is last, for auditors, so it is never
# the first thing a ward officer sees.
ISSUE_COLUMNS = (
    Column("Mức độ", 9, "center"),
    Column("Loại", 15, "text"),
    Column("Trang tính", 14, "text"),
    Column("Ô", 6, "center"),
    Column("Cột", 14, "text"),
    Column("Giá trị", 12, "text"),
    Column("Nội dung", 38, "text"),
    Column("Cách khắc phục", 38, "text"),
    Column("Mã quy tắc (cho kiểm tra)", 16, "text"),
)
PRINTED_COLUMNS = len(ISSUE_COLUMNS) - 1  # the rule code is for auditors on screen: the ward's print leaves it out
_CELL_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


# --- Feedback workbook -----------------------------------------------------------------------------


def feedback_workbook(
    submission: Submission,
    moment: datetime,
    *,
    annotated_name: str | None = None,
    ward_name: str | None = None,
    no_copy_reason: str | None = None,
) -> bytes:
    """The feedback workbook of ``submission`` (bytes), byte-identical for the same arguments.

    ``annotated_name`` is the file name of the annotated copy written next to it: each cell address in
    ``Danh sách lỗi`` then links to that cell of the copy; without one, ``no_copy_reason`` tells the ward why
    (:class:`AnnotatedCopy`). ``ward_name`` is the roster name, if known.
    """
    wb = new_workbook(f"Phản hồi kiểm tra hồ sơ: {submission.file.rel}", moment)
    summary = wb.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    _fill_summary(summary, submission, annotated_name or None, ward_name, no_copy_reason)
    _fill_issues(wb.create_sheet(ISSUES_SHEET), sorted_issues(submission.issues), annotated_name)
    return save_workbook(wb, moment)


def sorted_issues(issues: Sequence[Issue]) -> list[Issue]:
    """Errors first, then warnings, each in the order they were found."""
    return sorted(issues, key=lambda i: i.severity is not Severity.ERROR)


def period_text(period: str | None) -> str:
    """``2025`` → ``Năm 2025``; ``2025-12`` → ``Tháng 12/2025``."""
    if not period:
        return "Chưa xác định"
    year, _, month = period.partition("-")
    return f"Tháng {month}/{year}" if month else f"Năm {year}"


def advice(submission: Submission, annotated: bool) -> str:
    """One or two sentences telling the ward what to do next."""
    errors, warns = _counts(submission.issues)
    where = " (các ô có vấn đề được tô màu và ghi chú trong bản sao có đánh dấu)" if annotated else ""
    if submission.status is Status.SUPERSEDED:
        later = f" ({submission.superseded_by})" if submission.superseded_by else ""
        return (
            f"Tệp này không được dùng để chấm điểm vì đơn vị đã nộp bản sau{later}. "
            "Nếu bản sau là bản đúng, đơn vị không cần làm gì thêm."
        )
    if submission.file.is_folder:
        return (
            "Thư mục con này không phải hồ sơ nên không được đọc và không tệp nào trong đó được tính điểm. "
            f"Cách xử lý ghi trong trang tính “{ISSUES_SHEET}”."
        )
    if submission.status is Status.REJECTED:
        if not errors:
            return "Hồ sơ bị từ chối. Đề nghị liên hệ Thường trực Khối để được hướng dẫn."
        return (
            f"Hồ sơ bị từ chối nên chưa được tính điểm. Đề nghị sửa {errors} lỗi nêu trong trang tính "
            f"“{ISSUES_SHEET}”{where} trên tệp gốc của đơn vị rồi gửi lại cho Khối. "
            "Không gửi lại bản sao có đánh dấu."
        )
    if warns:
        return (
            f"Hồ sơ được chấp nhận. Đề nghị xem {warns} cảnh báo trong trang tính “{ISSUES_SHEET}”{where}; "
            "nếu số liệu chưa đúng, sửa trên tệp gốc của đơn vị và gửi lại cho Khối."
        )
    return "Hồ sơ được chấp nhận, không có lỗi hay cảnh báo."


def _counts(issues: Sequence[Issue]) -> tuple[int, int]:
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    return errors, len(issues) - errors


def _summary_lines(submission: Submission, ward_name: str | None) -> list[tuple[str, object]]:
    code = submission.ward_code
    ward = f"{ward_name} ({code})" if ward_name and code else code or "Chưa xác định được đơn vị"
    errors, warns = _counts(submission.issues)
    folder = submission.file.is_folder  # an entry, not a file: it has no hash
    lines: list[tuple[str, object]] = [
        ("Thư mục", submission.file.rel) if folder else ("Tệp", submission.file.rel),
        *([] if folder else [("Mã SHA-256", submission.file.sha256)]),
        ("Loại hồ sơ", KIND_TEXT[submission.kind]),
        ("Đơn vị", ward),
        ("Kỳ báo cáo", period_text(submission.period)),
    ]
    if submission.prepared_on is not None:
        lines.append(("Ngày lập", submission.prepared_on.strftime("%d/%m/%Y")))
    lines.append(("Trạng thái", STATUS_TEXT[submission.status]))
    if submission.superseded_by:
        lines.append(("Bị thay thế bởi", submission.superseded_by))
    lines += [("Số lỗi", errors), ("Số cảnh báo", warns)]
    return lines


def _fill_summary(
    ws: Worksheet, submission: Submission, annotated_name: str | None, ward_name: str | None, no_copy: str | None
) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80
    banner(ws, 1, "PHẢN HỒI KẾT QUẢ KIỂM TRA HỒ SƠ THI ĐUA", 2)
    lines = _summary_lines(submission, ward_name)
    if annotated_name or no_copy:
        lines.append(("Bản sao có đánh dấu", annotated_name or no_copy))
    lines.append(("Việc cần làm", advice(submission, annotated_name is not None)))
    for row, (label, value) in enumerate(lines, start=3):
        put_text(ws, row, 1, label, look=LABEL)
        if isinstance(value, int):
            put_number(ws, row, 2, value, look=COUNT)
        else:
            put_text(ws, row, 2, value, look=VALUE)
        ws.row_dimensions[row].height = 15.75 * estimate_lines(str(value), 80) + 3
    if annotated_name:
        link_row = next(r for r, (label, _) in enumerate(lines, start=3) if label == "Bản sao có đánh dấu")
        _link(ws.cell(row=link_row, column=2), annotated_name, None)
    setup_print(ws, last_col=2, last_row=len(lines) + 2, title_rows=None, landscape=False)


def _issue_record(issue: Issue) -> list[object]:
    return [
        SEVERITY_TEXT[issue.severity],
        rule_label(issue.rule, issue.severity),
        issue.sheet,
        cell_address(issue.cell) or issue.cell,
        issue.column,
        issue.value,
        issue.message,
        issue.hint,
        issue.rule,
    ]


def _fill_issues(ws: Worksheet, issues: Sequence[Issue], annotated_name: str | None) -> None:
    last = write_table(ws, 1, ISSUE_COLUMNS, (_issue_record(i) for i in issues))
    for row, issue in enumerate(issues, start=2):
        ws.cell(row=row, column=1).fill = _fill_of([issue])
        address = cell_address(issue.cell)
        if annotated_name and issue.sheet and address:
            _link(ws.cell(row=row, column=4), annotated_name, f"{quote_sheet(issue.sheet)}!{address}")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ISSUE_COLUMNS))}{max(last, 1)}"
    ws.freeze_panes = "A2"
    setup_print(ws, last_col=PRINTED_COLUMNS, last_row=max(last, 1), title_rows="1:1")


def _link(cell: Cell, file_name: str, location: str | None) -> None:
    """Make ``cell`` an external link to ``file_name`` (relative, next to this file), at ``location``."""
    target = quote(file_name, safe="/()-_.~!$&'*+,;=@")
    tip = "Mở ô này trong bản sao có đánh dấu" if location else "Mở bản sao có đánh dấu"
    cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=location, tooltip=tip)
    cell.font = LINK


def quote_sheet(sheet: str) -> str:
    """A sheet name as a formula or link reference writes it: ``'Tự chấm điểm'``, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def cell_address(cell: str | None) -> str | None:
    """``D12``, ``$d$12`` or ``D12:E14`` → ``D12``; anything that is not a cell address → ``None``."""
    if not cell:
        return None
    match = _CELL_ADDRESS.match(cell.strip().split(":")[0])
    if match is None:
        return None
    address = match.group(1).upper() + match.group(2)
    try:
        row, col = coordinate_to_tuple(address)
    except ValueError:
        return None
    return address if 1 <= row <= 1_048_576 and 1 <= col <= 16_384 else None


def _fill_of(issues: Sequence[Issue]) -> PatternFill:
    return ERROR_FILL if any(i.severity is Severity.ERROR for i in issues) else WARNING_FILL


# --- Annotated copy ---------------------------------------------------------------------------------


# Why a ward gets no annotated copy, in the feedback workbook's summary where its name would be.
NO_CELL = "Không có: không vấn đề nào của tệp gắn với một ô cụ thể; xem trang tính “Danh sách lỗi”."
DECLINED = (
    "Không tạo được cho tệp này (tệp có nút bấm, macro hoặc cấu trúc khác biểu mẫu); "
    "trang tính và ô của từng vấn đề được ghi trong trang tính “Danh sách lỗi”."
)


@dataclass(frozen=True)
class AnnotatedCopy:
    """The annotated copy of a ward's file, or ``None`` and the sentence telling the ward why there is none."""

    data: bytes | None
    reason: str | None = None


def annotated_copy_of(original: bytes, issues: Sequence[Issue], moment: datetime, keep_vba: bool) -> AnnotatedCopy:
    """A copy of the ward's workbook with each offending cell filled and commented, or why there is none.

    Errors fill red, warnings yellow; the comment (author ``thidua``) gives every message and fix for the
    cell. Issues without a cell in the file are left out of the copy: the feedback workbook lists every issue.
    ``keep_vba`` keeps an ``.xlsm`` file's macros (never run). The copy is made by editing the ward's package
    (:mod:`tasks.feedback.annotate`), which keeps what openpyxl would drop (data validation lists, extensions)
    and the ward's own notes; a package it does not expect (form controls, a strict or UTF-16 package) gets no
    copy, and a zip bomb none either. ``original`` is only read.
    """
    try:
        package = open_package(original, keep_vba=keep_vba, max_entries=MAX_ENTRIES, max_bytes=MAX_UNZIPPED_BYTES)
        marked: dict[tuple[str, str], list[Issue]] = {}
        for issue in issues:
            sheet, address = find_sheet_part(package, issue.sheet), cell_address(issue.cell)
            if sheet is not None and address is not None:
                marked.setdefault((sheet, visible_cell(package, sheet, address)), []).append(issue)
        if not marked:
            return AnnotatedCopy(None, NO_CELL)
        notes = [Note(s, cell, comment_text(found), _fill_of(found).fgColor.rgb) for (s, cell), found in marked.items()]
        return AnnotatedCopy(annotated_copy(package, notes, moment))
    except Refused as exc:
        log.info("refusing to annotate the workbook: %s", exc)
        return AnnotatedCopy(None, None)
    except Exception as exc:  # declined, or a part it cannot parse: many exception types
        log.info("no annotated copy: %s", exc)
        return AnnotatedCopy(None, DECLINED)


def annotate_copy(original: bytes, issues: Sequence[Issue], moment: datetime, keep_vba: bool) -> bytes | None:
    """The bytes of :func:`annotated_copy_of`, or ``None`` when there is no copy."""
    return annotated_copy_of(original, issues, moment, keep_vba).data


def comment_text(issues: Sequence[Issue]) -> str:
    """The Vietnamese comment for one cell: each issue's level, message and fix."""
    parts = [f"[{SEVERITY_TEXT[i.severity]}] {i.message}\nCách khắc phục: {i.hint}" for i in issues]
    return "\n\n".join(parts)
