"""Scoring of one ward (chấm điểm), spec §4 steps 1–6.

Pure functions: the caller passes the accepted submissions already read and checked; nothing here touches
the disk. Every number is a ``Decimal``; the one division (a proportional indicator) is done as an exact
``Fraction`` and only then rounded half up to 2 decimal places, so a non-terminating quotient such as
8 × 97 / 98 never loses a digit before rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tasks.domain import (
    AnnualReport,
    AppraisalEntry,
    Catalogue,
    Criterion,
    CriterionKind,
    Issue,
    Method,
    MonthlyReport,
    ScoreLine,
    Severity,
    Source,
    Ward,
    WardScore,
)
from tasks.text import number_text

SELF_SHEET = "Tự chấm điểm"
SELF_COLUMN = "Điểm tự chấm"
ZERO = Decimal("0.00")

FileIssue = tuple[str | None, Issue]  # (file path under inputs/<year>/, or None for the ward) -> issue


_CENT = Decimal("0.01")  # the 2 decimal places every score is rounded to


def round_half_up(value: Fraction | Decimal | int) -> Decimal:
    """Round an exact value half away from zero (ROUND_HALF_UP) to 2 decimals."""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        # A decimal is already exact: quantize rounds it the same way without a detour through Fraction.
        rounded = Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
        return rounded if rounded else abs(rounded)  # a negative that rounds to zero is 0.00, not -0.00
    exact = Fraction(value)
    return _round_ratio(exact.numerator, exact.denominator)


def _round_ratio(numerator: int, denominator: int) -> Decimal:
    """``round_half_up(numerator / denominator)`` for integers, ``denominator > 0``.

    ``floor(|n / d| × 100 + 1/2)`` is ``(200 × |n| + d) // 2d``: no rational arithmetic needed.
    """
    units = (200 * abs(numerator) + denominator) // (2 * denominator)
    rounded = (Decimal(units) / 100).quantize(_CENT)
    return -rounded if numerator < 0 and units else rounded


def vn_number(value: Decimal) -> str:
    """A decimal as written in Vietnamese text: decimal comma (``7,92``)."""
    return str(value).replace(".", ",")


def indicator_score(max_points: Decimal, method: Method, target: Decimal, ytd: Decimal) -> Decimal:
    """The score of an indicator criterion from a year-to-date value, rounded half up to 2 dp.

    ``proportional``: ``max`` if ``ytd ≥ target`` else ``max × ytd / target``;
    ``threshold``: ``max`` if ``ytd ≥ target`` else 0.
    """
    if ytd >= target:
        return round_half_up(max_points)
    if method is Method.THRESHOLD:
        return ZERO
    # max × ytd / target as one exact ratio of integers (what Fractions would give, several times faster)
    (max_n, max_d), (ytd_n, ytd_d), (target_n, target_d) = (v.as_integer_ratio() for v in (max_points, ytd, target))
    numerator, denominator = max_n * ytd_n * target_d, max_d * ytd_d * target_n
    if denominator == 0:
        raise ZeroDivisionError(f"indicator target is {target}")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _round_ratio(numerator, denominator)


@dataclass(frozen=True)
class _Computed:
    """An indicator criterion's score computed from a monthly report."""

    score: Decimal
    month: str
    ytd: Decimal
    file: str


@dataclass(frozen=True)
class _Ward:
    """Everything one ward's scoring reads, gathered once."""

    ward: Ward
    catalogue: Catalogue
    annual: AnnualReport
    annual_file: str
    appraised: dict[str, AppraisalEntry]
    latest: tuple[str, MonthlyReport, str] | None  # (month, report, file)
    hashes: Mapping[str, str]
    # id of an indicator criterion -> its computed score: lines and warnings both need it, computed once
    scores: dict[int, _Computed | None] = field(default_factory=dict, compare=False)

    def line(
        self,
        code: str,
        value: Decimal,
        points: Decimal,
        source: Source,
        file: str | None,
        month: str | None = None,
        ytd: Decimal | None = None,
    ) -> ScoreLine:
        """A trace line; the file's sha256 must be known, since auditors check every score against it."""
        sha = None
        if file is not None:
            sha = self.hashes.get(file)
            if sha is None and file not in self.hashes:
                raise ValueError(f"no sha256 for {file!r}: every file a score comes from must be hashed")
        return ScoreLine(self.ward.code, code, value, points, source, file, sha, month, ytd)

    def computed(self, criterion: Criterion) -> _Computed | None:
        """The indicator criterion's score from the latest report of the window, None without one."""
        if id(criterion) not in self.scores:
            self.scores[id(criterion)] = self._compute(criterion)
        return self.scores[id(criterion)]

    def _compute(self, criterion: Criterion) -> _Computed | None:
        """``computed`` without memory; raises when the report or catalogue breaks what ingest guarantees."""
        if self.latest is None:
            return None
        month, report, file = self.latest
        code = criterion.indicator or ""
        indicator = self.catalogue.indicator(code)
        if indicator is None:
            raise ValueError(f"criterion {criterion.code}: unknown indicator {code!r}")
        if self.ward.code not in indicator.targets:
            raise ValueError(f"indicator {code}: no target for ward {self.ward.code}")
        if code not in report.indicators:
            raise ValueError(f"accepted report {file} has no line for indicator {code}")
        ytd = report.indicators[code].ytd
        score = indicator_score(criterion.max, indicator.method, indicator.targets[self.ward.code], ytd)
        return _Computed(score, month, ytd, file)


def score_ward(
    ward: Ward,
    catalogue: Catalogue,
    annual: AnnualReport,
    annual_file: str,
    monthly: Mapping[str, tuple[MonthlyReport, str]],
    appraisals: Sequence[AppraisalEntry],
    hashes: Mapping[str, str],
) -> tuple[WardScore, list[FileIssue]]:
    """Score one ward with an accepted annual self-assessment (spec §4 steps 1–6).

    ``monthly`` maps a month ``YYYY-MM`` to the ward's accepted report and its file (months outside the
    window are ignored); ``appraisals`` are the accepted appraisal rows for this ward; ``hashes`` maps every
    file path under ``inputs/<year>/`` to its sha256. Returns the score sheet and the warnings found while
    scoring, each with the file it belongs to (None for the ward itself).

    Raises ``ValueError`` when the inputs break what ingest guarantees (a criterion missing from the annual
    report, an assessed criterion without a score, an appraisal for another ward or an unknown code, …).
    """
    ctx = _context(ward, catalogue, annual, annual_file, monthly, appraisals, hashes)
    window = catalogue.window.months()
    missing = tuple(m for m in window if m not in monthly)
    criterion_lines = [_criterion_line(ctx, c) for c in catalogue.criteria]
    bonus_lines, deduction_lines = _item_lines(ctx)
    dm = catalogue.missing_report
    dm_points = round_half_up(dm.points * len(missing))
    dm_line = ctx.line(dm.code, Decimal(len(missing)), dm_points, Source.COMPUTED, None)

    base = _sum_points(criterion_lines)
    bonus = round_half_up(min(catalogue.bonus_cap, _sum_points(bonus_lines)))
    deductions = _sum_points([*deduction_lines, dm_line])
    total = round_half_up(max(Decimal(0), base + bonus - deductions))
    veto = any(
        item.veto and line.value >= 1 for item, line in zip(catalogue.deduction_items, deduction_lines, strict=True)
    )
    by_code = {line.code: line for line in criterion_lines}
    group_scores = {g.code: _sum_points([by_code[c.code] for c in g.criteria]) for g in catalogue.groups}
    score = WardScore(
        ward=ward,
        base=base,
        bonus=bonus,
        deductions=deductions,
        total=total,
        classification=classify(catalogue, total, veto),
        veto=veto,
        group_scores=group_scores,
        lines=(*criterion_lines, *bonus_lines, *deduction_lines, dm_line),
        missing_months=missing,
    )
    return score, _warnings(ctx)


def _sum_points(lines: Sequence[ScoreLine]) -> Decimal:
    return round_half_up(sum((line.points for line in lines), Decimal(0)))


def classify(catalogue: Catalogue, total: Decimal, veto: bool) -> str:
    """The band code for ``total``: the first band (top-down) whose minimum it reaches.

    A veto moves a ward that reaches the first band to the second; lower bands are left as they are.
    """
    index = next((i for i, band in enumerate(catalogue.bands) if band.min <= total), None)
    if index is None:
        raise ValueError(f"no classification band admits a total of {total}")
    if veto and index == 0 and len(catalogue.bands) > 1:
        index = 1
    return catalogue.bands[index].code


def _context(
    ward: Ward,
    catalogue: Catalogue,
    annual: AnnualReport,
    annual_file: str,
    monthly: Mapping[str, tuple[MonthlyReport, str]],
    appraisals: Sequence[AppraisalEntry],
    hashes: Mapping[str, str],
) -> _Ward:
    """Check the inputs against what ingest guarantees and gather them for scoring."""
    if annual.ward_code != ward.code:
        raise ValueError(f"annual report of {annual.ward_code} given to score {ward.code}")
    absent = [c.code for c in catalogue.criteria if c.code not in annual.criteria]
    if absent:
        raise ValueError(f"annual report {annual_file} lacks criteria {', '.join(absent)}")
    for month, (report, file) in monthly.items():
        if report.ward_code != ward.code or report.period != month:
            raise ValueError(f"monthly report {file} ({report.ward_code} {report.period}) given as {month}")
    item_codes = {i.code for i in catalogue.bonus_items} | {i.code for i in catalogue.deduction_items}
    appraised: dict[str, AppraisalEntry] = {}
    for row in appraisals:
        if row.ward_code != ward.code:
            raise ValueError(f"appraisal row for {row.ward_code} given to score {ward.code}")
        if row.code in appraised:
            raise ValueError(f"two appraisal rows for {ward.code} {row.code}")
        if catalogue.criterion(row.code) is None and row.code not in item_codes:
            raise ValueError(f"appraisal row for unknown code {row.code!r}")
        appraised[row.code] = row
    in_window = [m for m in catalogue.window.months() if m in monthly]
    latest = (in_window[-1], *monthly[in_window[-1]]) if in_window else None
    return _Ward(ward, catalogue, annual, annual_file, appraised, latest, hashes)


def _criterion_line(ctx: _Ward, criterion: Criterion) -> ScoreLine:
    """Step 1: the criterion's score and where it came from."""
    code = criterion.code
    appraisal = ctx.appraised.get(code)
    if appraisal is not None:
        score = round_half_up(appraisal.value)
        return ctx.line(code, score, score, Source.APPRAISAL, appraisal.file)
    if criterion.kind is CriterionKind.ASSESSED:
        self_score = ctx.annual.criteria[code].self_score
        if self_score is None:
            raise ValueError(f"annual report {ctx.annual_file}: assessed criterion {code} has no score")
        score = round_half_up(self_score)
        return ctx.line(code, score, score, Source.SELF, ctx.annual_file)
    computed = ctx.computed(criterion)
    if computed is None:  # no accepted monthly report in the window: 0, warned about in _warnings
        return ctx.line(code, ZERO, ZERO, Source.COMPUTED, None)
    score = computed.score
    return ctx.line(code, score, score, Source.INDICATOR, computed.file, computed.month, computed.ytd)


def _item_lines(ctx: _Ward) -> tuple[list[ScoreLine], list[ScoreLine]]:
    """Steps 3–4: one line per bonus (T) and deduction (D) item, counts after appraisal.

    A bonus line's points are after the item's own cap; the bonus total cap is applied by the caller.
    """
    bonus = []
    for t in ctx.catalogue.bonus_items:
        count, source, file = _count(ctx, t.code)
        bonus.append(ctx.line(t.code, Decimal(count), min(t.cap, count * t.points), source, file))
    deductions = []
    for d in ctx.catalogue.deduction_items:
        count, source, file = _count(ctx, d.code)
        deductions.append(ctx.line(d.code, Decimal(count), count * d.points, source, file))
    return bonus, deductions


def _count(ctx: _Ward, code: str) -> tuple[int, Source, str]:
    """Occurrences of a T/D item: the appraised number if any, else the ward's own (0 when not written)."""
    appraisal = ctx.appraised.get(code)
    if appraisal is None:
        return ctx.annual.counts.get(code, 0), Source.SELF, ctx.annual_file
    if appraisal.value < 0 or appraisal.value != appraisal.value.to_integral_value():
        raise ValueError(f"appraised count for {ctx.ward.code} {code} is not whole: {appraisal.value}")
    return int(appraisal.value), Source.APPRAISAL, appraisal.file


def _warnings(ctx: _Ward) -> list[FileIssue]:
    """Warnings found while scoring: indicators without a report; indicator self-scores that differ."""
    indicators = [c for c in ctx.catalogue.criteria if c.kind is CriterionKind.INDICATOR]
    out: list[FileIssue] = []
    unreported = [c for c in indicators if c.code not in ctx.appraised]
    if ctx.latest is None and unreported:
        out.append((None, _no_report_issue(ctx, unreported)))
    for criterion in indicators:
        entry = ctx.annual.criteria[criterion.code]
        computed = ctx.computed(criterion)
        if computed is not None and entry.self_score is not None and entry.self_score != computed.score:
            out.append((ctx.annual_file, _differs_issue(criterion, entry.self_score, entry.cell, computed)))
    return out


def _no_report_issue(ctx: _Ward, criteria: list[Criterion]) -> Issue:
    window = ctx.catalogue.window
    named = ", ".join(f"{c.code} ({c.indicator})" for c in criteria)
    return Issue(
        severity=Severity.WARNING,
        rule="indicator_no_report",
        message=(
            f"Phường {ctx.ward.name} không có báo cáo kết quả thực hiện chỉ tiêu tháng nào được chấp nhận "
            f"trong kỳ {_month_vn(window.first)} – {_month_vn(window.last)}: các tiêu chí {named} "
            "được tính 0 điểm."
        ),
        hint=(
            "Nộp báo cáo kết quả thực hiện chỉ tiêu tháng cho ít nhất một tháng trong kỳ; nếu báo cáo đã nộp "
            "bị từ chối, sửa theo thông báo lỗi của báo cáo đó rồi nộp lại."
        ),
    )


def _differs_issue(criterion: Criterion, self_score: Decimal, cell: str | None, computed: _Computed) -> Issue:
    return Issue(
        severity=Severity.WARNING,
        rule="indicator_self_score_differs",
        message=(
            f"Tiêu chí {criterion.code}: điểm tự chấm {number_text(self_score)} khác điểm tính từ lũy kế "
            f"chỉ tiêu {criterion.indicator} của báo cáo tháng {_month_vn(computed.month)} "
            f"({number_text(computed.ytd)}), là {vn_number(computed.score)} điểm."
        ),
        hint=(
            f"Sửa ô điểm tự chấm thành {vn_number(computed.score)} hoặc để trống; "
            "nếu số liệu báo cáo tháng chưa đúng, sửa báo cáo tháng."
        ),
        sheet=SELF_SHEET,
        cell=cell,
        column=SELF_COLUMN,
        value=number_text(self_score),
    )


def _month_vn(month: str) -> str:
    """``2025-09`` as written in Vietnamese documents: ``09/2025``."""
    year, mm = month.split("-")
    return f"{mm}/{year}"
