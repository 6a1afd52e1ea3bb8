"""Assemble the review from validated submissions: pick each ward's reports, score, rank.

Pure: works on Submission objects already read and validated; touches no file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

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
from tasks.scoring.ranking import rank_wards
from tasks.scoring.score import score_ward
from tasks.validation.reports import annual_report, appraisal_entries, month_series_warnings, monthly_report


@dataclass
class WardFile:
    """A ward's standing in the run: its annual status, months without a report and issues of its own."""

    ward_code: str
    annual: str  # accepted | rejected | missing
    missing_months: tuple[str, ...] = ()
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    """Everything the writers need."""

    ranking: Ranking
    scores: tuple[WardScore, ...]
    wards: tuple[WardFile, ...]


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
        sub.appraisals = tuple(appraisal_entries(sub, bloc, bad))
        out.extend(sub.appraisals)
    return out


def monthly_by_ward(
    subs: Sequence[Submission], catalogue: Catalogue
) -> dict[str, dict[str, tuple[MonthlyReport, str]]]:
    """ward → month → (accepted report, file); adds month-series warnings to the submissions."""
    pairs = []
    for sub in subs:
        if sub.kind is Kind.MONTHLY and sub.status is Status.ACCEPTED:
            report = monthly_report(sub, catalogue)
            sub.report = report
            pairs.append((sub, report))
    month_series_warnings(pairs, catalogue)
    out: dict[str, dict[str, tuple[MonthlyReport, str]]] = defaultdict(dict)
    for sub, report in pairs:
        out[report.ward_code][report.period] = (report, sub.file.rel)
    return out


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
    """Score every ward with an accepted self-assessment and rank the bloc (spec §4)."""
    hashes = {s.file.rel: s.file.sha256 for s in subs}
    appraisals = accepted_appraisals(subs, bloc)
    monthly = monthly_by_ward(subs, catalogue)
    files = {s.file.rel: s for s in subs}
    scores, wards, unscored = [], [], {}
    window = catalogue.window.months()
    annuals = _annual_by_ward(subs)
    by_ward: dict[str, list[AppraisalEntry]] = defaultdict(list)
    for row in appraisals:
        by_ward[row.ward_code].append(row)
    for ward in bloc.members:
        status, annual = annuals.get(ward.code, ("missing", None))
        months = tuple(m for m in window if m not in monthly.get(ward.code, {}))
        entry = WardFile(ward.code, status, months, _ward_issues(status, months))
        wards.append(entry)
        if annual is None:
            unscored[ward.code] = WardStatus.REJECTED if status == "rejected" else WardStatus.MISSING
            continue
        report = annual_report(annual, catalogue)
        annual.report = report
        score, warnings = score_ward(
            ward, catalogue, report, annual.file.rel, monthly.get(ward.code, {}), by_ward[ward.code], hashes
        )
        scores.append(score)
        for rel, issue in warnings:
            (files[rel].issues if rel in files else entry.issues).append(issue)
    _orphan_appraisals(subs, appraisals, {w.ward_code for w in wards if w.annual == "accepted"}, bloc)
    ranking = rank_wards(bloc, catalogue, scores, unscored, votes)
    return Review(ranking=ranking, scores=tuple(scores), wards=tuple(wards))


def _ward_issues(status: str, missing_months: tuple[str, ...]) -> list[Issue]:
    issues = []
    if status == "missing":
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
                f"Không có báo cáo chỉ tiêu tháng {month[5:]}/{month[:4]} được chấp nhận; bị trừ điểm theo quy định.",
                "Gửi (hoặc sửa và gửi lại) báo cáo tháng đó theo biểu mẫu.",
            )
        )
    return issues


def _orphan_appraisals(
    subs: Sequence[Submission], rows: Sequence[AppraisalEntry], scored: set[str], bloc: Bloc
) -> None:
    names = {w.code: w.name for w in bloc.members}
    by_file: dict[str, list[AppraisalEntry]] = defaultdict(list)
    for row in rows:
        if row.ward_code not in scored:
            by_file[row.file].append(row)
    for sub in subs:
        for row in by_file.get(sub.file.rel, []):
            sub.issues.append(
                Issue(
                    Severity.WARNING,
                    "appraisal_without_self_assessment",
                    f"Dòng thẩm định cho phường {names[row.ward_code]} – {row.code} bị bỏ qua: "
                    "đơn vị không có bảng tự chấm điểm hợp lệ.",
                    "Không cần sửa tệp thẩm định; đơn vị cần nộp bảng tự chấm hợp lệ.",
                    sheet=row.sheet,
                    cell=row.cell,
                )
            )
