"""What a run tells the person who started it: one event when a stage starts, as it advances, and when it ends.

Stage code never prints. A flow wraps each stage in :func:`stage`; the events travel as records of the
``thidua.progress`` logger, and the command line decides how to show them (a progress bar on a terminal,
plain lines otherwise, nothing in tests).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("thidua.progress")


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report the block as stage ``name`` of ``total`` items; the block calls the yielded ``advance(n)``."""
    start = time.perf_counter()
    done = 0
    log.info("stage %s started", name, extra={"stage": name, "event": "start", "total": total, "done": 0})

    def advance(n: int = 1) -> None:
        nonlocal done
        done += n
        log.debug("stage %s: %d", name, done, extra={"stage": name, "event": "advance", "total": total, "done": done})

    yield advance
    seconds = time.perf_counter() - start
    log.info(
        "stage %s done in %.1f s",
        name,
        seconds,
        extra={"stage": name, "event": "done", "total": total, "done": done, "seconds": seconds},
    )
