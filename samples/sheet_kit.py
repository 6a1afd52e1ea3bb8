"""Building blocks of the sample workbooks: the office look, variant handling, byte-stable saving.

See ``samples.workbooks`` for the writers and the list of ``variant`` flags.
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tasks.outputs.ooxml import freeze_ooxml

CREATOR = "thidua sample generator"
SAMPLE_NOTE = "Dữ liệu mẫu (tổng hợp) – không phải số liệu thật"
BLOC_TITLE = "Khối thi đua các phường – tỉnh Lào Cai"
DEFAULT_PREPARER = "Công chức Văn phòng HĐND và UBND phường"
DEFAULT_ROLE = "Chuyên viên Văn phòng HĐND và UBND"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")

Variant = frozenset[str] | set[str]
Group = tuple[str, str, list[str]]


@dataclass(frozen=True)
class Column:
    """A table column: canonical header and width in characters."""

    header: str
    width: float


def fold(text: str) -> str:
    """Upper-case ``text`` without Vietnamese diacritics (``Điểm tự chấm`` -> ``DIEM TU CHAM``)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).upper()


def label(text: str, variant: Variant) -> str:
    """A sheet name, label or header as this variant writes it."""
    return fold(text) if "upper_headers" in variant else text


def ward_label(name: str, variant: Variant) -> str:
    """The ward name as written in ``Đơn vị`` for this variant."""
    if "ward_prefix" in variant:
        return f"Phường {name}"
    if "ward_short" in variant:
        return f"P. {name}"
    if "ward_upper" in variant:
        return f"PHƯỜNG {name}".upper()
    return name


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros (``Decimal('7.50')`` -> ``'7.5'``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def comma(value: Decimal) -> str:
    """A decimal written the Vietnamese way, with a decimal comma (``7,5``)."""
    return plain(value).replace(".", ",")


def number(value: Decimal | None, variant: Variant) -> int | float | str | None:
    """A cell value for a decimal: int when whole, else float; text with a comma for ``text_numbers``."""
    if value is None:
        return None
    if "text_numbers" in variant:
        return comma(value)
    return int(value) if value == value.to_integral_value() else float(value)


def code_cell(code: str, variant: Variant) -> str | float:
    """A criterion code as this variant stores it."""
    if "numeric_codes" not in variant or code.count(".") != 1:
        return code
    return float(code) if int(code.split(".")[0]) <= 3 else f"{code}."


def put(ws: Worksheet, row: int, col: int, value: Any, **style: Any) -> None:
    """Write one cell with the house look (Times New Roman, optional box, wrap, bold, format)."""
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = Font(
        name=_FONT, size=style.get("size", 12), bold=style.get("bold", False), italic=style.get("italic", False)
    )
    cell.alignment = Alignment(horizontal=style.get("align"), vertical="center", wrap_text=style.get("wrap", False))
    if style.get("box", True):
        cell.border = _BOX
    if "fill" in style:
        cell.fill = style["fill"]
    if "fmt" in style:
        cell.number_format = style["fmt"]


def titles(ws: Worksheet, lines: Iterable[str], width: int, variant: Variant) -> int:
    """Write title rows (merged across the table for ``title_merged``); return the header row number."""
    row = 1
    for text in lines:
        put(
            ws,
            row,
            1,
            text,
            bold=row == 1,
            size=13 if row == 1 else 12,
            box=False,
            align="center" if "title_merged" in variant else None,
        )
        if "title_merged" in variant:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    return row + 1  # one blank row between the titles and the header


def header(ws: Worksheet, row: int, columns: list[Column], variant: Variant) -> None:
    """Write the header row and set column widths and print titles."""
    for col, column in enumerate(columns, start=1):
        put(ws, row, col, label(column.header, variant), bold=True, wrap=True, align="center", fill=_HEAD_FILL)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[row].height = 33
    ws.print_title_rows = f"{row}:{row}"
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def fit_row_heights(ws: Worksheet, first_row: int) -> None:
    """Set row heights for wrapped text, as Excel would show it (openpyxl does not measure text)."""
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            per_line = max(1, int((ws.column_dimensions[cell.column_letter].width or 10) * 1.2))
            lines = max(lines, sum(math.ceil(max(1, len(part)) / per_line) for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 16 * lines + 2


def print_setup(ws: Worksheet, landscape: bool) -> None:
    """A4, fit to one page wide, office margins; wrapped rows given their height."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left, ws.page_margins.right = 0.75, 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    fit_row_heights(ws, 1)


def with_stt(columns: list[Column], variant: Variant) -> list[Column]:
    return [Column("STT", 6), *columns] if "stt" in variant else columns


def info_sheet(ws: Worksheet, pairs: list[tuple[str, Any]], variant: Variant) -> None:
    """The ``Thông tin`` sheet: label in column A, value in column B."""
    for row, (name, value) in enumerate(pairs, start=1):
        put(ws, row, 1, label(name, variant), bold=True)
        put(ws, row, 2, value, fmt="dd/mm/yyyy" if isinstance(value, date) else "General", align="left")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 52
    print_setup(ws, landscape=False)


def _notes_sheet(ws: Worksheet) -> None:
    """The extra ``Ghi chú`` sheet of the ``sheet_order`` variant."""
    lines = [
        "Hướng dẫn điền biểu mẫu",
        "- Điền đầy đủ các ô màu trắng; không thay đổi mã tiêu chí, mã chỉ tiêu.",
        "- Điểm ghi tối đa 2 chữ số thập phân.",
        f"- {SAMPLE_NOTE}.",
    ]
    for row, text in enumerate(lines, start=1):
        put(ws, row, 1, text, bold=row == 1, box=False)
    ws.column_dimensions["A"].width = 90


def finish(wb: Workbook, path: Path, prepared_on: date, subject: str) -> Path:
    """Set the properties, save byte-stably (timestamps from ``prepared_on``), write atomically."""
    moment = datetime.combine(prepared_on, time(8, 0))
    props = wb.properties
    props.creator = props.lastModifiedBy = CREATOR
    props.title = f"{subject} – {SAMPLE_NOTE}"
    props.subject = subject
    props.created = props.modified = moment
    buffer = io.BytesIO()
    wb.save(buffer)
    # stamped 08:00 UTC in core.xml as the sample files always were (aware: no conversion from Vietnam's time)
    data = freeze_ooxml(buffer.getvalue(), moment.replace(tzinfo=UTC))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def build_sheets(wb: Workbook, builders: list[tuple[str, Callable[[Worksheet], None]]], variant: Variant) -> None:
    """Create the sheets in canonical order, or shuffled plus ``Ghi chú`` for ``sheet_order``."""
    if "sheet_order" in variant:
        builders = [builders[-1], ("Ghi chú", _notes_sheet), *reversed(builders[:-1])]
    wb.remove(wb.active)
    for name, build in builders:
        build(wb.create_sheet(label(name, variant)))
    wb.active = 0
