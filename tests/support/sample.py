"""The 2025 sample inputs and small helpers to edit a copy of its workbooks (shared by tests, not a fixture file)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "2025"

# (workbook path, sheet, code of the row, header of the column, new value) -> address of the cell changed
EditFn = Callable[[Path, str, str, str, object], str]


def copy_sample(root: Path) -> Path:
    """A writable copy of the sample under ``root/2025`` (without its README); returns ``root``."""
    shutil.copytree(SAMPLE, root / "2025", ignore=shutil.ignore_patterns("README*"))
    return root


def find_cell(ws: Worksheet, text: str) -> tuple[int, int]:
    """Row and column of the first cell whose value, as text, equals ``text``."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and str(cell.value).strip().rstrip(".") == text:
                return cell.row, cell.column
    raise LookupError(text)


def edit_row(path: Path, sheet: str, code: str, header: str, value: object) -> str:
    """Set, in the row whose first code cell is ``code``, the cell under header ``header``; returns its address."""
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if ws.title.casefold() == sheet.casefold())
    row, _ = find_cell(ws, code)
    _, col = find_cell(ws, header)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    wb.save(path)
    return cell.coordinate


def send_the_missing_month(year_dir: Path) -> Path:
    """Give Âu Lâu the October report the sample lacks (a copy of its September one, relabelled), so that no
    submission of the sample is missing and ``--strict`` stops only on what a test adds; returns the file."""
    month = year_dir / "monthly" / "2025-10" / "bao-cao-chi-tieu-2025-10-aulau.xlsx"
    wb = openpyxl.load_workbook(year_dir / "monthly" / "2025-09" / "bao-cao-chi-tieu-2025-09-aulau.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "09/2025" in cell.value:
                    cell.value = cell.value.replace("09/2025", "10/2025")
    wb.save(month)
    return month
