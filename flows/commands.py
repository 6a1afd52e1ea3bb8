"""Implementations of the ``thidua`` sub-commands; each returns the process exit status."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flows.console import count_text, progress_console
from flows.failures import OK, STRICT, Refused
from flows.summary import review_next_steps, run_status, summary_lines
from tasks.text import month_label

if TYPE_CHECKING:
    from flows.annual_review import ReviewResult
    from flows.monthly import MonthlyResult
    from tasks.config.year import YearConfig
    from tasks.intake.read import Files

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


def start_review(inputs: Path, year: int, outputs: Path, force: bool) -> ReviewResult:
    """One bloc's review as the command line runs it: while Prefect's server starts, Great Expectations imports
    and, for a large bloc, worker processes read the files the parse cache does not hold (``reading_ahead``).

    The YAML is checked first: a broken file stops here, before Prefect starts; the flow reuses what was loaded.
    """
    from tasks.config.year import year_config
    from tasks.intake.discover import discover

    config = year_config(inputs, year)  # before Prefect is imported: a broken file is reported at once
    with _reading_ahead(config, discover(config.year_dir), outputs, force):
        from flows.annual_review import ReviewResult, annual_review
        from flows.steps import warm_up

        warm_up()
        with local_settings():
            result = annual_review(year=year, inputs=inputs, outputs=outputs, force=force)
    assert isinstance(result, ReviewResult)  # one bloc: cmd_review sends bloc folders to _province_review
    return result


def _reading_ahead(config: YearConfig, files: Files, outputs: Path, force: bool) -> AbstractContextManager[None]:
    """Worker processes reading those of ``files`` the run's parse cache does not hold, from now on."""
    from tasks.config.year import parse_cache_folder
    from tasks.edge.pool import reading_ahead
    from tasks.intake.cache import uncached

    unread = uncached(files, parse_cache_folder(outputs, force), config.bloc, config.catalogue)
    return reading_ahead(unread, config.bloc, config.catalogue)


def month_year(period: str) -> int:
    """The year of ``period``; Refused, in Vietnamese, when it is not ``YYYY-MM``."""
    from tasks.config.year import check_period

    try:
        return check_period(period)
    except ValueError:
        raise Refused(f"Tháng phải viết dạng YYYY-MM, ví dụ 2025-11; đã nhận {period!r}.") from None


def refuse_month(config: YearConfig, period: str, allow_empty: bool) -> None:
    """Refuse a month outside the year's ``monthly_window``, or with no report (unless ``allow_empty``).

    Either run would write a standing in which every ward is missing, which nobody asked for.
    """
    window = config.catalogue.window
    shown = month_label(period)
    if period not in window.months():
        raise Refused(
            f"Tháng {shown} nằm ngoài khoảng theo dõi của năm {config.year} (monthly_window trong criteria.yaml: "
            f"từ {month_label(window.first)} đến {month_label(window.last)}), nên không chạy. "
            "Chọn một tháng trong khoảng đó."
        )
    from tasks.intake.discover import is_skipped

    folder = config.year_dir / "monthly" / period
    has_reports = folder.is_dir() and any(not is_skipped(p.name) for p in folder.iterdir())
    if not has_reports and not allow_empty:
        raise Refused(
            f"Tháng {shown} chưa có báo cáo nào (thư mục {folder} không có hoặc trống), nên không chạy. Đặt báo "
            "cáo của các phường vào thư mục đó, hoặc chạy lại với --allow-empty-month nếu tháng này cố ý không có."
        )


def start_monthly(inputs: Path, period: str, outputs: Path, force: bool, allow_empty: bool = True) -> MonthlyResult:
    """One month's run as the command line runs it (see ``start_review``); Refused for a month it should not run."""
    from tasks.config.year import year_config
    from tasks.intake.discover import month_inputs, months_inputs

    config = year_config(inputs, month_year(period))  # the flow reuses it; checked before Prefect is imported
    refuse_month(config, period, allow_empty)
    earlier = months_inputs(config.year_dir, config.catalogue.window.before(period))  # compared with the month's
    with _reading_ahead(config, month_inputs(config.year_dir, period) + earlier, outputs, force):
        from flows.monthly import MonthlyResult, monthly
        from flows.steps import warm_up

        warm_up()
        with local_settings():
            result = monthly(period=period, inputs=inputs, outputs=outputs, force=force)
    assert isinstance(result, MonthlyResult)  # one bloc: cmd_monthly sends bloc folders to _province_monthly
    return result


def _draft_minutes(inputs: Path, year: int) -> bool:
    """Whether the minutes of ``year`` are still a draft (no votes in meeting.yaml)."""
    from tasks.config.year import year_config

    meeting = year_config(inputs, year).meeting  # as the run loaded it
    return meeting is None or not meeting.votes


def refuse_year_folder(inputs: Path) -> None:
    """Refused, with the option to type instead, when ``--inputs`` names a year's (or a bloc's) folder.

    ``--inputs`` is the folder holding the years (contract §7); taking the year's folder in its place would
    let ``--year`` and the folder's own year disagree, so the command says which folder to give.
    """
    from tasks.config.year import inputs_root_of

    root = inputs_root_of(inputs)
    if root is not None:
        what = "của một khối trong một năm" if root.resolve() == inputs.resolve().parent.parent else "của một năm"
        raise Refused(
            f"{inputs} là thư mục hồ sơ {what}, còn --inputs cần thư mục chứa các năm (2025/, 2026/, …): "
            f"chạy lại với --inputs {root}."
        )


def refuse_outputs_in_inputs(inputs: Path, outputs: Path) -> None:
    """Refused when ``outputs`` lies inside ``inputs``: inputs are never written, and the next run would read
    what this one wrote as the wards' files."""
    if outputs.resolve().is_relative_to(inputs.resolve()):
        raise Refused(
            f"Thư mục kết quả {outputs} nằm trong thư mục hồ sơ {inputs}, nên không chạy: thidua không bao giờ ghi "
            "vào thư mục hồ sơ. Chọn --outputs ở ngoài thư mục đó."
        )


def cmd_review(args: argparse.Namespace) -> int:
    """``thidua review --year YYYY``: one bloc, or every bloc folder of the year at once on ``--task-runner``."""
    from tasks.config.year import bloc_folders

    refuse_year_folder(args.inputs)
    refuse_outputs_in_inputs(args.inputs, args.outputs)
    if bloc_folders(args.inputs, args.year):  # inputs/<year>/<bloc-code>/: a broken bloc never stops others
        return _province_review(args)
    with progress_console():
        result = start_review(args.inputs, args.year, args.outputs, args.force)
    lines = summary_lines(result.run_dir, f"Đánh giá năm {args.year}", year_dir=args.inputs / str(args.year))
    lines += review_next_steps(_draft_minutes(args.inputs, args.year))
    print("\n".join(lines))
    return run_status(result, args.strict)


def _province_review(args: argparse.Namespace) -> int:
    """Every bloc folder of the year in one ``province-review`` run, one line per bloc at the end."""
    from flows.province import province_lines, province_status, run_province
    from flows.steps import warm_up

    with progress_console(), local_settings():
        if args.task_runner == "thread":  # on Dask the workers validate, not this process
            warm_up()
        province = run_province(args.year, args.inputs, args.outputs, args.force, args.task_runner)
    print("\n".join(province_lines(province, strict=args.strict)))
    return province_status(province, args.strict)


def cmd_verify(args: argparse.Namespace) -> int:
    """``thidua verify RUN_DIR``: 1 and every problem named when a file is missing or changed."""
    from flows.summary import shown_path
    from tasks.outputs.verify import Finding, finding_text, verify

    if not (args.run_dir / "manifest.json").is_file():  # a mistyped path is not a tampered run
        what = (
            "không có thư mục"
            if not args.run_dir.is_dir()
            else "không phải thư mục kết quả của thidua (không có manifest.json)"
        )
        raise Refused(
            f"{args.run_dir}: {what}. Hãy đưa đường dẫn tới thư mục của một lần chạy, ví dụ outputs/2025/review/latest."
        )
    checked = verify(args.run_dir)
    problems = checked.findings
    for finding in problems:
        print(finding_text(Finding(finding.problem, shown_path(finding.path))))
    if problems:
        print(f"{args.run_dir}: có {len(problems)} sai khác với manifest.json (kể ở trên).")
    else:
        print(f"Mọi tệp trong {args.run_dir} khớp với manifest.json: kết quả không bị sửa, tệp đầu vào không đổi.")
    if checked.inputs_root is not None and checked.inputs_root.is_dir():
        # the path is the one the run recorded: say so, so that an auditor knows which inputs were compared
        compared = (
            f" (trong đó {count_text(checked.compared, 'tệp')} báo cáo tháng trước, chỉ đọc để so sánh lũy kế)"
            if checked.compared
            else ""
        )
        print(
            f"Tệp đầu vào được so tại thư mục lần chạy đã đọc (ghi trong manifest.json): "
            f"{shown_path(checked.inputs_root)}, {count_text(checked.inputs, 'tệp')}{compared}."
        )
    return STRICT if problems else OK


def cmd_monthly(args: argparse.Namespace) -> int:
    """``thidua monthly --period YYYY-MM``: refused (2) outside the window or without reports, unless allowed.

    With bloc folders (``inputs/<year>/<bloc-code>/``) each bloc's month, as ``review`` does for the year.
    """
    from tasks.config.year import bloc_folders

    refuse_year_folder(args.inputs)
    refuse_outputs_in_inputs(args.inputs, args.outputs)
    if bloc_folders(args.inputs, month_year(args.period)):
        return _province_monthly(args)
    with progress_console():
        result = start_monthly(args.inputs, args.period, args.outputs, args.force, args.allow_empty_month)
    print("\n".join(summary_lines(result.run_dir, f"Bảng theo dõi tháng {month_label(args.period)}")))
    return run_status(result, args.strict)


def _province_monthly(args: argparse.Namespace) -> int:
    """Every bloc folder's month in one ``province-monthly`` run, one line per bloc at the end, as ``review``."""
    from flows.monthly import MONTH_DONE, province_monthly
    from flows.province import province_lines, province_result, province_status
    from flows.steps import warm_up

    with progress_console(), local_settings():
        warm_up()
        province = province_result(province_monthly(
            period=args.period, inputs=args.inputs, outputs=args.outputs, force=args.force,
            allow_empty=args.allow_empty_month, return_state=True,
        ))  # fmt: skip
    print(f"Bảng theo dõi tháng {month_label(args.period)} của {len(province.blocs)} khối:")
    print("\n".join(province_lines(province, MONTH_DONE, args.strict)))
    return province_status(province, args.strict)


def cmd_check(args: argparse.Namespace) -> int:
    """``thidua check FILE|FOLDER...``: same rules as the flows, no run folder; non-zero if any file has an error.

    A folder is checked as the review reads a submission folder: every file in it, its sub-folders named as not
    checked. An argument that names nothing to check is refused (2) before any file is checked. Great
    Expectations (most of the command's time) imports in the background while the YAML and the first file are read.
    """
    from functools import cache

    from tasks.edge.preload import preload
    from tasks.validation.check import CheckError, CheckStatus, check_file, format_result
    from tasks.validation.suites import Validator

    refuse_year_folder(args.inputs)
    targets = [check_targets(path) for path in args.files]  # every argument refused before any file is checked
    validator, worst = cache(Validator), 0  # built once, after the first file is read
    preload()
    for files, note in targets:
        if note:
            print(note)
        for path in files:
            try:
                result = check_file(
                    path, args.inputs, name=str(path), year=args.year, bloc=args.bloc, validator=validator
                )
            except CheckError as exc:
                print(exc)
                worst = 1
                continue
            print("\n".join(format_result(result)))
            worst = max(worst, 1 if result.status is CheckStatus.FAILED else 0)
    return worst


def check_targets(path: Path) -> tuple[list[Path], str | None]:
    """The files ``thidua check`` checks for one argument, and a line to print first (sub-folders not checked).

    A file, or a path that does not exist (reported as not found, 1), is itself. A folder gives the files in it,
    as the review reads a submission folder; Refused (2) for a folder with nothing to check or a year's folder.
    """
    from tasks.intake.discover import list_folder, shown_name

    if not path.is_dir():
        return [path], None
    if (path / "bloc.yaml").is_file():
        year = path.name if path.name.isdigit() else "<năm>"
        raise Refused(
            f"{path} là thư mục hồ sơ của cả năm, không phải một thư mục nộp: hãy đưa đường dẫn tới tệp hoặc thư mục "
            f"cần kiểm tra, ví dụ {path / 'annual'}; để đánh giá cả năm, chạy thidua review --year {year}."
        )
    listing = list_folder(path)
    if not listing.readable:
        raise Refused(f"{path}: không đọc được thư mục (không có quyền liệt kê các tệp bên trong).")
    names = ", ".join(shown_name(folder.name) for folder in listing.subfolders)
    if not listing.files:
        inside = f" (chỉ có thư mục con: {names})" if names else ""
        example = f", ví dụ {listing.subfolders[0]}" if listing.subfolders else ""
        raise Refused(
            f"{path}: thư mục không có tệp nào để kiểm tra{inside}. Hãy đưa đường dẫn tới tệp, hoặc tới thư mục "
            f"chứa tệp{example}."
        )
    note = (
        f"{path}: không kiểm tra {count_text(len(listing.subfolders), 'thư mục con')} ({names}): chỉ các tệp nằm "
        "ngay trong thư mục được kiểm tra, như khi đánh giá."
        if listing.subfolders
        else None
    )
    return list(listing.files), note


def cmd_templates(args: argparse.Namespace) -> int:
    """``thidua templates --year YYYY``: blank workbooks for every ward."""
    from datetime import datetime

    from tasks.blank_workbooks import write_templates
    from tasks.config.year import load_year

    refuse_year_folder(args.inputs)
    config = load_year(args.inputs, args.year, args.bloc)
    out = args.outputs or Path("outputs") / str(args.year) / (args.bloc or "") / "templates"
    refuse_outputs_in_inputs(args.inputs, out)
    moment = datetime(config.year, 1, 1)
    written, kept = write_templates(config.bloc, config.catalogue, out, moment)
    print(f"Đã tạo {len(written)} biểu mẫu trống trong {out}: gửi cho các phường để điền.")
    if kept:
        print(f"Giữ nguyên {len(kept)} tệp đã có sẵn và khác biểu mẫu (có thể đã được điền), không ghi đè:")
        print("\n".join(f"  {path}" for path in kept))
    return OK


def cmd_serve(args: argparse.Namespace) -> int:
    """``thidua serve``: the scheduled ``monthly`` and the manual ``annual-review`` deployments, until stopped.

    Runs work in the current folder: start it from the folder that holds ``inputs/`` and ``outputs/``. It needs a
    Prefect server: the temporary one Prefect starts on its own does not run the scheduler, so the monthly run
    would never fire.
    """
    from prefect.settings import get_current_settings

    from flows import deployments

    if not get_current_settings().api.url:
        raise Refused(
            "thidua serve cần một máy chủ Prefect để chạy theo lịch: khởi động bằng `prefect server start`, chạy "
            "`prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api`, rồi chạy lại thidua serve."
        )
    print(
        f"Đang chạy lịch 'monthly' (cron {deployments.MONTHLY_CRON!r}, {deployments.TIMEZONE}) và 'annual-review' "
        f"(chạy tay) từ thư mục {Path.cwd()}; Ctrl+C để dừng (lịch tháng được tạm dừng)."
    )
    deployments.serve_deployments()
    return OK
