"""Ctrl-C and SIGTERM end a run by an exception in the main thread, and the process remembers it was asked.

Python's default for SIGTERM kills the process on the spot: the temporary Prefect server it started and any
worker process were left running, orphaned, and the exit status said nothing. As an exception (a
:class:`KeyboardInterrupt`), the run stops where it is, its ``.incomplete`` folder stays, ``latest`` is not
touched, the workers and the server are stopped and the command line says in one sentence that it stopped.
Prefect swaps in its own SIGTERM handler while a flow runs and, when it sees the signal, sends it again to
this one.

The exception does not always reach the command line as it was raised: a library catching it while it
unwinds may raise its own error instead (seen under load: a ``ValueError`` with no trace of the stop in its
chain). So the handlers also record the request, and :func:`stop_request` tells the command line that
whatever ended the run happened because it was asked to stop.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: a service manager, ``kill``, a scheduler's timeout)."""


_requests: list[KeyboardInterrupt] = []  # the stop requests this process received, first one first


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    request = Terminated(f"signal {signum}")
    _requests.append(request)
    raise request


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    request = KeyboardInterrupt()
    _requests.append(request)
    raise request


def stop_on_signals() -> None:
    """Make SIGTERM raise :class:`Terminated` and SIGINT ``KeyboardInterrupt`` in the main thread, recording each.

    Outside the main thread nothing changes: only it may set handlers.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
        signal.signal(signal.SIGINT, _raise_interrupt)


def stop_request() -> KeyboardInterrupt | None:
    """The first stop request this process received through :func:`stop_on_signals`' handlers, or None."""
    return _requests[0] if _requests else None
