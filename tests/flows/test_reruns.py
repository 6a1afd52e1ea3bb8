"""Reruns and safety: a killed run, two runs at once, a corrected ward file (the monthly flow: test_monthly.py)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from flows.annual_review import annual_review
from flows.cli import main
from tasks.outputs.run_folder import RunLocked, run_lock
from tests.support.executables import executable
from tests.support.sample import EditFn

KILL_TIMEOUT = 240.0
SAPA_DECEMBER = "monthly/2025-12/bao-cao-chi-tieu-2025-12-sapa.xlsx"


def _complete_runs(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.endswith(".incomplete"))


def _kill_when_incomplete(proc: subprocess.Popen[bytes], base: Path) -> Path:
    """Wait for the run's ``.incomplete`` folder, then SIGKILL the whole process group (the run and its workers)."""
    deadline = time.monotonic() + KILL_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        found = sorted(base.glob("*.incomplete")) if base.is_dir() else []
        if found:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return found[0]
        time.sleep(0.02)
    pytest.fail(f"thidua review never showed an .incomplete folder (exit status {proc.poll()})")


@pytest.mark.slow  # two flow runs and the command line in a subprocess: `make test` only
def test_a_killed_run_leaves_latest_on_the_last_complete_run(inputs: Path, tmp_path: Path, prefect_api: str) -> None:
    """SIGKILL midway: latest still points at the first run, the killed folder stays .incomplete without a
    manifest, its lock dies with it, and the next run compares itself with the first run.

    The killed command runs its flow on the session's Prefect server (the one the other two runs use), not on a
    temporary server of its own: what a kill does to the run folder does not depend on where the run is recorded.
    """
    outputs, base = tmp_path / "outputs", tmp_path / "outputs" / "2025" / "review"
    first = annual_review(year=2025, inputs=inputs, outputs=outputs).run_dir
    env = os.environ | {"PREFECT_API_URL": prefect_api}
    args = [executable("thidua"), "review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(outputs)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        killed = _kill_when_incomplete(proc, base)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert (base / "latest").resolve() == first.resolve()
    assert killed.name.endswith(".incomplete") and not (killed / "manifest.json").exists()
    assert _complete_runs(base) == [first]
    third = annual_review(year=2025, inputs=inputs, outputs=outputs).run_dir
    assert (base / "latest").resolve() == third.resolve() and killed.is_dir()
    changes = json.loads((third / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous_run"] == first.name


def test_a_review_cannot_start_while_another_holds_the_year(inputs: Path, tmp_path: Path) -> None:
    """Another run holds the lock of outputs/2025/review: the flow stops with RunLocked and writes nothing."""
    base = tmp_path / "outputs" / "2025" / "review"
    with run_lock(base), pytest.raises(RunLocked, match="another run is writing to"):
        annual_review(year=2025, inputs=inputs, outputs=tmp_path / "outputs")
    assert [p.name for p in base.iterdir()] == [".lock"]


@pytest.mark.parametrize(
    ("command", "folder"),
    [(["review", "--year", "2025"], "review"), (["monthly", "--period", "2025-12"], "monthly/2025-12")],
)
def test_the_cli_says_clearly_that_another_run_is_busy(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], folder: str
) -> None:
    """thidua review/monthly on a locked folder: non-zero exit, one plain message naming the folder."""
    outputs = tmp_path / "outputs"
    with run_lock(outputs / "2025" / folder):
        status = main([*command, "--inputs", str(inputs), "--outputs", str(outputs)])
    err = capsys.readouterr().err
    assert status != 0
    assert "Một lần chạy khác đang ghi vào" in err and str(outputs / "2025") in err and "Traceback" not in err


@pytest.mark.slow  # two flow runs (the change report itself: tests/tasks/outputs/test_changes.py)
def test_a_corrected_ward_file_shows_up_in_the_change_report(inputs: Path, tmp_path: Path, edit_row: EditFn) -> None:
    """Sa Pa lowers its December CT01 year-to-date to 50 %: changes.json names the file, the total and 2.1."""
    outputs = tmp_path / "outputs"
    annual_review(year=2025, inputs=inputs, outputs=outputs)
    edit_row(inputs / "2025" / SAPA_DECEMBER, "Chỉ tiêu", "CT01", "Lũy kế từ đầu năm", 50)
    second = annual_review(year=2025, inputs=inputs, outputs=outputs).run_dir
    changes = json.loads((second / "changes.json").read_text(encoding="utf-8"))
    assert [c["path"] for c in changes["inputs"]["changed"]] == [SAPA_DECEMBER]
    sapa = next(w for w in changes["wards"] if w["ward_code"] == "SAPA")
    total = next(c for c in sapa["changes"] if c["field"] == "total")
    assert (total["old"], total["new"]) == ("97.72", "93.72")
    cause = next(c for c in sapa["causes"] if c["code"] == "2.1")
    assert (cause["old_points"], cause["new_points"], cause["file"]) == ("8.00", "4.00", SAPA_DECEMBER)
    report = (second / "changes.md").read_text(encoding="utf-8")
    assert SAPA_DECEMBER in report
    sapa_line = next(line for line in report.splitlines() if "Sa Pa" in line)
    assert "97,72 → 93,72" in sapa_line and "2.1" in sapa_line
