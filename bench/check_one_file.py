"""How long ``thidua check FILE`` takes: ``python -m bench.check_one_file [FILE] [--runs 5] [--inputs inputs]``.

Two measurements:

- the command as a ward officer runs it: ``thidua check FILE`` in a fresh process, wall time, median of
  ``--runs`` runs (target: at most 2 s);
- where the time goes, in one fresh interpreter: importing the CLI, importing Great Expectations, a first
  look at the file (detect the kind and year, load the year's YAML), building the GX context, then
  ``check_file`` itself (read, locate, identify and validate with the stored suites), and the interpreter's
  own start and exit (tearing down the modules GX imported).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "inputs" / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx"
ENV = {"GX_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}

_BREAKDOWN = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import flows.cli  # noqa: F401
t1 = time.perf_counter()
import great_expectations  # noqa: F401
t2 = time.perf_counter()
from tasks.validation.check import check_file
from tasks.config.year import load_year
from tasks.validation.check import detect
from tasks.validation.suites import Validator
path, inputs = Path(sys.argv[1]), Path(sys.argv[2])
found = detect(path)
load_year(inputs, found.year)
t3 = time.perf_counter()
validator = Validator()
t4 = time.perf_counter()
result = check_file(path, inputs, validator=validator)
t5 = time.perf_counter()
print(json.dumps({"import_cli": t1 - t0, "import_gx": t2 - t1, "read": t3 - t2, "gx_context": t4 - t3,
                  "check_file": t5 - t4, "total": t5 - t0, "errors": result.status == "failed"}))
"""


def thidua() -> list[str]:
    """The ``thidua`` console script of this interpreter's environment (else ``python -m flows.cli``)."""
    script = Path(sys.executable).with_name("thidua")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def command_seconds(file: Path, inputs: Path, runs: int) -> list[float]:
    """Wall time of ``thidua check FILE`` in a fresh process, ``runs`` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [*thidua(), "check", str(file), "--inputs", str(inputs)],
            cwd=ROOT,
            env={**os.environ, **ENV},
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise SystemExit(f"thidua check failed ({done.returncode}): {done.stderr[-2000:]}")
    return times


def breakdown(file: Path, inputs: Path) -> dict[str, float]:
    """Seconds per stage, measured inside one fresh interpreter, plus its start and exit (wall minus stages)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _BREAKDOWN, str(file), str(inputs)],
        cwd=ROOT,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["start_exit"] = time.perf_counter() - started - result["total"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    args = parser.parse_args(argv)
    file, inputs = args.file.resolve(), args.inputs.resolve()
    times = command_seconds(file, inputs, args.runs)
    median = statistics.median(times)
    print(f"thidua check {file.name}: median {median:.2f} s over {len(times)} runs ", end="")
    print(f"(min {min(times):.2f}, max {max(times):.2f}); target ≤ 2 s: {'met' if median <= 2 else 'NOT met'}")
    parts = breakdown(file, inputs)
    wall = parts["total"] + parts["start_exit"]
    for name in ("start_exit", "import_cli", "import_gx", "read", "gx_context", "check_file"):
        print(f"  {name:<11} {parts[name]:6.2f} s  {100 * parts[name] / wall:5.1f} %")
    print(f"  {'wall':<11} {wall:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
