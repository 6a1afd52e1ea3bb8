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
import time
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


# Costs per file, relative, measured at 1,000 wards on 2 cores: reading one (with the cache's pickle) 1.1 ms,
# taking in one a worker read 0.27 ms. They set this process's share so that it ends with the workers.
READ_COST, RECEIVE_COST = 1.0, 0.25
CHUNK = 200  # submissions per file a worker writes: this process takes them in while the worker reads on


def own_share(files: int, workers: int) -> list[int]:
    """Which of ``files`` files this process reads itself when ``workers`` workers read the rest.

    It reads while they read, then takes in what they sent; its share is what makes both end together:
    ``s·READ + (n − s)·RECEIVE = (n − s)/workers·READ``. Spread evenly over the list, so each process gets
    its part of every kind of file.
    """
    per_worker = READ_COST / workers
    fraction = max(0.0, per_worker - RECEIVE_COST) / (READ_COST + per_worker - RECEIVE_COST)
    return [k for k in range(files) if int((k + 1) * fraction) > int(k * fraction)]


def read_in_processes(
    files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool, processes: int
) -> list[tuple[Submission, bytes | None]]:
    """``read_files`` split over ``processes`` processes: this one and ``processes - 1`` workers.

    This process reads its share (``own_share``) while the workers read theirs, then takes in their chunks.
    Each worker sends every submission pickled on its own, so the pickle goes into the parse cache as is.
    """
    mine = own_share(len(files), processes - 1)
    taken = set(mine)
    rest = [k for k in range(len(files)) if k not in taken]
    shares = [rest[w :: processes - 1] for w in range(processes - 1)]
    read: dict[int, tuple[Submission, bytes | None]] = {}
    with tempfile.TemporaryDirectory(prefix="thidua-read-") as tmp:
        workers = [
            _start(Path(tmp, str(w)), [files[k] for k in share], bloc, catalogue) for w, share in enumerate(shares)
        ]
        try:
            read.update(zip(mine, read_files([files[k] for k in mine], bloc, catalogue, keep), strict=True))
            for (proc, folder), share in zip(workers, shares, strict=True):
                for start in range(0, len(share), CHUNK):
                    blobs = _chunk(proc, folder, start)
                    with collector_paused():
                        received = [(pickle.loads(blob), blob if keep else None) for blob in blobs]
                    read.update(zip(share[start : start + CHUNK], received, strict=True))
        finally:
            for proc, _ in workers:
                if proc.poll() is None:
                    proc.kill()
                    with contextlib.suppress(OSError):
                        proc.wait()
    return [read[k] for k in range(len(files))]


def _start(folder: Path, files: Files, bloc: Bloc, catalogue: Catalogue) -> tuple[subprocess.Popen[bytes], Path]:
    """Start a worker on ``files``; it writes its chunks into ``folder``."""
    folder.mkdir()
    job = folder / "job"
    job.write_bytes(pickle.dumps((list(files), bloc, catalogue), protocol=5))
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}  # the workers import this project even from an uninstalled checkout
    command = [sys.executable, "-m", "flows.read_workers", str(job), str(folder)]
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL), folder


def _chunk(proc: subprocess.Popen[bytes], folder: Path, start: int) -> list[bytes]:
    """The pickles of the worker's files ``start`` to ``start + CHUNK``, once it has written them."""
    path = folder / f"{start}.out"
    while not path.exists():
        if proc.poll() is not None and not path.exists():
            raise RuntimeError(f"a reader process stopped (exit status {proc.returncode}) before file {start}")
        time.sleep(0.002)
    blobs: list[bytes] = pickle.loads(path.read_bytes())
    return blobs


def main(argv: list[str]) -> int:
    """Worker: read the files of the pickled job ``argv[0]``, writing their pickles in chunks into ``argv[1]``.

    Chunk files appear whole (written under another name, then renamed), named by their first file's index.
    The cycle collector is off: the worker lives for one batch, and what it reads (cells, rows) only grows
    until it is pickled, so collecting would cost a quarter of the reading time and free nothing.
    """
    gc.disable()
    job, folder = Path(argv[0]), Path(argv[1])
    files, bloc, catalogue = pickle.loads(job.read_bytes())
    for start in range(0, len(files), CHUNK):
        read = read_files(files[start : start + CHUNK], bloc, catalogue, keep=True)
        tmp = folder / f"{start}.tmp"
        tmp.write_bytes(pickle.dumps([blob for _, blob in read], protocol=5))
        os.replace(tmp, folder / f"{start}.out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
