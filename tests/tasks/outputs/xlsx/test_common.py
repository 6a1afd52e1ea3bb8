"""The conventions every workbook shares: it prints legibly on A4 and reads the same on any PC.

Scores always show two decimals, counts of people plain digits (no thousands separator that an English PC
would print as ``2,795``), each sheet prints at 85 % or more (one page wide, or in pages across), and a cell's
look (a named cell style) shows as setting its font, alignment, border, fill and format one by one would.
"""

from __future__ import annotations

import io
import math
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks import annual_template, monthly_template
from tasks.config.year import YearConfig, load_year
from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.feedback import workbook as feedback
from tasks.feedback.workbook import feedback_workbook
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx import common
from tasks.outputs.xlsx.common import (
    DECIMAL,
    HEADER,
    MIN_SCALE,
    TEXT,
    TITLE_LINE,
    WHOLE,
    Look,
    new_workbook,
    put_look,
)
from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tasks.scoring.review import review
from tasks.validation.validate import validate_all
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator

INPUTS = SAMPLE.parent
MOMENT = datetime(2026, 1, 15, 8, 30)


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(INPUTS, 2025)


@pytest.fixture(scope="module")
def ranking_book(config: YearConfig) -> Workbook:
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    checked = validate_all(subs, config.bloc, config.catalogue, ScriptedValidator())  # print is not about GX
    result = review(checked, config.bloc, config.catalogue, None)
    return load_workbook(io.BytesIO(write_ranking_xlsx(config.bloc, config.catalogue, result.ranking, MOMENT)))


@pytest.fixture(scope="module")
def standing_book(config: YearConfig) -> Workbook:
    rows = []
    for ward in config.bloc.members:
        row: dict[str, object] = {"ward_code": ward.code, "ward_name": ward.name, "status": "accepted", "issues": 0}
        for ind in config.catalogue.indicators:
            row[f"{ind.code}_ytd"] = Decimal("97.5") if ind.is_percent else Decimal(2795)
            row[f"{ind.code}_score"] = Decimal("4.99")
        rows.append(row)
    return load_workbook(io.BytesIO(write_standing_xlsx(config.bloc, config.catalogue, "2025-12", rows, MOMENT)))


def _feedback_book() -> Workbook:
    issue = Issue(Severity.WARNING, "no_evidence", "Tiêu chí 1.4 tự chấm 2,25 điểm nhưng chưa ghi minh chứng.", "Ghi…")
    rel = "annual/tu-cham-diem-2025-sapa.xlsx"
    file = InputFile(Path("/x") / rel, rel, "0" * 64, Kind.ANNUAL)
    sub = Submission(
        file=file, kind=Kind.ANNUAL, period="2025", ward_code="SAPA", status=Status.ACCEPTED, issues=(issue,)
    )
    return load_workbook(io.BytesIO(feedback_workbook(sub, MOMENT, ward_name="Sa Pa")))


def _printed_sheets(book: Workbook) -> list[str]:
    return [ws.title for ws in book.worksheets if ws.print_area]


def _books(config: YearConfig, ranking_book: Workbook, standing_book: Workbook) -> dict[str, Workbook]:
    sapa = config.bloc.ward("SAPA")
    return {
        "ranking.xlsx": ranking_book,
        "standing.xlsx": standing_book,
        "phan-hoi.xlsx": _feedback_book(),
        "tu-cham-diem.xlsx": load_workbook(io.BytesIO(annual_template(config.bloc, config.catalogue, sapa, MOMENT))),
        "bao-cao-chi-tieu.xlsx": load_workbook(
            io.BytesIO(monthly_template(config.bloc, config.catalogue, sapa, MOMENT))
        ),
    }


def column_width(ws: Worksheet, col: int) -> float:
    """Width of column ``col`` in Excel's units (8.43 for a column never sized)."""
    dimension = ws.column_dimensions.get(get_column_letter(col))
    return float(dimension.width) if dimension is not None and dimension.customWidth else 8.43


def print_scale(ws: Worksheet) -> int:
    """The scale (%) a sheet set up by ``setup_print`` prints at on A4, from its column widths.

    Fit to one page wide: the printable width over the print area's width (at most 100). Printed in column
    pages (breaks, repeated title columns): its fixed scale, lowered if the widest page would not fit.
    """
    area = ws.print_area
    first = (area[0] if isinstance(area, list) else str(area)).split("!")[-1].replace("$", "")
    left, _, right, _ = range_boundaries(first)
    landscape = ws.page_setup.orientation == ws.ORIENTATION_LANDSCAPE
    room = common.printable_points(landscape, ws.page_margins)
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        spans = [(left, right)]
        fixed = 100
    else:
        starts = [left, *(b.id + 1 for b in ws.col_breaks.brk if left < b.id + 1 <= right)]
        spans = list(zip(starts, [s - 1 for s in starts[1:]] + [right], strict=True))
        fixed = int(ws.page_setup.scale or 100)
    titles = _title_columns(ws)
    widest = max(sum(column_width(ws, c) for c in {*titles, *range(a, b + 1)}) for a, b in spans)
    return min(fixed, math.floor(100 * room / (widest * common.POINTS_PER_WIDTH)))


def _title_columns(ws: Worksheet) -> range:
    """The columns repeated on every printed page."""
    if not ws.print_title_cols:
        return range(0)
    first, _, last = ws.print_title_cols.replace("$", "").partition(":")
    return range(column_index_from_string(first), column_index_from_string(last or first) + 1)


def test_every_printed_sheet_prints_legibly_on_a4(
    config: YearConfig, ranking_book: Workbook, standing_book: Workbook
) -> None:
    """A4, and 85 % or more: the detail sheet of 22 criteria prints in two pages across, the ward on each, and
    its notes after both."""
    seen = []
    for name, book in _books(config, ranking_book, standing_book).items():
        for title in _printed_sheets(book):
            ws = book[title]
            assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, (name, title)
            assert print_scale(ws) >= MIN_SCALE, (name, title, print_scale(ws))
            seen.append((name, title))
    assert ("ranking.xlsx", "Chi tiết") in seen and ("phan-hoi.xlsx", "Danh sách lỗi") in seen
    detail = ranking_book["Chi tiết"]
    assert detail.page_setup.scale == 100 and detail.print_title_cols == "$A:$C"
    assert [b.id for b in detail.col_breaks.brk] == [16]  # groups 1–3 on the first page, the rest and totals next
    # both halves of the table print one after the other, and the criteria's notes after them, not between them
    assert detail.page_setup.pageOrder == "overThenDown"


def test_the_ranking_table_and_its_notes_print_on_one_page(config: YearConfig) -> None:
    """The sample's "Xếp hạng" sheet as the review writes it (with the meeting's votes): at the scale it prints at,
    its rows fit the height of one A4 page, so no note under the table goes to a second page."""
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    checked = validate_all(subs, config.bloc, config.catalogue, ScriptedValidator())
    votes = config.meeting.votes if config.meeting else None
    result = review(checked, config.bloc, config.catalogue, votes)
    data = write_ranking_xlsx(config.bloc, config.catalogue, result.ranking, MOMENT)
    ws = load_workbook(io.BytesIO(data))["Xếp hạng"]
    area = str(ws.print_area).split("!")[-1].replace("$", "")
    _, top, _, bottom = range_boundaries(area)
    assert top == 1 and str(ws.cell(row=bottom, column=1).value).startswith("Phiếu đồng ý")  # the votes' note, last
    heights = [ws.row_dimensions[r].height for r in range(top, bottom + 1)]
    assert None not in heights  # each row sized, none left to a default that differs between Excel and LibreOffice
    margins = ws.page_margins
    page = 595.3 - 72 * (margins.top + margins.bottom)  # A4 landscape, in points
    assert ws.page_setup.orientation == ws.ORIENTATION_LANDSCAPE and print_scale(ws) >= MIN_SCALE
    assert sum(heights) * print_scale(ws) / 100 <= page


def test_notes_longer_than_the_rest_of_a_page_start_the_next(ranking_book: Workbook) -> None:
    """The 22 criteria under the detail table do not fit under it: "Tiêu chí:" opens the next page with them, not
    alone at the foot of the table's page. The summary's notes fit under their table: no break there."""
    detail = ranking_book["Chi tiết"]
    heading = next(c.row for c in detail["A"] if c.value == "Tiêu chí:")
    assert [b.id for b in detail.row_breaks.brk] == [heading - 1]
    assert not ranking_book["Xếp hạng"].row_breaks.brk


def _sheet_of_lines(rows: int) -> Worksheet:
    """A sheet of ``rows`` rows of one 12 pt line each (31 fit a landscape A4 page at 100 %)."""
    ws = Workbook().active
    assert ws is not None
    for r in range(1, rows + 1):
        ws.cell(row=r, column=1, value=f"Dòng {r}")
        ws.row_dimensions[r].height = 15.75
    return ws


def test_notes_that_fit_under_a_table_of_more_than_a_page_stay_on_its_last_page() -> None:
    """A table of 38 rows (a page and 7 rows, under its repeated header) leaves most of its second page empty: 4
    rows of notes follow it there, not on a third page. 12 rows of notes under a table of 26 would be cut at the
    end of the first page: they start the second; 6 fit on the second page only without the repeated header."""
    short = _sheet_of_lines(42)
    common.notes_start_a_page_if_split(short, 39, 42, 100, title_rows=(4, 4))
    assert not short.row_breaks.brk
    long = _sheet_of_lines(38)
    common.notes_start_a_page_if_split(long, 27, 38, 100, title_rows=(4, 4))
    assert [b.id for b in long.row_breaks.brk] == [26]
    headed = _sheet_of_lines(62)
    common.notes_start_a_page_if_split(headed, 57, 62, 100)
    assert not headed.row_breaks.brk
    headed = _sheet_of_lines(62)
    common.notes_start_a_page_if_split(headed, 57, 62, 100, title_rows=(4, 5))
    assert [b.id for b in headed.row_breaks.brk] == [56]


def test_a_text_wraps_onto_the_lines_excel_and_libreoffice_show() -> None:
    """Lines break between words: "Đã chấm điểm, đồng hạng" shows on three lines in a column 13 wide (its first
    two words with the comma do not fit), two in one 15 wide; a text that fits takes one line, and a word wider than
    its column breaks onto the next. A text that fills its column to within 2 px counts as two lines."""
    assert common.estimate_lines("Đã chấm điểm, đồng hạng", 13) == 3
    assert common.estimate_lines("Đã chấm điểm, đồng hạng", 15) == 2
    assert common.estimate_lines("Đã chấm điểm", 15) == 1
    assert common.estimate_lines("Hoàn thành tốt nhiệm vụ", 18) == 2
    assert common.estimate_lines("Hoàn thành tốt nhiệm vụ", 24) == 1
    # 119.3 pt of text (159.1 px at 96 dpi); Excel draws a column 23.5 wide in 164 whole px, 159 of them for text
    assert common.estimate_lines("Hoàn thành tốt nhiệm vụ", 23.5) == 2
    # 81.0 px of text in the 82 px of a column 12.5 wide: Times New Roman may take a pixel more on some screen
    assert common.estimate_lines("Nam Cường", 12.5) == 2
    assert common.estimate_lines("Nam Cường", 13) == 1
    assert common.estimate_lines("Nhóm 1", 7, common.BOLD) == 2  # "Nhóm" fits, "Nhóm 1" does not
    assert common.estimate_lines("KHOITHIDUAPHUONG", 14.5) == 2
    assert common.estimate_lines("Dòng một\nDòng hai", 40) == 2


def test_scores_show_two_decimals_and_people_plain_digits(ranking_book: Workbook, standing_book: Workbook) -> None:
    """93,72 or 93.72 beside 2795: a count can never be read as a decimal, whatever the PC's language."""
    summary = ranking_book["Xếp hạng"]
    totals = [c for c in summary[5] if isinstance(c.value, float)]
    assert totals and {c.number_format for c in totals} == {"0.00"}
    standing = standing_book.active
    formats = {c.value: c.number_format for c in standing[5] if isinstance(c.value, int | float)}
    assert formats[2795] == "0" and formats[97.5] == "0.00" and formats[4.99] == "0.00"
    chart_table = {c.value: c.number_format for c in standing_book["Biểu đồ"][5] if isinstance(c.value, int | float)}
    assert chart_table[2795] == "0" and chart_table[97.5] == "0.00"
    assert not any(
        "#,##" in c.number_format
        for book in (ranking_book, standing_book)
        for ws in book
        for row in ws.iter_rows()
        for c in row
    )


def _look_of(cell: Cell) -> tuple[object, ...]:
    """What a reader sees of a cell's style: font, alignment, border lines, fill, number format."""
    font, align, border, fill = cell.font, cell.alignment, cell.border, cell.fill
    lines = tuple(
        side.style if side is not None else None for side in (border.left, border.right, border.top, border.bottom)
    )
    return (
        (font.name, font.sz, font.b, font.i, font.u),
        (align.horizontal, align.vertical, align.wrap_text),
        lines,
        (fill.fill_type, fill.fgColor.rgb),
        cell.number_format,
    )


class TestPutLook:
    def _styled(self, by_look: bool) -> Workbook:
        """A sheet whose cells take the table's looks in an interleaved order, reopened from its bytes."""
        wb = new_workbook("styles", MOMENT)
        ws = wb.active
        assert ws is not None
        looks = [HEADER, TEXT, DECIMAL, WHOLE, TITLE_LINE]
        for row in range(1, 40):
            look = looks[(row * 7) % len(looks)]
            cell = ws.cell(row=row, column=1 + row % 4, value=row)
            if by_look:
                put_look(cell, look)
            else:
                cell.font, cell.alignment, cell.border = look.font, look.alignment, look.border
                cell.fill, cell.number_format = look.fill, look.number_format
        ws["B2"].font = Font(name="Arial", size=9)  # a style set the usual way over a look
        return load_workbook(io.BytesIO(save_workbook(wb, MOMENT)))

    def test_a_look_shows_as_setting_each_style_would(self) -> None:
        """Taking a look gives every cell the font, alignment, border, fill and format that setting them would."""
        by_look, by_attribute = self._styled(by_look=True).active, self._styled(by_look=False).active
        assert by_look is not None and by_attribute is not None
        for row in by_attribute.iter_rows():
            for cell in row:
                assert _look_of(by_look[cell.coordinate]) == _look_of(cell), cell.coordinate
        assert by_look["B2"].font.name == "Arial"

    def test_each_look_is_one_cell_style_under_its_own_name(self) -> None:
        """Excel's Cell Styles gallery lists each look used once, by its Vietnamese name; unused looks are absent."""
        book = self._styled(by_look=True)
        assert sorted(book.named_styles) == sorted(
            ["Normal", HEADER.name, TEXT.name, DECIMAL.name, WHOLE.name, TITLE_LINE.name]
        )
        looks = [v for m in (common, feedback) for v in vars(m).values() if isinstance(v, Look)]
        assert len({look.name for look in looks}) == len(looks) >= 12


def test_ranking_cells_look_as_printed(ranking_book: Workbook) -> None:
    """The sample's ranking: a bold 14 pt title, grey boxed bold headers, boxed scores with two decimals."""
    ws = ranking_book["Xếp hạng"]
    assert (ws["A1"].font.b, ws["A1"].font.sz, ws["A1"].font.name) == (True, 14, "Times New Roman")
    assert ws["A2"].font.i and ws["A2"].alignment.horizontal == "center"
    header = ws["A4"]
    assert header.font.b and header.fill.fgColor.rgb == "00D9D9D9" and header.border.bottom.style == "thin"
    rank, name, total = ws["A5"], ws["C5"], ws["I5"]
    assert rank.number_format == "0" and rank.alignment.horizontal == "center" and not rank.font.b
    assert name.alignment.horizontal == "left" and name.border.left.style == "thin"
    assert total.number_format == "0.00" and total.alignment.horizontal == "right" and total.border.top.style == "thin"
    assert ws.cell(row=ws.max_row, column=1).border.left.style is None  # the legend under the table: no box
