"""What every page of ``thidua web`` shares: the settings it serves with, and the one warm checker."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from tasks.web.app import create_app
from tasks.web.served import MAX_UPLOAD_BYTES, WebSettings, served
from tasks.web.upload_check import UploadChecker

ClientFactory = Callable[..., TestClient]


def test_by_default_uploads_up_to_20_mb_are_taken_and_runs_are_open(tmp_path: Path) -> None:
    """Without options a ward may send 20 MB within 15 s of silence and 2 minutes in all; /runs has no password."""
    settings = WebSettings(inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", year=2025)
    assert MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert (settings.max_upload_bytes, settings.idle_seconds, settings.total_seconds) == (MAX_UPLOAD_BYTES, 15, 120)
    assert settings.runs_password_hash is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.year = 2026  # type: ignore[misc]


def test_the_check_page_announces_the_limit_it_is_served_with(make_client: ClientFactory) -> None:
    """The ward reads the size limit in force, the default one or the one the server was started with."""
    assert "tối đa 20 MB" in make_client().get("/").text
    assert "tối đa 5 MB" in make_client(max_upload_bytes=5 * 1024 * 1024).get("/").text


def test_every_request_sees_the_settings_and_checker_the_application_was_made_with(
    checker: UploadChecker, tmp_path: Path
) -> None:
    """The checker handed to the application is the one requests use: GX is never loaded a second time."""
    settings = WebSettings(inputs=checker.inputs, outputs=tmp_path, year=2025)
    app = create_app(settings, checker, warm=False)
    request = Request({"type": "http", "app": app, "method": "GET", "path": "/", "headers": []})
    state = served(request)
    assert state.checker is checker and state.settings is settings
    assert TestClient(app).get("/healthz").json() == {"status": "ok", "year": "2025"}
