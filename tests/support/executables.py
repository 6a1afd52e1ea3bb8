"""The console scripts installed beside the interpreter running the tests (test helper, no tests here)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def executable(name: str) -> str:
    """The ``name`` script (``thidua``, ``prefect``) of the interpreter running the tests, else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else (shutil.which(name) or name)
