"""Benchmark the review against the floor: ``python -m bench.run --wards 10 99 1000 [3321] [--province 15]``.

For each bloc size N (generated once by ``bench.make_bloc`` and cached under ``bench/out/``) every measurement
runs in a fresh Python process, so the memory high-water mark (``VmHWM``) is per measurement and the fixed
costs (imports, Prefect's ephemeral server) are paid as a user pays them:

- ``empty``: an empty Prefect flow (import Prefect, start its server, run ``@flow def empty(): pass``) started as
  the command line starts its flows: its collector policy (``tasks.edge.collector``), ``local_settings``;
- ``floor``: open every input workbook once with python-calamine and read every cell of every sheet;
- ``review``: the annual review of the bloc, as ``thidua review`` runs it, with its stages
  (read, validate, score, write) from ``ReviewResult.timings``;
- ``monthly``: the monthly run of 2025-12, as ``thidua monthly`` runs it, with stages from its log records.

Each measurement but the floor runs ``--repeat`` times (3) and the fastest counts; the table lists every run's
wall time, and the peak memory is the highest of the runs. Then it prints the table and the target ratios.
``--province K`` also runs K blocs of 10 wards as one review on threads and on a local Dask cluster and
compares the outputs (see ``bench.province``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.make_bloc import OUT, YEAR, bloc_inputs

PERIOD = f"{YEAR}-12"
GIB = 1 << 30
ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def peak_rss() -> int:
    """The process's resident-set high-water mark in bytes (``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def workbooks(year_dir: Path, period: str | None = None) -> list[Path]:
    """Every workbook of the year (or of one month's folder)."""
    folder = year_dir / "monthly" / period if period else year_dir
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".xlsx", ".xlsm"})


def read_floor(paths: list[Path], repeat: int = 3) -> float:
    """Seconds to open every workbook with python-calamine and read every cell of every sheet (best of ``repeat``).

    The first pass also brings the files into the page cache, where the review then finds them too.
    """
    from python_calamine import CalamineWorkbook

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
        best = min(best, time.perf_counter() - start)
    return best


def _run_empty(t0: float) -> dict[str, Any]:
    from prefect import flow

    from flows.commands import local_settings

    @flow(name="empty")
    def empty() -> None:
        pass

    with local_settings():  # as the command line runs its flows
        empty()
    return {"wall": time.perf_counter() - t0}


def _run_review(t0: float, inputs: Path, outputs: Path) -> dict[str, Any]:
    from flows.commands import start_review

    result = start_review(inputs, YEAR, outputs, force=False)  # as ``thidua review`` runs it
    return {"wall": time.perf_counter() - t0, "stages": result.timings}


_MONTHLY_MARKS = {
    "start+read": (("tasks.intake.read_all", "read "), ("flows.annual_review", "read ")),
    "validate": (("tasks.validation.validate", "validated"),),
    "write": (("tasks.outputs.monthly_folder", "wrote monthly"),),
}


class _StageLog:
    """Stage ends of a monthly run from its log records: files read, validated, folder written.

    ``start+read`` includes the start of Prefect's temporary server, as the flow pays it.
    """

    MARKS = _MONTHLY_MARKS

    def __init__(self) -> None:
        import logging

        self.times: dict[str, float] = {}
        handler = logging.Handler()
        handler.emit = self._emit  # type: ignore[method-assign]
        for name in {logger for marks in self.MARKS.values() for logger, _ in marks}:
            logger = logging.getLogger(name)
            logger.setLevel(logging.INFO)
            logger.addHandler(handler)

    def _emit(self, record: Any) -> None:
        for stage, marks in self.MARKS.items():
            if any(record.name == name and record.getMessage().startswith(p) for name, p in marks):
                self.times.setdefault(stage, time.perf_counter())

    def stages(self, start: float, end: float) -> dict[str, float]:
        names = [*self.MARKS, "finish"]
        marks = [start, *(self.times.get(s, start) for s in self.MARKS), end]
        return {n: round(b - a, 3) for n, (a, b) in zip(names, itertools.pairwise(marks), strict=True)}


def _run_monthly(t0: float, inputs: Path, outputs: Path) -> dict[str, Any]:
    from flows.commands import start_monthly

    marks = _StageLog()
    start = time.perf_counter()
    start_monthly(inputs, PERIOD, outputs, force=False)  # as ``thidua monthly`` runs it
    end = time.perf_counter()
    return {"wall": end - t0, "stages": marks.stages(start, end), "flow": end - start}


def child(kind: str, wards: int) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    t0 = time.perf_counter()
    from tasks.edge.collector import configure_collector

    configure_collector()  # as the command line starts
    inputs = OUT / f"bloc-{wards}" / "inputs"
    outputs = OUT / "runs" / f"{kind}-{wards}"
    if kind == "empty":
        out = _run_empty(t0)
    elif kind == "floor":
        year_dir = inputs / str(YEAR)
        files = workbooks(year_dir)
        out = {"wall": read_floor(files), "month": read_floor(workbooks(year_dir, PERIOD)), "files": len(files)}
    elif kind == "review":
        out = _run_review(t0, inputs, outputs)
    else:
        out = _run_monthly(t0, inputs, outputs)
    return {**out, "kind": kind, "wards": wards, "peak_rss": peak_rss()}


def measure(kind: str, wards: int) -> dict[str, Any]:
    """Run ``child(kind, wards)`` in a fresh interpreter and return its result."""
    outputs = OUT / "runs" / f"{kind}-{wards}"
    shutil.rmtree(outputs, ignore_errors=True)  # a cold run: no parse cache, no earlier run to compare with
    env = {**os.environ, **ENV}
    cmd = [sys.executable, "-m", "bench.run", "--child", kind, "--wards", str(wards)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} {wards} failed:\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - start
    print(f"  {kind:<8} N={wards:<5} {result['wall']:8.2f} s  peak {result['peak_rss'] / 2**20:7.0f} MiB", flush=True)
    return result


def best_of(kind: str, wards: int, repeat: int) -> dict[str, Any]:
    """``measure`` ``repeat`` times: the fastest run, with every run's wall time and the highest peak memory.

    Each run starts a cold process and Prefect's temporary server, whose start varies by a second or more on
    two cores; the fastest of a few runs is the cost of the work itself, as ``timeit`` takes the best of its
    repeats (and the floor the best of three).
    """
    runs = [measure(kind, wards) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["wall"])
    return {**best, "walls": [round(r["wall"], 2) for r in runs], "peak_rss": max(r["peak_rss"] for r in runs)}


def _stages(result: dict[str, Any]) -> str:
    return " ".join(f"{k} {v:.1f}" for k, v in result.get("stages", {}).items())


def report(rows: dict[int, dict[str, dict[str, Any]]], empty: float) -> list[str]:
    """The result table and the target ratios, as lines of text."""
    lines = [
        f"empty Prefect flow (cold process): {empty:.2f} s",
        "",
        f"{'N':>5} {'files':>6} {'kind':<8} {'wall s':>8} {'floor s':>8} {'peak MiB':>9}  stages (s)",
    ]
    for n, r in sorted(rows.items()):
        files, floor = r["floor"]["files"], r["floor"]
        for kind, fl in (("review", floor["wall"]), ("monthly", floor["month"])):
            if kind in r:
                x, peak = r[kind], r[kind]["peak_rss"] / 2**20
                walls = " ".join(f"{w:.2f}" for w in x.get("walls", []))
                row = f"{n:>5} {files:>6} {kind:<8} {x['wall']:>8.2f} {fl:>8.2f} {peak:>9.0f}"
                lines.append(f"{row}  {_stages(x)}  (runs: {walls})")
    lines += ["", *ratios(rows, empty)]
    return lines


def ratios(rows: dict[int, dict[str, dict[str, Any]]], empty: float) -> list[str]:
    """The targets of the issue, each with its measured value and verdict (other sizes for information)."""
    out = []
    small = min(rows)
    for n in sorted(rows):
        if n == small or "review" not in rows[n] or "review" not in rows[small]:
            continue
        dt = rows[n]["review"]["wall"] - rows[small]["review"]["wall"]
        df = rows[n]["floor"]["wall"] - rows[small]["floor"]["wall"]
        name = f"marginal cost per ward (T({n})−T({small}))/(floor({n})−floor({small}))"
        out.append(_verdict(name, dt / df, 5) if n == 1000 else f"{name}: {dt / df:.2f} (for information)")
    if small <= 10 and "review" in rows[small]:
        out.append(_verdict(f"{small}-ward review / empty flow", rows[small]["review"]["wall"] / empty, 1.5))
    if 1000 in rows:
        peak = max(rows[1000][k]["peak_rss"] for k in ("review", "monthly") if k in rows[1000])
        out.append(_verdict("peak memory at 1000 wards (GiB)", peak / GIB, 1.0))
    for n in rows:
        if n > 1000 and "review" in rows[n]:
            out.append(f"{n} wards: the review completed in {rows[n]['review']['wall']:.0f} s, MET")
    return out


def _verdict(name: str, value: float, limit: float) -> str:
    return f"{name}: {value:.2f} (target ≤ {limit:g}) {'MET' if value <= limit else 'NOT MET'}"


def main(argv: list[str] | None = None) -> int:
    """Generate what is missing, measure every size, print the table and the ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--wards", nargs="*", type=int, default=[10, 99, 1000])
    parser.add_argument("--skip-monthly", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the fastest counts")
    parser.add_argument("--province", type=int, default=0, help="also K blocs of 10 wards on threads and Dask")
    parser.add_argument("--child", choices=["empty", "floor", "review", "monthly"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.wards[0])))
        return 0
    rows: dict[int, dict[str, dict[str, Any]]] = {}
    empty = best_of("empty", 0, args.repeat)["wall"]
    for n in args.wards:
        bloc_inputs(n)
        kinds = ["floor", "review"] + ([] if args.skip_monthly else ["monthly"])
        rows[n] = {kind: measure(kind, n) if kind == "floor" else best_of(kind, n, args.repeat) for kind in kinds}
    lines = report(rows, empty) if rows else []
    if args.province:
        from bench.province import run_province

        lines += ["", *run_province(args.province)]
    print("\n".join(lines))
    (OUT / "results.json").write_text(json.dumps({"empty": empty, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
