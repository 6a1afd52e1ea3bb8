"""How the command line starts a run: files read ahead, local Prefect settings."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

import flows.read_workers as read_workers
from flows.commands import local_settings, start_monthly, start_review
from tasks.edge.collector import resume_collector, startup_without_collector
from tests.flows.test_annual_review import EXPECTED_RANKING


def test_local_runs_send_no_heartbeats_but_runs_on_a_lasting_server_do() -> None:
    before = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    assert before is not None  # Prefect's default: every 180 s
    with local_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == before
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}), local_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == before


def test_the_review_takes_in_the_files_read_ahead_and_ranks_as_designed(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(read_workers.PROCESSES_ENV, "2")  # the sample is too small to read ahead on its own
    started: list[read_workers.ReadJob] = []
    collecting: list[bool] = []
    original = read_workers.ReadJob.__init__

    def spy(self: read_workers.ReadJob, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        started.append(self)
        collecting.append(gc.isenabled())

    monkeypatch.setattr(read_workers.ReadJob, "__init__", spy)
    result = start_review(inputs, 2025, tmp_path / "outputs", force=False)
    assert collecting == [False] and gc.isenabled()  # off while starting up, on again once the flow ran
    assert len(started) == 1  # the job read ahead, taken in by the flow: no second one
    assert len(started[0].files) == 50 and started[0].workers[0].args[-1] == str(read_workers.AHEAD_NICE)
    assert read_workers._ahead == []
    assert not started[0].folder.exists()
    assert (result.run_dir / "ranking.csv").read_text(encoding="utf-8") == EXPECTED_RANKING

    # a rerun finds every file in the parse cache: nothing to read ahead, nothing read
    started.clear()
    start_review(inputs, 2025, tmp_path / "outputs", force=False)
    assert started == []


def test_a_monthly_run_reads_ahead_only_its_month(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(read_workers.PROCESSES_ENV, "2")
    taken: list[int] = []
    original = read_workers.ReadJob.collect

    def spy(self: read_workers.ReadJob, wanted: read_workers.Files, keep: bool) -> tuple[list, int]:
        taken.append(len(self.files))
        return original(self, wanted, keep)

    monkeypatch.setattr(read_workers.ReadJob, "collect", spy)
    result = start_monthly(inputs, "2025-11", tmp_path / "outputs", force=False)
    month = sorted((inputs / "2025" / "monthly" / "2025-11").glob("*.xlsx"))
    assert taken == [len(month)] and len(month) > 0
    assert result.run_dir.is_dir()


def test_the_collector_paused_for_startup_resumes_only_if_it_was_running() -> None:
    """It turns the cycle collector off for startup and back on, but never on when someone else had it off."""
    gc.unfreeze()  # a known start: nothing frozen
    assert gc.isenabled()
    with startup_without_collector():
        assert not gc.isenabled()
        resume_collector()  # the flow starts working: what exists is frozen, the collector runs again
        assert gc.isenabled() and gc.get_freeze_count() > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0  # the process gets its objects back
    gc.disable()
    try:
        with startup_without_collector():
            resume_collector()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_command_that_fails_before_its_flow_turns_the_collector_back_on(inputs: Path, tmp_path: Path) -> None:
    """A bad period stops the monthly run before its flow, and the collector runs again all the same."""
    gc.unfreeze()  # a known start: nothing frozen
    with pytest.raises(ValueError, match="YYYY-MM"):
        start_monthly(inputs, "2025-13", tmp_path / "outputs", force=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0
