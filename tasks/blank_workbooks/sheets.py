"""The two sheets both templates share: ``Hướng dẫn`` (instructions) and ``Thông tin`` (who and when).

``Thông tin`` follows the reader's contract (spec §3.1, §3.3): label in column A, value in column B. Nothing is
ever written to the right of a value, because the reader takes the next non-empty cell after a label: a hint
in column C would be read as the value of a field left blank. Hints live in the cells' input messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import (
    SUBTITLE,
    TOP_LEFT,
    input_cell,
    note_line,
    text,
    wrapped_lines,
)
from tasks.blank_workbooks.wording import Line
from tasks.outputs.xlsx.common import BODY, BOLD, BOX, CENTER, LEFT, TITLE, setup_print

GUIDE_SHEET = "Hướng dẫn"
_GUIDE_WIDTH = 78.0
_LINE_HEIGHT = 15.75
_HEADING_BOTTOM = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
_STYLES = {"title": (TITLE, CENTER), "subtitle": (SUBTITLE, CENTER), "heading": (BOLD, LEFT)}

Rule = Callable[[Worksheet, str], None]


@dataclass(frozen=True)
class Field:
    """One line of ``Thông tin``: pre-filled and locked when ``value`` is given, else an input cell."""

    label: str
    value: str | int | None = None
    fmt: str = "General"
    rule: Rule | None = None


def guide_sheet(ws: Worksheet, lines: Sequence[Line]) -> None:
    """Write the instructions one paragraph per row, wrapped in a single wide column, protected."""
    ws.column_dimensions["A"].width = _GUIDE_WIDTH
    row = 0
    for row, (style, line) in enumerate(lines, start=1):
        font, alignment = _STYLES.get(style, (BODY, TOP_LEFT))
        shown = f"• {line}" if style == "bullet" else line
        text(ws, row, 1, shown, font=font, alignment=alignment)
        if style == "heading" and row > 1:
            ws.row_dimensions[row].height = _LINE_HEIGHT * 1.6  # a little air above each section
            ws.cell(row=row, column=1).alignment = _HEADING_BOTTOM
        else:
            ws.row_dimensions[row].height = 15.5 * wrapped_lines(shown, _GUIDE_WIDTH) + 4
    setup_print(ws, last_col=1, last_row=row, title_rows=None, landscape=False)


def info_sheet(ws: Worksheet, title: str, fields: Sequence[Field], notes: Sequence[str]) -> dict[str, str]:
    """Write ``Thông tin``; return each field's value cell address by label (for tests and callers)."""
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    text(ws, 1, 1, title, font=TITLE, alignment=CENTER)
    ws.merge_cells("A1:B1")
    ws.row_dimensions[1].height = 24
    cells: dict[str, str] = {}
    row = 2
    for row, field in enumerate(fields, start=3):
        label = text(ws, row, 1, field.label, font=BOLD)
        label.border = BOX
        ws.row_dimensions[row].height = 21
        address = f"B{row}"
        cells[field.label] = address
        if field.value is not None:
            _fixed(ws, row, field.value)
            continue
        input_cell(ws, row, 2, fmt=field.fmt)
        if field.rule is not None:
            field.rule(ws, address)
    for offset, line in enumerate(notes, start=2):
        note_line(ws, row + offset, line, 2, width=78)
    setup_print(ws, last_col=2, last_row=row + 1 + len(notes), title_rows=None, landscape=False)
    return cells


def _fixed(ws: Worksheet, row: int, value: str | int) -> None:
    """A pre-filled, locked value (ward name, code, year)."""
    if isinstance(value, int):
        cell = ws.cell(row=row, column=2, value=value)
        cell.font, cell.alignment = BOLD, LEFT
    else:
        cell = text(ws, row, 2, value, font=BOLD)
    cell.border = BOX
