"""The monthly progress template (Báo cáo kết quả thực hiện chỉ tiêu tháng, spec §3.3) of one ward.

Sheets: ``Hướng dẫn``, ``Thông tin``, ``Chỉ tiêu``. One template serves every month of the window: the ward
picks ``Kỳ báo cáo`` from a dropdown (``Tháng MM/YYYY``, written as text so Excel never turns it into a date).
``Kế hoạch năm`` is the ward's own target from the catalogue, written as a plain number (97.5 means 97.5 %),
never as a percentage-formatted cell, which the reader would scale by 100.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import (
    amount_rule,
    comment,
    date_rule,
    fit_row,
    input_cell,
    list_rule,
    number,
    prompt_rule,
    text,
)
from tasks.blank_workbooks.sheets import Field, info_sheet
from tasks.blank_workbooks.wording import indicator_rule, monthly_guide, percent_limit, period_choice, window_text
from tasks.blank_workbooks.workbook import new_template, table_foot, table_top, template_bytes
from tasks.domain import Bloc, Catalogue, Indicator, Ward
from tasks.intake.layout import INDICATORS, INFO_LABELS, INFO_SHEET
from tasks.outputs.xlsx.common import BOX, CENTER

INDICATOR_WIDTHS = (9, 40, 12, 11, 13, 13, 36)


def monthly_template(bloc: Bloc, catalogue: Catalogue, ward: Ward, moment: datetime) -> bytes:
    """The blank monthly progress workbook of ``ward`` (bytes, identical for the same arguments)."""
    wb = new_template(
        f"Báo cáo kết quả thực hiện chỉ tiêu tháng năm {catalogue.year} – phường {ward.name}",
        moment,
        monthly_guide(bloc, catalogue, ward),
    )
    info_sheet(
        wb.create_sheet(INFO_SHEET),
        "THÔNG TIN BÁO CÁO CHỈ TIÊU THÁNG",
        _info_fields(ward, catalogue),
        (
            "Ô nền vàng nhạt là ô đơn vị cần nhập; các ô khác đã ghi sẵn và được khóa.",
            f"Kỳ báo cáo: chọn tháng trong danh sách thả xuống ({window_text(catalogue)}); mỗi tháng một tệp.",
            "Khi gửi lại bản đã sửa, ghi Ngày lập mới (bản có Ngày lập muộn hơn được sử dụng).",
        ),
    )
    _indicator_sheet(wb.create_sheet(INDICATORS.sheet), bloc, catalogue, ward)
    return template_bytes(wb, moment)


def _info_fields(ward: Ward, cat: Catalogue) -> list[Field]:
    labels, months = INFO_LABELS, cat.window.months()
    first = date(int(months[0][:4]), int(months[0][5:]), 1)
    return [
        Field(labels["ward"], ward.name),
        Field(labels["ward_code"], ward.code),
        Field(labels["period"], fmt="@", rule=partial(list_rule, title="Kỳ báo cáo", choices=_choices(cat))),
        Field(labels["author"], rule=partial(prompt_rule, title="Người lập", prompt="Họ và tên người lập báo cáo.")),
        Field(
            labels["prepared_on"],
            fmt="dd/mm/yyyy",
            rule=partial(date_rule, first=first, last=date(int(months[-1][:4]) + 1, 12, 31)),
        ),
    ]


def _choices(cat: Catalogue) -> list[str]:
    """``Tháng 09/2025`` … for every month of the window."""
    return [period_choice(m) for m in cat.window.months()]


def _indicator_sheet(ws: Worksheet, bloc: Bloc, cat: Catalogue, ward: Ward) -> None:
    """``Chỉ tiêu``: one row per indicator with the ward's target; month and year-to-date values to fill."""
    title = f"BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU THÁNG – NĂM {cat.year}"
    period_note = f" – kỳ báo cáo ghi ở trang «{INFO_SHEET}»"
    columns, header_row = table_top(ws, INDICATORS, INDICATOR_WIDTHS, title, bloc, ward, period_note)
    row = header_row
    for ind in cat.indicators:
        row += 1
        _indicator_row(ws, row, ind, ward)
        fit_row(ws, row, columns)
    notes = (
        "Ô nền vàng nhạt: đơn vị nhập. «Lũy kế từ đầu năm» bắt buộc cho mọi chỉ tiêu; mọi số không âm; "
        "chỉ tiêu tính bằng % ghi số phần trăm (ví dụ 97,5 nghĩa là 97,5 %).",
        f"Kế hoạch năm: chỉ tiêu giao cho đơn vị theo bộ tiêu chí năm {cat.year}, ghi sẵn, không sửa.",
    )
    table_foot(ws, row, notes, INDICATOR_WIDTHS, header_row, right=7)


def _short_rule(ind: Indicator) -> str:
    """The editable ``Ghi chú`` reminder of how the year-to-date value is written."""
    if ind.cumulative:
        return "Cộng dồn: Lũy kế = Lũy kế tháng trước + Thực hiện trong tháng."
    if ind.is_percent:
        return f"Tỷ lệ % từ đầu năm{percent_limit(ind)}; không cộng dồn."
    return "Kết quả từ đầu năm, không cộng dồn."


def _indicator_row(ws: Worksheet, row: int, ind: Indicator, ward: Ward) -> None:
    """An indicator: code, name, unit and the ward's target locked; month value, year-to-date and note to fill."""
    text(ws, row, 1, ind.code, alignment=CENTER).border = BOX
    text(ws, row, 2, ind.name).border = BOX
    text(ws, row, 3, ind.unit, alignment=CENTER).border = BOX
    target = ind.targets.get(ward.code)
    if target is not None:
        number(ws, row, 4, target)
    else:
        ws.cell(row=row, column=4).border = BOX
    unit = f"số phần trăm, ví dụ 97,5{percent_limit(ind)}" if ind.is_percent else ind.unit
    month = input_cell(ws, row, 5, align=CENTER)
    amount_rule(
        ws, month.coordinate, "Thực hiện trong tháng", f"Kết quả riêng của tháng báo cáo ({unit}).", ind.at_most
    )
    ytd = input_cell(ws, row, 6, align=CENTER)
    amount_rule(ws, ytd.coordinate, "Lũy kế từ đầu năm", f"Bắt buộc ({unit}). {indicator_rule(ind)}", ind.at_most)
    input_cell(ws, row, 7, value=_short_rule(ind))
    if ind.cumulative:
        comment(ytd, f"Chỉ tiêu cộng dồn: {indicator_rule(ind)}")
