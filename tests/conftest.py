"""Shared fixtures: a copy of the 2025 sample inputs in a temporary folder, and a workbook editor."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Prefect waits 20 s for its temporary server by default; a busy 2-core machine can need longer.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

SAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "2025"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A writable copy of ``inputs/`` holding the 2025 sample (the folder that holds ``2025/``)."""
    root = tmp_path / "inputs"
    shutil.copytree(SAMPLE, root / "2025", ignore=shutil.ignore_patterns("README*"))
    return root


def find_cell(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> tuple[int, int]:
    """Row and column of the first cell whose value, as text, equals ``text``."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and str(cell.value).strip().rstrip(".") == text:
                return cell.row, cell.column
    raise LookupError(text)


EditFn = Callable[[Path, str, str, str, object], str]


@pytest.fixture
def edit_row() -> EditFn:
    """Set, in the row whose first code cell is ``code``, the cell under header ``header``; returns its address."""

    def edit(path: Path, sheet: str, code: str, header: str, value: object) -> str:
        wb = openpyxl.load_workbook(path)
        ws = next(ws for ws in wb.worksheets if ws.title.casefold() == sheet.casefold())
        row, _ = find_cell(ws, code)
        _, col = find_cell(ws, header)
        cell = ws.cell(row=row, column=col)
        cell.value = value
        wb.save(path)
        return cell.coordinate

    return edit
