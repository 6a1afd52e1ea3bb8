"""Import a run's heavy libraries in a background thread while the process waits for other things.

Great Expectations (~2 s), pandas, openpyxl, python-docx and docxtpl are needed only once the files have been
read. The command line starts this thread before Prefect's temporary server (5–10 s, in another process), so
the imports overlap that wait instead of preceding it. Python's per-module import locks make a module that
the run needs sooner simply wait for the thread to finish importing it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

# in the order a run needs them: validation first, then the writers
HEAVY = ("great_expectations", "tasks.gx", "tasks.intake", "tasks.output_review", "tasks.output_monthly")
_threads: list[threading.Thread] = []
_lock = threading.Lock()
_collector_paused = False


def _import_all() -> None:
    for name in HEAVY:
        try:
            importlib.import_module(name)
        except Exception:  # the real import, where the module is used, reports it
            log.debug("background import of %s failed", name, exc_info=True)


def preload() -> None:
    """Start importing ``HEAVY`` in a background thread (once per process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with _lock:
        if _threads or all(name in sys.modules for name in HEAVY):
            return
        thread = threading.Thread(target=_import_all, name="preload", daemon=True)
        _threads.append(thread)
    thread.start()


def wait_for_preload() -> None:
    """Block until a background import started by ``preload`` has finished (no-op without one)."""
    for thread in list(_threads):
        if thread is not threading.current_thread():
            thread.join()


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
    global _collector_paused
    with _lock:
        if gc.isenabled():
            gc.disable()
            _collector_paused = True


def resume_collector() -> None:
    """End :func:`pause_collector_for_startup`: freeze what exists (``gc.freeze``), then collect again.

    Frozen objects are never walked again by the collector and are still freed by reference counting. No-op
    unless the collector was paused for startup, so every flow can call it.
    """
    global _collector_paused
    with _lock:
        if _collector_paused:
            _collector_paused = False
            gc.freeze()
            gc.enable()
