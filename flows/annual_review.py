"""The ``annual-review`` flow: load → read → validate → score → write (spec §2–§6)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from flows.artifacts import publish_review_artifacts
from flows.retries import ON_STORAGE
from flows.steps import (
    count_refusals,
    find_inputs,
    new_validator,
    read_submissions,
    timed,
    validate_submissions,
    whole,
    year_config,
)
from tasks.config.year import YearConfig, bloc_folders, document_moment, parse_cache_folder
from tasks.domain import Submission
from tasks.edge.collector import configure_collector
from tasks.edge.pool import write_pool
from tasks.edge.preload import preload
from tasks.outputs.run_folder import finish_run, new_run_id, output_faults, run_lock, start_run

if TYPE_CHECKING:  # imported when a step needs it, or in the background (``tasks.edge.preload``)
    from flows.province import ProvinceResult
    from tasks.scoring.review import Review
    from tasks.validation.suites import Validator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewResult:
    """What a finished review run produced; ``timings`` holds the seconds spent in each stage."""

    run_dir: Path
    rejected: int
    missing: int
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    rejected_files: int = 0  # rejected submissions of any kind, attributed to a ward or not
    unattributed: int = 0  # of those, the ones that name no roster ward
    folders_not_read: int = 0  # sub-folders of submission folders: not read, no file (not in rejected_files)
    missing_months: int = 0  # wards without an accepted monthly report for some month of the window


@task(name="score-and-rank", cache_policy=NO_CACHE)
def score_and_rank(subs: list[Submission], config: YearConfig) -> Review:
    """Score every ward with an accepted self-assessment and rank the bloc."""
    from tasks.scoring.review import review

    return review(subs, config.bloc, config.catalogue, config.meeting.votes if config.meeting else None)


@task(name="write-outputs", **ON_STORAGE)
def write_outputs(
    base: Path, config: YearConfig, subs: Sequence[Submission], result: Review, validator: Validator, parameters: dict
) -> Path:
    """Write the run folder, hash it into the manifest and move ``latest``."""
    from tasks.outputs.review_folder import write_review_folder

    run_id, moment = new_run_id(), document_moment(config.meeting, subs)
    with output_faults(base), write_pool(len(config.bloc.members), sum(1 for s in subs if s.issues)) as pool:
        work = start_run(base, run_id)
        manifest = write_review_folder(work, run_id, config, subs, result, validator, moment, parameters, pool)
        return finish_run(work, manifest)


def review_steps(config: YearConfig, base: Path, cache_dir: Path | None, parameters: dict[str, Any]) -> ReviewResult:
    """One bloc's review inside a running flow: read, validate, score and write into ``base``."""
    timings: dict[str, float] = {}
    from tasks.outputs.documents import check_templates

    check_templates()  # a broken Word template stops the run here, before anything is written
    with run_lock(base):
        with timed(timings, "read") as advance:
            files = find_inputs(whole(config))
            advance(0, total=sum(not file.is_folder for file, _ in files))
            subs = read_submissions(whole(files), whole(config), cache_dir, whole(advance))
        with timed(timings, "validate") as advance:
            validator = new_validator()
            subs = validate_submissions(whole(subs), whole(config), validator)
            advance(sum(not s.file.is_folder for s in subs))
        with timed(timings, "score") as advance:
            result = score_and_rank(whole(subs), whole(config))
            advance(len(result.wards))
        with timed(timings, "write"):
            scored = result.submissions  # with the warnings scoring found in them
            run_dir = write_outputs(base, whole(config), whole(scored), whole(result), validator, parameters)
            publish_review_artifacts(run_dir, config, scored, result)
    rejected = sum(w.annual == "rejected" for w in result.wards)
    missing = sum(w.annual == "missing" for w in result.wards)
    missing_months = sum(bool(w.missing_months) for w in result.wards)
    refused = count_refusals(scored)
    log.info(
        "review written to %s (%d rejected, %d missing, %d files rejected)", run_dir, rejected, missing, refused.files
    )
    return ReviewResult(
        run_dir,
        rejected,
        missing,
        timings,
        rejected_files=refused.files,
        unattributed=refused.unattributed,
        folders_not_read=refused.folders,
        missing_months=missing_months,
    )


@flow(name="annual-review", log_prints=False)
def annual_review(
    year: int, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> ReviewResult | ProvinceResult | State:
    """Run the annual review of ``inputs/<year>/`` into a new folder under ``outputs/<year>/review/``.

    A year of bloc folders (``inputs/<year>/<bloc-code>/``) is a province: every bloc is reviewed
    (``province-review``), so the deployment serves a province as it serves one bloc; a bloc that failed fails
    this run too (``province_end``), after every other bloc is written.
    """
    configure_collector()  # a deployment's process starts here, not at the command line
    if bloc_folders(inputs, year):
        from flows.province import province_end, run_province

        return province_end(run_province(year, inputs, outputs, force))
    preload()  # Great Expectations imports in the background while the files are read
    config = year_config(inputs, year)  # once per run: the command line has checked it already
    parameters = {"year": year, "inputs": str(inputs), "outputs": str(outputs), "force": force}
    return review_steps(config, outputs / str(year) / "review", parse_cache_folder(outputs, force), parameters)
