"""From validated workbooks to typed reports: read exact values, check month series.

Numbers are re-read here from the cells as exact decimals (the validation frames hold floats only for
comparison), so scoring never sees a binary float.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from tasks.domain import (
    AnnualReport,
    AppraisalEntry,
    Bloc,
    Catalogue,
    CriterionEntry,
    IndicatorEntry,
    Issue,
    Kind,
    MonthlyReport,
    Severity,
    Status,
    Submission,
)
from tasks.intake.identify import match_ward
from tasks.text import criterion_code, is_blank, number_text, shown, to_decimal
from tasks.validation.frames import cell_text, code_of, number, parse_number

_ZERO = Decimal(0)


def annual_report(sub: Submission, catalogue: Catalogue) -> AnnualReport:
    """The typed self-assessment of an accepted annual submission."""
    assert sub.workbook is not None and sub.ward_code is not None
    criteria: dict[str, CriterionEntry] = {}
    for row in sub.workbook.tables["scores"].rows:
        code = code_of(row, "Mã tiêu chí")
        if code is None or catalogue.criterion(code) is None or code in criteria:
            continue
        score_cv = row.cells["Điểm tự chấm"]
        evidence = row.cells.get("Minh chứng")
        text = cell_text(evidence.value) or "" if evidence else ""
        criteria[code] = CriterionEntry(code, number(score_cv.value), text, score_cv.cell)
    counts = dict.fromkeys([b.code for b in catalogue.bonus_items] + [d.code for d in catalogue.deduction_items], 0)
    for row in sub.workbook.tables["counts"].rows:
        code = code_of(row, "Mã")
        count = number(row.cells["Số lần"].value)
        if code in counts and count is not None:
            counts[code] = int(count)
    return AnnualReport(sub.ward_code, catalogue.year, sub.prepared_on, criteria, counts)


def monthly_report(sub: Submission, catalogue: Catalogue) -> MonthlyReport:
    """The typed indicators of an accepted monthly report (percent cells scaled to 0–100)."""
    assert sub.workbook is not None and sub.ward_code is not None and sub.period is not None
    entries: dict[str, IndicatorEntry] = {}
    for row in sub.workbook.tables["indicators"].rows:
        code = code_of(row, "Mã chỉ tiêu")
        ind = catalogue.indicator(code) if code else None
        if ind is None or code is None or code in entries:
            continue
        percent, cells = ind.is_percent, row.cells
        ytd_cv = cells["Lũy kế từ đầu năm"]
        ytd = parse_number(ytd_cv, percent)
        month_cv = cells.get("Thực hiện trong tháng")
        month = parse_number(month_cv, percent) if month_cv else None
        entries[code] = IndicatorEntry(code, ytd if ytd is not None else _ZERO, month, ytd_cv.cell)
    return MonthlyReport(sub.ward_code, sub.period, sub.prepared_on, entries)


def appraisal_entries(sub: Submission, bloc: Bloc, rejected_rows: set[tuple[str, int]]) -> list[AppraisalEntry]:
    """The rows of an appraisal file that passed validation (a bad row is skipped, the rest apply)."""
    assert sub.workbook is not None
    table = sub.workbook.tables["appraisal"]
    out = []
    for row in table.rows:
        if (table.sheet, row.number) in rejected_rows:
            continue
        ward_cv, code_cv, value_cv = row.cells["Đơn vị"], row.cells["Mã"], row.cells["Điểm thẩm định"]
        ward = match_ward(bloc, str(ward_cv.value))[0] if not is_blank(ward_cv.value) else None
        code, value = criterion_code(code_cv.value), to_decimal(value_cv.value)
        if ward is None or code is None or value is None:
            continue
        reason = row.cells.get("Lý do")
        out.append(
            AppraisalEntry(
                ward_code=ward.code,
                code=code,
                value=value,
                reason=(shown(reason.value) or "") if reason else "",
                file=sub.file.rel,
                sheet=table.sheet,
                cell=value_cv.cell,
                written=shown(value_cv.value),
            )
        )
    return out


def accepted_monthly_reports(
    subs: Sequence[Submission], catalogue: Catalogue
) -> list[tuple[Submission, MonthlyReport]]:
    """Each accepted monthly submission of ``subs`` with its typed report, in the order of ``subs``."""
    return [
        (sub, monthly_report(sub, catalogue))
        for sub in subs
        if sub.kind is Kind.MONTHLY and sub.status is Status.ACCEPTED
    ]


def month_series_warnings(
    reports: Sequence[tuple[Submission, MonthlyReport]], catalogue: Catalogue
) -> list[tuple[str, Issue]]:
    """Warnings, each with the file it is about: a cumulative indicator's year-to-date value goes down or its
    month value does not add up.

    A report's year-to-date value is compared with the ward's latest earlier report, across a month without
    one (September → November); its month value adds up only onto the month just before, so that check
    needs the two months in a row.
    """
    by_ward: dict[str, list[tuple[Submission, MonthlyReport]]] = defaultdict(list)
    for sub, report in reports:
        by_ward[report.ward_code].append((sub, report))
    cumulative = [i.code for i in catalogue.indicators if i.cumulative]
    warnings: list[tuple[str, Issue]] = []
    for series in by_ward.values():
        series.sort(key=lambda pair: pair[1].period)
        for (_, prev), (sub, cur) in itertools.pairwise(series):
            in_a_row = _consecutive(prev.period, cur.period)
            for code in cumulative:
                issue = _compare(sub, prev.indicators.get(code), cur.indicators.get(code), prev.period, in_a_row)
                if issue is not None:
                    warnings.append((sub.file.rel, issue))
    return warnings


def with_found(subs: Sequence[Submission], found: Sequence[tuple[str | None, Issue]]) -> tuple[Submission, ...]:
    """Each submission with the issues ``found`` about its file added, in the order they were found; an issue
    about a file not among ``subs`` is left out."""
    by_file: dict[str | None, list[Issue]] = defaultdict(list)
    for rel, issue in found:
        by_file[rel].append(issue)
    return tuple(sub.with_issues(by_file.get(sub.file.rel, ())) for sub in subs)


def with_month_series_warnings(
    subs: Sequence[Submission], earlier: Sequence[Submission], catalogue: Catalogue
) -> tuple[Submission, ...]:
    """One month's validated ``subs`` with the month-series warnings about them (spec §3.5), as the review finds
    them: each accepted report compared with the ward's accepted reports in ``earlier`` (the validated
    submissions of the window's earlier months). Warnings about the earlier files themselves are left out."""
    reports = accepted_monthly_reports([*earlier, *subs], catalogue)
    return with_found(subs, month_series_warnings(reports, catalogue))


def _consecutive(a: str, b: str) -> bool:
    ya, ma = int(a[:4]), int(a[5:])
    return (ya * 12 + ma) + 1 == int(b[:4]) * 12 + int(b[5:])


def _compare(
    sub: Submission, prev: IndicatorEntry | None, cur: IndicatorEntry | None, prev_period: str, in_a_row: bool
) -> Issue | None:
    """The month-series warning about ``cur`` against the previous report's line (spec §3.5), or None: a
    year-to-date that fell, or one the month's value does not add up to; either is told at ``cur``'s cell."""
    if prev is None or cur is None:
        return None
    if cur.ytd < prev.ytd:
        month = f"{prev_period[5:]}/{prev_period[:4]}"
        rule, hint = "ytd_decreased", "Lũy kế của chỉ tiêu cộng dồn không thể giảm; kiểm tra lại số liệu."
        message = (
            f"Lũy kế của chỉ tiêu {cur.code} giảm từ {number_text(prev.ytd)} (tháng {month}) "
            f"xuống {number_text(cur.ytd)}."
        )
    elif in_a_row and cur.month_value is not None and prev.ytd + cur.month_value != cur.ytd:
        rule, hint = "month_does_not_add_up", "Kiểm tra lại số thực hiện trong tháng hoặc số lũy kế."
        message = (
            f"Chỉ tiêu {cur.code}: lũy kế tháng trước {number_text(prev.ytd)} + thực hiện trong tháng "
            f"{number_text(cur.month_value)} ≠ lũy kế {number_text(cur.ytd)}."
        )
    else:
        return None
    sheet = sub.workbook.tables["indicators"].sheet if sub.workbook else None
    value = number_text(cur.ytd)
    return Issue(
        Severity.WARNING, rule, message, hint, sheet=sheet, cell=cur.cell, column="Lũy kế từ đầu năm", value=value
    )
