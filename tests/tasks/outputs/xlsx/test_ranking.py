"""ranking.xlsx as a person opens it: headers, numbers, unscored wards last, print setup, notes, stable bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tasks.domain import Ranking, RankingRow, Ward, WardStatus
from tasks.outputs.ooxml import in_utc
from tasks.outputs.xlsx.common import HEADER, estimate_lines
from tasks.outputs.xlsx.ranking import DETAIL_SHEET, SUMMARY_SHEET, write_ranking_xlsx
from tasks.scoring.explain import explain_ranking, rejection_reasons
from tests.support import explained
from tests.support.reviews import sample_review
from tests.support.workbooks import BLOC, CATALOGUE, MOMENT, WARDS, out_of_order_ranking, reopen, row_values, score

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
        wb = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))
        assert wb.sheetnames == ["Xếp hạng", "Chi tiết", "Biểu đồ"]
        ws = wb["Xếp hạng"]
        assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM 2025"
        assert "Khối thi đua các phường" in ws["A2"].value
        assert row_values(ws, 4) == SUMMARY_HEADERS

    def test_group_names_in_header_comment_and_legend(self) -> None:
        """It names each criterion group in the header comment and in the legend under the table."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))["Xếp hạng"]
        assert "Công tác thi đua – khen thưởng" in ws["D4"].comment.text
        legend = [c.value for c in ws["A"] if isinstance(c.value, str)]
        assert "Nhóm 2 (tối đa 20 điểm): Phát triển kinh tế." in legend

    def test_scored_rows_numbers_band_and_nomination(self) -> None:
        """It writes real numbers with 2 decimals, the band by name and the nomination in words."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))["Xếp hạng"]
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
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))["Xếp hạng"]
        assert [ws[f"B{r}"].value for r in range(5, 11)] == ["SAPA", "CAUTHIA", "AULAU", "NGHIALO", "LAOCAI", "YENBAI"]
        for row, status in ((9, "Bị từ chối"), (10, "Chưa nộp")):
            values = row_values(ws, row)
            assert values[0] is None
            assert values[3:11] == [None] * 8
            assert values[11] == status

    def test_formula_like_name_is_text(self) -> None:
        """It writes a name starting with '=' as text with Excel's quote prefix, never as a formula, and shown as
        written (no apostrophe in it)."""
        data = write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT)
        cell = reopen(data)["Xếp hạng"]["C8"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("=Nghĩa Lộ", "s", True)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))

    def test_print_ready(self) -> None:
        """It prints on A4 landscape, one page wide, header repeated, frozen header, Times New Roman."""
        wb = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))
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

    def test_each_row_is_as_tall_as_its_wrapped_text(self) -> None:
        """A ward whose texts fit on one line takes one line; a long name wraps onto every line it needs, none clipped.

        "Tả Phìn – Hoàng Liên – Sa Pa" is 145 pt of Times New Roman 12 in a column of about 62 pt: three lines in
        Excel and in LibreOffice. "Hoàn thành xuất sắc nhiệm vụ" takes two; "Hoàn thành tốt nhiệm vụ",
        "Đã chấm điểm", "Cờ thi đua", "Bị từ chối", "Chưa nộp" one.
        """
        long = Ward("SAPA", "Tả Phìn – Hoàng Liên – Sa Pa")
        bloc = replace(BLOC, members=(long, *WARDS[1:]))
        ranking = out_of_order_ranking()
        first = ranking.rows[0]
        assert first.score is not None
        rows = (replace(first, ward=long, score=replace(first.score, ward=long)), *ranking.rows[1:])
        ws = reopen(write_ranking_xlsx(bloc, CATALOGUE, replace(ranking, rows=rows), MOMENT))["Xếp hạng"]
        heights = {ws[f"B{r}"].value: ws.row_dimensions[r].height for r in range(5, 11)}
        assert heights["SAPA"] >= 3 * 15.75  # the long name, all three lines
        assert heights["CAUTHIA"] == 2 * 15.75  # "Hoàn thành xuất sắc nhiệm vụ"
        assert heights["NGHIALO"] == heights["LAOCAI"] == heights["YENBAI"] == 15.75

    def test_detail_sheet_has_every_criterion(self) -> None:
        """It gives one row per ward with every criterion code as a column."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))["Chi tiết"]
        headers = row_values(ws, 5)
        assert headers[:6] == ["Hạng", "Mã đơn vị", "Đơn vị", "1.1", "1.2", "2.1"]
        assert ws["D4"].value == "Nhóm 1"
        assert row_values(ws, 6)[:6] == [1, "SAPA", "Sa Pa", 48.5, 29, 19.75]
        assert ws["D6"].number_format == "0.00"
        assert row_values(ws, 10)[3:6] == [None, None, None]
        assert "Kế hoạch thi đua" in ws["D5"].comment.text

    def test_group_row_shows_the_whole_name_of_a_one_criterion_group(self) -> None:
        """Group 2 has one criterion: "Nhóm 2" wraps in its single narrow column, and the group row above the
        criterion codes is tall enough for all its lines (a merged or explicit-height row is not fitted on opening)."""
        ws = reopen(write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT))[DETAIL_SHEET]
        assert ws["F4"].value == "Nhóm 2"
        assert ws["F5"].value == "2.1" and ws["G5"].value == "Điểm cơ bản"  # its only column
        lines = estimate_lines("Nhóm 2", ws.column_dimensions["F"].width, HEADER.font)
        assert lines > 1
        assert ws.row_dimensions[4].height >= lines * 15.75

    def test_properties_and_byte_identical(self) -> None:
        """It stamps the workbook with the moment from the inputs, so two writes are byte-identical."""
        first = write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT)
        assert write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), MOMENT) == first
        props = reopen(first).properties
        assert props.creator == "thidua"
        assert props.created == in_utc(MOMENT).replace(tzinfo=None)  # openpyxl reads core.xml as naive UTC
        assert props.modified == in_utc(MOMENT).replace(tzinfo=None)
        assert write_ranking_xlsx(BLOC, CATALOGUE, out_of_order_ranking(), datetime(2026, 1, 16)) != first

    def test_unknown_band_fails_loudly(self) -> None:
        """It refuses a score whose classification is not in the catalogue (no silent blank)."""
        bad = score(WARDS[0], "1", "1", "1", "0", "0", "NOPE")
        rows = (RankingRow(WARDS[0], WardStatus.SCORED, 1, bad),)
        with pytest.raises(ValueError, match="NOPE"):
            write_ranking_xlsx(BLOC, CATALOGUE, Ranking(rows, None, False), MOMENT)


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


def test_a_ward_whose_file_is_unreadable_is_shown_as_rejected_as_its_note_says() -> None:
    """Yên Bái's corrupt file was received: its status cell agrees with the note under the table ("chưa có bảng
    tự chấm điểm hợp lệ"), not "Chưa nộp", which stays Văn Phú's."""
    config, subs, result = sample_review(unreadable="YENBAI", missing="VANPHU")
    sentences = explain_ranking(config.bloc, config.catalogue, result.ranking, rejection_reasons(subs, config.bloc))
    ws = reopen(write_ranking_xlsx(config.bloc, config.catalogue, result.ranking, MOMENT, sentences))[SUMMARY_SHEET]
    cells = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    status = {row[1]: row[2] for row in cells if len(row) == 3 and row[0] in ("YENBAI", "VANPHU")}
    assert status == {"Yên Bái": "Bị từ chối", "Văn Phú": "Chưa nộp"}
    assert any(str(row[0]).startswith("Phường Yên Bái chưa có bảng tự chấm điểm hợp lệ") for row in cells if row)


def test_the_samples_group_row_takes_one_line() -> None:
    """Every group of the sample spans several criterion columns: each name fits on one line across them."""
    config, _, result = sample_review()
    ws = reopen(write_ranking_xlsx(config.bloc, config.catalogue, result.ranking, MOMENT))[DETAIL_SHEET]
    names = [c.value for c in ws[4] if c.value]
    assert names == [f"Nhóm {g.code}" for g in config.catalogue.groups]
    assert ws.row_dimensions[4].height == 15.75


def test_the_samples_wards_with_short_texts_take_one_line() -> None:
    """In the sample's summary the wards rated "Hoàn thành tốt nhiệm vụ" with no nomination and no shared rank,
    Nam Cường among them (a code and a name that nearly fill their columns), each take one line, with a couple of
    pixels to spare on any screen; the table stays as wide as prints one page wide at 85 %."""
    config, _, result = sample_review()
    ws = reopen(write_ranking_xlsx(config.bloc, config.catalogue, result.ranking, MOMENT))[SUMMARY_SHEET]
    rows = {ws[f"B{r}"].value: r for r in range(5, 5 + len(result.ranking.rows))}
    good = "Hoàn thành tốt nhiệm vụ"
    short = [code for code, r in rows.items() if ws[f"N{r}"].value == good and not ws[f"O{r}"].value]
    assert "NAMCUONG" in short and len(short) >= 5
    assert all(ws.row_dimensions[rows[code]].height == 15.75 for code in short)
    assert sum(ws.column_dimensions[c.column_letter].width for c in ws[4]) <= 160
