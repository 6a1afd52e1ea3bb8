"""How the command line starts a run: local Prefect settings, the designed result, a bad period refused."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

import flows.commands as commands
from flows.annual_review import ReviewResult
from flows.cli import main
from flows.commands import local_settings, start_monthly, start_review
from tests.flows.test_annual_review import EXPECTED_RANKING
from tests.support.reviews import review_run_folder


def test_local_runs_send_no_heartbeats_but_runs_on_a_lasting_server_do() -> None:
    before = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    assert before is not None  # Prefect's default: every 180 s
    with local_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == before
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}), local_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == before


@pytest.mark.slow  # a whole flow run (test_annual_review.py keeps one in `make test-fast`)
def test_the_command_line_review_ranks_as_designed_and_a_bad_period_stops_before_prefect(
    inputs: Path, tmp_path: Path
) -> None:
    """``start_review`` writes the designed ranking; a month 13 is refused before any run folder exists."""
    result = start_review(inputs, 2025, tmp_path / "outputs", force=False)
    assert (result.run_dir / "ranking.csv").read_text(encoding="utf-8") == EXPECTED_RANKING
    with pytest.raises(ValueError, match="YYYY-MM"):
        start_monthly(inputs, "2025-13", tmp_path / "outputs", force=False)
    assert not (tmp_path / "outputs" / "2025" / "monthly").exists()


@pytest.mark.slow  # two whole flow runs with worker processes: `make test` only
def test_files_read_ahead_while_prefect_starts_give_the_same_review_and_month(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With reading ahead on for the sample (as it is from a few hundred files on), the review and the month
    come out as designed, and the run itself reads no file: the workers read all fifty while Prefect started."""
    from tasks.edge import pool

    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    monkeypatch.setattr(pool, "MIN_FILES", 1)
    real_read_ahead, real_read_files = pool.reading_ahead, pool.read_files
    read_here: list[int] = []

    def read_ahead_then_count(*args: object) -> object:
        with real_read_ahead(*args):  # type: ignore[arg-type]
            monkeypatch.setattr(pool, "read_files", lambda f, *a: read_here.append(len(f)) or real_read_files(f, *a))
            yield
            monkeypatch.setattr(pool, "read_files", real_read_files)

    monkeypatch.setattr(pool, "reading_ahead", contextmanager(read_ahead_then_count))
    result = start_review(inputs, 2025, tmp_path / "outputs", force=True)
    assert (result.run_dir / "ranking.csv").read_text(encoding="utf-8") == EXPECTED_RANKING
    month = start_monthly(inputs, "2025-12", tmp_path / "outputs", force=True)
    assert month.missing == 0
    assert read_here == [0, 0]


def test_a_review_missing_a_month_asks_for_it_in_the_month_folder_of_the_inputs_given(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``thidua review --inputs <folder>``: Âu Lâu's October report is missing, so the next steps ask for it in
    October's folder under the --inputs given, not in a folder the secretariat never named."""
    run = review_run_folder(tmp_path / "runs")
    monkeypatch.setattr(commands, "start_review", lambda *args: ReviewResult(run, rejected=0, missing=0))
    assert main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(tmp_path / "o")]) == 0
    assert (
        f"  - Nhắc các phường còn thiếu báo cáo tháng nộp bổ sung vào thư mục của tháng đó "
        f"({inputs}/2025/monthly/2025-10/), rồi chạy lại lệnh này."
    ) in capsys.readouterr().out.splitlines()
