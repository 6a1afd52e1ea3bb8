"""The pages of ``thidua web`` as people read them: Vietnamese, Vietnamese numbers, and nothing from a file run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from tasks.domain import Bloc, Issue, Kind, Severity, Ward
from tasks.web.app import NO_FILE
from tasks.web.pages import (
    Pages,
    cell_text,
    column_text,
    data_uri,
    environment,
    markdown,
    run_parameters,
    size_text,
    vn_number,
    when,
)
from tasks.web.upload_check import CheckAnswer

HOSTILE = '<script>alert("x")</script> & "Phường" <b>'
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", (Ward("SAPA", "Sa Pa"),))


def _answer(ward_name: str, message: str) -> CheckAnswer:
    """A rejected check whose ward name and issue text came from the ward's file."""
    issue = Issue(Severity.ERROR, "not_a_number", message, "Ghi một số.", "Tự chấm điểm", "D7", value=message)
    return CheckAnswer(
        file_name=message,
        kind=Kind.ANNUAL,
        year=2025,
        period="2025",
        ward_code="SAPA",
        ward_name=ward_name,
        status="rejected",
        issues=(issue,),
        not_made=(),
    )


def test_every_page_is_declared_vietnamese() -> None:
    """A screen reader or a browser's translator sees lang="vi" on the check page and on a message page."""
    pages = Pages()
    check = pages.render(
        "check.html",
        answer=None,
        chosen="",
        problem=None,
        year=2025,
        bloc=BLOC,
        kinds=["annual"],
        limit_mb=20,
        no_file=NO_FILE,
    )
    message = pages.render("message.html", title="Có lỗi", message="Hãy thử lại.")
    for page in (check, message):
        assert page.startswith('<!doctype html>\n<html lang="vi">')
        assert '<meta charset="utf-8">' in page
    assert "Kiểm tra hồ sơ thi đua năm 2025" in check and "tối đa 20 MB" in check
    assert "Trang của <strong>Khối thi đua các phường</strong> (Lào Cai, mã khối khoi-phuong)" in check
    assert "<h1>Có lỗi</h1>" in message


def test_text_typed_by_a_ward_is_shown_not_run() -> None:
    """A ward name, file name and cell value holding HTML come out escaped: no script tag reaches the browser."""
    page = Pages().render(
        "check.html",
        answer=_answer(HOSTILE, HOSTILE),
        chosen="annual",
        problem=HOSTILE,
        year=2025,
        bloc=Bloc("khoi-phuong", HOSTILE, HOSTILE, 2025, "SAPA", (Ward("SAPA", HOSTILE),)),
        kinds=["annual", "monthly"],
        limit_mb=20,
        no_file=NO_FILE,
    )
    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Phường&#34; &lt;b&gt;" in page
    assert "KHÔNG ĐẠT — 1 lỗi phải sửa" in page
    assert '<option value="annual" selected>Bảng tự chấm điểm thi đua năm</option>' in page


def test_a_template_cannot_reach_python_beyond_its_filters(tmp_path: Path) -> None:
    """The sandbox refuses a template reaching into an object's internals; a value left out is an error, not blank."""
    (tmp_path / "escape.html").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    (tmp_path / "missing.html").write_text("Đơn vị: {{ ward }}", encoding="utf-8")
    pages = Pages(tmp_path)
    with pytest.raises(SecurityError):
        pages.render("escape.html")
    with pytest.raises(UndefinedError):
        pages.render("missing.html")
    assert environment(tmp_path).autoescape is True


@pytest.mark.parametrize(
    ("value", "shown"),
    [("92.72", "92,72"), ("-0.5", "-0,5"), ("12345.6", "12.345,6"), ("2025", "2025"), ("123456", "123.456"),
     ("SAPA", "SAPA"), ("", "")],
)  # fmt: skip
def test_numbers_read_the_vietnamese_way(value: str, shown: str) -> None:
    """Decimal comma, dots between thousands; a year or a code is left as written."""
    assert vn_number(value) == shown


def test_ranking_columns_and_values_are_spelled_out() -> None:
    """CSV headings and statuses appear as Vietnamese words; indicator columns name their indicator."""
    assert [column_text(c) for c in ("rank", "total", "CT01_ytd", "CT01_score", "other")] == [
        "Hạng",
        "Tổng điểm",
        "Lũy kế CT01",
        "Điểm CT01",
        "other",
    ]
    assert [cell_text(v) for v in ("accepted", "flag", "97.72", "3")] == ["Được chấp nhận", "Cờ thi đua", "97,72", "3"]


def test_moments_and_sizes_are_shown_as_people_write_them() -> None:
    """A run's moment reads dd/mm/yyyy hh:mm (UTC); sizes in KB or MB with a decimal comma."""
    assert when(datetime(2026, 1, 15, 8, 0, tzinfo=UTC)) == "15/01/2026 08:00 (UTC)"
    assert when(None) == "không rõ"
    assert size_text(1536) == "1,5 KB"
    assert size_text(3 * 1024 * 1024 + 200 * 1024) == "3,2 MB"


def test_a_download_travels_inside_the_page() -> None:
    """The marked copy is a data: link, so the server keeps nothing for the ward to fetch later."""
    assert data_uri("text/plain", b"Sa Pa") == "data:text/plain;base64,U2EgUGE="


def test_a_report_cannot_inject_html_into_the_page() -> None:
    """HTML written inside a Markdown report is shown as text, and a script link is dropped."""
    html = str(markdown("# Tiêu đề\n\n<script>alert(1)</script> [x](javascript:alert(1))"))
    assert "<h1>Tiêu đề</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_a_runs_parameters_say_only_what_its_pages_do_not() -> None:
    """A forced re-read is spelled out; the month, year and bloc (shown beside them) and the folders are not."""
    asked = {"period": "2025-12", "bloc": "khoi-phuong", "inputs": "/srv/hoso", "outputs": "/srv/ketqua", "force": True}
    assert run_parameters(asked) == ["đọc lại mọi tệp (bỏ qua bộ nhớ đệm)"]
    assert run_parameters({"year": 2025, "force": False}) == []


def test_a_year_to_date_value_of_the_standing_reads_with_its_thousands_grouped() -> None:
    """standing.csv writes year-to-date values as reported (4224, 90.0625): the run page shows 4.224 (no year in
    that column) and 90,0625, as it showed 4.224,00 and 90,06 before; a 4-digit issue count is left alone."""
    cells = [("4224", "CT08_ytd"), ("90.0625", "CT01_ytd"), ("12345", "CT08_ytd"), ("7.21", "CT01_score")]
    assert [cell_text(value, column) for value, column in cells] == ["4.224", "90,0625", "12.345", "7,21"]
    assert cell_text("2025", "issues") == "2025"
