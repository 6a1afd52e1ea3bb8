"""The shared look of the workbooks people read and print: fonts, tables, page setup, safe cells.

Every text cell goes through :func:`put_text`, which neutralises formula-like text (see
:mod:`tasks.outputs.safe_text`) and forces the string type, so no text from a ward can become a formula.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from tasks.outputs.ooxml import save_workbook
from tasks.outputs.safe_text import safe_text

CREATOR = "thidua"
FONT_NAME = "Times New Roman"
BODY_SIZE = 12
NUMBER_FORMAT = "0.00"
INTEGER_FORMAT = "0"

BODY = Font(name=FONT_NAME, size=BODY_SIZE)
BOLD = Font(name=FONT_NAME, size=BODY_SIZE, bold=True)
ITALIC = Font(name=FONT_NAME, size=BODY_SIZE, italic=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
LINK = Font(name=FONT_NAME, size=BODY_SIZE, color="0563C1", underline="single")

_THIN = Side(style="thin", color="000000")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

_LINE_HEIGHT = 15.75  # points per text line at 12 pt
_CHARS_PER_WIDTH = 1.15  # Times New Roman text is a little wider than the width unit (a Calibri digit)

Kind = Literal["text", "center", "int", "number"]
_FONT_ID, _FILL_ID, _BORDER_ID, _ALIGNMENT_ID = 0, 1, 2, 5  # slots of openpyxl's StyleArray (fontId, fillId…)
# per workbook: (style list, id of a style object) -> (the object, kept alive so its id stays its own; its index)
_STYLE_INDEX: WeakKeyDictionary[Workbook, dict[tuple[str, int], tuple[object, int]]] = WeakKeyDictionary()


@dataclass(frozen=True)
class Column:
    """One column of a table: header text, width (characters), how values are shown, header comment."""

    header: str
    width: float
    kind: Kind = "text"
    comment: str | None = None
    number_format: str | None = None  # overrides the kind's format for a numeric column


def new_workbook(title: str, moment: datetime) -> Workbook:
    """A workbook whose properties (creator, title, dates) are fixed by the inputs, not the clock."""
    wb = Workbook()
    naive = moment.replace(tzinfo=None)
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = title
    props.language = "vi-VN"
    props.created = naive
    props.modified = naive
    return wb


def to_bytes(wb: Workbook, moment: datetime) -> bytes:
    """Serialise ``wb`` and pin every timestamp in the package to ``moment`` (byte-stable output)."""
    return save_workbook(wb, moment)


def style_cell(
    cell: Cell,
    *,
    font: Font | None = None,
    alignment: Alignment | None = None,
    border: Border | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    """Give ``cell`` the styles passed, exactly as ``cell.font = font`` (and so on) would.

    openpyxl finds a style's place in the workbook's list by hashing the style object field by field on
    every assignment, which is most of the time spent on a table of a thousand wards. The lists only grow,
    so the index of a style object is looked up once per workbook and reused; a style object must not be
    changed once used (the module's constants never are).
    """
    wb = cell.parent.parent
    known = _STYLE_INDEX.get(wb)
    if known is None:
        known = _STYLE_INDEX[wb] = {}
    style = cell._style if cell._style is not None else StyleArray()
    for collection, slot, value in (
        ("_fonts", _FONT_ID, font),
        ("_fills", _FILL_ID, fill),
        ("_borders", _BORDER_ID, border),
        ("_alignments", _ALIGNMENT_ID, alignment),
    ):
        if value is not None:
            style[slot] = _style_index(wb, known, collection, value)
    cell._style = style
    return cell


def _style_index(wb: Workbook, known: dict[tuple[str, int], tuple[object, int]], collection: str, value: object) -> int:
    hit = known.get((collection, id(value)))
    if hit is None:
        hit = known[(collection, id(value))] = (value, getattr(wb, collection).add(value))
    return hit[1]


def put_text(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    *,
    font: Font = BODY,
    alignment: Alignment = LEFT,
    border: Border | None = None,
) -> Cell:
    """Write ``value`` as plain text (never a formula); ``None`` or empty text leaves the cell empty."""
    text = ILLEGAL_CHARACTERS_RE.sub("", safe_text(value))
    cell = ws.cell(row=row, column=col)
    cell.value = text or None
    if text:
        cell.data_type = "s"
    return style_cell(cell, font=font, alignment=alignment, border=border)


def put_number(
    ws: Worksheet,
    row: int,
    col: int,
    value: Decimal | float | None,
    *,
    number_format: str = NUMBER_FORMAT,
    font: Font = BODY,
    border: Border | None = None,
) -> Cell:
    """Write a real numeric cell; a ``Decimal`` becomes a float only here, at the cell boundary."""
    cell = ws.cell(row=row, column=col)
    cell.value = float(value) if isinstance(value, Decimal) else value
    cell.number_format = number_format
    alignment = RIGHT if number_format != INTEGER_FORMAT else CENTER
    return style_cell(cell, font=font, alignment=alignment, border=border)


def note(text: str, *, width: int = 320) -> Comment:
    """A cell comment by the pipeline, sized to show ``text`` without scrolling."""
    lines = estimate_lines(text, width / 7)
    return Comment(text, CREATOR, height=max(60, 18 * lines + 12), width=width)


def banner(ws: Worksheet, row: int, text: str, last_col: int, *, font: Font = TITLE) -> None:
    """A centred line merged across the table (title, subtitle)."""
    put_text(ws, row, 1, text, font=font, alignment=CENTER)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = _LINE_HEIGHT * 1.4


def legend(ws: Worksheet, row: int, lines: Sequence[str], columns: Sequence[Column]) -> int:
    """Explanatory lines under a table, each merged across it; returns the last row written."""
    total_width = sum(c.width for c in columns)
    for offset, text in enumerate(lines):
        r = row + offset
        font = BOLD if offset == 0 else BODY
        put_text(ws, r, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="top"))
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
        ws.row_dimensions[r].height = _LINE_HEIGHT * estimate_lines(text, total_width) + 2
    return row + len(lines) - 1


def write_table(ws: Worksheet, top: int, columns: Sequence[Column], records: Iterable[Sequence[object]]) -> int:
    """Write a bordered table: a header row at ``top`` then one row per record; returns the last row.

    Values are shown according to each column's kind: text (left), centred text, integer or number
    with 2 decimals. Column widths and row heights are set so wrapped text is visible in print.
    """
    headers = []
    for col, column in enumerate(columns, start=1):
        cell = style_cell(
            put_text(ws, top, col, column.header, font=BOLD, alignment=CENTER), fill=HEADER_FILL, border=BOX
        )
        if column.comment:
            cell.comment = note(column.comment)
        ws.column_dimensions[get_column_letter(col)].width = column.width
        headers.append(cell.value)
    set_height(ws, top, columns, headers)
    row = top
    for row, record in enumerate(records, start=top + 1):
        values = []
        for col, (column, value) in enumerate(zip(columns, record, strict=True), start=1):
            values.append(put_value(ws, row, col, column, value, border=BOX).value)
        set_height(ws, row, columns, values)
    return row


def put_value(
    ws: Worksheet, row: int, col: int, column: Column, value: object, *, border: Border | None = None
) -> Cell:
    """Write one table value as its column asks: numbers stay numeric, anything else becomes text."""
    kind = column.kind
    if kind in ("int", "number") and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        default = INTEGER_FORMAT if kind == "int" else NUMBER_FORMAT
        return put_number(ws, row, col, value, number_format=column.number_format or default, border=border)
    return put_text(ws, row, col, value, alignment=LEFT if kind == "text" else CENTER, border=border)


def estimate_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` characters wide."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(len(part) * _CHARS_PER_WIDTH / usable)) for part in text.split("\n"))


def fit_height(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """Set the height of ``row`` to show its longest wrapped text (Excel does not do it on opening)."""
    set_height(ws, row, columns, [ws.cell(row=row, column=col).value for col in range(1, len(columns) + 1)])


def set_height(ws: Worksheet, row: int, columns: Sequence[Column], values: Sequence[object]) -> None:
    """:func:`fit_height` for a row whose cell values (one per column) the caller has at hand."""
    lines = 1
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, str):
            lines = max(lines, estimate_lines(value, column.width))
    ws.row_dimensions[row].height = _LINE_HEIGHT * lines + 3


def setup_print(ws: Worksheet, *, last_col: int, last_row: int, title_rows: str | None, landscape: bool = True) -> None:
    """A4, one page wide, repeated header rows, margins for filing, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.6, right=0.5, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.size = 10
