"""``thidua check``: validate one file against the year's rules without a review run.

The same reading, identification and expectation suites as the flows (one set of rules): a file's kind is
recognised from its sheets, its year from ``Năm`` or ``Kỳ báo cáo`` unless given. The review also compares a
file with the other files of the year (month series, resubmissions, monthly reports against the
self-assessment, appraisal rows against the wards' files); one file cannot show those, so the result names them
as checks *not made* instead of claiming the file has no issue.

``check_file`` is the one entry point: the command line and the web check page both call it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from tasks.config.year import bloc_folders, load_year
from tasks.domain import Catalogue, InputFile, Issue, Kind, Severity, Status, Submission
from tasks.intake.discover import WORKBOOK_SUFFIXES, shown_name
from tasks.intake.identify import parse_period, parse_year, period_year_issue
from tasks.intake.layout import INFO_SHEET, TABLES
from tasks.intake.read import open_submission, outside_window
from tasks.intake.tables import read_info
from tasks.intake.workbook import WorkbookError, read_workbook
from tasks.outputs.labels import KIND_TEXT
from tasks.text import key, month_label, short_sheet
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all


@dataclass(frozen=True)
class Detected:
    """What a file says it is."""

    kind: Kind
    year: int | None
    period: str | None


class CheckStatus(StrEnum):
    """The verdict on one file: ``passed`` (ĐẠT) unless it has an error, which the review would reject."""

    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class NotMade:
    """A check the review makes that one file cannot: it needs other files of the year.

    ``rules`` are the codes of the issues that check raises in the review (for auditors and tests);
    ``label`` says what is checked and ``needs`` which files it needs, in Vietnamese, for the ward.
    """

    rules: tuple[str, ...]
    label: str
    needs: str


@dataclass(frozen=True)
class CheckResult:
    """What ``check_file`` found in one file: its verdict, identity, issues and the checks it could not make."""

    name: str
    status: CheckStatus
    kind: Kind
    year: int
    ward_code: str | None
    period: str | None
    issues: tuple[Issue, ...]
    not_made: tuple[NotMade, ...]


class CheckError(Exception):
    """A file that cannot be checked at all; the message is one Vietnamese sentence for the user."""


RESUBMISSIONS = NotMade(
    ("superseded", "conflicting_submissions"),
    "bản nào được tính khi đơn vị nộp nhiều bản cùng loại, cùng kỳ",
    "các bản khác đơn vị đã nộp",
)
MONTH_SERIES = NotMade(
    ("ytd_decreased", "month_does_not_add_up"),
    "lũy kế so với báo cáo tháng trước (không giảm; tháng trước cộng thực hiện trong tháng bằng lũy kế)",
    "báo cáo tháng trước của đơn vị",
)
INDICATOR_SCORES = NotMade(
    ("indicator_self_score_differs", "indicator_no_report"),
    "điểm tự chấm các tiêu chí chỉ tiêu so với điểm tính từ lũy kế của báo cáo tháng",
    "các báo cáo chỉ tiêu tháng của đơn vị",
)
MISSING_MONTHS = NotMade(
    ("monthly_missing",),
    "các tháng chưa có báo cáo chỉ tiêu được chấp nhận, bị trừ điểm",
    "các báo cáo chỉ tiêu tháng của đơn vị",
)
APPRAISAL = NotMade(
    (),
    "điểm thẩm định của Khối thay cho điểm tự chấm",
    "tệp thẩm định của Khối",
)
APPRAISAL_WARDS = NotMade(
    ("appraisal_without_self_assessment",),
    "mỗi dòng thẩm định có bảng tự chấm điểm hợp lệ của đơn vị đó",
    "bảng tự chấm điểm của các đơn vị",
)
NOT_MADE: dict[Kind, tuple[NotMade, ...]] = {
    Kind.ANNUAL: (INDICATOR_SCORES, MISSING_MONTHS, APPRAISAL, RESUBMISSIONS),
    Kind.MONTHLY: (MONTH_SERIES, RESUBMISSIONS),
    Kind.APPRAISAL: (APPRAISAL_WARDS,),
}


def detect(path: Path) -> Detected:
    """The kind of a workbook from its sheet names, and the year / period written inside it."""
    try:
        sheets = read_workbook(path)
    except WorkbookError:
        return Detected(Kind.UNKNOWN, None, None)
    names = {key(s.name) for s in sheets}
    kind = next(
        (k for k, layouts in TABLES.items() if all(key(lay.sheet) in names for lay in layouts)),
        Kind.UNKNOWN,
    )
    info_sheet = next((s for s in sheets if key(s.name) == key(INFO_SHEET)), None)
    info = read_info(info_sheet) if info_sheet else {}
    period = parse_period(info["period"].value) if "period" in info else None
    year = parse_year(info["year"].value) if "year" in info else None
    if kind is Kind.MONTHLY and period:
        year = int(period[:4])
    return Detected(kind, year, period)


def latest_year(inputs: Path) -> int | None:
    """The newest ``inputs/<year>/`` holding a bloc.yaml (or bloc folders that do): the rules used for a file that
    names no year."""
    years = [
        int(p.name)
        for p in inputs.glob("[0-9][0-9][0-9][0-9]")
        if (p / "bloc.yaml").is_file() or bloc_folders(inputs, int(p.name))
    ]
    return max(years, default=None)


def input_file(path: Path, kind: Kind, name: str | None = None) -> InputFile:
    """An InputFile for a file outside the inputs tree (shown by ``name``, else as given)."""
    if kind is Kind.UNKNOWN and path.suffix.lower() in {".xlsx", ".xlsm"}:
        kind = Kind.ANNUAL  # report the missing sheets of the most common kind
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return InputFile(path=path, rel=shown_name(name or path.name), sha256=digest, kind=kind)


def check_file(
    source: Path | bytes,
    inputs: Path,
    *,
    name: str | None = None,
    kind: Kind | None = None,
    year: int | None = None,
    default_year: int | None = None,
    bloc: str | None = None,
    validator: Validator | Callable[[], Validator] | None = None,
) -> CheckResult:
    """Check one workbook, given as a path or as its bytes, with the rules of its year under ``inputs``.

    ``kind`` overrides the kind recognised from the sheets, ``year`` the year written in the file. A file naming
    no year, or one without an ``inputs/<year>/``, is checked with the rules of ``default_year`` (else the newest
    year under ``inputs``), which report its year as wrong. ``bloc`` chooses the bloc folder of a year that holds
    several. ``name`` is how the file is named in the result (default: the path's name, or ``tệp.xlsx`` for
    bytes). Pass a ``validator`` to reuse one Great Expectations context across files, or a function returning
    one: it is called once the file is read, so that Great Expectations can finish importing in the background
    meanwhile. Raises ``CheckError`` when no year's rules apply, ``ConfigError`` when that year's YAML is broken.
    """
    if isinstance(source, bytes):
        shown = name or "tệp.xlsx"
        with tempfile.TemporaryDirectory(prefix="thidua-check-") as folder:
            path = Path(folder) / f"upload{Path(shown).suffix.lower()}"
            path.write_bytes(source)
            return check_file(
                path,
                inputs,
                name=shown,
                kind=kind,
                year=year,
                default_year=default_year,
                bloc=bloc,
                validator=validator,
            )
    if not source.is_file():
        raise CheckError(f"{name or source}: không tìm thấy tệp.")
    found = detect(source)
    # a year the file names but no inputs/<year>/ holds is the file's problem, not the configuration's: the newest
    # year's rules check it, and the file's Năm (or Kỳ báo cáo) is reported in its cell as not that year
    written = found.year if found.year is not None and (inputs / str(found.year)).is_dir() else None
    # no year under ``inputs`` at all (a mistyped --inputs): the file's own year names the folder that is missing
    rules_year = year or written or default_year or latest_year(inputs) or found.year
    if rules_year is None:
        raise CheckError(f"{name or source.name}: không xác định được năm của hồ sơ; hãy chỉ rõ năm (--year).")
    config = load_year(inputs, rules_year, bloc)
    # the review reads only .xlsx and .xlsm files: any other one is refused here as it would be there
    file = input_file(source, kind or found.kind if source.suffix.lower() in WORKBOOK_SUFFIXES else Kind.UNKNOWN, name)
    sub = _in_rules_year(open_submission(file, config.bloc, config.catalogue, found.period), config.catalogue)
    (sub,) = validate_all([sub], config.bloc, config.catalogue, _validator(validator), config.meeting)
    return _result(_own_period(sub, found), rules_year)


def _own_period(sub: Submission, found: Detected) -> Submission:
    """A self-assessment's period as the year its ``Năm`` names (none when it names none), not the rules' year.

    The review gives an annual file its folder's year; a file checked alone has no folder, and one for a year
    without rules is checked with another year's: its result must not say it is that year's.
    """
    if sub.kind is not Kind.ANNUAL or found.kind is not Kind.ANNUAL:
        return sub
    return replace(sub, period=str(found.year) if found.year is not None else None)


def other_year(period: str | None, rules_year: int) -> bool:
    """Whether a file's period is of another year than the rules it was checked with."""
    return period is not None and period[:4] != str(rules_year)


def _in_rules_year(sub: Submission, catalogue: Catalogue) -> Submission:
    """A monthly report of another year than the rules' is rejected in its ``Kỳ báo cáo`` cell, as an annual file
    whose ``Năm`` is not the year's is; one of the year but of a month outside its ``monthly_window`` is rejected
    there as ``outside_window``, the sentence the review gives the files of that month's folder."""
    if sub.kind is not Kind.MONTHLY or sub.workbook is None:
        return sub
    wb = sub.workbook
    issue = period_year_issue(wb.info, wb.info_sheet, catalogue.window, catalogue.year)
    if issue is None and sub.period is not None and sub.period not in catalogue.window.months():
        issue = outside_window(sub.period, catalogue, wb.info.get("period"), wb.info_sheet)
    return sub if issue is None else replace(sub.with_issues([issue]), status=Status.REJECTED)


def _validator(given: Validator | Callable[[], Validator] | None) -> Validator:
    if isinstance(given, Validator):
        return given
    return given() if given is not None else Validator()


def _result(sub: Submission, year: int) -> CheckResult:
    return CheckResult(
        name=sub.file.rel,
        status=CheckStatus.FAILED if sub.has_errors else CheckStatus.PASSED,
        kind=sub.kind,
        year=year,
        ward_code=sub.ward_code,
        period=sub.period,
        issues=tuple(sub.issues),
        not_made=NOT_MADE.get(sub.kind, ()) if sub.workbook is not None else (),
    )


def format_issues(issues: tuple[Issue, ...] | list[Issue]) -> list[str]:
    """Human-readable lines, in Vietnamese, two per issue: where and what, then how to fix it."""
    lines = []
    for issue in issues:
        where = " – ".join(
            x for x in (issue.sheet and f"trang '{short_sheet(issue.sheet)}'", issue.cell and f"ô {issue.cell}") if x
        )
        level = "LỖI" if issue.severity is Severity.ERROR else "Cảnh báo"
        lines.append(f"  [{level}] {where + ': ' if where else ''}{issue.message}")
        lines.append(f"      → {issue.hint}")
    return lines


def format_result(result: CheckResult) -> list[str]:
    """The lines ``thidua check`` prints for one file: verdict, issues, then the checks not made."""
    verdict = "ĐẠT" if result.status is CheckStatus.PASSED else "KHÔNG ĐẠT"
    ward = f"đơn vị {result.ward_code}" if result.ward_code else "chưa xác định đơn vị"
    period = f"kỳ {month_label(result.period)}" if result.period else "chưa xác định kỳ"
    rules = f"; kiểm tra theo quy tắc năm {result.year}" if other_year(result.period, result.year) else ""
    lines = [f"{result.name}: {verdict} ({KIND_TEXT[result.kind]}, {ward}, {period}{rules})"]
    lines += format_issues(result.issues) or ["  Không có lỗi hay cảnh báo trong các kiểm tra làm được trên một tệp."]
    if result.not_made:
        lines.append("  Chưa kiểm tra được từ một tệp (Văn phòng Khối kiểm tra khi tổng hợp):")
        lines += [f"    – {item.label} (cần {item.needs})" for item in result.not_made]
    return lines
