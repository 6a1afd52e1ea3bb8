"""The ``annual-review`` flow: load → read → validate → score → write (spec §2–§6)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.artifacts import publish_review_artifacts
from tasks.discover import discover
from tasks.domain import InputFile, Submission
from tasks.gx import Validator
from tasks.intake import read_all, validate_all
from tasks.output_review import write_review_folder
from tasks.review import Review, review
from tasks.run_folder import finish_run, new_run_id, run_lock, start_run
from tasks.settings import YearConfig, document_moment, load_year

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewResult:
    """What a finished review run produced."""

    run_dir: Path
    rejected: int
    missing: int


@task(name="find-inputs", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def find_inputs(config: YearConfig) -> list[tuple[InputFile, str | None]]:
    """Every submission file of the year, hashed."""
    return discover(config.year_dir, config.catalogue.window.months())


@task(name="find-month-inputs", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def find_month_inputs(config: YearConfig, period: str) -> list[tuple[InputFile, str | None]]:
    """The submission files of one month's folder, hashed."""
    return [(f, p) for f, p in discover(config.year_dir, (period,)) if p == period]


@task(name="read-submissions", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_submissions(
    files: list[tuple[InputFile, str | None]], config: YearConfig, cache_dir: Path | None = None
) -> list[Submission]:
    """Open every workbook (calamine); a broken file becomes a rejected submission, never a failure.

    ``cache_dir`` holds what earlier runs read, keyed by content hash (None: read everything again).
    """
    return read_all(files, config.bloc, config.catalogue, cache_dir)


@task(name="validate-submissions", cache_policy=NO_CACHE)
def validate_submissions(subs: list[Submission], config: YearConfig, validator: Validator) -> list[Submission]:
    """Run the stored expectation suites once over all wards' rows of each kind."""
    validate_all(subs, config.bloc, config.catalogue, validator)
    return subs


@task(name="score-and-rank", cache_policy=NO_CACHE)
def score_and_rank(subs: list[Submission], config: YearConfig) -> Review:
    """Score every ward with an accepted self-assessment and rank the bloc."""
    votes = config.meeting.votes if config.meeting else None
    return review(subs, config.bloc, config.catalogue, votes)


@task(name="write-outputs", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
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
    work = start_run(base, run_id)
    moment = document_moment(config.meeting, subs)
    manifest = write_review_folder(work, run_id, config, subs, result, validator, moment, parameters)
    return finish_run(work, manifest)


@flow(name="annual-review", log_prints=False)
def annual_review(
    year: int, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> ReviewResult:
    """Run the annual review of ``inputs/<year>/`` into a new folder under ``outputs/<year>/review/``."""
    config = load_year(inputs, year)
    base = outputs / str(year) / "review"
    with run_lock(base):
        files = find_inputs(config)
        subs = read_submissions(files, config, None if force else outputs / ".cache" / "parse")
        validator = Validator()
        subs = validate_submissions(subs, config, validator)
        result = score_and_rank(subs, config)
        parameters = {"year": year, "inputs": str(inputs), "outputs": str(outputs), "force": force}
        run_dir = write_outputs(base, config, subs, result, validator, parameters)
    publish_review_artifacts(run_dir, config, subs, result)
    rejected = sum(w.annual == "rejected" for w in result.wards)
    missing = sum(w.annual == "missing" for w in result.wards)
    log.info("review written to %s (%d rejected, %d missing)", run_dir, rejected, missing)
    return ReviewResult(run_dir=run_dir, rejected=rejected, missing=missing)
