"""Intake of the wards' files: bulk validation names the file, sheet and cell of every problem."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Issue, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import MAX_LISTED_ISSUES, capped_issues, read_all, validate_all
from tasks.scoring.review import accepted_appraisals, review
from tasks.validation.reports import annual_report
from tasks.validation.suites import Validator
from tests.support.sample import EditFn, find_cell

SAPA = "annual/tu-cham-diem-2025-sapa.xlsx"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def intake(inputs: Path, validator: Validator) -> tuple[YearConfig, dict[str, Submission]]:
    config = load_year(inputs, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    checked = validate_all(subs, config.bloc, config.catalogue, validator)
    return config, {s.file.rel: s for s in checked}


def errors(sub: Submission) -> list[tuple[str, str | None, str | None]]:
    return [(i.rule, i.sheet, i.cell) for i in sub.issues if i.severity is Severity.ERROR]


def test_the_sample_submissions_are_all_accepted(inputs: Path, validator: Validator) -> None:
    """Fifty honest files with real-world deviations pass with no error."""
    _, subs = intake(inputs, validator)
    assert len(subs) == 50
    assert all(s.status is Status.ACCEPTED for s in subs.values()), {k: errors(s) for k, s in subs.items()}


def test_a_score_above_the_maximum_names_the_cell(inputs: Path, validator: Validator, edit_row: EditFn) -> None:
    """The ward is told the sheet, the cell, the value and the maximum, in Vietnamese."""
    cell = edit_row(inputs / "2025" / SAPA, "Tự chấm điểm", "1.1", "Điểm tự chấm", 6)
    _, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
    assert (rule, "Tự chấm điểm", cell) in errors(subs[SAPA])
    assert all(s.status is Status.ACCEPTED for k, s in subs.items() if k != SAPA)


def test_a_decimal_comma_typed_as_text_is_a_number(inputs: Path, validator: Validator, edit_row: EditFn) -> None:
    """'4,5' typed as text is read as 4.5."""
    edit_row(inputs / "2025" / SAPA, "Tự chấm điểm", "1.2", "Điểm tự chấm", "3,5")
    _, subs = intake(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED


def _delete_row(path: Path, sheet: str, code: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row, _ = find_cell(ws, code)
    ws.delete_rows(row)
    wb.save(path)


def test_a_missing_criterion_is_an_error(inputs: Path, validator: Validator) -> None:
    """Every criterion of the catalogue must appear."""
    _delete_row(inputs / "2025" / SAPA, "Tự chấm điểm", "3.2")
    _, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED
    assert annual_report(subs[SAPA], load_year(inputs, 2025).catalogue).counts["D1"] == 2


def test_a_code_written_with_a_look_alike_letter_is_an_unknown_code_never_a_heading(
    inputs: Path, validator: Validator, edit_row: EditFn
) -> None:
    """``Т1`` with a Cyrillic Т and a count is refused as an unknown code, the foreign letter named; before, it was
    taken for a heading and its count dropped without a word."""
    cell = edit_row(inputs / "2025" / SAPA, "Thưởng - Trừ", "T1", "Mã", "Т1")
    _, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
    assert (rule, "Thông tin", cell) in errors(subs[SAPA])


def test_a_name_without_diacritics_is_accepted_with_a_warning(inputs: Path, validator: Validator) -> None:
    """'PHUONG SA PA' still names exactly one ward."""
    _set_info(inputs / "2025" / SAPA, "Đơn vị", "PHUONG SA PA")
    _, subs = intake(inputs, validator)
    assert subs[SAPA].status is Status.ACCEPTED and subs[SAPA].ward_code == "SAPA"
    assert any(i.rule == "ward_without_diacritics" for i in subs[SAPA].issues)


def test_a_later_resubmission_supersedes_and_equal_dates_conflict(inputs: Path, validator: Validator) -> None:
    """The later Ngày lập wins; with equal dates both are rejected as a conflict."""
    later = inputs / "2025" / "annual" / "sapa-sua-lai.xlsx"
    shutil.copy(inputs / "2025" / SAPA, later)
    _set_info(later, "Ngày lập", date(2026, 1, 12))
    _, subs = intake(inputs, validator)
    assert subs[SAPA].status is Status.SUPERSEDED
    assert subs[SAPA].superseded_by == "annual/sapa-sua-lai.xlsx"
    assert subs["annual/sapa-sua-lai.xlsx"].status is Status.ACCEPTED
    _set_info(later, "Ngày lập", subs[SAPA].prepared_on)
    _, subs = intake(inputs, validator)
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
    config, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
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
    _, subs = intake(inputs, validator)
    sub = subs[f"monthly/2025-12/{path.name}"]
    found = [i for i in sub.issues if i.rule == "ambiguous_dot"]
    assert sub.status is Status.ACCEPTED
    assert [(i.severity, i.cell, i.value) for i in found] == ([(Severity.WARNING, cell, "3.044")] if warned else [])
    if warned:
        assert "được đọc là 3,044" in found[0].message and "nhập 3044" in found[0].hint


def test_discovery_skips_lock_and_hidden_files_and_lists_by_name(tmp_path: Path) -> None:
    """It lists each folder's files by name with their hashes, never Excel's ``~$`` lock files or hidden files, nor
    an empty sub-folder (it hides no file)."""
    annual = tmp_path / "annual"
    annual.mkdir()
    for name in ("b.xlsx", "a.xlsx", "~$a.xlsx", ".hidden.xlsx", "ghi-chu.txt"):
        (annual / name).write_bytes(name.encode())
    (annual / "sub-folder").mkdir()
    (tmp_path / "monthly" / "2025-12").mkdir(parents=True)
    (tmp_path / "monthly" / "2025-12" / "x.xlsm").write_bytes(b"x")

    found = [(f.rel, f.kind.value, month, f.sha256[:8]) for f, month in discover(tmp_path)]

    assert found == [
        ("annual/a.xlsx", "annual", None, "90e06ba3"),
        ("annual/b.xlsx", "annual", None, "e1184ff5"),
        ("annual/ghi-chu.txt", "unknown", None, "0f72535c"),
        ("monthly/2025-12/x.xlsm", "monthly", "2025-12", "2d711642"),
    ]


def test_a_file_with_thousands_of_issues_lists_the_first_hundred_then_counts_the_rest() -> None:
    """Every output lists 100 issues of a file, then one line saying how many more errors and warnings."""
    issues = tuple(Issue(Severity.ERROR, "unknown_code", f"Mã {k}", "Xóa dòng.", "S", f"A{k}") for k in range(9_950))
    issues += tuple(Issue(Severity.WARNING, "no_evidence", "Thiếu", "Ghi.", "S", "E1") for _ in range(50))
    capped = capped_issues(issues)
    assert len(capped) == MAX_LISTED_ISSUES + 1 == 101
    assert capped[:100] == issues[:100]
    assert capped[-1].rule == "more_issues" and capped[-1].severity is Severity.ERROR
    assert "… và 9.850 lỗi và 50 cảnh báo khác" in capped[-1].message


@pytest.mark.parametrize("cached", [False, True])
def test_a_sub_folder_is_refused_but_not_counted_as_a_file_read(inputs: Path, tmp_path: Path, cached: bool) -> None:
    """'Đọc hồ sơ: 50 tệp' with annual/cu/ beside the 50 files: the folder is named (rejected as 'subfolder')
    but the reading bar counts files only, on a first run and on a rerun from the cache."""
    config = load_year(inputs, 2025)
    folder = config.year_dir / "annual" / "cu"
    folder.mkdir()
    shutil.copy(config.year_dir / "annual" / "tu-cham-diem-2025-sapa.xlsx", folder)
    cache = tmp_path / "cache"
    files = discover(config.year_dir)
    if cached:
        read_all(files, config.bloc, config.catalogue, cache)
    steps: list[int] = []
    subs = read_all(files, config.bloc, config.catalogue, cache, progress=steps.append)
    assert sum(steps) == len(files) - 1 == 50
    (entry,) = [s for s in subs if s.file.rel == "annual/cu"]
    assert (entry.status, [i.rule for i in entry.issues]) == (Status.REJECTED, ["subfolder"])


OUTSIDE_WINDOW = (
    "Thư mục tháng 08/2025 (monthly/2025-08/) nằm ngoài khoảng theo dõi của năm 2025 (từ 09/2025 đến 12/2025): "
    "báo cáo trong thư mục này không được tính."
)


def test_a_report_in_a_month_folder_outside_the_window_is_refused_and_told_to_its_ward(
    inputs: Path, validator: Validator
) -> None:
    """A report put in ``monthly/2025-08/`` (the window starts in September) is listed, rejected by its own rule
    naming the folder and the window, and attributed to the ward it names; it neither supersedes nor conflicts
    with that ward's reports of the window, and a note beside it is refused the same way."""
    year_dir = inputs / "2025"
    august = year_dir / "monthly" / "2025-08"
    august.mkdir()
    shutil.copy(year_dir / "monthly" / "2025-09" / "bao-cao-chi-tieu-2025-09-sapa.xlsx", august / "sapa.xlsx")
    (august / "ghi-chu.txt").write_text("tháng 8", encoding="utf-8")
    _, subs = intake(inputs, validator)
    report, note = subs["monthly/2025-08/sapa.xlsx"], subs["monthly/2025-08/ghi-chu.txt"]
    assert (report.status, report.ward_code, report.period) == (Status.REJECTED, "SAPA", "2025-08")
    assert report.file.sha256
    first = report.issues[0]
    assert (first.rule, first.severity, first.message) == ("outside_window", Severity.ERROR, OUTSIDE_WINDOW)
    assert first.hint.startswith("Báo cáo tháng chỉ được tính cho các tháng từ 09/2025 đến 12/2025.")
    assert [i.rule for i in report.issues[1:]] == ["period_mismatch"]  # its Kỳ báo cáo says September
    assert [i.rule for i in note.issues] == ["outside_window", "not_a_workbook"]
    assert len(subs) == 52
    assert all(s.status is Status.ACCEPTED for k, s in subs.items() if not k.startswith("monthly/2025-08/"))
