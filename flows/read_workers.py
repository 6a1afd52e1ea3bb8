"""Read a large set of workbooks on every core; ``python -m flows.read_workers JOB OUT`` is one worker.

Reading a file (python-calamine, then the checks of ``tasks.workbook`` and the table search of ``tasks.ingest``)
is Python code that holds the GIL, so threads do not help and processes do. The workers are started as
``python -m flows.read_workers`` rather than through ``multiprocessing``, which would re-import the caller's
main script in every worker (and run a flow again from any script without an ``if __name__ == "__main__"``
guard). They exchange pickles through a temporary folder; the result is what ``read_all`` gives, in order.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from tasks.domain import Bloc, Catalogue, Submission
from tasks.reading import Files, collector_paused, read_files

MIN_FILES = 300  # below this, starting worker processes (~1 s each) costs more than it saves
PROCESSES_ENV = "THIDUA_READ_PROCESSES"  # a fixed number of reader processes; 1 reads in the calling process
PROJECT_ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


def reader_processes(files: int) -> int:
    """How many processes should read ``files`` files: 1 for a small set, else one per available core."""
    wanted = os.environ.get(PROCESSES_ENV, "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    if files < MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, files // (MIN_FILES // 2)))


def read_anywhere(files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool) -> list[tuple[Submission, bytes | None]]:
    """A ``Reader``: ``read_files`` here for a small set, else split over one worker process per core."""
    processes = reader_processes(len(files))
    if processes < 2:
        return read_files(files, bloc, catalogue, keep)
    read = read_in_processes(files, bloc, catalogue, keep, processes)
    log.info("read %d files in %d processes", len(read), processes)
    return read


def read_in_processes(
    files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool, processes: int
) -> list[tuple[Submission, bytes | None]]:
    """``read_files`` split over ``processes`` processes: this one and ``processes - 1`` workers.

    File ``k`` goes to process ``k mod processes``; share 0 is read here while the workers read theirs, so no
    core waits and share 0 needs no pickling there and back. Each worker sends every submission pickled on its
    own, so the pickle can go into the parse cache as is.
    """
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}  # the workers import this project even from an uninstalled checkout
    with tempfile.TemporaryDirectory(prefix="thidua-read-") as tmp:
        workers: list[tuple[subprocess.Popen[bytes], Path]] = []
        try:
            for i in range(1, processes):
                job, out = Path(tmp, f"{i}.job"), Path(tmp, f"{i}.out")
                job.write_bytes(pickle.dumps((list(files[i::processes]), bloc, catalogue), protocol=5))
                command = [sys.executable, "-m", "flows.read_workers", str(job), str(out)]
                workers.append((subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL), out))
            shares = [read_files(files[0::processes], bloc, catalogue, keep)]
            for proc, out in workers:
                if proc.wait() != 0:
                    raise RuntimeError(f"a reader process failed (exit status {proc.returncode})")
                blobs: list[bytes] = pickle.loads(out.read_bytes())
                with collector_paused():
                    shares.append([(pickle.loads(blob), blob if keep else None) for blob in blobs])
        finally:
            for proc, _ in workers:
                if proc.poll() is None:
                    proc.kill()
                    with contextlib.suppress(OSError):
                        proc.wait()
    return [shares[k % processes][k // processes] for k in range(len(files))]


def main(argv: list[str]) -> int:
    """Worker: read the files of the pickled job ``argv[0]``; write the list of their pickles to ``argv[1]``.

    The cycle collector is off: the worker lives for one batch, and what it reads (cells, rows) only grows
    until it is pickled, so collecting would cost a quarter of the reading time and free nothing.
    """
    gc.disable()
    job, out = Path(argv[0]), Path(argv[1])
    files, bloc, catalogue = pickle.loads(job.read_bytes())
    read = read_files(files, bloc, catalogue, keep=True)
    out.write_bytes(pickle.dumps([blob for _, blob in read], protocol=5))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
