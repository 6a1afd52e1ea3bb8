"""The ``thidua`` command line (spec §7): Vietnamese help, one top-level handler, library noise hidden."""

from __future__ import annotations

import logging
import os
import select
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from flows.cli_help import (
    DESCRIPTION,
    EXAMPLES,
    CommandParser,
    VietnameseParser,
    bloc_option,
    exit_codes_text,
    folder_options,
    option,
    port_number,
    run_switches,
    version_text,
    year_option,
)
from tasks.edge.signals import stop_on_signals, stop_request

# Prefect gives its temporary server 20 s to start. The first start on a fresh machine also creates its
# database: on two busy cores that took 40-50 s (the very first run failed), and with the cores shared by ten
# busy processes the whole start-up took up to 3 min 12 s. Ten minutes is only a ceiling.
STARTUP_TIMEOUT_SECONDS = "600"
NOISY_LOGGERS = ("great_expectations", "httpx", "httpcore", "prefect", "alembic", "docket", "uvicorn", "distributed")


def _prefect_environment(verbose: bool) -> None:
    """No analytics; Prefect's temporary server given time to start; Prefect's console logs only with --verbose.

    Set before Prefect is imported (it reads its settings then); a value the user set wins.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", STARTUP_TIMEOUT_SECONDS)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    # the temporary server is a child process writing to the same terminal: a run stopped midway (Ctrl-C) made
    # it log a traceback of the events it could no longer record
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING" if verbose else "CRITICAL")


def _quiet_logging(verbose: bool) -> None:
    """English developer logs on standard error with --verbose; otherwise only what the user must read."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return
    # A handler that drops everything: libraries that set their own loggers' levels (GX sets INFO on some) still
    # propagate to the root, and with no handler at all Python would print warnings through its last resort.
    logging.basicConfig(level=logging.CRITICAL, handlers=[logging.NullHandler()])
    logging.captureWarnings(True)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _review_parser(sub: Any) -> None:
    p = sub.add_parser(
        "review",
        help="đánh giá cả năm: kiểm tra, chấm điểm, xếp hạng, biên bản",
        description=(
            "Đánh giá thi đua cả năm của Khối: đọc hồ sơ trong THƯ_MỤC/<năm>/, kiểm tra, chấm điểm, xếp hạng, "
            "ghi bảng xếp hạng và biên bản vào một thư mục kết quả mới."
        ),
    )
    year_option(p, "năm đánh giá (bắt buộc)", None)
    folder_options(p)
    run_switches(p)
    option(
        p.options,
        "--task-runner",
        choices=["thread", "dask"],
        default="thread",
        meaning="khi thư mục năm có nhiều khối: chạy các khối trên nhiều luồng (thread) hoặc trên Dask "
        "(dask, cần cài thêm gói [dask])",
        shown="thread",
        example="--task-runner dask",
    )


def _monthly_parser(sub: Any) -> None:
    p = sub.add_parser(
        "monthly",
        help="bảng theo dõi một tháng (báo cáo chỉ tiêu tháng)",
        description=(
            "Kiểm tra báo cáo chỉ tiêu của một tháng và ghi bảng theo dõi tạm thời. Tháng phải nằm trong "
            "monthly_window của criteria.yaml và có báo cáo trong thư mục monthly/<YYYY-MM>/; nếu không, lệnh "
            "dừng với mã 2."
        ),
    )
    option(
        p.options,
        "--period",
        required=True,
        metavar="YYYY-MM",
        meaning="tháng báo cáo (bắt buộc)",
        shown=None,
        example="--period 2025-11",
    )
    folder_options(p)
    run_switches(p)
    option(
        p.options,
        "--allow-empty-month",
        action="store_true",
        meaning="vẫn chạy khi tháng chưa có báo cáo nào (mọi phường sẽ là chưa nộp)",
        shown="không bật: tháng chưa có báo cáo bị từ chối",
        example="--allow-empty-month",
    )


def _other_parsers(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="kiểm tra một hay nhiều tệp trước khi nộp, không chạy đánh giá",
        description="Kiểm tra tệp của phường theo đúng các quy tắc của lần đánh giá; không ghi gì.",
    )
    check.arguments.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="TỆP",
        help="tệp Excel cần kiểm tra (một hay nhiều), hoặc thư mục chứa các tệp đó (không kể thư mục con)",
    )
    year_option(check, "năm của hồ sơ", "năm ghi trong tệp, nếu không có thì năm mới nhất trong --inputs")
    folder_options(check, outputs=False)
    bloc_option(check)
    templates = sub.add_parser(
        "templates",
        help="tạo biểu mẫu trống cho mọi phường",
        description="Tạo biểu mẫu Excel trống (tự chấm điểm năm, báo cáo tháng) cho mọi phường của Khối.",
    )
    year_option(templates, "năm của biểu mẫu (bắt buộc)", None, "--year 2026")
    folder_options(templates, outputs=False)
    option(
        templates.options,
        "--outputs",
        type=Path,
        default=None,
        metavar="THƯ_MỤC",
        meaning="nơi ghi biểu mẫu",
        shown="outputs/<năm>/templates (với --bloc: outputs/<năm>/<mã khối>/templates)",
        example="--outputs D:/bieumau",
    )
    bloc_option(templates)
    verify = sub.add_parser(
        "verify",
        help="kiểm tra một thư mục kết quả có bị sửa hay thiếu tệp không",
        description="Tính lại mã băm (sha256) mọi tệp của một lần chạy và so với manifest.json.",
    )
    verify.arguments.add_argument(
        "run_dir",
        type=Path,
        metavar="THƯ_MỤC_KẾT_QUẢ",
        help="thư mục của một lần chạy. Ví dụ: outputs/2025/review/latest",
    )
    sub.add_parser(
        "serve",
        help="chạy lịch tự động (tháng) trên máy này, cần máy chủ Prefect",
        description="Đăng ký và chạy lịch tự động monthly (07:00 ngày 5 hằng tháng) và annual-review (chạy tay) "
        "từ thư mục hiện tại. Cần PREFECT_API_URL trỏ tới một máy chủ Prefect.",
    )


def _web_parser(sub: Any) -> None:
    web = sub.add_parser(
        "web",
        help="trang kiểm tra hồ sơ cho phường và trang xem các lần chạy cho cơ quan kiểm tra",
        description="Mở trang web kiểm tra hồ sơ (/), /api/check và trang các lần chạy (/runs) đến khi Ctrl+C.",
    )
    option(
        web.options,
        "--host",
        default="127.0.0.1",
        metavar="ĐỊA_CHỈ",
        meaning="địa chỉ nghe; một địa chỉ khác 127.0.0.1 mở trang cho cả mạng",
        shown="127.0.0.1 (chỉ máy này)",
        example="--host 0.0.0.0",
    )
    option(web.options, "--port", type=port_number, default=8050, metavar="CỔNG", meaning="cổng", shown="8050",
           example="--port 8080")  # fmt: skip
    year_option(web, "năm có quy định được áp dụng", "năm mới nhất trong --inputs")
    folder_options(web)
    bloc_option(web, "khi thư mục năm chia theo khối (<năm>/<mã khối>/): khối mà trang kiểm tra phục vụ")
    option(
        web.options,
        "--runs-password-file",
        type=Path,
        metavar="TỆP",
        meaning="tệp YAML chứa mật khẩu đã băm của trang /runs",
        shown="không có: /runs không cần mật khẩu",
        example="--runs-password-file /etc/thidua/runs.yaml",
    )
    option(
        web.options,
        "--hash-password",
        action="store_true",
        meaning="hỏi một mật khẩu mới cho /runs và in dạng đã băm để ghi vào tệp trên",
        shown="không bật",
        example="--hash-password",
    )


def build_parser() -> CommandParser:
    """The whole ``thidua`` parser, in Vietnamese."""
    parser = CommandParser(prog="thidua", description=DESCRIPTION, epilog=f"{EXAMPLES}\n\n{exit_codes_text()}")
    parser.options.add_argument("--version", action="version", version=version_text(), help="in phiên bản rồi thoát")
    sub = parser.add_subparsers(
        dest="command", required=False, title="Lệnh", metavar="LỆNH", parser_class=VietnameseParser
    )
    _review_parser(sub)
    _monthly_parser(sub)
    _other_parsers(sub)
    _web_parser(sub)
    for name, p in sub.choices.items():
        if name not in ("review", "monthly"):  # theirs sits with the run switches
            option(
                p.options,
                "--verbose",
                action="store_true",
                meaning="in nhật ký kỹ thuật (tiếng Anh) và chi tiết lỗi nếu có",
                shown="không bật",
                example="--verbose",
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``thidua`` console script: run the command, turn any failure into one sentence + status."""
    from tasks.edge.collector import configure_collector

    configure_collector()  # before the large imports: the process's one collector policy
    args = build_parser().parse_args(argv)
    stop_on_signals()  # a stop request unwinds like Ctrl-C: workers and Prefect's server end with the run
    _prefect_environment(args.verbose)
    _quiet_logging(args.verbose)
    from flows.failures import describe

    try:
        from flows import commands, web_command

        module = web_command if args.command == "web" else commands
        return int(getattr(module, f"cmd_{args.command}")(args))
    except BaseException as exc:
        if isinstance(exc, (SystemExit, GeneratorExit)):
            raise
        if isinstance(exc, BrokenPipeError) and _reader_gone():  # `thidua check … | head`: not a failure
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to write at exit
            return 128 + signal.SIGPIPE
        failure = describe(exc, stop_request())
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        print(f"thidua: {failure.message}", file=sys.stderr)
        return failure.code


def _reader_gone() -> bool:
    """The program reading this process's output (``| head``, ``| more``) has closed it.

    Then there is nobody to tell, and a shell's own tools end quietly with 128 + SIGPIPE: so does thidua.
    """
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no standard output file
        return False


def entry() -> None:
    """Console-script entry. ``check`` writes nothing, so it skips interpreter teardown (~0.7 s of unloading
    Great Expectations' modules); every other command exits normally so Prefect can stop its server."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] == ["check"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
