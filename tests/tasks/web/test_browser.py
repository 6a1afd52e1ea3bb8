"""The check page and /runs in a real browser: headless Chromium from the distribution, driven by Selenium.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); nothing is
downloaded: the driver's path is given, so Selenium Manager never runs.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tasks.web.app import NO_FILE, WebSettings, create_app
from tasks.web.upload_check import UploadChecker
from tests.support.browser import chromium
from tests.support.office_files import SAMPLE
from tests.support.web_server import serving

pytestmark = pytest.mark.browser
EditFn = Callable[[Path, str, str, str, object], str]
SAPA = SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = chromium(tmp_path / "profile", tmp_path / "downloads")
    try:
        yield driver
    finally:
        driver.quit()


def _upload(driver: WebDriver, base: str, path: Path) -> str:
    """Upload ``path`` through the form (no script involved) and return the verdict's text."""
    driver.get(base + "/")
    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return str(WebDriverWait(driver, 120).until(lambda d: d.find_element(By.ID, "verdict")).text)


def _downloaded(folder: Path, suffix: str) -> Path:
    for _ in range(600):
        found = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0] if folder.is_dir() else []
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing ending in {suffix} was downloaded into {folder}")


def test_a_ward_checks_two_files_and_an_auditor_opens_a_run(
    browser: WebDriver,
    checker: UploadChecker,
    review_outputs: Path,
    tmp_path: Path,
    edit_row: EditFn,
) -> None:
    """Good file: ĐẠT. Broken file: the cell and fix on the page, a marked copy downloaded. Then /runs → index."""
    broken = tmp_path / "tu-cham-diem-sapa-sua.xlsx"
    shutil.copyfile(SAPA, broken)
    cell = edit_row(broken, "Tự chấm điểm", "1.1", "Điểm tự chấm", "tốt")
    settings = WebSettings(inputs=SAMPLE.parent, outputs=review_outputs, year=2025)
    with serving(create_app(settings, checker, warm=False)) as base:
        assert _upload(browser, base, SAPA).startswith("ĐẠT")

        assert _upload(browser, base, broken).startswith("KHÔNG ĐẠT")
        rows = browser.find_elements(By.CSS_SELECTOR, "#issues tbody tr")
        errors = [r for r in rows if r.find_element(By.CSS_SELECTOR, "td").text == "Lỗi"]
        assert [r.find_element(By.CSS_SELECTOR, "td.cell").text for r in errors] == [cell]
        assert "tốt" in errors[0].text
        browser.find_element(By.ID, "download-annotated").click()
        marked = _downloaded(tmp_path / "downloads", ".xlsx")
        assert marked.name == "Bản đánh dấu - Sa Pa - tu-cham-diem-sapa-sua.xlsx"  # Vietnamese letters kept
        copy = openpyxl.load_workbook(marked)
        comment = copy["Tự chấm điểm"][cell].comment
        assert comment is not None and comment.text

        browser.get(base + "/runs")
        browser.find_element(By.LINK_TEXT, "20260115T080000123Z-3f9a").click()
        assert "97,72" in browser.find_element(By.ID, "ranking").text
        browser.find_element(By.ID, "validation-index").click()
        WebDriverWait(browser, 30).until(lambda d: "tu-cham-diem-2025-sapa.xlsx" in d.page_source)
        assert browser.current_url.endswith("/validation/index.html")


def test_long_file_and_ward_names_stay_inside_a_phone_screen(
    browser: WebDriver, checker: UploadChecker, review_outputs: Path, tmp_path: Path
) -> None:
    """At 390 px the check answer, a run and its file list wrap long names instead of widening the page."""
    long_name = "BangTuChamDiemThiDuaNam2025CuaPhuongSaPa_BanCuoiCung_DaSuaTheoYKienCuaVanPhongKhoi_Ver3"
    upload = tmp_path / f"{long_name}.xlsx"
    shutil.copyfile(SAPA, upload)
    outputs = tmp_path / "outputs"
    shutil.copytree(review_outputs, outputs, symlinks=True)
    run = "2025/review/20260115T080000123Z-3f9a"
    (outputs / run / f"{long_name}_{long_name}.txt").write_text("x", encoding="utf-8")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 900, "deviceScaleFactor": 1, "mobile": True}
    )
    widths = "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    settings = WebSettings(inputs=SAMPLE.parent, outputs=outputs, year=2025)
    with serving(create_app(settings, checker, warm=False)) as base:
        assert _upload(browser, base, upload).startswith("ĐẠT")
        assert browser.execute_script(widths) == [390, 390]
        for page in ("/runs", f"/runs/view/{run}", f"/runs/verify/{run}"):
            browser.get(base + page)
            assert browser.execute_script(widths) == [390, 390], page


def test_a_ward_picks_a_file_with_the_vietnamese_button(
    browser: WebDriver, checker: UploadChecker, review_outputs: Path, tmp_path: Path
) -> None:
    """The page's own "Chọn tệp…" button, not the browser's English one: it opens the picker, the input behind it is
    reached with Tab and shows its focus on the button, the chosen name replaces "Chưa chọn tệp", and sending with
    nothing chosen is refused in Vietnamese. With scripts off the same button still picks the file that is checked."""
    upload = tmp_path / "Bảng tự chấm Sa Pa.xlsx"
    shutil.copyfile(SAPA, upload)
    settings = WebSettings(inputs=SAMPLE.parent, outputs=review_outputs, year=2025)
    with serving(create_app(settings, checker, warm=False)) as base:
        browser.get(base + "/")
        button, chosen = browser.find_element(By.ID, "file-button"), browser.find_element(By.ID, "file-chosen")
        field = browser.find_element(By.ID, "file")
        assert (button.text, chosen.text) == ("Chọn tệp…", "Chưa chọn tệp")
        assert button.is_displayed() and field.size == {"width": 1, "height": 1}  # the browser's own button unseen
        assert field.get_property("validationMessage") == NO_FILE
        # the button is the input's label: a click on it is a click on the input, which opens the picker
        browser.execute_script(
            "var f = document.getElementById('file');"
            "f.addEventListener('click', function (e) { window.pickerOpened = true; e.preventDefault(); });"
        )
        button.click()
        assert browser.execute_script("return window.pickerOpened === true")
        browser.execute_script("document.querySelector('header a:last-of-type').focus()")
        browser.switch_to.active_element.send_keys(Keys.TAB)
        assert browser.switch_to.active_element.get_attribute("id") == "file"
        assert button.value_of_css_property("outline-style") == "solid"  # the focus is seen on the button
        field.send_keys(str(upload))
        assert chosen.text == "Bảng tự chấm Sa Pa.xlsx" and field.get_property("validationMessage") == ""
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        verdict = WebDriverWait(browser, 120).until(lambda d: d.find_element(By.ID, "verdict")).text
        assert verdict.startswith("ĐẠT")
        assert "Bảng tự chấm Sa Pa.xlsx" in browser.find_element(By.CSS_SELECTOR, ".facts").text

        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        browser.get(base + "/")
        assert not browser.find_element(By.ID, "file-chosen").is_displayed()  # no stale "Chưa chọn tệp" left
        assert browser.find_element(By.ID, "file-button").is_displayed()
        browser.find_element(By.ID, "file").send_keys(str(upload))
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        verdict = WebDriverWait(browser, 120).until(lambda d: d.find_element(By.ID, "verdict")).text
        assert verdict.startswith("ĐẠT")
