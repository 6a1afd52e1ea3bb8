"""The blank monthly progress report as a ward officer sees it: the ward's targets, the months, the rules."""

from __future__ import annotations

from decimal import Decimal

from tasks.blank_workbooks.monthly import monthly_template
from tasks.config.year import YearConfig
from tests.support.blank_workbooks import (
    INDICATOR_HEADERS,
    MOMENT,
    assert_clean_text,
    info_cell,
    open_workbook,
    rows_by_code,
    rules_for,
)


def test_monthly_template_prefills_targets_and_offers_the_window_months(config: YearConfig) -> None:
    """It pre-fills the ward's targets, offers 'Tháng MM/YYYY' for every month of the window, validates values."""
    cat, sapa = config.catalogue, config.bloc.ward("SAPA")
    wb = open_workbook(monthly_template(config.bloc, cat, sapa, MOMENT))
    assert wb.sheetnames == ["Hướng dẫn", "Thông tin", "Chỉ tiêu"]
    info = wb["Thông tin"]
    period = info_cell(info, "Kỳ báo cáo")
    assert info[period].value is None and not info[period].protection.locked
    (choices,) = rules_for(info, period)
    assert choices.type == "list"
    assert choices.formula1 == '"Tháng 09/2025,Tháng 10/2025,Tháng 11/2025,Tháng 12/2025"'
    ws = wb["Chỉ tiêu"]
    rows = rows_by_code(ws, INDICATOR_HEADERS)
    assert [c for c in rows if c.startswith("CT")] == [i.code for i in cat.indicators]
    for ind in cat.indicators:
        r = rows[ind.code]
        assert Decimal(str(ws.cell(r, 4).value)) == ind.targets["SAPA"]
        assert ws.cell(r, 4).protection.locked and not ws.cell(r, 6).protection.locked
        (ytd_rule,) = rules_for(ws, f"F{r}")
        assert ytd_rule.type == "decimal" and ytd_rule.formula1 == "0"
        assert ytd_rule.formula2 == ("100" if ind.at_most is not None else None)
        assert (ws.cell(r, 6).comment is not None) == ind.cumulative
    assert_clean_text(wb)


def test_each_ward_gets_its_own_targets_as_plain_numbers(config: YearConfig) -> None:
    """Two wards' templates differ in their targets; 97.5 % reads 97.5 (General), never a percent-formatted cell."""
    cat = config.catalogue
    books = {code: open_workbook(monthly_template(config.bloc, cat, config.bloc.ward(code), MOMENT)) for code in
             ("SAPA", "AULAU")}  # fmt: skip
    for code, wb in books.items():
        ws = wb["Chỉ tiêu"]
        rows = rows_by_code(ws, INDICATOR_HEADERS)
        for ind in cat.indicators:
            target = ws.cell(rows[ind.code], 4)
            assert Decimal(str(target.value)) == ind.targets[code]
            assert target.number_format == "General"
            assert ws.cell(rows[ind.code], 3).value == ind.unit
        assert ws["A3"].value.startswith(f"Đơn vị: phường {config.bloc.ward(code).name} (mã đơn vị {code})")
    assert any(i.targets["SAPA"] != i.targets["AULAU"] for i in cat.indicators)


def test_the_month_is_a_text_choice_and_the_date_may_fall_after_the_year(config: YearConfig) -> None:
    """'Kỳ báo cáo' is a text cell (Excel never turns it into a date); a December report may be dated in 2026."""
    info = open_workbook(monthly_template(config.bloc, config.catalogue, config.bloc.ward("SAPA"), MOMENT))["Thông tin"]
    assert info[info_cell(info, "Kỳ báo cáo")].number_format == "@"
    (dated,) = rules_for(info, info_cell(info, "Ngày lập"))
    assert (dated.formula1, dated.formula2) == ("45901", "46387")  # 01/09/2025 (window opens) to 31/12/2026
    assert "Năm" not in [c.value for c in info["A"]]  # the year comes from the period chosen


def test_each_indicator_reminds_how_its_year_to_date_is_written(config: YearConfig) -> None:
    """A cumulative count says 'Cộng dồn', a share of a whole caps at 100, a ratio such as revenue may pass it."""
    cat = config.catalogue
    ws = open_workbook(monthly_template(config.bloc, cat, config.bloc.ward("SAPA"), MOMENT))["Chỉ tiêu"]
    rows = rows_by_code(ws, INDICATOR_HEADERS)
    notes = {ind.code: ws.cell(rows[ind.code], 7).value for ind in cat.indicators}
    assert notes["CT03"] == "Cộng dồn: Lũy kế = Lũy kế tháng trước + Thực hiện trong tháng."
    assert notes["CT02"] == "Tỷ lệ % từ đầu năm, không quá 100; không cộng dồn."
    assert notes["CT01"] == "Tỷ lệ % từ đầu năm, có thể vượt 100; không cộng dồn."
    assert not any(ws.cell(rows[code], 7).protection.locked for code in notes)
