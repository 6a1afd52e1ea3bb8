"""Implementations of the ``thidua`` sub-commands; each returns the process exit status."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.config.load import ConfigError
from tasks.outputs.run_folder import RunLocked

if TYPE_CHECKING:
    from flows.annual_review import ReviewResult
    from flows.monthly import MonthlyResult

log = logging.getLogger("thidua")


@contextmanager
def local_settings() -> Iterator[None]:
    """Prefect settings for a run on its temporary server (no ``PREFECT_API_URL``): no flow-run heartbeats.

    Heartbeats let a lasting server mark a flow run whose process died as crashed; the temporary server
    lives and dies with this process, so nothing reads them. Prefect 3.9's heartbeat thread sleeps in
    one-second steps, and the end of every flow run waited for it: up to a second per run, 1.0 s on an
    empty flow. Against a lasting server (workers, ``thidua serve``) they stay on.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _fail_config(exc: ConfigError) -> int:
    print(f"thidua: configuration error: {exc}", file=sys.stderr)
    return 2


def start_review(inputs: Path, year: int, outputs: Path, force: bool) -> ReviewResult:
    """One bloc's review as the command line runs it, fastest from a fresh process.

    The YAML is checked first (a broken file stops here, before Prefect starts). Then worker processes start
    reading the files (``read_ahead_for``) while this process imports Prefect, starts importing Great
    Expectations in the background and waits for Prefect's temporary server: on a large bloc they have read
    most files by the time the flow asks for them. The cycle collector is off until the flow starts.
    """
    from flows.read_workers import read_ahead_for
    from tasks.config.year import load_year, parse_cache_folder
    from tasks.edge.collector import startup_without_collector

    with startup_without_collector():
        read_ahead_for(load_year(inputs, year), parse_cache_folder(outputs, force))
        from flows.annual_review import annual_review, warm_up

        warm_up()
        with local_settings():
            return annual_review(year=year, inputs=inputs, outputs=outputs, force=force)


def start_monthly(inputs: Path, period: str, outputs: Path, force: bool) -> MonthlyResult:
    """One month's run as the command line runs it (see ``start_review``); ValueError for a bad period."""
    from flows.read_workers import read_ahead_for
    from tasks.config.year import check_period, load_year, parse_cache_folder
    from tasks.edge.collector import startup_without_collector

    with startup_without_collector():
        read_ahead_for(load_year(inputs, check_period(period)), parse_cache_folder(outputs, force), period)
        from flows.annual_review import warm_up
        from flows.monthly import monthly

        warm_up()
        with local_settings():
            return monthly(period=period, inputs=inputs, outputs=outputs, force=force)


def cmd_review(args: argparse.Namespace) -> int:
    """``thidua review --year YYYY``: one bloc, or every bloc folder of the year at once on ``--task-runner``."""
    from tasks.config.year import bloc_folders

    if bloc_folders(args.inputs, args.year):  # inputs/<year>/<bloc-code>/: a broken bloc never stops the others
        from flows.annual_review import warm_up
        from flows.province import province_lines, province_status, run_province
        from tasks.edge.collector import startup_without_collector

        with startup_without_collector(), local_settings():
            if args.task_runner == "thread":  # on Dask the workers validate, not this process
                warm_up()
            province = run_province(args.year, args.inputs, args.outputs, args.force, args.task_runner)
        print("\n".join(province_lines(province)))
        return province_status(province, args.strict)
    try:
        result = start_review(args.inputs, args.year, args.outputs, args.force)
    except ConfigError as exc:
        return _fail_config(exc)
    except RunLocked as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    print(f"Review written to {result.run_dir}")
    print(f"Rejected: {result.rejected}, missing: {result.missing}")
    return 1 if args.strict and (result.rejected or result.missing) else 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``thidua verify RUN_DIR``."""
    from tasks.outputs.verify import verify_run

    problems = verify_run(args.run_dir)
    for line in problems:
        print(line)
    if not problems:
        print(f"OK: every file in {args.run_dir} matches manifest.json")
    return 1 if problems else 0


def cmd_monthly(args: argparse.Namespace) -> int:
    """``thidua monthly --period YYYY-MM``."""
    try:
        result = start_monthly(args.inputs, args.period, args.outputs, args.force)
    except ConfigError as exc:
        return _fail_config(exc)
    except RunLocked as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    print(f"Monthly standing written to {result.run_dir}")
    print(f"Rejected: {result.rejected}, missing: {result.missing}")
    return 1 if args.strict and (result.rejected or result.missing) else 0


def cmd_check(args: argparse.Namespace) -> int:
    """``thidua check FILE...``: same rules as the flows, no run folder; non-zero if any file has an error.

    The cycle collector is off until Great Expectations is imported and its context built (see
    ``startup_without_collector``): ~0.4 s of the command's ~3 s.
    """
    from tasks.edge.collector import resume_collector, startup_without_collector
    from tasks.edge.preload import preload
    from tasks.validation.check import CheckError, CheckStatus, check_file, format_result
    from tasks.validation.suites import Validator

    validator, worst = None, 0
    with startup_without_collector():
        preload()
        for path in args.files:
            try:
                if validator is None and path.is_file():
                    validator = Validator()
                    resume_collector()
                result = check_file(path, args.inputs, name=str(path), year=args.year, validator=validator)
            except CheckError as exc:
                print(exc)
                worst = 1
                continue
            except ConfigError as exc:
                return _fail_config(exc)
            print("\n".join(format_result(result)))
            worst = max(worst, 1 if result.status is CheckStatus.FAILED else 0)
    return worst


def cmd_templates(args: argparse.Namespace) -> int:
    """``thidua templates --year YYYY``: blank workbooks for every ward."""
    from datetime import datetime

    from tasks.blank_workbooks import write_templates
    from tasks.config.year import load_year

    try:
        config = load_year(args.inputs, args.year)
    except ConfigError as exc:
        return _fail_config(exc)
    out = args.outputs or Path("outputs") / str(args.year) / "templates"
    moment = datetime(config.year, 1, 1)
    paths = write_templates(config.bloc, config.catalogue, out, moment)
    print(f"Wrote {len(paths)} templates under {out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """``thidua serve``: the scheduled ``monthly`` and the manual ``annual-review`` deployments, until stopped.

    Runs work in the current folder: start it from the folder that holds ``inputs/`` and ``outputs/``. It needs a
    Prefect server: the temporary one Prefect starts on its own does not run the scheduler, so the monthly run
    would never fire.
    """
    from prefect.settings import get_current_settings

    from flows import deployments

    if not get_current_settings().api.url:
        print(
            "thidua: serve needs a Prefect server for its schedule. Start one with `prefect server start`, then "
            "`prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api` and run thidua serve again.",
            file=sys.stderr,
        )
        return 2
    print(
        f"Serving 'monthly' (cron {deployments.MONTHLY_CRON!r}, {deployments.TIMEZONE}) and 'annual-review' "
        f"(manual) from {Path.cwd()}; Ctrl+C stops and pauses the schedule."
    )
    deployments.serve_deployments()
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    """``thidua web``: the check page, ``/api/check`` and ``/runs`` until Ctrl+C (see tasks/web/)."""
    from tasks.validation.check import latest_year
    from tasks.web.access import AccessConfigError, hash_password, load_password_hash
    from tasks.web.app import WebSettings
    from tasks.web.server import is_loopback, serve

    if args.hash_password:
        return _print_password_hash(hash_password)
    year = args.year or latest_year(args.inputs)
    if year is None:
        print(f"thidua: không tìm thấy quy định của năm nào trong {args.inputs}; chạy lại với --year", file=sys.stderr)
        return 2
    try:
        stored = load_password_hash(args.runs_password_file) if args.runs_password_file else None
        settings = WebSettings(inputs=args.inputs, outputs=args.outputs, year=year, runs_password_hash=stored)
        print(f"Đang nạp quy định năm {year} và bộ kiểm tra…", flush=True)
        if not is_loopback(args.host) and stored is None:
            print("Lưu ý: trang /runs mở cho mọi máy trong mạng mà không cần mật khẩu (--runs-password-file).")
        url = f"http://{args.host if ':' not in args.host else f'[{args.host}]'}:{args.port}/"
        ready = f"Trang kiểm tra hồ sơ: {url}  ·  các lần chạy: {url}runs  ·  Ctrl+C để dừng."
        serve(settings, args.host, args.port, ready=lambda: print(ready, flush=True))
        return 0
    except AccessConfigError as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        return _fail_config(exc)


def _print_password_hash(hash_password: Callable[[str], str]) -> int:
    from getpass import getpass

    first = getpass("Mật khẩu mới cho trang /runs: ")
    if not first or getpass("Nhập lại mật khẩu: ") != first:
        print("thidua: mật khẩu trống hoặc hai lần nhập không khớp; chưa tạo gì.", file=sys.stderr)
        return 2
    print(f"runs_password: '{hash_password(first)}'")
    return 0
