"""Writers of synthetic ward workbooks (spec §3): annual self-assessment, monthly progress, appraisal.

Reusable by the sample generator, tests and benchmarks. Files look like what a ward office produces in
Excel (titles, borders, Times New Roman, A4 print setup) and are byte-stable: every timestamp comes from
``prepared_on``, so writing the same data twice gives identical bytes. A ``variant`` set switches on honest
real-world deviations that the spec (§3.4) accepts:

- ``stt``: an extra first column ``STT``;
- ``title_merged``: the title rows above the header are merged cells;
- ``upper_headers``: sheet names, labels and headers in capitals without diacritics (``MA TIEU CHI``);
- ``text_numbers``: numbers written as text with a decimal comma (``"7,5"``);
- ``numeric_codes``: criterion codes stored as numbers (``1.1``) for groups 1–3 and with a trailing dot
  (``"4.1."``) for the others;
- ``sheet_order``: sheets in another order plus an extra sheet ``Ghi chú``;
- ``ward_prefix`` / ``ward_short`` / ``ward_upper``: ``Đơn vị`` written ``Phường Sa Pa`` / ``P. Sa Pa`` /
  ``PHƯỜNG SA PA``;
- ``period_words`` (monthly): ``Kỳ báo cáo`` written ``tháng 12 năm 2025``.

No variant makes a file invalid. Formulas are never written: openpyxl cannot cache their values (§3.5), so
the ``Tổng cộng`` row carries its sum as a note, not in a score cell.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from samples.sheet_kit import (
    BLOC_TITLE,
    DEFAULT_PREPARER,
    DEFAULT_ROLE,
    GROUP_FILL,
    ROMAN,
    Column,
    Group,
    Variant,
    build_sheets,
    code_cell,
    comma,
    finish,
    header,
    info_sheet,
    number,
    print_setup,
    put,
    titles,
    ward_label,
    with_stt,
)

__all__ = ["write_annual", "write_appraisal", "write_monthly"]

_SCORE_COLUMNS = [
    Column("Mã tiêu chí", 11),
    Column("Nội dung tiêu chí", 58),
    Column("Điểm tối đa", 10),
    Column("Điểm tự chấm", 11),
    Column("Minh chứng", 46),
    Column("Ghi chú", 24),
]
_COUNT_COLUMNS = [Column("Mã", 8), Column("Nội dung", 70), Column("Số lần", 10), Column("Căn cứ", 52)]
_INDICATOR_COLUMNS = [
    Column("Mã chỉ tiêu", 10),
    Column("Tên chỉ tiêu", 46),
    Column("Đơn vị tính", 12),
    Column("Kế hoạch năm", 12),
    Column("Thực hiện trong tháng", 13),
    Column("Lũy kế từ đầu năm", 13),
    Column("Ghi chú", 30),
]
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_APPRAISAL_COLUMNS = [Column("Đơn vị", 22), Column("Mã", 8), Column("Điểm thẩm định", 12), Column("Lý do", 80)]


def _row(ws: Worksheet, row: int, values: list[Any], variant: Variant, **style: Any) -> None:
    """Write one table row; with ``stt`` the first value goes to the STT column, else it is dropped."""
    cells = values if "stt" in variant else values[1:]
    for col, value in enumerate(cells, start=1):
        put(ws, row, col, value, **style)


def _criterion_row(ws: Worksheet, row: int, stt: int, code: str, data: dict[str, Any], variant: Variant) -> None:
    values = [
        stt,
        code_cell(code, variant),
        data["names"].get(code),
        number(data["maxima"].get(code), variant),
        number(data["scores"].get(code), variant),
        data["evidence"].get(code) or None,
        data["notes"].get(code),
    ]
    _row(ws, row, values, variant, wrap=True)
    _center(ws, row, [1, 3, 4], variant)


def _center(ws: Worksheet, row: int, columns: list[int], variant: Variant) -> None:
    """Centre the given canonical columns (1-based, before any STT column) and the STT column itself."""
    offset = 1 if "stt" in variant else 0
    for col in {1, *(c + offset for c in columns)}:
        ws.cell(row=row, column=col).alignment = _CENTER


def _footer(ws: Worksheet, row: int, total: Decimal, variant: Variant) -> None:
    """Total row (sum as a note, score cells empty), an explanatory note and the signature block."""
    _row(ws, row, [None, "Tổng cộng", None, None, None, None, f"Cộng điểm tự chấm: {comma(total)}"], variant, bold=True)
    note = "Ghi chú: điểm các tiêu chí chỉ tiêu do Khối tính từ số lũy kế của báo cáo chỉ tiêu tháng."
    _row(ws, row + 1, [None, note], variant, box=False, italic=True)
    _row(
        ws,
        row + 3,
        [None, None, "NGƯỜI LẬP BIỂU", None, None, "TM. ỦY BAN NHÂN DÂN PHƯỜNG"],
        variant,
        box=False,
        bold=True,
        align="center",
    )
    _row(ws, row + 4, [None, None, None, None, None, "CHỦ TỊCH"], variant, box=False, bold=True, align="center")


def _score_sheet(ws: Worksheet, data: dict[str, Any], variant: Variant) -> None:
    """The ``Tự chấm điểm`` sheet: group heading rows, one row per criterion, the total row."""
    columns = with_stt(_SCORE_COLUMNS, variant)
    row = titles(ws, [f"BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM {data['year']}", BLOC_TITLE], len(columns), variant)
    header(ws, row, columns, variant)
    stt = 0
    for index, (_, group_name, codes) in enumerate(data["groups"]):
        row += 1
        _row(
            ws,
            row,
            [None, ROMAN[index], group_name, None, None, None, None],
            variant,
            bold=True,
            wrap=True,
            fill=GROUP_FILL,
        )
        for code in codes:
            row, stt = row + 1, stt + 1
            _criterion_row(ws, row, stt, code, data, variant)
    total = sum((v for v in data["scores"].values() if v is not None), Decimal("0"))
    _footer(ws, row + 1, total, variant)
    print_setup(ws, landscape=True)


def _count_sheet(ws: Worksheet, data: dict[str, Any], variant: Variant) -> None:
    """The ``Thưởng - Trừ`` sheet: one row per T and D code with its number of occurrences."""
    columns = with_stt(_COUNT_COLUMNS, variant)
    row = titles(ws, [f"ĐIỂM THƯỞNG, ĐIỂM TRỪ NĂM {data['year']}", BLOC_TITLE], len(columns), variant)
    header(ws, row, columns, variant)
    counts = {**data["bonus_counts"], **data["deduction_counts"]}
    for stt, (code, count) in enumerate(counts.items(), start=1):
        values = [stt, code, data["names"].get(code), count, data["basis"].get(code) or None]
        _row(ws, row + stt, values, variant, wrap=True)
        _center(ws, row + stt, [1, 3], variant)
    print_setup(ws, landscape=True)


def write_annual(
    path: Path | str,
    *,
    ward_name: str,
    ward_code: str | None,
    year: int,
    prepared_on: date,
    scores: dict[str, Decimal | None],
    maxima: dict[str, Decimal],
    names: dict[str, str],
    groups: list[Group],
    bonus_counts: dict[str, int],
    deduction_counts: dict[str, int],
    evidence: dict[str, str],
    role: str = DEFAULT_ROLE,
    variant: Variant = frozenset(),
    preparer: str = DEFAULT_PREPARER,
    basis: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> Path:
    """Write an annual self-assessment workbook (Bảng tự chấm điểm thi đua năm, spec §3.1).

    ``names`` maps criterion and T/D codes to their names; ``groups`` lists (code, name, criterion codes) in
    order; ``bonus_counts``/``deduction_counts`` give the ``Số lần`` of every T/D code to write (in order);
    ``basis`` the ``Căn cứ`` per T/D code; ``notes`` the ``Ghi chú`` per criterion. Returns the path written.
    """
    data = {
        "year": year,
        "scores": scores,
        "maxima": maxima,
        "names": names,
        "groups": groups,
        "evidence": evidence,
        "notes": notes or {},
        "bonus_counts": bonus_counts,
        "deduction_counts": deduction_counts,
        "basis": basis or {},
    }
    info = [
        ("Đơn vị", ward_label(ward_name, variant)),
        ("Mã đơn vị", ward_code),
        ("Năm", year),
        ("Người lập", preparer),
        ("Chức vụ", role),
        ("Ngày lập", prepared_on),
        ("Điện thoại", None),
    ]
    wb = Workbook()
    build_sheets(
        wb,
        [
            ("Thông tin", partial(info_sheet, pairs=info, variant=variant)),
            ("Tự chấm điểm", partial(_score_sheet, data=data, variant=variant)),
            ("Thưởng - Trừ", partial(_count_sheet, data=data, variant=variant)),
        ],
        variant,
    )
    return finish(wb, Path(path), prepared_on, f"Bảng tự chấm điểm thi đua năm {year} – phường {ward_name}")


def _indicator_value(value: Decimal | None, percent: bool, variant: Variant) -> tuple[Any, str]:
    """A monthly value and its number format: a fraction formatted ``0.0%`` for percent cells."""
    if value is None:
        return None, "General"
    if percent:
        return float(value / 100), "0.0%"
    return number(value, variant), "General"


def _indicator_sheet(ws: Worksheet, data: dict[str, Any], variant: Variant) -> None:
    """The ``Chỉ tiêu`` sheet: one row per indicator."""
    columns = with_stt(_INDICATOR_COLUMNS, variant)
    month, year = data["period"][5:], data["period"][:4]
    lines = [f"BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU THÁNG {month}/{year}", BLOC_TITLE]
    row = titles(ws, lines, len(columns), variant)
    header(ws, row, columns, variant)
    for stt, item in enumerate(data["rows"], start=1):
        percent = item["code"] in data["percent_codes"]
        month_value, month_fmt = _indicator_value(item.get("month_value"), percent, variant)
        ytd, ytd_fmt = _indicator_value(item.get("ytd"), percent, variant)
        values = [
            stt,
            item["code"],
            item.get("name"),
            item.get("unit"),
            number(item.get("plan"), variant),
            month_value,
            ytd,
            item.get("note") or None,
        ]
        _row(ws, row + stt, values, variant, wrap=True)
        offset = 1 if "stt" in variant else 0
        ws.cell(row=row + stt, column=5 + offset).number_format = month_fmt
        ws.cell(row=row + stt, column=6 + offset).number_format = ytd_fmt
    print_setup(ws, landscape=True)


def period_label(period: str, variant: Variant) -> str:
    """``Kỳ báo cáo`` as written: ``Tháng 12/2025``, or ``tháng 12 năm 2025`` for ``period_words``."""
    year, month = period.split("-")
    return f"tháng {month} năm {year}" if "period_words" in variant else f"Tháng {month}/{year}"


def write_monthly(
    path: Path | str,
    *,
    ward_name: str,
    ward_code: str | None,
    period: str,
    prepared_on: date,
    rows: list[dict[str, Any]],
    percent_format_codes: set[str] | frozenset[str] = frozenset(),
    variant: Variant = frozenset(),
    preparer: str = DEFAULT_PREPARER,
) -> Path:
    """Write a monthly progress workbook (Báo cáo kết quả thực hiện chỉ tiêu tháng, spec §3.3).

    ``rows`` are dicts with ``code, name, unit, plan, month_value, ytd, note`` (numbers as ``Decimal``, percent
    indicators on a 0–100 scale). Codes in ``percent_format_codes`` are written as fractions formatted
    ``0.0%`` (97.5 -> 0.975). Returns the path written.
    """
    info = [
        ("Đơn vị", ward_label(ward_name, variant)),
        ("Mã đơn vị", ward_code),
        ("Kỳ báo cáo", period_label(period, variant)),
        ("Người lập", preparer),
        ("Ngày lập", prepared_on),
    ]
    data = {"period": period, "rows": rows, "percent_codes": set(percent_format_codes)}
    wb = Workbook()
    build_sheets(
        wb,
        [
            ("Thông tin", partial(info_sheet, pairs=info, variant=variant)),
            ("Chỉ tiêu", partial(_indicator_sheet, data=data, variant=variant)),
        ],
        variant,
    )
    subject = f"Báo cáo chỉ tiêu {period_label(period, frozenset()).lower()} – phường {ward_name}"
    return finish(wb, Path(path), prepared_on, subject)


def _appraisal_sheet(ws: Worksheet, rows: list[dict[str, Any]], year: int, variant: Variant) -> None:
    columns = with_stt(_APPRAISAL_COLUMNS, variant)
    lines = [f"KẾT QUẢ THẨM ĐỊNH, CHẤM CHÉO ĐIỂM THI ĐUA NĂM {year}", BLOC_TITLE]
    row = titles(ws, lines, len(columns), variant)
    header(ws, row, columns, variant)
    for stt, item in enumerate(rows, start=1):
        values = [stt, item["ward"], item["code"], number(item["value"], variant), item.get("reason") or None]
        _row(ws, row + stt, values, variant, wrap=True)
        _center(ws, row + stt, [2, 3], variant)
    print_setup(ws, landscape=True)


def write_appraisal(
    path: Path | str,
    rows: list[dict[str, Any]],
    *,
    year: int = 2025,
    prepared_on: date | None = None,
    variant: Variant = frozenset(),
) -> Path:
    """Write the bloc's appraisal workbook (Kết quả thẩm định, spec §3.2).

    ``rows`` are dicts with ``ward`` (name in any accepted form, or code), ``code`` (criterion or T/D code),
    ``value`` (appraised score or number of occurrences, ``Decimal``) and ``reason``. ``prepared_on`` (default
    12 January of the next year) fixes the file's timestamps. Returns the path written.
    """
    when = prepared_on or date(year + 1, 1, 12)
    wb = Workbook()
    build_sheets(wb, [("Thẩm định", partial(_appraisal_sheet, rows=rows, year=year, variant=variant))], variant)
    return finish(wb, Path(path), when, f"Kết quả thẩm định điểm thi đua năm {year}")
