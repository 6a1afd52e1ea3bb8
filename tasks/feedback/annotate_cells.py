"""The cells of an annotated copy (see :mod:`tasks.feedback.annotate`): filled cell formats in ``styles.xml``
and the marked cells in a sheet's XML, created in their place where the file has none."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple, get_column_letter, range_boundaries

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL = f"{{{MAIN}}}row", f"{{{MAIN}}}c"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


class Declined(Exception):
    """The package is not the plain kind this path edits; the caller makes the copy with openpyxl instead."""


@dataclass(frozen=True)
class Note:
    """One marked cell: its sheet (as named in the file), its visible cell, the comment and the fill colour."""

    sheet: str
    cell: str
    text: str
    fill_rgb: str  # ARGB as openpyxl writes a PatternFill's fgColor, e.g. "00FFC7CE"


class StyleBook:
    """The cell formats of ``styles.xml``; gives each (format, fill) pair one new format."""

    def __init__(self, root: etree._Element) -> None:
        """Find the fills and cell formats of the style sheet ``root``."""
        self.fills, self.xfs = root.find(f"{{{MAIN}}}fills"), root.find(f"{{{MAIN}}}cellXfs")
        if root.tag != f"{{{MAIN}}}styleSheet" or self.fills is None or self.xfs is None:
            raise Declined("styles.xml without fills or cellXfs")
        self.fill_ids: dict[str, int] = {}
        self.made: dict[tuple[int, str], int] = {}

    def filled(self, xf: int, rgb: str) -> int:
        """The index of a copy of cell format ``xf`` with a solid ``rgb`` fill (font, border, number format kept)."""
        if (xf, rgb) not in self.made:
            formats = self.xfs.findall(f"{{{MAIN}}}xf")
            if not 0 <= xf < len(formats):
                raise Declined(f"cell format {xf} not in styles.xml")
            made = copy.deepcopy(formats[xf])
            made.set("fillId", str(self._fill(rgb)))
            made.set("applyFill", "1")
            formats[-1].addnext(made)
            self.xfs.set("count", str(len(formats) + 1))
            self.made[(xf, rgb)] = len(formats)
        return self.made[(xf, rgb)]

    def _fill(self, rgb: str) -> int:
        """The id of the solid fill ``rgb``, appended the first time as openpyxl writes a PatternFill."""
        if rgb not in self.fill_ids:
            count = len(self.fills.findall(f"{{{MAIN}}}fill"))
            pattern = etree.SubElement(etree.SubElement(self.fills, f"{{{MAIN}}}fill"), f"{{{MAIN}}}patternFill")
            pattern.set("patternType", "solid")
            etree.SubElement(pattern, f"{{{MAIN}}}fgColor").set("rgb", rgb)
            self.fills.set("count", str(count + 1))
            self.fill_ids[rgb] = count
        return self.fill_ids[rgb]


def mark_cells(root: etree._Element, notes: Sequence[Note], styles: StyleBook) -> None:
    """Give each note's cell its filled format, creating the cell (and its row) where the file has none."""
    sheet_data = root.find(f"{{{MAIN}}}sheetData")
    if sheet_data is None:
        raise Declined("no sheetData")
    for item in notes:
        number, col = coordinate_to_tuple(item.cell)
        row = _child(sheet_data, number)
        cell = _child(row, col, number)
        if cell.get("r") is None:  # just created
            cell.set("r", item.cell)
            base = _default_format(root, row, col)
            _widen_extent(root, row, number, col)
        else:
            base = int(cell.get("s", "0"))
        cell.set("s", str(styles.filled(base, item.fill_rgb)))


def _child(parent: etree._Element, wanted: int, row: int | None = None) -> etree._Element:
    """Row ``wanted`` of sheetData ``parent``, or (``row`` given) the cell in column ``wanted`` of that row.

    One the file lacks is created in its place, before the first with a greater number or of another tag (a
    row's ``extLst`` follows its cells); a new cell has no attributes yet.
    """
    tag = _ROW if row is None else _CELL
    for child in parent:
        if child.tag != tag:
            if row is None:
                raise Declined("sheetData holds something other than rows")
            break
        found = _number(child.get("r", "")) if row is None else _column(child, row)
        if found == wanted:
            return child
        if found > wanted:
            break
    else:
        return etree.SubElement(parent, tag, {"r": str(wanted)} if tag == _ROW else {})
    created = etree.Element(tag, {"r": str(wanted)} if tag == _ROW else {})
    child.addprevious(created)
    return created


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise Declined("a row without its number")
    return int(text)


def _column(cell: etree._Element, number: int) -> int:
    """The column of ``cell`` in row ``number``; declines a cell without an address in that row."""
    found = _CELL_REF.match(cell.get("r", ""))
    if found is None or int(found.group(2)) != number:
        raise Declined(f"a cell of row {number} without its address")
    return column_index_from_string(found.group(1))


def _default_format(root: etree._Element, row: etree._Element, col: int) -> int:
    """The format Excel shows in an empty cell: its row's if the row is formatted, else its column's."""
    if row.get("customFormat") in ("1", "true"):
        return int(row.get("s", "0"))
    for column in root.iterfind(f"{{{MAIN}}}cols/{{{MAIN}}}col"):
        if int(column.get("min", "0")) <= col <= int(column.get("max", "0")):
            return int(column.get("style", "0"))
    return 0


def _widen_extent(root: etree._Element, row: etree._Element, number: int, col: int) -> None:
    """Stretch the row's ``spans`` and the sheet's ``dimension`` hints over a cell added outside them."""
    low, _, high = row.get("spans", "").partition(":")
    if low.isdigit() and high.isdigit():
        row.set("spans", f"{min(int(low), col)}:{max(int(high), col)}")
    elif "spans" in row.attrib:
        del row.attrib["spans"]  # several ranges or unreadable: an optional hint, none beats a wrong one
    dimension = root.find(f"{{{MAIN}}}dimension")
    if dimension is not None and dimension.get("ref"):
        min_col, min_row, max_col, max_row = range_boundaries(dimension.get("ref"))
        top = f"{get_column_letter(min(min_col, col))}{min(min_row, number)}"
        dimension.set("ref", f"{top}:{get_column_letter(max(max_col, col))}{max(max_row, number)}")
