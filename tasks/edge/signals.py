"""SIGTERM ends a run the way Ctrl-C does: by an exception in the main thread, so everything unwinds.

Python's default for SIGTERM kills the process on the spot: the temporary Prefect server it started and any
worker process were left running, orphaned, and the exit status said nothing. As an exception (a
:class:`KeyboardInterrupt`), the run stops where it is, its ``.incomplete`` folder stays, ``latest`` is not
touched, the workers and the server are stopped and the command line says in one sentence that it stopped.
Prefect swaps in its own handler while a flow runs and, when it sees the signal, hands it back to this one.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: a service manager, ``kill``, a scheduler's timeout)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


def stop_on_sigterm() -> None:
    """Make SIGTERM raise :class:`Terminated` in the main thread (nothing elsewhere: only it may set handlers)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
