"""What the handlers of ``thidua web`` share: the settings and, on ``app.state``, the warm checker and pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from tasks.web.pages import Pages
from tasks.web.upload_check import UploadChecker

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """What ``thidua web`` serves: the year's rules from ``inputs``, the runs under ``outputs``.

    ``bloc``: the bloc folder ``inputs/<year>/<bloc>/`` whose rules are served, for a year of several blocs.
    """

    inputs: Path
    outputs: Path
    year: int
    bloc: str | None = None
    runs_password_hash: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    idle_seconds: float = 15.0
    total_seconds: float = 120.0


@dataclass(frozen=True)
class Served:
    """What every request handler reads from ``app.state``: the settings, the warm checker and the pages."""

    settings: WebSettings
    checker: UploadChecker
    pages: Pages


def served(request: Request) -> Served:
    """The application's :class:`Served` (made once in :func:`create_app`)."""
    found: Served = request.app.state.served
    return found
