"""Checking one upload as the review would: the verdict, the files offered to the ward, and nothing kept."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tasks.domain import Issue, Kind, Severity
from tasks.web.upload_check import XLSM, CheckAnswer, UploadChecker, display_name, download_label
from tests.support.office_files import SAMPLE, book_bytes, sapa_annual, sapa_december

ClientFactory = Callable[..., TestClient]
SAPA = SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx"


def test_nothing_uploaded_is_kept_and_the_sent_name_never_becomes_a_path(
    make_client: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the answer the temporary folder is empty; a name full of '..' is only shown, never written."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    hostile_name = "../../../../tmp/thidua-web-planted.xlsx"
    answer = make_client().post("/api/check", files={"file": (hostile_name, SAPA.read_bytes())}).json()
    assert answer["status"] == "accepted" and answer["file"] == "thidua-web-planted.xlsx"
    assert list(scratch.iterdir()) == []
    assert not Path("/tmp/thidua-web-planted.xlsx").exists()


def test_a_file_for_a_year_without_rules_is_rejected_not_broken(make_client: ClientFactory, tmp_path: Path) -> None:
    """A self-assessment that says 2024 (no inputs/2024 here) is checked against 2025 and told the year is wrong."""
    path = tmp_path / "nam-2024.xlsx"
    shutil.copyfile(SAPA, path)
    book = openpyxl.load_workbook(path)
    info = book["Thông tin"]
    row = next(r for r in info.iter_rows() if str(r[0].value or "").strip() == "Năm")
    row[1].value = 2024
    book.save(path)
    answer = make_client().post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "rejected"
    assert any("2024" in i["message"] for i in body["issues"])


def test_the_page_says_a_file_of_a_year_without_rules_is_of_its_own_year(make_client: ClientFactory) -> None:
    """A self-assessment saying 2024 is shown as of Năm 2024, checked with the rules of 2025 (the year served),
    not as a file of 2025; a file of the served year gets no such line."""
    book = sapa_annual()
    info = book.sheet("Thông tin")
    info.set(info.find("Năm")[0], 1, 2024)
    client = make_client()
    page = client.post("/", files={"file": ("nam-2024.xlsx", book_bytes(book))}).text
    assert "<dt>Kỳ</dt><dd>Năm 2024</dd>" in page
    assert '<dd id="rules-year">Kiểm tra theo quy tắc năm 2025</dd>' in page
    own = client.post("/", files={"file": (SAPA.name, SAPA.read_bytes())}).text
    assert "<dt>Kỳ</dt><dd>Năm 2025</dd>" in own and "rules-year" not in own


def test_a_monthly_report_of_a_month_outside_the_window_is_rejected_in_its_period_cell(
    make_client: ClientFactory,
) -> None:
    """A report for 08/2025, before the window (09/2025 to 12/2025), uploaded to the check page: rejected as
    outside_window in its Kỳ báo cáo cell, with the sentence thidua check prints, as the review would refuse it."""
    book = sapa_december()
    info = book.sheet("Thông tin")
    info.set(info.find("Kỳ báo cáo")[0], 1, "Tháng 08/2025")
    client = make_client()
    body = client.post("/api/check", files={"file": ("thang-08-2025.xlsx", book_bytes(book))}).json()
    assert body["status"] == "rejected"
    (issue,) = (i for i in body["issues"] if i["rule"] == "outside_window")
    message = (
        "Kỳ báo cáo tháng 08/2025 nằm ngoài khoảng theo dõi của năm 2025 (từ 09/2025 đến 12/2025): "
        "báo cáo này không được tính."
    )
    assert (issue["sheet"], issue["cell"], issue["value"], issue["message"]) == (
        "Thông tin",
        "B3",
        "Tháng 08/2025",
        message,
    )
    page = client.post("/", files={"file": ("thang-08-2025.xlsx", book_bytes(book))}).text
    assert message in page


def test_a_file_for_a_year_without_rules_is_checked_with_the_served_year_not_the_newest(tmp_path: Path) -> None:
    """Serving 2025 while inputs/ already holds 2026: a self-assessment saying 2024 (no rules for it) is told to be
    of 2025, the year the page serves, not of the newest year under inputs/."""
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "2025")
    (inputs / "2026").mkdir()
    for name in ("bloc.yaml", "criteria.yaml"):
        text = (SAMPLE / name).read_text(encoding="utf-8")
        (inputs / "2026" / name).write_text(text.replace("2025", "2026"), encoding="utf-8")
    book = sapa_annual()
    info = book.sheet("Thông tin")
    info.set(info.find("Năm")[0], 1, 2024)
    answer = UploadChecker(inputs, 2025).check(book_bytes(book), "nam-2024.xlsx", with_files=False)
    assert (answer.year, answer.status) == (2025, "rejected")
    assert any(i.message == "Năm '2024' không đúng: bảng tự chấm phải là của năm 2025." for i in answer.issues)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\vanphong\\Desktop\\tu-cham-diem.xlsx", "tu-cham-diem.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("bao-cao\x00\x1b[31m.xlsx", "bao-cao[31m.xlsx"),
        ("Ba\u0300o ca\u0301o.xlsx", "Bào cáo.xlsx"),
        ("", "tệp không tên"),
        (None, "tệp không tên"),
        ("a" * 300, "a" * 120),
    ],
)
def test_the_sent_name_is_only_shown_cleaned(sent: str | None, shown: str) -> None:
    """The name a browser sends loses its folders and control characters, is NFC, and never runs past 120 signs."""
    assert display_name(sent) == shown


def test_the_answer_counts_errors_and_warnings_and_reads_as_summary_json() -> None:
    """Two errors and a warning are counted apart; the JSON names the ward, kind, period and every issue."""
    issues = tuple(
        Issue(severity, "rule", "Sai.", "Sửa.", "Tự chấm điểm", f"D{n}")
        for n, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.ERROR), start=7)
    )
    answer = CheckAnswer("sapa.xlsx", Kind.ANNUAL, 2025, "2025", "SAPA", "Sa Pa", "rejected", issues, ())
    assert (answer.errors, answer.warnings) == (2, 1)
    body = answer.as_json()
    assert {k: body[k] for k in ("status", "ward_code", "kind", "period", "file")} == {
        "status": "rejected",
        "ward_code": "SAPA",
        "kind": "annual",
        "period": "2025",
        "file": "sapa.xlsx",
    }
    assert [(i["severity"], i["cell"]) for i in body["issues"]] == [("error", "D7"), ("warning", "D8"), ("error", "D9")]
    assert body["checks_not_made"] == []


def test_a_broken_file_comes_back_with_a_feedback_workbook_and_a_marked_copy(
    checker: UploadChecker, broken: tuple[Path, str]
) -> None:
    """The ward downloads a feedback workbook and a copy with the wrong cell commented, named in Vietnamese
    after the ward and the file it sent; the workbook's link opens the copy under that name."""
    path, cell = broken
    answer = checker.check(path.read_bytes(), "Tự chấm điểm năm 2025.xlsx", with_files=True)
    assert (answer.status, answer.ward_code, answer.ward_name) == ("rejected", "SAPA", "Sa Pa")
    assert answer.feedback is not None and answer.annotated is not None
    assert answer.feedback.name == "Phiếu phản hồi - Sa Pa - Tự chấm điểm năm 2025.xlsx"
    assert answer.annotated.name == "Bản đánh dấu - Sa Pa - Tự chấm điểm năm 2025.xlsx"
    marked = openpyxl.load_workbook(io.BytesIO(answer.annotated.data))["Tự chấm điểm"][cell]
    assert marked.comment is not None
    feedback = openpyxl.load_workbook(io.BytesIO(answer.feedback.data))  # a workbook Excel opens
    links = {unquote(c.hyperlink.target) for row in feedback.worksheets[0].iter_rows() for c in row if c.hyperlink}
    assert links == {answer.annotated.name}


@pytest.mark.parametrize(
    ("sent", "ward", "label"),
    [("Nam Cường: tự chấm?.xlsx", None, "Nam Cường_ tự chấm_"), ("bao-cao-sapa.xlsm", "Sa Pa", "Sa Pa - bao-cao-sapa"),
     ("Báo cáo Sa Pa.xlsx", "Sa Pa", "Báo cáo Sa Pa"), ("...", None, "tệp")],
)  # fmt: skip
def test_download_names_keep_vietnamese_letters_and_nothing_a_folder_refuses(
    sent: str, ward: str | None, label: str
) -> None:
    """Diacritics stay; ':' '?' and the like become '_'; the ward is named once."""
    assert download_label(sent, ward) == label


def test_the_api_answer_carries_no_files(checker: UploadChecker, broken: tuple[Path, str]) -> None:
    """Without files asked for, the same verdict comes back with nothing to download."""
    path, _cell = broken
    answer = checker.check(path.read_bytes(), path.name, with_files=False)
    assert answer.status == "rejected" and answer.errors == 1
    assert answer.feedback is None and answer.annotated is None


def test_the_chosen_kind_overrides_the_recognised_one(checker: UploadChecker) -> None:
    """A self-assessment checked as a monthly report is judged as one, and rejected for lacking its sheet."""
    answer = checker.check(SAPA.read_bytes(), SAPA.name, Kind.MONTHLY, with_files=False)
    assert (answer.kind, answer.status) == (Kind.MONTHLY, "rejected")


def test_rules_of_a_year_not_served_fall_back_to_the_served_year(checker: UploadChecker) -> None:
    """Asking for a year with no inputs folder gives the served year's rules, not a failure."""
    assert checker.config_for(2031) is checker.config_for(2025)
    assert checker.config_for(None).catalogue.year == 2025


def test_a_macro_workbook_comes_back_as_a_macro_workbook(checker: UploadChecker) -> None:
    """A ward's .xlsm with an error gets its marked copy as .xlsm, macros kept (never run), so it opens as before."""
    book = sapa_annual()
    scores = book.sheet("Tự chấm điểm")
    scores.set(scores.row_of("1.1"), scores.column("Điểm tự chấm"), "tốt")
    sent = book_bytes(book, macro=True)
    answer = checker.check(sent, "tu-cham-diem-sapa.xlsm", with_files=True)
    assert answer.status == "rejected" and answer.annotated is not None
    assert (
        answer.annotated.name == "Bản đánh dấu - Sa Pa - tu-cham-diem-sapa.xlsm" and answer.annotated.media_type == XLSM
    )
    with zipfile.ZipFile(io.BytesIO(answer.annotated.data)) as copy, zipfile.ZipFile(io.BytesIO(sent)) as original:
        assert copy.read("xl/vbaProject.bin") == original.read("xl/vbaProject.bin")
