"""The annual self-assessment template (Bảng tự chấm điểm thi đua năm, spec §3.1) of one ward.

Sheets: ``Hướng dẫn``, ``Thông tin``, ``Tự chấm điểm``, ``Thưởng - Trừ``. Group heading rows carry a roman
numeral (I, II…) in the code column, never the group's numeric code, so the reader cannot take a heading for a
criterion. Every criterion's code, name and maximum come from the catalogue and are locked.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial

from openpyxl.worksheet.worksheet import Worksheet

from tasks.blank_workbooks.cells import (
    GROUP_FILL,
    SCORE_FORMAT,
    comment,
    count_rule,
    date_rule,
    excel_number,
    fit_row,
    input_cell,
    number,
    prompt_rule,
    score_rule,
    text,
    wrapped_lines,
)
from tasks.blank_workbooks.sheets import Field, info_sheet
from tasks.blank_workbooks.wording import annual_guide, bonus_text, deduction_text, window_text
from tasks.blank_workbooks.workbook import new_template, table_foot, table_top, template_bytes
from tasks.domain import Bloc, Catalogue, Criterion, CriterionKind, Group, Ward
from tasks.intake.layout import COUNTS, INFO_LABELS, INFO_SHEET, SCORES
from tasks.outputs.xlsx.common import BOLD, BOX, CENTER
from tasks.text import vn_plain

SCORE_WIDTHS = (9, 56, 9, 10, 36, 28)
COUNT_WIDTHS = (8, 74, 9, 50)
_ROMAN: tuple[tuple[str, int], ...] = (
    ("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90), ("L", 50), ("XL", 40),
    ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1),
)  # fmt: skip


def roman(n: int) -> str:
    """``1`` → ``I``, ``4`` → ``IV``: the numbering of group heading rows."""
    out = ""
    for letters, value in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def annual_template(bloc: Bloc, catalogue: Catalogue, ward: Ward, moment: datetime) -> bytes:
    """The blank annual self-assessment workbook of ``ward`` (bytes, identical for the same arguments)."""
    year = catalogue.year
    wb = new_template(
        f"Bảng tự chấm điểm thi đua năm {year} – phường {ward.name}",
        moment,
        annual_guide(bloc, catalogue, ward),
    )
    info_sheet(
        wb.create_sheet(INFO_SHEET),
        f"THÔNG TIN BẢNG TỰ CHẤM ĐIỂM NĂM {year}",
        _info_fields(ward, year),
        (
            "Ô nền vàng nhạt là ô đơn vị cần nhập; các ô khác đã ghi sẵn và được khóa.",
            "Khi gửi lại bản đã sửa, ghi Ngày lập mới (bản có Ngày lập muộn hơn được sử dụng).",
        ),
    )
    _score_sheet(wb.create_sheet(SCORES.sheet), bloc, catalogue, ward)
    _count_sheet(wb.create_sheet(COUNTS.sheet), bloc, catalogue, ward)
    return template_bytes(wb, moment)


def _info_fields(ward: Ward, year: int) -> list[Field]:
    labels = INFO_LABELS
    return [
        Field(labels["ward"], ward.name),
        Field(labels["ward_code"], ward.code),
        Field(labels["year"], year),
        Field(labels["author"], rule=partial(prompt_rule, title="Người lập", prompt="Họ và tên người lập biểu.")),
        Field(labels["position"], rule=partial(prompt_rule, title="Chức vụ", prompt="Chức vụ của người lập biểu.")),
        Field(
            labels["prepared_on"],
            fmt="dd/mm/yyyy",
            rule=partial(date_rule, first=date(year, 1, 1), last=date(year + 1, 12, 31)),
        ),
        Field(
            labels["phone"],
            fmt="@",
            rule=partial(prompt_rule, title="Điện thoại", prompt="Số điện thoại liên hệ (ghi như văn bản)."),
        ),
    ]


def _score_sheet(ws: Worksheet, bloc: Bloc, cat: Catalogue, ward: Ward) -> None:
    """``Tự chấm điểm``: group headings, one row per criterion, notes and signature lines."""
    columns, header_row = table_top(ws, SCORES, SCORE_WIDTHS, f"BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM {cat.year}", bloc, ward)
    row, evidence = header_row, []
    for index, group in enumerate(cat.groups, start=1):
        row += 1
        _group_row(ws, row, roman(index), group)
        for crit in group.criteria:
            row += 1
            _criterion_row(ws, row, crit, cat)
            fit_row(ws, row, columns)
            evidence.append(f"E{row}")
    prompt_rule(ws, evidence, "Minh chứng", "Số, ký hiệu, ngày, cơ quan ban hành văn bản làm căn cứ cho điểm tự chấm.")
    notes = (
        "Ô nền vàng nhạt: đơn vị nhập. Điểm tự chấm là số từ 0 đến điểm tối đa, tối đa 2 chữ số thập phân.",
        f"Tổng điểm tối đa các tiêu chí: {vn_plain(cat.scale)} điểm. Tổng điểm, điểm thưởng, điểm trừ và xếp loại "
        "do Khối tính; đơn vị không cần ghi dòng tổng.",
    )
    table_foot(ws, row, notes, SCORE_WIDTHS, header_row, right=5)


def _group_row(ws: Worksheet, row: int, numeral: str, group: Group) -> None:
    """A heading row: roman numeral, group name, the group's maximum (ignored by the reader: no code, no score)."""
    text(ws, row, 1, numeral, font=BOLD, alignment=CENTER)
    text(ws, row, 2, group.name, font=BOLD)
    cell = ws.cell(row=row, column=3, value=excel_number(sum((c.max for c in group.criteria), Decimal(0))))
    cell.font, cell.alignment, cell.number_format = BOLD, CENTER, SCORE_FORMAT
    for col in range(1, 7):
        ws.cell(row=row, column=col).fill = GROUP_FILL
        ws.cell(row=row, column=col).border = BOX
    ws.row_dimensions[row].height = 15.5 * wrapped_lines(group.name, SCORE_WIDTHS[1]) + 5


def _criterion_row(ws: Worksheet, row: int, crit: Criterion, cat: Catalogue) -> None:
    """A criterion: code, name and maximum locked; score, evidence and note for the ward."""
    text(ws, row, 1, crit.code, alignment=CENTER).border = BOX
    text(ws, row, 2, crit.name).border = BOX
    number(ws, row, 3, crit.max, fmt=SCORE_FORMAT)
    score = input_cell(ws, row, 4, align=CENTER)
    score_rule(ws, score.coordinate, crit.max)
    input_cell(ws, row, 5)
    if crit.kind is CriterionKind.INDICATOR:
        ind = cat.indicator(crit.indicator or "")
        code = ind.code if ind else crit.indicator
        input_cell(ws, row, 6, value=f"Tính từ chỉ tiêu {code} (báo cáo tháng); có thể để trống điểm.")
        comment(
            score,
            f"Có thể để trống: điểm tiêu chí {crit.code} do Khối tính từ «Lũy kế từ đầu năm» của chỉ tiêu {code} "
            f"trong báo cáo tháng gần nhất được chấp nhận ({window_text(cat)}). Nếu ghi điểm, điểm ghi được đối "
            "chiếu với điểm Khối tính.",
        )
    else:
        input_cell(ws, row, 6)


def _count_sheet(ws: Worksheet, bloc: Bloc, cat: Catalogue, ward: Ward) -> None:
    """``Thưởng - Trừ``: one row per T and D code with its points in the text; ``Số lần`` and ``Căn cứ`` to fill."""
    columns, header_row = table_top(ws, COUNTS, COUNT_WIDTHS, f"ĐIỂM THƯỞNG, ĐIỂM TRỪ NĂM {cat.year}", bloc, ward)
    row = header_row
    items = [
        ("A", f"ĐIỂM THƯỞNG (tổng điểm thưởng tối đa {vn_plain(cat.bonus_cap)} điểm)", None),
        *((b.code, b.name, bonus_text(vn_plain(b.points), vn_plain(b.cap))) for b in cat.bonus_items),
        ("B", "ĐIỂM TRỪ", None),
        *((d.code, d.name, deduction_text(vn_plain(d.points), d.veto, cat)) for d in cat.deduction_items),
    ]
    rows: list[int] = []
    for code, name, points in items:
        row += 1
        if points is None:
            _heading_row(ws, row, code, name, len(columns))
            continue
        _count_row(ws, row, code, f"{name} ({points})")
        fit_row(ws, row, columns)
        rows.append(row)
    count_rule(ws, [f"C{r}" for r in rows])
    prompt_rule(ws, [f"D{r}" for r in rows], "Căn cứ", "Số, ngày quyết định hoặc văn bản làm căn cứ.")
    dm = cat.missing_report
    note = (
        f"Điểm trừ {dm.code} ({dm.name}: trừ {vn_plain(dm.points)} điểm cho mỗi tháng {window_text(cat)} không có "
        f"báo cáo được chấp nhận) do Khối tự tính; đơn vị không ghi dòng {dm.code}. Để trống Số lần được hiểu là 0."
    )
    table_foot(ws, row, (note,), COUNT_WIDTHS, header_row, right=4)


def _heading_row(ws: Worksheet, row: int, letter: str, name: str, width: int) -> None:
    text(ws, row, 1, letter, font=BOLD, alignment=CENTER)
    text(ws, row, 2, name, font=BOLD)
    for col in range(1, width + 1):
        ws.cell(row=row, column=col).fill = GROUP_FILL
        ws.cell(row=row, column=col).border = BOX


def _count_row(ws: Worksheet, row: int, code: str, name: str) -> None:
    """A T or D line: code and text (with its points) locked; ``Số lần`` and ``Căn cứ`` for the ward."""
    text(ws, row, 1, code, alignment=CENTER).border = BOX
    text(ws, row, 2, name).border = BOX
    input_cell(ws, row, 3, align=CENTER)
    input_cell(ws, row, 4)
