"""Write a run's slow files on two cores: a worker process and the calling process share a list of writes.

The ranking workbook, the Word documents and the feedback files (see :mod:`tasks.outputs.writes`) are Python work that
holds the GIL, so threads do not help. A worker process (``python -m tasks.edge.write_workers JOB OUT CLAIMS``,
started like ``flows.read_workers`` so that it does not re-import the caller's script) takes the writes from the
first while the caller writes the files only it can (the Data Docs need its Great Expectations context) and the
cheap ones; then the caller takes the writes from the last (:meth:`SharedWrites.finish`). A side claims a write
by creating the file named by its index in ``CLAIMS`` (``O_EXCL``: only one side can), so every write runs once,
on whichever side gets there first, and both sides finish close together. The files written do not depend on
the side that wrote them. A run can start the worker earlier (:func:`prestart`), while a core is idle.
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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from tasks.edge.worker_process import claim_once, module_command

log = logging.getLogger(__name__)

PROCESSES_ENV = "THIDUA_WRITE_PROCESSES"  # "1": every write runs in the calling process
# A worker costs ~0.4 s of the other core to start (imports), so it pays off from about a second of shared
# work: the ranking workbook and the two documents take ~1.9 ms per ward, the feedback of a submission ~8 ms
# since the annotated copy is made without openpyxl (~20 ms before; the estimate below was set then, and kept).
MIN_SHARED_SECONDS = 1.0
SECONDS_PER_WARD = 0.0019
SECONDS_PER_FEEDBACK = 0.02


class Write(Protocol):
    """One file (or a few) to write into the run folder; picklable."""

    def run(self, work: Path) -> Any:
        """Write into ``work``; the result goes back to the caller."""


def worth_a_worker(wards: int, feedback: int) -> bool:
    """Whether the documents of ``wards`` wards and ``feedback`` feedback writes are worth a worker process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = os.environ.get(PROCESSES_ENV, "").strip()
    seconds = wards * SECONDS_PER_WARD + feedback * SECONDS_PER_FEEDBACK
    return cores > 1 and wanted != "1" and seconds >= MIN_SHARED_SECONDS


def claim(claims: Path, index: int) -> bool:
    """Take write ``index`` for this side; False if the other side already has."""
    return claim_once(claims / str(index))


_ready: list[subprocess.Popen[bytes]] = []
_ready_lock = threading.Lock()


def _command(*args: str) -> tuple[list[str], dict[str, str]]:
    return module_command("tasks.edge.write_workers", *args)


def prestart() -> None:
    """Start a write worker now, to wait for its job with the writers imported (~0.4 s of the other core).

    A run calls it when a core is idle before its writes (Great Expectations validating, one thread); the next
    :class:`SharedWrites` with a worker takes it. One left unused stops when this process exits.
    """
    command, env = _command()
    proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE)
    with _ready_lock:
        _ready.append(proc)


def _prestarted() -> subprocess.Popen[bytes] | None:
    with _ready_lock:
        while _ready:
            proc = _ready.pop()
            if proc.poll() is None:
                return proc
    return None


def stop_prestarted() -> None:
    """Let every worker nobody took exit (they wait on their standard input)."""
    with _ready_lock:
        procs, _ready[:] = list(_ready), []
    for proc in procs:
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):  # still importing on a busy machine, or gone: stop it
            proc.kill()
            with contextlib.suppress(OSError):
                proc.wait()


atexit.register(stop_prestarted)


class SharedWrites:
    """Writes into a run folder, run by a worker process and, in :meth:`finish`, by the caller."""

    def __init__(self, work: Path, writes: Sequence[Write], worker: bool) -> None:
        """Start a worker on ``writes`` (if ``worker``); nothing runs in the caller before :meth:`finish`."""
        self.work, self.writes = work, list(writes)
        self._folder: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        if worker and self.writes:
            try:
                self._start()
            except OSError as exc:  # no worker after all (no temporary folder, cannot start a process)
                log.warning("cannot start a write worker, writing here: %s", exc)
                self.close()
                self._folder = self._proc = None

    def _start(self) -> None:
        folder = self._folder = Path(tempfile.mkdtemp(prefix="thidua-write-"))
        (folder / "claims").mkdir()
        (folder / "job").write_bytes(pickle.dumps((self.work, self.writes), protocol=5))
        paths = [str(folder / name) for name in ("job", "out", "claims")]
        proc = _prestarted()
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.write(pickle.dumps(paths) + b"\n")
                proc.stdin.close()
                self._proc = proc
                return
            except OSError:  # it has died meanwhile: start another
                proc.kill()
                with contextlib.suppress(OSError):
                    proc.wait()
        command, env = _command(*paths)
        self._proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)

    def finish(self) -> list[Any]:
        """Run the writes the worker has not claimed, from the last, wait for it; the results in write order."""
        results: dict[int, Any] = {}
        if self._folder is not None:
            claims = self._folder / "claims"
            for index in reversed(range(len(self.writes))):
                if not claim(claims, index):
                    break  # the worker, going up, has reached this one: it has claimed all those before
                results[index] = self.writes[index].run(self.work)
            results.update(self._worker_results())
        for index in range(len(self.writes)):  # a worker that failed leaves its share to the caller
            if index not in results:
                results[index] = self.writes[index].run(self.work)
        return [results[index] for index in range(len(self.writes))]

    def _worker_results(self) -> dict[int, Any]:
        if self._proc is None or self._folder is None:
            return {}
        if self._proc.wait() != 0:
            log.warning("the write worker failed (exit status %s); running its share here", self._proc.returncode)
            return {}
        results: dict[int, Any] = pickle.loads((self._folder / "out").read_bytes())
        return results

    def close(self) -> None:
        """Stop a worker still running (the caller failed) and remove the job folder."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            with contextlib.suppress(OSError):
                self._proc.wait()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


@contextlib.contextmanager
def shared_writes(work: Path, writes: Sequence[Write], worker: bool) -> Iterator[SharedWrites]:
    """:class:`SharedWrites` whose worker and job folder are cleaned up when the block ends."""
    shared = SharedWrites(work, writes, worker)
    try:
        yield shared
    finally:
        shared.close()


def main(argv: list[str]) -> int:
    """Worker: run the writes of the pickled job ``argv[0]``, claiming from the first; results to ``argv[1]``.

    Without arguments (``prestart``) it imports the writers, then waits for the three paths on its standard
    input; it exits when that closes empty.
    """
    if not argv:
        import tasks.outputs.writes  # noqa: F401  (the documents, workbooks and feedback writers)

        line = sys.stdin.buffer.read()
        if not line.strip():
            return 0
        argv = pickle.loads(line)
    job, out, claims = (Path(a) for a in argv)
    work, writes = pickle.loads(job.read_bytes())
    results: dict[int, Any] = {}
    for index, write in enumerate(writes):
        if not claim(claims, index):
            break  # the caller, going down, has reached this one
        results[index] = write.run(work)
    out.write_bytes(pickle.dumps(results, protocol=5))
    return 0


if __name__ == "__main__":
    # The cycle collector is off: the worker lives for one batch, and the workbooks and documents it builds are
    # freed by reference counting but for a few megabytes (~10 % more memory), while collecting would cost ~6 %
    # of its time.
    gc.disable()
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # the caller waits for this process to end: skip the interpreter's teardown of every module and object
    # (~0.4 s with openpyxl, docx and the writes' leftovers), there is nothing left to save
    os._exit(status)
