"""The ``annual-review`` flow: load → read → validate → score → write (spec §2–§6)."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import opaque

from flows import progress
from flows.artifacts import publish_review_artifacts
from flows.read_workers import read_anywhere
from flows.retries import RETRY_DELAYS, worth_retrying
from tasks.config.year import YearConfig, document_moment, load_year, parse_cache_folder
from tasks.domain import InputFile, Status, Submission
from tasks.edge.collector import collector_paused, resume_collector
from tasks.edge.preload import preload
from tasks.edge.write_workers import prestart as prestart_writer
from tasks.edge.write_workers import stop_prestarted, worth_a_worker
from tasks.intake.discover import discover, month_inputs
from tasks.outputs.run_folder import finish_run, new_run_id, output_faults, run_lock, start_run

if TYPE_CHECKING:  # the modules themselves are imported when a step needs them, or in the background
    from tasks.scoring.review import Review
    from tasks.validation.suites import Validator

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ReviewResult:
    """What a finished review run produced; ``timings`` holds the seconds spent in each stage."""

    run_dir: Path
    rejected: int
    missing: int
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    rejected_files: int = 0  # rejected submissions of any kind, attributed to a ward or not
    unattributed: int = 0  # of those, the ones that name no roster ward


def whole(value: T) -> T:
    """Hand ``value`` to a task as it is: Prefect then does not walk through every row and cell of it.

    Without it each task call visits the whole object graph twice (looking for futures), which costs more
    than the work itself at a thousand wards.
    """
    return cast(T, opaque(value))


@contextmanager
def stage(timings: dict[str, float], name: str, report: bool = True) -> Iterator[Callable[[int], None]]:
    """Add the wall time of the block to ``timings[name]``; ``report``: also tell the user (``flows.progress``)."""
    start = time.perf_counter()
    try:
        with progress.stage(name) if report else nullcontext(lambda n=1: None) as advance:
            yield advance
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


@contextmanager
def submissions_settled() -> Iterator[None]:
    """Let the block ``gc.freeze()`` what it has read; the cycle collector sees it again when the block ends.

    A thousand wards' submissions are a million objects that live until the run ends and hold no cycles; every
    full collection during validation, scoring and writing walked them all again (0.7 s a run at 1,000 wards).
    Frozen objects are still freed by reference counting; unfreezing at the end lets a long-lived process
    (``thidua serve``, a worker) collect whatever cycles they were part of.
    """
    try:
        yield
    finally:
        gc.unfreeze()


def warm_up() -> None:
    """In a fresh process, before the first run: load Prefect's server code, then import GX in the background.

    Prefect imports its server code anyway when the run starts a temporary server; importing it first keeps the
    two large imports from running at once in two threads, and lets the GX import (~4 s) overlap the wait
    for the server process instead of following it.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if not PREFECT_API_URL.value() and PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        import prefect.server.api.server  # noqa: F401
    preload()


@task(
    name="find-inputs",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=worth_retrying,
    cache_policy=NO_CACHE,
)
def find_inputs(config: YearConfig) -> list[tuple[InputFile, str | None]]:
    """Every submission file of the year, hashed."""
    return discover(config.year_dir, config.catalogue.window.months())


@task(
    name="find-month-inputs",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=worth_retrying,
    cache_policy=NO_CACHE,
)
def find_month_inputs(config: YearConfig, period: str) -> list[tuple[InputFile, str | None]]:
    """The submission files of one month's folder, hashed."""
    return month_inputs(config.year_dir, period)


@task(
    name="read-submissions",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=worth_retrying,
    cache_policy=NO_CACHE,
)
def read_submissions(
    files: list[tuple[InputFile, str | None]], config: YearConfig, cache_dir: Path | None = None
) -> list[Submission]:
    """Open every workbook (calamine); a broken file becomes a rejected submission, never a failure.

    ``cache_dir`` holds what earlier runs read, keyed by content hash (None: read everything again). A large
    set is read by one worker process per core (``flows.read_workers``), with the same result.

    What was read is frozen (``gc.freeze``) before the cycle collector runs again: the first collection
    after the read would otherwise walk every cell read (up to a second at a thousand wards). The flow
    unfreezes it when it ends (``submissions_settled``).
    """
    with collector_paused():
        from tasks.intake.read_all import read_all  # validation's modules: imported in the background (``preload``)

        subs = read_all(files, config.bloc, config.catalogue, cache_dir, read_anywhere)
        gc.freeze()
    return subs


@task(name="validate-submissions", cache_policy=NO_CACHE)
def validate_submissions(subs: list[Submission], config: YearConfig, validator: Validator) -> list[Submission]:
    """Run the stored expectation suites once over all wards' rows of each kind.

    The cycle collector is paused: its full collections walked every object the run holds (a fifth of the
    validation time at a thousand wards) and found little to free; it runs again after the block.
    """
    with collector_paused():
        from tasks.intake.read_all import validate_all

        validate_all(subs, config.bloc, config.catalogue, validator)
    return subs


@task(name="score-and-rank", cache_policy=NO_CACHE)
def score_and_rank(subs: list[Submission], config: YearConfig) -> Review:
    """Score every ward with an accepted self-assessment and rank the bloc (cycle collector paused, as above)."""
    votes = config.meeting.votes if config.meeting else None
    with collector_paused():
        from tasks.scoring.review import review

        return review(subs, config.bloc, config.catalogue, votes)


@task(
    name="write-outputs",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=worth_retrying,
    cache_policy=NO_CACHE,
)
def write_outputs(
    base: Path,
    config: YearConfig,
    subs: list[Submission],
    result: Review,
    validator: Validator,
    parameters: dict[str, object],
) -> Path:
    """Write the run folder, hash it into the manifest and move ``latest``."""
    run_id = new_run_id()
    moment = document_moment(config.meeting, subs)
    from tasks.outputs.review_folder import write_review_folder

    with output_faults(base):
        work = start_run(base, run_id)
        manifest = write_review_folder(work, run_id, config, subs, result, validator, moment, parameters)
        return finish_run(work, manifest)


def review_steps(config: YearConfig, base: Path, cache_dir: Path | None, parameters: dict[str, Any]) -> ReviewResult:
    """The steps of one bloc's review inside a running flow: read, validate, score, write into ``base``."""
    timings: dict[str, float] = {}
    from tasks.outputs.documents import check_templates

    check_templates()  # a broken Word template stops the run here, before anything is written
    resume_collector()  # paused while the command line started up
    preload()  # Great Expectations imports in the background while the files are read
    with run_lock(base), submissions_settled():
        with stage(timings, "read") as advance:
            files = find_inputs(whole(config))
            subs = read_submissions(whole(files), whole(config), cache_dir)
            advance(len(files))
        try:
            with stage(timings, "validate") as advance:
                if worth_a_worker(len(config.bloc.members), 0):
                    prestart_writer()  # it imports its writers while Great Expectations validates on one core
                from tasks.validation.suites import Validator

                validator = Validator()
                subs = validate_submissions(whole(subs), whole(config), validator)
                advance(len(subs))
            with stage(timings, "score") as advance:
                result = score_and_rank(whole(subs), whole(config))
                advance(len(result.wards))
            with stage(timings, "write"):
                run_dir = write_outputs(base, whole(config), whole(subs), whole(result), validator, parameters)
        finally:
            stop_prestarted()  # one the writes did not take (a step failed)
    with stage(timings, "write", report=False):  # a second part of the stage already reported
        publish_review_artifacts(run_dir, config, subs, result)
    rejected = sum(w.annual == "rejected" for w in result.wards)
    missing = sum(w.annual == "missing" for w in result.wards)
    refused = [s for s in subs if s.status is Status.REJECTED]
    unattributed = sum(s.ward_code is None for s in refused)
    log.info(
        "review written to %s (%d rejected, %d missing, %d files rejected)", run_dir, rejected, missing, len(refused)
    )
    return ReviewResult(run_dir, rejected, missing, timings, rejected_files=len(refused), unattributed=unattributed)


@flow(name="annual-review", log_prints=False)
def annual_review(
    year: int, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> ReviewResult:
    """Run the annual review of ``inputs/<year>/`` into a new folder under ``outputs/<year>/review/``."""
    config = load_year(inputs, year)
    parameters = {"year": year, "inputs": str(inputs), "outputs": str(outputs), "force": force}
    cache_dir = parse_cache_folder(outputs, force)
    return review_steps(config, outputs / str(year) / "review", cache_dir, parameters)
