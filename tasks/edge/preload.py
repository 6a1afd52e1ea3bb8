"""Import a run's heavy libraries in a background thread while the process waits for other things.

Great Expectations (~2 s), pandas, openpyxl, python-docx and docxtpl are needed only once the files have been
read. The command line starts this thread before Prefect's temporary server (5–10 s, in another process), so
the imports overlap that wait instead of preceding it; a flow starts it too (a deployment's process has no
command line). Whoever then needs Great Expectations calls :func:`wait_for_preload` first (the flows do,
before they build the validator), so that no second thread imports the same modules halfway through.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

# in the order a run needs them: validation first, then the writers
HEAVY = (
    "great_expectations",
    "tasks.validation.suites",
    "tasks.intake.read_all",
    "tasks.outputs.review_folder",
    "tasks.outputs.monthly_folder",
)
_threads: list[threading.Thread] = []
_lock = threading.Lock()


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
