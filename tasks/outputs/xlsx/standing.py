"""``standing.xlsx``: the monthly standing (kết quả thực hiện chỉ tiêu tháng), for people to read and print.

One row per ward: status of its monthly report, number of issues, then for each indicator the
year-to-date value (lũy kế) and the provisional score (điểm tạm tính) of the criterion it feeds. Sheet
``Biểu đồ``: one native chart per indicator, each ward's year-to-date value against its annual target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import Bloc, Catalogue, Criterion, Indicator
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx.charts import add_standing_charts
from tasks.outputs.xlsx.common import (
    SUBTITLE_LINE,
    Column,
    Kind,
    banner,
    legend,
    new_workbook,
    quantity_kind,
    setup_print,
    write_table,
)
from tasks.scoring.explain import spelled_out
from tasks.text import month_label, number_text

STANDING_SHEET = "Chỉ tiêu tháng"
REPORT_STATUS_TEXT: dict[str, str] = {
    "accepted": "Được chấp nhận",
    "rejected": "Bị từ chối",
    "missing": "Chưa nộp",
}
_HEADER_ROW = 4


def write_standing_xlsx(
    bloc: Bloc, catalogue: Catalogue, period: str, rows: Sequence[Mapping[str, object]], moment: datetime
) -> bytes:
    """Render the monthly standing as an XLSX workbook (bytes), byte-identical for the same arguments.

    ``rows`` are the rows of ``standing.csv`` before formatting: keys ``ward_code``, ``ward_name``,
    ``status`` (``accepted|rejected|missing``), ``issues`` (count) and ``<CODE>_ytd``, ``<CODE>_score`` for
    each indicator of the catalogue (``Decimal`` or ``None``). ``period`` is ``YYYY-MM``.
    """
    title = f"BẢNG THEO DÕI KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA THÁNG {month_label(period)}"
    wb = new_workbook(title, moment)
    ws = wb.active
    assert ws is not None
    ws.title = STANDING_SHEET
    _fill(ws, title, bloc, catalogue, period, rows)
    add_standing_charts(wb, f"{bloc.name} – tỉnh {bloc.province}", catalogue, month_label(period), rows)
    return save_workbook(wb, moment)


def _feeds(catalogue: Catalogue, indicator: Indicator) -> Criterion | None:
    """The criterion scored from ``indicator``, if any."""
    return next((c for c in catalogue.criteria if c.indicator == indicator.code), None)


def _ytd_kind(indicator: Indicator, rows: Sequence[Mapping[str, object]]) -> Kind:
    """Two decimals for ratios or fractional values; whole counts as plain digits."""
    return quantity_kind((r.get(f"{indicator.code}_ytd") for r in rows), indicator.is_percent)


def _columns(catalogue: Catalogue, period: str, rows: Sequence[Mapping[str, object]]) -> list[Column]:
    columns = [
        Column("Mã đơn vị", 13, "center"),
        Column("Đơn vị", 11.5, "text"),
        Column("Trạng thái báo cáo", 11, "center"),
        Column("Số lỗi, cảnh báo", 7.5, "int"),
    ]
    for ind in catalogue.indicators:
        criterion = _feeds(catalogue, ind)
        ytd_note = f"{ind.code}. {ind.name} ({ind.unit}): lũy kế từ đầu năm đến tháng {month_label(period)}"
        columns.append(Column(f"Lũy kế {ind.code}", 8, _ytd_kind(ind, rows), ytd_note))
        if criterion is not None:
            score_note = f"Điểm tạm tính của tiêu chí {criterion.code} (tối đa {number_text(criterion.max)} điểm)"
            columns.append(Column(f"Điểm tạm tính {criterion.code}", 6, "number", score_note))
        else:
            columns.append(Column(f"Điểm tạm tính {ind.code}", 6, "number"))
    return columns


def _record(row: Mapping[str, object], catalogue: Catalogue) -> list[object]:
    status = str(row.get("status") or "")
    record: list[object] = [
        row.get("ward_code"),
        row.get("ward_name"),
        REPORT_STATUS_TEXT.get(status, status),
        row.get("issues"),
    ]
    for ind in catalogue.indicators:
        record += [row.get(f"{ind.code}_ytd"), row.get(f"{ind.code}_score")]
    return record


def _legend_lines(catalogue: Catalogue) -> list[str]:
    lines = ["Ghi chú:"]
    for ind in catalogue.indicators:
        targets = set(ind.targets.values())
        target = (
            f"kế hoạch năm {number_text(targets.pop())}" if len(targets) == 1 else "kế hoạch năm giao cho từng đơn vị"
        )
        criterion = _feeds(catalogue, ind)
        feeds = f"; tính điểm tiêu chí {criterion.code} (tối đa {number_text(criterion.max)} điểm)" if criterion else ""
        lines.append(f"{ind.code}. {spelled_out(ind.name)} (đơn vị tính: {ind.unit}; {target}{feeds}).")
    lines.append("Điểm tạm tính chỉ để theo dõi; điểm chính thức được tính khi tổng kết năm.")
    return lines


def _fill(
    ws: Worksheet, title: str, bloc: Bloc, catalogue: Catalogue, period: str, rows: Sequence[Mapping[str, object]]
) -> None:
    columns = _columns(catalogue, period, rows)
    banner(ws, 1, title, len(columns))
    banner(ws, 2, f"{bloc.name} – tỉnh {bloc.province}", len(columns), look=SUBTITLE_LINE)
    last = write_table(ws, _HEADER_ROW, columns, (_record(r, catalogue) for r in rows))
    last = legend(ws, last + 2, _legend_lines(catalogue), columns)
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=3)
    setup_print(ws, last_col=len(columns), last_row=last, title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}")
