"""What a run tells the person who started it: one event when a stage starts, as it advances, and when it ends.

Stage code never prints. A flow wraps each stage in :func:`stage`; the events travel as records of the
``thidua.progress`` logger, and the command line decides how to show them (a progress bar on a terminal,
plain lines otherwise, nothing in tests).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

log = logging.getLogger("thidua.progress")


class Advance(Protocol):
    """What a stage's block calls: ``n`` more items done, and the stage's total once it is known."""

    def __call__(self, n: int = 1, total: int | None = None) -> None: ...


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Advance]:
    """Report the block as stage ``name`` of ``total`` items; the block calls the yielded ``advance(n)``.

    ``advance(0, total=n)`` gives the total once the block knows it (the files found, say).
    """
    start = time.perf_counter()
    done, expected = 0, total
    log.info("stage %s started", name, extra={"stage": name, "event": "start", "total": total, "done": 0})

    def advance(n: int = 1, total: int | None = None) -> None:
        nonlocal done, expected
        done += n
        expected = expected if total is None else total
        extra = {"stage": name, "event": "advance", "total": expected, "done": done}
        log.debug("stage %s: %d", name, done, extra=extra)

    yield advance
    seconds = time.perf_counter() - start
    log.info(
        "stage %s done in %.1f s",
        name,
        seconds,
        extra={"stage": name, "event": "done", "total": expected, "done": done, "seconds": seconds},
    )
