"""Assembling the review: scoring returns its warnings with the submissions instead of changing them."""

from __future__ import annotations

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.scoring.review import review
from tasks.validation.validate import validate_all
from tests.support.reviews import sample_review
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


def test_review_leaves_the_submissions_as_they_were(config: YearConfig) -> None:
    """Scoring reads the validated submissions and hands back new ones; the ones it was given do not change."""
    subs = validate_all(
        read_all(discover(config.year_dir), config.bloc, config.catalogue),
        config.bloc,
        config.catalogue,
        ScriptedValidator(),
    )
    snapshot = [(s.status, s.issues) for s in subs]
    result = review(subs, config.bloc, config.catalogue, None)
    assert [(s.status, s.issues) for s in subs] == snapshot
    assert [s.file.rel for s in result.submissions] == [s.file.rel for s in subs]
    for before, after in zip(subs, result.submissions, strict=True):
        assert after.issues[: len(before.issues)] == before.issues  # scoring only adds warnings after them
        assert all(i.severity.value == "warning" for i in after.issues[len(before.issues) :])


def test_a_ward_with_a_month_missing_is_told_so_in_its_own_standing(config: YearConfig) -> None:
    """The sample's Âu Lâu never sent October: its standing carries the warning, naming the month as 10/2025; no
    file is changed for it."""
    subs = validate_all(
        read_all(discover(config.year_dir), config.bloc, config.catalogue),
        config.bloc,
        config.catalogue,
        ScriptedValidator(),
    )
    result = review(subs, config.bloc, config.catalogue, None)
    (ward,) = (w for w in result.wards if w.missing_months)
    assert ward.ward_code == "AULAU" and ward.annual == "accepted"
    assert [i.rule for i in ward.issues] == ["monthly_missing"] * len(ward.missing_months)
    assert ward.issues[0].message == (  # the month as every other message writes it (month_label)
        "Không có báo cáo chỉ tiêu tháng 10/2025 được chấp nhận; bị trừ điểm theo quy định."
    )


def test_an_appraisal_row_for_a_ward_without_a_self_assessment_quotes_the_value_it_skips() -> None:
    """The warning on the skipped appraisal row carries its cell and the value written there (spec §5), so an
    auditor reads what was not applied: Văn Phú's D1 row appraises 2 occurrences in C8."""
    _, _, result = sample_review(missing="VANPHU")
    (appraisal,) = (s for s in result.submissions if s.file.rel == "appraisal/tham-dinh-2025.xlsx")
    skipped = [i for i in appraisal.issues if i.rule == "appraisal_without_self_assessment"]
    assert [(i.sheet, i.cell, i.value) for i in skipped] == [("Thẩm định", "C8", "2")]
    assert skipped[0].message == (
        "Dòng thẩm định cho phường Văn Phú – D1 bị bỏ qua: đơn vị không có bảng tự chấm điểm hợp lệ."
    )


def test_a_ward_whose_only_file_is_unreadable_is_told_its_file_was_received_but_unusable() -> None:
    """Yên Bái's file, named after it, is no workbook: the ward stays ``missing`` (no file is its self-assessment),
    but its own issue says a file was received and refused, not that nothing came."""
    _, _, result = sample_review(unreadable="YENBAI", missing="VANPHU")
    issues = {w.ward_code: w.issues for w in result.wards if w.annual == "missing"}
    assert [i.rule for i in issues["VANPHU"]] == ["annual_missing"]
    (unusable,) = issues["YENBAI"]
    assert (unusable.rule, unusable.severity.value) == ("annual_unusable", "error")
    assert unusable.message == (
        "Chưa có bảng tự chấm điểm năm hợp lệ của đơn vị: đã nhận tệp annual/tu-cham-diem-2025-yenbai.xlsx mang tên "
        "đơn vị nhưng tệp bị từ chối và không xác định được là của đơn vị."
    )
