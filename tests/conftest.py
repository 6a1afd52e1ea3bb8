"""Shared fixtures: a copy of the 2025 sample inputs in a temporary folder, a workbook editor, and the event
stream of Prefect flows closed after each module.

The helpers behind them live in ``tests.support.sample``: tests import from there, never from this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import examples, sample
from tests.support.prefect_events import close_event_stream
from tests.support.sample import EditFn, copy_sample

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Prefect waits 20 s for its temporary server by default; a busy 2-core machine can need longer.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # `make test` and `make test-fast` run two xdist workers
    # Each worker's temporary Prefect server gets a database of its own: two servers migrating or writing one
    # SQLite file at once could lock each other out. The folder is kept, so only the first run creates it.
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect") / "pytest-xdist" / worker
    home.mkdir(parents=True, exist_ok=True)  # Prefect makes only the last folder of its home
    os.environ["PREFECT_HOME"] = str(home)

examples.register_fast_profile()  # `make test-fast` runs with --hypothesis-profile=fast


@pytest.fixture(autouse=True, scope="module")
def no_event_stream_left_open() -> Iterator[None]:
    """After each module, close the event stream its flows opened: its pings in a background thread would change
    the global random state while a later module's Hypothesis test draws (see ``tests.support.prefect_events``)."""
    yield
    close_event_stream()


@pytest.fixture(scope="session")
def prefect_api() -> str:
    """The API address of a Prefect server that runs for the whole session: the one the flows run in this process
    use (Prefect's temporary server, one per process; each xdist worker has its own, on its own database).

    A command-line test whose subject is not that server's start-up passes it to its subprocess as
    ``PREFECT_API_URL``: the subprocess then starts no server of its own, half the CPU time of a sample review.
    """
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # Prefect's client in this process finds this one running
    server.start()
    return server.api_url


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A writable copy of ``inputs/`` holding the 2025 sample (the folder that holds ``2025/``)."""
    return copy_sample(tmp_path / "inputs")


@pytest.fixture
def edit_row() -> EditFn:
    """Set, in the row whose first code cell is ``code``, the cell under header ``header``; returns its address."""
    return sample.edit_row
