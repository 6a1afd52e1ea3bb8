"""``thidua check FILE``: a ward officer's quick answer, in Vietnamese, before sending a file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from flows.cli import main
from tasks.domain import Issue, Severity
from tasks.validation.check import format_issues
from tests.support.office_files import sapa_annual, sapa_december, write_book
from tests.support.sample import EditFn

SAPA = Path("2025") / "annual" / "tu-cham-diem-2025-sapa.xlsx"
DECEMBER = Path("2025") / "monthly" / "2025-12" / "bao-cao-chi-tieu-2025-12-sapa.xlsx"


def check(capsys: pytest.CaptureFixture[str], inputs: Path, *args: str) -> tuple[int, str]:
    code = main(["check", *args, "--inputs", str(inputs)])
    return code, capsys.readouterr().out


def test_a_good_file_passes(capsys: pytest.CaptureFixture[str], inputs: Path) -> None:
    """Exit 0, ĐẠT, the ward and the period read from the file."""
    code, out = check(capsys, inputs, str(inputs / SAPA))
    assert code == 0
    assert "ĐẠT (Bảng tự chấm điểm thi đua năm, đơn vị SAPA, kỳ 2025)" in out and "KHÔNG ĐẠT" not in out
    assert "Không có lỗi hay cảnh báo trong các kiểm tra làm được trên một tệp." in out
    assert "Chưa kiểm tra được từ một tệp" in out


def test_a_monthly_report_takes_its_year_from_the_period(capsys: pytest.CaptureFixture[str], inputs: Path) -> None:
    """No --year: the year comes from Kỳ báo cáo."""
    code, out = check(capsys, inputs, str(inputs / DECEMBER))
    assert code == 0 and "ĐẠT (Báo cáo kết quả thực hiện chỉ tiêu tháng, đơn vị SAPA, kỳ 12/2025)" in out


def test_a_bad_file_names_the_sheet_and_the_cell(
    capsys: pytest.CaptureFixture[str], inputs: Path, edit_row: EditFn
) -> None:
    """Exit 1; the line says the sheet, the cell, what is wrong and how to fix it."""
    cell = edit_row(inputs / SAPA, "Tự chấm điểm", "1.1", "Điểm tự chấm", 6)
    code, out = check(capsys, inputs, str(inputs / SAPA))
    assert code == 1 and "KHÔNG ĐẠT" in out
    assert f"[LỖI] trang 'Tự chấm điểm' – ô {cell}: Điểm tự chấm của tiêu chí 1.1 là 6, vượt điểm tối đa 5." in out
    assert "→ Nhập điểm không quá 5." in out


def test_several_files_one_bad(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path, edit_row: EditFn
) -> None:
    """Each file gets its verdict; the exit status is 1 when any has an error."""
    book = sapa_annual()
    info = book.sheet("Thông tin")
    info.set(info.find("Mã đơn vị")[0], 1, "LAOCAI")
    bad = write_book(book, tmp_path / "sapa-sai-ma.xlsx")
    code, out = check(capsys, inputs, str(inputs / SAPA), str(bad))
    assert code == 1
    assert out.count("KHÔNG ĐẠT") == 1 and "ĐẠT (Bảng tự chấm điểm thi đua năm, đơn vị SAPA" in out
    assert "trang 'Thông tin' – ô B2: Mã đơn vị 'LAOCAI' không khớp với đơn vị 'Sa Pa'." in out


def test_a_file_of_a_year_without_rules_is_reported_and_the_others_still_checked(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    """A self-assessment whose Năm is 2024 and a monthly report of 12/2024 among good files (only 2025 has rules):
    each is KHÔNG ĐẠT with its sheet and cell, the next files are still checked, exit 1 (not a configuration
    failure, exit 2); each line says the file's own year and the rules' year, never 'kỳ 2025' as if it were of
    2025."""
    book = sapa_annual()
    info = book.sheet("Thông tin")
    info.set(info.find("Năm")[0], 1, 2024)
    old_year = write_book(book, tmp_path / "nam-2024.xlsx")
    book = sapa_december()
    info = book.sheet("Thông tin")
    info.set(info.find("Kỳ báo cáo")[0], 1, "Tháng 12/2024")
    old_month = write_book(book, tmp_path / "thang-12-2024.xlsx")
    code, out = check(capsys, inputs, str(old_year), str(old_month), str(inputs / SAPA))
    assert code == 1
    assert "nam-2024.xlsx: KHÔNG ĐẠT" in out and "thang-12-2024.xlsx: KHÔNG ĐẠT" in out
    assert "[LỖI] trang 'Thông tin' – ô B3: Năm '2024' không đúng: bảng tự chấm phải là của năm 2025." in out
    assert "[LỖI] trang 'Thông tin' – ô B3: Kỳ báo cáo 'Tháng 12/2024' không đúng: báo cáo phải là của năm 2025." in out
    assert f"{inputs / SAPA}: ĐẠT" in out and "Cấu hình" not in out
    assert (
        "nam-2024.xlsx: KHÔNG ĐẠT (Bảng tự chấm điểm thi đua năm, đơn vị SAPA, kỳ 2024; kiểm tra theo quy tắc năm 2025)"
    ) in out
    assert (
        "thang-12-2024.xlsx: KHÔNG ĐẠT (Báo cáo kết quả thực hiện chỉ tiêu tháng, đơn vị SAPA, kỳ 12/2024; kiểm tra "
        "theo quy tắc năm 2025)"
    ) in out
    assert f"{inputs / SAPA}: ĐẠT (Bảng tự chấm điểm thi đua năm, đơn vị SAPA, kỳ 2025)" in out


def test_a_self_assessment_naming_no_year_is_not_given_one(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    """A blank Năm: checked with the newest year's rules, but its line does not claim the file is of that year."""
    book = sapa_annual()
    info = book.sheet("Thông tin")
    info.set(info.find("Năm")[0], 1, None)
    no_year = write_book(book, tmp_path / "chua-ghi-nam.xlsx")
    _, out = check(capsys, inputs, str(no_year))
    assert "chua-ghi-nam.xlsx: KHÔNG ĐẠT (Bảng tự chấm điểm thi đua năm, đơn vị SAPA, chưa xác định kỳ)" in out
    assert "Chưa ghi năm (Năm): bảng tự chấm phải là của năm 2025." in out


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Tệp Excel cũ (.xls)"),
        ("rong.xlsx", b"", "Tệp rỗng"),
    ],
)
def test_an_unreadable_file_says_why(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    """With --year, a file that cannot be opened gets its reason in Vietnamese and exit 1."""
    path = tmp_path / name
    path.write_bytes(content)
    code, out = check(capsys, inputs, str(path), "--year", "2025")
    assert code == 1 and "KHÔNG ĐẠT" in out and words in out


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path) -> None:
    """A path that does not exist: exit 1 and the path named."""
    code, out = check(capsys, inputs, str(tmp_path / "khong-co.xlsx"))
    assert code == 1 and "khong-co.xlsx: không tìm thấy tệp" in out


def test_a_file_name_with_odd_bytes_is_printed_escaped(capsys: pytest.CaptureFixture[str], inputs: Path) -> None:
    """A name holding bytes that are not UTF-8 and a terminal escape sequence is printed written out, never raw."""
    odd = os.path.join(os.fsencode(inputs), b"b\xe1o-c\xe1o\x1b[31m.xlsx")
    shutil.copy(inputs / SAPA, odd)
    code, out = check(capsys, inputs, os.fsdecode(odd))
    assert code == 0
    assert "b\\xe1o-c\\xe1o\\x1b[31m.xlsx: ĐẠT" in out and "\x1b" not in out


def test_a_folder_is_checked_file_by_file_and_its_sub_folders_are_named(
    capsys: pytest.CaptureFixture[str], inputs: Path
) -> None:
    """``thidua check inputs/2025/monthly/2025-12``: every report in it gets its verdict; a sub-folder holding an old
    copy is named as not checked, and Windows' and Excel's own files are not checked at all."""
    month = inputs / "2025" / "monthly" / "2025-12"
    (month / "cu").mkdir()
    shutil.copy(inputs / DECEMBER, month / "cu" / "ban-cu.xlsx")
    (month / "Thumbs.db").write_bytes(b"x")
    (month / "~$bao-cao.xlsx").write_bytes(b"x")
    code, out = check(capsys, inputs, str(month))
    assert code == 0
    assert out.splitlines()[0] == (
        f"{month}: không kiểm tra 1 thư mục con (cu): chỉ các tệp nằm ngay trong thư mục được kiểm tra, như khi "
        "đánh giá."
    )
    assert out.count(": ĐẠT (Báo cáo kết quả thực hiện chỉ tiêu tháng") == len(list(month.glob("*.xlsx"))) - 1
    assert "ban-cu.xlsx" not in out and "Thumbs.db" not in out and "~$" not in out


def test_a_folder_with_nothing_to_check_is_refused_with_where_to_look(
    capsys: pytest.CaptureFixture[str], inputs: Path
) -> None:
    """``thidua check inputs/2025/monthly``: only month folders in it, so exit 2 (a wrong argument, like other
    refusals), nothing checked, and one of them given as an example."""
    code = main(["check", str(inputs / SAPA), str(inputs / "2025" / "monthly"), "--inputs", str(inputs)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        f"thidua: {inputs / '2025' / 'monthly'}: thư mục không có tệp nào để kiểm tra (chỉ có thư mục con: 2025-09, "
        "2025-10, 2025-11, 2025-12). Hãy đưa đường dẫn tới tệp, hoặc tới thư mục chứa tệp, ví dụ "
        f"{inputs / '2025' / 'monthly' / '2025-09'}.\n"
    )


def test_the_year_folder_is_refused_with_the_command_that_reviews_it(
    capsys: pytest.CaptureFixture[str], inputs: Path
) -> None:
    """``thidua check inputs/2025``: its YAML files are no submissions; exit 2 and the way to the annual folder
    or to the review."""
    code = main(["check", str(inputs / "2025"), "--inputs", str(inputs)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"ví dụ {inputs / '2025' / 'annual'}; để đánh giá cả năm, chạy thidua review --year 2025." in err


def test_odd_cell_values_are_echoed_as_excel_shows_them(
    capsys: pytest.CaptureFixture[str], inputs: Path, edit_row: EditFn
) -> None:
    """A logical TRUE reads 'TRUE' (not Python's 'True'), 1e308 reads 1E+308 (not its 309 digits), and a date
    cell holding a negative number is said to hold no valid date (not echoed as '00:00:00')."""
    true_cell = edit_row(inputs / SAPA, "Tự chấm điểm", "1.1", "Điểm tự chấm", True)
    huge_cell = edit_row(inputs / SAPA, "Tự chấm điểm", "1.2", "Điểm tự chấm", 1e308)
    wb = openpyxl.load_workbook(inputs / SAPA)
    wb["Thông tin"]["B6"] = -5
    wb["Thông tin"]["B6"].number_format = "dd/mm/yyyy"
    wb.save(inputs / SAPA)
    code, out = check(capsys, inputs, str(inputs / SAPA))
    assert code == 1
    assert f"ô {true_cell}: Điểm tự chấm của tiêu chí 1.1 là 'TRUE', không phải là số." in out
    assert f"ô {huge_cell}: Điểm tự chấm của tiêu chí 1.2 là 1E+308, vượt điểm tối đa 4." in out
    assert (
        "[Cảnh báo] trang 'Thông tin' – ô B6: Ngày lập không phải một ngày hợp lệ (số trong ô không ứng với ngày "
        "nào, hoặc ô chỉ ghi giờ)." in out
    )
    assert "00:00" not in out and "True" not in out


def test_a_mistyped_inputs_folder_is_named_not_blamed_on_the_file(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    """``thidua check --inputs hoso-sai sapa.xlsx``: the file says 2025, the folder does not exist; exit 2 naming
    the missing year's folder (as review does), not 'không xác định được năm của hồ sơ' about a good file."""
    path = tmp_path / "sapa.xlsx"
    shutil.copy(inputs / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx", path)
    code = main(["check", str(path), "--inputs", str(tmp_path / "hoso-sai")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{tmp_path / 'hoso-sai' / '2025'}: không có thư mục dữ liệu của năm 2025." in err


def test_a_monthly_report_of_a_month_outside_the_window_is_refused_as_the_review_would(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    """Kỳ báo cáo 'Tháng 08/2025', before the bloc's window (09/2025 to 12/2025): the review refuses the files of
    monthly/2025-08/ as outside_window, so check says so too, in the report's Kỳ báo cáo cell, and exits 1."""
    book = sapa_december()
    info = book.sheet("Thông tin")
    info.set(info.find("Kỳ báo cáo")[0], 1, "Tháng 08/2025")
    august = write_book(book, tmp_path / "thang-08-2025.xlsx")
    code, out = check(capsys, inputs, str(august))
    assert code == 1
    assert "thang-08-2025.xlsx: KHÔNG ĐẠT (Báo cáo kết quả thực hiện chỉ tiêu tháng, đơn vị SAPA, kỳ 08/2025)" in out
    assert (
        "  [LỖI] trang 'Thông tin' – ô B3: Kỳ báo cáo tháng 08/2025 nằm ngoài khoảng theo dõi của năm 2025 "
        "(từ 09/2025 đến 12/2025): báo cáo này không được tính."
    ) in out.splitlines()
    assert (
        "      → Báo cáo tháng chỉ được tính cho các tháng từ 09/2025 đến 12/2025. Nếu đây là báo cáo của một tháng "
        "trong khoảng đó, ghi đúng Kỳ báo cáo và đặt tệp vào thư mục của tháng ấy; nếu không, không nộp tệp này."
    ) in out.splitlines()


def test_a_date_prepared_after_the_meeting_is_a_warning_on_its_cell(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    """A file checked alone is held to the meeting's date too: Ngày lập 01/01/2099 passes, with a warning at its
    cell saying that no later correction could replace it (the later Ngày lập wins)."""
    book = sapa_annual()
    info = book.sheet("Thông tin")
    r, c = info.find("Ngày lập")
    info.set(r, c + 1, "01/01/2099")
    code, out = check(capsys, inputs, str(write_book(book, tmp_path / "sapa-2099.xlsx")))
    assert code == 0 and "KHÔNG ĐẠT" not in out
    assert (
        f"[Cảnh báo] trang 'Thông tin' – ô B{r + 1}: Ngày lập 01/01/2099 muộn hơn ngày họp tổng kết của Khối "
        "(15/01/2026)" in out
    )


def test_a_sheet_name_longer_than_excel_allows_is_shortened_where_the_line_says_where() -> None:
    """A hand-made workbook's 16,000-character sheet name is cut to 30 characters and an ellipsis."""
    issue = Issue(Severity.WARNING, "hidden_sheet", "Bị ẩn.", "Bỏ ẩn.", sheet="x" * 16_000, cell="A1")
    where, _ = format_issues([issue])
    assert where == f"  [Cảnh báo] trang '{'x' * 30}…' – ô A1: Bị ẩn."
