"""Services started on a port chosen free: started again on another port when another program took it first."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from scripts.processes import PortTaken, on_free_port


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
