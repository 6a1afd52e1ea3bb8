"""The sample's files through the intake and validation stages, as the flows run them (test helper, no tests)."""

from __future__ import annotations

from pathlib import Path

from tasks.config.year import YearConfig, load_year
from tasks.domain import Issue, Severity, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all
from tests.support.validators import ScriptedValidator

# Two findings a test can give a submission when the findings themselves are not its subject.
LATE = Issue(Severity.WARNING, "late", "Báo cáo nộp muộn.", "Nộp đúng hạn.")
WRONG = Issue(Severity.ERROR, "not_a_number", "Lũy kế không phải là số.", "Nhập một số.", "Chỉ tiêu", "E7")


def checked(
    inputs: Path, validator: Validator | ScriptedValidator, month: str | None = None
) -> tuple[YearConfig, list[Submission]]:
    """The 2025 files under ``inputs`` (those of ``month`` only, when given), read and validated."""
    config = load_year(inputs, 2025)
    files = [(f, m) for f, m in discover(config.year_dir) if month is None or m == month]
    subs = read_all(files, config.bloc, config.catalogue)
    return config, validate_all(subs, config.bloc, config.catalogue, validator, config.meeting)


def checked_by_file(inputs: Path, validator: Validator) -> tuple[YearConfig, dict[str, Submission]]:
    """``checked``, each submission under its path below ``inputs/2025``."""
    config, subs = checked(inputs, validator)
    return config, {s.file.rel: s for s in subs}
