"""Services started on a port chosen free: started again on another port when another program took it first."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from scripts.processes import PortTaken, background, descendants, free_port, listens, on_free_port


def test_a_service_whose_port_was_taken_is_started_again_on_another_port() -> None:
    """The first port is taken: the service is started a second time, on a port chosen again, and that start is
    the one used and stopped on the way out."""
    events: list[str] = []

    @contextlib.contextmanager
    def start(port: int) -> Iterator[int]:
        events.append(f"start {port}")
        if len(events) == 1:
            raise PortTaken(f"port {port}")
        yield port
        events.append(f"stop {port}")

    with on_free_port(start) as port:
        assert len(events) == 2 and events[1] == f"start {port}"
    assert events[-1] == f"stop {port}"


def test_it_gives_up_after_three_taken_ports() -> None:
    """Three ports in a row taken: PortTaken, after three starts."""
    ports: list[int] = []

    def start(port: int) -> contextlib.AbstractContextManager[int]:
        ports.append(port)
        raise PortTaken(f"port {port}")

    with pytest.raises(PortTaken, match="3 free ports in a row"), on_free_port(start):
        pass
    assert len(ports) == 3


def test_a_server_listens_on_its_port_and_a_process_below_it_counts(tmp_path: Path) -> None:
    """``listens``: the port a server started below ``pid`` listens on counts, another port does not; and every
    process it started is gone once ``background`` stops it."""
    port = free_port()
    handler = "h.BaseHTTPRequestHandler"
    serve = f"import http.server as h; h.ThreadingHTTPServer(('127.0.0.1', {port}), {handler}).serve_forever()"
    # a shell with the server as its child, as a Prefect server runs its API in a process of its own
    args = ["sh", "-c", f'{sys.executable} -c "{serve}"; exit 0']
    with background(args, dict(os.environ), tmp_path, tmp_path / "server.log") as proc:
        deadline = time.monotonic() + 60
        while not listens(proc.pid, port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert listens(proc.pid, port), (tmp_path / "server.log").read_text()
        assert not listens(proc.pid, free_port())
        family = descendants(proc.pid)
        assert family
    left = []
    for pid in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            left.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(left, timeout=30)
    assert [p.pid for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []  # a SIGKILL lands a moment later
