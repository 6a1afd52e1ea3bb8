"""Generate the shipped synthetic 2025 sample inputs: ``python -m samples.make_2025 [--out inputs]``.

Reads ``<config>/bloc.yaml``, ``criteria.yaml`` and (for the intended vote outcome) ``meeting.yaml``; writes
``<out>/2025/annual/``, ``appraisal/`` and ``monthly/<YYYY-MM>/`` workbooks, deterministically (seed 2025,
timestamps from each file's ``Ngày lập``), and prints the intended outcome. Never touches the YAML files.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samples import texts
from samples.catalogue import Roster, Rules, load_roster, load_rules, load_votes
from samples.design_2025 import PERCENT_FORMAT_CODES, SampleSet, WardData, build_2025, series
from samples.expected import Outcome
from samples.workbooks import write_annual, write_appraisal, write_monthly

PROJECT = Path(__file__).resolve().parent.parent
YEAR = 2025


@dataclass(frozen=True)
class Written:
    """A file the generator wrote and the deviations (variant flags) it carries."""

    path: Path
    variant: frozenset[str]


def _slug(code: str) -> str:
    return code.lower()


def write_ward_annual(rules: Rules, ward: WardData, out: Path) -> Written:
    """The ward's annual self-assessment workbook."""
    crits = rules.criteria
    items = (*rules.bonus, *rules.deductions)
    path = out / "annual" / f"tu-cham-diem-{rules.year}-{_slug(ward.code)}.xlsx"
    write_annual(
        path,
        ward_name=ward.name,
        ward_code=ward.code if ward.plan.write_code else None,
        year=rules.year,
        prepared_on=ward.prepared_on,
        scores=ward.scores,
        maxima={c.code: c.max for c in crits},
        names={**{c.code: c.name for c in crits}, **{i.code: i.name for i in items}},
        groups=[(g.code, g.name, [c.code for c in g.criteria]) for g in rules.groups],
        bonus_counts={i.code: ward.counts[i.code] for i in rules.bonus},
        deduction_counts={i.code: ward.counts[i.code] for i in rules.deductions},
        evidence=ward.evidence,
        role=texts.ROLE,
        variant=ward.plan.annual_variant,
        preparer=texts.PREPARER,
        basis=ward.basis,
    )
    return Written(path, ward.plan.annual_variant)


def monthly_rows(rules: Rules, ward: WardData, month_index: int) -> list[dict[str, Any]]:
    """The ``Chỉ tiêu`` rows of the ward's report for the ``month_index``-th month of the window."""
    last = month_index == len(rules.months) - 1
    rows = []
    for ind in rules.indicators.values():
        month_value, ytd = series(ind, ward.finals[ind.code], ward.shapes[ind.code])[month_index]
        note = texts.MONTHLY_NOTES.get((ward.code, ind.code)) or (texts.LAST_MONTH_NOTE.get(ind.code) if last else None)
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": ind.unit,
                "plan": ind.targets[ward.code],
                "month_value": month_value,
                "ytd": ytd,
                "note": note,
            }
        )
    return rows


def write_ward_monthly(rules: Rules, ward: WardData, out: Path) -> list[Written]:
    """The ward's monthly progress workbooks, one per month of the window it did not miss."""
    written = []
    for index, month in enumerate(rules.months):
        if month in ward.plan.missing:
            continue
        variant = ward.plan.monthly_variant.get(month, frozenset())
        percent = PERCENT_FORMAT_CODES if month in ward.plan.percent_months else frozenset()
        path = out / "monthly" / month / f"bao-cao-chi-tieu-{month}-{_slug(ward.code)}.xlsx"
        write_monthly(
            path,
            ward_name=ward.name,
            ward_code=ward.code if ward.plan.write_code else None,
            period=month,
            prepared_on=ward.monthly_dates[month],
            rows=monthly_rows(rules, ward, index),
            percent_format_codes=percent,
            variant=variant,
            preparer=texts.PREPARER,
        )
        written.append(Written(path, variant | ({"percent_cells"} if percent else set())))
    return written


def write_sample_set(rules: Rules, sample: SampleSet, out: Path) -> list[Written]:
    """Write every workbook of ``sample`` under ``out`` (the ``inputs/<year>/`` folder)."""
    written = [write_ward_annual(rules, w, out) for w in sample.wards]
    rows = [{"ward": r.ward_label, "code": r.code, "value": r.value, "reason": r.reason} for r in sample.appraisal]
    path = write_appraisal(out / "appraisal" / f"tham-dinh-{rules.year}.xlsx", rows, year=rules.year)
    written.append(Written(path, frozenset()))
    for ward in sample.wards:
        written += write_ward_monthly(rules, ward, out)
    return written


def _remark(o: Outcome, sample: SampleSet, outcome: list[Outcome]) -> str:
    ward = next(w for w in sample.wards if w.code == o.code)
    notes = [f"veto ({', '.join(k for k, v in ward.counts.items() if v and k in ('D3', 'D4'))})"] if o.veto else []
    notes += [f"no monthly report {m} (DM)" for m in ward.plan.missing]
    notes += ["tied rank"] if sum(x.rank == o.rank for x in outcome) > 1 else []
    notes += [f"appraisal {r.code}={r.value}" for r in sample.appraisal if r.ward_code == o.code]
    return "; ".join(notes)


def summary(roster: Roster, sample: SampleSet) -> str:
    """The intended outcome as a plain-text table."""
    outcome = list(sample.outcome)
    head = (
        f"{'rank':>4}  {'ward':<9} {'name':<10} {'base':>6} {'bonus':>5} {'ded.':>5} {'total':>6}  "
        f"{'class':<7} {'nomination':<14} remarks"
    )
    lines = [head, "-" * len(head)]
    for o in outcome:
        lines.append(
            f"{o.rank:>4}  {o.code:<9} {roster.name_of(o.code):<10} {o.base:>6} {o.bonus:>5} {o.deductions:>5} "
            f"{o.total:>6}  {o.classification:<7} {o.nomination or '-':<14} {_remark(o, sample, outcome)}"
        )
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m samples.make_2025", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "inputs", help="folder that holds 2025/")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="folder with bloc.yaml and criteria.yaml (default: <out>/2025, else inputs/2025)",
    )
    parser.add_argument("--seed", type=int, default=YEAR)
    parser.add_argument("--quiet", action="store_true", help="do not list the files written")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate the samples and print the intended outcome."""
    args = _parse(argv)
    target = args.out / str(YEAR)
    config = args.config or (target if (target / "criteria.yaml").exists() else PROJECT / "inputs" / str(YEAR))
    roster = load_roster(config / "bloc.yaml")
    rules = load_rules(config / "criteria.yaml", roster)
    sample = build_2025(rules, roster, load_votes(config / "meeting.yaml"), seed=args.seed)
    written = write_sample_set(rules, sample, target)
    if not args.quiet:
        for item in written:
            flags = ", ".join(sorted(item.variant)) or "-"
            print(f"{item.path.relative_to(target).as_posix():<55} {flags}")
    print(f"\n{len(written)} workbooks written under {target}\n")
    print(summary(roster, sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
