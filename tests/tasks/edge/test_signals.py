"""Ctrl-C and SIGTERM stop a run by an exception in the main thread, and the process remembers the request."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import pytest

import tasks.edge.signals as signals
from tasks.edge.signals import Terminated, stop_on_signals, stop_request


@pytest.fixture
def restored_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's own SIGTERM and SIGINT handlers put back afterwards, and no stop request left recorded."""
    monkeypatch.setattr(signals, "_requests", [])
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGTERM, Terminated), (signal.SIGINT, KeyboardInterrupt)])
def test_a_stop_signal_becomes_an_exception_that_unwinds(
    restored_handlers: None, signum: signal.Signals, raised: type[KeyboardInterrupt]
) -> None:
    """A stop request raises where the main thread is, so ``finally`` blocks and context managers (the
    temporary server, the workers, the .incomplete folder) run; Ctrl-C handlers catch SIGTERM's too."""
    stop_on_signals()
    unwound = []
    with pytest.raises(raised) as caught:
        try:
            signal.raise_signal(signum)
        finally:
            unwound.append("cleaned up")
    assert unwound == ["cleaned up"]
    assert issubclass(Terminated, KeyboardInterrupt)
    assert stop_request() is caught.value


def test_the_request_is_remembered_when_a_library_swallows_the_exception(restored_handlers: None) -> None:
    """Code that catches the stop and raises its own error leaves no trace of it in the chain; the process
    still knows it was asked to stop, and the first request is the one it tells."""
    stop_on_signals()
    assert stop_request() is None
    with pytest.raises(ValueError) as caught:
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
        raise ValueError("I/O operation on closed file")
    assert caught.value.__context__ is None
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    assert isinstance(stop_request(), Terminated)


def test_outside_the_main_thread_it_leaves_the_handlers_alone(restored_handlers: None) -> None:
    """A flow started in a worker thread cannot set signal handlers: the call is then a harmless no-op."""
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    errors: list[BaseException] = []

    def call() -> None:
        try:
            stop_on_signals()
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join()
    assert errors == []
    assert {signum: signal.getsignal(signum) for signum in before} == before
