"""What the reader and writer worker processes share: how one is started, and how a piece of work is claimed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def module_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment of ``python -m module args`` with this project first on ``PYTHONPATH``.

    Started so rather than through ``multiprocessing``, which would re-import the caller's main script in the
    worker; the path lets the worker import this project even from a checkout that is not installed.
    """
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return [sys.executable, "-m", module, *args], {**os.environ, "PYTHONPATH": path}


def claim_once(path: Path) -> bool:
    """Create the empty file ``path``: True for exactly one of the processes that try (``O_EXCL``)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True
