"""Assemble the review from validated submissions: pick each ward's reports, score, rank.

Pure: works on Submission objects already read and validated; touches no file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tasks.domain import (
    AppraisalEntry,
    Bloc,
    Catalogue,
    Issue,
    Kind,
    MonthlyReport,
    Ranking,
    Severity,
    Status,
    Submission,
    Votes,
    WardScore,
    WardStatus,
)
from tasks.intake.identify import unattributed_annuals
from tasks.scoring.ranking import rank_wards
from tasks.scoring.score import FileIssue, score_ward
from tasks.text import month_label
from tasks.validation.reports import (
    accepted_monthly_reports,
    annual_report,
    appraisal_entries,
    month_series_warnings,
    with_found,
)


@dataclass(frozen=True)
class WardFile:
    """A ward's standing in the run: its annual status, months without a report and issues of its own."""

    ward_code: str
    annual: str  # accepted | rejected | missing
    missing_months: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Review:
    """Everything the writers need: the ranking, the score sheets, each ward's standing, and the submissions
    with the warnings scoring found in them (month series, appraisals, scores) added to their issues."""

    ranking: Ranking
    scores: tuple[WardScore, ...]
    wards: tuple[WardFile, ...]
    submissions: tuple[Submission, ...]


def _row_of(cell: str | None) -> int | None:
    m = re.match(r"[A-Z]+(\d+)$", cell or "")
    return int(m.group(1)) if m else None


def accepted_appraisals(subs: Sequence[Submission], bloc: Bloc) -> list[AppraisalEntry]:
    """Rows of every appraisal file that is readable, minus the rows with an error."""
    out: list[AppraisalEntry] = []
    for sub in subs:
        if sub.kind is not Kind.APPRAISAL or sub.workbook is None:
            continue
        bad = {(i.sheet or "", r) for i in sub.issues if i.severity is Severity.ERROR and (r := _row_of(i.cell))}
        out.extend(appraisal_entries(sub, bloc, bad))
    return out


def monthly_by_ward(
    subs: Sequence[Submission], catalogue: Catalogue
) -> tuple[dict[str, dict[str, tuple[MonthlyReport, str]]], list[FileIssue]]:
    """ward → month → (accepted report, file), and the month-series warnings with the file each is about."""
    pairs = accepted_monthly_reports(subs, catalogue)
    warnings: list[FileIssue] = list(month_series_warnings(pairs, catalogue))
    out: dict[str, dict[str, tuple[MonthlyReport, str]]] = defaultdict(dict)
    for sub, report in pairs:
        out[report.ward_code][report.period] = (report, sub.file.rel)
    return out, warnings


def _annual_by_ward(subs: Sequence[Submission]) -> dict[str, tuple[str, Submission | None]]:
    """ward → (accepted|rejected, the accepted annual submission); wards absent here sent nothing."""
    out: dict[str, tuple[str, Submission | None]] = {}
    for sub in subs:
        if sub.kind is not Kind.ANNUAL or sub.ward_code is None:
            continue
        if sub.status is Status.ACCEPTED:
            out[sub.ward_code] = ("accepted", sub)
        elif sub.ward_code not in out:
            out[sub.ward_code] = ("rejected", None)
    return out


def review(subs: Sequence[Submission], bloc: Bloc, catalogue: Catalogue, votes: Votes | None) -> Review:
    """Score every ward with an accepted self-assessment and rank the bloc (spec §4).

    ``subs`` are left as they are: the warnings scoring finds come back in ``Review.submissions``.
    """
    appraisals = accepted_appraisals(subs, bloc)
    monthly, found = monthly_by_ward(subs, catalogue)
    by_ward: dict[str, list[AppraisalEntry]] = defaultdict(list)
    for row in appraisals:
        by_ward[row.ward_code].append(row)
    scores, wards, unscored = [], [], {}
    files = {s.file.rel: s for s in subs}
    hashes = {rel: s.file.sha256 for rel, s in files.items()}
    window = catalogue.window.months()
    annuals = _annual_by_ward(subs)
    named = unattributed_annuals(subs, bloc)
    for ward in bloc.members:
        status, annual = annuals.get(ward.code, ("missing", None))
        months = tuple(m for m in window if m not in monthly.get(ward.code, {}))
        own = _ward_issues(status, months, named.get(ward.code))
        if annual is None:
            unscored[ward.code] = WardStatus.REJECTED if status == "rejected" else WardStatus.MISSING
        else:
            report = annual_report(annual, catalogue)
            score, warnings = score_ward(
                ward, catalogue, report, annual.file.rel, monthly.get(ward.code, {}), by_ward[ward.code], hashes
            )
            scores.append(score)
            found += [(rel, issue) for rel, issue in warnings if rel in files]
            own += [issue for rel, issue in warnings if rel not in files]
        wards.append(WardFile(ward.code, status, months, tuple(own)))
    found += _orphan_appraisals(appraisals, {w.ward_code for w in wards if w.annual == "accepted"}, bloc)
    ranking = rank_wards(bloc, catalogue, scores, unscored, votes)
    return Review(ranking=ranking, scores=tuple(scores), wards=tuple(wards), submissions=with_found(subs, found))


def _ward_issues(status: str, missing_months: tuple[str, ...], named: Submission | None = None) -> list[Issue]:
    """The ward's own issues; ``named``: a rejected file naming no ward inside whose file name names this one."""
    issues = []
    if status == "missing" and named is not None:  # something was received: not "nothing sent"
        issues.append(
            Issue(
                Severity.ERROR,
                "annual_unusable",
                f"Chưa có bảng tự chấm điểm năm hợp lệ của đơn vị: đã nhận tệp {named.file.rel} mang tên đơn vị "
                "nhưng tệp bị từ chối và không xác định được là của đơn vị.",
                f"Xem các lỗi ghi cho tệp {named.file.rel}, sửa rồi gửi lại bảng tự chấm điểm (.xlsx) theo biểu mẫu.",
            )
        )
    elif status == "missing":
        issues.append(
            Issue(
                Severity.ERROR,
                "annual_missing",
                "Chưa nhận được bảng tự chấm điểm năm của đơn vị.",
                "Gửi bảng tự chấm điểm (.xlsx) theo biểu mẫu về Văn phòng Khối.",
            )
        )
    for month in missing_months:
        issues.append(
            Issue(
                Severity.WARNING,
                "monthly_missing",
                f"Không có báo cáo chỉ tiêu tháng {month_label(month)} được chấp nhận; bị trừ điểm theo quy định.",
                "Gửi (hoặc sửa và gửi lại) báo cáo tháng đó theo biểu mẫu.",
            )
        )
    return issues


def _orphan_appraisals(rows: Sequence[AppraisalEntry], scored: set[str], bloc: Bloc) -> list[FileIssue]:
    """A warning on each appraisal row about a ward that has no valid self-assessment, with its file."""
    names = bloc.names
    return [
        (
            row.file,
            Issue(
                Severity.WARNING,
                "appraisal_without_self_assessment",
                f"Dòng thẩm định cho phường {names[row.ward_code]} – {row.code} bị bỏ qua: "
                "đơn vị không có bảng tự chấm điểm hợp lệ.",
                "Không cần sửa tệp thẩm định; đơn vị cần nộp bảng tự chấm hợp lệ.",
                sheet=row.sheet,
                cell=row.cell,
                value=row.written,
            ),
        )
        for row in rows
        if row.ward_code not in scored
    ]
