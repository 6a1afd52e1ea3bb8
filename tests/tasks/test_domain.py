"""The domain types: values that no stage can change, and the lookups the stages rely on."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

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
    InputFile,
    Issue,
    Kind,
    Method,
    MonthWindow,
    Severity,
    Status,
    Submission,
    Ward,
)

WARDS = (Ward("SAPA", "Sa Pa"), Ward("LAOCAI", "Lào Cai"))
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", WARDS)


def _catalogue() -> Catalogue:
    assessed = Criterion("1.1", "Ban hành kế hoạch", CriterionKind.ASSESSED, Decimal(60), "1")
    computed = Criterion("2.1", "Thu ngân sách", CriterionKind.INDICATOR, Decimal(40), "2", indicator="CT01")
    budget = Indicator("CT01", "Thu ngân sách", " % ", False, Method.PROPORTIONAL, {"SAPA": Decimal(100)})
    return Catalogue(
        year=2025,
        scale=Decimal(100),
        window=MonthWindow("2025-09", "2025-12"),
        groups=(Group("1", "Thi đua", (assessed,)), Group("2", "Kinh tế", (computed,))),
        indicators=(budget,),
        bonus_cap=Decimal(5),
        bonus_items=(),
        deduction_items=(DeductionItem("D3", "Kỷ luật", Decimal(2), veto=True),),
        missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", Decimal(1)),
        bands=(Band("HTXSNV", "Hoàn thành xuất sắc", Decimal(90)), Band("KHTNV", "Không hoàn thành", Decimal(0))),
        flag=AwardRule(1, "HTXSNV"),
        merit=AwardRule(3, "HTXSNV"),
    )


def _submission(*issues: Issue) -> Submission:
    file = InputFile(Path("/in/2025/annual/sapa.xlsx"), "annual/sapa.xlsx", "0" * 64, Kind.ANNUAL)
    return Submission(file=file, kind=Kind.ANNUAL, ward_code="SAPA", issues=issues)


WARNING = Issue(Severity.WARNING, "no_evidence", "Thiếu minh chứng", "Ghi minh chứng", "Tự chấm", "E7")
ERROR = Issue(Severity.ERROR, "score_above_max", "Điểm vượt tối đa", "Sửa điểm", "Tự chấm", "D7")


@pytest.mark.parametrize(
    ("value", "field", "new"),
    [
        (WARDS[0], "name", "Sa Pa mới"),
        (BLOC, "head", "LAOCAI"),
        (_catalogue(), "scale", Decimal(90)),
        (_submission(), "status", Status.REJECTED),
        (WARNING, "severity", Severity.ERROR),
    ],
)
def test_a_domain_value_cannot_be_changed_once_made(value: object, field: str, new: object) -> None:
    """Roster, catalogue, submission and issue are frozen: a stage that tried to change one fails at once."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, new)


def test_adding_issues_gives_a_new_submission_and_leaves_the_old_one_as_read() -> None:
    """What reading produced is still what reading produced after validation added its findings."""
    read = _submission(WARNING)
    validated = read.with_issues([ERROR])
    assert read.issues == (WARNING,) and not read.has_errors
    assert validated.issues == (WARNING, ERROR) and validated.has_errors
    assert read.with_issues([]) is read


def test_the_window_lists_its_months_across_the_new_year() -> None:
    """Every month of the window in order, inclusive at both ends, also when it spans December."""
    assert MonthWindow("2025-11", "2026-02").months() == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert MonthWindow("2025-09", "2025-09").months() == ("2025-09",)
    assert MonthWindow("2025-10", "2025-09").months() == ()


def test_the_catalogue_finds_criteria_indicators_and_bands_by_code() -> None:
    """Criteria are listed group by group; an unknown code is None, so a ward's stray code can be reported."""
    catalogue = _catalogue()
    assert [c.code for c in catalogue.criteria] == ["1.1", "2.1"]
    computed = catalogue.criterion("2.1")
    assert computed is not None and computed.indicator == "CT01"
    assert catalogue.criterion("9.9") is None and catalogue.indicator("CT99") is None
    assert catalogue.indicator("CT01") is catalogue.indicators[0] and catalogue.indicators[0].is_percent
    assert catalogue.band("KHTNV").min == Decimal(0)


def test_the_roster_finds_a_ward_by_its_code() -> None:
    """The bloc looks a member up by code (writers do it once per ward)."""
    assert BLOC.ward("LAOCAI").name == "Lào Cai"
