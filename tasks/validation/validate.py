"""Validation (spec §3.5): run the stored suites on all wards' rows at once, map failures back to cells, then
settle resubmissions (one submission counts per ward, kind and period).

Errors reject a submission, warnings do not. Files are opened by ``tasks.intake.read``. ``validate_all`` is the
stage's entry, shared by the annual review, the monthly run and ``thidua check`` so there is one set of rules.
"""

from __future__ import annotations

import logging
import string
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import pandas as pd

from tasks.domain import Bloc, Catalogue, Issue, Kind, Meeting, Severity, Status, Submission
from tasks.intake.layout import TABLES
from tasks.text import shown, vn_count
from tasks.validation.dates import DateLimit, date_limit, superseded_hint, with_date_checked
from tasks.validation.frames import Columns, appraisal_columns, counts_columns, indicators_columns, scores_columns
from tasks.validation.suites import CRITICAL, FailedRow, Failure, Validator

log = logging.getLogger(__name__)

MAX_LISTED_ISSUES = 100  # issues listed per file in every output; the rest are counted in one last line


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, values: Mapping[str, Any]) -> str:
    clean = {k: ("" if v is None or (isinstance(v, float) and v != v) else v) for k, v in values.items()}
    return string.Formatter().vformat(template, (), _Blank(clean))


def _issues_from(
    failures: Sequence[Failure],
    columns: Columns,
    subs: Sequence[Submission],
    context: Mapping[str, Any],
    headers: dict[int, dict[tuple[str, str], str]],
) -> Iterator[tuple[int, Issue, FailedRow]]:
    """One issue per failing row, naming the cell, with the position of its submission in ``subs`` and where
    the failed row lies."""
    for failure in failures:
        meta = failure.meta
        column = meta.get("column", "")
        for rid in failure.rids:
            row = {**context, "rid": rid, **{name: values[rid] for name, values in columns.items()}}
            at = int(row["sub"])
            sheet, cell = _text_or_none(row.get("sheet")), _text_or_none(row.get(meta.get("cell_field", "")))
            yield (
                at,
                Issue(
                    severity=Severity.ERROR if failure.severity == CRITICAL else Severity.WARNING,
                    rule=meta["rule"],
                    message=_format(meta["message"], row),
                    hint=_format(meta["hint"], row),
                    sheet=sheet,
                    cell=cell,
                    column=_headers_of(subs[at], at, headers).get((str(sheet), column), column) or None,
                    value=_text_or_none(row.get(meta.get("value_field", ""))),
                ),
                FailedRow(failure.suite, rid, subs[at].file.rel, sheet, cell, failure.severity, meta["rule"]),
            )


def _text_or_none(value: object) -> str | None:
    """A row value as issue text: missing markers (None, NaN) and empty text become None."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


@cache
def _fields() -> dict[str, str]:
    """Canonical column name → the field name the suites use for it."""
    return {c.name: c.field for layouts in TABLES.values() for lay in layouts for c in lay.columns}


def _headers_of(sub: Submission, at: int, known: dict[int, dict[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """(sheet, field) → the column header as written in the file; looked up only for files with an issue."""
    if at not in known:
        fields = _fields()
        tables = sub.workbook.tables.values() if sub.workbook is not None else ()
        known[at] = {
            (table.sheet, fields.get(canonical, canonical)): written
            for table in tables
            for canonical, written in table.headers.items()
        }
    return known[at]


def _coverage(
    subs: Sequence[Submission], found: Columns, idx: list[int], expected: Mapping[str, str], what: str, sheet_key: str
) -> Columns:
    """One row per catalogue code per submission: how many known lines carry it (the suite wants at least 1)."""
    lines = zip(found.get("sub", ()), found.get("code", ()), found.get("known", ()), strict=True)
    counts = Counter((sub, code) for sub, code, known in lines if known)
    sheets = [subs[i].workbook.tables[sheet_key].sheet for i in idx]  # type: ignore[union-attr]
    size, width = len(idx) * len(expected), len(expected)
    return {
        "sub": [i for i in idx for _ in range(width)],
        "sheet": [sheet for sheet in sheets for _ in range(width)],
        "code": list(expected) * len(idx),
        "name": list(expected.values()) * len(idx),
        "what": [what] * size,
        "count": [counts[(i, code)] for i in idx for code in expected],
        "cell": [None] * size,
    }


def _frame(validator: Validator, suite: str, columns: Columns) -> pd.DataFrame:
    """The DataFrame GX validates: ``rid`` (the row's position) and the columns the suite reads.

    Only those: every other column would be copied each time a row condition filters the frame.
    """
    wanted = validator.columns(suite)
    size = len(next(iter(columns.values()))) if columns else 0
    return pd.DataFrame({"rid": range(size)} | {name: values for name, values in columns.items() if name in wanted})


@dataclass
class _Run:
    """One bulk validation: the submissions, suite parameters, message context, the issues found so far (by
    position of their submission) and the headers looked up so far."""

    validator: Validator
    subs: Sequence[Submission]
    params: Mapping[str, Any]
    context: Mapping[str, Any]
    found: dict[int, list[Issue]] = field(default_factory=dict)
    headers: dict[int, dict[tuple[str, str], str]] = field(default_factory=dict)

    def validate(self, suite: str, columns: Columns) -> None:
        """Validate ``columns`` against ``suite`` and keep the issues found."""
        failures = self.validator.run(suite, _frame(self.validator, suite, columns), self.params)
        for at, issue, failed in _issues_from(failures, columns, self.subs, self.context, self.headers):
            self.found.setdefault(at, []).append(issue)
            self.validator.failed_rows.append(failed)


def validate_rows(
    subs: Sequence[Submission], bloc: Bloc, catalogue: Catalogue, validator: Validator
) -> list[Submission]:
    """Run every suite once over all readable submissions; the submissions with their issues and statuses.

    The result is in the order of ``subs``; a submission without a new issue comes back as it was.
    """
    readable = [i for i, s in enumerate(subs) if s.workbook is not None]
    by_kind = {k: [i for i in readable if subs[i].kind is k] for k in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL)}
    td = [b.code for b in catalogue.bonus_items] + [d.code for d in catalogue.deduction_items]
    params = {
        "criterion_codes": [c.code for c in catalogue.criteria],
        "count_codes": [*td, catalogue.missing_report.code],
        "computed_codes": [catalogue.missing_report.code],
        "indicator_codes": [i.code for i in catalogue.indicators],
        "appraisal_codes": [c.code for c in catalogue.criteria] + td,
    }
    run = _Run(validator, subs, params, {"year": catalogue.year, "count_codes_text": ", ".join(td)})
    annual, monthly = by_kind[Kind.ANNUAL], by_kind[Kind.MONTHLY]
    scores, indicators = scores_columns(subs, annual, catalogue), indicators_columns(subs, monthly, catalogue)
    run.validate("annual_scores", scores)
    run.validate("annual_counts", counts_columns(subs, annual, catalogue))
    run.validate("monthly_indicators", indicators)
    run.validate("appraisal_rows", appraisal_columns(subs, by_kind[Kind.APPRAISAL], catalogue, bloc))
    criteria = _coverage(subs, scores, annual, {c.code: c.name for c in catalogue.criteria}, "tiêu chí", "scores")
    lines = _coverage(
        subs, indicators, monthly, {i.code: i.name for i in catalogue.indicators}, "chỉ tiêu", "indicators"
    )
    coverage = {name: values + lines[name] for name, values in criteria.items()}
    run.validate("coverage", coverage if coverage["sub"] else {})
    return [_checked(sub, run.found.get(at, ())) for at, sub in enumerate(subs)]


def _checked(sub: Submission, found: Sequence[Issue]) -> Submission:
    """``sub`` with the issues validation ``found`` in it; rejected when any issue is an error."""
    issues = _without_echoes((*sub.issues, *found), "formula_without_value")
    checked = sub if issues == sub.issues else replace(sub, issues=issues)
    rejected = checked.has_errors and checked.status is not Status.REJECTED
    return replace(checked, status=Status.REJECTED) if rejected else checked


def _without_echoes(issues: tuple[Issue, ...], rule: str) -> tuple[Issue, ...]:
    """The issues without validation's own words for a cell an issue of ``rule`` already names: a formula whose
    result was never stored (it reads as empty), an Excel error value such as ``#DIV/0!`` (not "not a number").
    The ward is told each fault once, precisely."""
    named = {(i.sheet, i.cell) for i in issues if i.rule == rule}
    return tuple(i for i in issues if i.rule == rule or (i.sheet, i.cell) not in named) if named else issues


def validate_all(
    subs: Sequence[Submission],
    bloc: Bloc,
    catalogue: Catalogue,
    validator: Validator,
    meeting: Meeting | None = None,
) -> list[Submission]:
    """The submissions after bulk validation and resubmissions, in the order given.

    Appraisal files are only rejected when unreadable (their bad rows are skipped, the rest apply). Resubmissions
    are settled after the suites, so that settling has the last word on a file's status (the suites would turn a
    superseded file with an error into a rejected one). A ``Ngày lập`` later than ``meeting``'s date (without
    one, than the blank workbooks allow) is a warning: such a file would win over every later correction.
    """
    limit = date_limit(catalogue, meeting)
    checked = [_settled_alone(with_date_checked(sub, limit)) for sub in validate_rows(subs, bloc, catalogue, validator)]
    settled = [_with_issues_capped(sub) for sub in resolve_resubmissions(checked, limit)]
    counts = {s: sum(x.status is s for x in settled) for s in Status}
    log.info("validated: %s", {k.value: v for k, v in counts.items()})
    return settled


def _settled_alone(sub: Submission) -> Submission:
    """``sub`` without echoed issues; a readable appraisal file accepted (its bad rows are skipped)."""
    issues = _without_echoes(sub.issues, "excel_error")
    readable_appraisal = sub.kind is Kind.APPRAISAL and sub.workbook is not None
    if issues == sub.issues and (not readable_appraisal or sub.status is Status.ACCEPTED):
        return sub
    return replace(sub, issues=issues, status=Status.ACCEPTED if readable_appraisal else sub.status)


def _with_issues_capped(sub: Submission) -> Submission:
    capped = capped_issues(sub.issues)
    return sub if capped == sub.issues else replace(sub, issues=capped)


def resolve_resubmissions(subs: Sequence[Submission], limit: DateLimit | None = None) -> list[Submission]:
    """Keep one submission per ward, kind and period: the later ``Ngày lập`` wins, the other is superseded.

    When the latest dates are equal, or any file of the group has no readable date (so which one is newer
    cannot be told), every submission of the group is rejected as a conflict. Every readable file of a ward
    competes, whatever the suites found in it. The result is in the order of ``subs``; a submission no other one
    competes with comes back as it was. A superseded file whose winner is dated past ``limit`` is told that no
    correction dated truthfully can replace it.
    """
    groups: dict[tuple[str, Kind, str | None], list[int]] = defaultdict(list)
    for at, sub in enumerate(subs):
        if sub.ward_code and sub.kind in (Kind.ANNUAL, Kind.MONTHLY) and sub.workbook is not None:
            groups[(sub.ward_code, sub.kind, sub.period)].append(at)
    settled = list(subs)
    for group in groups.values():
        if len(group) >= 2:
            members = [subs[at] for at in group]
            for at, sub in zip(group, _settled(members, limit), strict=True):
                settled[at] = sub
    return settled


def _settled(group: list[Submission], limit: DateLimit | None) -> list[Submission]:
    """The members of one group of competing submissions, in the same order, as settled."""
    dated = sorted(group, key=lambda s: (s.prepared_on is not None, s.prepared_on), reverse=True)
    top = dated[0]
    if any(s.prepared_on is None for s in group) or dated[1].prepared_on == top.prepared_on:
        return _conflict(group)
    notice = Issue(
        Severity.WARNING,
        "superseded",
        f"Bản nộp này được thay thế bởi bản nộp sau ({top.file.rel}, lập ngày {top.prepared_on:%d/%m/%Y}).",
        superseded_hint(top, limit),
    )
    return [
        sub if sub is top else replace(sub.with_issues([notice]), status=Status.SUPERSEDED, superseded_by=top.file.rel)
        for sub in group
    ]


def _conflict(group: list[Submission]) -> list[Submission]:
    names = ", ".join(s.file.rel for s in group)
    return [
        replace(sub.with_issues([_conflict_issue(sub, len(group), names)]), status=Status.REJECTED) for sub in group
    ]


def _conflict_issue(sub: Submission, size: int, names: str) -> Issue:
    """The error told to each of ``size`` submissions whose order cannot be told, at its ``Ngày lập`` cell."""
    prepared = sub.workbook.info.get("prepared_on") if sub.workbook else None
    return Issue(
        Severity.ERROR,
        "conflicting_submissions",
        f"Đơn vị có {size} bản nộp cùng loại, cùng kỳ mà Ngày lập trùng nhau hoặc bị trống "
        f"nên không xác định được bản nào mới hơn; tất cả đều bị từ chối: {names}.",
        "Văn phòng Khối: giữ lại một bản đúng, chuyển các bản còn lại ra khỏi thư mục đầu vào rồi chạy lại; "
        "hoặc phường ghi Ngày lập (dd/mm/yyyy) cho từng bản, bản mới nhất có ngày muộn nhất.",
        sheet=sub.workbook.info_sheet if sub.workbook else None,
        cell=prepared.cell if prepared else None,
        column="Ngày lập",
        value=shown(prepared.value) if prepared else None,
    )


def capped_issues(issues: tuple[Issue, ...], limit: int = MAX_LISTED_ISSUES) -> tuple[Issue, ...]:
    """The first ``limit`` issues of a file, then one line saying how many more there are ("và K lỗi khác").

    A pasted data dump can raise tens of thousands of issues; listing them all would make every writer (feedback
    workbook, annotated copy, Data Docs) as slow as the dump is long, and help nobody.
    """
    if len(issues) <= limit:
        return issues
    rest = issues[limit:]
    errors = sum(i.severity is Severity.ERROR for i in rest)
    warnings = len(rest) - errors
    parts = [f"{vn_count(errors)} lỗi"] if errors else []
    parts += [f"{vn_count(warnings)} cảnh báo"] if warnings else []
    counted = " và ".join(parts)
    return (
        *issues[:limit],
        Issue(
            severity=Severity.ERROR if errors else Severity.WARNING,
            rule="more_issues",
            message=f"… và {counted} khác (chỉ liệt kê {limit} vấn đề đầu tiên của tệp).",
            hint="Sửa các vấn đề đã liệt kê (thường cùng một nguyên nhân) rồi gửi lại để xem các vấn đề còn lại.",
        ),
    )
