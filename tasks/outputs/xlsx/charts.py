"""Native Excel charts for the meeting: the ranking (``ranking.xlsx``) and the indicators (``standing.xlsx``).

Each chart sits on a sheet ``Biểu đồ`` under the small table it is drawn from, so a reader can check every bar
against a number and Excel or LibreOffice redraws it from the cells. openpyxl writes the charts (``openpyxl
.chart``); nothing here depends on the clock, so reruns stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.label import DataLabelList
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import Catalogue, Indicator, Ranking, WardStatus
from tasks.outputs.xlsx.common import SUBTITLE_LINE, Column, banner, quantity_kind, setup_print, write_table
from tasks.scoring.explain import spelled_out

CHART_SHEET = "Biểu đồ"
_TABLE_TOP = 4  # title, subtitle, blank line, then the table
_CHART_ROWS = 20  # rows the ranking chart covers below its anchor (a landscape page of its own)
_STANDING_ROWS = 18  # rows each indicator chart covers, with a blank row under it
_ROW_CM = 0.53  # a default 15 pt row
_PAGE_WIDTH_CM, _PAGE_HEIGHT_CM = 26.9, 16.5  # A4 landscape inside setup_print's margins, footer left out


def _width_cm(columns: Sequence[Column]) -> float:
    """About how wide ``columns`` are: a width unit is one digit of the workbook's 12 pt Times New Roman,
    ~0.25 cm once padded. A chart as wide as its table stays inside the print area (scaled to the page)."""
    return sum(c.width for c in columns) * 0.25


def _column_at(columns: Sequence[Column], cm: float) -> int:
    """The 1-based column whose left edge is the first at or after ``cm`` from the sheet's left edge."""
    for index in range(len(columns) + 1):
        if _width_cm(columns[:index]) >= cm:
            return index + 1
    return len(columns) + 1


def add_ranking_chart(wb: Workbook, subtitle: str, catalogue: Catalogue, ranking: Ranking) -> Worksheet:
    """A sheet with each scored ward's total in rank order and a bar chart of it, the thresholds of the bands
    above zero drawn as lines across it (one line series per band, the same value for every ward)."""
    ws = wb.create_sheet(CHART_SHEET)
    rows = [r for r in ranking.rows if r.status is WardStatus.SCORED and r.score is not None]
    bands = [b for b in catalogue.bands if b.min > 0]
    columns = [Column("Hạng", 6, "int"), Column("Đơn vị", 16, "text"), Column("Tổng điểm", 10, "number")]
    columns += [Column(f"Ngưỡng “{b.name}”", 16, "number") for b in bands]
    title = f"BIỂU ĐỒ TỔNG ĐIỂM THI ĐUA NĂM {catalogue.year}"
    banner(ws, 1, title, len(columns))
    banner(ws, 2, subtitle, len(columns), look=SUBTITLE_LINE)
    records = [[r.rank, r.ward.name, r.score.total if r.score else None, *[b.min for b in bands]] for r in rows]
    last = write_table(ws, _TABLE_TOP, columns, records)
    if rows:
        chart = _bars("Tổng điểm theo thứ hạng", "Tổng điểm", ws, 3, 3, last, categories=2)
        chart.dataLabels = DataLabelList(
            showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
        )
        lines = LineChart()
        for offset in range(len(bands)):
            col = 4 + offset
            lines.add_data(Reference(ws, min_col=col, min_row=_TABLE_TOP, max_row=last), titles_from_data=True)
        for series in lines.series:
            series.marker.symbol = "none"
            series.smooth = False
        chart += lines
        chart.width, chart.height = 0.75 * _width_cm(columns), _CHART_ROWS * _ROW_CM  # inside the print area
        ws.add_chart(chart, f"A{last + 2}")
        ws.row_breaks.append(Break(id=last + 1))  # the chart prints whole on a page of its own, whatever the table
    setup_print(ws, last_col=len(columns), last_row=last + 1 + _CHART_ROWS, title_rows=None, landscape=True)
    return ws


def add_standing_charts(
    wb: Workbook, subtitle: str, catalogue: Catalogue, month: str, rows: Sequence[Mapping[str, object]]
) -> Worksheet:
    """A sheet with, for each indicator, every ward's year-to-date value next to its annual target, and one
    clustered bar chart per indicator (two a row) comparing the two, ward by ward."""
    ws = wb.create_sheet(CHART_SHEET)
    indicators = catalogue.indicators
    columns = [Column("Đơn vị", 14, "text")]
    for ind in indicators:
        ytd = quantity_kind((row.get(f"{ind.code}_ytd") for row in rows), ind.is_percent)
        plan = quantity_kind(ind.targets.values(), ind.is_percent)
        columns += [
            Column(f"{ind.code} lũy kế", 8.5, ytd),
            Column(f"{ind.code} kế hoạch", 8.5, plan),
        ]
    banner(ws, 1, f"BIỂU ĐỒ THỰC HIỆN CHỈ TIÊU ĐẾN THÁNG {month}", len(columns))
    banner(ws, 2, subtitle, len(columns), look=SUBTITLE_LINE)
    records = [_standing_record(indicators, row) for row in rows]
    last = write_table(ws, _TABLE_TOP, columns, records)
    total = _width_cm(columns)
    split = _column_at(columns, total / 2)  # the right-hand chart starts at the first column past the middle
    widths = (total / 2 - 0.3, total - _width_cm(columns[: split - 1]) - 0.3)
    tops = _chart_rows(ws, last, (len(indicators) + 1) // 2, total)
    for index, ind in enumerate(indicators):
        col = 2 + 2 * index
        title = f"{ind.code}. {spelled_out(ind.name)} ({ind.unit})"
        chart = _bars(title, ind.unit, ws, col, col + 1, last, categories=1)
        chart.width, chart.height = widths[index % 2], (_STANDING_ROWS - 1) * _ROW_CM
        anchor = "A" if index % 2 == 0 else get_column_letter(split)
        ws.add_chart(chart, f"{anchor}{tops[index // 2]}")
    end = (tops[-1] if tops else last + 1) + _STANDING_ROWS
    setup_print(ws, last_col=len(columns), last_row=end, title_rows=None, landscape=True)
    return ws


def _chart_rows(ws: Worksheet, last: int, count: int, width_cm: float) -> list[int]:
    """The first sheet row of each of ``count`` rows of charts placed under row ``last``, with a page break
    before a row of charts that would not fit on the rest of its page (the print is scaled to the page width,
    so a wide table leaves room for more rows)."""
    scale = min(1.0, _PAGE_WIDTH_CM / width_cm)
    room = _PAGE_HEIGHT_CM / scale
    used = sum(_ROW_CM if ws.row_dimensions[r].height is None else ws.row_dimensions[r].height * 2.54 / 72
               for r in range(1, last + 2))  # fmt: skip
    tops, row = [], last + 2
    for _ in range(count):
        if used + _STANDING_ROWS * _ROW_CM > room:
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        tops.append(row)
        used += _STANDING_ROWS * _ROW_CM
        row += _STANDING_ROWS
    return tops


def _standing_record(indicators: Sequence[Indicator], row: Mapping[str, object]) -> list[object]:
    code = str(row.get("ward_code") or "")
    record: list[object] = [row.get("ward_name")]
    for ind in indicators:
        target: Decimal | None = ind.targets.get(code)
        record += [row.get(f"{ind.code}_ytd"), target]
    return record


def _bars(title: str, y_title: str, ws: Worksheet, first: int, last_col: int, last: int, categories: int) -> BarChart:
    """A clustered column chart of columns ``first``..``last_col`` (titles in the header row) by the
    categories in column ``categories``; both axes shown (openpyxl leaves them to the reader's default)."""
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title, chart.y_axis.title = title, y_title
    chart.add_data(
        Reference(ws, min_col=first, max_col=last_col, min_row=_TABLE_TOP, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=categories, min_row=_TABLE_TOP + 1, max_row=last))
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.number_format = "General"
    chart.y_axis.scaling.min = 0  # bars start at zero, so their lengths compare honestly
    chart.y_axis.majorGridlines = ChartLines()
    chart.legend.position = "b"
    return chart
