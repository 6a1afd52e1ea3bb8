"""Benchmark many blocs in one review: ``python -m bench.province 15`` (also ``python -m bench.run --province 15``).

Generates (once, cached under ``bench/out/``) a province of K blocs of 10 wards each, then runs
``province-review`` in a fresh process per runner — one bloc after the other (a one-thread pool, the baseline),
on threads (``thidua review``'s default) and on a local Dask cluster (``--task-runner dask``) — and checks that
every bloc's ``ranking.csv`` and ``scores.csv`` are byte-identical across the runners.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.make_bloc import OUT, YEAR, province_inputs
from bench.run import ENV, peak_rss, workbooks

RUNNERS = ("serial", "thread", "dask")
COMPARED = ("ranking.csv", "scores.csv")


def _outputs(blocs: int, runner: str) -> Path:
    return OUT / "runs" / f"province-{blocs}-{runner}"


def child(runner: str, blocs: int) -> dict[str, Any]:
    """One province run in this (fresh) process."""
    t0 = time.perf_counter()
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.province import province_result, province_review, run_province
    from flows.steps import warm_up
    from tasks.edge.collector import configure_collector

    configure_collector()  # as the command line starts
    inputs, outputs = OUT / f"province-{blocs}x10" / "inputs", _outputs(blocs, runner)
    if runner == "serial":
        warm_up()
        single: Any = ThreadPoolTaskRunner(max_workers=1)
        one_by_one = province_review.with_options(task_runner=single)
        result = province_result(one_by_one(year=YEAR, inputs=inputs, outputs=outputs, return_state=True))
    else:
        if runner == "thread":
            warm_up()
        result = run_province(YEAR, inputs, outputs, runner=runner)
    return {
        "runner": runner,
        "wall": time.perf_counter() - t0,
        "peak_rss": peak_rss(),
        "completed": len(result.blocs) - len(result.broken),
        "broken": [b.code for b in result.broken],
    }


def measure(runner: str, blocs: int) -> dict[str, Any]:
    """``child(runner, blocs)`` in a fresh interpreter."""
    shutil.rmtree(_outputs(blocs, runner), ignore_errors=True)
    cmd = [sys.executable, "-m", "bench.province", "--child", runner, str(blocs)]
    proc = subprocess.run(
        cmd, env={**os.environ, **ENV}, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1]
    )
    if proc.returncode != 0:
        raise RuntimeError(f"province {runner} failed:\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  province {runner:<7} {blocs} blocs {result['wall']:8.2f} s", flush=True)
    return result


def differences(blocs: int) -> list[str]:
    """Every compared output file that differs between the runners (empty: identical)."""
    out = []
    for code in sorted(p.name for p in (_outputs(blocs, "serial") / str(YEAR)).iterdir()):
        for name in COMPARED:
            files = [_outputs(blocs, r) / str(YEAR) / code / "review" / "latest" / name for r in RUNNERS]
            if len({f.read_bytes() if f.exists() else b"missing" for f in files}) != 1:
                out.append(f"{code}/{name}")
    return out


def run_province(blocs: int) -> list[str]:
    """Generate, run on every runner, compare; the report lines."""
    files = len(workbooks(province_inputs(blocs) / str(YEAR)))
    results = {runner: measure(runner, blocs) for runner in RUNNERS}
    lines = [f"{blocs} blocs of 10 wards ({blocs * 10} wards, {files} workbooks):"]
    for runner, r in results.items():
        peak = r["peak_rss"] / 2**20
        lines.append(
            f"  {runner:<7} wall {r['wall']:7.2f} s  peak {peak:5.0f} MiB (this process)  "
            f"{r['completed']} completed, broken {r['broken'] or 'none'}"
        )
    diff = differences(blocs)
    lines.append(f"  outputs ({', '.join(COMPARED)}) identical across runners: {diff or 'yes'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.province K``."""
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__.splitlines()[0])
    parser.add_argument("blocs", type=int, nargs="?", default=15)
    parser.add_argument("--child", choices=RUNNERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.blocs)))
        return 0
    print("\n".join(run_province(args.blocs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
