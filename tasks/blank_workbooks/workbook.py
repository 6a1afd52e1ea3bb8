"""A template workbook's frame: properties, the instructions sheet, signature lines, structure lock, bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import ITALIC_NOTE, protect, text
from tasks.blank_workbooks.sheets import GUIDE_SHEET, guide_sheet
from tasks.blank_workbooks.wording import Line
from tasks.intake.layout import TableLayout
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx.common import BOLD, CENTER, Column, new_workbook


def new_template(title: str, moment: datetime, guide: Sequence[Line]) -> Workbook:
    """A workbook stamped with ``moment`` whose first (and active) sheet is ``Hướng dẫn``."""
    wb = new_workbook(title, moment)
    wb.properties.subject = title
    ws = wb.active
    assert ws is not None
    ws.title = GUIDE_SHEET
    guide_sheet(ws, guide)
    return wb


def table_columns(layout: TableLayout, widths: Sequence[float]) -> list[Column]:
    """The canonical headers of ``layout`` (spec §3) with the widths they are printed at."""
    return [Column(column.name, width) for column, width in zip(layout.columns, widths, strict=True)]


def signatures(ws: Worksheet, row: int, *, left: int, right: int) -> int:
    """The preparer's and the ward chairman's signature lines; returns the last row written.

    These rows have no code, so the reader skips them.
    """
    blocks = (
        (left, ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")),
        (right, ("TM. ỦY BAN NHÂN DÂN PHƯỜNG", "CHỦ TỊCH", "(Ký tên, đóng dấu)")),
    )
    for col, lines in blocks:
        for offset, line in enumerate(lines):
            italic = line.startswith("(")
            text(ws, row + offset, col, line, font=ITALIC_NOTE if italic else BOLD, alignment=CENTER)
    return row + 2


def template_bytes(wb: Workbook, moment: datetime) -> bytes:
    """Protect every sheet and the structure (no password: the secretariat can lift it) and serialise."""
    for ws in wb.worksheets:
        protect(ws)
    wb.security = WorkbookProtection(lockStructure=True)
    return save_workbook(wb, moment)
