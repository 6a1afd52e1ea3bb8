"""Many blocs in one review: every ``inputs/<year>/<bloc-code>/`` into ``outputs/<year>/<bloc-code>/review/``.

A year folder with no ``bloc.yaml`` of its own but sub-folders that have one holds several blocs (the province's
emulation blocs). The ``province-review`` flow submits one ``review-bloc`` task per bloc to its task runner (a
thread pool, or Dask through prefect-dask); each task runs the bloc as a ``bloc-review`` subflow with the same
steps as the single-bloc ``annual-review`` and its own Great Expectations context. A bloc with a broken YAML file
is reported and skipped; any other exception fails that bloc's task and subflow only. The others complete either
way, and the result names the broken ones. A province run then ends Failed in Prefect, its message naming them,
and the command exits with the status of its worst bloc (``province_status``).

No ``from __future__ import annotations`` here: Dask ships the flow functions to its workers by value, and
Prefect validates a flow's parameters against its annotations, which must then be objects, not names.
"""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed, wait
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows.annual_review import review_steps
from flows.console import count_text
from flows.failures import FAILED, INTERRUPTED, OK, REFUSED, STRICT, describe
from flows.progress import stage
from flows.summary import Counted, run_status
from tasks.config.load import ConfigError
from tasks.config.year import bloc_folders, load_bloc_folder, parse_cache_folder
from tasks.edge.collector import configure_collector
from tasks.edge.preload import preload

log = logging.getLogger(__name__)
THREADS = 4  # blocs reviewed at once on the thread runner (reading and writing hold the GIL)
DASK_ADDRESS = "THIDUA_DASK_ADDRESS"  # a running Dask scheduler (tcp://host:8786) instead of a local cluster


@dataclass(frozen=True)
class BlocOutcome:
    """How one bloc's review (or month) ended: its run folder, or the error that stopped it.

    ``error_status``, with an ``error``: the exit status of the same command on that bloc alone (``describe``):
    2 it cannot run as asked (a broken YAML file, a refused month), 3 the machine stopped it.
    """

    code: str
    run_dir: Path | None = None
    rejected: int = 0
    missing: int = 0
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    rejected_files: int = 0  # rejected submissions, attributed to a ward or not
    folders_not_read: int = 0  # sub-folders of submission folders: not read, no file (not in rejected_files)
    error_status: int = FAILED  # what describe() says of an error it does not know
    missing_months: int = 0  # wards without an accepted monthly report for some month of the window (review)

    @classmethod
    def failed(cls, code: str, exc: BaseException, error: str | None = None) -> "BlocOutcome":
        """Bloc ``code`` stopped by ``exc``: the sentence (or ``error``) and the exit status ``describe`` gives it."""
        failure = describe(exc)
        return cls(code, error=error or failure.message, error_status=failure.code)

    @classmethod
    def completed(cls, code: str, result: "Completed", timings: dict[str, float] | None = None) -> "BlocOutcome":
        """The outcome of bloc ``code`` whose review or month completed with ``result``."""
        return cls(
            code,
            result.run_dir,
            result.rejected,
            result.missing,
            timings=timings or {},
            rejected_files=result.rejected_files,
            folders_not_read=result.folders_not_read,
            missing_months=result.missing_months,
        )


class Completed(Counted, Protocol):
    """What a completed bloc run tells (``ReviewResult``, ``MonthlyResult``): its counts and its folder."""

    @property
    def run_dir(self) -> Path: ...


@dataclass(frozen=True)
class ProvinceResult:
    """Every bloc's outcome, in folder order."""

    year: int
    blocs: tuple[BlocOutcome, ...]

    @property
    def broken(self) -> tuple[BlocOutcome, ...]:
        """The blocs whose review did not complete."""
        return tuple(b for b in self.blocs if b.error is not None)


@flow(name="bloc-review", log_prints=False)
def bloc_review(year: int, bloc_dir: Path, outputs: Path, force: bool = False) -> BlocOutcome:
    """The annual review of one bloc folder into a new folder under ``outputs/<year>/<bloc-code>/review/``."""
    configure_collector()  # on Dask this runs in a worker process that no command line started
    preload()
    config = load_bloc_folder(bloc_dir, year)
    parameters = {"year": year, "bloc": bloc_dir.name, "inputs": str(bloc_dir), "outputs": str(outputs), "force": force}
    cache_dir = parse_cache_folder(outputs, force)
    result = review_steps(config, outputs / str(year) / bloc_dir.name / "review", cache_dir, parameters)
    return BlocOutcome.completed(bloc_dir.name, result, result.timings)


@task(name="review-bloc", task_run_name="review-{bloc_dir.name}", cache_policy=NO_CACHE)
def review_bloc(year: int, bloc_dir: Path, outputs: Path, force: bool = False) -> BlocOutcome:
    """Run one bloc's subflow wherever the task runner put this task (a thread, a Dask worker).

    A broken YAML file is the bloc's own business: it is reported (file, key, problem) and no subflow starts.
    """
    try:
        load_bloc_folder(bloc_dir, year)
    except ConfigError as exc:
        log.error("bloc %s not reviewed: %s", bloc_dir.name, exc)
        return BlocOutcome.failed(bloc_dir.name, exc, f"cấu hình không dùng được: {exc}")
    return bloc_review(year=year, bloc_dir=bloc_dir, outputs=outputs, force=force)


def failed_bloc(code: str, state: State) -> BlocOutcome:
    """A bloc whose run ended in ``state`` (not completed), with the sentence the command prints for its error.

    The exception, when this process holds it (threads), gives the command's own Vietnamese sentence; from a
    Dask worker it may not even unpickle here, and the state's message (which names it) is kept, with the status
    of an error the command does not know (3).
    """
    log.error("bloc %s failed: %s", code, state.message)
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:  # the exception could not be brought back into this process
        exc = None
    if isinstance(exc, BaseException):
        return BlocOutcome.failed(code, exc)
    return BlocOutcome(code, error=state.message or f"ended in state {state.name}")


def _outcome(folder: Path, future: PrefectFuture[BlocOutcome]) -> BlocOutcome:
    return future.result() if future.state.is_completed() else failed_bloc(folder.name, future.state)


@flow(name="province-review", log_prints=False)
def province_review(
    year: int, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"), force: bool = False
) -> ProvinceResult | State:
    """Review every bloc folder of ``inputs/<year>/`` at once on the flow's task runner; Failed when a bloc failed
    (``province_end``), after every other bloc is written."""
    configure_collector()  # a deployment's process starts here, not at the command line
    folders = bloc_folders(inputs, year)
    with stage("blocs", total=len(folders)) as advance:
        futures = [review_bloc.submit(year, folder, outputs, force) for folder in folders]
        for _ in as_completed(futures):
            advance(1)
    wait(futures)  # settles each future's final state (as_completed only says the work is done)
    result = ProvinceResult(year, tuple(_outcome(f, fut) for f, fut in zip(folders, futures, strict=True)))
    log.info("%d blocs reviewed, %d broken", len(result.blocs) - len(result.broken), len(result.broken))
    return province_end(result)


def province_end(result: ProvinceResult, done: str = "đánh giá") -> ProvinceResult | State:
    """What a province flow returns: ``result``, or when a bloc failed a Failed state that carries it.

    Prefect's UI and a scheduled run then show the run failed, its message naming the failed blocs; the other
    blocs' outputs are written all the same. ``province_result`` gives the command line the result either way.
    """
    if not result.broken:
        return result
    names = ", ".join(b.code for b in result.broken)
    message = (
        f"Không {done} được {len(result.broken)} trên {len(result.blocs)} khối: {names}; "
        "các khối còn lại đã có kết quả."
    )
    return Failed(message=message, data=result)


def province_result(state: State) -> ProvinceResult:
    """The result of a province flow run that ended Completed, or Failed because a bloc failed (``province_end``);
    the exception that stopped the run before it reached its end is raised again."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    assert isinstance(result, ProvinceResult), result
    return result


def task_runner(name: str, blocs: int) -> Any:
    """The task runner called ``name`` (``thread`` or ``dask``) sized for ``blocs`` blocs.

    ``dask`` connects to the scheduler in ``$THIDUA_DASK_ADDRESS`` when set (workers on other machines), else it
    starts a local cluster of worker processes, one per core.
    """
    if name != "dask":
        return ThreadPoolTaskRunner(max_workers=max(1, min(blocs, THREADS)))
    import dask
    from prefect_dask import DaskTaskRunner

    dask.config.set({"logging.distributed": "warning"})  # for the workers; the scheduler logs here:
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if address := os.environ.get(DASK_ADDRESS):
        return DaskTaskRunner(address=address)
    workers = max(1, min(blocs, os.cpu_count() or 1))
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    )


@contextmanager
def shared_api() -> Iterator[None]:
    """Give worker processes this process's Prefect API.

    With no ``PREFECT_API_URL`` Prefect starts a temporary server per process, so each Dask worker would start
    its own on the same database. This starts the one temporary server first and hands its address to the
    workers through the environment they inherit. With a configured server, nothing to do.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield
        return
    from flows.steps import start_temporary_server

    server = start_temporary_server()
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def run_province(year: int, inputs: Path, outputs: Path, force: bool = False, runner: str = "thread") -> ProvinceResult:
    """Run ``province-review`` on the named task runner (``thread`` or ``dask``): its result, even when a bloc
    failed (the flow run then ends Failed)."""
    blocs = len(bloc_folders(inputs, year))
    flow_with_runner = province_review.with_options(task_runner=task_runner(runner, blocs))
    with shared_api() if runner == "dask" else nullcontext():
        state = flow_with_runner(year=year, inputs=inputs, outputs=outputs, force=force, return_state=True)
    return province_result(state)


def province_lines(result: ProvinceResult, done: str = "đánh giá", strict: bool = False) -> list[str]:
    """What ``thidua review`` prints for many blocs (``monthly``: ``done`` is "lập bảng theo dõi"): one line per
    bloc, broken blocs named with the cause, then why the exit status is not 0 when it is not."""
    lines = []
    for bloc in result.blocs:
        if bloc.error is None:
            counts = (
                f"{bloc.rejected} phường bị từ chối, {bloc.missing} phường chưa nộp, "
                f"{bloc.rejected_files} tệp bị từ chối"
            )
            if bloc.missing_months:
                counts += f", {count_text(bloc.missing_months, 'phường thiếu báo cáo tháng')}"
            if bloc.folders_not_read:
                counts += f", không đọc {count_text(bloc.folders_not_read, 'thư mục con')}"
            lines.append(f"{bloc.code}: đã {done}, kết quả ở {bloc.run_dir} ({counts})")
        else:
            lines.append(f"{bloc.code}: LỖI, không {done} được: {bloc.error}")
    lines.append(f"Đã {done} {len(result.blocs) - len(result.broken)} trên {len(result.blocs)} khối.")
    status = province_status(result, strict)
    if status != OK:
        lines.append(f"Mã thoát {status}: {_why(result, strict)}.")
    return lines


_WHY = {  # why a bloc's exit status is not 0, worst first
    INTERRUPTED: "đã dừng theo yêu cầu",
    FAILED: "bị máy dừng lại (đầy ổ đĩa, không có quyền ghi, lỗi Prefect…)",
    REFUSED: "không chạy được như yêu cầu (tệp YAML hỏng, tháng bị từ chối…)",
    STRICT: "có hồ sơ bị từ chối hoặc còn thiếu (--strict)",
}


def _why(result: ProvinceResult, strict: bool) -> str:
    parts = []
    for status, why in _WHY.items():
        names = [b.code for b in result.blocs if bloc_status(b, strict) == status]
        if names:
            parts.append(f"khối {', '.join(names)} {why}")
    return "; ".join(parts)


def bloc_status(bloc: BlocOutcome, strict: bool) -> int:
    """The exit status of the same command on ``bloc`` alone: its error's (2, 3), else ``run_status``'s (0, 1)."""
    return bloc.error_status if bloc.error is not None else run_status(bloc, strict)


def province_status(result: ProvinceResult, strict: bool) -> int:
    """Exit status of ``thidua review`` (or ``monthly``) on many blocs: that of its worst bloc (``bloc_status``).

    3 when the machine stopped a bloc, else 2 when a bloc could not run as asked (a broken YAML file, a refused
    month), else 1 with ``--strict`` when a bloc has a rejected or missing submission, else 0. The other blocs are
    run and written all the same.
    """
    return max((bloc_status(bloc, strict) for bloc in result.blocs), default=REFUSED)
