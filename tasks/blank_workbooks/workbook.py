"""A template workbook's frame: properties, the instructions sheet, signature lines, structure lock, bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import ITALIC_NOTE, header, note_line, protect, text, titles
from tasks.blank_workbooks.sheets import GUIDE_SHEET, guide_sheet
from tasks.blank_workbooks.wording import Line
from tasks.domain import Bloc, Ward
from tasks.intake.layout import TableLayout
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx.common import BOLD, CENTER, Column, new_workbook, setup_print


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


def table_top(
    ws: Worksheet, layout: TableLayout, widths: Sequence[float], title: str, bloc: Bloc, ward: Ward, ward_note: str = ""
) -> tuple[list[Column], int]:
    """A table sheet's titles (its own, the bloc's, the ward's) and its header; the columns and the header row."""
    columns = table_columns(layout, widths)
    lines = (
        title,
        f"{bloc.name} – tỉnh {bloc.province}".upper(),
        f"Đơn vị: phường {ward.name} (mã đơn vị {ward.code}){ward_note}",
    )
    row = titles(ws, lines, len(columns))
    header(ws, row, columns)
    return columns, row


def table_foot(
    ws: Worksheet, row: int, notes: Sequence[str], widths: Sequence[float], header_row: int, *, right: int
) -> None:
    """Under the table's last ``row``: the notes, then the signature lines (the chairman's in column ``right``);
    the sheet prints on A4 with the header row on every page."""
    for offset, line in enumerate(notes, start=2):
        note_line(ws, row + offset, line, len(widths), width=sum(widths))
    last = signatures(ws, row + len(notes) + 3, left=2, right=right)
    setup_print(ws, last_col=len(widths), last_row=last, title_rows=f"{header_row}:{header_row}")


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
