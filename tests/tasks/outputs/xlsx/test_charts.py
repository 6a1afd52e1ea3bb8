"""Native charts in ``ranking.xlsx`` and ``standing.xlsx``, read back from the chart parts and their cells."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from lxml import etree
from openpyxl import load_workbook

from tasks.domain import Indicator, Method, Votes, WardStatus
from tasks.outputs.xlsx.charts import CHART_SHEET
from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tests.support.explained import BLOC, CATALOGUE, MEETING_CASE, rank

D = Decimal
MOMENT = datetime(2026, 1, 15, 8, 0)
RANKING = rank(MEETING_CASE, Votes(8, 8, 8, {"SAPA": 7}), {"CAUTHIA": WardStatus.REJECTED})
NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def _charts(data: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = sorted(n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [etree.fromstring(package.read(n)) for n in names]


def _title(chart: etree._Element) -> str:
    return "".join(chart.xpath("c:chart/c:title//a:t/text()", namespaces=NS))


def _series(chart: etree._Element, kind: str) -> list[dict[str, str]]:
    """Each series of the ``kind`` plot (barChart, lineChart): the cells of its title, values and categories."""
    out = []
    for ser in chart.xpath(f"c:chart/c:plotArea/c:{kind}/c:ser", namespaces=NS):
        out.append({
            "title": "".join(ser.xpath("c:tx/c:strRef/c:f/text()", namespaces=NS)),
            "values": "".join(ser.xpath("c:val/c:numRef/c:f/text()", namespaces=NS)),
            "categories": "".join(ser.xpath("c:cat/*/c:f/text()", namespaces=NS)),
        })  # fmt: skip
    return out


def _cells(data: bytes, ref: str) -> list[object]:
    """The values of a chart reference such as ``'Biểu đồ'!$C$5:$C$10``, read with openpyxl."""
    sheet, _, cells = ref.rpartition("!")
    ws = load_workbook(io.BytesIO(data))[sheet.strip("'")]
    found = ws[cells.replace("$", "")]
    rows = found if isinstance(found, tuple) else ((found,),)
    return [c.value for row in rows for c in (row if isinstance(row, tuple) else (row,))]


def test_the_ranking_workbook_charts_every_scored_total_in_rank_order_with_the_thresholds() -> None:
    """One chart on ``Biểu đồ``: bars of the totals by ward (rejected ward left out), a line per band threshold."""
    data = write_ranking_xlsx(BLOC, CATALOGUE, RANKING, MOMENT)
    assert load_workbook(io.BytesIO(data)).sheetnames[-1] == CHART_SHEET
    [chart] = _charts(data)
    assert _title(chart) == "Tổng điểm theo thứ hạng"
    [bars] = _series(chart, "barChart")
    assert _cells(data, bars["title"]) == ["Tổng điểm"]
    assert _cells(data, bars["categories"]) == ["Sa Pa", "Lào Cai", "Nghĩa Lộ", "Cam Đường", "Yên Bái", "Trung Tâm"]
    assert [D(str(v)) for v in _cells(data, bars["values"])] == [
        D("97.72"), D("94.36"), D("92.72"), D("91.45"), D("91.45"), D("88.95")]  # fmt: skip
    lines = _series(chart, "lineChart")
    assert [_cells(data, s["title"]) for s in lines] == [
        ["Ngưỡng “Hoàn thành xuất sắc nhiệm vụ”"], ["Ngưỡng “Hoàn thành tốt nhiệm vụ”"]]  # fmt: skip
    assert [set(_cells(data, s["values"])) for s in lines] == [{90}, {70}]
    assert chart.xpath("boolean(//c:barChart/c:dLbls/c:showVal[@val='1'])", namespaces=NS)


def test_the_standing_workbook_charts_each_indicator_against_its_target_by_ward() -> None:
    """One clustered chart per indicator: each ward's year-to-date value beside its annual target."""
    catalogue = replace(
        CATALOGUE,
        indicators=(
            Indicator("CT01", "Hồ sơ TTHC giải quyết đúng hạn", "%", False, Method.PROPORTIONAL,
                      {"SAPA": D(100), "LAOCAI": D(100)}),
            Indicator("CT03", "Doanh nghiệp thành lập mới", "doanh nghiệp", True, Method.PROPORTIONAL,
                      {"SAPA": D(80), "LAOCAI": D(90)}),
        ),
    )  # fmt: skip
    rows = [
        {"ward_code": "SAPA", "ward_name": "Sa Pa", "status": "accepted", "issues": 0,
         "CT01_ytd": D("97.5"), "CT01_score": D(8), "CT03_ytd": D(64), "CT03_score": D(3)},
        {"ward_code": "LAOCAI", "ward_name": "Lào Cai", "status": "missing", "issues": 0,
         "CT01_ytd": None, "CT01_score": None, "CT03_ytd": None, "CT03_score": None},
    ]  # fmt: skip
    data = write_standing_xlsx(BLOC, catalogue, "2025-12", rows, MOMENT)
    charts = _charts(data)
    assert [_title(c) for c in charts] == [
        "CT01. Hồ sơ thủ tục hành chính giải quyết đúng hạn (%)",  # NĐ 30: no unexplained abbreviation
        "CT03. Doanh nghiệp thành lập mới (doanh nghiệp)"]  # fmt: skip
    ytd, target = _series(charts[1], "barChart")
    assert _cells(data, ytd["title"]) == ["CT03 lũy kế"] and _cells(data, target["title"]) == ["CT03 kế hoạch"]
    assert _cells(data, ytd["categories"]) == ["Sa Pa", "Lào Cai"]
    assert _cells(data, ytd["values"]) == [64, None]  # the ward without a report has no bar
    assert _cells(data, target["values"]) == [80, 90]
    assert write_standing_xlsx(BLOC, catalogue, "2025-12", rows, MOMENT) == data


def test_a_rerun_gives_the_same_ranking_workbook_bytes_with_its_chart() -> None:
    """The chart adds nothing that depends on the clock or the machine."""
    assert write_ranking_xlsx(BLOC, CATALOGUE, RANKING, MOMENT) == write_ranking_xlsx(BLOC, CATALOGUE, RANKING, MOMENT)
