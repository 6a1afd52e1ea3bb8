"""The building blocks of the ward templates: shaded input cells, locked labels, validation rules, protection.

Everything a ward officer reads goes through :func:`text` (Unicode NFC, never a formula); numbers through
:func:`number`. Input cells are unlocked and shaded; every other cell stays locked once the sheet is protected.
No cell ever holds a formula: the only formulas in a template are data-validation rules, which Excel and
LibreOffice evaluate while typing and which the pipeline never reads.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tasks.outputs.xlsx.common import BODY, BOLD, BOX, CENTER, HEADER_FILL, LEFT, TITLE, Column, note, write_text
from tasks.text import vn_plain

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: "type here"
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
SUBTITLE = Font(name=BODY.name, size=13, bold=True)
ITALIC_NOTE = Font(name=BODY.name, size=11, italic=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
_EXCEL_EPOCH = date(1899, 12, 30)
_CHAR_WIDTH = 1.0  # width units per character of Vietnamese text in Times New Roman 12 pt


def nfc(value: str) -> str:
    """``value`` in Unicode NFC, the form every text of a template is written in."""
    return unicodedata.normalize("NFC", value)


def excel_number(value: Decimal) -> int | float:
    """A catalogue decimal as a cell value: a whole number stays an ``int`` (``5``, not ``5.0``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def text(
    ws: Worksheet, row: int, col: int, value: str | None, *, font: Font = BODY, alignment: Alignment = LEFT
) -> Cell:
    """A locked text cell in NFC (plain text even if it starts like a formula)."""
    cell = write_text(ws, row, col, nfc(value) if value else None)
    cell.font, cell.alignment = font, alignment
    return cell


SCORE_FORMAT = "0.00"  # points always with two decimals, on a PC set to any language


def number(ws: Worksheet, row: int, col: int, value: Decimal, *, fmt: str = "General") -> Cell:
    """A locked, boxed number cell, centred: shown as typed (``General``: no thousands separator) or in ``fmt``."""
    cell = ws.cell(row=row, column=col, value=excel_number(value))
    cell.number_format = fmt
    cell.font, cell.alignment, cell.border = BODY, CENTER, BOX
    return cell


def input_cell(
    ws: Worksheet, row: int, col: int, *, fmt: str = "General", value: str | None = None, align: Alignment = LEFT
) -> Cell:
    """An unlocked, shaded, boxed cell for the ward to fill; ``value`` pre-fills it with editable text."""
    cell = text(ws, row, col, value, alignment=align) if value else ws.cell(row=row, column=col)
    cell.font, cell.alignment = BODY, align
    cell.number_format = fmt
    cell.fill, cell.border, cell.protection = INPUT_FILL, BOX, UNLOCKED
    return cell


def comment(cell: Cell, message: str) -> None:
    """Attach an explanatory note (Excel comment) to ``cell``."""
    cell.comment = note(nfc(message), width=300)


def titles(ws: Worksheet, lines: Sequence[str], last_col: int) -> int:
    """Centred title lines merged across the table, a blank row, and return the header row number."""
    for row, line in enumerate(lines, start=1):
        text(ws, row, 1, line, font=TITLE if row == 1 else SUBTITLE if row == 2 else BODY, alignment=CENTER)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        ws.row_dimensions[row].height = 21
    return len(lines) + 2


def header(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """The table header: canonical column names in bold on grey, widths set, repeated on every printed page."""
    for col, column in enumerate(columns, start=1):
        cell = text(ws, row, col, column.header, font=BOLD, alignment=CENTER)
        cell.fill, cell.border = HEADER_FILL, BOX
        ws.column_dimensions[get_column_letter(col)].width = column.width
    fit_row(ws, row, columns)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def fit_row(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """Give ``row`` the height its longest wrapped text needs (Excel does not measure rows when opening a file).

    Times New Roman 12 pt fits about one character per width unit; a line is 15.5 pt high.
    """
    lines = 1
    for col, column in enumerate(columns, start=1):
        value = ws.cell(row=row, column=col).value
        if isinstance(value, str):
            lines = max(lines, wrapped_lines(value, column.width))
    ws.row_dimensions[row].height = 15.5 * lines + 5


def wrapped_lines(value: str, width: float) -> int:
    """How many lines ``value`` takes in a column ``width`` units wide."""
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(len(part) * _CHAR_WIDTH / usable)) for part in value.split("\n"))


def note_line(ws: Worksheet, row: int, line: str, last_col: int, *, width: float) -> None:
    """An italic explanatory line under a table, merged across it."""
    text(ws, row, 1, line, font=ITALIC_NOTE, alignment=TOP_LEFT)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 15.5 * wrapped_lines(line, width) + 4


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password (the secretariat can unprotect it); rows and columns stay resizable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _rule(
    ws: Worksheet, cells: str | Sequence[str], kind: str | None, title: str, prompt: str, error: str, **kw: str | None
) -> None:
    """Add one validation rule: a hint shown when a cell is selected and a refusal message (Vietnamese)."""
    dv = DataValidation(
        type=kind,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle=nfc(title)[:32],
        prompt=nfc(prompt)[:255],
        errorTitle=nfc("Giá trị không hợp lệ"),
        error=nfc(error)[:225],
        **kw,
    )
    for cell in [cells] if isinstance(cells, str) else cells:
        dv.add(cell)
    ws.add_data_validation(dv)


def score_rule(ws: Worksheet, cell: str, maximum: Decimal) -> None:
    """A score between 0 and ``maximum`` with at most 2 decimals (one custom rule: a cell takes only one)."""
    shown, excel = vn_plain(maximum), format(maximum.normalize(), "f")
    formula = f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<={excel},ROUND({cell},2)={cell})"
    message = f"Nhập số từ 0 đến {shown}, tối đa 2 chữ số thập phân (ví dụ 4,5 hoặc 4,25)."
    _rule(ws, cell, "custom", "Điểm tự chấm", message, message, formula1=formula)


def count_rule(ws: Worksheet, cells: Sequence[str]) -> None:
    """A number of occurrences: a whole number ≥ 0 (blank counts 0)."""
    message = "Nhập số lần là số nguyên không âm (0, 1, 2…); để trống được hiểu là 0."
    _rule(ws, cells, "whole", "Số lần", message, message, operator="greaterThanOrEqual", formula1="0")


def amount_rule(ws: Worksheet, cell: str, title: str, prompt: str, at_most: Decimal | None) -> None:
    """A monthly value: a number ≥ 0, and ≤ ``at_most`` for shares of a whole."""
    if at_most is None:
        error = "Nhập một số không âm, không ghi chữ hay đơn vị."
        _rule(ws, cell, "decimal", title, prompt, error, operator="greaterThanOrEqual", formula1="0")
        return
    error = f"Nhập một số từ 0 đến {vn_plain(at_most)}."
    limit = format(at_most.normalize(), "f")
    _rule(ws, cell, "decimal", title, prompt, error, operator="between", formula1="0", formula2=limit)


def date_rule(ws: Worksheet, cell: str, first: date, last: date) -> None:
    """A date between ``first`` and ``last`` (typed as dd/mm/yyyy)."""
    span = f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
    prompt = f"Ghi ngày lập theo dạng dd/mm/yyyy, ví dụ 05/01/{last.year}; ngày {span}."
    error = f"Ngày lập phải là một ngày {span}, ghi theo dạng dd/mm/yyyy."
    serials = (str((first - _EXCEL_EPOCH).days), str((last - _EXCEL_EPOCH).days))
    _rule(ws, cell, "date", "Ngày lập", prompt, error, operator="between", formula1=serials[0], formula2=serials[1])


def list_rule(ws: Worksheet, cell: str, title: str, choices: Sequence[str]) -> None:
    """A dropdown of ``choices`` (texts without commas); anything else is refused."""
    listed = ", ".join(choices)
    prompt = f"Chọn trong danh sách: {listed}."
    error = f"Chọn một giá trị trong danh sách thả xuống: {listed}."
    _rule(ws, cell, "list", title, prompt, error, formula1='"' + ",".join(nfc(c) for c in choices) + '"')


def prompt_rule(ws: Worksheet, cells: str | Sequence[str], title: str, prompt: str) -> None:
    """Free-text cells that show a hint when selected (any value is allowed)."""
    _rule(ws, cells, None, title, prompt, "")
