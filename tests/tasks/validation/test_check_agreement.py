"""``check_file`` tells a ward what the review would tell it about the same file, and what it cannot tell."""

from __future__ import annotations

import re
import string
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tasks.blank_workbooks import write_templates
from tasks.config.year import load_year
from tasks.domain import Issue, Kind, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.scoring.review import review
from tasks.validation.check import NOT_MADE, CheckError, CheckStatus, check_file, format_result
from tasks.validation.frames import appraisal_columns, counts_columns, indicators_columns, scores_columns
from tasks.validation.suites import Validator, load_suite_json
from tasks.validation.validate import validate_all

PROJECT_INPUTS = Path(__file__).resolve().parents[3] / "inputs"
# An empty placeholder leaves marks like "tháng /", "''", "()" or a doubled space in a sentence.
EMPTY_PLACEHOLDER = re.compile(r"(?:\s/|/\s|/$|''|\(\s*\)|\{|\}|  |\s[.,:;])")


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def reviewed(validator: Validator) -> dict[str, Submission]:
    """The 2025 sample as the review sees it: every file read, validated together and scored."""
    config = load_year(PROJECT_INPUTS, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    checked = validate_all(subs, config.bloc, config.catalogue, validator)
    scored = review(checked, config.bloc, config.catalogue, None).submissions
    return {s.file.rel: s for s in scored}


def _seen(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[object, ...]]:
    return [(i.severity, i.rule, i.message, i.hint, i.sheet, i.cell, i.column, i.value) for i in issues]


@pytest.mark.parametrize(
    "rel",
    [
        "annual/tu-cham-diem-2025-nghialo.xlsx",
        "annual/tu-cham-diem-2025-namcuong.xlsx",
        "annual/tu-cham-diem-2025-sapa.xlsx",
        "monthly/2025-12/bao-cao-chi-tieu-2025-12-sapa.xlsx",
        "appraisal/tham-dinh-2025.xlsx",
    ],
)
def test_check_gives_the_reviews_issues_except_the_checks_it_names_as_not_made(
    rel: str, reviewed: dict[str, Submission], validator: Validator
) -> None:
    """Same issues, same words, same cells as the review; what only the other files can show is named instead."""
    result = check_file(PROJECT_INPUTS / "2025" / rel, PROJECT_INPUTS, name=rel, validator=validator)
    sub = reviewed[rel]
    not_made = {rule for item in result.not_made for rule in item.rules}
    assert result.not_made == NOT_MADE[sub.kind] and not_made
    assert _seen(result.issues) == _seen([i for i in sub.issues if i.rule not in not_made])
    assert (result.kind, result.ward_code, result.period) == (sub.kind, sub.ward_code, sub.period)
    assert result.status is (CheckStatus.FAILED if sub.has_errors else CheckStatus.PASSED)


def test_the_warnings_only_the_review_can_give_are_named_not_hidden(
    reviewed: dict[str, Submission], validator: Validator
) -> None:
    """Nghĩa Lộ's self-scores differ from its monthly reports: check cannot see it, and says so."""
    rel = "annual/tu-cham-diem-2025-nghialo.xlsx"
    assert {i.rule for i in reviewed[rel].issues} == {"indicator_self_score_differs"}
    result = check_file(PROJECT_INPUTS / "2025" / rel, PROJECT_INPUTS, validator=validator)
    text = "\n".join(format_result(result))
    assert result.issues == () and "Không có lỗi hay cảnh báo." not in text
    assert "Chưa kiểm tra được từ một tệp" in text
    assert "điểm tự chấm các tiêu chí chỉ tiêu so với điểm tính từ lũy kế của báo cáo tháng" in text


def test_a_blank_template_gets_no_message_with_an_empty_placeholder(tmp_path: Path, validator: Validator) -> None:
    """Every message and hint on a blank annual or monthly template reads as a whole sentence."""
    config = load_year(PROJECT_INPUTS, 2025)
    paths, _ = write_templates(config.bloc, config.catalogue, tmp_path, datetime(2025, 1, 1))
    results = [check_file(p, PROJECT_INPUTS, validator=validator) for p in paths if "SAPA" in str(p)]
    assert {r.kind for r in results} == {Kind.ANNUAL, Kind.MONTHLY}
    for result in results:
        assert result.status is CheckStatus.FAILED
        for issue in result.issues:
            for text in (issue.message, issue.hint):
                assert not EMPTY_PLACEHOLDER.search(text), text
    monthly = next(r for r in results if r.kind is Kind.MONTHLY)
    verdict = format_result(monthly)[0]
    assert verdict.endswith("KHÔNG ĐẠT (Báo cáo kết quả thực hiện chỉ tiêu tháng, đơn vị SAPA, chưa xác định kỳ)")
    period = next(i for i in monthly.issues if i.column == "Kỳ báo cáo")
    assert period.message == "Chưa ghi kỳ báo cáo."
    assert "Tháng MM/YYYY" in period.hint


def test_bytes_and_a_kind_given_by_the_caller(validator: Validator) -> None:
    """The web page hands bytes and may name the form: an annual file checked as a monthly one lacks its sheet."""
    data = (PROJECT_INPUTS / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx").read_bytes()
    as_sent = check_file(data, PROJECT_INPUTS, name="sapa.xlsx", validator=validator)
    assert (as_sent.name, as_sent.kind, as_sent.status, as_sent.ward_code) == (
        "sapa.xlsx",
        Kind.ANNUAL,
        CheckStatus.PASSED,
        "SAPA",
    )
    forced = check_file(data, PROJECT_INPUTS, name="sapa.xlsx", kind=Kind.MONTHLY, validator=validator)
    assert forced.kind is Kind.MONTHLY and forced.status is CheckStatus.FAILED
    assert any("Chỉ tiêu" in i.message for i in forced.issues)


def test_a_file_with_no_year_and_no_rules_cannot_be_checked(tmp_path: Path) -> None:
    """No year in the file, none given and none under inputs: one Vietnamese sentence saying what to add."""
    book = openpyxl.Workbook()
    book.active.title = "Trang tính"
    book.save(tmp_path / "bang-tinh.xlsx")
    with pytest.raises(CheckError, match=r"^bang-tinh\.xlsx: không xác định được năm của hồ sơ"):
        check_file(tmp_path / "bang-tinh.xlsx", tmp_path)
    with pytest.raises(CheckError, match="không tìm thấy tệp"):
        check_file(tmp_path / "khong-co.xlsx", tmp_path)


def test_the_review_writes_numbers_the_vietnamese_way(reviewed: dict[str, Submission]) -> None:
    """A score typed 2.25 reads “2,25” beside “7,98”; a self-score typed 8 is the value “8”, never “8.0”."""
    evidence = next(i for i in reviewed["annual/tu-cham-diem-2025-namcuong.xlsx"].issues if i.rule == "no_evidence")
    assert evidence.message == "Tiêu chí 1.4 tự chấm 2,25 điểm nhưng chưa ghi minh chứng."
    differs = [i for i in reviewed["annual/tu-cham-diem-2025-nghialo.xlsx"].issues if i.cell == "D11"]
    assert [i.value for i in differs] == ["8"]
    assert differs[0].message.startswith("Tiêu chí 2.1: điểm tự chấm 8 khác điểm tính từ lũy kế chỉ tiêu CT01")
    assert "(99,7), là 7,98 điểm." in differs[0].message


def test_every_placeholder_of_every_message_names_a_field_its_rows_carry() -> None:
    """No message can come out with a hole: each ``{name}`` of a suite's message or hint is a column of the rows
    that suite validates, or part of the message context (year, the list of count codes)."""
    config = load_year(PROJECT_INPUTS, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    of = {kind: [i for i, s in enumerate(subs) if s.kind is kind] for kind in Kind}
    cat = config.catalogue
    fields = {
        "annual_scores": set(scores_columns(subs, of[Kind.ANNUAL], cat)),
        "annual_counts": set(counts_columns(subs, of[Kind.ANNUAL], cat)),
        "monthly_indicators": set(indicators_columns(subs, of[Kind.MONTHLY], cat)),
        "appraisal_rows": set(appraisal_columns(subs, of[Kind.APPRAISAL], cat, config.bloc)),
        "coverage": {"sub", "sheet", "code", "name", "what", "count", "cell"},  # one row per expected code
    }
    context = {"year", "count_codes_text", "rid"}
    for suite, columns in fields.items():
        for expectation in load_suite_json(suite)["expectations"]:
            meta = expectation["meta"]
            for text in (meta["message"], meta["hint"]):
                names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
                assert names <= columns | context, (suite, meta["rule"], names - columns - context)


@pytest.mark.parametrize("name", ["hoso.csv", "hoso.xls", "hoso"])
def test_a_good_workbook_under_a_name_the_review_would_not_read_is_refused(name: str, validator: Validator) -> None:
    """The review reads only .xlsx and .xlsm files; check gives the same verdict, not ĐẠT, for a sound workbook
    sent as .csv, .xls or without an extension."""
    data = (PROJECT_INPUTS / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx").read_bytes()
    result = check_file(data, PROJECT_INPUTS, name=name, validator=validator)
    assert result.status is CheckStatus.FAILED
    assert [i.rule for i in result.issues] == (["old_xls"] if name.endswith(".xls") else ["not_a_workbook"])
