"""Opening one submitted file: read, locate, identify; a bad file becomes a rejected submission, never a failure."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
import pytest

import tasks.intake.read as read
from tasks.config.year import YearConfig, load_year
from tasks.domain import InputFile, Kind, Severity, Status
from tasks.intake.discover import discover
from tasks.intake.read import open_submission, read_files, reading_lost, refused_by_folder
from tests.support.hostile_files import ole_container
from tests.support.office_files import (
    INFO,
    SAMPLE,
    SCORES,
    book_bytes,
    input_file,
    sapa_annual,
    sapa_december,
    write_book,
)
from tests.support.wording import vietnamese


@pytest.fixture(scope="module")
def config() -> YearConfig:
    """The 2025 sample's roster and catalogue (only read)."""
    return load_year(SAMPLE.parent, 2025)


def _truncated() -> bytes:
    return book_bytes(sapa_annual())[:3000]


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Bảng tự chấm điểm thi đua năm 2025 – phường Sa Pa")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


NOT_WORKBOOKS: dict[str, tuple[str, Callable[[], bytes], str, tuple[str, ...]]] = {
    # name: (file name, content, rule, words in the message or hint)
    "corrupt": ("sapa.xlsx", _truncated, "corrupt", ("bị hỏng",)),
    "empty": ("sapa.xlsx", lambda: b"", "empty_file", ("rỗng",)),
    "encrypted": (
        "sapa.xlsx",
        lambda: ole_container({"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": b"\x9a" * 120_000}),
        "encrypted",
        ("mật khẩu", "gỡ mật khẩu"),
    ),
    "old_xls_renamed": (
        "sapa.xlsx",
        lambda: ole_container({"Workbook": b"\x09\x08" * 3000}),
        "old_xls",
        (".xls", ".xlsx"),
    ),
    "old_xls": ("sapa.xls", lambda: ole_container({"Workbook": b"\x09\x08" * 3000}), "old_xls", (".xls", ".xlsx")),
    "text_file": ("ghi-chu.txt", lambda: "Điểm tự chấm: 93,72".encode(), "not_a_workbook", ("không phải bảng tính",)),
    "csv_renamed": (
        "sapa.xlsx",
        lambda: b"Ma tieu chi;Diem\n1.1;4,5\n",
        "not_a_workbook",
        ("không phải là bảng tính",),
    ),
    "docx_renamed": ("sapa.xlsx", _docx, "not_a_workbook", ("văn bản Word", "đổi đuôi")),
}


@pytest.mark.parametrize("name", sorted(NOT_WORKBOOKS))
def test_a_file_that_is_not_a_workbook_is_refused_with_its_reason(
    tmp_path: Path, config: YearConfig, name: str
) -> None:
    """Corrupt, empty, password-protected, old .xls, text and Word files: each says what it is and what to do."""
    file_name, content, rule, words = NOT_WORKBOOKS[name]
    path = tmp_path / file_name
    path.write_bytes(content())
    kind = Kind.ANNUAL if path.suffix in (".xlsx", ".xlsm") else Kind.UNKNOWN  # as discover() classifies
    sub = open_submission(input_file(path, kind), config.bloc, config.catalogue, None)
    assert sub.status is Status.REJECTED and sub.workbook is None and sub.ward_code is None
    (issue,) = sub.issues
    assert issue.rule == rule and issue.severity is Severity.ERROR
    for word in words:
        assert word in issue.message + " " + issue.hint, (word, issue)
    assert vietnamese(issue.message) and vietnamese(issue.hint)


def test_a_file_that_is_no_workbook_is_said_to_be_what_it_is_not_misplaced(tmp_path: Path, config: YearConfig) -> None:
    """A note, a PDF and a file with no ending in a submission folder: each is named as what it is, with what the
    ward must send instead; their folder is right, so no word says it may be in the wrong one."""
    year_dir = tmp_path / "2025"
    annual = year_dir / "annual"
    annual.mkdir(parents=True)
    (annual / "ghi-chu.txt").write_text("Báo cáo gửi sau.", encoding="utf-8")
    (annual / "cong-van.pdf").write_bytes(b"%PDF-1.7")
    (annual / "README").write_text("x", encoding="utf-8")
    issues = {f.rel: open_submission(f, config.bloc, config.catalogue, p).issues for f, p in discover(year_dir)}
    said = {rel: (issue.rule, issue.message) for rel, (issue,) in issues.items()}
    assert said == {
        "annual/README": (
            "not_a_workbook",
            "Tệp 'annual/README' là tệp không có đuôi (như .xlsx), không phải bảng tính Excel (.xlsx/.xlsm) nên "
            "không được đọc.",
        ),
        "annual/cong-van.pdf": (
            "not_a_workbook",
            "Tệp 'annual/cong-van.pdf' là tệp PDF (.pdf), không phải bảng tính Excel (.xlsx/.xlsm) nên không được đọc.",
        ),
        "annual/ghi-chu.txt": (
            "not_a_workbook",
            "Tệp 'annual/ghi-chu.txt' là tệp văn bản (.txt), không phải bảng tính Excel (.xlsx/.xlsm) nên không được "
            "đọc.",
        ),
    }
    (hint,) = {issue.hint for (issue,) in issues.values()}
    assert hint == (
        "Phường cần gửi tệp Excel (.xlsx) làm từ biểu mẫu của Khối; ghi chú, ảnh hay văn bản khác không phải hồ sơ "
        "thi đua và không được tính."
    )


def test_a_workbook_outside_the_month_folders_is_said_to_be_in_the_wrong_folder(
    tmp_path: Path, config: YearConfig
) -> None:
    """A monthly report put directly in monthly/ or in a folder not named as a month: the folder is the problem,
    and the hint shows a month folder's name; the report is still its ward's, so the ward is told."""
    monthly = tmp_path / "2025" / "monthly"
    (monthly / "thang-12").mkdir(parents=True)
    write_book(sapa_december(), monthly / "bao-cao.xlsx")
    write_book(sapa_december(), monthly / "thang-12" / "bao-cao.xlsx")
    found = read_files(discover(tmp_path / "2025"), config.bloc, config.catalogue)
    subs = [refused_by_folder(sub, config.catalogue) for sub in found]
    assert [(s.status, s.ward_code, s.period, s.workbook) for s in subs] == [(Status.REJECTED, "SAPA", None, None)] * 2
    said = {sub.file.rel: [(i.rule, i.message, i.hint) for i in sub.issues] for sub in subs}
    hint = "Đặt báo cáo vào thư mục của tháng báo cáo, đặt tên dạng YYYY-MM, ví dụ monthly/2025-12/."
    assert said == {
        "monthly/bao-cao.xlsx": [
            (
                "wrong_folder",
                "Tệp 'monthly/bao-cao.xlsx' nằm ngay trong thư mục monthly/, không trong thư mục của một tháng, nên "
                "không biết là báo cáo tháng nào và không được tính.",
                hint,
            )
        ],
        "monthly/thang-12/bao-cao.xlsx": [
            (
                "wrong_folder",
                "Tệp 'monthly/thang-12/bao-cao.xlsx' nằm trong thư mục 'thang-12', tên thư mục không phải một tháng "
                "(YYYY-MM), nên không biết là báo cáo tháng nào và không được tính.",
                hint,
            )
        ],
    }


def test_an_input_file_is_opened_read_only(tmp_path: Path, config: YearConfig) -> None:
    """A read-only input (as on a shared drive) is read without needing write access."""
    path = write_book(sapa_annual(), tmp_path / "sapa.xlsx")
    path.chmod(0o444)
    try:
        sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    finally:
        path.chmod(0o644)
    assert sub.workbook is not None and not sub.has_errors


def test_a_self_assessment_names_its_ward_year_and_date(tmp_path: Path, config: YearConfig) -> None:
    """Sa Pa's file, whatever its name, is Sa Pa's for 2025, prepared on the date its info sheet gives."""
    path = write_book(sapa_annual(), tmp_path / "ban-sua-lan-2.xlsx")
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    assert (sub.status, sub.ward_code, sub.period, sub.kind) == (Status.ACCEPTED, "SAPA", "2025", Kind.ANNUAL)
    assert isinstance(sub.prepared_on, date) and sub.workbook is not None
    assert set(sub.workbook.tables) == {"scores", "counts"}


def test_a_monthly_report_takes_the_month_of_its_folder(tmp_path: Path, config: YearConfig) -> None:
    """A December report read from monthly/2025-12/ is Sa Pa's report for 2025-12."""
    path = write_book(sapa_december(), tmp_path / "sapa.xlsx")
    sub = open_submission(input_file(path, Kind.MONTHLY), config.bloc, config.catalogue, "2025-12")
    assert (sub.status, sub.ward_code, sub.period) == (Status.ACCEPTED, "SAPA", "2025-12")


def test_a_file_missing_a_column_is_still_attributed_to_its_ward(tmp_path: Path, config: YearConfig) -> None:
    """Rejected for a missing column, the file still counts as Sa Pa's, so Sa Pa is told what to fix
    instead of being listed as having sent nothing."""
    book = sapa_annual()
    grid = book.sheet(SCORES)
    grid.rows[grid.header()][grid.column("Điểm tự chấm")] = "Điểm"
    path = write_book(book, tmp_path / "sapa.xlsx")
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    assert (sub.status, sub.ward_code, sub.period, sub.workbook) == (Status.REJECTED, "SAPA", "2025", None)
    assert [i.rule for i in sub.issues if i.severity is Severity.ERROR] == ["missing_column"]


def test_a_file_name_naming_two_wards_adds_no_guess(tmp_path: Path, config: YearConfig) -> None:
    """A file whose info sheet names no roster ward gets no hint from a name that fits two wards."""
    book = sapa_annual()
    info = book.sheet(INFO)
    info.set(info.find("Đơn vị")[0], 1, "Phường Hoàng Liên")
    path = write_book(book, tmp_path / "sapa-va-laocai.xlsx")
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    issue = next(i for i in sub.issues if i.rule == "ward_unknown")
    assert sub.ward_code is None and "Tên tệp" not in issue.hint


@pytest.mark.parametrize(
    ("refused", "words"),
    [
        ("broken_link", "là liên kết (shortcut) trỏ tới tệp không tồn tại"),
        ("special_file", "không phải tệp thông thường"),
        ("subfolder", "Thư mục con"),
        ("something new", "không có quyền đọc tệp này"),
    ],
)
def test_an_entry_discovery_could_not_read_is_rejected_and_named(
    tmp_path: Path, config: YearConfig, refused: str, words: str
) -> None:
    """A broken link, a device, a sub-folder: rejected with its name and what to do, in Vietnamese."""
    path = tmp_path / "annual" / "sapa.xlsx"
    entry = InputFile(path=path, rel="annual/sapa.xlsx", sha256="", kind=Kind.ANNUAL, refused=refused)
    sub = open_submission(entry, config.bloc, config.catalogue, None)
    (issue,) = sub.issues
    assert sub.status is Status.REJECTED and words in issue.message and "annual/sapa.xlsx" in issue.message
    assert vietnamese(issue.message) and vietnamese(issue.hint)


def test_an_unexpected_failure_rejects_the_file_without_stopping_the_run(
    tmp_path: Path, config: YearConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug met while reading one file: that file is rejected in plain words, the cause goes to the log."""

    def broken(sheets: object, kind: Kind) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(read, "read_submission", broken)
    path = write_book(sapa_annual(), tmp_path / "sapa.xlsx")
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    (issue,) = sub.issues
    assert (sub.status, issue.rule) == (Status.REJECTED, "unreadable")
    assert (
        issue.message.startswith("Không đọc được tệp: chương trình gặp lỗi không mong đợi")
        and "lưu lại dưới dạng .xlsx" in issue.hint
    )
    assert "unexpected failure reading sapa.xlsx" in caplog.text


def test_reading_files_tells_the_progress_of_each_file(tmp_path: Path, config: YearConfig) -> None:
    """Each file read is counted once, and each comes back as its own submission, in order."""
    paths = [write_book(sapa_annual(), tmp_path / f"sapa-{n}.xlsx") for n in range(2)]
    files = [(input_file(p, Kind.ANNUAL), None) for p in paths]
    told: list[int] = []
    read = read_files(files, config.bloc, config.catalogue, told.append)
    assert told == [1, 1]
    assert [sub.file.path for sub in read] == paths and all(sub.ward_code == "SAPA" for sub in read)


def test_a_lost_reading_rejects_the_file_in_plain_words(tmp_path: Path) -> None:
    """A file whose reader process died is rejected for its ward with a Vietnamese reason and what to do."""
    file = input_file(write_book(sapa_annual(), tmp_path / "sapa.xlsx"), Kind.ANNUAL)
    sub = reading_lost(file, None)
    (issue,) = sub.issues
    assert (sub.file, sub.status, issue.rule) == (file, Status.REJECTED, "unreadable")
    assert "Không đọc được tệp" in issue.message and "gửi lại" in issue.hint
