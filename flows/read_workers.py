"""Read a large set of workbooks on every core; ``python -m flows.read_workers JOB OUT`` is one worker.

Reading a file (python-calamine, then the checks of ``tasks.workbook`` and the table search of ``tasks.ingest``)
is Python code that holds the GIL, so threads do not help and processes do. The workers are started as
``python -m flows.read_workers`` rather than through ``multiprocessing``, which would re-import the caller's
main script in every worker (and run a flow again from any script without an ``if __name__ == "__main__"``
guard). They exchange pickles through a temporary folder; the result is what ``read_all`` gives, in order.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Submission
from tasks.intake import read_all

MIN_FILES = 300  # below this, starting worker processes (~1 s each) costs more than it saves
PROCESSES_ENV = "THIDUA_READ_PROCESSES"  # a fixed number of reader processes; 1 reads in the calling process
PROJECT_ROOT = Path(__file__).resolve().parents[1]

Files = Sequence[tuple[InputFile, str | None]]


def reader_processes(files: int) -> int:
    """How many processes should read ``files`` files: 1 for a small set, else one per available core."""
    wanted = os.environ.get(PROCESSES_ENV, "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    if files < MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, files // (MIN_FILES // 2)))


def read_in_processes(
    files: Files, bloc: Bloc, catalogue: Catalogue, cache_dir: Path | None, processes: int
) -> list[Submission]:
    """``read_all`` split over ``processes`` worker processes (file ``k`` goes to worker ``k mod processes``)."""
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}  # the workers import this project even from an uninstalled checkout
    with tempfile.TemporaryDirectory(prefix="thidua-read-") as tmp:
        workers: list[tuple[subprocess.Popen[bytes], Path]] = []
        try:
            for i in range(processes):
                job, out = Path(tmp, f"{i}.job"), Path(tmp, f"{i}.out")
                job.write_bytes(pickle.dumps((list(files[i::processes]), bloc, catalogue, cache_dir), protocol=5))
                command = [sys.executable, "-m", "flows.read_workers", str(job), str(out)]
                workers.append((subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL), out))
            parts: list[list[Submission]] = []
            for proc, out in workers:
                if proc.wait() != 0:
                    raise RuntimeError(f"a reader process failed (exit status {proc.returncode})")
                parts.append(pickle.loads(out.read_bytes()))
        finally:
            for proc, _ in workers:
                if proc.poll() is None:
                    proc.kill()
                    with contextlib.suppress(OSError):
                        proc.wait()
    return [parts[k % processes][k // processes] for k in range(len(files))]


def main(argv: list[str]) -> int:
    """Worker: read the files of the pickled job ``argv[0]`` and pickle the submissions to ``argv[1]``."""
    job, out = Path(argv[0]), Path(argv[1])
    files, bloc, catalogue, cache_dir = pickle.loads(job.read_bytes())
    subs = read_all(files, bloc, catalogue, cache_dir)
    out.write_bytes(pickle.dumps(subs, protocol=5))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
