"""Reading the blank ward workbooks as a test would (test helper, no tests here): headers, rows, rules, texts."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

MOMENT = datetime(2025, 11, 14, 8, 0)
SCORE_HEADERS = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú"]
COUNT_HEADERS = ["Mã", "Nội dung", "Số lần", "Căn cứ"]
INDICATOR_HEADERS = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch năm",
    "Thực hiện trong tháng",
    "Lũy kế từ đầu năm",
    "Ghi chú",
]


def open_workbook(data: bytes) -> Workbook:
    """The workbook of ``data``, as Excel would open it."""
    return load_workbook(io.BytesIO(data))


def header_row(ws: Worksheet, headers: list[str]) -> int:
    """The row holding ``headers`` from column A on."""
    for row in ws.iter_rows():
        if [c.value for c in row[: len(headers)]] == headers:
            return row[0].row
    raise AssertionError(f"header {headers} not found in {ws.title}")


def rows_by_code(ws: Worksheet, headers: list[str]) -> dict[str, int]:
    """Row number by the value of column A, for every row under the header."""
    top = header_row(ws, headers)
    return {str(ws.cell(r, 1).value): r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def info_cell(ws: Worksheet, label: str) -> str:
    """The value cell (column B) of ``label`` on ``Thông tin``."""
    return next(f"B{c.row}" for c in ws["A"] if c.value == label)


def rules_for(ws: Worksheet, cell: str) -> list[DataValidation]:
    """The data-validation rules covering ``cell``."""
    return [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def texts(wb: Workbook) -> Iterator[str]:
    """Every text a ward officer can read: sheet names, cells, comments, input and error messages."""
    for ws in wb.worksheets:
        yield ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield cell.value
                if cell.comment is not None:
                    yield cell.comment.text
        for dv in ws.data_validations.dataValidation:
            yield from (t for t in (dv.prompt, dv.error, dv.promptTitle, dv.formula1) if t)


def assert_clean_text(wb: Workbook) -> None:
    """Every text is NFC, every sheet protected, and no cell holds a formula."""
    for value in texts(wb):
        assert unicodedata.is_normalized("NFC", value), value
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"
