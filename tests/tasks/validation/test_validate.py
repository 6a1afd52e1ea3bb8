"""Bulk validation returns new submissions with their findings and leaves the ones it is given as they were.

The suites themselves are tested in ``test_suites.py``; here a scripted stand-in reports the failures, except for
the stage's entry (``validate_all``) on the sample's files, where the stored suites name the file, sheet and cell of
every problem. Resubmissions are settled on hand-made submissions: one counts per ward, kind and period.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import CellValue, InputFile, Issue, Kind, Severity, Status, Submission, Workbook
from tasks.intake.read import open_submission
from tasks.scoring.review import accepted_appraisals, review
from tasks.validation.check import input_file
from tasks.validation.reports import annual_report
from tasks.validation.suites import CRITICAL, Failure, Validator
from tasks.validation.validate import (
    MAX_LISTED_ISSUES,
    capped_issues,
    resolve_resubmissions,
    validate_rows,
)
from tests.support.checked import checked_by_file
from tests.support.office_files import SAPA_ANNUAL, SAPA_DECEMBER
from tests.support.sample import SAMPLE, EditFn, find_cell
from tests.support.validators import ScriptedValidator

ABOVE_MAX = Failure(
    suite="annual_scores",
    severity=CRITICAL,
    meta={
        "rule": "above_max",
        "message": "Điểm tự chấm {score_text} của tiêu chí {code} vượt điểm tối đa {cat_max_text}.",
        "hint": "Sửa điểm về khoảng 0–{cat_max_text}.",
        "column": "score",
        "cell_field": "score_cell",
        "value_field": "score_text",
    },
    rids=(0,),
)


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


@pytest.fixture
def read(config: YearConfig) -> list[Submission]:
    """Sa Pa's self-assessment and December report, read (not validated)."""
    annual = open_submission(input_file(SAPA_ANNUAL, Kind.ANNUAL), config.bloc, config.catalogue, None)
    december = open_submission(input_file(SAPA_DECEMBER, Kind.MONTHLY), config.bloc, config.catalogue, "2025-12")
    return [annual, december]


def test_a_failed_row_becomes_an_error_naming_its_cell_and_rejects_the_file(
    config: YearConfig, read: list[Submission]
) -> None:
    """The failing score row is told with its cell, value and column header; the self-assessment is rejected."""
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [ABOVE_MAX]}))
    (issue,) = checked[0].issues
    assert (issue.severity, issue.rule, issue.sheet, issue.cell, issue.value) == (
        Severity.ERROR,
        "above_max",
        "Tự chấm điểm",
        "D6",
        "4,5",
    )
    assert issue.message == "Điểm tự chấm 4,5 của tiêu chí 1.1 vượt điểm tối đa 5."
    assert issue.column == "Điểm tự chấm"  # the header as the ward wrote it, not the suite's field name
    assert checked[0].status is Status.REJECTED


def test_the_submissions_given_are_left_as_they_were(config: YearConfig, read: list[Submission]) -> None:
    """Validation returns new submissions: the ones it was handed keep their status and (no) issues."""
    before = list(read)
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [ABOVE_MAX]}))
    assert read == before
    assert read[0].status is Status.ACCEPTED and read[0].issues == ()
    assert checked[1] is read[1]  # nothing found in the December report: the same submission comes back


def test_a_warning_keeps_the_file_accepted(config: YearConfig, read: list[Submission]) -> None:
    """A failed expectation of severity ``warning`` is told to the ward but does not reject the file."""
    warning = Failure("annual_scores", "warning", {**ABOVE_MAX.meta, "rule": "no_evidence"}, (1,))
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [warning]}))
    assert [(i.severity, i.cell) for i in checked[0].issues] == [(Severity.WARNING, "D7")]
    assert checked[0].status is Status.ACCEPTED


def test_every_suite_runs_once_for_all_files(config: YearConfig, read: list[Submission]) -> None:
    """One bulk run per suite, whatever the number of files (the speed of a thousand wards rests on it)."""
    validator = ScriptedValidator()
    validate_rows(read + read, config.bloc, config.catalogue, validator)
    assert sorted(validator.suites_run) == sorted(
        ["annual_scores", "annual_counts", "monthly_indicators", "appraisal_rows", "coverage"]
    )


# --- The stage's entry, validate_all, on the sample's files and the stored suites --------------------------

SAPA = "annual/tu-cham-diem-2025-sapa.xlsx"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def errors(sub: Submission) -> list[tuple[str, str | None, str | None]]:
    return [(i.rule, i.sheet, i.cell) for i in sub.issues if i.severity is Severity.ERROR]


def test_the_sample_submissions_are_all_accepted(inputs: Path, validator: Validator) -> None:
    """Fifty honest files with real-world deviations pass with no error."""
    _, subs = checked_by_file(inputs, validator)
    assert len(subs) == 50
    assert all(s.status is Status.ACCEPTED for s in subs.values()), {k: errors(s) for k, s in subs.items()}


def test_a_score_above_the_maximum_names_the_cell(inputs: Path, validator: Validator, edit_row: EditFn) -> None:
    """The ward is told the sheet, the cell, the value and the maximum, in Vietnamese."""
    cell = edit_row(inputs / "2025" / SAPA, "Tự chấm điểm", "1.1", "Điểm tự chấm", 6)
    _, subs = checked_by_file(inputs, validator)
    sub = subs[SAPA]
    assert sub.status is Status.REJECTED
    issue = next(i for i in sub.issues if i.rule == "above_max")
    assert (issue.sheet, issue.cell, issue.value, issue.column) == ("Tự chấm điểm", cell, "6", "Điểm tự chấm")
    assert "vượt điểm tối đa 5" in issue.message and "1.1" in issue.message


@pytest.mark.parametrize(
    ("value", "rule"),
    [("tốt", "not_a_number"), (-1, "negative"), (4.125, "too_many_decimals"), (None, "score_missing")],
)
def test_bad_self_scores_are_rejected(
    inputs: Path, validator: Validator, edit_row: EditFn, value: object, rule: str
) -> None:
    """A word, a negative number, three decimals or a blank assessed score rejects the file."""
    cell = edit_row(inputs / "2025" / SAPA, "Tự chấm điểm", "1.2", "Điểm tự chấm", value)
    _, subs = checked_by_file(inputs, validator)
    assert (rule, "Tự chấm điểm", cell) in errors(subs[SAPA])
    assert all(s.status is Status.ACCEPTED for k, s in subs.items() if k != SAPA)


def test_a_decimal_comma_typed_as_text_is_a_number(inputs: Path, validator: Validator, edit_row: EditFn) -> None:
    """'4,5' typed as text is read as 4.5."""
    edit_row(inputs / "2025" / SAPA, "Tự chấm điểm", "1.2", "Điểm tự chấm", "3,5")
    _, subs = checked_by_file(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED


def test_a_copy_dated_after_the_meeting_wins_and_both_files_say_so(inputs: Path, validator: Validator) -> None:
    """A copy of Sa Pa's file dated 01/01/2099 still supersedes Sa Pa's own (spec §3.5), but no longer in silence:
    the copy is warned at its Ngày lập cell (later than the meeting of 15/01/2026), and Sa Pa's own file is told
    that no correction dated truthfully can ever replace it."""
    copy = inputs / "2025" / "annual" / "tu-cham-diem-2025-sapa-ban-sua.xlsx"
    shutil.copy(inputs / "2025" / SAPA, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["Thông tin"]
    row, col = find_cell(ws, "Ngày lập")
    ws.cell(row=row, column=col + 1).value = datetime(2099, 1, 1)
    wb.save(copy)
    _, subs = checked_by_file(inputs, validator)
    planted, own = subs["annual/tu-cham-diem-2025-sapa-ban-sua.xlsx"], subs[SAPA]
    assert (planted.status, own.status) == (Status.ACCEPTED, Status.SUPERSEDED)
    (warning,) = planted.issues
    assert (warning.rule, warning.severity, warning.sheet, warning.cell) == (
        "date_too_late",
        Severity.WARNING,
        "Thông tin",
        ws.cell(row=row, column=col + 1).coordinate,
    )
    assert "muộn hơn ngày họp tổng kết của Khối (15/01/2026)" in warning.message
    (notice,) = own.issues
    assert "(annual/tu-cham-diem-2025-sapa-ban-sua.xlsx, lập ngày 01/01/2099)" in notice.message
    assert "không bản sửa nào gửi sau có thể thay thế nó" in notice.hint


def _delete_row(path: Path, sheet: str, code: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row, _ = find_cell(ws, code)
    ws.delete_rows(row)
    wb.save(path)


def test_a_missing_criterion_is_an_error(inputs: Path, validator: Validator) -> None:
    """Every criterion of the catalogue must appear."""
    _delete_row(inputs / "2025" / SAPA, "Tự chấm điểm", "3.2")
    _, subs = checked_by_file(inputs, validator)
    issue = next(i for i in subs[SAPA].issues if i.rule == "missing_code")
    assert "3.2" in issue.message and issue.sheet == "Tự chấm điểm"


def test_an_unknown_code_with_a_score_is_an_error_but_a_total_row_is_not(
    inputs: Path, validator: Validator, edit_row: EditFn
) -> None:
    """'7.1' with a score is refused; a 'Tổng cộng' row holding a sum is a total row and ignored."""
    path = inputs / "2025" / SAPA
    cell = edit_row(path, "Tự chấm điểm", "6.3", "Mã tiêu chí", "7.1")
    wb = openpyxl.load_workbook(path)
    ws = wb["Tự chấm điểm"]
    row, _ = find_cell(ws, "Tổng cộng")
    _, col = find_cell(ws, "Điểm tự chấm")
    ws.cell(row=row, column=col).value = 93.72
    wb.save(path)
    _, subs = checked_by_file(inputs, validator)
    rules = errors(subs[SAPA])
    assert ("unknown_code", "Tự chấm điểm", cell) in rules
    assert {r for r, _, _ in rules} == {"unknown_code", "missing_code"}


@pytest.mark.parametrize("written", ["D\u200b1", "\ufeffD1", "D1\u00ad", "Ｄ1", "𝐃1"], ids=repr)
def test_a_deduction_code_read_by_a_person_as_d1_counts_as_d1(
    inputs: Path, validator: Validator, edit_row: EditFn, written: str
) -> None:
    """A zero-width space, byte-order mark or soft hyphen in ``D1``, or a full-width or bold ``Ｄ1``, reads as D1
    to the auditor: it counts as D1. Such a line used to be taken for a heading and skipped in silence, so a ward
    could keep its deduction out of its total while its workbook showed it."""
    path = inputs / "2025" / SAPA
    edit_row(path, "Thưởng - Trừ", "D1", "Số lần", 2)
    edit_row(path, "Thưởng - Trừ", "D1", "Mã", written)
    _, subs = checked_by_file(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED
    assert annual_report(subs[SAPA], load_year(inputs, 2025).catalogue).counts["D1"] == 2


def test_a_code_written_with_a_look_alike_letter_is_an_unknown_code_never_a_heading(
    inputs: Path, validator: Validator, edit_row: EditFn
) -> None:
    """``Т1`` with a Cyrillic Т and a count is refused as an unknown code, the foreign letter named; before, it was
    taken for a heading and its count dropped without a word."""
    cell = edit_row(inputs / "2025" / SAPA, "Thưởng - Trừ", "T1", "Mã", "Т1")
    _, subs = checked_by_file(inputs, validator)
    assert ("unknown_code", "Thưởng - Trừ", cell) in errors(subs[SAPA])
    issue = next(i for i in subs[SAPA].issues if i.rule == "unknown_code")
    assert "chữ Т không phải chữ cái Latin" in issue.message


def _set_info(path: Path, label: str, value: object) -> str:
    wb = openpyxl.load_workbook(path)
    ws = wb["Thông tin"]
    row, col = find_cell(ws, label)
    ws.cell(row=row, column=col + 1).value = value
    wb.save(path)
    return ws.cell(row=row, column=col + 1).coordinate


@pytest.mark.parametrize(
    ("label", "value", "rule"),
    [
        ("Đơn vị", "Phường Hoàng Liên", "ward_unknown"),
        ("Mã đơn vị", "LAOCAI", "ward_code_mismatch"),
        ("Năm", 2024, "year_mismatch"),
    ],
)
def test_identity_problems_reject_the_file(
    inputs: Path, validator: Validator, label: str, value: object, rule: str
) -> None:
    """A ward outside the roster, a code that disagrees with the name, or the wrong year."""
    cell = _set_info(inputs / "2025" / SAPA, label, value)
    _, subs = checked_by_file(inputs, validator)
    assert (rule, "Thông tin", cell) in errors(subs[SAPA])


def test_a_name_without_diacritics_is_accepted_with_a_warning(inputs: Path, validator: Validator) -> None:
    """'PHUONG SA PA' still names exactly one ward."""
    _set_info(inputs / "2025" / SAPA, "Đơn vị", "PHUONG SA PA")
    _, subs = checked_by_file(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED and subs[SAPA].ward_code == "SAPA"
    assert any(i.rule == "ward_without_diacritics" for i in subs[SAPA].issues)


def test_a_later_resubmission_supersedes_and_equal_dates_conflict(inputs: Path, validator: Validator) -> None:
    """The later Ngày lập wins; with equal dates both are rejected as a conflict."""
    later = inputs / "2025" / "annual" / "sapa-sua-lai.xlsx"
    shutil.copy(inputs / "2025" / SAPA, later)
    _set_info(later, "Ngày lập", date(2026, 1, 12))
    _, subs = checked_by_file(inputs, validator)
    assert subs[SAPA].status is Status.SUPERSEDED
    assert subs[SAPA].superseded_by == "annual/sapa-sua-lai.xlsx"
    assert subs["annual/sapa-sua-lai.xlsx"].status is Status.ACCEPTED
    _set_info(later, "Ngày lập", subs[SAPA].prepared_on)
    _, subs = checked_by_file(inputs, validator)
    assert subs[SAPA].status is Status.REJECTED and subs["annual/sapa-sua-lai.xlsx"].status is Status.REJECTED
    assert any(i.rule == "conflicting_submissions" for i in subs[SAPA].issues)


def test_a_bad_appraisal_row_is_skipped_and_the_rest_applies(inputs: Path, validator: Validator) -> None:
    """An unknown ward on one appraisal row rejects that row only."""
    path = inputs / "2025" / "appraisal" / "tham-dinh-2025.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Thẩm định"]
    row, col = find_cell(ws, "Phường Lào Cai")
    ws.cell(row=row, column=col).value = "Phường Bắc Hà"
    wb.save(path)
    config, subs = checked_by_file(inputs, validator)
    appraisal = subs["appraisal/tham-dinh-2025.xlsx"]
    assert appraisal.status is Status.ACCEPTED
    assert [i.cell for i in appraisal.issues if i.rule == "ward_unknown"] == [
        f"{ws.cell(row=row, column=col).coordinate}"
    ]
    result = review(list(subs.values()), config.bloc, config.catalogue, None)
    laocai = next(r for r in result.ranking.rows if r.ward.code == "LAOCAI")
    assert laocai.score is not None and laocai.score.bonus == Decimal(
        "2.50"
    )  # T1 stays 2 (the 2→1 row is skipped) + T3 0.5
    assert len(accepted_appraisals([appraisal], config.bloc)) == 3


def test_a_percent_above_100_is_an_error_for_a_share(inputs: Path, validator: Validator, edit_row: EditFn) -> None:
    """CT02 (at most 100 %) at 101 is refused; the cell is named."""
    month = inputs / "2025" / "monthly" / "2025-12"
    path = next(p for p in month.iterdir() if "sapa" in p.name)
    cell = edit_row(path, "Chỉ tiêu", "CT02", "Lũy kế từ đầu năm", 101)
    _, subs = checked_by_file(inputs, validator)
    sub = subs[f"monthly/2025-12/{path.name}"]
    assert ("above_100_percent", "Chỉ tiêu", cell) in errors(sub)


@pytest.mark.parametrize(("written", "warned"), [("3.044", True), ("3,044", False), (3044, False), ("97.500", False)])
def test_a_year_to_date_text_whose_dot_may_group_thousands_is_read_as_a_decimal_and_warned(
    inputs: Path, validator: Validator, edit_row: EditFn, written: object, warned: bool
) -> None:
    """``3.044`` typed as text (3,044 by spec §3, but three thousand and forty-four as Vietnamese write it) is read
    as 3.044 and the ward warned at its cell: before, such a count of people scored near nothing without a word in
    a first month. A decimal comma, a number cell, or a percentage (where thousands make no sense) say nothing."""
    month = inputs / "2025" / "monthly" / "2025-12"
    path = next(p for p in month.iterdir() if "sapa" in p.name)
    code = "CT02" if written == "97.500" else "CT08"
    cell = edit_row(path, "Chỉ tiêu", code, "Lũy kế từ đầu năm", written)
    _, subs = checked_by_file(inputs, validator)
    sub = subs[f"monthly/2025-12/{path.name}"]
    found = [i for i in sub.issues if i.rule == "ambiguous_dot"]
    assert sub.status is Status.ACCEPTED
    assert [(i.severity, i.cell, i.value) for i in found] == ([(Severity.WARNING, cell, "3.044")] if warned else [])
    if warned:
        assert "được đọc là 3,044" in found[0].message and "nhập 3044" in found[0].hint


def test_a_file_with_thousands_of_issues_lists_the_first_hundred_then_counts_the_rest() -> None:
    """Every output lists 100 issues of a file, then one line saying how many more errors and warnings."""
    issues = tuple(Issue(Severity.ERROR, "unknown_code", f"Mã {k}", "Xóa dòng.", "S", f"A{k}") for k in range(9_950))
    issues += tuple(Issue(Severity.WARNING, "no_evidence", "Thiếu", "Ghi.", "S", "E1") for _ in range(50))
    capped = capped_issues(issues)
    assert len(capped) == MAX_LISTED_ISSUES + 1 == 101
    assert capped[:100] == issues[:100]
    assert capped[-1].rule == "more_issues" and capped[-1].severity is Severity.ERROR
    assert "… và 9.850 lỗi và 50 cảnh báo khác" in capped[-1].message


# --- Resubmissions: one submission counts per ward, kind and period; the later Ngày lập wins --------------


def annual(name: str, prepared_on: date | None, ward: str = "SAPA", written: object = None) -> Submission:
    file = InputFile(Path("/inputs/2025/annual") / name, f"annual/{name}", name.encode().hex(), Kind.ANNUAL)
    book = Workbook("Thông tin", {"prepared_on": CellValue(written, "B5")}, {})
    return Submission(file, Kind.ANNUAL, "2025", ward, prepared_on, workbook=book)


def test_the_later_date_wins_and_the_earlier_file_is_told_it_was_replaced() -> None:
    """The earlier file is superseded, with a warning naming the later file and its date."""
    first, second = annual("sapa.xlsx", date(2026, 1, 5)), annual("sapa-sua.xlsx", date(2026, 1, 9))
    settled = resolve_resubmissions([first, second])
    assert [s.status for s in settled] == [Status.SUPERSEDED, Status.ACCEPTED]
    assert settled[0].superseded_by == "annual/sapa-sua.xlsx"
    (notice,) = settled[0].issues
    assert notice.severity is Severity.WARNING and "annual/sapa-sua.xlsx, lập ngày 09/01/2026" in notice.message
    assert settled[1] is second


def test_equal_or_missing_dates_reject_every_file_of_the_ward() -> None:
    """Which file is newer cannot be told: all are rejected, and the secretariat is told to keep one."""
    for dates in [(date(2026, 1, 5), date(2026, 1, 5)), (date(2026, 1, 5), None)]:
        settled = resolve_resubmissions([annual("a.xlsx", dates[0]), annual("b.xlsx", dates[1])])
        assert [s.status for s in settled] == [Status.REJECTED, Status.REJECTED]
        for sub in settled:
            (issue,) = sub.issues
            assert issue.rule == "conflicting_submissions" and "annual/a.xlsx, annual/b.xlsx" in issue.message
            assert (issue.sheet, issue.cell, issue.column) == ("Thông tin", "B5", "Ngày lập")


def test_a_conflict_quotes_the_date_written_in_each_files_cell() -> None:
    """The conflict names the ``Ngày lập`` cell and the value as the ward wrote it (spec §5), a date as Excel
    shows it; a blank cell has no value to quote."""
    same = date(2025, 12, 22)
    settled = resolve_resubmissions(
        [annual("a.xlsx", same, written=datetime(2025, 12, 22)), annual("b.xlsx", same, written="22/12/2025")]
    )
    assert [(i.cell, i.value) for s in settled for i in s.issues] == [("B5", "22/12/2025"), ("B5", "22/12/2025")]
    blank = resolve_resubmissions([annual("a.xlsx", same, written=datetime(2025, 12, 22)), annual("b.xlsx", None)])
    assert [i.value for s in blank for i in s.issues] == ["22/12/2025", None]


def test_settling_leaves_the_submissions_given_as_they_were() -> None:
    """Settling returns new submissions in the same order; the ones handed in keep status and issues."""
    given = [annual("a.xlsx", date(2026, 1, 5)), annual("x.xlsx", None, ward="LAOCAI"), annual("b.xlsx", None)]
    settled = resolve_resubmissions(given)
    assert all(s.status is Status.ACCEPTED and s.issues == () for s in given)
    assert [s.file.rel for s in settled] == [s.file.rel for s in given]
    assert settled[1] is given[1]  # alone for its ward: untouched
