"""The steps the flows share, as Prefect tasks: find the files, read them, validate them.

Each task is a thin wrapper over a plain function of ``tasks/``; what is Prefect's (retries on file IO, no
result caching, handing large values over whole) stays here. Reading many files uses every core through
``tasks.edge.pool``, the one place that knows of worker processes.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar, cast

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import opaque

from flows.progress import Advance, stage
from flows.retries import ON_STORAGE
from tasks.config.year import YearConfig
from tasks.config.year import year_config as year_config  # where the flows take it from
from tasks.domain import InputFile, Status, Submission
from tasks.edge.pool import read_in_parallel
from tasks.edge.preload import preload, wait_for_preload
from tasks.intake.discover import discover, month_inputs, months_inputs
from tasks.intake.read import Progress, no_progress

if TYPE_CHECKING:  # Prefect's server code is imported by ``warm_up``, validation's in the background (preload)
    from prefect.server.api.server import SubprocessASGIServer

    from tasks.validation.suites import Validator

T = TypeVar("T")


def whole(value: T) -> T:
    """Hand ``value`` to a task as it is: Prefect then does not walk through every row and cell of it.

    Without it each task call visits the whole object graph twice (looking for futures), which costs more
    than the work itself at a thousand wards.
    """
    return cast(T, opaque(value))


@contextmanager
def timed(timings: dict[str, float], name: str, total: int | None = None) -> Iterator[Advance]:
    """Report the block as stage ``name`` (``flows.progress``) and add its wall time to ``timings[name]``."""
    start = time.perf_counter()
    try:
        with stage(name, total) as advance:
            yield advance
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def warm_up() -> None:
    """In a fresh process, before the first run: load Prefect's server code, then import GX in the background.

    Prefect imports its server code anyway when the run starts a temporary server; importing it first keeps the
    two large imports from running at once in two threads, and lets the GX import (~4 s) overlap the wait
    for the server process instead of following it.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    temporary = not PREFECT_API_URL.value() and PREFECT_SERVER_EPHEMERAL_ENABLED.value()
    if temporary:
        import prefect.server.api.server  # noqa: F401
    preload()
    if temporary:
        start_temporary_server()


def start_temporary_server() -> SubprocessASGIServer:
    """Start Prefect's temporary server (the one its client would start) in a process that Ctrl+C does not reach.

    Ctrl+C goes to every process of the terminal's foreground group. The server's process, still importing
    its modules, printed a traceback (or click's ``Aborted!``) under the command's one sentence. Started from a
    thread that blocks SIGINT, it inherits the blocked signal (fork and exec keep the mask): it never sees
    Ctrl+C, and this process stops it as before (Prefect's exit handler sends SIGTERM). This thread waits and
    still takes Ctrl+C; a stop while the server starts stops the server here, as the start-up thread cannot.
    """
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # one per process: Prefect's client finds this one running
    failed: list[BaseException] = []

    def start() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # this thread only; its child process inherits it
        try:
            server.start()
        except BaseException as exc:  # handed to the waiting thread
            failed.append(exc)

    starting = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    try:
        starting.start()
        starting.join()
    except BaseException:  # Ctrl+C or SIGTERM while the server starts: stop its process once it exists
        while starting.is_alive() and server.server_process is None:
            time.sleep(0.01)
        server.stop()
        raise
    if failed:
        raise failed[0]
    return server


class Refusals(NamedTuple):
    """What a run refused: rejected files, those of them naming no roster ward, and sub-folders not read."""

    files: int
    unattributed: int
    folders: int  # entries, not files: never among ``files``


def count_refusals(subs: Sequence[Submission]) -> Refusals:
    """The run's :class:`Refusals`, a sub-folder counted apart from the rejected files."""
    refused = [s for s in subs if s.status is Status.REJECTED and not s.file.is_folder]
    return Refusals(len(refused), sum(s.ward_code is None for s in refused), sum(s.file.is_folder for s in subs))


def new_validator() -> Validator:
    """The run's Great Expectations context, once the background import of GX (if any) has finished."""
    wait_for_preload()
    from tasks.validation.suites import Validator

    return Validator()


@task(name="find-inputs", **ON_STORAGE)
def find_inputs(config: YearConfig) -> list[tuple[InputFile, str | None]]:
    """Every submission file of the year, hashed."""
    return discover(config.year_dir)


@task(name="find-month-inputs", **ON_STORAGE)
def find_month_inputs(config: YearConfig, period: str) -> list[tuple[InputFile, str | None]]:
    """The submission files of one month's folder, hashed."""
    return month_inputs(config.year_dir, period)


@task(name="find-earlier-month-inputs", **ON_STORAGE)
def find_earlier_month_inputs(config: YearConfig, period: str) -> list[tuple[InputFile, str | None]]:
    """The submission files of the window's months before ``period``, hashed: what its reports are compared with
    (a cumulative indicator's year-to-date value must not go down, spec §3.5)."""
    return months_inputs(config.year_dir, config.catalogue.window.before(period))


@task(name="read-submissions", **ON_STORAGE)
def read_submissions(
    files: list[tuple[InputFile, str | None]],
    config: YearConfig,
    cache_dir: Path | None = None,
    progress: Progress = no_progress,
) -> list[Submission]:
    """Open every workbook; a broken file becomes a rejected submission, never a failure.

    ``cache_dir`` holds what earlier runs read, keyed by content hash (None: read everything again);
    ``progress`` is told as files are read.
    """
    from tasks.intake.read_all import read_all

    return read_all(files, config.bloc, config.catalogue, cache_dir, read_in_parallel, progress)


@task(name="validate-submissions", cache_policy=NO_CACHE)
def validate_submissions(subs: list[Submission], config: YearConfig, validator: Validator) -> list[Submission]:
    """Run the stored expectation suites once over all wards' rows of each kind."""
    from tasks.validation.validate import validate_all

    return validate_all(subs, config.bloc, config.catalogue, validator, config.meeting)
