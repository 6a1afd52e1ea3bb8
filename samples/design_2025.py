"""Design of the shipped 2025 sample data for the ward bloc: what each ward submits and why.

The story the samples tell (checked by ``check_design`` with the independent scorer in ``samples.expected``):
- Sa Pa leads clearly (≥ 90, no veto) and is proposed for the flag;
- Lào Cai, Yên Bái and Cam Đường also reach ≥ 90; Yên Bái and Cam Đường end exactly equal in total, base
  and deductions (a shared rank) through different bonus items and different criterion scores;
- Nghĩa Lộ reaches ≥ 90 but has a disciplined official (D3, a veto): it drops to HTTNV, no nomination;
- Âu Lâu never sent its October 2025 monthly report (one DM deduction);
- the bloc's appraisal lowers one assessed score, one T1 count, sets one indicator score, raises one D1 count.
Each ward's random draw is fitted into an intended total range by quarter-point moves of its self-scores.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from samples import texts
from samples.catalogue import Criterion, Indicator, Roster, Rules
from samples.expected import Outcome, WardInput, expected_outcome, indicator_score, score_ward

Q = Decimal("0.25")
D = Decimal
Appraisal = dict[str, dict[str, Decimal]]  # ward code -> code -> appraised value


class DesignError(RuntimeError):
    """The drawn data cannot tell the intended story; change the plan or the seed."""


@dataclass(frozen=True)
class WardPlan:
    """What a ward's sample files should produce."""

    code: str
    level: float  # mean self-score as a share of the maximum
    achieve: float  # mean indicator result as a share of the target
    band: tuple[str, str]  # intended total range, inclusive
    counts: dict[str, int] = field(default_factory=dict)  # T/D occurrences claimed
    missing: tuple[str, ...] = ()  # months without a monthly report
    fill: str = ""  # "exact" | "rounded": the ward fills in its indicator self-scores
    write_code: bool = True  # writes ``Mã đơn vị``
    annual_variant: frozenset[str] = frozenset()
    monthly_variant: dict[str, frozenset[str]] = field(default_factory=dict)
    percent_months: tuple[str, ...] = ()  # months whose CT02/CT05/CT07 cells are percent-formatted
    finals: dict[str, Decimal] = field(default_factory=dict)  # fixed December year-to-date values
    blank_evidence: tuple[str, ...] = ()


def _v(*flags: str) -> frozenset[str]:
    return frozenset(flags)


PLANS: tuple[WardPlan, ...] = (
    WardPlan(
        "SAPA",
        0.97,
        1.04,
        ("96", "97.75"),
        {"T1": 2, "T2": 1, "T3": 2},
        fill="exact",
        monthly_variant={"2025-12": _v("sheet_order")},
    ),
    WardPlan(
        "LAOCAI",
        0.94,
        1.02,
        ("93", "94.5"),
        {"T1": 2, "T3": 1},
        annual_variant=_v("ward_upper"),
        percent_months=("2025-11", "2025-12"),
    ),
    WardPlan(
        "NGHIALO",
        0.95,
        1.0,
        ("91.5", "92.75"),
        {"T2": 1, "D3": 1},
        fill="rounded",
        write_code=False,
        monthly_variant={"2025-10": _v("stt", "title_merged")},
    ),
    WardPlan(
        "YENBAI",
        0.93,
        0.99,
        ("90.5", "91.5"),
        {"T1": 1, "D1": 1},
        annual_variant=_v("ward_prefix"),
        percent_months=("2025-12",),
    ),
    WardPlan("CAMDUONG", 0.93, 0.99, ("90.5", "91.5"), {"T3": 2, "D1": 1}),
    WardPlan(
        "TRUNGTAM",
        0.9,
        0.96,
        ("87", "89"),
        {"T3": 1},
        annual_variant=_v("text_numbers"),
        monthly_variant={"2025-12": _v("text_numbers")},
    ),
    WardPlan(
        "VANPHU",
        0.88,
        0.95,
        ("84", "86"),
        {"D1": 1},
        annual_variant=_v("stt", "title_merged"),
        monthly_variant={"2025-09": _v("period_words")},
    ),
    WardPlan(
        "AULAU",
        0.87,
        0.95,
        ("81.5", "83.5"),
        {"T3": 1},
        missing=("2025-10",),
        write_code=False,
        annual_variant=_v("numeric_codes"),
    ),
    WardPlan(
        "CAUTHIA",
        0.84,
        0.93,
        ("78", "80"),
        {"D2": 1},
        annual_variant=_v("sheet_order", "ward_short"),
        monthly_variant={m: _v("ward_short") for m in ("2025-09", "2025-10", "2025-11", "2025-12")},
        percent_months=("2025-09",),
    ),
    WardPlan(
        "NAMCUONG",
        0.8,
        0.9,
        ("74", "76.5"),
        {"D1": 2},
        write_code=False,
        annual_variant=_v("upper_headers"),
        monthly_variant={"2025-11": _v("upper_headers")},
        finals={"CT06": D("96")},
        blank_evidence=("1.4",),
    ),
)
TIE = ("YENBAI", "CAMDUONG")  # the second is matched exactly to the first
TIE_INDICATOR = "CT07"  # the indicator whose December value makes the tie exact
PERCENT_FORMAT_CODES = frozenset({"CT02", "CT05", "CT07"})


@dataclass(frozen=True)
class Shape:
    """How an indicator's year-to-date value moves from September to December."""

    steps: tuple[Decimal, ...]  # month increments (ratios) or month weights (cumulative)
    devs: tuple[Decimal, ...] = ()  # month rate minus year-to-date rate (shares of a whole)


@dataclass
class WardData:
    """Everything a ward's sample files carry; mutable while the design is fitted."""

    code: str
    name: str
    plan: WardPlan
    scores: dict[str, Decimal | None]
    finals: dict[str, Decimal]
    shapes: dict[str, Shape]
    counts: dict[str, int]
    evidence: dict[str, str]
    basis: dict[str, str]
    prepared_on: date
    monthly_dates: dict[str, date]


@dataclass(frozen=True)
class AppraisalRow:
    """One row of the bloc's appraisal workbook."""

    ward_code: str
    ward_label: str  # as written in the file
    code: str
    value: Decimal
    reason: str


@dataclass(frozen=True)
class SampleSet:
    """The designed 2025 sample data and its intended outcome."""

    wards: tuple[WardData, ...]
    appraisal: tuple[AppraisalRow, ...]
    outcome: tuple[Outcome, ...]


def quarter(x: float) -> Decimal:
    """``x`` rounded to the nearest quarter point."""
    return D(round(x * 4)) / 4


def bounds(crit: Criterion) -> tuple[Decimal, Decimal]:
    """Self-score range of an assessed criterion: 70 % of the maximum (up to a quarter) to the maximum."""
    return D(math.ceil(crit.max * D("0.7") * 4)) / 4, crit.max


def precision(ind: Indicator) -> Decimal:
    """Reporting precision: one decimal for percentages and thousands, whole numbers for counts."""
    return D("0.1") if ind.unit == "%" or "nghìn" in ind.unit else D("1")


def _draw_scores(rng: random.Random, rules: Rules, plan: WardPlan) -> dict[str, Decimal | None]:
    scores: dict[str, Decimal | None] = {}
    for crit in rules.criteria:
        if crit.kind != "assessed":
            scores[crit.code] = None
            continue
        lo, hi = bounds(crit)
        scores[crit.code] = min(hi, max(lo, quarter(float(crit.max) * (plan.level + rng.uniform(-0.07, 0.05)))))
    return scores


def _draw_final(rng: random.Random, ind: Indicator, target: Decimal, achieve: float) -> Decimal:
    if ind.method == "threshold":
        return target
    value = D(str(float(target) * achieve * rng.uniform(0.95, 1.06)))
    if ind.at_most is not None:
        value = min(value, ind.at_most)
    return value.quantize(precision(ind))


def _draw_shape(rng: random.Random, ind: Indicator, months: int) -> Shape:
    def draws(lo: float, hi: float, q: str) -> tuple[Decimal, ...]:
        return tuple(D(str(rng.uniform(lo, hi))).quantize(D(q)) for _ in range(months))

    if ind.cumulative:
        return Shape(draws(0.8, 1.25, "0.01"))
    if ind.method == "threshold":
        return Shape(tuple(D(0) for _ in range(months)))
    if ind.at_most is None:
        return Shape(draws(5.0, 9.5, "0.1"))
    return Shape(draws(0.0, 0.7, "0.1"), draws(-0.6, 1.2, "0.1"))


def series(ind: Indicator, final: Decimal, shape: Shape) -> list[tuple[Decimal | None, Decimal]]:
    """(month value, year-to-date) for each month of the window, ending at ``final`` in the last month."""
    n = len(shape.steps)
    if ind.cumulative:
        q, weight = precision(ind), sum(shape.steps)
        months = [(final * w / weight).quantize(q) for w in shape.steps[:-1]]
        months.append(final - sum(months, D(0)))
        return [(m, sum(months[: i + 1], D(0))) for i, m in enumerate(months)]
    capped = ind.at_most is not None and final >= ind.at_most
    ytds = [final if capped else final - sum(shape.steps[i + 1 :], D(0)) for i in range(n)]
    if ind.method == "threshold":
        return [(None, y) for y in ytds]
    if ind.at_most is None:
        return list(zip(shape.steps, ytds, strict=True))
    return [(min(ind.at_most, y + abs(d)), y) for y, d in zip(ytds, shape.devs, strict=True)]


def _texts(rng: random.Random, rules: Rules, plan: WardPlan, counts: dict[str, int]) -> tuple[dict[str, str], ...]:
    evidence = {
        c.code: texts.fill(texts.EVIDENCE[c.code], rng, rules.year, texts.EVIDENCE_MONTHS.get(c.code, (9, 12)))
        for c in rules.criteria
        if c.kind == "assessed" and c.code not in plan.blank_evidence
    }
    basis = {code: texts.fill(texts.BASIS[code], rng, rules.year) for code, n in counts.items() if n > 0}
    return evidence, basis


def draw_ward(rng: random.Random, rules: Rules, roster: Roster, plan: WardPlan) -> WardData:
    """A ward's random draw around its plan (before fitting)."""
    scores = _draw_scores(rng, rules, plan)
    finals, shapes = {}, {}
    for ind in rules.indicators.values():
        finals[ind.code] = plan.finals.get(ind.code) or _draw_final(rng, ind, ind.targets[plan.code], plan.achieve)
        shapes[ind.code] = _draw_shape(rng, ind, len(rules.months))
    codes = [i.code for i in (*rules.bonus, *rules.deductions)]
    counts = {code: plan.counts.get(code, 0) for code in codes}
    evidence, basis = _texts(rng, rules, plan, counts)
    dates = {m: date(int(m[:4]), int(m[5:]), rng.randint(18, 24)) for m in rules.months}
    prepared = date(rules.year + 1, 1, rng.randint(5, 9))
    return WardData(
        plan.code, roster.name_of(plan.code), plan, scores, finals, shapes, counts, evidence, basis, prepared, dates
    )


def ward_input(ward: WardData) -> WardInput:
    """The ward as the review would accept it (its December report is always there)."""
    return WardInput(ward.code, dict(ward.scores), dict(ward.finals), dict(ward.counts), ward.plan.missing)


def appraisal_map(rows: tuple[AppraisalRow, ...] | list[AppraisalRow]) -> Appraisal:
    """Appraised values by ward and code."""
    out: Appraisal = {}
    for row in rows:
        out.setdefault(row.ward_code, {})[row.code] = row.value
    return out


def design_appraisal(rules: Rules, wards: dict[str, WardData]) -> list[AppraisalRow]:
    """The bloc's four appraisal changes, with ward names written in several forms."""
    lao_cai, cam_duong, trung_tam, van_phu = (wards[c] for c in ("LAOCAI", "CAMDUONG", "TRUNGTAM", "VANPHU"))
    crit = next(c for c in rules.criteria if c.indicator == "CT02")
    reported = trung_tam.finals["CT02"]
    system = reported - D("1.3")
    target = rules.indicators["CT02"].targets["TRUNGTAM"]
    appraised = indicator_score(rules, crit, "TRUNGTAM", system) if system < target else crit.max
    reason_ind = texts.REASON_INDICATOR.format(v=str(system).replace(".", ","), r=str(reported).replace(".", ","))
    return [
        AppraisalRow("LAOCAI", "Phường Lào Cai", "T1", D(lao_cai.counts["T1"] - 1), texts.REASON_T1),
        AppraisalRow(
            "CAMDUONG", "Cam Đường", "4.3", (cam_duong.scores["4.3"] or D(0)) - D("0.5"), texts.REASON_ASSESSED
        ),
        AppraisalRow("TRUNGTAM", "TRUNGTAM", crit.code, appraised, reason_ind),
        AppraisalRow("VANPHU", "P. Văn Phú", "D1", D(van_phu.counts["D1"] + 1), texts.REASON_D1),
    ]


def _pick(rules: Rules, ward: WardData, frozen: set[str], step: Decimal, rng: random.Random) -> Criterion | None:
    """A random assessed criterion that can move by ``step`` and stay within its bounds."""
    movable = []
    for crit in rules.criteria:
        score = ward.scores.get(crit.code)
        if crit.kind != "assessed" or crit.code in frozen or score is None:
            continue
        lo, hi = bounds(crit)
        if lo <= score + step <= hi:
            movable.append(crit)
    return rng.choice(movable) if movable else None


def nudge(rules: Rules, ward: WardData, appraisal: Appraisal, step: Decimal, rng: random.Random) -> None:
    """Move one not-appraised self-score by ``step`` (a quarter point up or down)."""
    crit = _pick(rules, ward, set(appraisal.get(ward.code, {})), step, rng)
    if crit is None:
        raise DesignError(f"{ward.code}: no self-score can move by {step}")
    ward.scores[crit.code] = (ward.scores[crit.code] or D(0)) + step


def fit_total(rules: Rules, ward: WardData, appraisal: Appraisal, rng: random.Random) -> None:
    """Move self-scores by quarter points until the ward's total lies in its plan's band."""
    lo, hi = (D(x) for x in ward.plan.band)
    for _ in range(400):
        total = score_ward(rules, ward_input(ward), appraisal.get(ward.code, {})).total
        if lo <= total <= hi:
            return
        nudge(rules, ward, appraisal, Q if total < lo else -Q, rng)
    raise DesignError(f"{ward.code}: cannot reach a total in {ward.plan.band}")


def _reachable(rules: Rules, crit: Criterion, ward: str) -> dict[Decimal, Decimal]:
    """Scores reachable below target for ``crit`` -> the highest year-to-date value giving each."""
    ind = rules.indicators[crit.indicator or ""]
    target, q = ind.targets[ward], precision(ind)
    out: dict[Decimal, Decimal] = {}
    ytd = target - q
    while ytd >= target * D("0.85"):
        out.setdefault(indicator_score(rules, crit, ward, ytd), ytd)
        ytd -= q
    return out


def match_tie(rules: Rules, first: WardData, second: WardData, appraisal: Appraisal, rng: random.Random) -> None:
    """Make ``second`` end exactly equal to ``first`` in base (same bonus and deductions by design)."""
    crit = next(c for c in rules.criteria if c.indicator == TIE_INDICATOR)
    reachable = _reachable(rules, crit, second.code)
    goal = score_ward(rules, ward_input(first), appraisal.get(first.code, {})).base
    for _ in range(200):
        out = score_ward(rules, ward_input(second), appraisal.get(second.code, {}))
        need = goal - (out.base - out.criteria[crit.code])
        if need in reachable:
            second.finals[TIE_INDICATOR] = reachable[need]
            return
        nudge(rules, second, appraisal, Q if need > max(reachable) else -Q, rng)
    raise DesignError(f"cannot tie {second.code} with {first.code}")


def fill_indicator_scores(rules: Rules, ward: WardData) -> None:
    """For wards that fill them in: indicator self-scores, exact or rounded up to a quarter point."""
    if not ward.plan.fill:
        return
    for crit in rules.criteria:
        if crit.kind != "indicator" or crit.indicator is None:
            continue
        score = indicator_score(rules, crit, ward.code, ward.finals[crit.indicator])
        if ward.plan.fill == "rounded":
            score = min(crit.max, D(math.ceil(score * 4)) / 4)
        ward.scores[crit.code] = score
        ward.evidence[crit.code] = texts.INDICATOR_EVIDENCE


def check_design(outcome: list[Outcome], wards: dict[str, WardData]) -> None:
    """Raise ``DesignError`` unless the outcome tells the intended story."""
    by = {o.code: o for o in outcome}
    first, second = (by[c] for c in TIE)
    problems = [
        msg
        for ok, msg in [
            (by["SAPA"].rank == 1 and [o.rank for o in outcome].count(1) == 1, "SAPA is not alone at rank 1"),
            (by["SAPA"].total >= 90 and not by["SAPA"].veto, "SAPA below 90 or vetoed"),
            (
                3 <= sum(o.classification == "HTXSNV" and o.code != "SAPA" for o in outcome) <= 4,
                "not 3-4 other wards in HTXSNV",
            ),
            (by["NGHIALO"].total >= 90 and by["NGHIALO"].classification == "HTTNV", "NGHIALO veto not shown"),
            (wards["AULAU"].plan.missing == ("2025-10",) and by["AULAU"].deductions == 1, "AULAU DM not shown"),
            (
                first.rank == second.rank
                and (first.total, first.base, first.deductions) == (second.total, second.base, second.deductions),
                f"{TIE} are not tied",
            ),
            (by["SAPA"].nomination in ("flag", "flag-proposed"), "SAPA is not nominated for the flag"),
        ]
        if not ok
    ]
    if problems:
        raise DesignError("; ".join(problems))


def build_2025(rules: Rules, roster: Roster, votes: dict[str, Any] | None, seed: int = 2025) -> SampleSet:
    """Draw, fit, appraise and check the 2025 sample data (deterministic for a given seed)."""
    rng = random.Random(seed)
    plans = {p.code: p for p in PLANS}
    wards = {code: draw_ward(rng, rules, roster, plans[code]) for code, _ in roster.wards}
    rows = design_appraisal(rules, wards)
    appraisal = appraisal_map(rows)
    for ward in wards.values():
        fit_total(rules, ward, appraisal, rng)
    match_tie(rules, wards[TIE[0]], wards[TIE[1]], appraisal, rng)
    for ward in wards.values():
        fill_indicator_scores(rules, ward)
    inputs = [ward_input(wards[code]) for code, _ in roster.wards]
    outcome = expected_outcome(rules, inputs, appraisal, votes, len(roster.wards))
    check_design(outcome, wards)
    return SampleSet(tuple(wards.values()), tuple(rows), tuple(outcome))
