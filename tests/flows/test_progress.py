"""How a stage reports its progress: a start, each advance with the count so far, and an end with the time taken.

What the command line draws from these events (a bar on a terminal, plain lines in a log) is tested in
``test_console.py``; here are the events every renderer relies on.
"""

from __future__ import annotations

import logging

import pytest

from flows.progress import stage

LOGGER = "thidua.progress"


def _events(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, int | None, int]]:
    fields = [r.__dict__ for r in caplog.records if r.name == LOGGER]  # the extras of each record
    return [(f["stage"], f["event"], f["total"], f["done"]) for f in fields]


def test_a_stage_reports_its_start_each_advance_and_its_end(caplog: pytest.LogCaptureFixture) -> None:
    """Reading 50 files in two batches: start at 0 of 50, 20, 50, then done at 50 of 50."""
    with caplog.at_level(logging.DEBUG, logger=LOGGER), stage("read", total=50) as advance:
        advance(20)
        advance(30)
    assert _events(caplog) == [
        ("read", "start", 50, 0),
        ("read", "advance", 50, 20),
        ("read", "advance", 50, 50),
        ("read", "done", 50, 50),
    ]


def test_advance_counts_one_by_default(caplog: pytest.LogCaptureFixture) -> None:
    """``advance()`` without a number counts one item: three calls report 1, 2 and 3."""
    with caplog.at_level(logging.DEBUG, logger=LOGGER), stage("validate") as advance:
        for _ in range(3):
            advance()
    assert [done for _, event, _, done in _events(caplog) if event == "advance"] == [1, 2, 3]
    assert _events(caplog)[-1] == ("validate", "done", None, 3)


def test_the_end_of_a_stage_carries_its_duration_in_seconds(caplog: pytest.LogCaptureFixture) -> None:
    """The last event says how long the stage took, for the line the secretariat reads (``Ghi kết quả: 0,7 giây``)."""
    with caplog.at_level(logging.INFO, logger=LOGGER), stage("write"):
        pass
    done = caplog.records[-1]
    assert done.__dict__["event"] == "done" and done.__dict__["seconds"] >= 0
    assert done.getMessage().startswith("stage write done in ")


def test_the_counts_are_not_shown_at_the_normal_log_level(caplog: pytest.LogCaptureFixture) -> None:
    """A log at INFO gets the start and the end of each stage, not a line per file."""
    with caplog.at_level(logging.INFO, logger=LOGGER), stage("read", total=1000) as advance:
        for _ in range(1000):
            advance()
    assert [event for _, event, _, _ in _events(caplog)] == ["start", "done"]


def test_a_stage_that_fails_is_not_reported_as_done(caplog: pytest.LogCaptureFixture) -> None:
    """A stage stopped by an error leaves no "done" event behind: nobody reads that a failed write finished."""
    with caplog.at_level(logging.DEBUG, logger=LOGGER), pytest.raises(OSError), stage("write") as advance:
        advance(1)
        raise OSError("disk full")
    assert [event for _, event, _, _ in _events(caplog)] == ["start", "advance"]


def test_stages_inside_each_other_report_in_order(caplog: pytest.LogCaptureFixture) -> None:
    """The province run: the outer stage starts first and ends last, each bloc's stage in between."""
    with caplog.at_level(logging.INFO, logger=LOGGER), stage("blocs", total=2) as blocs:
        for _ in range(2):
            with stage("read"):
                pass
            blocs(1)
    assert [(name, event) for name, event, _, _ in _events(caplog)] == [
        ("blocs", "start"),
        ("read", "start"),
        ("read", "done"),
        ("read", "start"),
        ("read", "done"),
        ("blocs", "done"),
    ]


def test_a_total_learned_inside_the_stage_reaches_the_later_events(caplog: pytest.LogCaptureFixture) -> None:
    """Reading starts before the files are counted: once it knows 50 (``advance(0, total=50)``), every later
    event, the end included, says "of 50", so the terminal can draw a bar instead of a clock."""
    with caplog.at_level(logging.DEBUG, logger=LOGGER), stage("read") as advance:
        advance(0, total=50)
        advance(50)
    assert _events(caplog) == [
        ("read", "start", None, 0),
        ("read", "advance", 50, 0),
        ("read", "advance", 50, 50),
        ("read", "done", 50, 50),
    ]
