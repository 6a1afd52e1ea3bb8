"""The conventions every workbook shares: it prints legibly on A4 and reads the same on any PC.

Scores always show two decimals, counts of people plain digits (no thousands separator that an English PC
would print as ``2,795``), each sheet prints at 85 % or more (one page wide, or in pages across), and styling
a cell gives the file that setting its attributes would.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from tasks.blank_workbooks import annual_template, monthly_template
from tasks.config.year import YearConfig, load_year
from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.feedback.workbook import feedback_workbook
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all, validate_all
from tasks.outputs.xlsx.common import (
    BODY,
    BOLD,
    BOX,
    CENTER,
    HEADER_FILL,
    ITALIC,
    LEFT,
    MIN_SCALE,
    RIGHT,
    new_workbook,
    print_scale,
    style_cell,
    to_bytes,
)
from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tasks.scoring.review import review
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


def test_every_printed_sheet_prints_legibly_on_a4(
    config: YearConfig, ranking_book: Workbook, standing_book: Workbook
) -> None:
    """A4, and 85 % or more: the detail sheet of 22 criteria prints in two pages across, the ward on each."""
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


class TestStyleCell:
    def _styled(self, by_attribute: bool) -> bytes:
        """A sheet whose cells get fonts, fills, borders and alignments in an interleaved order."""
        wb = new_workbook("styles", MOMENT)
        ws = wb.active
        assert ws is not None
        styles = [(BOLD, CENTER, BOX, HEADER_FILL), (BODY, LEFT, BOX, None), (ITALIC, RIGHT, None, HEADER_FILL)]
        for row in range(1, 40):
            font, alignment, border, fill = styles[(row * 7) % 3]
            cell = ws.cell(row=row, column=1 + row % 4, value=f"ô {row}")
            if by_attribute:
                cell.font, cell.alignment = font, alignment
                if border is not None:
                    cell.border = border
                if fill is not None:
                    cell.fill = fill
            else:
                style_cell(cell, font=font, alignment=alignment, border=border, fill=fill)
        ws["B2"].font = Font(name="Arial", size=9)  # a style set the usual way in between
        style_cell(ws["C3"], font=BODY)
        return to_bytes(wb, MOMENT)

    def test_same_workbook_as_setting_the_attributes(self) -> None:
        """style_cell reuses each style's index in the workbook: the file is that of ``cell.font = …``."""
        assert self._styled(by_attribute=False) == self._styled(by_attribute=True)
