"""A six-ward bloc with two criterion groups and two indicators, for the XLSX writers (test helpers, no tests here).

One ward name starts with ``=`` (a formula-like name that must stay text).
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    BonusItem,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Indicator,
    Method,
    MonthWindow,
    Nomination,
    Ranking,
    RankingRow,
    ScoreLine,
    Source,
    Ward,
    WardScore,
    WardStatus,
)

D = Decimal
MOMENT = datetime(2026, 1, 15, 8, 30)
WARDS = (
    Ward("SAPA", "Sa Pa"),
    Ward("CAUTHIA", "Cầu Thia"),
    Ward("AULAU", "Âu Lâu"),
    Ward("LAOCAI", "Lào Cai"),
    Ward("YENBAI", "Yên Bái"),
    Ward("NGHIALO", "=Nghĩa Lộ"),  # a name that looks like a formula must stay text
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", WARDS)
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group(
            "1",
            "Công tác thi đua – khen thưởng",
            (
                Criterion("1.1", "Kế hoạch thi đua", CriterionKind.ASSESSED, D(50), "1"),
                Criterion("1.2", "Tuyên truyền", CriterionKind.ASSESSED, D(30), "1"),
            ),
        ),
        Group(
            "2",
            "Phát triển kinh tế",
            (Criterion("2.1", "Thu ngân sách", CriterionKind.INDICATOR, D(20), "2", indicator="CT01"),),
        ),
    ),
    indicators=(
        Indicator("CT01", "Thu ngân sách so với dự toán", "%", False, Method.PROPORTIONAL, {"SAPA": D(100)}),
        Indicator("CT03", "Doanh nghiệp thành lập mới", "doanh nghiệp", True, Method.PROPORTIONAL, {"SAPA": D(80)}),
    ),
    bonus_cap=D(5),
    bonus_items=(BonusItem("T1", "Mô hình tiên tiến", D(1), D(2)),),
    deduction_items=(DeductionItem("D1", "Chậm nộp báo cáo", D("0.5")),),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", D(70)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", D(0)),
    ),
    flag=AwardRule(1, "HTXSNV", Fraction(1, 2), Fraction(2, 3)),
    merit=AwardRule(3, "HTXSNV"),
)


def score(ward: Ward, s11: str, s12: str, s21: str, bonus: str, deductions: str, band: str) -> WardScore:
    """A score sheet from the points of criteria 1.1, 1.2 and 2.1."""
    points = {"1.1": D(s11), "1.2": D(s12), "2.1": D(s21)}
    lines = tuple(ScoreLine(ward.code, code, p, p, Source.SELF) for code, p in points.items())
    base = sum(points.values(), D(0))
    total = base + D(bonus) - D(deductions)
    groups = {"1": points["1.1"] + points["1.2"], "2": points["2.1"]}
    return WardScore(ward, base, D(bonus), D(deductions), total, band, False, groups, lines, ())


def out_of_order_ranking() -> Ranking:
    """Rows deliberately out of order: the writer puts unscored wards last."""
    sapa = score(WARDS[0], "48.50", "29", "19.75", "2", "0", "HTXSNV")
    cauthia = score(WARDS[1], "45", "28", "18", "1.5", "0.5", "HTXSNV")
    aulau = score(WARDS[2], "45", "28", "18", "1.5", "0.5", "HTXSNV")
    nghialo = score(WARDS[5], "30", "20", "10", "0", "1", "HTTNV")
    return Ranking(
        rows=(
            RankingRow(WARDS[0], WardStatus.SCORED, 1, sapa, Nomination.FLAG_PROPOSED),
            RankingRow(WARDS[3], WardStatus.REJECTED),
            RankingRow(WARDS[1], WardStatus.SCORED, 2, cauthia, Nomination.MERIT, tied=True),
            RankingRow(WARDS[2], WardStatus.SCORED, 2, aulau, Nomination.FLAG_CANDIDATE, tied=True),
            RankingRow(WARDS[4], WardStatus.MISSING),
            RankingRow(WARDS[5], WardStatus.SCORED, 4, nghialo, Nomination.FLAG),
        ),
        vote=None,
        merit_tie=False,
    )


def reopen(data: bytes) -> Workbook:
    """The workbook bytes opened with openpyxl."""
    return load_workbook(io.BytesIO(data))


def row_values(ws: Worksheet, row: int) -> list[object]:
    """The values of one row of ``ws``."""
    return [c.value for c in ws[row]]
