"""The closing summary of a run, in Vietnamese: what was accepted, rejected, missing, where the outputs are, what next.

It reads ``validation/summary.json`` of the run folder (spec §5), the file everyone is told to read, so the
summary says exactly what that file says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flows.console import count_text
from flows.failures import OK, STRICT
from tasks.outputs.writes import safe_name
from tasks.text import month_label


@dataclass(frozen=True)
class Tally:
    """Counts of one run folder's ``validation/summary.json``."""

    files: int
    accepted_files: int
    rejected_files: int
    wards: int
    accepted: tuple[str, ...]
    rejected: tuple[str, ...]
    missing: tuple[str, ...]
    feedback_files: int  # feedback workbooks to send to the wards (not those of sub-folders)
    folders_not_read: tuple[str, ...] = ()  # sub-folders of submission folders, listed as entries not read
    missing_months: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (ward, months of the window without a report)
    configuration_warnings: tuple[str, ...] = ()  # what the run set aside in meeting.yaml, one sentence each
    superseded_files: int = 0  # files a later submission of the same ward, kind and period replaced
    feedback_warnings_only: int = 0  # of feedback_files: those of accepted files (warnings, nothing to resend)
    origin_doubts: tuple[str, ...] = ()  # files the secretariat must check came from the ward they count for


# Warnings on files that count, yet may not be the ward's own: a file named for another ward, a Ngày lập no
# correction can outdate. The secretariat alone can tell, and a feedback workbook sent to a ward is not where it
# looks, so the summary names them.
ORIGIN_RULES = ("file_name_other_ward", "date_too_late")


def tally(run_dir: Path) -> Tally:
    """Count submissions and wards by status, and the feedback files, of the run in ``run_dir``."""
    doc: dict[str, Any] = json.loads((run_dir / "validation" / "summary.json").read_text(encoding="utf-8"))
    entries, wards = doc.get("submissions", []), doc.get("wards", [])
    folders = [e for e in entries if any(i.get("rule") == "subfolder" for i in e.get("issues", []))]
    subs = [e for e in entries if e not in folders]  # a folder is no file: counted apart

    def shown_status(ward: dict[str, Any]) -> object:
        """A ward that sent a file carrying its name, unusable (``annual_unusable``), has no valid
        self-assessment, as the minutes say: it is not counted among those that sent nothing."""
        if ward.get("status") == "missing" and any(i.get("rule") == "annual_unusable" for i in ward.get("issues", [])):
            return "rejected"
        return ward.get("status")

    def names(status: str) -> tuple[str, ...]:
        return tuple(str(w.get("ward_name") or w.get("ward_code")) for w in wards if shown_status(w) == status)

    feedback = run_dir / "validation" / "feedback"
    books = [p.name for p in feedback.glob("*.phan-hoi.xlsx")] if feedback.is_dir() else []
    # a folder's feedback goes to no ward: the wards are sent the others
    for_folders = {_book(e) for e in folders}
    # an accepted file has no error, nor has one replaced by its ward's later file (superseded): nothing to resend
    warnings_only = {_book(e) for e in subs if e.get("status") in ("accepted", "superseded")}
    return Tally(
        files=len(subs),
        accepted_files=sum(s.get("status") == "accepted" for s in subs),
        rejected_files=sum(s.get("status") == "rejected" for s in subs),
        superseded_files=sum(s.get("status") == "superseded" for s in subs),
        wards=len(wards),
        accepted=names("accepted"),
        rejected=names("rejected"),
        missing=names("missing"),
        feedback_files=sum(1 for name in books if name not in for_folders),
        feedback_warnings_only=sum(1 for name in books if name in warnings_only),
        folders_not_read=tuple(str(e.get("file")) for e in folders),
        missing_months=tuple(
            (str(w.get("ward_name") or w.get("ward_code")), tuple(str(m) for m in w["missing_months"]))
            for w in wards
            if w.get("missing_months")
        ),
        configuration_warnings=tuple(
            f"Cảnh báo {w.get('file')}, mục {w.get('key')}: {w.get('message')}"
            for w in doc.get("configuration_warnings", [])
        ),
        origin_doubts=tuple(_origin_doubt(e) for e in subs if _origin_doubt(e)),
    )


def _origin_doubt(entry: dict[str, Any]) -> str:
    """``Cần kiểm tra tệp …: <its ORIGIN_RULES messages>``, or "" for a file with none."""
    said = [str(i.get("message")) for i in entry.get("issues", []) if i.get("rule") in ORIGIN_RULES]
    return f"Cần kiểm tra tệp {entry.get('file')}: {' '.join(said)}" if said else ""


def _book(entry: dict[str, Any]) -> str:
    """The name of the feedback workbook written for a submission of ``summary.json``."""
    return f"{safe_name(str(entry.get('file')), str(entry.get('sha256') or ''))}.phan-hoi.xlsx"


def _listed(names: tuple[str, ...]) -> str:
    return f": {', '.join(names)}" if names else ""


def _superseded(files: int) -> str:
    """``, 1 được thay thế bằng bản nộp sau``, so that the file counts add up; nothing when none was."""
    return f", {count_text(files, 'được thay thế bằng bản nộp sau')}" if files else ""


def missing_months_text(wards: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """``Báo cáo tháng còn thiếu: Âu Lâu (10/2025), Sa Pa (09/2025, 10/2025).``: each ward and its months."""
    listed = ", ".join(f"{ward} ({', '.join(month_label(m) for m in months)})" for ward, months in wards)
    return f"Báo cáo tháng còn thiếu: {listed}."


def run_notes(t: Tally) -> list[str]:
    """What a run says apart from its counts, one sentence each: the files whose origin the secretariat must
    check, the wards without a monthly report of the window, then what meeting.yaml set aside. The command's
    summary and Prefect's artifact both give these."""
    months = [missing_months_text(t.missing_months)] if t.missing_months else []
    return [*t.origin_doubts, *months, *t.configuration_warnings]


def shown_path(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it (shorter to read and to type)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def months_next_step(wards: tuple[tuple[str, tuple[str, ...]], ...], year_dir: Path | None) -> str:
    """The next step for months without a report: the wards send them into each month's folder of ``year_dir``
    (the year's submission folder the run read, ``inputs/2025``), named as the secretariat types it."""
    months = sorted({month for _, ward_months in wards for month in ward_months})
    folders = ", ".join(f"{(shown_path(year_dir) if year_dir else Path()) / 'monthly' / month}/" for month in months)
    return (
        f"  - Nhắc các phường còn thiếu báo cáo tháng nộp bổ sung vào thư mục của tháng đó ({folders}), "
        "rồi chạy lại lệnh này."
    )


def summary_lines(run_dir: Path, what: str, latest_hint: bool = True, year_dir: Path | None = None) -> list[str]:
    """The closing lines of a run whose outputs are in ``run_dir``; ``what`` names the run (``Đánh giá năm 2025``).

    ``year_dir``: the year's submission folder the run read (``inputs/2025``), where a missing month is to be sent.
    """
    t = tally(run_dir)
    run_dir = shown_path(run_dir)
    lines = [
        f"{what} đã xong.",
        f"  Hồ sơ: {count_text(t.files, 'tệp')}, {count_text(t.accepted_files, 'hợp lệ')}, "
        f"{count_text(t.rejected_files, 'bị từ chối')}{_superseded(t.superseded_files)}.",
        f"  Phường: {count_text(len(t.accepted))}/{count_text(t.wards, 'có hồ sơ hợp lệ')}; "
        f"{count_text(len(t.rejected), 'bị từ chối')}{_listed(t.rejected)}; "
        f"{count_text(len(t.missing), 'chưa nộp')}{_listed(t.missing)}.",
        *(f"  {note}" for note in run_notes(t)),  # a missing month costs the ward points and makes --strict exit 1
        f"  Kết quả: {run_dir}",
    ]
    if t.folders_not_read:  # said apart: whoever put files there must know they were not counted
        lines.insert(
            3,
            f"  Không đọc {count_text(len(t.folders_not_read), 'thư mục con')} (chỉ tệp nằm ngay trong thư mục nộp "
            f"mới là hồ sơ): {', '.join(t.folders_not_read)}.",
        )
    if latest_hint:
        lines.append(f"  (luôn mở được lần mới nhất qua {run_dir.parent / 'latest'})")
    lines.append("Việc tiếp theo:")
    to_fix = t.feedback_files - t.feedback_warnings_only
    if to_fix:
        lines.append(
            f"  - Gửi {count_text(to_fix, 'bảng phản hồi')} (thư mục validation/feedback/ của kết quả) "
            "cho các phường, kèm bản sao có đánh dấu ô cần sửa; phường sửa và nộp lại, rồi chạy lại lệnh này."
        )
    if t.feedback_warnings_only:
        where = "cùng thư mục" if to_fix else "thư mục validation/feedback/ của kết quả"  # named once
        lines.append(
            f"  - Gửi {count_text(t.feedback_warnings_only, 'bảng phản hồi')} chỉ có cảnh báo ({where}) cho các "
            "phường để xem lại: hồ sơ đã được chấp nhận, không bắt buộc nộp lại."
        )
    if t.origin_doubts:
        lines.append(
            f"  - Xác minh với các phường {count_text(len(t.origin_doubts), 'tệp')} cần kiểm tra nêu trên: có đúng "
            "do phường được tính điểm gửi, đúng ngày lập không; nếu không, thay hoặc bỏ tệp đó khỏi thư mục hồ sơ, "
            "rồi chạy lại lệnh này."
        )
    if t.missing:
        lines.append("  - Nhắc các phường chưa nộp hồ sơ, rồi chạy lại lệnh này.")
    if t.missing_months:
        lines.append(months_next_step(t.missing_months, year_dir))
    if not t.feedback_files and not t.missing and not t.missing_months:
        lines.append("  - Không có hồ sơ nào cần sửa.")
    return lines


def review_next_steps(draft: bool) -> list[str]:
    """What a review adds to the next steps: the minutes to finish, the ranking to print."""
    lines = ["  - Xem bảng xếp hạng ranking.xlsx và biên bản bien-ban-hop-tong-ket.docx trong thư mục kết quả."]
    if draft:
        lines.append(
            "  - Biên bản đang là DỰ THẢO: sau khi bỏ phiếu, ghi kết quả vào meeting.yaml (mục votes) rồi chạy lại."
        )
    return lines


class Counted(Protocol):
    """What a bloc's run counted (``ReviewResult``, ``MonthlyResult``, ``BlocOutcome``)."""

    @property
    def rejected(self) -> int: ...
    @property
    def missing(self) -> int: ...
    @property
    def rejected_files(self) -> int: ...
    @property
    def folders_not_read(self) -> int: ...
    @property
    def missing_months(self) -> int: ...


def needs_attention(result: Counted) -> bool:
    """What ``--strict`` stops on: a ward rejected or missing, a rejected file, a sub-folder not read, a ward
    without an accepted monthly report for a month of the review's window (it costs the ward DM points)."""
    return bool(
        result.rejected or result.missing or result.rejected_files or result.folders_not_read or result.missing_months
    )


def run_status(result: Counted, strict: bool) -> int:
    """The exit status of a run that completed: 1 when ``--strict`` stops on it (``needs_attention``), else 0.

    The one rule for a bloc alone (``thidua review``, ``thidua monthly``) and for each bloc of a province.
    """
    return STRICT if strict and needs_attention(result) else OK
