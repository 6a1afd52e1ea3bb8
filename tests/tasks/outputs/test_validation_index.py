"""``validation/index.html``: every submission of a run on one offline page, and each failed row of Data Docs
traced to the ward's file, sheet and cell."""

from __future__ import annotations

import re
from pathlib import Path

from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.outputs.validation_index import failed_rows_html, landing_html, row_anchor, suite_pages
from tasks.validation.suites import FailedRow

SHA = "cd" * 32
PAGES = {
    "annual_scores": "data-docs/validations/annual_scores/run/annual.html",
    "coverage": "data-docs/validations/coverage/run/coverage.html",
}


def _issue(severity: Severity) -> Issue:
    return Issue(severity, "no_evidence", "Thiếu minh chứng.", "Bổ sung minh chứng.", "Tự chấm điểm", "E9")


def _submission(rel: str, kind: Kind, status: Status, ward: str | None, issues: tuple[Issue, ...]) -> Submission:
    return Submission(InputFile(Path("/in") / rel, rel, SHA, kind), kind, "2025", ward, status=status, issues=issues)


def _rows(page: str) -> list[list[str]]:
    """The cells of every body row of every table (header rows left out), as HTML text."""
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page)]
    return [cells for cells in rows if cells]


def test_each_submission_is_listed_with_its_status_counts_feedback_and_checks() -> None:
    """A rejected file: kind and status in Vietnamese, errors and warnings counted apart, its feedback files under
    their Vietnamese names, the GX pages of the suites that check its kind, and its sha256."""
    sub = _submission("annual/sapa.xlsx", Kind.ANNUAL, Status.REJECTED, "SAPA",
                      (_issue(Severity.ERROR), _issue(Severity.WARNING), _issue(Severity.WARNING)))  # fmt: skip
    feedback = {"annual/sapa.xlsx": {"feedback": "feedback/sapa.phan-hoi.xlsx", "annotated": "feedback/sapa.xlsx"}}
    page = landing_html("Kết quả kiểm tra", [sub], {"SAPA": "Sa Pa"}, feedback, PAGES).decode("utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">') and "<title>Kết quả kiểm tra</title>" in page
    [row] = [r for r in _rows(page) if r[0] == "annual/sapa.xlsx"]
    assert row[1:7] == ["Tự chấm điểm năm", "Sa Pa", "2025", "Bị từ chối", "1", "2"]
    assert row[7] == (
        '<a href="feedback/sapa.phan-hoi.xlsx">bảng phản hồi</a> <a href="feedback/sapa.xlsx">bản đánh dấu</a>'
    )
    assert row[8] == f'<a href="{PAGES["annual_scores"]}">annual_scores</a> <a href="{PAGES["coverage"]}">coverage</a>'
    assert row[9] == f"<code>{SHA}</code>"


def test_an_unattributed_file_with_a_hostile_name_is_shown_as_text() -> None:
    """A file named like markup, naming no ward: its name is escaped (no script runs), the ward shows a dash."""
    rel = 'annual/<script>alert("x")</script>.xlsx'
    sub = _submission(rel, Kind.UNKNOWN, Status.REJECTED, None, (_issue(Severity.ERROR),))
    page = landing_html("Kết quả", [sub], {}, {}, PAGES).decode("utf-8")
    assert "<script>" not in page
    [row] = [r for r in _rows(page) if "alert" in r[0]]
    assert row[:3] == ["annual/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.xlsx", "Không rõ", "—"]
    assert row[7] == row[8] == ""  # no feedback written, no suite checks an unknown file


def test_a_sub_folder_is_listed_as_a_folder_not_read() -> None:
    """A sub-folder of annual/ is one row: 'Thư mục con (không đọc)' in the kind column (not 'Không rõ', as for
    a file nobody recognised), no hash."""
    folder = InputFile(Path("/in/annual/cu"), "annual/cu", "", Kind.UNKNOWN, "subfolder")
    sub = Submission(folder, Kind.UNKNOWN, status=Status.REJECTED, issues=(_issue(Severity.ERROR),))
    [row] = _rows(landing_html("Kết quả", [sub], {}, {}, PAGES).decode("utf-8"))
    assert row[:5] == ["annual/cu", "Thư mục con (không đọc)", "—", "", "Bị từ chối"]
    assert row[9] == "<code></code>"


def test_a_failed_row_maps_to_its_file_sheet_and_cell_with_an_anchor_to_link_to() -> None:
    """Rows sorted by suite then rid; each has an id to link to, the level in Vietnamese with GX's word, the
    rule's Vietnamese name and code, and a link to its suite's page when Data Docs has one."""
    rows = [
        FailedRow("monthly_indicators", 2, "monthly/2025-12/sapa.xlsx", "Chỉ tiêu", "D8", "warning", "new_rule"),
        FailedRow("annual_scores", 7, "annual/sapa.xlsx", "Tự chấm điểm", "D5", "critical", "above_max"),
    ]
    table = failed_rows_html(rows, PAGES)
    ids = re.findall(r'<tr id="([^"]+)">', table)
    assert ids == [row_anchor("annual_scores", 7), row_anchor("monthly_indicators", 2)]
    assert ids == ["annual_scores-rid-7", "monthly_indicators-rid-2"]
    first, second = _rows(table)
    link = f'<a href="{PAGES["annual_scores"]}">annual_scores</a>'
    assert first == [link, "7", "Lỗi (critical)", "Vượt điểm tối đa", "<code>above_max</code>", "annual/sapa.xlsx",
                     "Tự chấm điểm", "D5"]  # fmt: skip
    assert second[0] == "monthly_indicators"  # no Data Docs page for it: plain text, no dead link
    assert second[2:4] == ["Cảnh báo (warning)", "Cảnh báo khác"]  # a rule without a name never shows as a code only


def test_a_run_without_failed_rows_says_so() -> None:
    """No failed row: a sentence instead of an empty table."""
    assert failed_rows_html([], PAGES).endswith("<p>Không có dòng nào không đạt.</p>")


def test_suite_pages_link_each_suite_to_its_first_result_page(tmp_path: Path) -> None:
    """Paths relative to ``validation/``, one page per suite (the first in name order); no site: no links."""
    site = tmp_path / "validation" / "data-docs"
    for rel in ("annual_scores/r2/b.html", "annual_scores/r1/a.html", "coverage/r1/c.html", "coverage/r1/c.json"):
        (site / "validations" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "validations" / rel).write_text("<html></html>")
    assert suite_pages(site) == {
        "annual_scores": "data-docs/validations/annual_scores/r1/a.html",
        "coverage": "data-docs/validations/coverage/r1/c.html",
    }
    assert suite_pages(tmp_path / "no-site") == {}
