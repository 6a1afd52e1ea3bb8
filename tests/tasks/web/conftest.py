"""Fixtures of the web tests: one warm checker for the whole session (Great Expectations loads once)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tasks.web.app import WebSettings, create_app
from tasks.web.upload_check import UploadChecker
from tests.support.office_files import SAMPLE
from tests.support.run_folders import write_review_run
from tests.support.sample import EditFn

SAMPLE_INPUTS = Path(__file__).resolve().parents[3] / "inputs"


@pytest.fixture(scope="session")
def checker() -> UploadChecker:
    """The rules of 2025 and a Great Expectations validator, shared by every web test."""
    return UploadChecker(SAMPLE_INPUTS, 2025)


@pytest.fixture
def make_client(checker: UploadChecker, tmp_path: Path) -> Callable[..., TestClient]:
    """A test client of the application serving ``outputs`` (an empty folder unless given)."""

    def make(outputs: Path | None = None, **settings: object) -> TestClient:
        folder = outputs or tmp_path / "outputs"
        folder.mkdir(exist_ok=True)
        web = WebSettings(inputs=SAMPLE_INPUTS, outputs=folder, year=2025, **settings)  # type: ignore[arg-type]
        return TestClient(create_app(web, checker, warm=False))

    return make


@pytest.fixture(scope="session")
def review_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An outputs folder holding one complete review run of the 2025 sample (run id ``…-3f9a``)."""
    root = tmp_path_factory.mktemp("review")
    write_review_run(root)
    return root / "outputs"


@pytest.fixture
def broken(tmp_path: Path, edit_row: EditFn) -> tuple[Path, str]:
    """Sa Pa's self-assessment with the score of criterion 1.1 written as a word; returns the file and cell."""
    path = tmp_path / "tu-cham-diem-sapa.xlsx"
    shutil.copyfile(SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx", path)
    cell = edit_row(path, "Tự chấm điểm", "1.1", "Điểm tự chấm", "tốt")
    return path, cell
