"""The ``monthly`` flow: one month's progress reports → provisional standing of every ward."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from flows.commands import refuse_month
from flows.failures import Refused
from flows.progress import stage
from flows.province import BlocOutcome, ProvinceResult, failed_bloc, province_end, province_result
from flows.retries import ON_STORAGE
from flows.steps import (
    count_refusals,
    find_earlier_month_inputs,
    find_month_inputs,
    new_validator,
    read_submissions,
    timed,
    validate_submissions,
    whole,
    year_config,
)
from tasks.config.load import ConfigError
from tasks.config.year import (
    YearConfig,
    bloc_folders,
    check_period,
    document_moment,
    load_bloc_folder,
    parse_cache_folder,
    previous_month,
)
from tasks.domain import Submission
from tasks.edge.collector import configure_collector
from tasks.edge.pool import write_pool
from tasks.edge.preload import preload
from tasks.outputs.run_folder import finish_run, new_run_id, output_faults, run_lock, start_run
from tasks.validation.reports import with_month_series_warnings

if TYPE_CHECKING:  # imported in the background (``tasks.edge.preload``)
    from tasks.validation.suites import Validator

log = logging.getLogger(__name__)
MONTH_DONE = "lập bảng theo dõi"  # what a province's month does to each bloc, in its lines and messages


@dataclass(frozen=True)
class MonthlyResult:
    """What a finished monthly run produced."""

    run_dir: Path
    rejected: int
    missing: int
    rejected_files: int = 0  # rejected reports, attributed to a ward or not
    unattributed: int = 0  # of those, the ones that name no roster ward
    folders_not_read: int = 0  # sub-folders of submission folders: not read, no file (not in rejected_files)
    missing_months: int = 0  # always 0: a ward without this month's report is counted in ``missing``


@task(name="score-standing", cache_policy=NO_CACHE)
def score_standing(subs: list[Submission], config: YearConfig, period: str) -> list[dict[str, object]]:
    """Each roster ward's report status, issue count and provisional indicator scores: ``standing.csv``'s rows."""
    from tasks.scoring.standing import month_statuses, standing_rows

    statuses, reports = month_statuses(config.bloc, config.catalogue, subs)
    return standing_rows(config.bloc, config.catalogue, period, statuses, reports)


@task(name="write-monthly-outputs", **ON_STORAGE)
def write_monthly_outputs(
    base: Path,
    config: YearConfig,
    period: str,
    subs: list[Submission],
    rows: list[dict[str, object]],
    validator: Validator,
    parameters: dict[str, object],
    earlier: list[Submission],
) -> Path:
    """Write the monthly run folder, hash it into the manifest and move ``latest``; ``earlier`` (the earlier
    months read for the month-series warnings) is listed in the manifest as read for comparison."""
    from tasks.outputs.monthly_folder import write_monthly_folder

    moment = document_moment(None, subs)
    with output_faults(base), write_pool(0, sum(1 for s in subs if s.issues)) as pool:
        work = start_run(base, new_run_id())
        run_id = work.name.removesuffix(".incomplete")
        manifest = write_monthly_folder(
            work, run_id, config, period, subs, rows, validator, moment, parameters, pool, earlier
        )
        return finish_run(work, manifest)


def monthly_steps(
    config: YearConfig, period: str, base: Path, cache_dir: Path | None, parameters: dict[str, object]
) -> MonthlyResult:
    """Read, validate, score and write one bloc's month into a new run folder under ``base``."""
    timings: dict[str, float] = {}
    with run_lock(base):
        files = find_month_inputs(whole(config), period)
        earlier_files = find_earlier_month_inputs(whole(config), period)
        # the progress lines say that the earlier months are read and checked too: their files are not the
        # month's submissions the summary counts
        read_stage, validate_stage = ("read-months", "validate-months") if earlier_files else ("read", "validate")
        with timed(timings, read_stage) as advance:
            advance(0, total=sum(not file.is_folder for file, _ in files + earlier_files))
            read = read_submissions(whole(files + earlier_files), whole(config), cache_dir, whole(advance))
            own = {file.rel for file, _ in files}
            subs = [s for s in read if s.file.rel in own]
            earlier = [s for s in read if s.file.rel not in own]
        with timed(timings, validate_stage) as advance:
            # the earlier months are validated apart, by a validator of their own, so that only the month's
            # files show in its validation report; they are settled as the review settles them
            earlier = validate_submissions(whole(earlier), whole(config), new_validator())
            validator = new_validator()
            subs = validate_submissions(whole(subs), whole(config), validator)
            subs = list(with_month_series_warnings(subs, earlier, config.catalogue))
            advance(sum(not s.file.is_folder for s in [*subs, *earlier]))
        # no progress line of its own: a few milliseconds, and "Chấm điểm và xếp hạng" would promise a ranking
        rows = score_standing(whole(subs), whole(config), period)
        with timed(timings, "write"):
            run_dir = write_monthly_outputs(
                base, whole(config), period, whole(subs), whole(rows), validator, parameters, whole(earlier)
            )
    accepted = {s.ward_code for s in subs if s.status.value == "accepted" and s.ward_code}
    rejected = {s.ward_code for s in subs if s.ward_code and s.ward_code not in accepted}
    missing = len(config.bloc.members) - len(accepted) - len(rejected)
    log.info("monthly standing written to %s", run_dir)
    refused = count_refusals(subs)
    return MonthlyResult(
        run_dir,
        len(rejected),
        missing,
        rejected_files=refused.files,
        unattributed=refused.unattributed,
        folders_not_read=refused.folders,
    )


@flow(name="monthly", log_prints=False)
def monthly(
    period: str | None = None, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> MonthlyResult | ProvinceResult | State:
    """Validate the reports of ``period`` (default: last month) and write the provisional standing.

    A year of bloc folders (``inputs/<year>/<bloc-code>/``) gets each bloc's month (``province-monthly``), so the
    scheduled deployment serves a province as it serves one bloc; a bloc that failed fails this run too
    (``province_end``), after every other bloc's month is written.
    """
    configure_collector()  # a deployment's process starts here, not at the command line
    preload()  # Great Expectations imports in the background while the files are read
    period = period or previous_month()
    if bloc_folders(inputs, check_period(period)):
        state = province_monthly(period=period, inputs=inputs, outputs=outputs, force=force, return_state=True)
        return province_end(province_result(state), MONTH_DONE)
    config = year_config(inputs, check_period(period))  # once per run: the command line has checked it already
    # the scheduled deployment and Prefect's UI start runs the command line never sees: refuse a month outside
    # the window here too (an empty month inside it is written: the run on the 5th shows who has not reported)
    refuse_month(config, period, allow_empty=True)
    base = outputs / str(config.year) / "monthly" / period
    parameters = {"period": period, "inputs": str(inputs), "outputs": str(outputs), "force": force}
    return monthly_steps(config, period, base, parse_cache_folder(outputs, force), parameters)


@flow(name="province-monthly", log_prints=False)
def province_monthly(
    period: str, inputs: Path, outputs: Path, force: bool = False, allow_empty: bool = True
) -> ProvinceResult | State:
    """Every bloc folder's month, one after the other, each as a ``bloc-monthly`` subflow.

    A bloc whose YAML is broken, whose month is refused (outside its window, or empty unless ``allow_empty``) or
    whose run fails is named with the cause, and the others still run, as ``province-review`` does for the year:
    the run then ends Failed naming them (``province_end``; ``province_result`` reads it).
    """
    year = check_period(period)
    folders = bloc_folders(inputs, year)
    with stage("month-blocs", total=len(folders)) as advance:
        outcomes = []
        for folder in folders:
            outcomes.append(_bloc_month(folder, year, period, outputs, force, allow_empty))
            advance(1)
    return province_end(ProvinceResult(year, tuple(outcomes)), MONTH_DONE)


def _bloc_month(folder: Path, year: int, period: str, outputs: Path, force: bool, allow_empty: bool) -> BlocOutcome:
    """One bloc folder's month as a ``bloc-monthly`` subflow, or why it was not run or did not complete."""
    try:
        refuse_month(load_bloc_folder(folder, year), period, allow_empty)
    except ConfigError as exc:
        return BlocOutcome.failed(folder.name, exc, f"cấu hình không dùng được: {exc}")
    except Refused as exc:
        return BlocOutcome.failed(folder.name, exc)
    state = bloc_monthly(period=period, bloc_dir=folder, outputs=outputs, force=force, return_state=True)
    if not state.is_completed():
        return failed_bloc(folder.name, state)
    return BlocOutcome.completed(folder.name, state.result())


@flow(name="bloc-monthly", log_prints=False)
def bloc_monthly(period: str, bloc_dir: Path, outputs: Path = Path("outputs"), force: bool = False) -> MonthlyResult:
    """One bloc folder's month (``inputs/<year>/<bloc-code>/monthly/<period>/``) into
    ``outputs/<year>/<bloc-code>/monthly/<period>/``, as ``review`` does for the year."""
    configure_collector()
    preload()
    config = load_bloc_folder(bloc_dir, check_period(period))
    refuse_month(config, period, allow_empty=True)
    base = outputs / str(config.year) / bloc_dir.name / "monthly" / period
    parameters = {"period": period, "bloc": bloc_dir.name, "inputs": str(bloc_dir), "outputs": str(outputs),
                  "force": force}  # fmt: skip
    return monthly_steps(config, period, base, parse_cache_folder(outputs, force), parameters)
