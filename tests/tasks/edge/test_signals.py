"""SIGTERM stops a run the way Ctrl-C does: an exception in the main thread, so everything unwinds."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest

from tasks.edge.signals import Terminated, stop_on_sigterm


@pytest.fixture
def restored_sigterm() -> Iterator[None]:
    """The process's own SIGTERM handler, put back afterwards."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def test_sigterm_becomes_an_exception_that_unwinds_like_ctrl_c(restored_sigterm: None) -> None:
    """A stop request raises Terminated where the main thread is, so ``finally`` blocks and context managers
    (the temporary server, the workers, the .incomplete folder) run; Ctrl-C handlers catch it too."""
    stop_on_sigterm()
    unwound = []
    with pytest.raises(Terminated):
        try:
            signal.raise_signal(signal.SIGTERM)
        finally:
            unwound.append("cleaned up")
    assert unwound == ["cleaned up"]
    assert issubclass(Terminated, KeyboardInterrupt)


def test_outside_the_main_thread_it_leaves_the_handler_alone(restored_sigterm: None) -> None:
    """A flow started in a worker thread cannot set signal handlers: the call is then a harmless no-op."""
    before = signal.getsignal(signal.SIGTERM)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            stop_on_sigterm()
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join()
    assert errors == [] and signal.getsignal(signal.SIGTERM) is before
