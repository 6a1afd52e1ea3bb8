"""The blank annual self-assessment as a ward officer sees it: every criterion with its maximum, locks, rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tasks.blank_workbooks.annual import annual_template, roman
from tasks.config.year import YearConfig
from tasks.domain import CriterionKind
from tests.support.blank_workbooks import (
    COUNT_HEADERS,
    MOMENT,
    SCORE_HEADERS,
    assert_clean_text,
    info_cell,
    open_workbook,
    rows_by_code,
    rules_for,
)


def test_annual_template_lists_every_criterion_with_locked_codes_and_validated_scores(config: YearConfig) -> None:
    """It writes one locked row per criterion under the canonical header, and validates each score cell."""
    cat, sapa = config.catalogue, config.bloc.ward("SAPA")
    wb = open_workbook(annual_template(config.bloc, cat, sapa, MOMENT))
    assert wb.sheetnames == ["Hướng dẫn", "Thông tin", "Tự chấm điểm", "Thưởng - Trừ"]
    ws = wb["Tự chấm điểm"]
    rows = rows_by_code(ws, SCORE_HEADERS)
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
        (rule,) = rules_for(ws, f"D{r}")
        assert rule.type == "custom"
        assert f"ROUND(D{r},2)=D{r}" in rule.formula1 and f"D{r}<={crit.max}" in rule.formula1
        if crit.kind is CriterionKind.INDICATOR:
            assert "để trống" in ws.cell(r, 4).comment.text
    info = wb["Thông tin"]
    assert info[info_cell(info, "Đơn vị")].value == "Sa Pa"
    assert info[info_cell(info, "Mã đơn vị")].value == "SAPA"
    assert info[info_cell(info, "Năm")].value == 2025
    assert info[info_cell(info, "Năm")].protection.locked
    assert not info[info_cell(info, "Người lập")].protection.locked
    assert [dv.type for dv in rules_for(info, info_cell(info, "Ngày lập"))] == ["date"]
    assert_clean_text(wb)


def test_annual_template_counts_sheet_has_every_bonus_and_deduction_code(config: YearConfig) -> None:
    """It lists every T and D code with its points, asks for whole numbers ≥ 0, and leaves DM to the pipeline."""
    cat = config.catalogue
    wb = open_workbook(annual_template(config.bloc, cat, config.bloc.ward("CAUTHIA"), MOMENT))
    ws = wb["Thưởng - Trừ"]
    rows = rows_by_code(ws, COUNT_HEADERS)
    items = [b.code for b in cat.bonus_items] + [d.code for d in cat.deduction_items]
    assert [c for c in rows if c[0] in "TD" and c[1:].isdigit()] == items
    assert "DM" not in rows
    assert "(cộng 0,5 điểm/lần, tối đa 1,5 điểm)" in ws.cell(rows["T3"], 2).value
    assert "trừ 2 điểm/lần; có vi phạm thì không được xếp loại" in ws.cell(rows["D3"], 2).value
    for code in items:
        (rule,) = rules_for(ws, f"C{rows[code]}")
        assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
        assert not ws.cell(rows[code], 3).protection.locked
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    for needle in ("DM – Không nộp báo cáo", "T1 – ", "D4 – ", "tối đa 2 chữ số thập phân", "Minh chứng", "tên cột"):
        assert needle in guide


def test_every_group_heading_shows_its_total_maximum_and_asks_for_nothing(config: YearConfig) -> None:
    """Heading rows I–VI carry the group's name and the sum of its criteria's maxima; nothing there is to fill."""
    cat = config.catalogue
    ws = open_workbook(annual_template(config.bloc, cat, config.bloc.ward("SAPA"), MOMENT))["Tự chấm điểm"]
    rows = rows_by_code(ws, SCORE_HEADERS)
    for numeral, group in zip(("I", "II", "III", "IV", "V", "VI"), cat.groups, strict=True):
        r = rows[numeral]
        assert ws.cell(r, 2).value == group.name
        assert Decimal(str(ws.cell(r, 3).value)) == sum((c.max for c in group.criteria), Decimal(0))
        assert all(ws.cell(r, col).protection.locked for col in range(1, 7))
        assert rules_for(ws, f"D{r}") == []
    total = sum((Decimal(str(ws.cell(rows[n], 3).value)) for n in ("I", "II", "III", "IV", "V", "VI")), Decimal(0))
    assert total == cat.scale == 100
    notes = [str(c.value) for c in ws["A"] if isinstance(c.value, str)]
    assert any("Tổng điểm tối đa các tiêu chí: 100 điểm" in n for n in notes)


def test_a_criterion_scored_from_a_monthly_indicator_says_so_where_the_score_goes(config: YearConfig) -> None:
    """Criterion 2.1 (from CT01) says in its editable note and in the score's comment that the bloc computes it."""
    cat = config.catalogue
    ws = open_workbook(annual_template(config.bloc, cat, config.bloc.ward("SAPA"), MOMENT))["Tự chấm điểm"]
    rows = rows_by_code(ws, SCORE_HEADERS)
    for crit in cat.criteria:
        note = ws.cell(rows[crit.code], 6)
        assert not note.protection.locked
        if crit.kind is CriterionKind.INDICATOR:
            assert note.value == f"Tính từ chỉ tiêu {crit.indicator} (báo cáo tháng); có thể để trống điểm."
            comment = ws.cell(rows[crit.code], 4).comment.text
            assert f"chỉ tiêu {crit.indicator}" in comment and "từ tháng 09/2025 đến tháng 12/2025" in comment
        else:
            assert note.value is None and ws.cell(rows[crit.code], 4).comment is None


def test_the_ward_is_named_on_every_sheet_and_its_identity_is_locked(config: YearConfig) -> None:
    """Cầu Thia's titles name the ward and its code; the preparation date must fall in 2025 or 2026."""
    ward = config.bloc.ward("CAUTHIA")
    wb = open_workbook(annual_template(config.bloc, config.catalogue, ward, MOMENT))
    assert wb.properties.title == "Bảng tự chấm điểm thi đua năm 2025 – phường Cầu Thia"
    for name in ("Tự chấm điểm", "Thưởng - Trừ"):
        assert wb[name]["A3"].value == "Đơn vị: phường Cầu Thia (mã đơn vị CAUTHIA)"
    info = wb["Thông tin"]
    assert info["A1"].value == "THÔNG TIN BẢNG TỰ CHẤM ĐIỂM NĂM 2025"
    for label in ("Đơn vị", "Mã đơn vị", "Năm"):
        assert info[info_cell(info, label)].protection.locked
    for label in ("Người lập", "Chức vụ", "Ngày lập", "Điện thoại"):
        assert not info[info_cell(info, label)].protection.locked, label
    (dated,) = rules_for(info, info_cell(info, "Ngày lập"))
    assert (dated.operator, dated.formula1, dated.formula2) == ("between", "45658", "46387")  # 01/01/2025–31/12/2026
    assert "từ 01/01/2025 đến 31/12/2026" in dated.error
    assert info[info_cell(info, "Điện thoại")].number_format == "@"  # a leading 0 is kept


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "I"), (4, "IV"), (6, "VI"), (9, "IX"), (14, "XIV"), (40, "XL"), (1999, "MCMXCIX")]
)
def test_group_headings_are_numbered_in_roman_numerals(n: int, numeral: str) -> None:
    """A heading's numeral can never be taken for a criterion code such as 1 or 1.1."""
    assert roman(n) == numeral
