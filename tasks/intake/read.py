"""Open submitted files: read, locate and identify each one, never raising for a bad file.

Kept apart from validation (pandas, Great Expectations), so that reading imports the reading code only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Protocol

from tasks.domain import Bloc, Catalogue, CellValue, InputFile, Issue, Kind, Severity, Status, Submission, Workbook
from tasks.intake.discover import WORKBOOK_SUFFIXES
from tasks.intake.disguise import disguised_value_issues
from tasks.intake.identify import identify_annual, identify_monthly, ward_in_file_name
from tasks.intake.tables import (
    IntakeError,
    duplicate_label_issues,
    excel_error_issues,
    hidden_sheet_issues,
    read_submission,
    uncached_formula_issues,
)
from tasks.intake.workbook import WorkbookError, read_workbook
from tasks.text import month_label, shown

log = logging.getLogger(__name__)

Files = Sequence[tuple[InputFile, str | None]]
Progress = Callable[[int], None]  # told how many more files have been read


def no_progress(n: int) -> None:
    """A ``Progress`` that tells no one."""


class Reader(Protocol):
    """Reads files into submissions, one per file in the order given (``read_files`` is one); a reader may give
    them as they are read (an iterator), so that the caller can store the first ones while the rest are read.

    A reader that read in other processes may give a submission in the parse cache's form, the bytes of
    ``tasks.intake.cache_codec.as_json``: the caller decodes it and caches those bytes as they are.
    A reader that got nothing for a file (the process reading it died) gives None in its place: the file comes
    back rejected (:func:`reading_lost`) and is not cached, so the next run tries it again.
    """

    def __call__(
        self, files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress
    ) -> Iterable[Submission | bytes | None]: ...


def read_files(files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress) -> list[Submission]:
    """Open every file in this process, telling ``progress`` after each one."""
    read = []
    for file, period in files:
        read.append(open_submission(file, bloc, catalogue, period))
        progress(1)
    return read


def reading_lost(file: InputFile, period: str | None) -> Submission:
    """A rejected submission for a file whose reading was lost (its reader process died): the run goes on, the
    ward is told to send the file again."""
    issue = Issue(
        Severity.ERROR,
        "unreadable",
        "Không đọc được tệp (quá trình đọc tệp bị dừng giữa chừng).",
        "Mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
    )
    return Submission(file=file, kind=file.kind, period=period, status=Status.REJECTED, issues=(issue,))


def _reject(sub: Submission, issue: Issue) -> Submission:
    return replace(sub.with_issues([issue]), status=Status.REJECTED)


def open_submission(file: InputFile, bloc: Bloc, catalogue: Catalogue, period: str | None) -> Submission:
    """Read, locate and identify one file; never raises for a bad file."""
    return _with_file_name_hint(_open(file, bloc, catalogue, period), bloc)


def _with_file_name_hint(sub: Submission, bloc: Bloc) -> Submission:
    """Say which ward the file name suggests when the file names none, or names another ward than the file name;
    the name never decides the ward."""
    if sub.ward_code is not None and sub.kind is not Kind.APPRAISAL:
        return _named_for_another_ward(sub, bloc)
    if sub.ward_code is not None or sub.kind is Kind.APPRAISAL or not sub.has_errors:
        return sub
    ward = ward_in_file_name(sub.file, bloc)
    if ward is None:
        return sub
    errors = [k for k, i in enumerate(sub.issues) if i.severity is Severity.ERROR]
    at = next((k for k in errors if sub.issues[k].rule in ("ward_unknown", "ward_missing")), errors[0])
    issue = sub.issues[at]
    note = (
        f" Tên tệp “{sub.file.rel.rsplit('/', 1)[-1]}” gợi ý đây là hồ sơ của phường {ward.name}; "
        "hồ sơ chỉ được tính cho đơn vị ghi trong tệp, không theo tên tệp."
    )
    issues = list(sub.issues)
    issues[at] = replace(issue, hint=issue.hint + note)
    return replace(sub, issues=tuple(issues))


def _named_for_another_ward(sub: Submission, bloc: Bloc) -> Submission:
    """A warning when the file name names one roster ward and the file itself another: the file counts for the
    ward written in it (which may supersede that ward's own submission), so the secretariat and that ward see it."""
    by_name = ward_in_file_name(sub.file, bloc)
    inside = bloc.ward(sub.ward_code) if sub.ward_code is not None and sub.ward_code in bloc.names else None
    if by_name is None or inside is None or by_name.code == inside.code:
        return sub
    cv = sub.workbook.info.get("ward") if sub.workbook else None
    name = sub.file.rel.rsplit("/", 1)[-1]
    issue = Issue(
        Severity.WARNING,
        "file_name_other_ward",
        f"Tên tệp “{name}” gợi ý hồ sơ của phường {by_name.name}, nhưng trong tệp ghi đơn vị phường {inside.name}: "
        f"hồ sơ được tính cho phường {inside.name}.",
        f"Văn phòng Khối: kiểm tra tệp có đúng do phường {inside.name} gửi không; nếu phường {by_name.name} ghi nhầm "
        "đơn vị, phường sửa ô Đơn vị rồi gửi lại.",
        sheet=sub.workbook.info_sheet if sub.workbook else None,
        cell=cv.cell if cv else None,
        column="Đơn vị" if cv else None,
        value=shown(cv.value) if cv else None,
    )
    return sub.with_issues([issue])


def _open(file: InputFile, bloc: Bloc, catalogue: Catalogue, period: str | None) -> Submission:
    sub = Submission(file=file, kind=file.kind, period=period)
    if file.refused is not None:
        return _reject(sub, refused_entry(file))
    if file.kind is Kind.UNKNOWN:
        return _reject(sub, _unsupported(file, catalogue))
    try:
        sheets = read_workbook(file.path)
        workbook = read_submission(sheets, file.kind)
    except WorkbookError as exc:
        return _reject(sub, Issue(Severity.ERROR, exc.rule, exc.message, exc.hint))
    except IntakeError as exc:
        rejected = _reject(sub, exc.issue)
        if exc.info_sheet is None:
            return rejected
        return _attributed(rejected, Workbook(exc.info_sheet, exc.info, {}), bloc, catalogue, period)
    except Exception:  # a file must never stop the run; keep the cause for the developers' log
        log.exception("unexpected failure reading %s", file.rel)
        return _reject(
            sub,
            Issue(
                Severity.ERROR,
                "unreadable",
                "Không đọc được tệp: chương trình gặp lỗi không mong đợi (đã ghi vào nhật ký kỹ thuật).",
                "Mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
            ),
        )
    info = next((s for s in sheets if s.name == workbook.info_sheet), None)
    found = (
        *uncached_formula_issues(sheets, workbook),
        *excel_error_issues(sheets, workbook, file.kind),
        *disguised_value_issues(sheets, workbook, file.kind),
        *hidden_sheet_issues(sheets),
        *(duplicate_label_issues(info) if info is not None else []),
    )
    attributed = _attributed(replace(sub, workbook=workbook, issues=found), workbook, bloc, catalogue, period)
    return replace(attributed, status=Status.REJECTED) if attributed.has_errors else attributed


# Why discovery could not read an entry (``InputFile.refused``): what the secretariat and the ward are told.
_REFUSED = {
    "unreadable": (
        "Không đọc được tệp '{name}': tài khoản chạy công cụ không có quyền đọc tệp này.",
        "Cấp quyền đọc tệp (hoặc sao chép lại tệp vào thư mục) rồi chạy lại.",
    ),
    "unreadable_folder": (
        "Không đọc được thư mục '{name}': không có quyền liệt kê các tệp bên trong.",
        "Cấp quyền đọc thư mục rồi chạy lại.",
    ),
    "broken_link": (
        "'{name}' là liên kết (shortcut) trỏ tới tệp không tồn tại hoặc trỏ vòng lại chính nó.",
        "Thay liên kết bằng chính tệp bảng tính của phường.",
    ),
    "linked_folder": (
        "'{name}' là liên kết tới một thư mục; công cụ không đi theo liên kết thư mục.",
        "Chép các tệp bảng tính vào thư mục nộp (annual/, appraisal/ hoặc monthly/<YYYY-MM>/) thay cho liên kết.",
    ),
    "special_file": (
        "'{name}' không phải tệp thông thường (thiết bị, FIFO hoặc socket) nên không được đọc.",
        "Xóa mục này khỏi thư mục nộp; chỉ để các tệp .xlsx/.xlsm.",
    ),
    "subfolder": (
        "Thư mục con '{name}' không được đọc: chỉ các tệp nằm ngay trong thư mục nộp mới là hồ sơ, "
        "nên không tệp nào trong thư mục con này được tính.",
        "Nếu trong đó có hồ sơ cần nộp, chuyển tệp ra thư mục nộp (annual/, appraisal/ hoặc monthly/<YYYY-MM>/); "
        "nếu là bản cũ hay bản lưu, chuyển thư mục con ra ngoài thư mục hồ sơ.",
    ),
}


def refused_entry(file: InputFile) -> Issue:
    """The issue of an entry discovery could not read, naming it (its name shown escaped)."""
    message, hint = _REFUSED.get(file.refused or "", _REFUSED["unreadable"])
    return Issue(Severity.ERROR, file.refused or "unreadable", message.format(name=file.rel), hint)


def refused_by_folder(sub: Submission, catalogue: Catalogue) -> Submission:
    """``sub`` rejected when the folder under ``monthly/`` it was read from does not count, else as it was.

    Every file in these folders is a submission (spec §2), so none is left out: a workbook of a month folder
    outside the year's ``monthly_window`` is refused as ``outside_window`` (a note there too), one directly in
    ``monthly/`` or in a folder not named as a month as ``wrong_folder``. Each is still attributed to the ward it
    names (so the ward is told) and keeps what reading found in it (a wrong period says which folder the report
    belongs in); its rows are not checked nor scored, nor can it supersede a report (no workbook). An entry
    discovery could not read (a sub-folder, a broken link) keeps the one reason it is refused for.
    """
    if sub.file.refused is not None or sub.file.kind not in (Kind.MONTHLY, Kind.UNKNOWN):
        return sub  # an entry not read, or an annual or appraisal file (an annual file's period is its year)
    if sub.file.kind is Kind.MONTHLY and sub.period is None:  # discovery found no month folder around it
        issue = _outside_month_folders(sub.file, catalogue)
    elif sub.period is not None and sub.period not in catalogue.window.months():
        issue = outside_window(sub.period, catalogue)
    else:
        return sub
    return replace(sub, issues=(issue, *sub.issues), status=Status.REJECTED, workbook=None)


def outside_window(
    month: str, catalogue: Catalogue, period: CellValue | None = None, sheet: str | None = None
) -> Issue:
    """A monthly report of ``month`` does not count: the year's window does not hold that month.

    In a review it is said of the month folder ``monthly/<month>/`` the file is in; of a file checked alone
    (``thidua check``, the web check page), which has no folder, of its ``Kỳ báo cáo`` cell ``period`` on ``sheet``.
    """
    window = catalogue.window
    span = f"từ {month_label(window.first)} đến {month_label(window.last)}"
    if period is None:
        what, counted, away = (
            f"Thư mục tháng {month_label(month)} (monthly/{month}/)",
            "trong thư mục này",
            "chuyển tệp ra khỏi thư mục hồ sơ",
        )
    else:
        what, counted, away = f"Kỳ báo cáo tháng {month_label(month)}", "này", "không nộp tệp này"
    return Issue(
        Severity.ERROR,
        "outside_window",
        f"{what} nằm ngoài khoảng theo dõi của năm {catalogue.year} ({span}): báo cáo {counted} không được tính.",
        f"Báo cáo tháng chỉ được tính cho các tháng {span}. Nếu đây là báo cáo của một tháng trong khoảng đó, ghi "
        f"đúng Kỳ báo cáo và đặt tệp vào thư mục của tháng ấy; nếu không, {away}.",
        sheet=sheet if period else None,
        cell=period.cell if period else None,
        column="Kỳ báo cáo" if period else None,
        value=shown(period.value) if period else None,
    )


# What a file that is not a workbook is, by its name's ending, so that the ward is told in plain words.
_NOT_WORKBOOKS = {
    ".txt": "tệp văn bản (.txt)",
    ".csv": "tệp dữ liệu CSV (.csv)",
    ".pdf": "tệp PDF (.pdf)",
    ".doc": "văn bản Word (.doc)",
    ".docx": "văn bản Word (.docx)",
    ".odt": "văn bản OpenDocument (.odt)",
    ".ods": "bảng tính OpenDocument (.ods)",
    ".xlsb": "sổ làm việc Excel nhị phân (.xlsb)",
    ".xltx": "tệp mẫu Excel (.xltx)",
    ".ppt": "bản trình chiếu PowerPoint (.ppt)",
    ".pptx": "bản trình chiếu PowerPoint (.pptx)",
    ".jpg": "tệp ảnh (.jpg)",
    ".jpeg": "tệp ảnh (.jpeg)",
    ".png": "tệp ảnh (.png)",
    ".heic": "tệp ảnh (.heic)",
    ".zip": "tệp nén (.zip)",
    ".rar": "tệp nén (.rar)",
    ".7z": "tệp nén (.7z)",
}


def _unsupported(file: InputFile, catalogue: Catalogue) -> Issue:
    """Why a file of no kind is not read: an old .xls, a file that is no workbook (said as what it is), or a
    workbook no folder gave a kind (said to be in the wrong folder, as ``refused_by_folder`` says in a review)."""
    suffix = file.path.suffix.lower()
    if suffix == ".xls":
        return Issue(
            Severity.ERROR,
            "old_xls",
            "Tệp Excel cũ (.xls) không được hỗ trợ.",
            "Mở tệp trong Excel, chọn Lưu thành → Sổ làm việc Excel (*.xlsx) rồi gửi lại.",
        )
    if suffix in WORKBOOK_SUFFIXES:  # discovery gives every workbook a kind: a caller that gave none
        return _outside_month_folders(file, catalogue)
    what = _NOT_WORKBOOKS.get(suffix, f"tệp {suffix}" if suffix else "tệp không có đuôi (như .xlsx)")
    return Issue(
        Severity.ERROR,
        "not_a_workbook",
        f"Tệp '{file.rel}' là {what}, không phải bảng tính Excel (.xlsx/.xlsm) nên không được đọc.",
        "Phường cần gửi tệp Excel (.xlsx) làm từ biểu mẫu của Khối; ghi chú, ảnh hay văn bản khác không phải hồ sơ "
        "thi đua và không được tính.",
    )


def _outside_month_folders(file: InputFile, catalogue: Catalogue) -> Issue:
    """A workbook directly in ``monthly/`` or in a folder of it not named as a month: which month is unknown."""
    folder = PurePosixPath(file.rel).parent
    example = f"monthly/{catalogue.window.last}/"
    where = (
        "nằm ngay trong thư mục monthly/, không trong thư mục của một tháng"
        if folder.name == "monthly" or folder == PurePosixPath(".")
        else f"nằm trong thư mục '{folder.name}', tên thư mục không phải một tháng (YYYY-MM)"
    )
    return Issue(
        Severity.ERROR,
        "wrong_folder",
        f"Tệp '{file.rel}' {where}, nên không biết là báo cáo tháng nào và không được tính.",
        f"Đặt báo cáo vào thư mục của tháng báo cáo, đặt tên dạng YYYY-MM, ví dụ {example}.",
    )


def _attributed(sub: Submission, wb: Workbook, bloc: Bloc, catalogue: Catalogue, period: str | None) -> Submission:
    """``sub`` with the ward, period and date its info sheet names, and the problems found in them: also for a
    file rejected for a missing sheet or column, so that its ward is told what to fix instead of being reported
    as sending nothing."""
    if sub.kind is Kind.ANNUAL:
        ident = identify_annual(bloc, wb.info, wb.info_sheet, catalogue.year)
        period = str(catalogue.year)
    elif sub.kind is Kind.MONTHLY:
        ident = identify_monthly(bloc, wb.info, wb.info_sheet, period)
    else:
        return replace(sub, period=str(catalogue.year))
    ward_code = ident.ward.code if ident.ward else None
    found = replace(sub, period=period, ward_code=ward_code, prepared_on=ident.prepared_on)
    return found.with_issues(ident.issues)
