"""The steps the flows share: find the year's files, read them, time each stage, and retry only file IO.

The Prefect tasks are called through their plain function (``.fn``): what they do is tested here without
starting a flow run; the flows themselves are run in ``test_annual_review.py`` and ``test_monthly.py``.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any, ClassVar

import prefect.server.api.server as prefect_server
import pytest

from flows.steps import (
    find_inputs,
    find_month_inputs,
    read_submissions,
    start_temporary_server,
    timed,
    validate_submissions,
    whole,
)
from tasks.config.year import YearConfig, year_config
from tasks.domain import Kind, Status
from tests.support.sample import copy_sample


@pytest.fixture
def config(tmp_path: Path) -> YearConfig:
    """The 2025 configuration over a writable copy of the sample."""
    return year_config(copy_sample(tmp_path / "inputs"), 2025)


def test_the_year_s_files_are_found_with_their_month(config: YearConfig) -> None:
    """10 self-assessments and 40 monthly reports (September to December), each with the month of its folder."""
    found = find_inputs.fn(config)
    annual = [f for f, period in found if f.kind is Kind.ANNUAL and period is None]
    months = sorted({period for f, period in found if f.kind is Kind.MONTHLY})
    assert len(found) == 50 and len(annual) == 10
    assert months == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert all(len(f.sha256) == 64 for f, _ in found)


def test_one_month_s_files_are_those_of_its_folder(config: YearConfig) -> None:
    """thidua monthly --period 2025-12 reads the ten reports of monthly/2025-12/ and nothing else."""
    found = find_month_inputs.fn(config, "2025-12")
    assert len(found) == 10 and {period for _, period in found} == {"2025-12"}
    assert all(f.rel.startswith("monthly/2025-12/") for f, _ in found)


def test_a_broken_file_is_read_as_a_rejected_submission_not_a_failure(config: YearConfig) -> None:
    """One truncated workbook among the fifty: the read step still returns all fifty, that one rejected."""
    files = find_inputs.fn(config)
    broken = files[0][0].path
    broken.write_bytes(broken.read_bytes()[:2000])
    told: list[int] = []
    subs = read_submissions.fn(find_inputs.fn(config), config, progress=told.append)
    assert len(subs) == 50 and sum(told) == 50  # every file, the broken one too, counts as read
    assert [s.file.path for s in subs if s.status is Status.REJECTED] == [broken]


def test_a_timed_stage_is_reported_and_its_time_added_up(caplog: pytest.LogCaptureFixture) -> None:
    """A stage run twice (the province run) adds both times under its name, and reports each as a stage."""
    timings: dict[str, float] = {}
    with caplog.at_level(logging.INFO, logger="thidua.progress"):
        with timed(timings, "read", total=2) as advance:
            advance(2)
        first = timings["read"]
        with timed(timings, "read"):
            pass
    assert list(timings) == ["read"] and timings["read"] >= first >= 0
    assert [r.__dict__["event"] for r in caplog.records] == ["start", "done", "start", "done"]


def test_a_failed_stage_still_counts_its_time() -> None:
    """A stage stopped by an error still adds its time, so the timings of a failed run are complete."""
    timings: dict[str, float] = {}
    with pytest.raises(OSError), timed(timings, "write"):
        raise OSError("disk full")
    assert "write" in timings


def test_only_the_steps_that_touch_files_are_retried() -> None:
    """Finding and reading files may meet a busy share and are retried twice; validation never is."""
    assert find_inputs.retries == find_month_inputs.retries == read_submissions.retries == 2
    assert not validate_submissions.retries


def test_a_value_handed_over_whole_is_the_same_object() -> None:
    """``whole`` hands a task the very value it was given: no copy, nothing walked or changed."""
    rows = [{"ward": "SAPA"}]
    handed: Any = whole(rows)  # an annotation Prefect unwraps when it calls the task
    assert handed.unwrap() is rows


class _FakeServer:
    """Stands for Prefect's temporary server: records the signal mask its process would inherit."""

    blocked: ClassVar[set[int]] = set()
    stopped: ClassVar[threading.Event] = threading.Event()
    interrupt = False

    def __init__(self) -> None:
        self.server_process: object | None = None

    def start(self) -> None:
        _FakeServer.blocked = set(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        self.server_process = object()  # the process exists; it now waits for the server to answer
        if self.interrupt:
            os.kill(os.getpid(), signal.SIGINT)  # a Ctrl+C now: this thread blocks it, the main thread takes it
            _FakeServer.stopped.wait(30)

    def stop(self) -> None:
        _FakeServer.stopped.set()


def test_the_temporary_server_is_started_where_ctrl_c_does_not_reach_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its process inherits a blocked SIGINT (a terminal's Ctrl+C printed its traceback); this thread keeps it."""
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", _FakeServer)
    _FakeServer.stopped.clear()
    server = start_temporary_server()
    assert isinstance(server, _FakeServer) and signal.SIGINT in _FakeServer.blocked
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert not _FakeServer.stopped.is_set()


def test_ctrl_c_while_the_temporary_server_starts_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Ctrl+C reaches the waiting thread, which stops the server's process before the run ends."""
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", _FakeServer)
    monkeypatch.setattr(_FakeServer, "interrupt", True)
    _FakeServer.stopped.clear()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            start_temporary_server()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert _FakeServer.stopped.is_set()
