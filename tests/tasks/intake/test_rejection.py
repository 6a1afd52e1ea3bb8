"""Every error of spec §3.5 rejects the submission and tells the ward exactly why, where and how to fix it.

Each case writes Sa Pa's files from scratch with one fault and checks the issue it gives: rule, sheet and
cell, the column header and the value as the ward wrote them, and a Vietnamese message and hint. Hostile files
(zip bomb, XXE) are refused quickly and never stop the other wards; files that are not workbooks at all
(encrypted, .xls, text, Word) are tested with the reader, in ``test_read.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Issue, Kind, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read import open_submission
from tasks.intake.read_all import read_all
from tasks.outputs.csv_json import summary_json
from tasks.outputs.writes import feedback_writes
from tasks.scoring.review import review
from tasks.validation.reports import annual_report, monthly_report
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all, validate_rows
from tests.support.hostile_files import lying_zip_bomb, ole_container, rewrite_part, xxe, zip_bomb
from tests.support.office_files import (
    COUNTS,
    INDICATORS,
    INFO,
    SAMPLE,
    SCORES,
    Book,
    address,
    book_bytes,
    input_file,
    sapa_annual,
    sapa_december,
    write_book,
)
from tests.support.wording import vietnamese

PERIOD = "2025-12"
MOMENT = datetime(2026, 1, 15, 8, 0)


@dataclass(frozen=True)
class Expected:
    """The issue a fault must produce (None: not checked, e.g. a file-level issue has no cell)."""

    rule: str
    sheet: str | None = None
    cell: str | None = None
    column: str | None = None
    value: str | None = None
    words: tuple[str, ...] = ()


Fault = Callable[[Book], Expected]


def _score_cell(book: Book, code: str, header: str = "Điểm tự chấm") -> tuple[int, int]:
    grid = book.sheet(SCORES)
    return grid.row_of(code), grid.column(header)


def _set(book: Book, sheet: str, cell: tuple[int, int], value: object) -> str:
    book.sheet(sheet).set(*cell, value)
    return address(*cell)


def _score_fault(code: str, value: object, rule: str, shown: str | None, *words: str) -> Fault:
    def fault(book: Book) -> Expected:
        where = _set(book, SCORES, _score_cell(book, code), value)
        return Expected(rule, SCORES, where, "Điểm tự chấm", shown, (code, *words))

    return fault


def header_as_written(book: Book) -> Expected:
    """The sheet and header as the ward wrote them are quoted, not the canonical names."""
    book.sheet(SCORES).name = "TU CHAM DIEM"
    grid = book.sheet("TU CHAM DIEM")
    c = grid.column("Điểm tự chấm")
    grid.rows[grid.header()][c] = "Điểm tự\nchấm"
    where = _set(book, "TU CHAM DIEM", (grid.row_of("2.4"), c), 5.5)
    return Expected("above_max", "TU CHAM DIEM", where, "Điểm tự\nchấm", "5,5", ("2.4", "vượt điểm tối đa 5"))


def missing_sheet(book: Book) -> Expected:
    book.sheets = [g for g in book.sheets if g.name != COUNTS]
    return Expected("missing_sheet", COUNTS, None, None, None, ("Thiếu trang tính", "'Tự chấm điểm'"))


def missing_info_sheet(book: Book) -> Expected:
    book.sheets = [g for g in book.sheets if g.name != INFO]
    return Expected("missing_sheet", INFO, None, None, None, ("Thiếu trang tính 'Thông tin'",))


def missing_column(book: Book) -> Expected:
    grid = book.sheet(SCORES)
    grid.rows[grid.header()][grid.column("Điểm tự chấm")] = "Điểm"
    return Expected("missing_column", SCORES, None, "Điểm tự chấm", None, ("thiếu cột bắt buộc: Điểm tự chấm",))


def _info_fault(label: str, value: object, rule: str, shown: str | None, *words: str) -> Fault:
    def fault(book: Book) -> Expected:
        info = book.sheet(INFO)
        where = _set(book, INFO, (info.find(label)[0], 1), value)
        return Expected(rule, INFO, where, label, shown, words)

    return fault


def unknown_code_with_a_score(book: Book) -> Expected:
    grid = book.sheet(SCORES)
    cell = grid.row_of("6.3"), grid.column("Mã tiêu chí")
    grid.rows.append(["7.1", "Tiêu chí không có trong bộ tiêu chí", 3, 2.5, "Báo cáo số 1"])
    where = address(len(grid.rows) - 1, cell[1])
    return Expected("unknown_code", SCORES, where, "Mã tiêu chí", "7.1", ("7.1", "không có trong bộ tiêu chí"))


def missing_code(book: Book) -> Expected:
    grid = book.sheet(SCORES)
    del grid.rows[grid.row_of("3.2")]
    return Expected("missing_code", SCORES, None, "Mã tiêu chí", "3.2", ("Thiếu tiêu chí 3.2",))


def code_twice(book: Book) -> Expected:
    grid = book.sheet(SCORES)
    grid.rows.append(list(grid.rows[grid.row_of("1.1")]))
    where = address(len(grid.rows) - 1, grid.column("Mã tiêu chí"))
    return Expected("duplicate_code", SCORES, where, "Mã tiêu chí", "1.1", ("1.1", "nhiều lần"))


def unknown_bonus_code(book: Book) -> Expected:
    grid = book.sheet(COUNTS)
    grid.rows.append(["T9", "Mục thưởng tự đặt", 1, None])
    where = address(len(grid.rows) - 1, 0)
    return Expected("unknown_code", COUNTS, where, "Mã", "T9", ("T9", "không phải là mã điểm thưởng/điểm trừ"))


def bonus_code_twice(book: Book) -> Expected:
    grid = book.sheet(COUNTS)
    grid.rows.append(["T1", "Lặp lại", 1, None])
    where = address(len(grid.rows) - 1, 0)
    return Expected("duplicate_code", COUNTS, where, "Mã", "T1", ("T1", "nhiều lần"))


def _count_fault(value: object, rule: str, shown: str, *words: str) -> Fault:
    def fault(book: Book) -> Expected:
        grid = book.sheet(COUNTS)
        where = _set(book, COUNTS, (grid.row_of("T2"), grid.column("Số lần")), value)
        return Expected(rule, COUNTS, where, "Số lần", shown, ("T2", *words))

    return fault


def formula_without_cached_value(book: Book) -> Expected:
    cell = _score_cell(book, "1.3")
    book.sheet(SCORES).formulas[cell] = ("1+2", None)
    return Expected("formula_without_value", SCORES, address(*cell), None, None, ("công thức", "Excel"))


def _ytd_fault(code: str, value: object, rule: str, shown: str | None, *words: str, fmt: str | None = None) -> Fault:
    def fault(book: Book) -> Expected:
        grid = book.sheet(INDICATORS)
        cell = grid.row_of(code), grid.column("Lũy kế từ đầu năm")
        if fmt:
            grid.formats[cell] = fmt
        return Expected(rule, INDICATORS, _set(book, INDICATORS, cell, value), "Lũy kế từ đầu năm", shown, words)

    return fault


def _period_fault(book: Book) -> Expected:
    info = book.sheet(INFO)
    where = _set(book, INFO, (info.find("Kỳ báo cáo")[0], 1), "Tháng 11/2025")
    return Expected("period_mismatch", INFO, where, "Kỳ báo cáo", "Tháng 11/2025", ("tháng 12/2025",))


ANNUAL_FAULTS: dict[str, Fault] = {
    "missing_sheet": missing_sheet,
    "missing_info_sheet": missing_info_sheet,
    "missing_column": missing_column,
    "ward_blank": _info_fault("Đơn vị", None, "ward_missing", None, "Chưa ghi tên đơn vị"),
    "ward_not_in_roster": _info_fault(
        "Đơn vị", "Phường Hoàng Liên", "ward_unknown", "Phường Hoàng Liên", "không có trong danh sách Khối"
    ),
    "ward_code_disagrees": _info_fault("Mã đơn vị", "LAOCAI", "ward_code_mismatch", "LAOCAI", "không khớp", "Sa Pa"),
    "year_mismatch": _info_fault("Năm", 2024, "year_mismatch", "2024", "năm 2025"),
    "unknown_code_with_a_score": unknown_code_with_a_score,
    "missing_code": missing_code,
    "code_twice": code_twice,
    "unknown_bonus_code": unknown_bonus_code,
    "bonus_code_twice": bonus_code_twice,
    "score_missing": _score_fault("1.2", None, "score_missing", None, "Chưa nhập điểm"),
    "score_a_word": _score_fault("1.2", "tốt", "not_a_number", "tốt", "không phải là số"),
    "score_an_x": _score_fault("4.2", "x", "not_a_number", "x", "không phải là số"),
    "score_negative": _score_fault("1.2", -1, "negative", "-1", "không được âm"),
    "score_above_max": _score_fault("1.1", 6, "above_max", "6", "vượt điểm tối đa 5"),
    "score_three_decimals": _score_fault("1.2", 3.125, "too_many_decimals", "3,125", "quá 2 chữ số thập phân"),
    "count_not_whole": _count_fault(1.5, "not_whole", "1,5", "không phải số nguyên"),
    "count_negative": _count_fault(-1, "negative", "-1", "không được âm"),
    "count_a_word": _count_fault("hai", "not_a_number", "hai", "không phải là số"),
    "formula_without_cached_value": formula_without_cached_value,
    "header_as_written": header_as_written,
}

MONTHLY_FAULTS: dict[str, Fault] = {
    "period_mismatch": _period_fault,
    "ytd_missing": _ytd_fault("CT03", None, "ytd_missing", None, "Chưa nhập Lũy kế", "CT03"),
    "ytd_a_word": _ytd_fault("CT04", "tốt", "not_a_number", "tốt", "CT04", "không phải là số"),
    "ytd_negative": _ytd_fault("CT08", -5, "negative", "-5", "CT08", "không được âm"),
    "percent_above_100": _ytd_fault("CT02", 101, "above_100_percent", "101", "CT02", "101%", "vượt quá 100%"),
    "percent_cell_above_100": _ytd_fault(
        "CT05", 1.01, "above_100_percent", "1,01", "CT05", "101%", "vượt quá 100%", fmt="0%"
    ),
}


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def faults(
    tmp_path_factory: pytest.TempPathFactory, config: YearConfig, validator: Validator
) -> dict[str, tuple[Submission, Expected]]:
    """Every fault written into its own Sa Pa file; all validated in one bulk run."""
    folder = tmp_path_factory.mktemp("faults")
    cases: dict[str, tuple[Submission, Expected]] = {}
    for prefix, make, faults_of_kind, kind in (
        ("annual", sapa_annual, ANNUAL_FAULTS, Kind.ANNUAL),
        ("monthly", sapa_december, MONTHLY_FAULTS, Kind.MONTHLY),
    ):
        for name, fault in faults_of_kind.items():
            book = make()
            expected = fault(book)
            path = write_book(book, folder / f"{prefix}-{name}.xlsx")
            period = PERIOD if kind is Kind.MONTHLY else None
            cases[f"{prefix}/{name}"] = (
                open_submission(input_file(path, kind), config.bloc, config.catalogue, period),
                expected,
            )
    checked = validate_rows([sub for sub, _ in cases.values()], config.bloc, config.catalogue, validator)
    return {name: (sub, expected) for (name, (_, expected)), sub in zip(cases.items(), checked, strict=True)}


def assert_told(sub: Submission, expected: Expected) -> Issue:
    """The submission is rejected with an issue matching ``expected`` exactly, in Vietnamese."""
    assert sub.status is Status.REJECTED
    found = [i for i in sub.issues if i.rule == expected.rule]
    assert found, [(i.rule, i.sheet, i.cell, i.message) for i in sub.issues]
    issue = next((i for i in found if i.cell == expected.cell), found[0])
    assert issue.severity is Severity.ERROR
    got = (issue.sheet, issue.cell, issue.column, issue.value)
    assert got == (expected.sheet, expected.cell, expected.column, expected.value), issue
    for word in expected.words:
        assert word in issue.message, (word, issue.message)
    assert vietnamese(issue.message) and vietnamese(issue.hint), issue
    return issue


@pytest.mark.parametrize(
    "name", sorted(f"annual/{n}" for n in ANNUAL_FAULTS) + sorted(f"monthly/{n}" for n in MONTHLY_FAULTS)
)
def test_a_fault_is_told_precisely(faults: dict[str, tuple[Submission, Expected]], name: str) -> None:
    """File rejected; the issue names the sheet, the cell, the header and value as written, in Vietnamese."""
    sub, expected = faults[name]
    assert sub.file.path.name == f"{name.replace('/', '-')}.xlsx"
    assert_told(sub, expected)
    for issue in sub.issues:
        assert vietnamese(issue.message) and vietnamese(issue.hint), issue


def test_one_fault_gives_one_error(faults: dict[str, tuple[Submission, Expected]]) -> None:
    """A single bad cell is reported once, not echoed by other rules (a formula without result is not 'missing')."""
    for name in ("annual/score_above_max", "annual/formula_without_cached_value", "monthly/percent_above_100"):
        sub, _ = faults[name]
        assert len([i for i in sub.issues if i.severity is Severity.ERROR]) == 1, sub.issues


# --- Hostile workbooks (files that are not workbooks at all: test_read.py) -------------------------


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path, config: YearConfig) -> None:
    """100 MB once unzipped: refused from the zip directory, before anything is inflated."""
    path = zip_bomb(tmp_path / "bomb.xlsx")
    tracemalloc.start()
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
    assert [i.rule for i in sub.issues] == ["too_large"] and sub.status is Status.REJECTED
    assert vietnamese(sub.issues[0].message)
    assert re.search(r"\(\d{1,3}(\.\d{3})+ byte, ", sub.issues[0].message)  # 104.857.600, not 104,857,600


def test_a_zip_that_understates_a_part_is_not_inflated(tmp_path: Path, config: YearConfig) -> None:
    """The part is inflated only up to its declared size (no 50 MB in memory) and the file is refused."""
    path = lying_zip_bomb(tmp_path / "lying.xlsx")
    tracemalloc.start()
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 * 1024 * 1024
    assert [i.rule for i in sub.issues] == ["too_large"] and sub.status is Status.REJECTED
    assert "giải nén ra lớn hơn kích thước" in sub.issues[0].message


def test_a_sheet_of_millions_of_unaddressed_cells_is_refused(tmp_path: Path, config: YearConfig) -> None:
    """Cells without an address still count: a 1.5-million-column row is refused before calamine lays it out."""
    cells = b"".join(b'<c t="n"><v>%d</v></c>' % (n * 7919 % 100_003) for n in range(1_500_000))
    data = rewrite_part(
        book_bytes(sapa_annual()),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", b"<row>" + cells + b"</row></sheetData>"),
    )
    path = tmp_path / "wide.xlsx"
    path.write_bytes(data)
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    assert [i.rule for i in sub.issues] == ["too_large"] and "'Thông tin'" in sub.issues[0].message


def test_a_huge_declared_dimension_is_harmless(tmp_path: Path, config: YearConfig) -> None:
    """``<dimension ref="A1:XFD1048576">`` does not make the reader lay out a huge grid."""
    data = rewrite_part(
        book_bytes(sapa_annual()),
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1),
    )
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(data)
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    assert sub.workbook is not None and not sub.has_errors


@pytest.mark.parametrize(
    ("part", "padding", "encoding"),
    [("sheet", 0, "utf-8"), ("sheet", 5000, "utf-8"), ("styles", 0, "utf-8"), ("sheet", 0, "utf-16-le")],
    ids=["sheet", "after-a-long-comment", "styles", "utf-16"],
)
def test_an_xml_entity_is_never_resolved(
    tmp_path: Path, config: YearConfig, part: str, padding: int, encoding: str
) -> None:
    """A DOCTYPE/ENTITY anywhere (after padding, in UTF-16) refuses the file; the secret never shows up."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    path = xxe(tmp_path / "xxe.xlsx", secret, part=part, padding=padding, encoding=encoding)
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    assert [i.rule for i in sub.issues] == ["xml_entities"] and sub.workbook is None
    assert "TOP-SECRET" not in json.dumps([i.__dict__ for i in sub.issues], default=str)


# --- Resubmissions ----------------------------------------------------------------------------------


def _dated(folder: Path, name: str, when: object) -> Path:
    book = sapa_annual()
    info = book.sheet(INFO)
    info.set(info.find("Ngày lập")[0], 1, when)
    return write_book(book, folder / name)


@pytest.mark.parametrize(
    ("first", "second", "statuses"),
    [
        (date(2026, 1, 5), date(2026, 1, 12), ("superseded", "accepted")),
        (date(2026, 1, 12), "05/01/2026", ("accepted", "superseded")),
        (date(2026, 1, 5), date(2026, 1, 5), ("rejected", "rejected")),
        (None, None, ("rejected", "rejected")),
        (None, date(2026, 1, 12), ("rejected", "rejected")),
    ],
    ids=["later-wins", "later-wins-text-date", "equal-dates", "no-dates", "one-date-missing"],
)
def test_two_submissions_of_a_ward_later_date_wins_else_conflict(
    tmp_path: Path, config: YearConfig, validator: Validator, first: object, second: object, statuses: tuple[str, str]
) -> None:
    """The later Ngày lập wins; equal or missing dates reject both and tell the secretariat to remove one."""
    paths = [_dated(tmp_path, "sapa-1.xlsx", first), _dated(tmp_path, "sapa-2.xlsx", second)]
    subs = [open_submission(input_file(p, Kind.ANNUAL), config.bloc, config.catalogue, None) for p in paths]
    subs = validate_all(subs, config.bloc, config.catalogue, validator)
    assert tuple(s.status.value for s in subs) == statuses
    if statuses[0] == "rejected":
        issue = next(i for i in subs[0].issues if i.rule == "conflicting_submissions")
        assert "sapa-1.xlsx" in issue.message and "sapa-2.xlsx" in issue.message
        assert "Văn phòng Khối" in issue.hint and "chuyển các bản còn lại ra khỏi thư mục" in issue.hint
        assert (issue.sheet, issue.column) == (INFO, "Ngày lập")
    else:
        loser = subs[statuses.index("superseded")]
        assert loser.superseded_by == subs[statuses.index("accepted")].file.rel


# --- Unattributed files -----------------------------------------------------------------------------


def test_a_file_naming_no_roster_ward_is_unattributed_but_gets_every_issue(
    tmp_path: Path, config: YearConfig, validator: Validator
) -> None:
    """Rejected, no ward; its other faults are still reported; the hint mentions its name, which decides nothing."""
    book = sapa_annual()
    _info_fault("Đơn vị", "Phường Hoàng Liên", "ward_unknown", None)(book)
    _score_fault("1.1", 6, "above_max", None)(book)
    path = write_book(book, tmp_path / "tu-cham-diem-2025-sapa-ban-sua.xlsx")
    sub = open_submission(input_file(path, Kind.ANNUAL), config.bloc, config.catalogue, None)
    (sub,) = validate_all([sub], config.bloc, config.catalogue, validator)
    assert sub.status is Status.REJECTED and sub.ward_code is None
    assert {"ward_unknown", "above_max"} <= {i.rule for i in sub.issues}
    hint = next(i.hint for i in sub.issues if i.rule == "ward_unknown")
    assert "tu-cham-diem-2025-sapa-ban-sua.xlsx" in hint and "phường Sa Pa" in hint
    result = review([sub], config.bloc, config.catalogue, None)
    assert next(w for w in result.wards if w.ward_code == "SAPA").annual == "missing"
    assert all(row.score is None for row in result.ranking.rows)


# --- A folder with hostile files next to the good ones -----------------------------------------------


def _hostile_files(year_dir: Path) -> dict[str, str]:
    """Hostile and broken files dropped among the sample's; returns their path under the year → expected rule."""
    secret = year_dir.parent / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    annual, december = year_dir / "annual", year_dir / "monthly" / "2025-12"
    zip_bomb(annual / "bom-nen.xlsx")
    xxe(december / "xxe.xlsx", secret)
    (annual / "bang-cu.xls").write_bytes(ole_container({"Workbook": b"\x09\x08" * 3000}))
    (annual / "rong.xlsx").write_bytes(b"")
    (december / "ghi-chu.txt").write_text("Báo cáo gửi sau.", encoding="utf-8")
    (annual / "mat-khau.xlsx").write_bytes(
        ole_container({"EncryptionInfo": b"\x04" * 256, "EncryptedPackage": b"\x9a" * 70_000})
    )
    return {
        "annual/bom-nen.xlsx": "too_large",
        "monthly/2025-12/xxe.xlsx": "xml_entities",
        "annual/bang-cu.xls": "old_xls",
        "annual/rong.xlsx": "empty_file",
        "monthly/2025-12/ghi-chu.txt": "not_a_workbook",
        "annual/mat-khau.xlsx": "encrypted",
    }


def _intake(inputs: Path, config: YearConfig, validator: Validator) -> list[Submission]:
    year = load_year(inputs, 2025)
    subs = read_all(discover(year.year_dir), year.bloc, year.catalogue)
    return validate_all(subs, year.bloc, year.catalogue, validator)


def _typed(subs: list[Submission], config: YearConfig) -> dict[str, object]:
    out: dict[str, object] = {}
    for sub in subs:
        if sub.status is Status.ACCEPTED and sub.kind is Kind.ANNUAL:
            report = annual_report(sub, config.catalogue)
            out[sub.file.rel] = ({c: e.self_score for c, e in report.criteria.items()}, report.counts)
        elif sub.status is Status.ACCEPTED and sub.kind is Kind.MONTHLY:
            out[sub.file.rel] = {
                c: (e.ytd, e.month_value) for c, e in monthly_report(sub, config.catalogue).indicators.items()
            }
    return out


def _ranking(subs: list[Submission], config: YearConfig) -> list[tuple[object, ...]]:
    rows = review(subs, config.bloc, config.catalogue, None).ranking.rows
    return [(r.ward.code, r.rank, r.status, r.score.total if r.score else None, r.nomination) for r in rows]


def test_hostile_files_never_stop_the_others(inputs: Path, config: YearConfig, validator: Validator) -> None:
    """A zip bomb, an XXE file, an .xls, an empty and a text file next to the sample: quick, all accounted for,
    the good wards read and ranked exactly as without them."""
    clean = _intake(inputs, config, validator)
    expected = _hostile_files(inputs / "2025")
    year = load_year(inputs, 2025)
    subs = read_all(discover(year.year_dir), year.bloc, year.catalogue)
    subs = validate_all(subs, year.bloc, year.catalogue, validator)
    by_file = {s.file.rel: s for s in subs}
    assert set(by_file) == {s.file.rel for s in clean} | set(expected)
    for rel, rule in expected.items():
        sub = by_file[rel]
        assert sub.status is Status.REJECTED and [i.rule for i in sub.issues] == [rule], (rel, sub.issues)
        assert sub.ward_code is None
    assert _typed(subs, config) == _typed(clean, config)
    assert _ranking(subs, config) == _ranking(clean, config)
    assert "TOP-SECRET" not in summary_json("r", 2025, "2025", subs, [], config.bloc).decode()


# --- Safety of outputs and inputs ---------------------------------------------------------------------


FORMULA_NAME = '=HYPERLINK("http://evil.example/x","Sa Pa")'


def test_a_formula_typed_as_a_ward_name_stays_text_in_every_output(
    tmp_path: Path, config: YearConfig, validator: Validator
) -> None:
    """``=HYPERLINK(...)`` typed in Đơn vị: rejected, quoted as plain text in summary.json and the feedback."""
    book = sapa_annual()
    info = book.sheet(INFO)
    info.set(info.find("Đơn vị")[0], 1, FORMULA_NAME)
    path = write_book(book, tmp_path / "inputs" / "2025" / "annual" / "sapa.xlsx")
    sub = open_submission(
        input_file(path, Kind.ANNUAL, tmp_path / "inputs" / "2025"), config.bloc, config.catalogue, None
    )
    (sub,) = validate_all([sub], config.bloc, config.catalogue, validator)
    issue = next(i for i in sub.issues if i.rule == "ward_unknown")
    assert issue.value == FORMULA_NAME and sub.ward_code is None
    summary = json.loads(summary_json("run", 2025, "2025", [sub], [], config.bloc))
    assert summary["submissions"][0]["issues"][0]["value"] == FORMULA_NAME
    [write] = feedback_writes([sub], MOMENT, {})
    for relative in write.run(tmp_path).values():
        target = tmp_path / "validation" / relative
        with zipfile.ZipFile(target) as zf:
            for part in zf.namelist():
                if part.startswith("xl/worksheets/"):
                    assert b"<f>" not in zf.read(part) and b"HYPERLINK(" not in _formula_text(zf.read(part)), part
        wb = openpyxl.load_workbook(target)
        texts = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
        assert texts and all(c.data_type == "s" for c in texts)


def _formula_text(xml: bytes) -> bytes:
    """The text of every ``<f>`` element of a sheet part."""
    return b"".join(part.split(b"</f>")[0] for part in xml.split(b"<f>")[1:])


def _tree(root: Path) -> dict[str, tuple[str, int, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
            p.stat().st_mtime_ns,
            p.stat().st_size if p.is_file() else 0,
        )
        for p in sorted(root.rglob("*"))
    }


def test_nothing_is_ever_written_under_inputs(
    inputs: Path, config: YearConfig, validator: Validator, tmp_path: Path
) -> None:
    """Reading, validating, scoring and writing feedback leave the inputs tree byte- and time-identical."""
    _hostile_files(inputs / "2025")
    before = _tree(inputs)
    subs = _intake(inputs, config, validator)
    result = review(subs, config.bloc, config.catalogue, None)
    for write in feedback_writes(result.submissions, MOMENT, {w.code: w.name for w in config.bloc.members}):
        write.run(tmp_path / "out")
    summary_json("run", 2025, "2025", result.submissions, result.wards, config.bloc)
    assert _tree(inputs) == before
