"""Feedback to a ward: the feedback workbook and the annotated copy of its file (``tasks.feedback.workbook``)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.feedback import workbook as feedback
from tasks.feedback.workbook import NO_CELL, annotate_copy, annotated_copy_of, feedback_workbook
from tasks.intake.read import refused_entry

MOMENT = datetime(2026, 1, 10, 9, 0)
SHEET = "Tự chấm điểm"
ANNOTATED = "sa-pa.danh-dau.xlsx"

SCORE_ABOVE_MAX = Issue(
    Severity.ERROR,
    "above_max",
    "Điểm tự chấm 6 vượt điểm tối đa 5 của tiêu chí 1.1.",
    "Sửa điểm tự chấm về khoảng 0–5.",
    sheet=SHEET,
    cell="D5",
    column="Điểm tự chấm",
    value="6",
)
NO_EVIDENCE = Issue(
    Severity.WARNING,
    "no_evidence",
    "Tiêu chí 1.2 có điểm tự chấm nhưng không có minh chứng.",
    "Ghi số, ngày văn bản minh chứng vào cột Minh chứng.",
    sheet=SHEET,
    cell="E6",
    column="Minh chứng",
)
NOT_A_NUMBER = Issue(
    Severity.ERROR,
    "not_a_number",
    "Điểm tự chấm “=SUM(A1:A3)” không phải là số.",
    "Nhập một số, ví dụ 4,5.",
    sheet=SHEET,
    cell="$d$7",
    column="Điểm tự chấm",
    value="=SUM(A1:A3)",
)
NO_EVIDENCE_D7 = Issue(
    Severity.WARNING, "no_evidence", "Thiếu minh chứng cho tiêu chí 1.3.", "Bổ sung minh chứng.", SHEET, "D7"
)
MISSING_SHEET = Issue(
    Severity.ERROR,
    "missing_sheet",
    "Không tìm thấy trang tính “Thưởng - Trừ”.",
    "Thêm trang tính “Thưởng - Trừ” theo mẫu.",
)


def submission(issues: list[Issue], status: Status = Status.REJECTED, name: str = "annual/sa-pa.xlsx") -> Submission:
    file = InputFile(Path("/inputs/2025") / name, name, "ab" * 32, Kind.ANNUAL)
    return Submission(
        file,
        Kind.ANNUAL,
        period="2025",
        ward_code="SAPA",
        prepared_on=date(2026, 1, 5),
        status=status,
        issues=tuple(issues),
    )


def ward_file(tmp_path: Path) -> Path:
    """A small self-assessment workbook as a ward would send it (title rows, a merged title, a comment)."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Thông tin"
    info.append(["Đơn vị", "Phường Sa Pa"])
    ws = wb.create_sheet(SHEET)
    ws["A1"] = "BẢNG TỰ CHẤM ĐIỂM"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append([])
    ws.append(["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú"])
    ws.append(["1.1", "Kế hoạch", 5, 6, "QĐ 12", None])
    ws.append(["1.2", "Tuyên truyền", 4, 4, None, None])
    ws.append(["1.3", "Quy chế", 3, "=SUM(A1:A3)", None, None])
    ws["E6"].comment = Comment("Sẽ bổ sung sau", "Cán bộ phường")
    path = tmp_path / "sa-pa.xlsx"
    wb.save(path)
    return path


def reopen(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


class TestFeedbackWorkbook:
    def test_summary_sheet(self) -> None:
        """It opens on a summary naming the file, its hash, kind, ward, status, counts and what to do."""
        sub = submission([SCORE_ABOVE_MAX, NO_EVIDENCE])
        wb = reopen(feedback_workbook(sub, MOMENT, annotated_name=ANNOTATED, ward_name="Sa Pa"))
        assert wb.sheetnames == ["Tóm tắt", "Danh sách lỗi"]
        summary = {r[0].value: r[1].value for r in wb["Tóm tắt"].iter_rows(min_row=3) if r[0].value}
        assert summary["Tệp"] == "annual/sa-pa.xlsx"
        assert summary["Mã SHA-256"] == "ab" * 32
        assert summary["Loại hồ sơ"] == "Bảng tự chấm điểm thi đua năm"
        assert summary["Đơn vị"] == "Sa Pa (SAPA)"
        assert summary["Kỳ báo cáo"] == "Năm 2025"
        assert summary["Trạng thái"] == "Bị từ chối"
        assert (summary["Số lỗi"], summary["Số cảnh báo"]) == (1, 1)
        assert summary["Bản sao có đánh dấu"] == ANNOTATED
        assert "sửa 1 lỗi" in summary["Việc cần làm"]

    @pytest.mark.parametrize(
        ("status", "text", "advice"),
        [
            (Status.ACCEPTED, "Được chấp nhận", "Hồ sơ được chấp nhận. Đề nghị xem 1 cảnh báo"),
            (Status.SUPERSEDED, "Bị thay thế bởi bản nộp sau", "đơn vị đã nộp bản sau"),
        ],
    )
    def test_status_in_vietnamese(self, status: Status, text: str, advice: str) -> None:
        """It tells the status and the next step in Vietnamese."""
        wb = reopen(feedback_workbook(submission([NO_EVIDENCE], status), MOMENT))
        summary = {r[0].value: r[1].value for r in wb["Tóm tắt"].iter_rows(min_row=3) if r[0].value}
        assert summary["Trạng thái"] == text
        assert advice in summary["Việc cần làm"]

    def test_a_subfolder_entry_is_named_a_folder_with_no_file_to_fix(self) -> None:
        """A sub-folder refused at intake is a folder, with no hash and no ward file to fix and send back."""
        issue = refused_entry(InputFile(Path("/inputs/2025/annual/cu"), "annual/cu", "", Kind.UNKNOWN, "subfolder"))
        sub = Submission(
            InputFile(Path("/inputs/2025/annual/cu"), "annual/cu", "", Kind.UNKNOWN, "subfolder"),
            Kind.UNKNOWN,
            status=Status.REJECTED,
            issues=(issue,),
        )
        summary = {
            r[0].value: r[1].value for r in reopen(feedback_workbook(sub, MOMENT))["Tóm tắt"].iter_rows(min_row=3)
        }
        assert summary["Thư mục"] == "annual/cu"
        assert "Tệp" not in summary and "Mã SHA-256" not in summary
        assert summary["Việc cần làm"] == (
            "Thư mục con này không phải hồ sơ nên không được đọc và không tệp nào trong đó được tính điểm. "
            "Cách xử lý ghi trong trang tính “Danh sách lỗi”."
        )

    def test_issue_list_links_into_annotated_copy(self) -> None:
        """It lists errors before warnings, and each cell address opens that cell of the annotated copy."""
        wb = reopen(
            feedback_workbook(
                submission([NO_EVIDENCE, SCORE_ABOVE_MAX, MISSING_SHEET]), MOMENT, annotated_name=ANNOTATED
            )
        )
        ws = wb["Danh sách lỗi"]
        assert [c.value for c in ws[1]] == [
            "Mức độ",
            "Loại",
            "Trang tính",
            "Ô",
            "Cột",
            "Giá trị",
            "Nội dung",
            "Cách khắc phục",
            "Mã quy tắc (cho kiểm tra)",
        ]
        assert [ws[f"A{r}"].value for r in (2, 3, 4)] == ["Lỗi", "Lỗi", "Cảnh báo"]
        assert [c.value for c in ws[2]] == [
            "Lỗi",
            "Vượt điểm tối đa",
            SHEET,
            "D5",
            "Điểm tự chấm",
            "6",
            SCORE_ABOVE_MAX.message,
            SCORE_ABOVE_MAX.hint,
            "above_max",
        ]
        link = ws["D2"].hyperlink
        assert (link.target, link.location) == (ANNOTATED, "'Tự chấm điểm'!D5")
        assert ws["D3"].hyperlink is None  # the missing sheet has no cell
        assert ws["D4"].hyperlink.location == "'Tự chấm điểm'!E6"
        assert ws.auto_filter.ref == "A1:I4"
        assert ws.freeze_panes == "A2"
        assert ws["G2"].alignment.wrap_text is True
        assert ws.column_dimensions["G"].width > 30

    def test_cell_address_is_normalised(self) -> None:
        """It shows and links a cell written as ``$d$7`` as ``D7``."""
        ws = reopen(feedback_workbook(submission([NOT_A_NUMBER]), MOMENT, annotated_name=ANNOTATED))["Danh sách lỗi"]
        assert ws["D2"].value == "D7"
        assert ws["D2"].hyperlink.location == "'Tự chấm điểm'!D7"

    def test_no_links_without_annotated_copy(self) -> None:
        """It writes plain addresses when there is no annotated copy to point to."""
        ws = reopen(feedback_workbook(submission([SCORE_ABOVE_MAX]), MOMENT))["Danh sách lỗi"]
        assert ws["D2"].value == "D5"
        assert ws["D2"].hyperlink is None

    def test_ward_text_is_never_a_formula(self) -> None:
        """It writes a value written by the ward that looks like a formula as text, and a formula-like file name too."""
        sub = submission([NOT_A_NUMBER], name="annual/=HYPERLINK(1).xlsx")
        data = feedback_workbook(sub, MOMENT)
        wb = reopen(data)
        cell = wb["Danh sách lỗi"]["F2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("=SUM(A1:A3)", "s", True)
        assert wb["Tóm tắt"]["B3"].value == "annual/=HYPERLINK(1).xlsx"  # starts with a letter: unchanged
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))

    def test_a_negative_value_shows_as_the_ward_typed_it(self) -> None:
        """A score of -1 reads ``-1`` in the “Giá trị” column, with no stray apostrophe: a text cell with Excel's
        quote prefix, as typing ``'-1`` would make it."""
        negative = dataclasses.replace(SCORE_ABOVE_MAX, rule="negative", value="-1")
        cell = reopen(feedback_workbook(submission([negative]), MOMENT))["Danh sách lỗi"]["F2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("-1", "s", True)

    def test_byte_identical(self) -> None:
        """It gives identical bytes for identical inputs."""
        sub = submission([SCORE_ABOVE_MAX, NO_EVIDENCE])
        assert feedback_workbook(sub, MOMENT, annotated_name=ANNOTATED) == feedback_workbook(
            sub, MOMENT, annotated_name=ANNOTATED
        )


class TestAnnotateCopy:
    def test_marks_and_comments_cells(self, tmp_path: Path) -> None:
        """It fills an error cell red and a warning cell yellow, with a Vietnamese comment by thidua."""
        original = ward_file(tmp_path).read_bytes()
        data = annotate_copy(original, [SCORE_ABOVE_MAX, NO_EVIDENCE], MOMENT, keep_vba=False)
        assert data is not None
        ws = reopen(data)[SHEET]
        assert ws["D5"].fill.fgColor.rgb == "00FFC7CE"
        assert ws["D5"].comment.author == "thidua"
        assert ws["D5"].comment.text == (
            "[Lỗi] Điểm tự chấm 6 vượt điểm tối đa 5 của tiêu chí 1.1.\nCách khắc phục: Sửa điểm tự chấm về khoảng 0–5."
        )
        assert ws["E6"].fill.fgColor.rgb == "00FFEB9C"
        assert ws["E6"].comment.text.endswith("— Ghi chú có sẵn —\nSẽ bổ sung sau")  # the ward's own note is kept
        assert ws["D4"].comment is None
        assert reopen(data).sheetnames == ["Thông tin", SHEET]  # every issue found its cell

    def test_several_issues_on_one_cell(self, tmp_path: Path) -> None:
        """It combines the issues of one cell in one comment; any error makes the fill red."""
        data = annotate_copy(ward_file(tmp_path).read_bytes(), [NO_EVIDENCE_D7, NOT_A_NUMBER], MOMENT, False)
        assert data is not None
        cell = reopen(data)[SHEET]["D7"]
        assert cell.fill.fgColor.rgb == "00FFC7CE"
        assert cell.comment.text.startswith("[Cảnh báo] Thiếu minh chứng")
        assert "[Lỗi] Điểm tự chấm “=SUM(A1:A3)” không phải là số." in cell.comment.text
        assert cell.value == "=SUM(A1:A3)"  # the ward's formula is kept as it was

    def test_issues_without_cell_give_no_copy_and_the_feedback_says_why(self, tmp_path: Path) -> None:
        """Nothing to mark in the file: no annotated copy, and the summary tells the ward where the issues are."""
        elsewhere = Issue(Severity.WARNING, "x", "Ô không tồn tại.", "Kiểm tra.", sheet="Không có", cell="A1")
        copy = annotated_copy_of(ward_file(tmp_path).read_bytes(), [MISSING_SHEET, elsewhere], MOMENT, False)
        assert (copy.data, copy.reason) == (None, NO_CELL)
        book = feedback_workbook(submission([MISSING_SHEET, elsewhere]), MOMENT, no_copy_reason=copy.reason)
        summary = reopen(book)["Tóm tắt"]
        lines = {row[0].value: row[1].value for row in summary.iter_rows(min_row=3, max_col=2)}
        assert lines["Bản sao có đánh dấu"] == NO_CELL
        assert "được tô màu" not in lines["Việc cần làm"]  # no promise of marked cells the ward will not get

    def test_merged_cell_marks_the_visible_cell(self, tmp_path: Path) -> None:
        """It puts the comment of a cell inside a merged title on the cell Excel shows."""
        issue = Issue(Severity.WARNING, "title", "Tiêu đề khác mẫu.", "Dùng tiêu đề theo mẫu.", SHEET, "C1")
        data = annotate_copy(ward_file(tmp_path).read_bytes(), [issue], MOMENT, False)
        assert data is not None
        assert reopen(data)[SHEET]["A1"].comment.text.startswith("[Cảnh báo] Tiêu đề khác mẫu.")

    def test_original_untouched_and_stable(self, tmp_path: Path) -> None:
        """It never changes the ward's file and gives identical bytes for identical inputs."""
        path = ward_file(tmp_path)
        before = path.read_bytes()
        digest = hashlib.sha256(before).hexdigest()
        first = annotate_copy(before, [SCORE_ABOVE_MAX, MISSING_SHEET], MOMENT, False)
        assert first == annotate_copy(before, [SCORE_ABOVE_MAX, MISSING_SHEET], MOMENT, False)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        assert hashlib.sha256(before).hexdigest() == digest
        assert reopen(before)[SHEET]["D5"].comment is None

    def test_keeps_macros(self, tmp_path: Path) -> None:
        """It keeps an .xlsm file's VBA project when asked to."""
        buf = io.BytesIO()
        with zipfile.ZipFile(ward_file(tmp_path)) as src, zipfile.ZipFile(buf, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("xl/vbaProject.bin", b"VBA-PROJECT")
        data = annotate_copy(buf.getvalue(), [SCORE_ABOVE_MAX], MOMENT, keep_vba=True)
        assert data is not None
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.read("xl/vbaProject.bin") == b"VBA-PROJECT"

    @pytest.mark.parametrize(
        "data",
        [b"", b"not a workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, b"PK\x03\x04broken zip"],
    )
    def test_unreadable_file_gives_none(self, data: bytes) -> None:
        """It returns None for a corrupt, encrypted (OLE) or non-workbook file."""
        assert annotate_copy(data, [SCORE_ABOVE_MAX], MOMENT, keep_vba=False) is None

    def test_truncated_workbook_gives_none(self, tmp_path: Path) -> None:
        """It returns None for a workbook cut short in transfer."""
        data = ward_file(tmp_path).read_bytes()
        assert annotate_copy(data[: len(data) // 2], [SCORE_ABOVE_MAX], MOMENT, keep_vba=False) is None

    def test_refuses_oversized_package(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """It refuses a package larger than the limit once unzipped, without opening it."""
        monkeypatch.setattr(feedback, "MAX_UNZIPPED_BYTES", 1_000)
        assert annotate_copy(ward_file(tmp_path).read_bytes(), [SCORE_ABOVE_MAX], MOMENT, keep_vba=False) is None


def test_the_feedback_print_leaves_the_rule_code_to_the_screen() -> None:
    """The ward's printed list ends with how to fix it; the auditors' rule code column is outside the print area."""
    ws = reopen(feedback_workbook(submission([NO_EVIDENCE], Status.ACCEPTED), MOMENT, ward_name="Sa Pa"))[
        "Danh sách lỗi"
    ]
    assert ws["I1"].value == "Mã quy tắc (cho kiểm tra)" and ws["I2"].value == "no_evidence"
    assert ws.print_area.endswith("$H$2")
