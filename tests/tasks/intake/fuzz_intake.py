"""Fuzz the intake outside pytest: ``python -m tests.tasks.intake.fuzz_intake [--cases 2000] [--seed 0] [--batch 100]``.

Each case is drawn from its own seed (``tests/tasks/intake/test_fuzz.py`` holds the mutations): Sa Pa's
self-assessment or December report, mutated in memory, written to a temporary file, opened, and validated
with the other cases of its batch in one bulk run (one GX context for the whole run). Every case must end
accepted, or rejected with Vietnamese messages and hints; anything else is a crash and is printed with its
seed (reproduce with ``--seed SEED --cases 1``).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from tasks.config.year import YearConfig, load_year
from tasks.domain import Kind, Severity, Status, Submission
from tasks.validation.suites import Validator
from tests.support.office_files import SAMPLE
from tests.tasks.intake.test_fuzz import build_case, outcome_problems, random_case, run_cases


def _batch(
    seeds: range, folder: Path, config: YearConfig, validator: Validator
) -> tuple[list[Submission], dict[int, str]]:
    """Run the cases of ``seeds``; a batch that raises is rerun case by case to find the seed."""
    crashes: dict[int, str] = {}
    built: list[tuple[int, Kind, bytes]] = []
    for seed in seeds:
        kind, ops = random_case(seed)
        try:
            built.append((seed, kind, build_case(kind, ops)))
        except Exception:  # a mutation the case builder cannot write is not an intake crash
            logging.getLogger(__name__).debug("seed %d: case not buildable", seed, exc_info=True)
    try:
        subs = run_cases([(k, d) for _, k, d in built], folder, config.bloc, config.catalogue, validator)
    except Exception:
        if len(built) == 1:
            crashes[built[0][0]] = traceback.format_exc(limit=-3)
            return [], crashes
        subs = []
        for seed, _, _ in built:
            more, found = _batch(range(seed, seed + 1), folder, config, validator)
            subs += more
            crashes.update(found)
        return subs, crashes
    for (seed, _, _), sub in zip(built, subs, strict=True):
        problems = outcome_problems(sub, config.catalogue)
        if problems:
            crashes[seed] = "; ".join(problems)
    return subs, crashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--batch", type=int, default=100, help="cases validated together")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # expected per-file failures are logged by the intake
    config = load_year(SAMPLE.parent, 2025)
    started = time.perf_counter()
    validator = Validator()
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    crashes: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="thidua-fuzz-") as tmp:
        for first in range(args.seed, args.seed + args.cases, args.batch):
            seeds = range(first, min(first + args.batch, args.seed + args.cases))
            subs, found = _batch(seeds, Path(tmp), config, validator)
            crashes.update(found)
            statuses.update(s.status.value for s in subs)
            rules.update(i.rule for s in subs for i in s.issues if i.severity is Severity.ERROR)
    elapsed = time.perf_counter() - started
    done = sum(statuses.values())
    print(f"{done} cases in {elapsed:.1f} s ({1000 * elapsed / max(done, 1):.1f} ms/case)")
    print(f"  accepted: {statuses[Status.ACCEPTED.value]}, rejected: {statuses[Status.REJECTED.value]}")
    print("  most frequent error rules: " + ", ".join(f"{r} {n}" for r, n in rules.most_common(12)))
    print(f"  crashes: {len(crashes)}")
    for seed, what in sorted(crashes.items()):
        print(f"    seed {seed}: {what.strip()}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
