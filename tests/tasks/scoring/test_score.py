"""Scoring of one ward (spec §4 steps 1–6), on a tiny inline catalogue."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.domain import (
    AnnualReport,
    AppraisalEntry,
    AwardRule,
    Band,
    BonusItem,
    Catalogue,
    Criterion,
    CriterionEntry,
    CriterionKind,
    DeductionItem,
    Group,
    Indicator,
    IndicatorEntry,
    Method,
    MonthlyReport,
    MonthWindow,
    ScoreLine,
    Severity,
    Source,
    Ward,
    WardScore,
)
from tasks.scoring.score import FileIssue, indicator_score, round_half_up, score_ward

D = Decimal
WARD = Ward("AULAU", "Âu Lâu")
ANNUAL_FILE = "annual/au-lau.xlsx"
APPRAISAL_FILE = "appraisal/tham-dinh.xlsx"
MONTHS = ("2025-09", "2025-10", "2025-11", "2025-12")


def monthly_file(month: str) -> str:
    return f"monthly/{month}/au-lau.xlsx"


HASHES = {
    ANNUAL_FILE: "a" * 64,
    APPRAISAL_FILE: "b" * 64,
    **{monthly_file(m): m[-1] * 64 for m in (*MONTHS, "2026-01")},
}

# A1 (max 60) and A2 (max 20) are self-assessed; I1 (max 8) is proportional to CT01, I2 (max 12) a threshold
# on CT02. The base maxima sum to 100.
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group(
            "1",
            "Thi đua",
            (
                Criterion("A1", "Tự chấm một", CriterionKind.ASSESSED, D(60), "1"),
                Criterion("A2", "Tự chấm hai", CriterionKind.ASSESSED, D(20), "1"),
            ),
        ),
        Group(
            "2",
            "Chỉ tiêu",
            (
                Criterion("I1", "Thu ngân sách", CriterionKind.INDICATOR, D(8), "2", indicator="CT01"),
                Criterion("I2", "Giao quân", CriterionKind.INDICATOR, D(12), "2", indicator="CT02"),
            ),
        ),
    ),
    indicators=(
        Indicator("CT01", "Thu ngân sách", "%", False, Method.PROPORTIONAL, {"AULAU": D(98)}),
        Indicator("CT02", "Giao quân", "%", False, Method.THRESHOLD, {"AULAU": D(100)}, at_most=D(100)),
    ),
    bonus_cap=D(3),
    bonus_items=(BonusItem("T1", "Mô hình", D(1), D(2)), BonusItem("T2", "Sáng kiến", D("0.5"), D("1.5"))),
    deduction_items=(DeductionItem("D1", "Chậm báo cáo", D("0.5")), DeductionItem("D2", "Kỷ luật", D(2), veto=True)),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", D(70)),
        Band("HTNV", "Hoàn thành nhiệm vụ", D(50)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", D(0)),
    ),
    flag=AwardRule(1, "HTXSNV", vote_share_above=Fraction(1, 2), quorum=Fraction(2, 3)),
    merit=AwardRule(3, "HTXSNV"),
)


def annual(a1: str = "55", a2: str = "18", i1: str | None = None, counts: dict[str, int] | None = None) -> AnnualReport:
    criteria = {
        "A1": CriterionEntry("A1", D(a1), "QĐ 12", "D5"),
        "A2": CriterionEntry("A2", D(a2), "QĐ 13", "D6"),
        "I1": CriterionEntry("I1", D(i1) if i1 is not None else None, "", "D8"),
        "I2": CriterionEntry("I2", None, "", "D9"),
    }
    return AnnualReport("AULAU", 2025, None, criteria, counts or {})


def reports(ytd: dict[str, tuple[str, str]]) -> dict[str, tuple[MonthlyReport, str]]:
    """Monthly reports: month -> (CT01 ytd, CT02 ytd)."""
    out = {}
    for month, (ct01, ct02) in ytd.items():
        lines = {
            "CT01": IndicatorEntry("CT01", D(ct01), None, "F6"),
            "CT02": IndicatorEntry("CT02", D(ct02), None, "F7"),
        }
        out[month] = (MonthlyReport("AULAU", month, None, lines), monthly_file(month))
    return out


def full_year(ct01: str = "97", ct02: str = "100") -> dict[str, tuple[MonthlyReport, str]]:
    return reports({m: (ct01, ct02) for m in MONTHS})


def appraisal(code: str, value: str) -> AppraisalEntry:
    return AppraisalEntry("AULAU", code, D(value), "Theo hồ sơ", APPRAISAL_FILE, "Thẩm định", "C4")


def score(
    report: AnnualReport | None = None,
    monthly: dict[str, tuple[MonthlyReport, str]] | None = None,
    appraisals: Sequence[AppraisalEntry] = (),
) -> tuple[WardScore, list[FileIssue]]:
    return score_ward(
        WARD,
        CATALOGUE,
        report or annual(),
        ANNUAL_FILE,
        full_year() if monthly is None else monthly,
        appraisals,
        HASHES,
    )


def line(ward_score: WardScore, code: str) -> ScoreLine:
    return next(x for x in ward_score.lines if x.code == code)


def test_it_scores_a_ward_as_computed_by_hand() -> None:
    """It adds self-scores and indicator scores; 8 × 97 / 98 = 7.918… is rounded half up to 7.92."""
    result, warnings = score(annual(counts={"T1": 1, "D1": 1}))
    # base 55 + 18 + 7.92 + 12 = 92.92; bonus 1; deductions 0.5
    assert result.base == D("92.92")
    assert result.bonus == D("1.00")
    assert result.deductions == D("0.50")
    assert result.total == D("93.42")
    assert str(result.total) == "93.42"
    assert result.classification == "HTXSNV"
    assert not result.veto
    assert result.group_scores == {"1": D(73), "2": D("19.92")}
    assert result.missing_months == ()
    assert warnings == []


def test_it_traces_every_line_to_its_file_and_hash() -> None:
    """It writes one line per criterion, T, D and DM item, naming the file, hash, month and ytd used."""
    result, _ = score(annual(counts={"T1": 1}))
    assert [x.code for x in result.lines] == ["A1", "A2", "I1", "I2", "T1", "T2", "D1", "D2", "DM"]
    a1, i1, t1, dm = (line(result, c) for c in ("A1", "I1", "T1", "DM"))
    assert (a1.source, a1.file, a1.sha256, a1.points) == (Source.SELF, ANNUAL_FILE, "a" * 64, D(55))
    assert (i1.source, i1.file, i1.sha256) == (Source.INDICATOR, monthly_file("2025-12"), "2" * 64)
    assert (i1.month, i1.ytd, i1.value) == ("2025-12", D(97), D("7.92"))
    assert (t1.value, t1.points, t1.source, t1.file) == (D(1), D(1), Source.SELF, ANNUAL_FILE)
    assert (dm.value, dm.points, dm.source, dm.file, dm.sha256) == (D(0), D(0), Source.COMPUTED, None, None)


def test_it_rounds_an_exact_half_up_not_to_even() -> None:
    """It rounds 1.865 to 1.87 and 7.918367… to 7.92, from the exact quotient."""
    assert round_half_up(Fraction(1865, 1000)) == D("1.87")
    assert round_half_up(Fraction(8 * 97, 98)) == D("7.92")
    assert round_half_up(D("0.125")) == D("0.13")


def test_it_gives_a_threshold_indicator_all_or_nothing() -> None:
    """It gives the maximum at the target and 0 just below it."""
    below, _ = score(monthly=full_year(ct02="99.9"))
    at, _ = score(monthly=full_year(ct02="100"))
    assert line(below, "I2").points == D(0)
    assert line(at, "I2").points == D(12)


def test_it_gives_a_proportional_indicator_its_maximum_above_the_target() -> None:
    """It caps a proportional indicator at its maximum when the ytd exceeds the target."""
    result, _ = score(monthly=full_year(ct01="120"))
    assert line(result, "I1").points == D(8)


def test_it_uses_the_latest_month_and_deducts_missing_months() -> None:
    """It uses the latest report inside the window, ignores later months and deducts DM per missing month."""
    monthly = reports({"2025-09": ("49", "100"), "2025-10": ("97", "90"), "2026-01": ("98", "100")})
    result, _ = score(monthly=monthly)
    i1 = line(result, "I1")
    assert (i1.month, i1.ytd, i1.points, i1.file) == ("2025-10", D(97), D("7.92"), monthly_file("2025-10"))
    assert line(result, "I2").points == D(0)
    assert result.missing_months == ("2025-11", "2025-12")
    dm = line(result, "DM")
    assert (dm.value, dm.points) == (D(2), D(2))
    assert result.deductions == D("2.00")
    assert result.total == D("78.92")  # 55 + 18 + 7.92 + 0 − 2


def test_it_scores_indicators_zero_and_warns_without_any_report() -> None:
    """It scores indicators 0 with a ward-level warning naming them when no report is in the window."""
    result, warnings = score(monthly={})
    assert line(result, "I1").points == D(0)
    assert line(result, "I1").source == Source.COMPUTED
    assert result.deductions == D(4)
    assert len(warnings) == 1
    path, issue = warnings[0]
    assert path is None
    assert issue.rule == "indicator_no_report"
    assert issue.severity is Severity.WARNING
    assert "I1 (CT01), I2 (CT02)" in issue.message
    assert issue.message.startswith("Phường Âu Lâu không có báo cáo")
    assert unicodedata.is_normalized("NFC", issue.message + issue.hint)


def test_it_lets_the_appraisal_override_a_self_score_and_a_count() -> None:
    """It takes the appraised score and the appraised number of occurrences, traced to the appraisal file."""
    appraisals = [appraisal("A1", "50"), appraisal("T1", "1"), appraisal("I1", "6.5")]
    result, _ = score(annual(counts={"T1": 2}), appraisals=appraisals)
    a1, t1, i1 = (line(result, c) for c in ("A1", "T1", "I1"))
    assert (a1.points, a1.source, a1.file, a1.sha256) == (D(50), Source.APPRAISAL, APPRAISAL_FILE, "b" * 64)
    assert (t1.value, t1.points, t1.source) == (D(1), D(1), Source.APPRAISAL)
    assert (i1.points, i1.source, i1.month) == (D("6.5"), Source.APPRAISAL, None)
    assert result.base == D("86.50")  # 50 + 18 + 6.5 + 12
    assert result.bonus == D(1)


def test_it_caps_each_bonus_item_then_the_bonus_total() -> None:
    """It caps T1 at 2 and T2 at 1.5, then the bonus at the catalogue cap of 3."""
    result, _ = score(annual(counts={"T1": 5, "T2": 4}))
    assert line(result, "T1").points == D(2)
    assert line(result, "T2").points == D("1.5")
    assert result.bonus == D("3.00")


def test_it_floors_the_total_at_zero() -> None:
    """It never lets deductions take the total below 0."""
    result, _ = score(annual(a1="1", a2="0", counts={"D1": 400}), monthly={})
    assert result.deductions == D(204)
    assert result.total == D("0.00")
    assert result.classification == "KHTNV"


def test_a_veto_moves_the_top_band_to_the_second() -> None:
    """It places a ward with a veto deduction that reaches HTXSNV in HTTNV."""
    result, _ = score(annual(a1="60", a2="20", counts={"D2": 1}))
    assert result.total == D("97.92")  # 60 + 20 + 7.92 + 12 − 2
    assert result.veto
    assert result.classification == "HTTNV"


def test_a_veto_leaves_lower_bands_unchanged() -> None:
    """It leaves a ward with a veto in a lower band where its total puts it."""
    result, _ = score(annual(a1="40", a2="10", counts={"D2": 1}))
    assert result.total == D("67.92")
    assert result.veto
    assert result.classification == "HTNV"


def test_an_appraisal_can_clear_a_veto() -> None:
    """It uses the appraised count of a veto item: an appraised 0 lifts the veto."""
    result, _ = score(annual(a1="60", a2="20", counts={"D2": 1}), appraisals=[appraisal("D2", "0")])
    assert not result.veto
    assert result.classification == "HTXSNV"


def test_it_warns_when_an_indicator_self_score_differs() -> None:
    """It warns on the annual file's cell when the ward's indicator self-score differs from the computed one."""
    _, warnings = score(annual(i1="8"))
    assert len(warnings) == 1
    path, issue = warnings[0]
    assert path == ANNUAL_FILE
    assert (issue.rule, issue.sheet, issue.cell, issue.value) == (
        "indicator_self_score_differs",
        "Tự chấm điểm",
        "D8",
        "8",
    )
    assert "7,92" in issue.message and "12/2025" in issue.message
    _, none = score(annual(i1="7.92"))
    assert none == []


def test_it_refuses_an_annual_report_missing_a_criterion() -> None:
    """It raises ValueError when an accepted annual report lacks a catalogue criterion."""
    report = annual()
    del report.criteria["A2"]
    with pytest.raises(ValueError, match="A2"):
        score(report)


def test_it_refuses_a_score_traced_to_an_unhashed_file() -> None:
    """It raises ValueError when a file a score comes from has no sha256."""
    with pytest.raises(ValueError, match="sha256"):
        score_ward(WARD, CATALOGUE, annual(), "annual/other.xlsx", full_year(), (), HASHES)


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=-1000, max_value=10**6, places=4),
    st.decimals(min_value=D("0.0001"), max_value=10**6, places=4),
)
def test_a_proportional_score_is_the_exact_quotient_rounded_half_up(
    max_points: Decimal, ytd: Decimal, target: Decimal
) -> None:
    """The proportional score equals max × ytd / target computed with Fractions, then rounded half up."""
    expected = (
        round_half_up(max_points)
        if ytd >= target
        else round_half_up(Fraction(max_points) * Fraction(ytd) / Fraction(target))
    )
    assert indicator_score(max_points, Method.PROPORTIONAL, target, ytd) == expected
