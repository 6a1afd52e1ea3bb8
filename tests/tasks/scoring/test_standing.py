"""The provisional monthly standing (spec §5 ``standing.csv``), on a hand-made catalogue; each ward's report status
and accepted report, from the sample's December reports."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Indicator,
    IndicatorEntry,
    Method,
    MonthlyReport,
    MonthWindow,
    Status,
    Submission,
    Ward,
)
from tasks.scoring.score import indicator_score
from tasks.scoring.standing import month_statuses, standing_columns, standing_csv, standing_rows
from tests.support.checked import LATE, WRONG
from tests.support.sample import SAMPLE

D = Decimal
PERIOD = "2025-12"
ROSTER = (Ward("SAPA", "Sa Pa"), Ward("CAUTHIA", "Cầu Thia"), Ward("NGHIALO", "Nghĩa Lộ"))
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", ROSTER)
CT01 = Indicator("CT01", "Thu ngân sách", "%", False, Method.PROPORTIONAL, {w.code: D(98) for w in ROSTER})
CT06 = Indicator("CT06", "Giao quân", "%", False, Method.THRESHOLD, {w.code: D(100) for w in ROSTER})
CT09 = Indicator("CT09", "Theo dõi", "lượt", True, Method.PROPORTIONAL, {w.code: D(10) for w in ROSTER})
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group(
            "2",
            "Kinh tế",
            (
                Criterion("2.1", "Thu ngân sách", CriterionKind.INDICATOR, D(8), "2", "CT01"),
                Criterion("2.4", "Đô thị", CriterionKind.ASSESSED, D(5), "2"),
            ),
        ),
        Group("4", "Quốc phòng", (Criterion("4.1", "Giao quân", CriterionKind.INDICATOR, D(5), "4", "CT06"),)),
    ),
    indicators=(CT01, CT06, CT09),
    bonus_cap=D(5),
    bonus_items=(),
    deduction_items=(),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),),
    flag=AwardRule(1, "HTXSNV", Fraction(1, 2), Fraction(2, 3)),
    merit=AwardRule(3, "HTXSNV"),
)


def report(ward: str, period: str = PERIOD, **ytd: str) -> MonthlyReport:
    entries = {code: IndicatorEntry(code, D(value), None, None) for code, value in ytd.items()}
    return MonthlyReport(ward, period, None, entries)


SAPA_REPORT = report("SAPA", CT01="97", CT06="90", CT09="12")


def test_tiny_standing_is_written_byte_for_byte() -> None:
    """It writes one row per roster ward in roster order, year-to-date values as reported, 2-decimal scores,
    empty cells for a missing ward."""
    bloc = Bloc(BLOC.code, BLOC.name, BLOC.province, 2025, "SAPA", ROSTER[:2])
    rows = standing_rows(bloc, CATALOGUE, PERIOD, {"SAPA": ("accepted", 1)}, {"SAPA": SAPA_REPORT})
    expected = (
        "ward_code,ward_name,status,issues,CT01_ytd,CT01_score,CT06_ytd,CT06_score,CT09_ytd,CT09_score\n"
        "SAPA,Sa Pa,accepted,1,97,7.92,90,0.00,12,\n"
        "CAUTHIA,Cầu Thia,missing,0,,,,,,\n"
    )
    data = standing_csv(rows, standing_columns(CATALOGUE))
    assert data == expected.encode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data


def test_scores_follow_the_criterion_fed_by_each_indicator() -> None:
    """It scores 8 × 97 / 98 = 7.92 (proportional), 0 below a threshold, and nothing for an unscored indicator."""
    rows = standing_rows(BLOC, CATALOGUE, PERIOD, {"SAPA": ("accepted", 0)}, {"SAPA": SAPA_REPORT})
    sapa = rows[0]
    assert (sapa["CT01_ytd"], sapa["CT01_score"]) == (D("97"), D("7.92"))
    assert (sapa["CT06_ytd"], sapa["CT06_score"]) == (D("90"), D("0.00"))
    assert (sapa["CT09_ytd"], sapa["CT09_score"]) == (D("12"), None)


def test_reaching_the_target_gives_the_maximum() -> None:
    """It gives the criterion's maximum when the year-to-date value reaches the ward's target."""
    full = report("SAPA", CT01="98", CT06="100", CT09="3")
    rows = standing_rows(BLOC, CATALOGUE, PERIOD, {"SAPA": ("accepted", 0)}, {"SAPA": full})
    assert (rows[0]["CT01_score"], rows[0]["CT06_score"]) == (D("8.00"), D("5.00"))


def test_every_roster_ward_gets_a_row_in_roster_order() -> None:
    """It lists a rejected ward with its issue count and no numbers, and a ward not mentioned as missing."""
    statuses = {"NGHIALO": ("rejected", 3), "SAPA": ("accepted", 0)}
    rows = standing_rows(BLOC, CATALOGUE, PERIOD, statuses, {"SAPA": SAPA_REPORT})
    assert [(r["ward_code"], r["ward_name"], r["status"], r["issues"]) for r in rows] == [
        ("SAPA", "Sa Pa", "accepted", 0),
        ("CAUTHIA", "Cầu Thia", "missing", 0),
        ("NGHIALO", "Nghĩa Lộ", "rejected", 3),
    ]
    assert all(rows[2][c] is None for c in standing_columns(CATALOGUE)[4:])
    assert list(rows[0]) == standing_columns(CATALOGUE)


@pytest.mark.parametrize(
    ("statuses", "reports", "message"),
    [
        ({"SAPA": ("rejected", 2)}, {"SAPA": SAPA_REPORT}, "exactly for the accepted wards"),
        ({"SAPA": ("accepted", 0)}, {}, "exactly for the accepted wards"),
        ({"SAPA": ("accepted", 0)}, {"SAPA": report("SAPA", "2025-11", CT01="1", CT06="1", CT09="1")}, "period"),
        ({"HANOI": ("missing", 0)}, {}, "not in the roster"),
        ({"SAPA": ("late", 0)}, {}, "unknown report status"),
        ({"SAPA": ("accepted", 0)}, {"SAPA": report("SAPA", CT01="97")}, "no line for CT06"),
    ],
)
def test_inconsistent_inputs_fail_loudly(
    statuses: dict[str, tuple[str, int]], reports: dict[str, MonthlyReport], message: str
) -> None:
    """It refuses statuses and reports that disagree with each other, the roster or the period."""
    with pytest.raises(ValueError, match=message):
        standing_rows(BLOC, CATALOGUE, PERIOD, statuses, reports)


def test_text_that_would_start_a_formula_is_neutralised() -> None:
    """It writes a ward-supplied text starting with ``=`` with a leading apostrophe, quoted as CSV needs."""
    data = standing_csv([{"ward_code": "X", "ward_name": '=HYPERLINK("http://x","a,b")'}], ["ward_code", "ward_name"])
    assert data == b'ward_code,ward_name\nX,"\'=HYPERLINK(""http://x"",""a,b"")"\n'


def test_a_year_to_date_value_is_written_at_full_precision_so_its_score_can_be_recomputed() -> None:
    """Văn Phú's 90.0625 % scores 8 × 90.0625 / 100 = 7.205 → 7.21; standing.csv wrote 90.06, from which one
    gets 7.20. It now writes 90.0625 as scores.csv does, and a percent cell read as 0.9050 × 100 as 90.5."""
    ct01 = replace(CT01, targets={w.code: D(100) for w in ROSTER})
    catalogue = replace(CATALOGUE, indicators=(ct01, CT06, CT09))
    sapa = report("SAPA", CT01="90.0625", CT06="100.00", CT09="2795.00")
    nghialo = report("NGHIALO", CT01="90.5000", CT06="100", CT09="12")
    rows = standing_rows(
        BLOC,
        catalogue,
        PERIOD,
        {"SAPA": ("accepted", 0), "NGHIALO": ("accepted", 0)},
        {"SAPA": sapa, "NGHIALO": nghialo},
    )
    lines = standing_csv(rows, standing_columns(catalogue)).decode("utf-8").splitlines()
    assert lines[1] == "SAPA,Sa Pa,accepted,0,90.0625,7.21,100,5.00,2795,"
    assert lines[3] == "NGHIALO,Nghĩa Lộ,accepted,0,90.5,7.24,100,5.00,12,"
    written = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    recomputed = indicator_score(D(8), Method.PROPORTIONAL, D(100), D(written["CT01_ytd"]))
    assert str(recomputed) == written["CT01_score"]


def test_numbers_are_rounded_half_up_to_two_decimals() -> None:
    """It writes a score of 1.005 as 1.01 and a negative one with a minus sign; the issue count stays whole."""
    data = standing_csv([{"a": D("1.005"), "b": D("-2.5"), "c": 7}], ["a", "b", "c"])
    assert data == b"a,b,c\n1.01,-2.50,7\n"


def test_floats_and_unknown_columns_are_refused() -> None:
    """It refuses a binary float (points are exact decimals) and a key that is not a column."""
    with pytest.raises(TypeError):
        standing_csv([{"a": 1.5}], ["a"])
    with pytest.raises(ValueError):
        standing_csv([{"a": D(1), "z": D(2)}], ["a"])


# --- month_statuses: each roster ward's status and accepted report, from the sample's December reports ------


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


def test_every_roster_ward_with_an_accepted_report_gets_its_typed_indicators(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """All ten reports accepted: each ward is ``accepted`` with its own issue count, and its report carries the
    year-to-date value of every indicator of the catalogue."""
    statuses, reports = month_statuses(config.bloc, config.catalogue, list(december.values()))
    roster = [w.code for w in config.bloc.members]
    assert list(statuses) == roster  # in roster order, whatever order the files came in
    assert statuses == {code: ("accepted", len(december[code].issues)) for code in roster}
    assert set(reports) == set(roster)
    sapa = reports["SAPA"]
    assert sapa.ward_code == "SAPA" and sapa.period == "2025-12"
    assert set(sapa.indicators) == {i.code for i in config.catalogue.indicators}
    assert all(isinstance(e.ytd, Decimal) for e in sapa.indicators.values())


def test_a_ward_without_a_file_is_missing_and_a_rejected_one_counts_its_issues(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """No file from Sa Pa: ``missing`` with no issue; Lào Cai's report rejected with two findings: ``rejected``, 2.
    Neither has a report to score, so the standing shows no provisional points for them."""
    subs = [s for code, s in december.items() if code != "SAPA"]
    subs = [replace(s, status=Status.REJECTED, issues=(WRONG, LATE)) if s.ward_code == "LAOCAI" else s for s in subs]
    statuses, reports = month_statuses(config.bloc, config.catalogue, subs)
    assert statuses["SAPA"] == ("missing", 0)
    assert statuses["LAOCAI"] == ("rejected", 2)
    assert "SAPA" not in reports and "LAOCAI" not in reports
    assert statuses["YENBAI"][0] == "accepted" and "YENBAI" in reports


def test_a_resubmitted_report_counts_the_issues_of_both_files_and_uses_the_accepted_one(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """A first file superseded by a second: the ward is accepted on the second; the count covers both files, so
    the secretariat sees the first file's problems too. A file naming no ward belongs to no ward's count."""
    accepted = replace(december["SAPA"], issues=(LATE,))
    first = replace(december["SAPA"], status=Status.SUPERSEDED, issues=(WRONG,), superseded_by=accepted.file.rel)
    stray = replace(december["LAOCAI"], ward_code=None, status=Status.REJECTED, issues=(WRONG,))
    statuses, reports = month_statuses(config.bloc, config.catalogue, [first, accepted, stray])
    assert statuses["SAPA"] == ("accepted", 2)
    assert reports["SAPA"] == month_statuses(config.bloc, config.catalogue, [accepted])[1]["SAPA"]
    assert statuses["LAOCAI"] == ("missing", 0)
