"""Exact-decimal scorer of the *intended* outcome of a sample set (spec §4).

Used only by the sample generator to design and print what the review should find, and by tests as an
independent oracle. It is not the pipeline's scorer and must not be imported from ``tasks/``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from samples.catalogue import Criterion, Rules

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WardInput:
    """What a ward submitted, as the review would accept it."""

    code: str
    scores: dict[str, Decimal | None]  # self-scores by criterion code (indicator ones may be None)
    ytd: dict[str, Decimal]  # indicator -> year-to-date of the latest accepted month in the window
    counts: dict[str, int]  # T/D code -> occurrences claimed by the ward
    missing_months: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """A ward's intended result."""

    code: str
    base: Decimal
    bonus: Decimal
    deductions: Decimal
    total: Decimal
    classification: str
    veto: bool
    criteria: dict[str, Decimal] = field(default_factory=dict)
    rank: int | None = None
    nomination: str = ""


def round2(value: Fraction) -> Decimal:
    """Round an exact value half-up to 2 decimal places."""
    cents = math.floor(value * 100 + Fraction(1, 2))
    return (Decimal(cents) / 100).quantize(CENT)


def indicator_score(rules: Rules, crit: Criterion, ward: str, ytd: Decimal | None) -> Decimal:
    """Score of an indicator criterion from its year-to-date value (0 without a report)."""
    if ytd is None or crit.indicator is None:
        return Decimal("0.00")
    ind = rules.indicators[crit.indicator]
    target = ind.targets[ward]
    if ytd >= target:
        return crit.max.quantize(CENT)
    if ind.method == "threshold":
        return Decimal("0.00")
    return round2(Fraction(crit.max) * Fraction(ytd) / Fraction(target))


def criterion_scores(rules: Rules, ward: WardInput, overrides: dict[str, Decimal]) -> dict[str, Decimal]:
    """Every criterion's score after appraisal ``overrides`` (code -> value)."""
    out: dict[str, Decimal] = {}
    for crit in rules.criteria:
        if crit.code in overrides:
            out[crit.code] = round2(Fraction(overrides[crit.code]))
        elif crit.kind == "assessed":
            out[crit.code] = round2(Fraction(ward.scores.get(crit.code) or 0))
        else:
            out[crit.code] = indicator_score(rules, crit, ward.code, ward.ytd.get(crit.indicator or ""))
    return out


def classify(rules: Rules, total: Decimal, veto: bool) -> str:
    """The band of ``total``; a veto moves the first band to the second."""
    index = next(i for i, b in enumerate(rules.bands) if b.min <= total)
    if veto and index == 0:
        index = 1
    return rules.bands[index].code


def score_ward(rules: Rules, ward: WardInput, appraisal: dict[str, Decimal]) -> Outcome:
    """A ward's base, bonus, deductions, total and band (spec §4 steps 1–6)."""
    crit_codes = {c.code for c in rules.criteria}
    scores = criterion_scores(rules, ward, {k: v for k, v in appraisal.items() if k in crit_codes})
    counts = {**ward.counts, **{k: int(v) for k, v in appraisal.items() if k not in crit_codes}}
    base = sum(scores.values(), Decimal("0"))
    each = [min(i.cap or Decimal("Infinity"), counts.get(i.code, 0) * i.points) for i in rules.bonus]
    bonus = min(rules.bonus_cap, sum(each, Decimal("0")))
    deductions = sum((counts.get(i.code, 0) * i.points for i in rules.deductions), Decimal("0"))
    deductions += rules.missing_report.points * len(ward.missing_months)
    veto = any(i.veto and counts.get(i.code, 0) >= 1 for i in rules.deductions)
    total = max(Decimal("0"), base + bonus - deductions).quantize(CENT)
    return Outcome(
        ward.code,
        base.quantize(CENT),
        bonus.quantize(CENT),
        deductions.quantize(CENT),
        total,
        classify(rules, total, veto),
        veto,
        scores,
    )


def rank_outcomes(outcomes: list[Outcome]) -> list[Outcome]:
    """Rank by total desc, base desc, deductions asc; equal keys share a rank (1, 2, 2, 4)."""

    def key(o: Outcome) -> tuple[Decimal, Decimal, Decimal]:
        return (-o.total, -o.base, o.deductions)

    ordered = sorted(outcomes, key=lambda o: (key(o), o.code))
    ranked: list[Outcome] = []
    for pos, out in enumerate(ordered, start=1):
        same = ranked and key(ranked[-1]) == key(out)
        ranked.append(replace(out, rank=ranked[-1].rank if same else pos))
    return ranked


def _eligible(rules: Rules, out: Outcome, min_code: str) -> bool:
    order = [b.code for b in rules.bands]
    return not out.veto and order.index(out.classification) <= order.index(min_code)


def _flag(rules: Rules, ranked: list[Outcome], votes: dict[str, Any] | None, members: int) -> dict[str, str]:
    eligible = [o for o in ranked if _eligible(rules, o, rules.flag_min)]
    if not eligible:
        return {}
    best = min(o.rank or 0 for o in eligible)
    candidates = [o.code for o in eligible if o.rank == best]
    if votes is None:
        return {candidates[0]: "flag-proposed"} if len(candidates) == 1 else dict.fromkeys(candidates, "flag-candidate")
    agree = {c: int(votes.get("flag", {}).get(c, 0)) for c in candidates}
    top = max(agree.values())
    leaders = [c for c, v in agree.items() if v == top]
    quorum = Fraction(int(votes["ballots_received"])) >= rules.flag_quorum * members
    share = Fraction(top) > rules.flag_share * int(votes["ballots_valid"])
    if len(leaders) == 1 and quorum and share:
        return {leaders[0]: "flag"}
    return dict.fromkeys(candidates, "flag-candidate")


def nominate(rules: Rules, ranked: list[Outcome], votes: dict[str, Any] | None, members: int) -> list[Outcome]:
    """Flag and merit nominations (spec §4 step 8)."""
    flag = _flag(rules, ranked, votes, members)
    pool = [o for o in ranked if _eligible(rules, o, rules.merit_min) and o.code not in flag]
    merit = pool[: rules.merit_count]
    if merit:
        merit += [o for o in pool[rules.merit_count :] if o.rank == merit[-1].rank]
    merit_codes = {o.code for o in merit}
    return [replace(o, nomination=flag.get(o.code, "merit" if o.code in merit_codes else "")) for o in ranked]


def expected_outcome(
    rules: Rules,
    wards: list[WardInput],
    appraisal: dict[str, dict[str, Decimal]],
    votes: dict[str, Any] | None,
    members: int,
) -> list[Outcome]:
    """The intended ranking of a sample set: scored, ranked and nominated."""
    outcomes = [score_ward(rules, w, appraisal.get(w.code, {})) for w in wards]
    return nominate(rules, rank_outcomes(outcomes), votes, members)
