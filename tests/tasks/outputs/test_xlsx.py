"""ranking.xlsx and standing.xlsx as a person opens them: headers, numbers, print setup, stable bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    BonusItem,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Indicator,
    Method,
    MonthWindow,
    Nomination,
    Ranking,
    RankingRow,
    ScoreLine,
    Source,
    Ward,
    WardScore,
    WardStatus,
)
from tasks.outputs.xlsx.common import (
    BODY,
    BOLD,
    BOX,
    CENTER,
    HEADER_FILL,
    ITALIC,
    LEFT,
    RIGHT,
    new_workbook,
    style_cell,
    to_bytes,
)
from tasks.outputs.xlsx.ranking import SUMMARY_SHEET, write_ranking_xlsx
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tasks.scoring.explain import explain_ranking
from tests.support import explained

D = Decimal
MOMENT = datetime(2026, 1, 15, 8, 30)
WARDS = (
    Ward("SAPA", "Sa Pa"),
    Ward("CAUTHIA", "Cầu Thia"),
    Ward("AULAU", "Âu Lâu"),
    Ward("LAOCAI", "Lào Cai"),
    Ward("YENBAI", "Yên Bái"),
    Ward("NGHIALO", "=Nghĩa Lộ"),  # a name that looks like a formula must stay text
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", WARDS)
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group(
            "1",
            "Công tác thi đua – khen thưởng",
            (
                Criterion("1.1", "Kế hoạch thi đua", CriterionKind.ASSESSED, D(50), "1"),
                Criterion("1.2", "Tuyên truyền", CriterionKind.ASSESSED, D(30), "1"),
            ),
        ),
        Group(
            "2",
            "Phát triển kinh tế",
            (Criterion("2.1", "Thu ngân sách", CriterionKind.INDICATOR, D(20), "2", indicator="CT01"),),
        ),
    ),
    indicators=(
        Indicator("CT01", "Thu ngân sách so với dự toán", "%", False, Method.PROPORTIONAL, {"SAPA": D(100)}),
        Indicator("CT03", "Doanh nghiệp thành lập mới", "doanh nghiệp", True, Method.PROPORTIONAL, {"SAPA": D(80)}),
    ),
    bonus_cap=D(5),
    bonus_items=(BonusItem("T1", "Mô hình tiên tiến", D(1), D(2)),),
    deduction_items=(DeductionItem("D1", "Chậm nộp báo cáo", D("0.5")),),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", D(70)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", D(0)),
    ),
    flag=AwardRule(1, "HTXSNV", Fraction(1, 2), Fraction(2, 3)),
    merit=AwardRule(3, "HTXSNV"),
)


def score(ward: Ward, s11: str, s12: str, s21: str, bonus: str, deductions: str, band: str) -> WardScore:
    points = {"1.1": D(s11), "1.2": D(s12), "2.1": D(s21)}
    lines = tuple(ScoreLine(ward.code, code, p, p, Source.SELF) for code, p in points.items())
    base = sum(points.values(), D(0))
    total = base + D(bonus) - D(deductions)
    groups = {"1": points["1.1"] + points["1.2"], "2": points["2.1"]}
    return WardScore(ward, base, D(bonus), D(deductions), total, band, False, groups, lines, ())


def ranking() -> Ranking:
    """Rows deliberately out of order: the writer puts unscored wards last."""
    sapa = score(WARDS[0], "48.50", "29", "19.75", "2", "0", "HTXSNV")
    cauthia = score(WARDS[1], "45", "28", "18", "1.5", "0.5", "HTXSNV")
    aulau = score(WARDS[2], "45", "28", "18", "1.5", "0.5", "HTXSNV")
    nghialo = score(WARDS[5], "30", "20", "10", "0", "1", "HTTNV")
    return Ranking(
        rows=(
            RankingRow(WARDS[0], WardStatus.SCORED, 1, sapa, Nomination.FLAG_PROPOSED),
            RankingRow(WARDS[3], WardStatus.REJECTED),
            RankingRow(WARDS[1], WardStatus.SCORED, 2, cauthia, Nomination.MERIT, tied=True),
            RankingRow(WARDS[2], WardStatus.SCORED, 2, aulau, Nomination.FLAG_CANDIDATE, tied=True),
            RankingRow(WARDS[4], WardStatus.MISSING),
            RankingRow(WARDS[5], WardStatus.SCORED, 4, nghialo, Nomination.FLAG),
        ),
        vote=None,
        merit_tie=False,
        notes=(),
    )


def reopen(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def row_values(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


SUMMARY_HEADERS = [
    "Hạng",
    "Mã đơn vị",
    "Đơn vị",
    "Nhóm 1",
    "Nhóm 2",
    "Điểm cơ bản",
    "Điểm thưởng",
    "Điểm trừ",
    "Tổng điểm",
    "Xếp loại",
    "Đề nghị",
    "Trạng thái",
]


class TestRankingXlsx:
    def test_title_bloc_and_headers(self) -> None:
        """It titles the table with the year and the bloc and uses the Vietnamese headers."""
        wb = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))
        assert wb.sheetnames == ["Xếp hạng", "Chi tiết", "Biểu đồ"]
        ws = wb["Xếp hạng"]
        assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM 2025"
        assert "Khối thi đua các phường" in ws["A2"].value
        assert row_values(ws, 4) == SUMMARY_HEADERS

    def test_group_names_in_header_comment_and_legend(self) -> None:
        """It names each criterion group in the header comment and in the legend under the table."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))["Xếp hạng"]
        assert "Công tác thi đua – khen thưởng" in ws["D4"].comment.text
        legend = [c.value for c in ws["A"] if isinstance(c.value, str)]
        assert "Nhóm 2 (tối đa 20 điểm): Phát triển kinh tế." in legend

    def test_scored_rows_numbers_band_and_nomination(self) -> None:
        """It writes real numbers with 2 decimals, the band by name and the nomination in words."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))["Xếp hạng"]
        assert row_values(ws, 5) == [
            1,
            "SAPA",
            "Sa Pa",
            77.5,
            19.75,
            97.25,
            2,
            0,
            99.25,
            "Hoàn thành xuất sắc nhiệm vụ",
            "Đề nghị tặng Cờ thi đua",
            "Đã chấm điểm",
        ]
        for col in "DEFGHI":
            assert ws[f"{col}5"].data_type == "n"
            assert ws[f"{col}5"].number_format == "0.00"
        assert [ws[f"K{r}"].value for r in range(5, 9)] == [
            "Đề nghị tặng Cờ thi đua",
            "Bằng khen",
            "Ứng viên Cờ thi đua",
            "Cờ thi đua",
        ]
        assert ws["L6"].value == "Đã chấm điểm, đồng hạng"

    def test_unscored_wards_last_with_empty_numbers(self) -> None:
        """It lists rejected and missing wards after the ranked ones, with no numbers and their status."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))["Xếp hạng"]
        assert [ws[f"B{r}"].value for r in range(5, 11)] == ["SAPA", "CAUTHIA", "AULAU", "NGHIALO", "LAOCAI", "YENBAI"]
        for row, status in ((9, "Bị từ chối"), (10, "Chưa nộp")):
            values = row_values(ws, row)
            assert values[0] is None
            assert values[3:11] == [None] * 8
            assert values[11] == status

    def test_formula_like_name_is_text(self) -> None:
        """It writes a name starting with '=' as neutralised text, never as a formula."""
        data = write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT)
        cell = reopen(data)["Xếp hạng"]["C8"]
        assert cell.value == "'=Nghĩa Lộ"
        assert cell.data_type == "s"
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))

    def test_print_ready(self) -> None:
        """It prints on A4 landscape, one page wide, header repeated, frozen header, Times New Roman."""
        wb = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))
        for ws, title_rows, freeze in ((wb["Xếp hạng"], "$4:$4", "D5"), (wb["Chi tiết"], "$4:$5", "D6")):
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.paperSize == 9  # A4
            assert ws.page_setup.fitToWidth == 1
            assert ws.page_setup.fitToHeight == 0
            assert ws.sheet_properties.pageSetUpPr.fitToPage is True
            assert ws.print_title_rows == title_rows
            assert ws.freeze_panes == freeze
            assert ws.page_margins.left > 0
            assert ws["A1"].font.name == "Times New Roman"
            assert ws["B6"].font.name == "Times New Roman"

    def test_detail_sheet_has_every_criterion(self) -> None:
        """It gives one row per ward with every criterion code as a column."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT))["Chi tiết"]
        headers = row_values(ws, 5)
        assert headers[:6] == ["Hạng", "Mã đơn vị", "Đơn vị", "1.1", "1.2", "2.1"]
        assert ws["D4"].value == "Nhóm 1"
        assert row_values(ws, 6)[:6] == [1, "SAPA", "Sa Pa", 48.5, 29, 19.75]
        assert ws["D6"].number_format == "0.00"
        assert row_values(ws, 10)[3:6] == [None, None, None]
        assert "Kế hoạch thi đua" in ws["D5"].comment.text

    def test_properties_and_byte_identical(self) -> None:
        """It stamps the workbook with the moment from the inputs, so two writes are byte-identical."""
        first = write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT)
        assert write_ranking_xlsx(BLOC, CATALOGUE, ranking(), MOMENT) == first
        props = reopen(first).properties
        assert props.creator == "thidua"
        assert props.created == MOMENT
        assert props.modified == MOMENT
        assert write_ranking_xlsx(BLOC, CATALOGUE, ranking(), datetime(2026, 1, 16)) != first

    def test_unknown_band_fails_loudly(self) -> None:
        """It refuses a score whose classification is not in the catalogue (no silent blank)."""
        bad = score(WARDS[0], "1", "1", "1", "0", "0", "NOPE")
        rows = (RankingRow(WARDS[0], WardStatus.SCORED, 1, bad),)
        with pytest.raises(ValueError, match="NOPE"):
            write_ranking_xlsx(BLOC, CATALOGUE, Ranking(rows, None, False, ()), MOMENT)


def standing_rows() -> list[Mapping[str, object]]:
    return [
        {
            "ward_code": "SAPA",
            "ward_name": "Sa Pa",
            "status": "accepted",
            "issues": 1,
            "CT01_ytd": D("97.5"),
            "CT01_score": D("19.50"),
            "CT03_ytd": D(64),
            "CT03_score": None,
        },
        {
            "ward_code": "LAOCAI",
            "ward_name": "@Lào Cai",
            "status": "missing",
            "issues": 0,
            "CT01_ytd": None,
            "CT01_score": None,
            "CT03_ytd": None,
            "CT03_score": None,
        },
    ]


class TestStandingXlsx:
    def test_headers_and_values(self) -> None:
        """It names the year-to-date and provisional-score columns by indicator and criterion code."""
        data = write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT)
        ws = reopen(data).active
        assert ws["A1"].value == "BẢNG THEO DÕI KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA THÁNG 12/2025"
        assert row_values(ws, 4) == [
            "Mã đơn vị",
            "Đơn vị",
            "Trạng thái báo cáo",
            "Số lỗi, cảnh báo",
            "Lũy kế CT01",
            "Điểm tạm tính 2.1",
            "Lũy kế CT03",
            "Điểm tạm tính CT03",
        ]
        assert row_values(ws, 5) == ["SAPA", "Sa Pa", "Được chấp nhận", 1, 97.5, 19.5, 64, None]
        assert ws["E5"].number_format == "0.00"
        assert ws["G5"].number_format == "0"  # people: never a thousands separator
        assert row_values(ws, 6) == ["LAOCAI", "'@Lào Cai", "Chưa nộp", 0, None, None, None, None]

    def test_print_ready_and_stable(self) -> None:
        """It prints A4 landscape one page wide and gives identical bytes for identical inputs."""
        data = write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT)
        assert write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT) == data
        ws = reopen(data).active
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$4:$4"
        assert ws["E5"].font.name == "Times New Roman"


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


def _xlsx_notes(data: bytes) -> list[str]:
    """The lines under ``Ghi chú:`` on the summary sheet."""
    ws = load_workbook(io.BytesIO(data))[SUMMARY_SHEET]
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Ghi chú:")
    return [str(ws.cell(r, 1).value) for r in range(start + 1, ws.max_row + 1) if ws.cell(r, 1).value]


def test_the_ranking_workbook_never_contradicts_itself() -> None:
    """``ranking.xlsx``: the band note states the veto rule and the notes carry the same sentences as the minutes."""
    sentences = [e.text for e in explain_ranking(explained.BLOC, explained.CATALOGUE, explained.CASE_RANKING)]
    notes = _xlsx_notes(write_ranking_xlsx(explained.BLOC, explained.CATALOGUE, explained.CASE_RANKING, MOMENT))
    assert notes[-len(sentences) :] == sentences
    assert (
        "Đơn vị vi phạm tiêu chí loại trừ (D3) dù đạt từ 90 điểm chỉ được xếp loại “Hoàn thành tốt nhiệm vụ” "
        "(không xếp loại “Hoàn thành xuất sắc nhiệm vụ”) và không được đề nghị khen thưởng."
    ) in notes
    assert "Nhóm 1 (tối đa 0 điểm): Ứng dụng công nghệ, phong trào “Bình dân học vụ số”." in notes
