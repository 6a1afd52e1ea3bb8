"""``POST /api/check``, the check page and ``/healthz``: the answer for one uploaded file, and plain failures."""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tasks.domain import Kind
from tasks.validation.suites import Validator
from tasks.web.app import BROKEN, NO_FILE, NOT_FORM, WebSettings, create_app, warm_samples
from tasks.web.upload_check import UploadChecker
from tests.support.blocs import SMALL, copy_bloc
from tests.support.office_files import SAMPLE

ClientFactory = Callable[..., TestClient]

SAPA = SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx"
SAPA_DECEMBER = SAMPLE / "monthly" / "2025-12" / "bao-cao-chi-tieu-2025-12-sapa.xlsx"
APPRAISAL = SAMPLE / "appraisal" / "tham-dinh-2025.xlsx"
YENBAI = SAMPLE / "annual" / "tu-cham-diem-2025-yenbai.xlsx"
ISSUE_KEYS = {"severity", "rule", "sheet", "cell", "column", "value", "message", "hint"}
HIGHLANDS = "Khối thi đua các phường vùng cao"


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


def test_a_request_without_a_file_gets_a_plain_vietnamese_answer(make_client: ClientFactory) -> None:
    """No file chosen: 400 and a sentence saying what to do, on the page and from the API."""
    client = make_client()
    api = client.post("/api/check", data={"kind": "annual"})
    assert api.status_code == 400 and "Chưa chọn tệp" in api.json()["message"]
    page = client.post("/", data={"kind": ""})
    assert page.status_code == 400 and "Chưa chọn tệp" in page.text


@pytest.mark.parametrize(
    ("content", "media"),
    [(b'{"file": "tu-cham-diem-sapa.xlsx"}', "application/json"), (b"tu-cham-diem-sapa.xlsx", "text/plain")],
)
def test_a_post_that_is_not_an_upload_form_is_told_so(make_client: ClientFactory, content: bytes, media: str) -> None:
    """JSON or plain text posted to the check is told it is not a file upload form, not that no file was chosen."""
    client = make_client()
    api = client.post("/api/check", content=content, headers={"content-type": media})
    assert api.status_code == 400 and api.json() == {"status": "refused", "message": NOT_FORM}
    page = client.post("/", content=content, headers={"content-type": media})
    assert page.status_code == 400 and NOT_FORM in page.text
    no_enctype = client.post("/", data={"file": "tu-cham-diem-sapa.xlsx", "kind": ""})  # a form sending the name only
    assert no_enctype.status_code == 400 and NOT_FORM in no_enctype.text


def test_two_files_in_one_check_are_refused_by_name(make_client: ClientFactory) -> None:
    """Each file gets its own verdict and downloads, so a post with two is asked to send them one at a time."""
    files = [("file", (SAPA.name, SAPA.read_bytes())), ("file", (APPRAISAL.name, APPRAISAL.read_bytes()))]
    client = make_client()
    expected = "Mỗi lần kiểm tra chỉ nhận một tệp, nhưng yêu cầu này gửi 2 tệp. Hãy gửi từng tệp một."
    api = client.post("/api/check", files=files)
    assert api.status_code == 400 and api.json()["message"] == expected
    page = client.post("/", files=files)
    assert page.status_code == 400 and expected in page.text and "kết nối bị ngắt" not in page.text


def test_more_files_than_a_form_is_read_for_get_the_one_file_message(make_client: ClientFactory) -> None:
    """A post of 101 files is told, like one of 2, to send one file at a time, not that the upload broke."""
    files = [("file", (f"tệp-{n}.xlsx", b"PK")) for n in range(101)]
    client = make_client()
    expected = "Mỗi lần kiểm tra chỉ nhận một tệp, nhưng yêu cầu này gửi hơn 100 tệp. Hãy gửi từng tệp một."
    api = client.post("/api/check", files=files)
    assert api.status_code == 400 and api.json()["message"] == expected
    page = client.post("/", files=files)
    assert page.status_code == 400 and expected in page.text and "không trọn vẹn" not in page.text


def test_a_browser_leaving_mid_upload_leaves_no_error_in_the_log(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The upload stops half-way (the officer closed the tab): no traceback, no error, the server carries on."""
    app = make_client().app
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK'
    messages = [{"type": "http.request", "body": head, "more_body": True}, {"type": "http.disconnect"}]

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: object) -> None:
        pass

    headers = [(b"content-type", b"multipart/form-data; boundary=b"), (b"host", b"testserver")]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        asyncio.run(app(scope, receive, send))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    assert make_client().get("/healthz").status_code == 200


def test_the_check_page_works_without_javascript(make_client: ClientFactory) -> None:
    """The page is a plain form posting the file, laid out for a phone's width; its one script only shows the
    chosen file's name, so the line saying so is hidden until the script runs."""
    page = make_client().get("/").text
    assert '<form class="card" method="post" action="/" enctype="multipart/form-data">' in page
    form = page[page.index("<form") : page.index("</form>")]
    assert 'name="file" type="file"' in form and '<button type="submit">Kiểm tra</button>' in form
    assert page.count("<script") == 1 and "submit" not in page[page.index("<script") :]
    assert '<span id="file-chosen" class="chosen" aria-live="polite" hidden>Chưa chọn tệp</span>' in form
    assert 'name="viewport"' in page and "@media (max-width:700px)" in page


def test_the_file_is_chosen_with_a_vietnamese_button(make_client: ClientFactory) -> None:
    """Not the browser's own button ("Choose File" in an English browser): a label reading "Chọn tệp…" for the
    file input, which stays in the page (hidden from sight, not from the keyboard or a screen reader), and the
    browser's "select a file" bubble in Vietnamese."""
    page = make_client().get("/").text
    assert '<label for="file" class="button secondary" id="file-button">Chọn tệp…</label>' in page
    field = page[page.index('<input id="file"') : page.index(">", page.index('<input id="file"'))]
    assert 'class="visually-hidden"' in field and "hidden>" not in field and "display:none" not in field
    assert 'aria-describedby="file-chosen"' in field
    assert f'data-empty="{NO_FILE}"' in field
    assert ".visually-hidden{position:absolute;width:1px;height:1px;" in page


def test_healthz_answers(make_client: ClientFactory) -> None:
    """A process supervisor gets 200 and the year served."""
    assert make_client().get("/healthz").json() == {"status": "ok", "year": "2025"}


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK',
        b"not multipart at all",
    ],
)
def test_a_broken_multipart_body_gets_a_plain_answer(make_client: ClientFactory, body: bytes) -> None:
    """A truncated or malformed form answers 400 with a sentence, not a server error."""
    answer = make_client().post("/api/check", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 400
    assert answer.json()["status"] == "refused"


class _FailingChecker:
    """A checker that breaks on every file, as a bug in the review would."""

    def check(self, *_args: object, **_kwargs: object) -> None:
        raise RuntimeError("internal detail: /srv/thidua/secret-path")


def test_a_failure_inside_the_server_gets_one_vietnamese_sentence_and_no_traceback(tmp_path: Path) -> None:
    """The API answers 500 with a JSON sentence and the page a Vietnamese page; no trace of the internals."""
    settings = WebSettings(inputs=SAMPLE.parent, outputs=tmp_path, year=2025)
    app = create_app(settings, _FailingChecker(), warm=False)  # type: ignore[arg-type]
    client = TestClient(app, raise_server_exceptions=False)
    api = client.post("/api/check", files={"file": (SAPA.name, SAPA.read_bytes())})
    assert api.status_code == 500 and api.json() == {"status": "error", "message": BROKEN}
    page = client.post("/", files={"file": (SAPA.name, SAPA.read_bytes())})
    assert page.status_code == 500 and '<html lang="vi">' in page.text and BROKEN in page.text
    for answer in (api, page):
        assert "Traceback" not in answer.text and "secret-path" not in answer.text


def test_no_developer_pages_are_exposed(make_client: ClientFactory) -> None:
    """The interactive API docs and schema a framework offers by default are not served; the icon asks nothing."""
    client = make_client()
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404, path
    assert client.get("/favicon.ico").status_code == 204


def test_warming_up_reads_one_file_of_each_kind_from_the_years_inputs(tmp_path: Path) -> None:
    """The first self-assessment and appraisal and the latest monthly report are picked; nothing else."""
    year = tmp_path / "2025"
    for rel in ("annual/b.xlsx", "annual/a.xlsx", "appraisal/t.xlsm", "monthly/2025-11/x.xlsx",
                "monthly/2025-12/y.xlsx", "annual/ghi-chu.txt"):  # fmt: skip
        (year / rel).parent.mkdir(parents=True, exist_ok=True)
        (year / rel).write_bytes(b"")
    assert [(p.relative_to(year).as_posix(), k) for p, k in warm_samples(tmp_path, 2025)] == [
        ("annual/a.xlsx", Kind.ANNUAL),
        ("appraisal/t.xlsm", Kind.APPRAISAL),
        ("monthly/2025-12/y.xlsx", Kind.MONTHLY),
    ]
    assert warm_samples(tmp_path, 2030) == []
    (year / "khoi-b" / "annual").mkdir(parents=True)
    (year / "khoi-b" / "annual" / "c.xlsx").write_bytes(b"")
    assert warm_samples(tmp_path, 2025, "khoi-b") == [(year / "khoi-b" / "annual" / "c.xlsx", Kind.ANNUAL)]


@pytest.fixture(scope="module")
def bloc_page(tmp_path_factory: pytest.TempPathFactory, review_outputs: Path) -> Callable[[str], TestClient]:
    """The page of one bloc of inputs/2025/ split in two: khoi-a (five wards) and khoi-b (Sa Pa and four others)."""
    inputs = tmp_path_factory.mktemp("blocs") / "inputs"
    copy_bloc(inputs / "2025", "khoi-a", keep=["YENBAI", "NAMCUONG", "NGHIALO", "TRUNGTAM", "CAMDUONG"])
    copy_bloc(inputs / "2025", "khoi-b", keep=SMALL, name=HIGHLANDS)
    validator = Validator()

    def page(bloc: str) -> TestClient:
        settings = WebSettings(inputs=inputs, outputs=review_outputs, year=2025, bloc=bloc)
        return TestClient(create_app(settings, UploadChecker(inputs, 2025, validator, bloc=bloc), warm=False))

    return page


def test_a_bloc_s_page_judges_a_file_by_that_bloc_s_roster(bloc_page: Callable[[str], TestClient]) -> None:
    """With --bloc a ward of that bloc passes; a ward of the other bloc is named as not in the bloc's roster."""
    for bloc, member, other, other_name in (
        ("khoi-b", SAPA, YENBAI, "Phường Yên Bái"),
        ("khoi-a", YENBAI, SAPA, "Sa Pa"),  # as each file writes its Đơn vị
    ):
        client = bloc_page(bloc)
        answer = client.post("/api/check", files={"file": (member.name, member.read_bytes())}).json()
        assert answer["status"] == "accepted", bloc
        answer = client.post("/api/check", files={"file": (other.name, other.read_bytes())}).json()
        assert answer["status"] == "rejected" and answer["ward_code"] is None
        unknown = [i for i in answer["issues"] if i["rule"] == "ward_unknown"]
        assert [i["message"] for i in unknown] == [
            f"Không xác định được đơn vị '{other_name}': không có trong danh sách Khối."
        ]


def test_a_bloc_s_page_names_the_bloc_and_still_lists_every_run(bloc_page: Callable[[str], TestClient]) -> None:
    """The ward reads which bloc's page it is on (bloc.yaml's name); /healthz says the bloc; /runs is unchanged."""
    client = bloc_page("khoi-b")
    page = client.get("/").text
    assert f"<title>Kiểm tra hồ sơ thi đua – {HIGHLANDS}</title>" in page
    assert f"Trang của <strong>{HIGHLANDS}</strong> (Lào Cai, mã khối khoi-b):" in page
    assert client.get("/healthz").json() == {"status": "ok", "year": "2025", "bloc": "khoi-b"}
    assert "20260115T080000123Z-3f9a" in client.get("/runs").text
    answered = client.post("/", files={"file": (SAPA.name, SAPA.read_bytes())}).text
    assert HIGHLANDS in answered and "Phường Sa Pa (SAPA)" in answered


@pytest.mark.parametrize(
    ("method", "path", "status", "said"),
    [
        ("GET", "/khong-co", 404, "Không có trang này"),
        ("GET", "/api/check", 405, "không nhận cách gửi yêu cầu này"),
        ("PUT", "/", 405, "không nhận cách gửi yêu cầu này"),
    ],
)
def test_an_unknown_address_or_method_is_answered_in_vietnamese(
    make_client: ClientFactory, method: str, path: str, status: int, said: str
) -> None:
    """No {"detail": "Not Found"} in English: a Vietnamese page (or, under /api/, Vietnamese JSON)."""
    answer = make_client().request(method, path)
    assert answer.status_code == status and said in answer.text
    assert "Not Found" not in answer.text and "Method Not Allowed" not in answer.text
    if status == 405:
        assert answer.headers["allow"]


def test_a_trailing_slash_is_redirected_within_the_site_whatever_the_host_header(make_client: ClientFactory) -> None:
    """'/runs/' leads to '/runs' by a relative address, never to the host a request claims; nonsense stays 404."""
    client = make_client()
    answer = client.get("/runs/?trang=2", headers={"host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/runs?trang=2"
    assert client.get("/runs/").text == client.get("/runs").text
    answer = client.get("/khong-co/", headers={"host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 404 and "Không tìm thấy" in answer.text
