"""A light stand-in for :class:`tasks.validation.suites.Validator` for tests that are not about the suites.

Great Expectations costs seconds to import and more per run; a test about how findings travel (into new
submissions, statuses, feedback) needs only failures to report. ``ScriptedValidator`` reports the failures it
is given, per suite, and nothing else; it never imports GX or pandas' heavy paths beyond the frame it is handed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tasks.validation.suites import FailedRow, Failure


class ScriptedValidator:
    """Answers ``run(suite, …)`` with the failures scripted for that suite (none by default)."""

    def __init__(self, failures: Mapping[str, Sequence[Failure]] | None = None) -> None:
        """``failures``: suite name → the failures its run reports."""
        self.failures = dict(failures or {})
        self.failed_rows: list[FailedRow] = []
        self.suites_run: list[str] = []

    def columns(self, suite_name: str) -> frozenset[str]:
        """No column is needed: nothing is computed from the frame."""
        return frozenset()

    def run(self, suite_name: str, frame: Any, parameters: Mapping[str, Any] | None = None) -> list[Failure]:
        """The failures scripted for ``suite_name``."""
        self.suites_run.append(suite_name)
        return list(self.failures.get(suite_name, ()))
