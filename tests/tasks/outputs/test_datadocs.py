"""Offline GX Data Docs (spec §5): a real site from a tiny suite, its CDN assets vendored, no other host needed."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import socket
import sys
import unicodedata
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tasks.outputs import datadocs, datadocs_vi
from tasks.validation.suites import Validator
from tests.support.browser import chromium
from tests.support.datadocs_text import ENGLISH, visible_text

SUITE_JSON: dict[str, Any] = {
    "name": "annual_scores",
    "expectations": [
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "ward_code"},
            "description": "Dòng phải có mã phường (cột ward_code).",
            "meta": {"rule": "R1"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "score", "min_value": 0, "max_value": 100},
            "description": "Điểm (cột score) từ 0 đến 100.",
            "meta": {"rule": "R2"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": ["ok", "late"]},
            "description": "Tình trạng (cột status) là ok hoặc late.",
        },
    ],
    "meta": {"note": "bảng tự chấm"},
}
FRAME = pd.DataFrame(
    {"rid": [12, 13, 14], "ward_code": ["P01", None, "P03"], "score": [50, 120, 80], "status": ["ok", "late", "x"]}
)
SCRIPT_OR_LINK = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>""")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Validate once as a run does (a stored suite, one validator, complete results), then build the offline site."""
    run = tmp_path_factory.mktemp("run")
    (run / "annual_scores.json").write_text(json.dumps(SUITE_JSON), encoding="utf-8")
    site_dir = run / "validation" / "data-docs"
    real_connect = socket.socket.connect

    def no_network(self: socket.socket, address: Any) -> None:
        if self.family != socket.AF_UNIX:
            raise AssertionError(f"network access during the Data Docs build: {address!r}")
        real_connect(self, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", no_network)
        validator = Validator(run, run_name="20251231T120000")
        validator.run("annual_scores", FRAME)
        index = datadocs.build_data_docs(validator.context, site_dir)
    (result,) = validator.results
    assert index == site_dir.resolve() / "index.html"
    return index.parent, result


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_recipe_keeps_complete_results_with_row_ids(built: tuple[Path, Any]) -> None:
    _, result = built
    assert not result.success
    unexpected = {r.expectation_config.type: r.result["unexpected_index_list"] for r in result.results}
    assert unexpected["expect_column_values_to_be_between"] == [{"score": 120, "rid": 13}]
    assert unexpected["expect_column_values_to_be_in_set"] == [{"status": "x", "rid": 14}]
    assert {r.expectation_config.meta.get("rule") for r in result.results} == {"R1", "R2", None}


def test_site_has_index_suite_and_nested_validation_pages(built: tuple[Path, Any]) -> None:
    site, _ = built
    pages = [p.relative_to(site).as_posix() for p in _pages(site)]
    assert "index.html" in pages
    assert "expectations/annual_scores.html" in pages
    page = re.compile(r"validations/annual_scores/20251231T120000/[^/]+/submissions-annual_scores\.html")
    assert any(page.fullmatch(p) for p in pages)


def test_no_external_reference_is_left(built: tuple[Path, Any]) -> None:
    site, _ = built
    datadocs.assert_offline(site)  # neither a reference to another host nor a missing local asset
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        for needle in (
            "cdn.jsdelivr",
            "cdnjs",
            "unpkg.com",
            "bootstrapcdn",
            "code.jquery",
            "amazonaws",
            "dataContextId",
            "utm_source",
            "integrity=",
            "crossorigin",
        ):
            assert needle not in text, f"{page}: {needle}"
        assert not re.search(r"<a\b[^>]*href=\"(?:https?:)?//", text), page


def test_every_script_and_stylesheet_is_a_vendored_file_on_disk(built: tuple[Path, Any]) -> None:
    site, _ = built
    seen: set[str] = set()
    for page in _pages(site):
        for ref in SCRIPT_OR_LINK.findall(page.read_text(encoding="utf-8")):
            target = (page.parent / ref).resolve()
            assert target.is_file(), f"{page}: {ref}"
            seen.add(target.relative_to(site).as_posix())
    vendored = {f for f in datadocs.cdn_map().values() if f.startswith(datadocs.VENDOR_SUBDIR + "/")}
    assert vendored <= seen  # every vendored script/stylesheet is used, and exists
    fa_css = site / datadocs.VENDOR_SUBDIR / "fontawesome-free/css/all.min.css"
    fonts = re.findall(r"url\(([^)]+)\)", fa_css.read_text(encoding="utf-8"))
    assert fonts and all((fa_css.parent / f).is_file() for f in fonts)


def test_paths_are_relative_to_each_page(built: tuple[Path, Any]) -> None:
    site, _ = built
    (page,) = site.glob("validations/*/*/*/*.html")
    text = page.read_text(encoding="utf-8")
    assert '<script src="../../../../static/vendor/jquery/jquery.min.js"></script>' in text
    assert 'href="../../../../static/images/favicon.ico"' in text  # GX writes ../../../ (one level short)
    assert 'src="../../../../static/images/logo-long.png"' in text
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="static/vendor/jquery/jquery.min.js"></script>' in index


def test_every_cdn_url_in_gx_templates_is_mapped() -> None:
    import great_expectations

    view = Path(great_expectations.__file__).parent / "render" / "view"
    urls = set()
    for path in [*view.glob("templates/*.j2"), *view.glob("static/styles/*.css")]:
        text = path.read_text(encoding="utf-8")
        urls |= set(re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)="((?:https?:)?//[^"]+)\"""", text))
        urls |= set(re.findall(r"""url\(['"]?((?:https?:)?//[^'")]+)""", text))
    assert len(urls) >= 15
    mapping = datadocs.cdn_map()
    assert sorted(u for u in urls if "//" + u.split("//", 1)[1] not in mapping) == []


def test_rewrite_offline_rewrites_nested_page_and_reports_unknown_hosts(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "s" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "static" / "images").mkdir(parents=True)
    (tmp_path / "static" / "images" / "logo-long.png").write_bytes(b"png")
    s3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com"
    page.write_text(
        '<link rel="stylesheet" href="http://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="//code.jquery.com/jquery-3.7.1.min.js" integrity="sha384-x" crossorigin="anonymous"></script>\n'
        f'<img src="{s3}/logo-long.png?d=1&dataContextId=42">\n'
        f'<style>a {{ background: url("{s3}/full_logo_dark.png") }}</style>\n'
        '<a href="https://docs.greatexpectations.io/docs/x" target="_blank" rel="noopener">Tài liệu</a>\n'
        '<a href="#local">ok</a>\n'
        '<script src="https://tracker.example.com/t.js"></script>\n',
        encoding="utf-8",
    )
    datadocs.rewrite_offline(tmp_path)
    text = page.read_text(encoding="utf-8")
    up = "../../../"
    assert f'href="{up}static/vendor/bootstrap/css/bootstrap.min.css"' in text
    assert f'<script src="{up}static/vendor/jquery/jquery.min.js"></script>' in text
    assert f'<img src="{up}static/images/logo-long.png">' in text
    assert f'url("{up}static/images/logo-long.png")' in text
    assert "<a>Tài liệu</a>" in text and '<a href="#local">ok</a>' in text
    with pytest.raises(datadocs.NotOfflineError) as caught:
        datadocs.assert_offline(tmp_path)
    assert caught.value.problems == ["validations/s/run/page.html: src=https://tracker.example.com/t.js"]
    datadocs.rewrite_offline(tmp_path)
    assert page.read_text(encoding="utf-8") == text  # idempotent


def test_assert_offline_catches_css_imports_urls_and_srcset(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text(
        '@import "https://fonts.googleapis.com/css?family=X";\n'
        ".x { background: url(//cdn.example.org/x.png) }\n"
        ".y { background: url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\") }\n",
        encoding="utf-8",
    )
    (tmp_path / "p.html").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><img srcset="a.png 1x, https://x.example/b.png 2x">'
        '<script src="js/gone.js"></script>',
        encoding="utf-8",
    )
    with pytest.raises(datadocs.NotOfflineError) as caught:
        datadocs.assert_offline(tmp_path)
    assert caught.value.problems == [
        "a.css: url()=//cdn.example.org/x.png",
        "a.css: @import=https://fonts.googleapis.com/css?family=X",
        "p.html: srcset=a.png 1x, https://x.example/b.png 2x",
        "p.html: missing js/gone.js",
    ]


def test_vendor_folder_is_small_licensed_and_matches_its_manifest() -> None:
    vendor = datadocs.VENDOR_DIR
    manifest = json.loads((vendor / "manifest.json").read_text(encoding="utf-8"))
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for package in manifest["packages"]:
        folder = vendor / package["folder"]
        assert (folder / "LICENSE").is_file(), package["name"]
        assert all((folder / f).is_file() for f in package["files"]), package["name"]
        assert f"`{package['name']}` | {package['version']} | {package['license']}" in readme
    assert all((vendor / f).is_file() for f in manifest["urls"].values())
    total = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
    assert not list(vendor.rglob("*.ttf")) and not list(vendor.rglob("*.map"))


def test_vendor_folder_is_what_the_script_generates(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "vendor_datadocs_assets.py"
    spec = importlib.util.spec_from_file_location("vendor_datadocs_assets", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    manifest = json.loads((datadocs.VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    pins = [(p.name, p.version, p.integrity) for p in module.PACKAGES]
    assert pins == [(p["name"], p["version"], p["integrity"]) for p in manifest["packages"]]
    assert manifest["urls"] == {u: f"{p.dest}/{t}" for p in module.PACKAGES for u, t in p.urls.items()}


# --- the pages read in Vietnamese -------------------------------------------------------------------------


def test_no_page_shows_an_english_word_of_the_gx_frame(built: tuple[Path, Any]) -> None:
    """Every page, index, suite and validation result, reads in Vietnamese; identifiers stay as written."""
    site, _ = built
    pages = _pages(site)
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
    assert "Bộ quy tắc này có tổng cộng 3 quy tắc kiểm tra, trên 3 cột." in suite
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
    datadocs.assert_offline(site)


def test_translating_twice_changes_nothing(built: tuple[Path, Any], tmp_path: Path) -> None:
    site, _ = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    datadocs_vi.translate_site(copy)
    for page in _pages(site):
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
        ("92.72", "92,72"),
        ("Data asset: None", "Tập dữ liệu: không đặt tên"),
        ("Validations / annual_scores / thidua", "Kết quả kiểm tra / annual_scores / thidua"),
        ("1.24.1", "1.24.1"),  # a version, not a number
        ("evidence_given", "evidence_given"),
    ],
)
def test_sentences_with_numbers(english: str, vietnamese: str) -> None:
    assert datadocs_vi.translate_text(english) == vietnamese


@pytest.mark.browser
def test_the_strings_scripts_write_in_the_browser_are_vietnamese(built: tuple[Path, Any], tmp_path: Path) -> None:
    """In Chromium: bootstrap-table's titles, search box, row count and filters, and the date filter's calendar."""
    site, _ = built
    driver = chromium(tmp_path / "profile", tmp_path / "downloads")
    try:
        driver.get((site / "index.html").as_uri())
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".fixed-table-pagination"))
        table = driver.find_element(By.CSS_SELECTOR, ".tab-pane.active")
        titles = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th .th-inner")]
        assert titles == ["Trạng thái", "Thời điểm chạy", "Tên lần chạy", "Tập dữ liệu", "Mã lô", "Bộ quy tắc kiểm tra"]
        assert table.find_element(By.CSS_SELECTOR, "input.search-input").get_attribute("placeholder") == "Tìm kiếm"
        assert table.find_element(By.CSS_SELECTOR, ".pagination-info").text == "Dòng 1 đến 1 trong tổng số 1 dòng"
        statuses = [o.text for o in table.find_elements(By.CSS_SELECTOR, "thead select option") if o.text]
        assert "Không đạt" in statuses
        table.find_element(By.CSS_SELECTOR, "thead input.date-filter-control").click()
        calendar = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".datepicker-days"))
        assert "Tháng" in calendar.text and "CN" in calendar.text
        driver.get(next(site.glob("validations/*/*/*/*.html")).as_uri())
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input.search-input"))
        body = driver.find_element(By.TAG_NAME, "body").text
        found = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", body)]
        assert found == []
        inputs = driver.find_elements(By.CSS_SELECTOR, "input.search-input")
        assert {i.get_attribute("placeholder") for i in inputs} == {"Tìm kiếm"}
    finally:
        driver.quit()
