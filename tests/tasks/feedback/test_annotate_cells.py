"""The marked cells of an annotated copy: a filled copy of each cell's own format, created where Excel expects it.

The copy as a whole (comments, drawings, parts kept byte for byte, packages declined) is tested in
``test_annotate.py``; here is what ``tasks.feedback.annotate_cells`` does to a sheet's cells and ``styles.xml``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from tasks.domain import Severity
from tasks.feedback.annotate_cells import MAIN, Declined, Note, StyleBook, mark_cells
from tasks.feedback.workbook import annotate_copy
from tests.support.annotated import ISSUES, MOMENT, SCORES, cell_look, issue, parts, values
from tests.support.office_files import SAPA_ANNUAL

M = f"{{{MAIN}}}"
RED, YELLOW = "00FFC7CE", "00FFEB9C"


def test_a_marked_cell_keeps_its_format() -> None:
    """The marked cell keeps its font, border, number format and alignment; only the fill is new."""
    original = SAPA_ANNUAL.read_bytes()
    data = annotate_copy(original, ISSUES, MOMENT, keep_vba=False)
    assert data is not None
    before, after = load_workbook(io.BytesIO(original))[SCORES]["D6"], load_workbook(io.BytesIO(data))[SCORES]["D6"]
    assert cell_look(after.parent, "D6")[3:-1] == cell_look(before.parent, "D6")[3:-1]
    assert before.font.name == "Times New Roman" and before.border.left.style == "thin"  # something to keep


def test_a_missing_cell_and_row_are_created_in_order(tmp_path: Path) -> None:
    """A cell or row the file lacks is created where Excel expects it: rows and cells in order."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SCORES
    ws["C2"], ws["E2"], ws["B5"] = "x", "y", 7
    ws.column_dimensions["D"].font = Font(bold=True)  # a formatted column: an empty D cell shows it
    path = tmp_path / "gaps.xlsx"
    wb.save(path)
    original = path.read_bytes()
    issues = [issue("A2"), issue("D2"), issue("G2"), issue("C1"), issue("D3"), issue("A9", Severity.WARNING)]
    data = annotate_copy(original, issues, MOMENT, False)
    assert data is not None
    sheet = etree.fromstring(parts(data)["xl/worksheets/sheet1.xml"])
    rows = sheet.findall(f"{M}sheetData/{M}row")
    assert [r.get("r") for r in rows] == ["1", "2", "3", "5", "9"]
    assert [c.get("r") for c in rows[1].findall(f"{M}c")] == ["A2", "C2", "D2", "E2", "G2"]
    assert sheet.find(f"{M}dimension").get("ref") == "A1:G9"
    ws = load_workbook(io.BytesIO(data))[SCORES]
    assert [ws[a].fill.fgColor.rgb for a in ("A2", "D2", "G2", "C1", "D3", "A9")] == ["00FFC7CE"] * 5 + ["00FFEB9C"]
    assert ws["D3"].font.bold and not ws["C1"].font.bold  # the new D cell keeps its column's format
    assert (ws["C2"].value, ws["E2"].value, ws["B5"].value) == ("x", "y", 7)
    assert values(data) == values(original)


def _styles() -> etree._Element:
    """A style sheet with two fills (Excel's required pair) and two cell formats: plain, and bold with a border."""
    return etree.fromstring(
        f'<styleSheet xmlns="{MAIN}"><fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills><cellXfs count="2">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '<xf numFmtId="4" fontId="1" fillId="0" borderId="1" applyFont="1"/></cellXfs></styleSheet>'.encode()
    )


def _sheet(rows: str, extra: str = "") -> etree._Element:
    return etree.fromstring(f'<worksheet xmlns="{MAIN}">{extra}<sheetData>{rows}</sheetData></worksheet>'.encode())


def test_a_filled_format_keeps_the_cell_s_number_format_font_and_border() -> None:
    """Marking a bold, bordered cell with format "#,##0.00" adds a copy of its format with a red fill, nothing else."""
    root = _styles()
    made = StyleBook(root).filled(1, RED)
    formats = root.findall(f"{M}cellXfs/{M}xf")
    assert made == 2 and len(formats) == 3 and root.find(f"{M}cellXfs").get("count") == "3"
    new = dict(formats[2].attrib)
    assert new == {"numFmtId": "4", "fontId": "1", "fillId": "2", "borderId": "1", "applyFont": "1", "applyFill": "1"}
    fill = root.findall(f"{M}fills/{M}fill")[2].find(f"{M}patternFill")
    assert (fill.get("patternType"), fill.find(f"{M}fgColor").get("rgb")) == ("solid", RED)


def test_each_colour_is_one_fill_and_each_format_and_colour_one_format() -> None:
    """Many marked cells add few styles: one fill per colour, one format per (cell format, colour) pair."""
    root = _styles()
    book = StyleBook(root)
    made = [book.filled(0, RED), book.filled(1, RED), book.filled(0, RED), book.filled(0, YELLOW)]
    assert made == [2, 3, 2, 4]
    assert root.find(f"{M}fills").get("count") == "4" and len(root.findall(f"{M}fills/{M}fill")) == 4
    assert [xf.get("fillId") for xf in root.findall(f"{M}cellXfs/{M}xf")[2:]] == ["2", "2", "3"]


def test_a_cell_in_a_formatted_row_takes_the_row_s_format() -> None:
    """An empty cell of a row formatted as a whole shows the row's format: the new marked cell keeps it."""
    root = _sheet('<row r="3" s="1" customFormat="1" spans="2:4"><c r="B3"/><c r="D3"/></row>')
    mark_cells(root, [Note(SCORES, "F3", "Ô F3 sai.", RED)], StyleBook(_styles()))
    cells = root.findall(f"{M}sheetData/{M}row/{M}c")
    assert [(c.get("r"), c.get("s")) for c in cells] == [("B3", None), ("D3", None), ("F3", "2")]
    assert root.find(f"{M}sheetData/{M}row").get("spans") == "2:6"  # the row's hint now covers the new cell


def test_an_unreadable_spans_hint_is_dropped_rather_than_left_wrong() -> None:
    """A row listing several spans loses the optional hint when a cell is added, instead of keeping a wrong one."""
    root = _sheet('<row r="1" spans="1:2 5:6"><c r="A1"/></row>')
    mark_cells(root, [Note(SCORES, "C1", "Ô C1 sai.", RED)], StyleBook(_styles()))
    assert "spans" not in root.find(f"{M}sheetData/{M}row").attrib


def test_a_new_cell_goes_before_the_row_s_extensions() -> None:
    """Cells come before a row's extension list, as Excel requires: the new cell is placed ahead of it."""
    root = _sheet('<row r="1"><c r="A1"/><extLst/></row>')
    mark_cells(root, [Note(SCORES, "B1", "Ô B1 sai.", YELLOW)], StyleBook(_styles()))
    names = [etree.QName(child).localname for child in root.find(f"{M}sheetData/{M}row")]
    assert names == ["c", "c", "extLst"]


@pytest.mark.parametrize(
    "sheet",
    [
        f'<worksheet xmlns="{MAIN}"/>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="0"><c r="A1"/></row></sheetData></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c r="A1"/></row></sheetData></worksheet>',
    ],
    ids=["no sheetData", "row zero", "row without number"],
)
def test_a_sheet_it_cannot_place_a_cell_in_is_declined(sheet: str) -> None:
    """A sheet without cell data or with rows it cannot number is declined (the ward gets no marked copy)."""
    with pytest.raises(Declined):
        mark_cells(etree.fromstring(sheet.encode()), [Note(SCORES, "A1", "x", RED)], StyleBook(_styles()))
