"""``POST /api/check`` and the check page: the review's answer for one uploaded file, and nothing kept."""

from __future__ import annotations

import base64
import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.support.office_files import SAMPLE

ClientFactory = Callable[..., TestClient]
EditFn = Callable[[Path, str, str, str, object], str]

SAPA = SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx"
SAPA_DECEMBER = SAMPLE / "monthly" / "2025-12" / "bao-cao-chi-tieu-2025-12-sapa.xlsx"
APPRAISAL = SAMPLE / "appraisal" / "tham-dinh-2025.xlsx"
ISSUE_KEYS = {"severity", "rule", "sheet", "cell", "column", "value", "message", "hint"}


@pytest.fixture
def broken(tmp_path: Path, edit_row: EditFn) -> tuple[Path, str]:
    """Sa Pa's self-assessment with the score of criterion 1.1 written as a word; returns the file and cell."""
    path = tmp_path / "tu-cham-diem-sapa.xlsx"
    shutil.copyfile(SAPA, path)
    cell = edit_row(path, "Tự chấm điểm", "1.1", "Điểm tự chấm", "tốt")
    return path, cell


def test_a_good_file_is_accepted_with_its_ward_kind_and_period(make_client: ClientFactory) -> None:
    """Sa Pa's own self-assessment comes back accepted, attributed to SAPA, annual, for 2025."""
    answer = make_client().post("/api/check", files={"file": (SAPA.name, SAPA.read_bytes())}).json()
    assert answer["status"] == "accepted"
    assert (answer["ward_code"], answer["kind"], answer["period"]) == ("SAPA", "annual", "2025")
    assert all(i["severity"] == "warning" for i in answer["issues"])


def test_a_score_that_is_not_a_number_is_named_by_sheet_and_cell(
    make_client: ClientFactory, broken: tuple[Path, str]
) -> None:
    """The ward reads the sheet, the cell, what is wrong and how to fix it, shaped as in summary.json."""
    path, cell = broken
    answer = make_client().post("/api/check", files={"file": (path.name, path.read_bytes())}).json()
    assert answer["status"] == "rejected"
    errors = [i for i in answer["issues"] if i["severity"] == "error"]
    assert [(i["sheet"], i["cell"], i["value"]) for i in errors] == [("Tự chấm điểm", cell, "tốt")]
    assert set(errors[0]) == ISSUE_KEYS
    assert errors[0]["message"] and errors[0]["hint"]
    assert answer["checks_not_made"], "the checks needing the other files are named"


def test_the_kind_is_recognised_and_can_be_overridden(make_client: ClientFactory) -> None:
    """A monthly report is recognised as monthly with its period; forced to 'annual' it lacks that kind's sheets."""
    client = make_client()
    monthly = client.post("/api/check", files={"file": ("x.xlsx", SAPA_DECEMBER.read_bytes())}).json()
    assert (monthly["kind"], monthly["period"], monthly["status"]) == ("monthly", "2025-12", "accepted")
    appraisal = client.post("/api/check", files={"file": ("y.xlsx", APPRAISAL.read_bytes())}).json()
    assert appraisal["kind"] == "appraisal"
    forced = client.post(
        "/api/check", files={"file": ("x.xlsx", SAPA_DECEMBER.read_bytes())}, data={"kind": "annual"}
    ).json()
    assert (forced["kind"], forced["status"]) == ("annual", "rejected")
    assert any("Tự chấm điểm" in (i["message"] + (i["sheet"] or "")) for i in forced["issues"])


def test_the_page_shows_every_issue_and_offers_the_marked_copy(
    make_client: ClientFactory, broken: tuple[Path, str]
) -> None:
    """The HTML answer names the cell and the fix, and its download link holds the copy with that cell marked."""
    path, cell = broken
    page = make_client().post("/", files={"file": (path.name, path.read_bytes())}).text
    assert "KHÔNG ĐẠT" in page and f">{cell}<" in page and "tốt" in page
    assert "Chưa kiểm tra được ở đây" in page
    link = page.split('id="download-annotated" href="data:', 1)[1].split('"', 1)[0]
    copy = openpyxl.load_workbook(io.BytesIO(base64.b64decode(link.split("base64,", 1)[1])))
    marked = copy["Tự chấm điểm"][cell]
    assert marked.comment is not None and marked.comment.text
    assert 'id="download-feedback"' in page


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


def test_a_request_without_a_file_gets_a_plain_vietnamese_answer(make_client: ClientFactory) -> None:
    """No file chosen: 400 and a sentence saying what to do, on the page and from the API."""
    client = make_client()
    api = client.post("/api/check", data={"kind": "annual"})
    assert api.status_code == 400 and "Chưa chọn tệp" in api.json()["message"]
    page = client.post("/", data={"kind": ""})
    assert page.status_code == 400 and "Chưa chọn tệp" in page.text


def test_the_check_page_works_without_javascript(make_client: ClientFactory) -> None:
    """The page is a plain form posting the file (no script), laid out for a phone's width."""
    page = make_client().get("/").text
    assert '<form class="card" method="post" action="/" enctype="multipart/form-data">' in page
    assert "<script" not in page
    assert 'name="viewport"' in page and "@media (max-width:700px)" in page


def test_healthz_answers(make_client: ClientFactory) -> None:
    """A process supervisor gets 200 and the year served."""
    assert make_client().get("/healthz").json() == {"status": "ok", "year": "2025"}


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
