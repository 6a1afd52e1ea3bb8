"""The ward templates as a ward officer and the pipeline see them: layout, locks, validation, filled round trip."""

from __future__ import annotations

import io
import shutil
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks import annual_template, monthly_template, write_templates
from tasks.config.year import PROJECT_ROOT, YearConfig, load_year
from tasks.domain import Catalogue, CriterionKind, Kind, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all, validate_all
from tasks.validation.reports import annual_report, monthly_report
from tasks.validation.suites import Validator

MOMENT = datetime(2025, 11, 14, 8, 0)
SCORE_HEADERS = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú"]
COUNT_HEADERS = ["Mã", "Nội dung", "Số lần", "Căn cứ"]
INDICATOR_HEADERS = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch năm",
    "Thực hiện trong tháng",
    "Lũy kế từ đầu năm",
    "Ghi chú",
]


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(PROJECT_ROOT / "inputs", 2025)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _header_row(ws: Worksheet, headers: list[str]) -> int:
    for row in ws.iter_rows():
        if [c.value for c in row[: len(headers)]] == headers:
            return row[0].row
    raise AssertionError(f"header {headers} not found in {ws.title}")


def _rows_by_code(ws: Worksheet, headers: list[str]) -> dict[str, int]:
    top = _header_row(ws, headers)
    return {str(ws.cell(r, 1).value): r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def _info_cell(ws: Worksheet, label: str) -> str:
    return next(f"B{c.row}" for c in ws["A"] if c.value == label)


def _rules_for(ws: Worksheet, cell: str) -> list[DataValidation]:
    return [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def _texts(wb: Workbook) -> Iterator[str]:
    for ws in wb.worksheets:
        yield ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield cell.value
                if cell.comment is not None:
                    yield cell.comment.text
        for dv in ws.data_validations.dataValidation:
            yield from (t for t in (dv.prompt, dv.error, dv.promptTitle, dv.formula1) if t)


def _assert_clean_text(wb: Workbook) -> None:
    for value in _texts(wb):
        assert unicodedata.is_normalized("NFC", value), value
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"


def test_annual_template_lists_every_criterion_with_locked_codes_and_validated_scores(config: YearConfig) -> None:
    """It writes one locked row per criterion under the canonical header, and validates each score cell."""
    cat, sapa = config.catalogue, config.bloc.ward("SAPA")
    wb = _open(annual_template(config.bloc, cat, sapa, MOMENT))
    assert wb.sheetnames == ["Hướng dẫn", "Thông tin", "Tự chấm điểm", "Thưởng - Trừ"]
    ws = wb["Tự chấm điểm"]
    rows = _rows_by_code(ws, SCORE_HEADERS)
    codes = [c for c in rows if c in {crit.code for crit in cat.criteria}]
    assert codes == [c.code for c in cat.criteria]
    headings = [c for c in rows if ws.cell(rows[c], 2).value in {g.name for g in cat.groups}]
    assert headings == ["I", "II", "III", "IV", "V", "VI"]
    for crit in cat.criteria:
        r = rows[crit.code]
        assert ws.cell(r, 2).value == crit.name
        assert Decimal(str(ws.cell(r, 3).value)) == crit.max
        assert ws.cell(r, 3).number_format == "0.00"  # maximum points read 5,00 or 5.00, never 5 beside 2.5
        assert ws.cell(r, 1).protection.locked and ws.cell(r, 3).protection.locked
        assert not ws.cell(r, 4).protection.locked
        (rule,) = _rules_for(ws, f"D{r}")
        assert rule.type == "custom"
        assert f"ROUND(D{r},2)=D{r}" in rule.formula1 and f"D{r}<={crit.max}" in rule.formula1
        if crit.kind is CriterionKind.INDICATOR:
            assert "để trống" in ws.cell(r, 4).comment.text
    info = wb["Thông tin"]
    assert info[_info_cell(info, "Đơn vị")].value == "Sa Pa"
    assert info[_info_cell(info, "Mã đơn vị")].value == "SAPA"
    assert info[_info_cell(info, "Năm")].value == 2025
    assert info[_info_cell(info, "Năm")].protection.locked
    assert not info[_info_cell(info, "Người lập")].protection.locked
    assert [dv.type for dv in _rules_for(info, _info_cell(info, "Ngày lập"))] == ["date"]
    _assert_clean_text(wb)


def test_annual_template_counts_sheet_has_every_bonus_and_deduction_code(config: YearConfig) -> None:
    """It lists every T and D code with its points, asks for whole numbers ≥ 0, and leaves DM to the pipeline."""
    cat = config.catalogue
    wb = _open(annual_template(config.bloc, cat, config.bloc.ward("CAUTHIA"), MOMENT))
    ws = wb["Thưởng - Trừ"]
    rows = _rows_by_code(ws, COUNT_HEADERS)
    items = [b.code for b in cat.bonus_items] + [d.code for d in cat.deduction_items]
    assert [c for c in rows if c[0] in "TD" and c[1:].isdigit()] == items
    assert "DM" not in rows
    assert "(cộng 0,5 điểm/lần, tối đa 1,5 điểm)" in ws.cell(rows["T3"], 2).value
    assert "trừ 2 điểm/lần; có vi phạm thì không được xếp loại" in ws.cell(rows["D3"], 2).value
    for code in items:
        (rule,) = _rules_for(ws, f"C{rows[code]}")
        assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
        assert not ws.cell(rows[code], 3).protection.locked
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    for needle in ("DM – Không nộp báo cáo", "T1 – ", "D4 – ", "tối đa 2 chữ số thập phân", "Minh chứng", "tên cột"):
        assert needle in guide


def test_monthly_template_prefills_targets_and_offers_the_window_months(config: YearConfig) -> None:
    """It pre-fills the ward's targets, offers 'Tháng MM/YYYY' for every month of the window, validates values."""
    cat, sapa = config.catalogue, config.bloc.ward("SAPA")
    wb = _open(monthly_template(config.bloc, cat, sapa, MOMENT))
    assert wb.sheetnames == ["Hướng dẫn", "Thông tin", "Chỉ tiêu"]
    info = wb["Thông tin"]
    period = _info_cell(info, "Kỳ báo cáo")
    assert info[period].value is None and not info[period].protection.locked
    (choices,) = _rules_for(info, period)
    assert choices.type == "list"
    assert choices.formula1 == '"Tháng 09/2025,Tháng 10/2025,Tháng 11/2025,Tháng 12/2025"'
    ws = wb["Chỉ tiêu"]
    rows = _rows_by_code(ws, INDICATOR_HEADERS)
    assert [c for c in rows if c.startswith("CT")] == [i.code for i in cat.indicators]
    for ind in cat.indicators:
        r = rows[ind.code]
        assert Decimal(str(ws.cell(r, 4).value)) == ind.targets["SAPA"]
        assert ws.cell(r, 4).protection.locked and not ws.cell(r, 6).protection.locked
        (ytd_rule,) = _rules_for(ws, f"F{r}")
        assert ytd_rule.type == "decimal" and ytd_rule.formula1 == "0"
        assert ytd_rule.formula2 == ("100" if ind.at_most is not None else None)
        assert (ws.cell(r, 6).comment is not None) == ind.cumulative
    _assert_clean_text(wb)


def test_templates_are_byte_stable_and_stamped_with_the_moment(config: YearConfig) -> None:
    """Two builds give identical bytes; the properties and zip entries carry the given moment, not the clock."""
    ward = config.bloc.ward("LAOCAI")
    first = annual_template(config.bloc, config.catalogue, ward, MOMENT)
    assert first == annual_template(config.bloc, config.catalogue, ward, MOMENT)
    assert monthly_template(config.bloc, config.catalogue, ward, MOMENT) == monthly_template(
        config.bloc, config.catalogue, ward, MOMENT
    )
    assert _open(first).properties.created == MOMENT
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2025, 11, 14, 8, 0, 0)}


def test_write_templates_writes_a_folder_per_ward(config: YearConfig, tmp_path: Path) -> None:
    """It writes both workbooks of every ward into <out>/<WARDCODE>/ and leaves no temporary file behind."""
    paths = write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)
    assert len(paths) == 2 * len(config.bloc.members)
    assert paths[:2] == [
        tmp_path / "VANPHU" / "tu-cham-diem-2025-vanphu.xlsx",
        tmp_path / "VANPHU" / "bao-cao-chi-tieu-2025-vanphu.xlsx",
    ]
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(paths)


# --- A test program fills the templates as a ward officer would, then the pipeline reads them ----------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _fill_annual(data: bytes, cat: Catalogue, overrides: dict[str, Decimal] | None = None) -> Workbook:
    wb = _open(data)
    info = wb["Thông tin"]
    info[_info_cell(info, "Người lập")] = "Nguyễn Thị Hoa"
    info[_info_cell(info, "Chức vụ")] = "Chuyên viên Văn phòng HĐND và UBND"
    info[_info_cell(info, "Ngày lập")] = date(2026, 1, 5)
    ws = wb["Tự chấm điểm"]
    for code, r in _rows_by_code(ws, SCORE_HEADERS).items():
        crit = cat.criterion(code)
        if crit is not None and crit.kind is CriterionKind.ASSESSED:
            ws.cell(r, 4).value = _number((overrides or {}).get(code, crit.max))
            ws.cell(r, 5).value = f"Báo cáo số {r}/BC-UBND ngày 15/12/2025"
    counts = wb["Thưởng - Trừ"]
    for code, r in _rows_by_code(counts, COUNT_HEADERS).items():
        if code.startswith("T") and code[1:].isdigit():
            counts.cell(r, 3).value = 1
            counts.cell(r, 4).value = "Quyết định số 15/QĐ-UBND ngày 02/12/2025"
    return wb


def _fill_monthly(data: bytes, cat: Catalogue, ward_code: str) -> Workbook:
    wb = _open(data)
    info = wb["Thông tin"]
    info[_info_cell(info, "Kỳ báo cáo")] = "Tháng 12/2025"
    info[_info_cell(info, "Người lập")] = "Trần Văn Minh"
    info[_info_cell(info, "Ngày lập")] = date(2026, 1, 5)
    ws = wb["Chỉ tiêu"]
    for code, r in _rows_by_code(ws, INDICATOR_HEADERS).items():
        ind = cat.indicator(code)
        if ind is not None:
            ytd = ind.targets[ward_code] - 1
            ws.cell(r, 5).value = _number((ytd / 4).quantize(Decimal("0.1")) if ind.cumulative else ytd)
            ws.cell(r, 6).value = _number(ytd)
    return wb


def _year_dir(tmp_path: Path) -> Path:
    year_dir = tmp_path / "2025"
    for sub in ("annual", "monthly/2025-12"):
        (year_dir / sub).mkdir(parents=True)
    for name in ("bloc.yaml", "criteria.yaml"):
        shutil.copy(PROJECT_ROOT / "inputs" / "2025" / name, year_dir / name)
    return year_dir


def _intake(year_dir: Path, validator: Validator) -> list[Submission]:
    config = load_year(year_dir.parent, 2025)
    subs = read_all(discover(year_dir, ("2025-12",)), config.bloc, config.catalogue)
    return validate_all(subs, config.bloc, config.catalogue, validator)


def _report(subs: list[Submission]) -> str:
    return "\n".join(
        f"{s.file.rel} {s.status}: {i.severity} {i.rule} {i.cell} {i.message}" for s in subs for i in s.issues
    )


def test_filled_templates_pass_the_pipelines_intake(config: YearConfig, tmp_path: Path, validator: Validator) -> None:
    """Every ward's annual and monthly template, filled as instructed, is accepted with no error."""
    year_dir = _year_dir(tmp_path)
    for ward in config.bloc.members:
        annual = annual_template(config.bloc, config.catalogue, ward, MOMENT)
        _fill_annual(annual, config.catalogue).save(year_dir / "annual" / f"{ward.code}.xlsx")
        monthly = monthly_template(config.bloc, config.catalogue, ward, MOMENT)
        _fill_monthly(monthly, config.catalogue, ward.code).save(year_dir / "monthly" / "2025-12" / f"{ward.code}.xlsx")
    subs = _intake(year_dir, validator)
    assert len(subs) == 2 * len(config.bloc.members)
    assert all(s.status is Status.ACCEPTED for s in subs), _report(subs)
    assert not any(i.severity is Severity.ERROR for s in subs for i in s.issues), _report(subs)
    assert {s.ward_code for s in subs} == {w.code for w in config.bloc.members}
    assert {s.period for s in subs} == {"2025", "2025-12"}
    cat = config.catalogue
    sapa = next(s for s in subs if s.ward_code == "SAPA" and s.kind is Kind.ANNUAL)
    scores = annual_report(sapa, cat)
    assert {c: e.self_score for c, e in scores.criteria.items()} == {
        c.code: c.max if c.kind is CriterionKind.ASSESSED else None for c in cat.criteria
    }
    assert scores.counts == {"T1": 1, "T2": 1, "T3": 1, "D1": 0, "D2": 0, "D3": 0, "D4": 0}
    report = monthly_report(next(s for s in subs if s.ward_code == "SAPA" and s.kind is Kind.MONTHLY), cat)
    assert {c: e.ytd for c, e in report.indicators.items()} == {i.code: i.targets["SAPA"] - 1 for i in cat.indicators}


def test_a_score_above_the_maximum_is_rejected_naming_the_cell(
    config: YearConfig, tmp_path: Path, validator: Validator
) -> None:
    """A score typed past the template's validation (max + 1) is rejected, and the issue names sheet and cell."""
    year_dir = _year_dir(tmp_path)
    wb = _fill_annual(
        annual_template(config.bloc, config.catalogue, config.bloc.ward("SAPA"), MOMENT),
        config.catalogue,
        {"1.2": Decimal(5)},
    )
    wb.save(year_dir / "annual" / "sapa.xlsx")
    cell = f"D{_rows_by_code(wb['Tự chấm điểm'], SCORE_HEADERS)['1.2']}"
    (sub,) = _intake(year_dir, validator)
    assert sub.status is Status.REJECTED
    errors = [i for i in sub.issues if i.severity is Severity.ERROR]
    assert [(i.rule, i.sheet, i.cell) for i in errors] == [("above_max", "Tự chấm điểm", cell)], _report([sub])
    assert "vượt điểm tối đa 4" in errors[0].message
