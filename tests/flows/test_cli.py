"""The command line as the secretariat meets it: refused months, one sentence, no traceback, stage lines.

The help text is tested in ``test_cli_help.py``, the sentence of each failure in ``test_failures.py``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import flows.cli as cli
import flows.commands as commands
import tasks.edge.signals as signals
from flows.cli import main
from flows.commands import refuse_month
from flows.console import STARTUP_NOTICE
from tasks.config.year import load_year
from tasks.outputs.run_folder import finish_run, sha256_bytes, start_run, write_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ``main`` from reconfiguring the test process's logging (the subprocess test covers that part)."""
    monkeypatch.setattr(cli, "_quiet_logging", lambda verbose: None)


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
    """A month of the window whose folder holds no report (only files Windows and Excel leave behind): exit 2 and
    the flag to use; the flag lets it through."""
    for report in (inputs / "2025" / "monthly" / "2025-11").iterdir():
        report.unlink()
    for junk in ("Thumbs.db", "desktop.ini", "~$bao-cao.xlsx"):
        (inputs / "2025" / "monthly" / "2025-11" / junk).write_bytes(b"x")
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


def test_a_wrapped_failure_is_named_by_its_cause(
    quiet: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A disk-full error raised inside a library's own exception is still told as a full disk, in one line."""

    def broken(args: object) -> int:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "outputs/x.xlsx")
        except OSError as exc:
            raise RuntimeError("task failed") from exc

    monkeypatch.setattr(commands, "cmd_review", broken)
    assert main(["review", "--year", "2025"]) == 3
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Ổ đĩa đã đầy" in captured.err  # one line, no traceback
    assert "Traceback" not in captured.err + captured.out


def test_an_error_raised_while_stopping_still_reads_as_the_stop(
    quiet: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM arrives and a library, unwinding, raises its own error in place of the stop: the secretariat
    still reads that the run stopped as asked, exit 130, in one line."""
    monkeypatch.setattr(signals, "_requests", [])
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}

    def stopped_badly(args: object) -> int:
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
        raise ValueError("I/O operation on closed file")

    monkeypatch.setattr(commands, "cmd_review", stopped_badly)
    try:
        assert main(["review", "--year", "2025"]) == 130
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("thidua: Đã dừng theo yêu cầu của hệ thống")


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
    """A criteria.yaml that is not YAML: exit 2 before anything runs, the file and line named in Vietnamese."""
    (inputs / "2025" / "criteria.yaml").write_text("groups: [unclosed\n", encoding="utf-8")
    assert main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(inputs.parent / "o")]) == 2
    err = capsys.readouterr().err
    assert "Cấu hình không dùng được, chưa chạy gì" in err and "criteria.yaml" in err and "Traceback" not in err
    assert "criteria.yaml, dòng 2, cột 1: không phải YAML hợp lệ: cấu trúc sai" in err and "expected" not in err


def test_an_empty_meeting_file_is_named_as_empty(quiet: None, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty meeting.yaml: exit 2, the file named and called empty (not "ô trống", a spreadsheet's empty cell)."""
    meeting = inputs / "2025" / "meeting.yaml"
    meeting.write_text("", encoding="utf-8")
    assert main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(inputs.parent / "o")]) == 2
    assert capsys.readouterr().err == (
        f"thidua: Cấu hình không dùng được, chưa chạy gì: {meeting}: tệp trống, không có nội dung nào (chỉ có dòng "
        "trống hoặc chú thích). Sửa rồi chạy lại.\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["review", "--year", "2025"],
        ["monthly", "--period", "2025-11"],
        ["templates", "--year", "2025"],
        ["check", "tu-cham-diem.xlsx"],
        ["web"],
    ],
)
def test_a_year_folder_given_as_inputs_is_refused_naming_the_folder_to_give(
    quiet: None, inputs: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """``--inputs inputs/2025`` (the year's folder, not the folder of the years): exit 2, and the option to type."""
    assert main([*command, "--inputs", str(inputs / "2025")]) == 2
    assert capsys.readouterr().err == (
        f"thidua: {inputs / '2025'} là thư mục hồ sơ của một năm, còn --inputs cần thư mục chứa các năm "
        f"(2025/, 2026/, …): chạy lại với --inputs {inputs}.\n"
    )


def test_verify_names_each_difference_in_vietnamese_and_exits_1(
    quiet: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """thidua verify on a run with a changed output, and on one whose manifest is not thidua's: the auditor reads
    each finding in Vietnamese with its path, and a closing count; exit 1, no traceback."""
    run = finish_run(start_run(tmp_path / "review", "20260115T080000000Z-abcd"), {"inputs_root": str(tmp_path)})
    assert main(["verify", str(run)]) == 0
    assert "khớp với manifest.json: kết quả không bị sửa" in capsys.readouterr().out
    write_bytes(run / "ghi-them.txt", b"added by hand")
    assert main(["verify", str(run)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Tệp không có trong manifest.json: {run / 'ghi-them.txt'}",
        f"{run}: có 1 sai khác với manifest.json (kể ở trên).",
        f"Tệp đầu vào được so tại thư mục lần chạy đã đọc (ghi trong manifest.json): {tmp_path}, 0 tệp.",
    ]
    for wrong, said in (
        (tmp_path / "khong-co", "không có thư mục"),
        (tmp_path / "review", "không phải thư mục kết quả"),
    ):
        assert main(["verify", str(wrong)]) == 2  # a mistyped path is refused, not reported as tampering
        assert said in capsys.readouterr().err
    (run / "manifest.json").write_text("[]", encoding="utf-8")
    assert main(["verify", str(run)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("manifest.json không đúng dạng thidua ghi") and "Traceback" not in captured.err


def test_verify_says_the_inputs_path_is_the_one_the_run_recorded(
    quiet: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An auditor verifying a run folder: the inputs folder shown is said to be where the run read its inputs (as
    manifest.json records it), relative to the current folder when inside it; on a copy whose recorded folder is
    not on this machine, the line says the path is the original machine's, not one verify reads."""
    inputs = tmp_path / "inputs" / "2025"
    write_bytes(inputs / "bloc.yaml", b"code: khoi\n")
    listed = [{"path": "bloc.yaml", "sha256": sha256_bytes(b"code: khoi\n")}]
    run = finish_run(
        start_run(tmp_path / "review", "20260115T080000000Z-abcd"), {"inputs_root": str(inputs), "inputs": listed}
    )
    monkeypatch.chdir(tmp_path)
    assert main(["verify", str(run)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Mọi tệp trong {run} khớp với manifest.json: kết quả không bị sửa, tệp đầu vào không đổi.",
        "Tệp đầu vào được so tại thư mục lần chạy đã đọc (ghi trong manifest.json): inputs/2025, 1 tệp.",
    ]
    copy = tmp_path / "ban-sao"
    shutil.copytree(run, copy)
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(str(inputs), "/home/vanphong/inputs/2025"))
    assert main(["verify", str(copy)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Chưa kiểm tra được các tệp đầu vào: lần chạy đã đọc chúng trong thư mục /home/vanphong/inputs/2025 (đường "
        "dẫn ghi trong manifest.json, trên máy đã chạy), nhưng ở đây không có thư mục này",
        f"{copy}: có 1 sai khác với manifest.json (kể ở trên).",
    ]


@pytest.mark.parametrize(
    "command", [["review", "--year", "2025"], ["monthly", "--period", "2025-11"], ["templates", "--year", "2025"]]
)
def test_an_outputs_folder_inside_the_inputs_is_refused_before_anything_is_written(
    quiet: None, inputs: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--outputs inside --inputs would write into the wards' folder and have the next run read it back: exit 2,
    one Vietnamese sentence, the inputs unchanged."""
    before = sorted(p for p in inputs.rglob("*"))
    assert main([*command, "--inputs", str(inputs), "--outputs", str(inputs / "2025" / "annual")]) == 2
    assert "nằm trong thư mục hồ sơ" in capsys.readouterr().err
    assert sorted(p for p in inputs.rglob("*")) == before


def test_output_piped_to_a_reader_that_stops_early_ends_quietly(
    quiet: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``thidua verify … | head -1``: once the reader has gone, thidua stops writing and says nothing of it (128 +
    SIGPIPE, as a shell's own tools); a broken pipe elsewhere is still reported."""
    run = finish_run(start_run(tmp_path / "review", "20260115T080000000Z-abcd"), {"inputs_root": str(tmp_path)})
    for n in range(3):
        write_bytes(run / f"them-{n}.txt", b"added by hand")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone
    with open(write_end, "w", encoding="utf-8", buffering=1) as pipe, contextlib.redirect_stdout(pipe):
        assert main(["verify", str(run)]) == 128 + signal.SIGPIPE
    assert capsys.readouterr().err == ""

    def broken(args: object) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(commands, "cmd_verify", broken)  # a pipe to something else broke: stdout is fine
    assert main(["verify", str(run)]) == 3
    assert "Không đọc hoặc ghi được" in capsys.readouterr().err


@pytest.mark.slow  # the whole command line in a subprocess: `make test` only
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
