"""The command line as the secretariat meets it: Vietnamese help, refused months, one sentence, no traceback."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import flows.cli as cli
import flows.commands as commands
from flows.cli import build_parser, main
from flows.commands import refuse_month
from flows.console import STARTUP_NOTICE
from tasks.config.year import load_year

ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = ("review", "monthly", "check", "templates", "verify", "serve", "web")


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ``main`` from reconfiguring the test process's logging (the subprocess test covers that part)."""
    monkeypatch.setattr(cli, "_quiet_logging", lambda verbose: None)


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_the_main_help_is_vietnamese_with_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """thidua --help: a Vietnamese description, every command, examples and the exit codes."""
    out = _help(capsys)
    assert out.startswith("Cách dùng: thidua")
    assert "Đánh giá, chấm điểm thi đua của Khối" in out
    assert all(name in out for name in SUBCOMMANDS)
    assert "Ví dụ:" in out and "thidua review --year 2025" in out
    assert "Mã thoát:" in out and "130" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_option_of_every_command_says_what_it_means_its_default_and_an_example(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Each subcommand's help is Vietnamese; every option but --help has an example, and a default unless required."""
    out = _help(capsys, command)
    assert out.startswith(f"Cách dùng: thidua {command}") and "Mã thoát:" in out
    options = _option_entries(out)
    assert "--inputs" in options or command in ("verify", "serve")
    for name, text in options.items():
        if name in ("-h", "--verbose"):
            continue
        assert "Ví dụ:" in text, (command, name)
        assert "Mặc định:" in text or "(bắt buộc)" in text, (command, name)


def _option_entries(help_text: str) -> dict[str, str]:
    """Option name → its help text (wrapped lines joined), as the options section of ``help_text`` shows them."""
    entries: dict[str, str] = {}
    current = None
    section = help_text.split("Tuỳ chọn:\n", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        if found := re.match(r"  (-[-\w]+)", line):
            current = found.group(1)
            entries[current] = line
        elif current:
            entries[current] += " " + line.strip()
    return entries


def test_version_names_thidua_and_the_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    """thidua --version prints the versions a support request needs."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("thidua ") and "Prefect 3." in out and "Great Expectations 1." in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["review"], "thiếu tham số bắt buộc: --year"),
        (["review", "--year", "hai"], "--year: giá trị không hợp lệ 'hai'"),
        (["reveiw", "--year", "2025"], "không có lựa chọn 'reveiw'"),
        (["review", "--year", "2025", "--nhanh"], "không hiểu tham số: --nhanh"),
    ],
)
def test_a_mistyped_command_gets_a_vietnamese_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    """A usage mistake: exit 2, the usage and one Vietnamese line naming the mistake."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "lỗi: " in err and words in err and "error:" not in err


def test_a_month_outside_the_window_is_refused(
    quiet: None, inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """thidua monthly --period 2025-08 (the window is 09-12/2025): exit 2, the window named, nothing written."""
    outputs = tmp_path / "outputs"
    code = main(["monthly", "--period", "2025-08", "--inputs", str(inputs), "--outputs", str(outputs)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Tháng 08/2025 nằm ngoài khoảng theo dõi của năm 2025" in err and "từ 09/2025 đến 12/2025" in err
    assert not outputs.exists()


def test_a_month_without_reports_is_refused_unless_allowed(
    quiet: None, inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A month of the window whose folder is empty: exit 2 and the flag to use; the flag lets it through."""
    for report in (inputs / "2025" / "monthly" / "2025-11").iterdir():
        report.unlink()
    outputs = tmp_path / "outputs"
    argv = ["monthly", "--period", "2025-11", "--inputs", str(inputs), "--outputs", str(outputs)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Tháng 11/2025 chưa có báo cáo nào" in err and "--allow-empty-month" in err and not outputs.exists()

    refuse_month(load_year(inputs, 2025), "2025-11", allow_empty=True)  # what --allow-empty-month asks for


def test_a_period_that_is_not_a_month_is_refused(quiet: None, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--period 2025-13: exit 2 and the expected form, in Vietnamese."""
    assert main(["monthly", "--period", "2025-13", "--inputs", str(inputs)]) == 2
    assert "Tháng phải viết dạng YYYY-MM, ví dụ 2025-11; đã nhận '2025-13'." in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "words", "code"),
    [
        (RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."), "máy chủ Prefect", 3),
        (
            OSError(errno.ENOSPC, "No space left on device", "outputs/2025"),
            "Ổ đĩa đã đầy, không ghi được outputs/2025",
            3,
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/ketqua"),
            "Không có quyền đọc hoặc ghi /srv/ketqua",
            3,
        ),
        (ModuleNotFoundError("No module named 'prefect_dask'", name="prefect_dask"), "--task-runner dask", 2),
        (MemoryError(), "không đủ bộ nhớ", 3),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/tmp/tep/out"), "là tệp, không phải thư mục", 3),
        (ZeroDivisionError("division by zero"), "Lỗi không mong đợi (ZeroDivisionError)", 3),
        (KeyboardInterrupt(), "Đã dừng theo yêu cầu", 130),
    ],
)
def test_any_failure_is_one_vietnamese_sentence_and_an_exit_code(
    quiet: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: BaseException,
    words: str,
    code: int,
) -> None:
    """Whatever breaks inside a command, the user reads one line of Vietnamese and no traceback."""

    def broken(args: object) -> int:
        raise error

    monkeypatch.setattr(commands, "cmd_review", broken)
    assert main(["review", "--year", "2025"]) == code
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and words in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_a_wrapped_failure_is_named_by_its_cause(
    quiet: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A disk-full error raised inside a library's own exception is still told as a full disk."""

    def broken(args: object) -> int:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "outputs/x.xlsx")
        except OSError as exc:
            raise RuntimeError("task failed") from exc

    monkeypatch.setattr(commands, "cmd_review", broken)
    assert main(["review", "--year", "2025"]) == 3
    assert "Ổ đĩa đã đầy" in capsys.readouterr().err


def test_verbose_shows_the_traceback_too(
    quiet: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --verbose the developer gets the traceback, and the user sentence still closes the output."""

    def broken(args: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(commands, "cmd_review", broken)
    assert main(["review", "--year", "2025", "--verbose"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("thidua: Lỗi không mong đợi")


def test_a_broken_yaml_file_is_named_in_one_sentence(
    quiet: None, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A criteria.yaml that is not YAML: exit 2 before anything runs, the file named."""
    (inputs / "2025" / "criteria.yaml").write_text("groups: [unclosed\n", encoding="utf-8")
    assert main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(inputs.parent / "o")]) == 2
    err = capsys.readouterr().err
    assert "Cấu hình không dùng được, chưa chạy gì" in err and "criteria.yaml" in err and "Traceback" not in err


def test_a_review_prints_a_line_per_stage_and_a_summary_and_no_library_noise(inputs: Path, tmp_path: Path) -> None:
    """thidua review, output to a pipe: Vietnamese stage lines with counts and times, the summary, nothing else."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_LOGGING_LEVEL", "PREFECT_API_URL")}
    outputs = tmp_path / "outputs"
    argv = ["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(outputs)]
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no INFO lines, no "Created temporary directory", no warnings
    lines = done.stdout.splitlines()
    if lines[0] == STARTUP_NOTICE:  # a start-up longer than a few seconds is announced first
        lines = lines[1:]
    assert lines[0].startswith("Khởi động Prefect và các thư viện: ") and lines[0].endswith(" giây")
    assert lines[1].startswith("Đọc hồ sơ: 50 tệp, ")
    assert lines[2].startswith("Kiểm tra hồ sơ: 50 hồ sơ, ")
    assert lines[3].startswith("Chấm điểm và xếp hạng: 10 phường, ")
    assert lines[4].startswith("Ghi kết quả: ")
    assert "\r" not in done.stdout and "█" not in done.stdout  # no live line when the output is not a terminal
    assert "Đánh giá năm 2025 đã xong." in lines
    assert "  Hồ sơ: 50 tệp, 50 hợp lệ, 0 bị từ chối." in lines
    assert "  Phường: 10/10 có hồ sơ hợp lệ; 0 bị từ chối; 0 chưa nộp." in lines
    run = next(p for p in (outputs / "2025" / "review").iterdir() if p.name.startswith("20"))
    assert f"  Kết quả: {run}" in lines
    assert any("Gửi 2 bảng phản hồi" in line for line in lines)
