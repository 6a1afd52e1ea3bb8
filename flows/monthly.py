"""The ``monthly`` flow: one month's progress reports → provisional standing of every ward."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.annual_review import find_month_inputs, read_submissions, submissions_settled, validate_submissions, whole
from flows.progress import stage
from flows.retries import RETRY_DELAYS, worth_retrying
from tasks.config.year import YearConfig, check_period, document_moment, load_year, parse_cache_folder, previous_month
from tasks.domain import Submission
from tasks.edge.collector import resume_collector
from tasks.outputs.run_folder import finish_run, new_run_id, output_faults, run_lock, start_run

if TYPE_CHECKING:  # imported when a step needs it, or in the background (``tasks.edge.preload``)
    from tasks.validation.suites import Validator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MonthlyResult:
    """What a finished monthly run produced."""

    run_dir: Path
    rejected: int
    missing: int
    rejected_files: int = 0  # rejected reports, attributed to a ward or not
    unattributed: int = 0  # of those, the ones that name no roster ward


@task(
    name="write-monthly-outputs",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=worth_retrying,
    cache_policy=NO_CACHE,
)
def write_monthly_outputs(
    base: Path,
    config: YearConfig,
    period: str,
    subs: list[Submission],
    validator: Validator,
    parameters: dict[str, object],
) -> Path:
    """Write the monthly run folder, hash it into the manifest and move ``latest``."""
    moment = document_moment(None, subs)
    from tasks.outputs.monthly_folder import write_monthly_folder

    with output_faults(base):
        work = start_run(base, new_run_id())
        manifest = write_monthly_folder(
            work, work.name.removesuffix(".incomplete"), config, period, subs, validator, moment, parameters
        )
        return finish_run(work, manifest)


@flow(name="monthly", log_prints=False)
def monthly(
    period: str | None = None, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> MonthlyResult:
    """Validate the reports of ``period`` (default: last month) and write the provisional standing."""
    resume_collector()  # paused while the command line started up
    period = period or previous_month()
    year = check_period(period)
    config = load_year(inputs, year)
    base = outputs / str(year) / "monthly" / period
    with run_lock(base), submissions_settled():
        with stage("read") as advance:
            files = find_month_inputs(whole(config), period)
            subs = read_submissions(whole(files), whole(config), parse_cache_folder(outputs, force))
            advance(len(files))
        with stage("validate") as advance:
            from tasks.validation.suites import Validator

            validator = Validator()
            subs = validate_submissions(whole(subs), whole(config), validator)
            advance(len(subs))
        parameters = {"period": period, "inputs": str(inputs), "outputs": str(outputs), "force": force}
        with stage("write"):
            run_dir = write_monthly_outputs(base, whole(config), period, whole(subs), validator, parameters)
    accepted = {s.ward_code for s in subs if s.status.value == "accepted" and s.ward_code}
    rejected = {s.ward_code for s in subs if s.ward_code and s.ward_code not in accepted}
    missing = len(config.bloc.members) - len(accepted) - len(rejected)
    log.info("monthly standing written to %s", run_dir)
    refused = [s for s in subs if s.status.value == "rejected"]
    unattributed = sum(s.ward_code is None for s in refused)
    return MonthlyResult(run_dir, len(rejected), missing, rejected_files=len(refused), unattributed=unattributed)
