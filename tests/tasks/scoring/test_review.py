"""Assembling the review: scoring returns its warnings with the submissions instead of changing them."""

from __future__ import annotations

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all, validate_all
from tasks.scoring.review import review
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
    """The sample's Âu Lâu never sent one month: its standing carries the warning, no file is changed for it."""
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
