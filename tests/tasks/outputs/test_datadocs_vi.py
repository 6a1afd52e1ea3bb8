"""Data Docs in Vietnamese: GX's English page frame translated after GX writes the site (tasks.outputs.datadocs_vi),
checked on a real tiny site, in its files and in Chromium."""

from __future__ import annotations

import contextlib
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tasks.outputs import datadocs, datadocs_vi
from tests.support.browser import chromium
from tests.support.datadocs_site import build_site, site_pages
from tests.support.datadocs_text import ENGLISH, visible_text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The tiny site, built once for the module."""
    return build_site(tmp_path_factory.mktemp("run"))


def test_no_page_shows_an_english_word_of_the_gx_frame(built: tuple[Path, Any]) -> None:
    """Every page, index, suite and validation result, reads in Vietnamese; identifiers stay as written."""
    site, _ = built
    pages = site_pages(site)
    assert len(pages) == 3
    for page in pages:
        text = "\n".join(visible_text(page))
        found = [w for w in (*ENGLISH, *datadocs_vi.PHRASES) if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        assert found == [], f"{page.relative_to(site)}: {found}"
        assert lxml.html.fromstring(page.read_text(encoding="utf-8")).get("lang") == "vi"
        assert unicodedata.is_normalized("NFC", page.read_text(encoding="utf-8"))
    (validation,) = site.glob("validations/*/*/*/*.html")
    shown = visible_text(validation)
    for words in ("Kết quả kiểm tra dữ liệu", "Tổng quan", "Thống kê", "Số quy tắc không đạt", "Trạng thái:"):
        assert words in shown
    assert {"ward_code", "score", "status"} <= set(shown)  # column names are the suite's identifiers
    suite = visible_text(site / "expectations" / "annual_scores.html")
    assert "Bộ quy tắc này có tổng cộng 3 quy tắc kiểm tra trên 3 cột." in suite
    assert "Thông tin đánh dấu lô" in shown
    assert "annual_scores" in suite


def test_numbers_on_the_validation_page_are_written_the_vietnamese_way(built: tuple[Path, Any]) -> None:
    site, _ = built
    (validation,) = site.glob("validations/*/*/*/*.html")
    shown = visible_text(validation)
    # 1 of the 3 rows is null / out of range / outside the set: GX writes "≈33.33% of 3 total rows."
    assert shown.count("Có 1 giá trị không đạt: ≈33,33 % trên tổng số 3 dòng.") == 3
    assert "≈33,333 % không đạt" in shown
    assert "0 %" in shown  # Success Percent: none of the three expectations passed
    text = "\n".join(shown)
    assert not re.search(r"\d%|\d\.\d+ ?%", text)


def test_the_index_tables_built_by_script_have_vietnamese_titles(built: tuple[Path, Any]) -> None:
    """bootstrap-table builds the index tables from script data: their titles and filters are Vietnamese too."""
    site, _ = built
    index = (site / "index.html").read_text(encoding="utf-8")
    for title in ("Trạng thái", "Thời điểm chạy", "Tên lần chạy", "Tập dữ liệu", "Mã lô", "Bộ quy tắc kiểm tra"):
        assert f"'title': '{title}'" in index
    assert "'_validation_success_text': 'Không đạt'" in index
    assert not re.search(r"'title': '[A-Za-z ]+'", index)  # no title left all in ASCII letters
    # The strings bootstrap-table writes in the browser ("Search", "Showing 1 to 5 of 5 rows") come from
    # datadocs_vi.js, loaded after the vendored scripts with the datepicker's Vietnamese locale.
    sources = [s.get("src") for s in lxml.html.fromstring(index).iter("script") if s.get("src")]
    assert sources[-3:] == [
        "static/vendor/bootstrap-datepicker/js/bootstrap-datepicker.min.js",
        "static/vendor/bootstrap-datepicker/locales/bootstrap-datepicker.vi.min.js",
        "static/thidua/datadocs_vi.js",
    ]
    script = (site / "static/thidua/datadocs_vi.js").read_text(encoding="utf-8")
    assert 'formatSearch: function () { return "Tìm kiếm"; }' in script
    # the button clears the column filters as well as the search box
    assert 'formatClearSearch: function () { return "Xóa tìm kiếm và bộ lọc"; }' in script
    datadocs.assert_offline(site)


def test_translating_twice_changes_nothing(built: tuple[Path, Any], tmp_path: Path) -> None:
    site, _ = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    datadocs_vi.translate_site(copy)
    for page in site_pages(site):
        assert (copy / page.relative_to(site)).read_bytes() == page.read_bytes(), page


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        (
            "\n  1,234 unexpected values found. ≈12.5% of 9,876 total rows.  ",
            "\n  Có 1.234 giá trị không đạt: ≈12,5 % trên tổng số 9.876 dòng.  ",
        ),
        ("0.64103% unexpected", "0,64103 % không đạt"),
        ("100% not null", "100 % không để trống"),
        ("100% null", "100 % để trống"),
        ("Data asset: None", "Tập dữ liệu: không đặt tên"),
        ("Validations / annual_scores / thidua", "Kết quả kiểm tra / annual_scores / thidua"),
        ("1.24.1", "1.24.1"),  # a version, not a number
        ("evidence_given", "evidence_given"),
    ],
)
def test_sentences_with_numbers(english: str, vietnamese: str) -> None:
    assert datadocs_vi.translate_text(english) == vietnamese


@pytest.mark.parametrize("shown", ["2.1", "2.10", "1234.0", "92.72", "-0.5"])
def test_a_value_the_ward_typed_is_shown_as_typed(shown: str) -> None:
    """The tables of unexpected values show what the ward typed, for the auditor to find in its file: a criterion
    code "2.1" must not read "2,1", nor "2.10" read "2,1" (another code); GX's own numbers are in its sentences."""
    assert datadocs_vi.translate_text(shown) == shown


# The active tab's table as the reader sees it, read in one script call: bootstrap-table draws the table again
# after its first paint (filter-control, the row count), so an element held between two calls can go stale.
ACTIVE_TABLE = """
const pane = document.querySelector('.tab-pane.active');
if (!pane || !pane.querySelector('.fixed-table-pagination')) return null;
const texts = (css) => Array.from(pane.querySelectorAll(css), (e) => e.textContent.trim()).filter((t) => t);
const search = pane.querySelector('input.search-input');
return {
  titles: texts('thead th .th-inner'),
  search: search ? search.placeholder : null,
  count: texts('.pagination-info').join(' '),
  statuses: texts('thead select option'),
};
"""
EXPECTED_TABLE = {
    "titles": ["Trạng thái", "Thời điểm chạy", "Tên lần chạy", "Tập dữ liệu", "Mã lô", "Bộ quy tắc kiểm tra"],
    "search": "Tìm kiếm",
    "count": "Dòng 1 đến 1 trong tổng số 1 dòng",
}


def settled(driver: Any, script: str, expected: dict[str, Any], timeout: float = 20) -> dict[str, Any]:
    """What ``script`` returns once the page shows ``expected`` (or, after ``timeout``, whatever it last showed)."""
    seen: dict[str, Any] = {}

    def shows_expected(d: Any) -> bool:
        seen.clear()
        seen.update(d.execute_script(script) or {})
        return all(seen.get(key) == value for key, value in expected.items())

    with contextlib.suppress(TimeoutException):  # the caller's assertion shows what the page showed instead
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(shows_expected)
    return dict(seen)


@pytest.mark.browser
def test_the_strings_scripts_write_in_the_browser_are_vietnamese(built: tuple[Path, Any], tmp_path: Path) -> None:
    """In Chromium: bootstrap-table's titles, search box, row count and filters, and the date filter's calendar."""
    site, _ = built
    driver = chromium(tmp_path / "profile", tmp_path / "downloads")
    try:
        driver.get((site / "index.html").as_uri())
        table = settled(driver, ACTIVE_TABLE, EXPECTED_TABLE)
        assert {key: table.get(key) for key in EXPECTED_TABLE} == EXPECTED_TABLE
        assert "Không đạt" in table["statuses"]
        patient = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))
        patient.until(
            lambda d: d.find_element(By.CSS_SELECTOR, ".tab-pane.active input.date-filter-control").click() or 1
        )
        calendar = patient.until(lambda d: d.find_element(By.CSS_SELECTOR, ".datepicker-days").text)
        assert "Tháng" in calendar and "CN" in calendar
        driver.get(next(site.glob("validations/*/*/*/*.html")).as_uri())
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input.search-input"))
        body = driver.execute_script("return document.body.innerText;")
        found = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", body)]
        assert found == []
        placeholders = driver.execute_script(
            "return Array.from(document.querySelectorAll('input.search-input'), (i) => i.placeholder);"
        )
        assert set(placeholders) == {"Tìm kiếm"}
    finally:
        driver.quit()


def test_the_frames_names_read_as_administrative_vietnamese() -> None:
    """Headings and titles GX names in its own jargon read as an office would write them."""
    assert datadocs_vi.translate_text("Table-Level Expectations") == "Quy tắc áp dụng cho cả bảng"
    assert datadocs_vi.translate_text("Batch Markers") == "Thông tin đánh dấu lô"
    script = "{'title': 'Profiler', 'field': 'profiler'}"
    assert datadocs_vi.translate_script(script) == "{'title': 'Công cụ lập hồ sơ dữ liệu', 'field': 'profiler'}"


def test_the_sidebar_breaks_its_headings_between_words(built: tuple[Path, Any]) -> None:
    """GX lets a sidebar link break anywhere (for long column names): "Quy tắc áp dụng cho cả bảng" would show
    "c / ả bảng" in a narrow window. The links keep words whole, a name too wide for the sidebar still breaks."""
    site, _ = built
    (validation,) = site.glob("validations/*/*/*/*.html")
    links = lxml.html.fromstring(validation.read_text(encoding="utf-8")).find_class(datadocs_vi.SIDEBAR_LINK)
    assert links
    for link in links:
        style = link.get("style", "")
        assert "break-all" not in style and "overflow-wrap: anywhere" in style, style
