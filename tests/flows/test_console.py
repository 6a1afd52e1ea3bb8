"""How the progress events of a run read, on a terminal and in a log file."""

from __future__ import annotations

import io
import time

import pytest

import flows.console as console_module
from flows.console import OpenStage, final_line, live_line, progress_console, seconds_text
from flows.progress import stage


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_durations_and_counts_are_written_the_vietnamese_way() -> None:
    """0,4 giây; 2 phút 05 giây; 1.000 tệp."""
    assert seconds_text(0.44) == "0,4 giây"
    assert seconds_text(125.2) == "2 phút 05 giây"
    assert final_line("read", 1000, 3.25) == "Đọc hồ sơ: 1.000 tệp, 3,2 giây"
    assert final_line("write", None, 0.7) == "Ghi kết quả: 0,7 giây"


def test_without_a_terminal_each_stage_is_one_plain_line() -> None:
    """Piped output: one line per finished stage, with its count, in order; no carriage returns."""
    out = io.StringIO()
    with progress_console(out):
        with stage("read") as advance:
            advance(50)
        with stage("validate", total=50) as advance:
            advance(20)
            advance(30)
        with stage("write"):
            pass
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Khởi động Prefect và các thư viện",
        "Đọc hồ sơ",
        "Kiểm tra hồ sơ",
        "Ghi kết quả",
    ]
    assert lines[1].startswith("Đọc hồ sơ: 50 tệp, ") and lines[2].startswith("Kiểm tra hồ sơ: 50 hồ sơ, ")
    assert "\r" not in out.getvalue()


def test_a_stage_inside_another_is_counted_in_the_outer_one() -> None:
    """The province run: one line for the blocs, none for each bloc's own stages."""
    out = io.StringIO()
    with progress_console(out), stage("blocs", total=3) as blocs:
        for _ in range(3):
            with stage("read") as advance:
                advance(5)
            blocs(1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Đánh giá các khối: 3 khối, ")


def test_a_failed_command_leaves_no_stage_line_behind() -> None:
    """When the command stops with an error, the start-up is not reported as done."""
    out = io.StringIO()
    try:
        with progress_console(out):
            raise ValueError("refused")
    except ValueError:
        pass
    assert out.getvalue() == ""


def test_on_a_terminal_a_stage_with_a_total_draws_a_bar_and_ends_on_its_final_line() -> None:
    """A terminal sees a bar that is replaced, on the same line, by the stage's final line."""
    out = _Terminal()
    with progress_console(out), stage("validate", total=4) as advance:
        advance(2)
        assert "Kiểm tra hồ sơ ████████████░░░░░░░░░░░░ 2/4 hồ sơ" in out.getvalue()
    text = out.getvalue()
    last = text.rstrip("\n").split("\n")[-1].split("\r")[-1]  # what stays on screen after the carriage returns
    assert "\r" in text and last.startswith("Kiểm tra hồ sơ: 2 hồ sơ, ")


def test_a_stage_without_a_total_shows_the_time_so_far() -> None:
    """Reading an unknown number of files: the label and the seconds so far."""
    assert live_line(OpenStage("read", None, 0, 10.0), 12.5) == "Đọc hồ sơ… 2,5 giây"


def test_a_long_start_up_is_announced_in_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped output: a start-up still running after a few seconds gets one line saying what it waits for."""
    monkeypatch.setattr(console_module, "ANNOUNCE_AFTER_SECONDS", 0.05)
    out = io.StringIO()
    with progress_console(out):
        for _ in range(400):  # until the notice is written (the timer's thread may be slow on a busy machine)
            if out.getvalue():
                break
            time.sleep(0.05)
        with stage("read") as advance:
            advance(1)
    lines = out.getvalue().splitlines()
    assert lines[0] == console_module.STARTUP_NOTICE
    assert lines[1].startswith("Khởi động Prefect và các thư viện: ") and lines[2].startswith("Đọc hồ sơ: 1 tệp")


def test_a_stage_that_learns_its_total_on_the_way_draws_a_bar_to_it() -> None:
    """Reading finds its files first: the bar then counts to the number of files found."""
    out = io.StringIO()
    with progress_console(out, live=True), stage("read") as advance:
        advance(0, total=4)
        advance(3)
        assert "3/4 tệp" in out.getvalue()
        advance(1)
    assert "Đọc hồ sơ: 4 tệp" in out.getvalue()
