"""Finding the tables of a workbook wherever they are, and telling the ward precisely when one cannot be used.

The sheets are built in memory (``Sheet``: a grid from A1), so each test shows the layout it is about.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from tasks.domain import Kind, Severity
from tasks.intake.layout import COUNTS, INDICATORS, SCORES
from tasks.intake.tables import (
    HEADER_SEARCH_ROWS,
    IntakeError,
    duplicate_label_issues,
    excel_error_issues,
    hidden_sheet_issues,
    read_info,
    read_submission,
    read_table,
    uncached_formula_issues,
)
from tasks.intake.workbook import Sheet

HEADER = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú"]
INFO = Sheet("Thông tin", [["Đơn vị", "Sa Pa"], ["Năm", 2025], ["Ngày lập", "10/01/2026"]])


def _scores(*rows: list[object], above: int = 0) -> Sheet:
    """The scores sheet with ``above`` title rows over the canonical header, then ``rows``."""
    titles: list[list[object]] = [["BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2025"]] + [[] for _ in range(above - 1)]
    return Sheet("Tự chấm điểm", [*titles[:above], HEADER, *rows])


def _counts() -> Sheet:
    return Sheet("Thưởng - Trừ", [["Mã", "Nội dung", "Số lần", "Căn cứ"], ["T1", "Cờ thi đua", 1, "QĐ 12"]])


def _refusal(call: Callable[[], object]) -> IntakeError:
    """The IntakeError ``call`` raises."""
    with pytest.raises(IntakeError) as raised:
        call()
    return raised.value


def test_a_header_moved_down_under_titles_is_found_and_cells_keep_their_excel_address() -> None:
    """Five title rows above the header: the table starts at row 7 and each value is named by its real cell."""
    table = read_table(_scores(["1.1", "Chỉ đạo", 5, 4.5, "BC 01", None], above=5), SCORES)
    assert table.header_row == 6
    (row,) = table.rows
    assert row.number == 7
    assert (row.cells["Điểm tự chấm"].value, row.cells["Điểm tự chấm"].cell) == (4.5, "D7")
    assert table.columns["Mã tiêu chí"] == "A"


def test_columns_in_another_order_with_an_extra_one_are_read_by_their_header() -> None:
    """An ``STT`` column first and the score before the code: values still go to the right column."""
    sheet = Sheet("Tự chấm điểm", [["STT", "Điểm tự chấm", "Mã tiêu chí"], [1, 3, "1.2"]])
    table = read_table(sheet, SCORES)
    cells = table.rows[0].cells
    assert (cells["Mã tiêu chí"].value, cells["Mã tiêu chí"].cell) == ("1.2", "C2")
    assert (cells["Điểm tự chấm"].value, cells["Điểm tự chấm"].cell) == (3, "B2")
    assert "STT" not in cells and "Ghi chú" not in cells


def test_blank_rows_inside_the_table_are_skipped_and_empty_text_is_no_value() -> None:
    """Blank and whitespace-only rows are not data; an empty-text cell reads as empty."""
    table = read_table(_scores(["1.1", "", 5, 4, "", ""], [None, "  ", None, None], [], ["1.2", None, 5, 3]), SCORES)
    assert [row.number for row in table.rows] == [2, 5]
    assert table.rows[0].cells["Nội dung tiêu chí"].value is None


def test_a_header_written_another_way_is_recognised_and_shown_as_written() -> None:
    """``DIEM TU CHAM (tối đa 100)`` is the score column; messages quote the header the ward wrote."""
    sheet = Sheet("Tự chấm điểm", [["MA TIEU CHI", "DIEM TU CHAM (tối đa 100)"], ["1.1", 4]])
    table = read_table(sheet, SCORES)
    assert table.headers["Điểm tự chấm"] == "DIEM TU CHAM (tối đa 100)"
    assert table.rows[0].cells["Điểm tự chấm"].value == 4


def test_a_percent_cell_is_marked_as_such() -> None:
    """A cell formatted as a percentage carries the mark, so 0.975 is read as 97.5 % later on."""
    sheet = Sheet("Chỉ tiêu", [["Mã chỉ tiêu", "Lũy kế từ đầu năm"], ["CT01", 0.975]], percent={(1, 1)})
    cell = read_table(sheet, INDICATORS).rows[0].cells["Lũy kế từ đầu năm"]
    assert (cell.value, cell.percent) == (0.975, True)


def test_a_missing_required_column_names_it_and_where_the_header_was_found() -> None:
    """No ``Điểm tự chấm`` column: the sheet, the column, the header row (3) and the expected names are told."""
    sheet = Sheet("Tự chấm điểm", [["Bảng tự chấm"], [], ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm"]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert (issue.rule, issue.sheet, issue.column, issue.severity) == (
        "missing_column",
        "Tự chấm điểm",
        "Điểm tự chấm",
        Severity.ERROR,
    )
    assert (
        issue.message == "Trang tính 'Tự chấm điểm' thiếu cột bắt buộc: Điểm tự chấm (dòng tiêu đề tìm thấy ở dòng 3)."
    )
    assert "Mã tiêu chí, Nội dung tiêu chí, Điểm tối đa, Điểm tự chấm, Minh chứng, Ghi chú" in issue.hint


def test_a_header_below_the_search_rows_is_not_taken_for_the_table() -> None:
    """The header is looked for in the first 40 rows; further down, the sheet is not the form."""
    sheet = Sheet("Tự chấm điểm", [[] for _ in range(HEADER_SEARCH_ROWS)] + [HEADER, ["1.1", "", 5, 4]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert issue.rule == "missing_column" and "Mã tiêu chí, Điểm tự chấm trong 40 dòng đầu" in issue.message


def test_a_header_below_the_search_rows_is_named_where_it_is() -> None:
    """The columns are all there, only too far down: the ward is told the row it found them in and to take the
    rows above away, not merely that the columns are missing."""
    sheet = Sheet("Tự chấm điểm", [[] for _ in range(HEADER_SEARCH_ROWS + 5)] + [HEADER, ["1.1", "", 5, 4]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert issue.message == (
        "Trang tính 'Tự chấm điểm' thiếu cột bắt buộc: Mã tiêu chí, Điểm tự chấm trong 40 dòng đầu; dòng tiêu đề đủ "
        "cột nằm ở dòng 46, quá xa."
    )
    assert issue.hint.startswith("Xóa bớt các dòng trống hoặc dòng tiêu đề phía trên bảng")


def test_a_column_named_twice_is_refused_naming_both_cells() -> None:
    """Two ``Điểm tự chấm`` columns: which one counts is unclear, so the ward is shown both (D1 and F1)."""
    sheet = Sheet("Tự chấm điểm", [["Mã tiêu chí", "", "", "Điểm tự chấm", "", "Điểm tự chấm"], ["1.1", "", "", 4]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert (issue.rule, issue.cell, issue.column) == ("duplicate_column", "F1", "Điểm tự chấm")
    assert "(D1 và F1)" in issue.message


def test_a_column_named_twice_quotes_the_header_as_written_in_the_cell_it_names() -> None:
    """The second header reads ``ĐIỂM TỰ CHẤM`` in capitals: the issue carries it as written there (spec §5)."""
    sheet = Sheet("Tự chấm điểm", [["Mã tiêu chí", "Điểm tự chấm", "ĐIỂM TỰ CHẤM"], ["1.1", 4, 4]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert (issue.rule, issue.cell, issue.value) == ("duplicate_column", "C1", "ĐIỂM TỰ CHẤM")


def test_a_pasted_data_dump_is_refused_at_the_first_row_over_the_limit() -> None:
    """A form sheet with more than 2.000 data rows is refused at its 2.001st (row 2002, under the header in row 1),
    the number written the Vietnamese way."""
    rows = [[f"X{n}", "", "", 1] for n in range(2001)]
    issue = _refusal(lambda: read_table(_scores(*rows), SCORES)).issue
    assert (issue.rule, issue.cell, issue.value) == ("too_many_rows", "A2002", "X2000")
    assert "hơn 2.000 dòng dữ liệu (dòng 2002 trở đi)" in issue.message


def test_a_data_dump_is_named_at_the_first_cell_of_its_row_holding_something() -> None:
    """The 2.001st row has no code, only a score: the issue names that score's cell and quotes it, not an
    empty A cell."""
    rows = [[f"X{n}", "", "", 1] for n in range(2000)] + [["", "", "", 7.5]]
    issue = _refusal(lambda: read_table(_scores(*rows), SCORES)).issue
    assert (issue.rule, issue.cell, issue.value) == ("too_many_rows", "D2002", "7.5")


def test_the_info_sheet_gives_each_label_the_next_value_to_its_right() -> None:
    """Label in one cell, value in the next non-empty cell to its right (a blank column between is fine)."""
    sheet = Sheet("Thông tin", [["Đơn vị", None, "Phường Sa Pa"], ["NAM", 2025], ["Ngày lập"]])
    info = read_info(sheet)
    assert (info["ward"].value, info["ward"].cell) == ("Phường Sa Pa", "C1")
    assert (info["year"].value, info["year"].cell) == (2025, "B2")
    assert (info["prepared_on"].value, info["prepared_on"].cell) == (None, "B3")
    assert "phone" not in info


def test_a_label_written_twice_with_two_values_is_an_error_naming_both() -> None:
    """``Năm`` 2025 in A2 and 2024 in A5: an error; the same value written twice is harmless."""
    sheet = Sheet("Thông tin", [["Đơn vị", "Sa Pa"], ["Năm", 2025], [], [], ["Năm", 2024], ["Đơn vị", "Sa Pa"]])
    (issue,) = duplicate_label_issues(sheet)
    assert (issue.rule, issue.cell, issue.column, issue.value) == ("duplicate_label", "B5", "Năm", "2024")
    assert "A2 (giá trị '2025') và A5 (giá trị '2024')" in issue.message


def test_a_whole_annual_workbook_is_located_with_extra_sheets_in_any_order() -> None:
    """Sheets in another order, with an extra one and names without diacritics: info and both tables are found."""
    sheets = [_counts(), Sheet("Ghi chu", [["x"]]), Sheet("TU CHAM DIEM", [HEADER, ["1.1", "", 5, 4]]), INFO]
    workbook = read_submission(sheets, Kind.ANNUAL)
    assert workbook.info_sheet == "Thông tin" and workbook.info["ward"].value == "Sa Pa"
    assert set(workbook.tables) == {"scores", "counts"} and workbook.tables["scores"].sheet == "TU CHAM DIEM"


def test_a_missing_sheet_lists_the_sheets_there_and_keeps_the_ward_s_identity() -> None:
    """No ``Thưởng - Trừ``: the sheets present are listed, and the info read so far travels with the error
    (so the ward is told what to fix instead of being reported as sending nothing)."""
    error = _refusal(lambda: read_submission([INFO, _scores(["1.1", "", 5, 4])], Kind.ANNUAL))
    assert (error.issue.rule, error.issue.sheet) == ("missing_sheet", "Thưởng - Trừ")
    assert (
        error.issue.message
        == "Thiếu trang tính 'Thưởng - Trừ'. Các trang tính có trong tệp: 'Thông tin', 'Tự chấm điểm'."
    )
    assert error.info_sheet == "Thông tin" and error.info["ward"].value == "Sa Pa"


def test_two_sheets_that_read_as_one_are_refused_naming_the_hidden_one() -> None:
    """``Tự chấm điểm`` and a hidden ``TU CHAM DIEM``: the ward is told both names and that one is hidden."""
    copy = Sheet("TU CHAM DIEM", [HEADER], state="hidden")
    issue = _refusal(lambda: read_submission([INFO, _scores(), copy, _counts()], Kind.ANNUAL)).issue
    assert (issue.rule, issue.sheet) == ("duplicate_sheet", "TU CHAM DIEM")
    assert "'Tự chấm điểm' và 'TU CHAM DIEM' (ẩn)" in issue.message


def test_a_hidden_sheet_with_data_is_a_warning_and_an_empty_one_is_not() -> None:
    """An auditor should see hidden data: a warning per hidden sheet holding something, "ẩn sâu" for veryHidden."""
    sheets = [
        Sheet("Nháp", [["điểm cũ", 3]], state="hidden"),
        Sheet("Macro", [["x"]], state="veryHidden"),
        Sheet("Trống", [[None, "  "]], state="hidden"),
        Sheet("Ghi chú", [["x"]]),
    ]
    issues = hidden_sheet_issues(sheets)
    assert [(i.sheet, i.severity) for i in issues] == [("Nháp", Severity.WARNING), ("Macro", Severity.WARNING)]
    assert "'Macro' (ẩn sâu, chỉ hiện được bằng VBA)" in issues[1].message


def test_a_formula_without_a_value_counts_only_in_a_sheet_that_is_read() -> None:
    """An uncomputed formula in the scores table is an error naming its cell; one in an extra sheet is ignored."""
    scores = Sheet("Tự chấm điểm", [HEADER, ["1.1", "", 5, None]], uncached_formulas={(1, 3)})
    extra = Sheet("Tính toán", [["=A1"]], uncached_formulas={(0, 0)})
    sheets = [INFO, scores, _counts(), extra]
    (issue,) = uncached_formula_issues(sheets, read_submission(sheets, Kind.ANNUAL))
    assert (issue.rule, issue.sheet, issue.cell) == ("formula_without_value", "Tự chấm điểm", "D2")


def test_an_excel_error_is_an_error_in_a_score_and_a_warning_in_a_note() -> None:
    """``#DIV/0!`` where the score is: an error explaining it; ``#N/A`` in Ghi chú: only a warning."""
    scores = Sheet(
        "Tự chấm điểm",
        [HEADER, ["1.1", "", 5, "#DIV/0!", "", "#N/A"]],
        errors={(1, 3): "#DIV/0!", (1, 5): "#N/A"},
    )
    sheets = [INFO, scores, _counts()]
    issues = excel_error_issues(sheets, read_submission(sheets, Kind.ANNUAL), Kind.ANNUAL)
    assert [(i.cell, i.column, i.severity) for i in issues] == [
        ("D2", "Điểm tự chấm", Severity.ERROR),
        ("F2", "Ghi chú", Severity.WARNING),
    ]
    assert "hiện lỗi Excel #DIV/0!: công thức chia cho 0" in issues[0].message


def test_the_counts_table_reads_its_own_columns() -> None:
    """``Thưởng - Trừ`` is read with its own columns: code, content, occurrences and basis."""
    table = read_table(_counts(), COUNTS)
    assert {name: cell.value for name, cell in table.rows[0].cells.items()} == {
        "Mã": "T1",
        "Nội dung": "Cờ thi đua",
        "Số lần": 1,
        "Căn cứ": "QĐ 12",
    }


def test_a_message_quoting_a_sheet_name_reads_in_nfc() -> None:
    """A sheet named with a compatibility ideograph (U+F900, which NFC writes as U+8C48), found by fuzzing: the
    message a ward reads is NFC like every other text."""
    issue = _refusal(lambda: read_submission([Sheet(name="\uf900", rows=[["x"]])], Kind.ANNUAL)).issue
    assert issue.rule == "missing_sheet"
    assert unicodedata.is_normalized("NFC", issue.message) and "'\u8c48'" in issue.message


def test_a_sheet_name_longer_than_excel_allows_is_shortened_in_the_message_and_kept_whole_in_the_issue() -> None:
    """A hand-made workbook can name a sheet with 16,000 characters (Excel stops at 31): a message quoting it shows
    its first 30 with an ellipsis, so the ward still reads what is wrong; the ``sheet`` field keeps the name as
    written (spec §5), and a name Excel could write is quoted in full."""
    long_name = "Tự chấm điểm" + "-" * 16_000  # reads as Tự chấm điểm: its table is taken, and lacks a column
    sheet = Sheet(long_name, [["Mã tiêu chí", "Nội dung tiêu chí"]])
    issue = _refusal(lambda: read_table(sheet, SCORES)).issue
    assert issue.rule == "missing_column" and issue.sheet == long_name
    assert issue.message.startswith("Trang tính 'Tự chấm điểm------------------…' thiếu cột bắt buộc: Điểm tự chấm")
    assert len(issue.message) < 200
    extra = Sheet("x" * 16_000, [["điểm cũ"]], state="hidden")
    missing = _refusal(lambda: read_submission([INFO, extra], Kind.ANNUAL)).issue
    assert (
        missing.message == f"Thiếu trang tính 'Tự chấm điểm'. Các trang tính có trong tệp: 'Thông tin', '{'x' * 30}…'."
    )
    (hidden,) = hidden_sheet_issues([extra])
    assert hidden.message == f"Trang tính '{'x' * 30}…' (ẩn) bị ẩn nhưng có dữ liệu." and hidden.sheet == "x" * 16_000
    (in_full,) = hidden_sheet_issues([Sheet("y" * 31, [["điểm cũ"]], state="hidden")])
    assert f"'{'y' * 31}'" in in_full.message
