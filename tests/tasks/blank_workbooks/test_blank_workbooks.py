"""The blank workbooks as a package: a folder per ward, and templates filled as instructed pass the intake."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook

from tasks.blank_workbooks import annual_name, annual_template, monthly_name, monthly_template, write_templates
from tasks.config.year import PROJECT_ROOT, YearConfig, load_year
from tasks.domain import Catalogue, CriterionKind, Kind, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.validation.reports import annual_report, monthly_report
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all
from tests.support.blank_workbooks import (
    COUNT_HEADERS,
    INDICATOR_HEADERS,
    MOMENT,
    SCORE_HEADERS,
    info_cell,
    open_workbook,
    rows_by_code,
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    """The real Great Expectations validator: these tests are about passing the pipeline's own validation."""
    return Validator()


def test_write_templates_writes_a_folder_per_ward(config: YearConfig, tmp_path: Path) -> None:
    """It writes both workbooks of every ward into <out>/<WARDCODE>/ and leaves no temporary file behind."""
    paths, kept = write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)
    assert kept == []
    assert len(paths) == 2 * len(config.bloc.members)
    assert paths[:2] == [
        tmp_path / "VANPHU" / "tu-cham-diem-2025-vanphu.xlsx",
        tmp_path / "VANPHU" / "bao-cao-chi-tieu-2025-vanphu.xlsx",
    ]
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(paths)


def test_rerunning_gives_the_same_files_under_the_wards_own_names(config: YearConfig, tmp_path: Path) -> None:
    """File names carry the year and the ward's code in lower case; a second run rewrites identical bytes."""
    sapa = config.bloc.ward("SAPA")
    assert (annual_name(2025, sapa), monthly_name(2025, sapa)) == (
        "tu-cham-diem-2025-sapa.xlsx",
        "bao-cao-chi-tieu-2025-sapa.xlsx",
    )
    first = {p: p.read_bytes() for p in write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)[0]}
    second, kept = write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)
    assert {p: p.read_bytes() for p in second} == first and kept == []


def test_a_file_a_ward_has_filled_in_is_never_overwritten(config: YearConfig, tmp_path: Path) -> None:
    """Templates written again into a folder where Sa Pa's workbook has been filled in: that file keeps its bytes
    and is named as kept; every other template is written."""
    paths, _ = write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)
    filled = tmp_path / "SAPA" / "bao-cao-chi-tieu-2025-sapa.xlsx"
    filled.write_bytes(b"the ward's own data")
    written, kept = write_templates(config.bloc, config.catalogue, tmp_path, MOMENT)
    assert kept == [filled] and filled.read_bytes() == b"the ward's own data"
    assert written == [p for p in paths if p != filled]


# --- A test program fills the templates as a ward officer would, then the pipeline reads them ----------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _fill_annual(data: bytes, cat: Catalogue, overrides: dict[str, Decimal] | None = None) -> Workbook:
    wb = open_workbook(data)
    info = wb["Thông tin"]
    info[info_cell(info, "Người lập")] = "Nguyễn Thị Hoa"
    info[info_cell(info, "Chức vụ")] = "Chuyên viên Văn phòng HĐND và UBND"
    info[info_cell(info, "Ngày lập")] = date(2026, 1, 5)
    ws = wb["Tự chấm điểm"]
    for code, r in rows_by_code(ws, SCORE_HEADERS).items():
        crit = cat.criterion(code)
        if crit is not None and crit.kind is CriterionKind.ASSESSED:
            ws.cell(r, 4).value = _number((overrides or {}).get(code, crit.max))
            ws.cell(r, 5).value = f"Báo cáo số {r}/BC-UBND ngày 15/12/2025"
    counts = wb["Thưởng - Trừ"]
    for code, r in rows_by_code(counts, COUNT_HEADERS).items():
        if code.startswith("T") and code[1:].isdigit():
            counts.cell(r, 3).value = 1
            counts.cell(r, 4).value = "Quyết định số 15/QĐ-UBND ngày 02/12/2025"
    return wb


def _fill_monthly(data: bytes, cat: Catalogue, ward_code: str) -> Workbook:
    wb = open_workbook(data)
    info = wb["Thông tin"]
    info[info_cell(info, "Kỳ báo cáo")] = "Tháng 12/2025"
    info[info_cell(info, "Người lập")] = "Trần Văn Minh"
    info[info_cell(info, "Ngày lập")] = date(2026, 1, 5)
    ws = wb["Chỉ tiêu"]
    for code, r in rows_by_code(ws, INDICATOR_HEADERS).items():
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
    subs = read_all(discover(year_dir), config.bloc, config.catalogue)
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
    cell = f"D{rows_by_code(wb['Tự chấm điểm'], SCORE_HEADERS)['1.2']}"
    (sub,) = _intake(year_dir, validator)
    assert sub.status is Status.REJECTED
    errors = [i for i in sub.issues if i.severity is Severity.ERROR]
    assert [(i.rule, i.sheet, i.cell) for i in errors] == [("above_max", "Tự chấm điểm", cell)], _report([sub])
    assert "vượt điểm tối đa 4" in errors[0].message
