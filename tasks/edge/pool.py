"""The one seam where a run uses more than one core: a standard process pool, chosen by the flows.

Reading a workbook and writing a workbook or a Word document are Python work that holds the GIL, so threads do
not help and processes do. The stage code is serial and knows nothing of this: ``read_all`` takes a reader (this
module's :func:`read_in_parallel` is one) and the writers take a ``concurrent.futures.Executor`` (this module's
:func:`write_pool` gives one). Both use ``concurrent.futures.ProcessPoolExecutor`` with a ``forkserver`` context
(``spawn`` where there is none): no process inherits a copy of the caller's threads or Prefect's state. Below a
few hundred files, or with ``THIDUA_PROCESSES=1``, everything runs in the calling process: starting workers
would cost more than it saves. The command line may start the reading before Prefect (:func:`reading_ahead`);
``read_in_parallel`` then takes what was read.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext

from tasks.domain import Bloc, Catalogue, InputFile, Submission
from tasks.edge.collector import configure_collector
from tasks.intake.cache_codec import Uncacheable, as_json
from tasks.intake.read import Files, Progress, no_progress, read_files

log = logging.getLogger(__name__)

PROCESSES_ENV = "THIDUA_PROCESSES"  # a fixed number of worker processes; "1": everything in the calling process
MIN_FILES = 300  # below this, reading in the calling process is faster than starting workers (~0.3 s each)
CHUNK = 50  # files per task (~50 ms of reading): small enough for the workers to end close together
# Writing: the ranking workbook and the two documents take ~1.9 ms per ward, the feedback files ~8 ms each; a
# worker pays off from about a second of such work.
MIN_WRITE_SECONDS = 1.0
READ_AHEAD_NICENESS = 10  # reading ahead takes the CPU Prefect's start-up leaves idle, not the CPU it needs
SECONDS_PER_WARD = 0.0019
SECONDS_PER_FEEDBACK = 0.008
# What the workers run, imported once by the forkserver (the process every worker is forked from) instead of
# by each worker: the writers alone (openpyxl, python-docx, docxtpl, matplotlib) take ~1 s of CPU to import.
WORKER_MODULES = ("tasks.intake.read", "tasks.outputs.writes")


def cores() -> int:
    """The processes worth running at once: ``THIDUA_PROCESSES`` if set, else the cores this process may use."""
    wanted = os.environ.get(PROCESSES_ENV, "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_config: tuple[Bloc, Catalogue] | None = None  # in a reading worker: the bloc and criteria its files are read for


def _start_worker(niceness: int, config: tuple[Bloc, Catalogue] | None) -> None:
    """Set up a worker process: the run's collector policy, its priority, the configuration it reads for, and
    Ctrl-C left to the parent.

    Ctrl-C in a terminal reaches every process of the run; the parent stops the run and shuts the pool down,
    so a worker must not die of it with a traceback of its own on the user's screen.
    """
    global _config
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_collector()
    if niceness:
        os.nice(niceness)
    _config = config


def _start_forkserver() -> None:
    """Start the forkserver now, deaf to Ctrl-C from its first instruction.

    Ctrl-C in a terminal reaches every process of the run. The forkserver ignores it only once it has imported
    ``WORKER_MODULES``, so a Ctrl-C in those ~0.2 s printed its ``KeyboardInterrupt`` traceback under the run's
    one sentence (reproduced with ``thidua review`` on 1,000 wards, Ctrl-C at 0.95–1.1 s). A process started
    with SIGINT ignored keeps ignoring it (Python installs its handler only over the default), so this process
    ignores it for the few milliseconds of the start. Only the main thread may change a signal's handler;
    elsewhere, and when the forkserver runs already, the call changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)


@contextmanager
def process_pool(
    workers: int, niceness: int = 0, config: tuple[Bloc, Catalogue] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes (forkserver, else spawn) with the run's collector policy; shut down after.

    ``niceness`` lowers the workers' CPU priority (``os.nice``): they then use only what the other processes
    leave idle. ``config``, the bloc and criteria of the files a reading pool reads, goes to each worker once
    when it starts (:func:`_read_chunk`), not with each task: at 1,000 wards it is 0.2 MB of pickle, 15 ms to
    send and 14 ms to receive and index, which a hundred tasks of 50 files would pay a hundred times (~3 s of
    CPU, see ``docs/performance.md``).
    """
    context: BaseContext = multiprocessing.get_context("spawn")
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(list(WORKER_MODULES))  # before the forkserver starts; later, no effect
        _start_forkserver()
        context = forkserver
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(niceness, config)
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


ChunkReader = Callable[[Files, Bloc, Catalogue], list[Submission]]  # what a worker runs: ``read_files``
Sent = Submission | bytes  # what a reading worker sends back for a file (see ``_sent``)


def _read_chunk(reader: ChunkReader, files: Files) -> list[Sent]:
    """In a reading worker: ``reader`` on ``files`` with the configuration the worker was started with."""
    if _config is None:
        raise RuntimeError("a reading worker started without its configuration")
    return [_sent(sub) for sub in reader(files, *_config)]


def _sent(sub: Submission) -> Sent:
    """``sub`` in the parse cache's form (``as_json``), itself when that form cannot hold it.

    The run decodes those bytes once and caches them as they are, instead of unpickling the submission and
    encoding it again; at 1,000 wards a review took ~2 core-seconds and ~1 s less (``docs/performance.md``).
    """
    try:
        return as_json(sub)
    except Uncacheable:
        return sub


def _result(future: Future[list[Sent]]) -> list[Sent] | None:
    try:
        return future.result()
    except Exception:  # a worker that died takes its task, and every unfinished task of its pool, with it
        log.warning("a reader process failed", exc_info=True)
        return None


_Chunk = tuple[Files, Future[list[Sent]]]  # files read together, and the future of their reading


def _submit_chunks(
    workers: Executor, files: Files, reader: ChunkReader = read_files, size: int = CHUNK
) -> tuple[_Chunk, ...]:
    """``files`` submitted to ``workers``, ``size`` files a task read by ``reader``, with the future of each."""
    chunks = [files[k : k + size] for k in range(0, len(files), size)]
    return tuple((chunk, workers.submit(_read_chunk, reader, chunk)) for chunk in chunks)


def _alone(files: Files, bloc: Bloc, catalogue: Catalogue, reader: ChunkReader) -> list[Sent | None]:
    """Read ``files`` in a process of their own; if it dies again, each file alone: only the culprit is lost."""
    with process_pool(1, config=(bloc, catalogue)) as own:
        got = _result(own.submit(_read_chunk, reader, files))
    if got is not None:
        return list(got)
    if len(files) == 1:
        return [None]
    return [sub for one in files for sub in _alone([one], bloc, catalogue, reader)]


def read_in_pool(
    files: Files,
    bloc: Bloc,
    catalogue: Catalogue,
    progress: Progress = no_progress,
    size: int = CHUNK,
    reader: ChunkReader = read_files,
) -> list[Sent | None]:
    """Read ``files`` with ``reader`` in a process pool, ``size`` files a task, in order.

    Each submission comes in the parse cache's form (:func:`_sent`). ``progress`` is told of each task as it
    ends. A task lost with a worker that died (a crash, the memory killer) is read again in a process of its
    own, so that only the file that kills its reader is lost: None in its place (see ``tasks.intake.read.Reader``).
    """
    with process_pool(min(cores(), -(-len(files) // size)), config=(bloc, catalogue)) as workers:
        chunks = _submit_chunks(workers, files, reader, size)
        sizes = {future: len(chunk) for chunk, future in chunks}
        for future in as_completed(sizes):
            progress(sizes[future])
        read = [(chunk, _result(future)) for chunk, future in chunks]
    return [
        sub for chunk, subs in read for sub in (subs if subs is not None else _alone(chunk, bloc, catalogue, reader))
    ]


def read_in_parallel(
    files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress
) -> Iterator[Sent | None]:
    """A ``Reader`` (see ``tasks.intake.read``): what ``read_files`` gives, read by one process per core; what a
    worker read comes in the parse cache's form (:func:`_sent`).

    Files read ahead (:func:`reading_ahead`) are taken from there, each as soon as the task that read it has
    ended, so that the caller stores the first ones in the parse cache while the workers read the last ones;
    of the others, a small set is read in the calling process. A file whose reader process dies comes back as
    None; the others are read all the same.
    """
    ahead = _take_ahead(files, bloc, catalogue)
    rest = [item for item in files if item not in ahead]
    read: Sequence[Sent | None]
    if cores() < 2 or len(rest) < MIN_FILES:
        read = read_files(rest, bloc, catalogue, progress)
    else:
        read = read_in_pool(rest, bloc, catalogue, progress)
        log.info("read %d files in %d processes", len(read), min(cores(), -(-len(rest) // CHUNK)))
    return _in_order(files, ahead, dict(zip(rest, read, strict=True)), bloc, catalogue, progress)


def _in_order(
    files: Files,
    ahead: dict[tuple[InputFile, str | None], _Chunk],
    read: dict[tuple[InputFile, str | None], Sent | None],
    bloc: Bloc,
    catalogue: Catalogue,
    progress: Progress,
) -> Iterator[Sent | None]:
    """What was read of each of ``files``, in order: from ``read``, or from its chunk in ``ahead`` once done."""
    done: dict[tuple[InputFile, str | None], Sent | None] = {}
    for item in files:
        if item in read:
            yield read[item]
            continue
        if item not in done:
            chunk, future = ahead[item]
            got = _result(future)
            subs = got if got is not None else _alone(chunk, bloc, catalogue, read_files)
            found = {one: sub for one, sub in zip(chunk, subs, strict=True) if one in ahead}
            done.update(found)
            progress(len(found))
        yield done.pop(item)


@dataclass(frozen=True)
class _Ahead:
    """Files being read ahead: the configuration they are read for, and (once submitted) each chunk with its
    future."""

    bloc: Bloc
    catalogue: Catalogue
    chunks: Future[tuple[_Chunk, ...]]


_ahead: list[_Ahead] = []  # the reading started by ``reading_ahead``, until a run takes it


@contextmanager
def reading_ahead(files: Files, bloc: Bloc, catalogue: Catalogue) -> Iterator[None]:
    """Start reading ``files`` in worker processes now, for the next ``read_in_parallel`` of this process.

    The command line calls it before it imports Prefect: the workers, at a lower priority, read while Prefect
    and its temporary server start, with what CPU that start leaves (about 4 s less for 1,000 wards; see
    ``docs/performance.md``). Below ``MIN_FILES`` files, or on one core, it does nothing; when the workers
    cannot start, the run reads its files itself. What no run asked for is dropped when the block ends.
    """
    if cores() < 2 or len(files) < MIN_FILES:
        yield
        return
    with ExitStack() as stack:
        try:
            workers = stack.enter_context(
                process_pool(
                    min(cores(), -(-len(files) // CHUNK)), niceness=READ_AHEAD_NICENESS, config=(bloc, catalogue)
                )
            )
            # Submitting starts the workers, which waits until the forkserver has imported their modules (~1 s);
            # a thread submits, so that the command line goes on (importing Prefect) meanwhile.
            submitter = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="reading-ahead"))
            _ahead.append(_Ahead(bloc, catalogue, submitter.submit(_submit_chunks, workers, files)))
        except (OSError, BrokenExecutor):  # only a head start is lost
            log.warning("reading ahead could not start; the run reads its files itself", exc_info=True)
        try:
            yield
        finally:
            _ahead.clear()


def _take_ahead(files: Files, bloc: Bloc, catalogue: Catalogue) -> dict[tuple[InputFile, str | None], _Chunk]:
    """Those of ``files`` being read ahead (for the same configuration), each with its chunk; taken once."""
    ahead = next((a for a in _ahead if a.bloc == bloc and a.catalogue == catalogue), None)
    if ahead is None:
        return {}
    _ahead.remove(ahead)  # once taken, what the workers read is held by the run only
    try:
        submitted = ahead.chunks.result()
    except (OSError, BrokenExecutor):  # only a head start is lost
        log.warning("reading ahead could not start; the run reads its files itself", exc_info=True)
        return {}
    wanted = set(files)
    return {item: (chunk, future) for chunk, future in submitted for item in chunk if item in wanted}


@contextmanager
def write_pool(wards: int, feedback: int) -> Iterator[Executor | None]:
    """Where a run's slow writes go: a process per core when they are worth it, else None (the calling process).

    ``wards``: the bloc's size (the ranking workbook and documents); ``feedback``: the submissions with issues.
    """
    seconds = wards * SECONDS_PER_WARD + feedback * SECONDS_PER_FEEDBACK
    if cores() < 2 or seconds < MIN_WRITE_SECONDS:
        yield None
        return
    with process_pool(cores()) as pool:
        yield pool
