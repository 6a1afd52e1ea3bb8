"""Bulk validation returns new submissions with their findings and leaves the ones it is given as they were.

The suites themselves are tested in ``test_suites.py``; here a scripted stand-in reports the failures.
"""

from __future__ import annotations

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Kind, Severity, Status, Submission
from tasks.intake.read import open_submission
from tasks.validation.check import input_file
from tasks.validation.suites import CRITICAL, Failure
from tasks.validation.validate import validate_rows
from tests.support.office_files import SAPA_ANNUAL, SAPA_DECEMBER
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator

ABOVE_MAX = Failure(
    suite="annual_scores",
    severity=CRITICAL,
    meta={
        "rule": "above_max",
        "message": "Điểm tự chấm {score_text} của tiêu chí {code} vượt điểm tối đa {cat_max_text}.",
        "hint": "Sửa điểm về khoảng 0–{cat_max_text}.",
        "column": "score",
        "cell_field": "score_cell",
        "value_field": "score_text",
    },
    rids=(0,),
)


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


@pytest.fixture
def read(config: YearConfig) -> list[Submission]:
    """Sa Pa's self-assessment and December report, read (not validated)."""
    annual = open_submission(input_file(SAPA_ANNUAL, Kind.ANNUAL), config.bloc, config.catalogue, None)
    december = open_submission(input_file(SAPA_DECEMBER, Kind.MONTHLY), config.bloc, config.catalogue, "2025-12")
    return [annual, december]


def test_a_failed_row_becomes_an_error_naming_its_cell_and_rejects_the_file(
    config: YearConfig, read: list[Submission]
) -> None:
    """The failing score row is told with its cell, value and column header; the self-assessment is rejected."""
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [ABOVE_MAX]}))
    (issue,) = checked[0].issues
    assert (issue.severity, issue.rule, issue.sheet, issue.cell, issue.value) == (
        Severity.ERROR,
        "above_max",
        "Tự chấm điểm",
        "D6",
        "4,5",
    )
    assert issue.message == "Điểm tự chấm 4,5 của tiêu chí 1.1 vượt điểm tối đa 5."
    assert issue.column == "Điểm tự chấm"  # the header as the ward wrote it, not the suite's field name
    assert checked[0].status is Status.REJECTED


def test_the_submissions_given_are_left_as_they_were(config: YearConfig, read: list[Submission]) -> None:
    """Validation returns new submissions: the ones it was handed keep their status and (no) issues."""
    before = list(read)
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [ABOVE_MAX]}))
    assert read == before
    assert read[0].status is Status.ACCEPTED and read[0].issues == ()
    assert checked[1] is read[1]  # nothing found in the December report: the same submission comes back


def test_a_warning_keeps_the_file_accepted(config: YearConfig, read: list[Submission]) -> None:
    """A failed expectation of severity ``warning`` is told to the ward but does not reject the file."""
    warning = Failure("annual_scores", "warning", {**ABOVE_MAX.meta, "rule": "no_evidence"}, (1,))
    checked = validate_rows(read, config.bloc, config.catalogue, ScriptedValidator({"annual_scores": [warning]}))
    assert [(i.severity, i.cell) for i in checked[0].issues] == [(Severity.WARNING, "D7")]
    assert checked[0].status is Status.ACCEPTED


def test_every_suite_runs_once_for_all_files(config: YearConfig, read: list[Submission]) -> None:
    """One bulk run per suite, whatever the number of files (the speed of a thousand wards rests on it)."""
    validator = ScriptedValidator()
    validate_rows(read + read, config.bloc, config.catalogue, validator)
    assert sorted(validator.suites_run) == sorted(
        ["annual_scores", "annual_counts", "monthly_indicators", "appraisal_rows", "coverage"]
    )
