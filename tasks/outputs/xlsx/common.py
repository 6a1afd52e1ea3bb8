"""The shared look of the workbooks people read and print: fonts, tables, page setup, safe cells.

Every text cell goes through :func:`write_text` (:func:`put_text` uses it), which forces the string type and
marks formula-like text (see :mod:`tasks.outputs.safe_text`) with Excel's quote prefix, so no text from a ward
can become a formula, and the text still shows as written (``-1``, not ``'-1``).
Cells take their style as a :class:`Look`, a named cell style: titles, table headers, text, whole numbers,
decimals.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import matplotlib
from fontTools.afmLib import AFM
from fontTools.agl import UV2AGL
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from tasks.outputs.safe_text import is_formula_like

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

_LINE_HEIGHT = 15.75  # points per text line at 12 pt: the height Excel itself gives a line of Times New Roman 12

NO_BORDER = Border(left=Side(), right=Side(), top=Side(), bottom=Side(), diagonal=Side())  # a workbook's default
NO_FILL = PatternFill()
TOP = Alignment(wrap_text=True, vertical="top")

Kind = Literal["text", "center", "int", "number"]


@dataclass(frozen=True, eq=False)
class Look:
    """How a cell looks: one named cell style of the workbook (Excel lists it under Home → Cell Styles).

    Each look has its own ``name`` (a cell takes its look by name); :func:`put_look` gives a cell its look.
    """

    name: str
    font: Font = BODY
    alignment: Alignment = LEFT
    border: Border = NO_BORDER
    fill: PatternFill = NO_FILL
    number_format: str = "General"


PLAIN = Look("thidua Chữ thường")
TITLE_LINE = Look("thidua Tiêu đề", TITLE, CENTER)
SUBTITLE_LINE = Look("thidua Tiêu đề phụ", ITALIC, CENTER)
NOTE_HEAD = Look("thidua Ghi chú đầu", BOLD, TOP)  # the first line of a legend under a table
NOTE_LINE = Look("thidua Ghi chú", BODY, TOP)
HEADER = Look("thidua Tiêu đề cột", BOLD, CENTER, BOX, HEADER_FILL)
TEXT = Look("thidua Chữ", BODY, LEFT, BOX)
CENTERED = Look("thidua Chữ giữa", BODY, CENTER, BOX)
WHOLE = Look("thidua Số nguyên", BODY, CENTER, BOX, number_format=INTEGER_FORMAT)
DECIMAL = Look("thidua Số thập phân", BODY, RIGHT, BOX, number_format=NUMBER_FORMAT)


@dataclass(frozen=True)
class Column:
    """One column of a table: header text, width (characters), how values are shown, header comment."""

    header: str
    width: float
    kind: Kind = "text"
    comment: str | None = None


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


def put_look(cell: Cell, look: Look) -> Cell:
    """Give ``cell`` the font, alignment, border, fill and number format of ``look``, replacing its own.

    The look becomes a named style of the workbook the first time one of its cells takes it; from then on a
    cell takes it by name, which copies a few style indices. Setting ``cell.font``, ``cell.alignment`` and so on
    instead hashes every style object on each assignment: five times slower on a ranking table
    (``bench/xlsx_styles.py``; figures in ``docs/performance.md``).
    """
    wb = cell.parent.parent
    if look.name not in wb.named_styles:
        style = NamedStyle(
            look.name,
            font=look.font,
            alignment=look.alignment,
            border=look.border,
            fill=look.fill,
            number_format=look.number_format,
        )
        wb.add_named_style(style)
    cell.style = look.name
    return cell


def write_text(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write ``value`` as plain text (never a formula), leaving the cell's style as it is.

    Text a spreadsheet would take for a formula (``=…``, ``-1``, ``@…``) gets the quote prefix, what typing
    ``'-1`` in Excel sets: a literal apostrophe in the text would show in the cell (the CSV files need one, having
    no cell types). ``None`` or empty text leaves the cell empty.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell = ws.cell(row=row, column=col)
    cell.value = text or None
    if text:
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    return cell


def put_text(ws: Worksheet, row: int, col: int, value: object, *, look: Look = PLAIN) -> Cell:
    """Write ``value`` as plain text (never a formula) with ``look``; ``None`` or empty text leaves it empty."""
    put_look(ws.cell(row=row, column=col), look)  # first: a named style replaces the quote prefix
    return write_text(ws, row, col, value)


def put_number(ws: Worksheet, row: int, col: int, value: Decimal | float | None, *, look: Look = DECIMAL) -> Cell:
    """Write a real numeric cell with ``look``; a ``Decimal`` becomes a float only here, at the cell boundary."""
    cell = ws.cell(row=row, column=col)
    cell.value = float(value) if isinstance(value, Decimal) else value
    return put_look(cell, look)


def note(text: str, *, width: int = 320) -> Comment:
    """A cell comment by the pipeline, sized to show ``text`` without scrolling."""
    lines = estimate_lines(text, width / _PIXELS_PER_WIDTH)
    return Comment(text, CREATOR, height=max(60, 18 * lines + 12), width=width)


def banner(ws: Worksheet, row: int, text: str, last_col: int, *, look: Look = TITLE_LINE, first_col: int = 1) -> None:
    """A centred line merged across the table (title, subtitle), from ``first_col`` to ``last_col``."""
    put_text(ws, row, first_col, text, look=look)
    ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = _LINE_HEIGHT * 1.4


def gap(ws: Worksheet, row: int) -> None:
    """Leave ``row`` empty and half a line high: air between the titles and a table, or a table and its notes."""
    ws.row_dimensions[row].height = _LINE_HEIGHT / 2


def legend(ws: Worksheet, row: int, lines: Sequence[str], columns: Sequence[Column]) -> int:
    """Explanatory lines under a table, each merged across it; returns the last row written."""
    total_width = sum(c.width for c in columns)
    for offset, text in enumerate(lines):
        r = row + offset
        put_text(ws, r, 1, text, look=NOTE_HEAD if offset == 0 else NOTE_LINE)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
        font = NOTE_HEAD.font if offset == 0 else NOTE_LINE.font
        ws.row_dimensions[r].height = _LINE_HEIGHT * estimate_lines(text, total_width, font)
    return row + len(lines) - 1


def write_table(ws: Worksheet, top: int, columns: Sequence[Column], records: Iterable[Sequence[object]]) -> int:
    """Write a bordered table: a header row at ``top`` then one row per record; returns the last row.

    Values are shown according to each column's kind: text (left), centred text, integer or number
    with 2 decimals. Column widths and row heights are set so wrapped text is visible in print.
    """
    headers = []
    for col, column in enumerate(columns, start=1):
        cell = put_text(ws, top, col, column.header, look=HEADER)
        if column.comment:
            cell.comment = note(column.comment)
        ws.column_dimensions[get_column_letter(col)].width = column.width
        headers.append(cell.value)
    set_height(ws, top, columns, headers, HEADER.font)
    row = top
    for row, record in enumerate(records, start=top + 1):
        values = []
        for col, (column, value) in enumerate(zip(columns, record, strict=True), start=1):
            values.append(put_value(ws, row, col, column, value).value)
        set_height(ws, row, columns, values)
    return row


def quantity_kind(values: Iterable[object], percent: bool = False) -> Kind:
    """How a column of indicator values shows: plain digits for whole counts, else two decimals.

    Never a thousands separator: on a PC set to English ``2,795`` people read as “2 phẩy 795” to a
    Vietnamese reader.
    """
    whole = all(v is None or (isinstance(v, Decimal | int) and v == int(v)) for v in values)
    return "int" if whole and not percent else "number"


def put_value(ws: Worksheet, row: int, col: int, column: Column, value: object) -> Cell:
    """Write one boxed table value as its column asks: numbers stay numeric, anything else becomes text."""
    kind = column.kind
    if kind in ("int", "number") and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return put_number(ws, row, col, value, look=WHOLE if kind == "int" else DECIMAL)
    return put_text(ws, row, col, value, look=TEXT if kind == "text" else CENTERED)


# How wide text is. A column of width w is narrowest in Excel on a 96 dpi screen: 7 px (the digit width of the
# workbooks' default font, Calibri 11) for each unit, 5 px of which per column go to the cell's padding. LibreOffice
# with Carlito, and Excel at a higher dpi, give a little more. The sheets' text is Times New Roman: its widths are
# taken from Adobe's Times, as matplotlib ships them, which is as wide as Times New Roman or a little wider
# (0 to 10 % on the sample's texts, against Liberation Serif, its metric twin), so an estimate errs on more lines.
# For Vietnamese text the two are often equally wide, and a screen's hinting and rounding can add a pixel or two:
# a text is counted on one line only when it leaves the column a small allowance.
_PIXELS_PER_WIDTH = 7
_PADDING_PIXELS = 5
_ALLOWANCE_PIXELS = 2
_HORN = "\u031b"  # the horn of ơ, ư juts out past the o, u: a tenth of an em more than the letter without it
_UNKNOWN_WIDTH = 1000  # a character Times lacks (not Vietnamese): a whole em


@cache
def _times(bold: bool) -> AFM:
    """The metrics of Times (bold or regular), in thousandths of an em."""
    name = "Times-Bold.afm" if bold else "Times-Roman.afm"
    return AFM(str(Path(matplotlib.get_data_path(), "fonts", "pdfcorefonts", name)))


def text_points(text: str, font: Font = BODY) -> float:
    """How wide ``text`` is in ``font`` (a Times New Roman size, bold or not), in points, erring on wider.

    A Vietnamese letter is as wide as its base letter: the accents stack above or below it.
    """
    metrics = _times(bool(font.b))
    units = 0
    for char in unicodedata.normalize("NFD", text):
        if char == _HORN:
            units += 100
        elif not unicodedata.combining(char):
            name = UV2AGL.get(ord(char))
            units += metrics[name][1] if name and metrics.has_char(name) else _UNKNOWN_WIDTH
    return units * float(font.sz or BODY_SIZE) / 1000


def room_points(width: float) -> float:
    """The width, in points, that text can be sure of in a column (or merged columns) ``width`` units wide. Excel
    draws a column in whole pixels: a width of 23.5 is 164 px, not 164.5; 5 go to padding and 2 are kept spare."""
    pixels = math.floor(_PIXELS_PER_WIDTH * width) - _PADDING_PIXELS - _ALLOWANCE_PIXELS
    return max(0.75 * pixels, 1.0)


def estimate_lines(text: str, width: float, font: Font = BODY) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` units wide, as Excel or LibreOffice wraps it.

    Lines break between words, as both do; a word longer than the column breaks where it reaches the edge,
    each piece of it counted a character short of the width. Never fewer lines than the text needs at the
    narrowest the column is shown (see :func:`room_points`), so a row sized by it clips no text.
    """
    room = room_points(width)
    space = text_points(" ", font)
    widest = _UNKNOWN_WIDTH * float(font.sz or BODY_SIZE) / 1000
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            size = text_points(word, font)
            if used and used + space + size <= room:
                used += space + size
                continue
            if used:
                lines += 1
            while size > room:
                lines += 1
                size -= max(room - widest, 1.0)
            used = size
    return lines


def set_height(ws: Worksheet, row: int, columns: Sequence[Column], values: Sequence[object], font: Font = BODY) -> None:
    """Set the height of ``row`` to show its longest wrapped text (Excel does not do it on opening)."""
    lines = 1
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, str):
            lines = max(lines, estimate_lines(value, column.width, font))
    ws.row_dimensions[row].height = _LINE_HEIGHT * lines


# Printing on A4. A column of width 1 prints about 5.6 pt wide: the digit width of the workbooks' default font
# (Calibri 11, or its metric twin Carlito in LibreOffice) plus cell padding; Excel itself is a little narrower.
POINTS_PER_WIDTH = 5.6
MIN_SCALE = 85  # below this a 12 pt table prints smaller than 10 pt: too small to read comfortably
_A4_POINTS = {False: 595.3, True: 841.9}  # paper width, portrait / landscape
MARGINS = PageMargins(left=0.6, right=0.5, top=0.7, bottom=0.7, header=0.3, footer=0.3)


def printable_points(landscape: bool, margins: PageMargins = MARGINS) -> float:
    """The width an A4 page leaves for the table between its left and right margins."""
    return _A4_POINTS[landscape] - 72 * (margins.left + margins.right)


def fit_scale(columns: Sequence[Column], landscape: bool = True) -> int:
    """The scale (%) a table of ``columns`` prints at fit to one page wide: whole percents, as Excel sets it."""
    return min(100, math.floor(100 * printable_points(landscape) / (sum(c.width for c in columns) * POINTS_PER_WIDTH)))


def notes_start_a_page_if_split(
    ws: Worksheet, first: int, last: int, scale: int, landscape: bool = True, title_rows: tuple[int, int] | None = None
) -> None:
    """Start rows ``first`` to ``last`` (the notes under a table) on a new printed page when they would not fit on
    what is left of the page they start on at ``scale`` %, so their heading never ends a page without them.

    The rows above are laid out as they print: a row that does not fit the rest of a page starts the next, which
    first repeats ``title_rows`` (the table's header, printed at the top of every page after the first).
    """
    page = 100 * (_A4_POINTS[not landscape] - 72 * (MARGINS.top + MARGINS.bottom)) / scale
    titles = _height(ws, range(title_rows[0], title_rows[1] + 1)) if title_rows else 0.0
    used = 0.0
    for r in range(1, first):
        height = _height(ws, [r])
        if used + height > page:
            used = titles if title_rows and r > title_rows[1] else 0.0
        used += height
    if used + _height(ws, range(first, last + 1)) > page:
        ws.row_breaks.append(Break(id=first - 1))


def _height(ws: Worksheet, rows: Iterable[int]) -> float:
    """The printed height of ``rows`` at 100 %, in points."""
    return sum(ws.row_dimensions[r].height or _LINE_HEIGHT for r in rows)


def fits_one_page(columns: Sequence[Column], landscape: bool = True) -> bool:
    """Whether a table of ``columns`` prints one page wide at :data:`MIN_SCALE` or more."""
    return sum(c.width for c in columns) * POINTS_PER_WIDTH * MIN_SCALE <= 100 * printable_points(landscape)


def setup_print(
    ws: Worksheet,
    *,
    last_col: int,
    last_row: int,
    title_rows: str | None,
    landscape: bool = True,
    column_breaks: Sequence[int] = (),
    title_cols: int = 0,
) -> None:
    """A4, margins for filing, page numbers in the footer, repeated header rows; one page wide, or in pages.

    Without ``column_breaks`` the sheet is fit to one page wide. With them (the last column of each page
    but the last) it prints at 100 % in that many pages across, the first ``title_cols`` columns repeated on
    each: a table too wide to be read at one page wide stays legible.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    if column_breaks:
        ws.sheet_properties.pageSetUpPr.fitToPage = False  # Excel ignores manual breaks when fitting
        ws.page_setup.scale = 100
        for col in column_breaks:
            ws.col_breaks.append(Break(id=col))
        # the table's pages across one after the other, then the rows below it (notes), not the notes between
        ws.page_setup.pageOrder = "overThenDown"
        if title_cols:
            ws.print_title_cols = f"A:{get_column_letter(title_cols)}"
    else:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = copy(MARGINS)
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.size = 10
