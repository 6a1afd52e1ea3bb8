"""The provisional monthly standing (kết quả thực hiện chỉ tiêu tháng), spec §5 ``standing.csv``.

Pure functions: ``month_statuses`` takes each roster ward's report status and accepted report from the month's
validated submissions, ``standing_rows`` scores them; nothing here touches the disk. The provisional score of an
indicator is the score its criterion would get today (spec §4 step 1) from the year-to-date value (lũy kế) of
this month's report; appraisals do not apply to a monthly run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from tasks.domain import Bloc, Catalogue, Criterion, Indicator, MonthlyReport, Status, Submission, Ward
from tasks.outputs.csv_json import plain
from tasks.outputs.safe_text import safe_text
from tasks.scoring.score import indicator_score, round_half_up
from tasks.validation.reports import monthly_report

REPORT_STATUSES = ("accepted", "rejected", "missing")
BASE_COLUMNS = ["ward_code", "ward_name", "status", "issues"]
YTD_SUFFIX = "_ytd"  # a year-to-date column, written at full precision


def standing_columns(catalogue: Catalogue) -> list[str]:
    """The columns of ``standing.csv``: the ward, its report status, then ytd and score per indicator."""
    columns = list(BASE_COLUMNS)
    for indicator in catalogue.indicators:
        columns += [f"{indicator.code}{YTD_SUFFIX}", f"{indicator.code}_score"]
    return columns


def month_statuses(
    bloc: Bloc, catalogue: Catalogue, subs: Sequence[Submission]
) -> tuple[dict[str, tuple[str, int]], dict[str, MonthlyReport]]:
    """Per ward: (accepted|rejected|missing, number of issues) and the accepted report."""
    statuses: dict[str, tuple[str, int]] = {}
    reports: dict[str, MonthlyReport] = {}
    by_ward: dict[str | None, list[Submission]] = {}
    for sub in subs:  # grouped once: a scan of every submission per ward is quadratic in the bloc's size
        by_ward.setdefault(sub.ward_code, []).append(sub)
    for ward in bloc.members:
        own = by_ward.get(ward.code, [])
        accepted = next((s for s in own if s.status is Status.ACCEPTED), None)
        issues = sum(len(s.issues) for s in own)
        if accepted is not None:
            reports[ward.code] = monthly_report(accepted, catalogue)
            statuses[ward.code] = ("accepted", issues)
        else:
            statuses[ward.code] = ("rejected" if own else "missing", issues)
    return statuses, reports


def standing_rows(
    bloc: Bloc,
    catalogue: Catalogue,
    period: str,
    statuses: Mapping[str, tuple[str, int]],
    reports: Mapping[str, MonthlyReport],
) -> list[dict[str, object]]:
    """One row per roster ward, in roster order, with the keys of ``standing_columns(catalogue)``.

    ``statuses`` maps a ward code to the status of its monthly report for ``period`` (``accepted``,
    ``rejected`` or ``missing``) and its number of issues; a roster ward absent from it sent nothing
    (``missing``, 0 issues). ``reports`` holds the accepted report of each ward for ``period``.
    ``<CODE>_ytd`` is the report's year-to-date value and ``<CODE>_score`` the provisional score of the
    criterion fed by the indicator (``Decimal``); both are None without an accepted report, and the score is
    None for an indicator that feeds no criterion.

    Raises ``ValueError`` when a status or report names a ward outside the roster, a status is unknown, a
    report is for another ward or period, a report is given for a ward whose status is not ``accepted``
    (or missing for one whose status is), a report lacks an indicator line, or an indicator has no target
    for the ward.
    """
    _check(bloc, period, statuses, reports)
    fed = _fed_criteria(catalogue)
    rows = []
    for ward in bloc.members:
        status, issues = statuses.get(ward.code, ("missing", 0))
        row: dict[str, object] = {
            "ward_code": ward.code,
            "ward_name": ward.name,
            "status": status,
            "issues": issues,
        }
        for indicator in catalogue.indicators:
            row.update(_indicator_cells(ward, indicator, fed.get(indicator.code), reports.get(ward.code)))
        rows.append(row)
    return rows


def _check(
    bloc: Bloc, period: str, statuses: Mapping[str, tuple[str, int]], reports: Mapping[str, MonthlyReport]
) -> None:
    """The statuses and reports agree with each other, the roster and the period."""
    roster = {w.code for w in bloc.members}
    problems = []
    if outside := sorted((set(statuses) | set(reports)) - roster):
        problems.append(f"not in the roster: {outside}")
    if unknown := sorted(c for c, (status, _) in statuses.items() if status not in REPORT_STATUSES):
        problems.append(f"unknown report status for {unknown}")
    if foreign := sorted(c for c, r in reports.items() if r.ward_code != c or r.period != period):
        problems.append(f"report of another ward or period than {period} given for {foreign}")
    accepted = {c for c, (status, _) in statuses.items() if status == "accepted"}
    if mismatched := sorted(accepted ^ set(reports)):
        problems.append(f"a report must be given exactly for the accepted wards: {mismatched}")
    if problems:
        raise ValueError("; ".join(problems))


def _fed_criteria(catalogue: Catalogue) -> dict[str, Criterion]:
    """Indicator code -> the criterion scored from it."""
    return {c.indicator: c for c in catalogue.criteria if c.indicator is not None}


def _indicator_cells(
    ward: Ward, indicator: Indicator, criterion: Criterion | None, report: MonthlyReport | None
) -> dict[str, Decimal | None]:
    """``<CODE>_ytd`` and ``<CODE>_score`` of one ward for one indicator."""
    ytd_key, score_key = f"{indicator.code}{YTD_SUFFIX}", f"{indicator.code}_score"
    if report is None:
        return {ytd_key: None, score_key: None}
    entry = report.indicators.get(indicator.code)
    if entry is None:
        raise ValueError(f"accepted report of {ward.code} for {report.period} has no line for {indicator.code}")
    if criterion is None:
        return {ytd_key: entry.ytd, score_key: None}
    if ward.code not in indicator.targets:
        raise ValueError(f"indicator {indicator.code}: no target for ward {ward.code}")
    score = indicator_score(criterion.max, indicator.method, indicator.targets[ward.code], entry.ytd)
    return {ytd_key: entry.ytd, score_key: score}


def standing_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """``standing.csv`` as bytes: UTF-8 without BOM, LF line endings, a header row then ``rows``.

    A year-to-date value (a ``<CODE>_ytd`` column) is written exactly as the report gave it, with a dot and
    without trailing zeros (``90.0625``, ``2795``), as ``scores.csv`` writes it: the score beside it can be
    recomputed from it (spec §1). Any other ``Decimal`` (a score) is written half-up with exactly 2 decimals
    (``97.50``); an ``int`` (the issue count) as it is; None as an empty cell; text through ``safe_text`` so
    that it never starts a formula. A key of a row that is not in ``columns`` is an error (``ValueError``), a
    column missing from a row is empty. A ``float`` or ``bool`` is a ``TypeError``: points are exact decimals.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value, exact=key.endswith(YTD_SUFFIX)) for key, value in row.items()})
    return out.getvalue().encode("utf-8")


def _cell(value: object, exact: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | float):  # points are exact decimals; a float here is a caller bug
        raise TypeError(f"no {type(value).__name__} in standing.csv: {value!r}")
    if isinstance(value, Decimal):
        return plain(value) if exact else str(round_half_up(value))
    if isinstance(value, int):
        return str(value)
    return safe_text(value)
