"""Submissions as real offices send them: every deviation of spec §3.4 is accepted with the same values.

Each case writes Sa Pa's self-assessment (or December report) from scratch with one deviation, runs the real
intake (reading, identification, the stored suites) and compares the typed report with the one read from the
canonical sample file: same scores, counts and year-to-date values, no error, and only the warnings the spec
asks for. All cases are validated together in one bulk run, as the flows do.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import AnnualReport, Kind, MonthlyReport, Severity, Status, Submission
from tasks.intake.read import open_submission
from tasks.validation.reports import annual_report, monthly_report
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_rows
from tests.support.office_files import (
    COUNTS,
    GROUPS,
    INDICATORS,
    INFO,
    SAPA_ANNUAL,
    SAPA_DECEMBER,
    SCORES,
    Book,
    Grid,
    input_file,
    sapa_annual,
    sapa_december,
    write_book,
)

Deviation = Callable[[Book], None]
PERIOD = "2025-12"


# --- Layout deviations ----------------------------------------------------------------------------


def _tables(book: Book) -> list[Grid]:
    return [g for g in book.sheets if g.name in (SCORES, COUNTS, INDICATORS)]


def title_rows(book: Book) -> None:
    """Two title lines and a blank row above every header; a title above the info labels."""
    for grid in _tables(book):
        grid.insert_row(0, [f"BẢNG {grid.name.upper()} NĂM 2025"])
        grid.insert_row(1, ["Khối thi đua các phường – tỉnh Lào Cai"])
        grid.insert_row(2, [])
    book.sheet(INFO).insert_row(0, ["THÔNG TIN CHUNG"])
    book.sheet(INFO).insert_row(1, [])


def merged_titles(book: Book) -> None:
    """The title lines merged across the table, as templates do."""
    title_rows(book)
    for grid in _tables(book):
        width = len(grid.rows[grid.header()]) - 1
        grid.merged += [(0, 0, 0, width), (1, 0, 1, width)]
    book.sheet(INFO).merged.append((0, 0, 0, 1))


def blank_rows_inside(book: Book) -> None:
    """Blank rows under the header, between data rows and after the table."""
    for grid in _tables(book):
        rows = grid.data_rows()
        for r in reversed(rows[2::3]):
            grid.insert_row(r)
        grid.insert_row(grid.header() + 1)
        grid.rows += [[], []]
    book.sheet(INFO).insert_row(2)


def blank_columns_inside(book: Book) -> None:
    """The table starts in column B, an empty column splits it, a formatted empty cell lies far after it."""
    for grid in _tables(book):
        grid.insert_column(2)
        grid.insert_column(0)
        grid.formats[(len(grid.rows) + 40, 25)] = "0.00"
    book.sheet(INFO).insert_column(1)


def extra_and_reordered_sheets(book: Book) -> None:
    """A guide sheet first, a scratch sheet last, and the form's sheets in reverse order."""
    book.sheets.reverse()
    book.sheets.insert(0, Grid("Hướng dẫn", [["Hướng dẫn điền biểu mẫu"], ["- Không đổi mã tiêu chí."]]))
    book.sheets.append(Grid("Sheet1", [[1, 2, 3], ["nháp", None, 4.5]]))


def columns_reordered(book: Book) -> None:
    """Every table's columns in reverse order: notes first, the code last."""
    for grid in _tables(book):
        grid.permute_columns(list(range(len(grid.rows[grid.header()])))[::-1])


def stt_column(book: Book) -> None:
    """A numbering column (STT) in front of every table and of the info labels."""
    for grid in _tables(book):
        numbers: dict[int, object] = {r: n for n, r in enumerate(grid.data_rows(), start=1)}
        grid.insert_column(0, {**numbers, grid.header(): "STT"})
    info = book.sheet(INFO)
    info.insert_column(0, {r: r + 1 for r in range(len(info.rows))})


def _rename(book: Book, names: dict[str, str], headers: dict[str, str]) -> None:
    for grid in book.sheets:
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value in headers and (grid.name == INFO or r == grid.header()):
                    grid.rows[r][c] = headers[value]
    for grid in book.sheets:
        grid.name = names.get(grid.name, grid.name)


def names_without_diacritics(book: Book) -> None:
    """Sheet names, headers and labels typed without diacritics, in capitals or lower case."""
    _rename(
        book,
        {INFO: "THONG TIN", SCORES: "TU CHAM DIEM", COUNTS: "thuong - tru", INDICATORS: "CHI TIEU"},
        {
            "Mã tiêu chí": "Ma tieu chi",
            "Điểm tự chấm": "DIEM TU CHAM",
            "Điểm tối đa": "diem toi da",
            "Số lần": "SO LAN",
            "Mã": "MA",
            "Lũy kế từ đầu năm": "Luy ke tu dau nam",
            "Mã chỉ tiêu": "MÃ CHỈ TIÊU",
            "Đơn vị": "DON VI",
            "Mã đơn vị": "Ma don vi",
            "Năm": "NAM",
            "Kỳ báo cáo": "Ky bao cao",
            "Ngày lập": "NGAY LAP",
        },
    )


def names_with_spacing_and_line_breaks(book: Book) -> None:
    """Headers wrapped over two lines, doubled and trailing spaces, a trailing colon on labels."""
    _rename(
        book,
        {SCORES: "Tự chấm  điểm", COUNTS: "Thưởng-Trừ", INDICATORS: " Chỉ  tiêu"},
        {
            "Mã tiêu chí": "Mã tiêu\nchí",
            "Điểm tự chấm": "Điểm tự\nchấm",
            "Điểm tối đa": "Điểm\ntối  đa ",
            "Minh chứng": " Minh chứng",
            "Số lần": "Số\r\nlần",
            "Lũy kế từ đầu năm": "Lũy kế\ntừ đầu năm",
            "Thực hiện trong tháng": "Thực hiện\ntrong tháng",
            "Đơn vị": "Đơn vị:",
            "Ngày lập": "Ngày\nlập",
        },
    )


def _nfd(value: object) -> object:
    return unicodedata.normalize("NFD", value) if isinstance(value, str) else value


def everything_in_nfd(book: Book) -> None:
    """Every text (sheet names, headers, labels, ward name, evidence) decomposed (NFD), as some Macs save."""
    for grid in book.sheets:
        grid.name = unicodedata.normalize("NFD", grid.name)
        grid.rows = [[_nfd(v) for v in row] for row in grid.rows]


def _each_value(book: Book, sheet: str, column: str, change: Callable[[object], object]) -> None:
    grid = book.sheet(sheet)
    c = grid.column(column)
    for r in grid.data_rows():
        if grid.get(r, c) is not None:
            grid.set(r, c, change(grid.get(r, c)))


def _number_text(value: object, comma: bool = True) -> object:
    if not isinstance(value, float):
        return value
    text = format(Decimal(repr(value)).normalize(), "f")
    return text.replace(".", ",") if comma else text


def numbers_as_text_with_decimal_comma(book: Book) -> None:
    """Scores ``4,5``, counts ``2``, maxima and the year typed as text."""
    _each_value(book, SCORES, "Điểm tự chấm", _number_text)
    _each_value(book, SCORES, "Điểm tối đa", _number_text)
    _each_value(book, COUNTS, "Số lần", _number_text)
    info = book.sheet(INFO)
    info.set(info.find("Năm")[0], 1, " 2025 ")


def numbers_as_text_with_a_dot(book: Book) -> None:
    """Scores ``4.5`` and counts typed as text with a dot."""
    _each_value(book, SCORES, "Điểm tự chấm", lambda v: _number_text(v, comma=False))
    _each_value(book, COUNTS, "Số lần", lambda v: f"{_number_text(v, comma=False)} ")


def integers_stored_as_floats(book: Book) -> None:
    """Whole numbers stored as ``5.0`` (counts, maxima, whole scores, the year)."""
    for sheet, column in ((SCORES, "Điểm tối đa"), (SCORES, "Điểm tự chấm"), (COUNTS, "Số lần")):
        grid = book.sheet(sheet)
        c = grid.column(column)
        for r in grid.data_rows():
            value = grid.get(r, c)
            if isinstance(value, float) and value.is_integer():
                grid.stored[(r, c)] = f"{value:.1f}"
    info = book.sheet(INFO)
    info.stored[(info.find("Năm")[0], 1)] = "2025.0"


def codes_as_numbers(book: Book) -> None:
    """Criterion codes stored as numbers (``1.1``)."""
    _each_value(book, SCORES, "Mã tiêu chí", lambda v: float(str(v)))


def codes_with_a_trailing_dot(book: Book) -> None:
    """Criterion codes typed ``1.1.`` and T/D codes ``T1.``."""
    _each_value(book, SCORES, "Mã tiêu chí", lambda v: f"{v}.")
    _each_value(book, COUNTS, "Mã", lambda v: f"{v}.")


def formulas_with_cached_values(book: Book) -> None:
    """Scores, counts, the year, the date and the ward name are formulas whose results Excel stored."""
    scores = book.sheet(SCORES)
    c = scores.column("Điểm tự chấm")
    for r in scores.data_rows():
        scores.formulas[(r, c)] = (f"ROUND({scores.get(r, c)},2)", scores.get(r, c))
    col = chr(65 + c)
    total = sum(Decimal(repr(scores.get(r, c))) for r in scores.data_rows())
    scores.rows.append(["Tổng cộng"])
    scores.formulas[(len(scores.rows) - 1, c)] = (f"SUM({col}2:{col}{len(scores.rows) - 1})", float(total))
    counts = book.sheet(COUNTS)
    t1 = counts.row_of("T1"), counts.column("Số lần")
    counts.formulas[t1] = ("1+1", counts.get(*t1))
    info = book.sheet(INFO)
    info.formulas[(info.find("Đơn vị")[0], 1)] = ('"Phường "&"Sa Pa"', "Phường Sa Pa")
    info.formulas[(info.find("Năm")[0], 1)] = ("2024+1", 2025)
    when = info.find("Ngày lập")[0], 1
    info.formulas[when] = ("DATE(2026,1,5)", (date(2026, 1, 5) - date(1899, 12, 30)).days)
    info.formats[when] = "dd/mm/yyyy"


def formula_results_with_float_noise(book: Book) -> None:
    """A score computed by a formula whose stored result carries float noise (Excel shows 4,97)."""
    scores = book.sheet(SCORES)
    cell = scores.row_of("3.1"), scores.column("Điểm tự chấm")
    noisy = 4.07 + 0.9
    assert len(repr(noisy)) > 15 and round(noisy, 2) == scores.get(*cell)
    scores.formulas[cell] = ("4.07+0.9", noisy)


def spelled_out_date(book: Book) -> None:
    """``Ngày lập`` written as letters date it: ``Sa Pa, ngày 05 tháng 01 năm 2026``."""
    info = book.sheet(INFO)
    info.set(info.find("Ngày lập")[0], 1, "Sa Pa, ngày 05 tháng 01 năm 2026")


def codes_typed_with_a_decimal_comma(book: Book) -> None:
    """Criterion codes typed as text with a decimal comma (``1,1``)."""
    _each_value(book, SCORES, "Mã tiêu chí", lambda v: str(v).replace(".", ","))


def namespace_prefixes(book: Book) -> None:
    """Written by a program that prefixes every element (``<x:c>``), with title rows and formulas."""
    book.prefixed = True
    title_rows(book)
    formulas_with_cached_values(book)


def headings_and_totals(book: Book) -> None:
    """Group headings (I…VI) with sub-totals, a total row, a note and signatures, all with numbers in them."""
    scores = book.sheet(SCORES)
    code_col, score_col = scores.column("Mã tiêu chí"), scores.column("Điểm tự chấm")
    _group_rows(scores, code_col, score_col, {g: roman for g, (roman, _) in GROUPS.items()})
    scores.rows.append(["Tổng cộng", None, 100, 93.72, None, "Cộng điểm tự chấm: 93,72"])
    scores.rows.append(["Ghi chú: điểm các tiêu chí chỉ tiêu do Khối tính.", None, None, 1.5])
    scores.rows += [[], [None, "NGƯỜI LẬP BIỂU", None, None, "TM. ỦY BAN NHÂN DÂN PHƯỜNG"]]
    counts = book.sheet(COUNTS)
    first_d = counts.row_of("D1")
    counts.insert_row(first_d, ["II", "Điểm trừ", 0])
    counts.insert_row(counts.header() + 1, ["I", "Điểm thưởng", 5])
    counts.rows.append(["Cộng", None, 5])


def numbered_group_headings(book: Book) -> None:
    """Groups numbered 1…6 typed as numbers, sub-totals in the score column; bonus and deduction headings 1, 2."""
    scores = book.sheet(SCORES)
    code = scores.column("Mã tiêu chí")
    _group_rows(scores, code, scores.column("Điểm tự chấm"), {g: g for g in GROUPS})
    for r in scores.data_rows():
        if scores.get(r, code) in GROUPS:
            scores.set(r, code, float(str(scores.get(r, code))))
    counts = book.sheet(COUNTS)
    counts.insert_row(counts.row_of("D1"), [2.0, "Điểm trừ"])
    counts.insert_row(counts.header() + 1, [1.0, "Điểm thưởng"])


def _group_rows(grid: Grid, code_col: int, score_col: int, labels: dict[str, str]) -> None:
    for group in sorted(labels, reverse=True):
        members = [r for r in grid.data_rows() if str(grid.get(r, code_col)).split(".")[0] == group]
        subtotal = float(sum(Decimal(repr(grid.get(r, score_col))) for r in members))
        row: list[object] = [None] * len(grid.rows[grid.header()])
        row[code_col], row[code_col + 1], row[score_col] = labels[group], GROUPS[group][1], subtotal
        grid.insert_row(members[0], row)


def bonus_and_deduction_lines_left_out(book: Book) -> None:
    """D1 and D2 are not written and D3's count is blank: each counts 0."""
    counts = book.sheet(COUNTS)
    counts.set(counts.row_of("D3"), counts.column("Số lần"), None)
    for code in ("D2", "D1"):
        del counts.rows[counts.row_of(code)]


def a_dm_line(book: Book) -> None:
    """A DM line (computed by the pipeline) is ignored with a warning."""
    book.sheet(COUNTS).rows.append(["DM", "Không nộp báo cáo tháng", 1, None])


def merged_everything(book: Book) -> None:
    """All layout deviations at once, on top of each other."""
    for change in (
        merged_titles,
        stt_column,
        columns_reordered,
        blank_rows_inside,
        blank_columns_inside,
        headings_and_totals,
        extra_and_reordered_sheets,
        names_with_spacing_and_line_breaks,
    ):
        change(book)


ANNUAL_DEVIATIONS: dict[str, tuple[Deviation, set[str]]] = {
    "title_rows": (title_rows, set()),
    "merged_titles": (merged_titles, set()),
    "blank_rows_inside": (blank_rows_inside, set()),
    "blank_columns_inside_and_after": (blank_columns_inside, set()),
    "extra_and_reordered_sheets": (extra_and_reordered_sheets, set()),
    "columns_reordered": (columns_reordered, set()),
    "stt_column": (stt_column, set()),
    "names_without_diacritics": (names_without_diacritics, set()),
    "names_with_spacing_and_line_breaks": (names_with_spacing_and_line_breaks, set()),
    "everything_in_nfd": (everything_in_nfd, set()),
    "numbers_as_text_with_decimal_comma": (numbers_as_text_with_decimal_comma, set()),
    "numbers_as_text_with_a_dot": (numbers_as_text_with_a_dot, set()),
    "integers_stored_as_floats": (integers_stored_as_floats, set()),
    "codes_as_numbers": (codes_as_numbers, set()),
    "codes_with_a_trailing_dot": (codes_with_a_trailing_dot, set()),
    "formulas_with_cached_values": (
        formulas_with_cached_values,
        {"formula_not_recomputed"},
    ),  # counted cells holding formulas: one warning per sheet, they still count
    "headings_and_totals": (headings_and_totals, set()),
    "numbered_group_headings": (numbered_group_headings, set()),
    "bonus_and_deduction_lines_left_out": (bonus_and_deduction_lines_left_out, set()),
    "a_dm_line": (a_dm_line, {"computed_code_ignored"}),
    "formula_results_with_float_noise": (
        formula_results_with_float_noise,
        {"formula_not_recomputed"},
    ),  # counted cells holding formulas: one warning per sheet, they still count
    "spelled_out_date": (spelled_out_date, set()),
    "codes_typed_with_a_decimal_comma": (codes_typed_with_a_decimal_comma, set()),
    "namespace_prefixes": (
        namespace_prefixes,
        {"formula_not_recomputed"},
    ),  # counted cells holding formulas: one warning per sheet, they still count
    "all_layout_deviations_at_once": (merged_everything, set()),
}

WARD_NAMES: dict[str, tuple[str, set[str]]] = {
    "phuong_prefix": ("Phường Sa Pa", set()),
    "p_dot_prefix": ("P. Sa Pa", set()),
    "capitals": ("PHƯỜNG SA PA", set()),
    "bare_name": ("Sa Pa", set()),
    "nfd": (unicodedata.normalize("NFD", "Phường Sa Pa"), set()),
    "extra_spaces": ("  Phường   Sa  Pa ", set()),
    "line_break": ("Phường\nSa Pa", set()),
    "issuing_body": ("UBND phường Sa Pa", set()),
    "without_diacritics": ("Phuong Sa Pa", {"ward_without_diacritics"}),
}


def _percent(value: object) -> object:
    return float(Decimal(repr(value)) / 100) if isinstance(value, float) else value


def percent_cells(book: Book) -> None:
    """The % indicators' year-to-date, month and plan cells hold fractions formatted as percentages."""
    grid = book.sheet(INDICATORS)
    unit = grid.column("Đơn vị tính")
    for r in grid.data_rows():
        if grid.get(r, unit) != "%":
            continue
        for column, fmt in (("Lũy kế từ đầu năm", "0.0%"), ("Thực hiện trong tháng", "0.0%"), ("Kế hoạch năm", "0%")):
            c = grid.column(column)
            grid.set(r, c, _percent(grid.get(r, c)))
            grid.formats[(r, c)] = fmt


def monthly_numbers_as_text(book: Book) -> None:
    """Year-to-date and month values typed as text with a decimal comma (``108,7``, ``97,5%``)."""
    grid = book.sheet(INDICATORS)
    _each_value(book, INDICATORS, "Thực hiện trong tháng", _number_text)
    unit, ytd = grid.column("Đơn vị tính"), grid.column("Lũy kế từ đầu năm")
    for r in grid.data_rows():
        text = _number_text(grid.get(r, ytd))
        grid.set(r, ytd, f"{text}%" if grid.get(r, unit) == "%" else text)


def monthly_formulas(book: Book) -> None:
    """Year-to-date values computed by formulas whose results are stored."""
    grid = book.sheet(INDICATORS)
    c = grid.column("Lũy kế từ đầu năm")
    for r in grid.data_rows():
        grid.formulas[(r, c)] = (f"ROUND({grid.get(r, c)},1)", grid.get(r, c))


def monthly_headings(book: Book) -> None:
    """Heading rows (``A``, ``B``) and a total row with numbers in the value columns."""
    grid = book.sheet(INDICATORS)
    ytd = grid.column("Lũy kế từ đầu năm")
    grid.insert_row(grid.row_of("CT03"), ["B", "Chỉ tiêu đếm số lượng", None, None, None, 7317.9])
    grid.insert_row(grid.header() + 1, ["A", "Chỉ tiêu tỷ lệ (%)"])
    grid.rows.append(["Tổng cộng"])
    grid.set(len(grid.rows) - 1, ytd, 7900.5)


def monthly_layout_deviations(book: Book) -> None:
    """All layout deviations at once on the monthly report."""
    for change in (
        merged_titles,
        stt_column,
        columns_reordered,
        blank_rows_inside,
        blank_columns_inside,
        monthly_headings,
        extra_and_reordered_sheets,
        names_with_spacing_and_line_breaks,
    ):
        change(book)


def monthly_namespace_prefixes(book: Book) -> None:
    """Written with ``<x:c>`` elements: the percent cells must still be found in the sheet XML."""
    percent_cells(book)
    book.prefixed = True


MONTHLY_DEVIATIONS: dict[str, Deviation] = {
    "percent_cells": percent_cells,
    "numbers_as_text": monthly_numbers_as_text,
    "formulas_with_cached_values": monthly_formulas,
    "headings_and_totals": monthly_headings,
    "all_layout_deviations_at_once": monthly_layout_deviations,
    "names_without_diacritics": names_without_diacritics,
    "everything_in_nfd": everything_in_nfd,
    "namespace_prefixes_and_percent_cells": monthly_namespace_prefixes,
}

PERIODS: dict[str, object] = {
    "mm_yyyy": "12/2025",
    "yyyy_mm": "2025-12",
    "thang_mm_yyyy": "Tháng 12/2025",
    "thang_nam": "tháng 12 năm 2025",
    "capitals_without_diacritics": "THANG 12 NAM 2025",
    "nfd": unicodedata.normalize("NFD", "Tháng 12 năm 2025"),
    "spaced": " Tháng 12 / 2025 ",
    "t_abbreviation": "T12/2025",
    "date_cell": datetime(2025, 12, 15),
    "date_text": "15/12/2025",
}


# --- Running the intake on every case at once -----------------------------------------------------


def _set_info(book: Book, label: str, value: object) -> None:
    info = book.sheet(INFO)
    info.set(info.find(label)[0], 1, value)


def _cases(folder: Path) -> dict[str, tuple[Path, Kind]]:
    cases: dict[str, tuple[Path, Kind]] = {}
    for name, (change, _) in ANNUAL_DEVIATIONS.items():
        book = sapa_annual()
        change(book)
        cases[f"annual/{name}"] = (write_book(book, folder / f"annual-{name}.xlsx"), Kind.ANNUAL)
    for name, (ward, _) in WARD_NAMES.items():
        book = sapa_annual()
        _set_info(book, "Đơn vị", ward)
        cases[f"ward/{name}"] = (write_book(book, folder / f"ward-{name}.xlsx"), Kind.ANNUAL)
    for name, period in PERIODS.items():
        book = sapa_december()
        _set_info(book, "Kỳ báo cáo", period)
        cases[f"period/{name}"] = (write_book(book, folder / f"period-{name}.xlsx"), Kind.MONTHLY)
    for name, change in MONTHLY_DEVIATIONS.items():
        book = sapa_december()
        change(book)
        cases[f"monthly/{name}"] = (write_book(book, folder / f"monthly-{name}.xlsx"), Kind.MONTHLY)
    cases["annual/canonical"] = (write_book(sapa_annual(), folder / "annual-canonical.xlsx"), Kind.ANNUAL)
    cases["annual/xlsm"] = (write_book(sapa_annual(), folder / "annual-macro.xlsm"), Kind.ANNUAL)
    cases["monthly/canonical"] = (write_book(sapa_december(), folder / "monthly-canonical.xlsx"), Kind.MONTHLY)
    cases["monthly/xlsm"] = (write_book(sapa_december(), folder / "monthly-macro.xlsm"), Kind.MONTHLY)
    return cases


def intake(config: YearConfig, validator: Validator, files: dict[str, tuple[Path, Kind]]) -> dict[str, Submission]:
    """Open every file and validate them all in one bulk run (no resubmission rule: they are all Sa Pa)."""
    subs = {
        name: open_submission(
            input_file(path, kind), config.bloc, config.catalogue, PERIOD if kind is Kind.MONTHLY else None
        )
        for name, (path, kind) in files.items()
    }
    checked = validate_rows(list(subs.values()), config.bloc, config.catalogue, validator)
    return dict(zip(subs, checked, strict=True))


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAPA_ANNUAL.parents[2], 2025)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory, config: YearConfig, validator: Validator
) -> dict[str, Submission]:
    files = _cases(tmp_path_factory.mktemp("tolerance"))
    files["sample/annual"] = (SAPA_ANNUAL, Kind.ANNUAL)
    files["sample/monthly"] = (SAPA_DECEMBER, Kind.MONTHLY)
    return intake(config, validator, files)


def annual_values(report: AnnualReport) -> tuple[object, ...]:
    scores = {code: (e.self_score, e.evidence) for code, e in report.criteria.items()}
    return report.ward_code, report.year, report.prepared_on, scores, report.counts


def monthly_values(report: MonthlyReport) -> tuple[object, ...]:
    indicators = {code: (e.ytd, e.month_value) for code, e in report.indicators.items()}
    return report.ward_code, report.period, report.prepared_on, indicators


def _accepted(sub: Submission, warnings: set[str]) -> None:
    problems = [(i.rule, i.sheet, i.cell, i.value, i.message) for i in sub.issues]
    assert sub.status is Status.ACCEPTED and not sub.has_errors, problems
    assert {i.rule for i in sub.issues if i.severity is Severity.WARNING} == warnings, problems


def _same_annual(outcomes: dict[str, Submission], name: str, config: YearConfig) -> None:
    expected = annual_values(annual_report(outcomes["sample/annual"], config.catalogue))
    assert annual_values(annual_report(outcomes[name], config.catalogue)) == expected


def _same_monthly(outcomes: dict[str, Submission], name: str, config: YearConfig) -> None:
    expected = monthly_values(monthly_report(outcomes["sample/monthly"], config.catalogue))
    assert monthly_values(monthly_report(outcomes[name], config.catalogue)) == expected


def test_the_canonical_files_read_as_the_sample(outcomes: dict[str, Submission], config: YearConfig) -> None:
    """The builder writes Sa Pa's values faithfully: a plain rewrite reads exactly as the sample."""
    for name in ("sample/annual", "annual/canonical"):
        _accepted(outcomes[name], set())
    _same_annual(outcomes, "annual/canonical", config)
    report = annual_report(outcomes["annual/canonical"], config.catalogue)
    assert report.criteria["1.2"].self_score == Decimal("3.25") and report.counts["T1"] == 2
    _accepted(outcomes["monthly/canonical"], set())
    _same_monthly(outcomes, "monthly/canonical", config)


@pytest.mark.parametrize("name", sorted(ANNUAL_DEVIATIONS))
def test_an_annual_deviation_is_accepted_with_the_same_values(
    outcomes: dict[str, Submission], config: YearConfig, name: str
) -> None:
    """The self-assessment is accepted and yields the same scores and counts as the canonical file."""
    _accepted(outcomes[f"annual/{name}"], ANNUAL_DEVIATIONS[name][1])
    _same_annual(outcomes, f"annual/{name}", config)


@pytest.mark.parametrize("name", sorted(WARD_NAMES))
def test_a_ward_name_as_offices_write_it_is_recognised(
    outcomes: dict[str, Submission], config: YearConfig, name: str
) -> None:
    """``Phường Sa Pa``, ``P. Sa Pa``, capitals, NFD, spaces all name Sa Pa; no diacritics is a warning."""
    sub = outcomes[f"ward/{name}"]
    _accepted(sub, WARD_NAMES[name][1])
    assert sub.ward_code == "SAPA"
    _same_annual(outcomes, f"ward/{name}", config)


@pytest.mark.parametrize("name", sorted(PERIODS))
def test_a_period_as_offices_write_it_is_recognised(
    outcomes: dict[str, Submission], config: YearConfig, name: str
) -> None:
    """Every accepted way of writing December 2025 gives the period 2025-12."""
    sub = outcomes[f"period/{name}"]
    _accepted(sub, set())
    assert sub.period == PERIOD
    _same_monthly(outcomes, f"period/{name}", config)


@pytest.mark.parametrize("name", sorted(MONTHLY_DEVIATIONS))
def test_a_monthly_deviation_is_accepted_with_the_same_values(
    outcomes: dict[str, Submission], config: YearConfig, name: str
) -> None:
    """The December report is accepted with the same year-to-date and month values (counted cells holding
    formulas with one warning: the stored results count, spec §3.4)."""
    _accepted(
        outcomes[f"monthly/{name}"], {"formula_not_recomputed"} if name == "formulas_with_cached_values" else set()
    )
    _same_monthly(outcomes, f"monthly/{name}", config)


def test_percent_cells_are_read_as_percentages(outcomes: dict[str, Submission], config: YearConfig) -> None:
    """CT02, CT05 and CT07 stored as 1, 0.945 and 0.875 formatted ``0.0%`` are 100, 94.5 and 87.5."""
    report = monthly_report(outcomes["monthly/percent_cells"], config.catalogue)
    assert [report.indicators[c].ytd for c in ("CT01", "CT02", "CT05", "CT07")] == [
        Decimal("108.7"),
        Decimal("100"),
        Decimal("94.5"),
        Decimal("87.5"),
    ]


@pytest.mark.parametrize("kind", ["annual", "monthly"])
def test_an_xlsm_file_is_read_and_its_macros_never_run(
    outcomes: dict[str, Submission], config: YearConfig, kind: str
) -> None:
    """A macro-enabled workbook (.xlsm, with a VBA part) is read like an .xlsx."""
    sub = outcomes[f"{kind}/xlsm"]
    assert sub.file.path.suffix == ".xlsm"
    _accepted(sub, set())
    if kind == "annual":
        _same_annual(outcomes, "annual/xlsm", config)
    else:
        _same_monthly(outcomes, "monthly/xlsm", config)


@pytest.mark.slow  # LibreOffice in a subprocess: `make test` only
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_generated_file_saved_by_libreoffice_is_read_with_its_cached_results(
    tmp_path: Path, config: YearConfig, validator: Validator
) -> None:
    """Formulas without results are refused; once LibreOffice has opened and saved the file, it is accepted."""
    book = sapa_annual()
    scores = book.sheet(SCORES)
    c = scores.column("Điểm tự chấm")
    for r in scores.data_rows():
        scores.formulas[(r, c)] = (f"{scores.get(r, c)!r}*1", None)
    source = write_book(book, tmp_path / "generated.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path / "saved"), str(source)], check=True, capture_output=True, timeout=120
    )
    subs = intake(
        config,
        validator,
        {"generated": (source, Kind.ANNUAL), "saved": (tmp_path / "saved" / "generated.xlsx", Kind.ANNUAL)},
    )
    assert {i.rule for i in subs["generated"].issues} == {"formula_without_value"}
    assert len(subs["generated"].issues) == len(scores.data_rows())
    subs["sample/annual"] = intake(config, validator, {"s": (SAPA_ANNUAL, Kind.ANNUAL)})["s"]
    _accepted(subs["saved"], {"formula_not_recomputed"})  # its formulas stay, now with their results
    _same_annual(subs, "saved", config)
