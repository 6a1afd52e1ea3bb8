"""Python's cycle collector during a run: paused where a block builds objects that all live on.

A run holds millions of long-lived objects (the imported libraries, a thousand wards' cells); each full
collection walks all of them again and frees next to nothing. The helpers here keep it off where that costs
most, and turn it back on after.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused_for_startup = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a block builds many long-lived objects.

    Reading or unpickling a thousand wards' submissions creates millions of cells that all survive; the
    collector would walk them again and again as they age (a quarter of the reading time, four fifths of the
    unpickling). Such a block makes no garbage cycles worth collecting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_off() -> Iterator[None]:
    """Pause the cycle collector during the block and keep it off the objects that exist before it.

    Each full collection during the write walked the million objects read earlier (~0.7 s each at a thousand
    wards), and the workbooks and documents built here are freed by reference counting all but a few
    megabytes, so collecting them costs more time than it frees memory. The objects that existed before are
    also frozen (``gc.freeze``), out of reach of a collection a library asks for, until the block ends.
    """
    outer = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        with collector_paused():
            yield
    finally:
        if not outer:
            gc.unfreeze()


@contextmanager
def startup_without_collector() -> Iterator[None]:
    """Run the block (a command starting its flow) with the cycle collector paused until the flow's work begins.

    The flow calls :func:`resume_collector` when it starts working; if the block ends before that (a broken
    configuration, a bad period), the collector is resumed on the way out. What resuming froze is unfrozen
    when the block ends (unless something had frozen objects before it), so a process that goes on after the
    command (the tests, a caller of ``start_review``) collects as before.
    """
    outer = gc.get_freeze_count() > 0
    pause_collector_for_startup()
    try:
        yield
    finally:
        resume_collector()
        if not outer:
            gc.unfreeze()


def pause_collector_for_startup() -> None:
    """Turn the cycle collector off while a fresh process imports Prefect and the run's libraries.

    The imports build millions of objects (modules, classes, functions) that live as long as the process; each
    full collection they trigger walks all of them again and frees next to nothing: five or six of them cost
    ~0.9 s of a ten-ward review's 8.5 s. :func:`resume_collector` turns it back on when the run's work begins.
    No-op when the collector is already off.
    """
    global _paused_for_startup
    with _lock:
        if gc.isenabled():
            gc.disable()
            _paused_for_startup = True


def resume_collector() -> None:
    """End :func:`pause_collector_for_startup`: freeze what exists (``gc.freeze``), then collect again.

    Frozen objects are never walked again by the collector and are still freed by reference counting. No-op
    unless the collector was paused for startup, so every flow can call it.
    """
    global _paused_for_startup
    with _lock:
        if _paused_for_startup:
            _paused_for_startup = False
            gc.freeze()
            gc.enable()
