"""Read a large set of workbooks on every core; ``python -m flows.read_workers JOB`` is one worker.

Reading a file (python-calamine, then the checks of ``tasks.intake.workbook`` and the table search of
``tasks.intake.tables``) is Python code that holds the GIL, so threads do not help and processes do. The workers are
started as
``python -m flows.read_workers`` rather than through ``multiprocessing``, which would re-import the caller's
main script in every worker (and run a flow again from any script without an ``if __name__ == "__main__"``
guard). They exchange pickles through a temporary folder; the result is what ``read_all`` gives, in order.

The command line starts the workers before the flow (``read_ahead``): they read while this process imports
Prefect and Great Expectations and waits for Prefect's server, which leaves a core idle for seconds.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tasks.config.year import YearConfig
from tasks.domain import Bloc, Catalogue, Submission
from tasks.edge.collector import collector_paused
from tasks.edge.worker_process import claim_once, module_command
from tasks.intake.cache import ParseCache
from tasks.intake.discover import discover, month_inputs
from tasks.intake.read import Files, read_files

MIN_FILES = 300  # below this, starting worker processes (~1 s each) costs more than it saves
PROCESSES_ENV = "THIDUA_READ_PROCESSES"  # a fixed number of reader processes; 1 reads in the calling process
CHUNK = 100  # files per claim (~0.1 s of reading), so the processes end within that of each other; in the job
AHEAD_NICE = 10  # workers reading ahead take the cores this process and Prefect's server leave idle
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


class ReadJob:
    """``files`` in chunks of ``CHUNK``, read by worker processes and by the process that collects them.

    A process takes a chunk by creating ``<chunk>.claim`` in the job's folder (``O_EXCL``: exactly one wins).
    Workers take chunks from the front and write each as ``<chunk>.out``, the pickles of its submissions. The
    collecting process takes in finished chunks as they appear and, while none is waiting, reads a chunk
    itself from the back; so all processes end together whatever the costs, with no share sized in advance.
    """

    def __init__(self, files: Files, bloc: Bloc, catalogue: Catalogue, workers: int, nice: int = 0) -> None:
        self.files = list(files)
        self.bloc, self.catalogue, self.chunk = bloc, catalogue, CHUNK
        self.folder = Path(tempfile.mkdtemp(prefix="thidua-read-"))
        job = self.folder / "job"
        job.write_bytes(pickle.dumps((self.files, bloc, catalogue, self.chunk), protocol=5))
        command, env = module_command("flows.read_workers", str(job), str(nice))
        self.workers: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(workers):
                self.workers.append(subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL))
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        """Stop the workers that still run and remove the folder (idempotent)."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.kill()
                with contextlib.suppress(OSError):
                    proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _out(self, chunk: int) -> Path:
        return self.folder / f"{chunk}.out"

    def collect(self, wanted: Files, keep: bool) -> tuple[list[tuple[Submission, bytes | None]], int]:
        """What ``read_files(wanted, …, keep)`` gives, and how many of them the workers had read before this call.

        Files of ``wanted`` that are not in the job are read here first; chunks holding none of ``wanted``
        are claimed so that no worker reads them.
        """
        at, size = {file: k for k, file in enumerate(self.files)}, self.chunk
        chunks = -(-len(self.files) // size)
        needed = sorted({at[f] // size for f in wanted if f in at})
        for chunk in set(range(chunks)) - set(needed):
            _claim(self.folder, chunk)
        done = {c for c in needed if self._out(c).exists()}
        done_before = sum(1 for f in wanted if f in at and at[f] // size in done)
        read: dict[int, tuple[Submission, bytes | None]] = {}
        extra = [f for f in wanted if f not in at]
        with collector_paused():  # see ``_take_in``
            got_extra = read_files(extra, self.bloc, self.catalogue, keep)
            self._take_in(needed, read, keep)
        extras = iter(got_extra)
        return [read[at[f]] if f in at else next(extras) for f in wanted], done_before

    def _take_in(self, needed: list[int], read: dict[int, tuple[Submission, bytes | None]], keep: bool) -> None:
        """Fill ``read`` with the ``needed`` chunks, taken in from the workers or read here.

        Called with the cycle collector paused: re-enabled between chunks, it ran full collections over
        everything taken in so far (up to a second at a thousand wards), all of it alive.
        """
        size = self.chunk
        back, pending = list(needed), set(needed)
        while pending:
            ready = [c for c in sorted(pending) if self._out(c).exists()]
            for chunk in ready:
                blobs: list[bytes] = pickle.loads(self._out(chunk).read_bytes())
                received = [(pickle.loads(blob), blob if keep else None) for blob in blobs]
                read.update(zip(range(chunk * size, chunk * size + len(received)), received, strict=True))
                pending.discard(chunk)
            if ready:
                continue
            while back and not _claim(self.folder, back[-1]):
                back.pop()  # a worker has it
            if back:
                chunk = back.pop()
                start = chunk * size
                own = read_files(self.files[start : start + size], self.bloc, self.catalogue, keep)
                read.update(zip(range(start, start + len(own)), own, strict=True))
                pending.discard(chunk)
            elif all(proc.poll() is not None for proc in self.workers) and not any(
                self._out(c).exists() for c in pending
            ):
                codes = [proc.returncode for proc in self.workers]
                raise RuntimeError(
                    f"the reader processes stopped (exit status {codes}) before chunks {sorted(pending)}"
                )
            else:
                time.sleep(0.002)


def _claim(folder: Path, chunk: int) -> bool:
    """Take ``chunk`` for this process: True when no process had taken it."""
    return claim_once(folder / f"{chunk}.claim")


_ahead: list[ReadJob] = []
_ahead_lock = threading.Lock()


def read_ahead(files: Files, bloc: Bloc, catalogue: Catalogue) -> None:
    """Start reading ``files`` in worker processes now; the next ``read_anywhere`` for this bloc takes them in.

    Only for a set large enough for workers (``reader_processes``); there is one fewer worker than cores, for
    this process goes on working meanwhile. Workers nobody collects are stopped when the process exits.
    """
    processes = reader_processes(len(files))
    if processes < 2 or not files:
        return
    try:
        job = ReadJob(files, bloc, catalogue, processes - 1, nice=AHEAD_NICE)
    except OSError as exc:  # no temporary folder, cannot start a process: the flow reads them itself
        log.warning("not reading ahead: %s", exc)
        return
    atexit.register(job.close)
    with _ahead_lock:
        _ahead.append(job)


def read_ahead_for(config: YearConfig, cache_dir: Path | None, period: str | None = None) -> None:
    """``read_ahead`` the files a review (``period`` None) or a monthly run of ``config`` will read.

    They are found as the flow will find them, less those its parse cache at ``cache_dir`` holds. The flow
    finds and hashes them again: a file changed in between is simply not among those read ahead.
    """
    try:
        files = (
            month_inputs(config.year_dir, period)
            if period
            else discover(config.year_dir, config.catalogue.window.months())
        )
    except OSError as exc:  # the flow finds the files again and reports what it cannot read
        log.warning("not reading ahead: %s", exc)
        return
    if cache_dir is not None:
        cache = ParseCache(cache_dir, config.bloc, config.catalogue)
        files = [(file, month) for file, month in files if not cache.has(file, month)]
    read_ahead(files, config.bloc, config.catalogue)


def _taken_ahead(bloc: Bloc, catalogue: Catalogue) -> ReadJob | None:
    with _ahead_lock:
        for job in _ahead:
            if job.bloc == bloc and job.catalogue == catalogue:
                _ahead.remove(job)
                return job
    return None


def read_anywhere(files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool) -> list[tuple[Submission, bytes | None]]:
    """A ``Reader``: what was read ahead for this bloc, else ``read_files`` here for a small set, else workers."""
    job = _taken_ahead(bloc, catalogue)
    if job is None:
        processes = reader_processes(len(files))
        if processes < 2:
            return read_files(files, bloc, catalogue, keep)
        job = ReadJob(files, bloc, catalogue, processes - 1)
    try:
        read, before = job.collect(files, keep)
    finally:
        job.close()
    log.info("read %d files in %d processes (%d read ahead)", len(read), 1 + len(job.workers), before)
    return read


def main(argv: list[str]) -> int:
    """Worker: read the chunks of the pickled job ``argv[0]`` that no other process has claimed, from the front.

    Each chunk's file appears whole (written under another name, then renamed). The cycle collector is off:
    the worker lives for one job, and what it reads (cells, rows) only grows until it is pickled, so
    collecting would cost a quarter of the reading time and free nothing.
    """
    gc.disable()
    job = Path(argv[0])
    if len(argv) > 1 and int(argv[1]) and hasattr(os, "nice"):
        os.nice(int(argv[1]))
    files, bloc, catalogue, size = pickle.loads(job.read_bytes())
    for chunk, start in enumerate(range(0, len(files), size)):
        if not _claim(job.parent, chunk):
            continue
        read = read_files(files[start : start + size], bloc, catalogue, keep=True)
        tmp = job.parent / f"{chunk}.tmp{os.getpid()}"
        tmp.write_bytes(pickle.dumps([blob for _, blob in read], protocol=5))
        os.replace(tmp, job.parent / f"{chunk}.out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
