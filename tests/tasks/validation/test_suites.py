"""Great Expectations as GX means it: each expectation's own ``severity`` decides error or warning."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tasks.domain import Severity
from tasks.validation.check import check_file
from tasks.validation.suites import EXPECTATIONS_DIR, Validator
from tests.support.sample import EditFn

SUITES = sorted(EXPECTATIONS_DIR.glob("*.json"))
WARNINGS = {
    "computed_code_ignored",
    "max_differs",
    "name_differs",
    "no_evidence",
    "month_not_a_number",
    "ambiguous_dot",
    "target_differs",
}
CONSEQUENCE = {
    "critical": "Nếu sai: lỗi, hồ sơ bị từ chối.",
    "warning": "Nếu sai: cảnh báo, hồ sơ vẫn được chấp nhận.",
    "appraisal": "Nếu sai: dòng thẩm định đó không được áp dụng.",
}


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_every_expectation_carries_its_severity_in_the_gx_field(path: Path) -> None:
    """``critical`` or ``warning`` in the expectation's ``severity``, never in ``meta``."""
    for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
        rule = expectation["meta"]["rule"]
        assert "severity" not in expectation["meta"], rule
        assert expectation["severity"] == ("warning" if rule in WARNINGS else "critical"), rule


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_every_expectation_says_in_vietnamese_what_it_checks_and_what_failing_costs(path: Path) -> None:
    """GX's own ``description`` replaces its English sentence in Data Docs: the rule, its columns, its cost."""
    for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
        text, kwargs = expectation["description"], expectation["kwargs"]
        assert unicodedata.is_normalized("NFC", text), text
        cost = "appraisal" if path.stem == "appraisal_rows" else expectation["severity"]
        assert text.endswith(CONSEQUENCE[cost]), text
        columns = [kwargs.get(k) for k in ("column", "column_A", "column_B")] + kwargs.get("column_list", [])
        assert any(f"cột {c}" in text or f", {c}" in text or f": {c}" in text for c in columns if c), text


def test_a_file_with_only_warnings_passes_its_suite(validator: Validator, inputs: Path) -> None:
    """Nậm Cường's missing evidence is a failed ``warning`` expectation; the suite's result succeeds."""
    before = len(validator.results)
    result = check_file(inputs / "2025" / "annual" / "tu-cham-diem-2025-namcuong.xlsx", inputs, validator=validator)
    assert [(i.severity, i.rule) for i in result.issues] == [(Severity.WARNING, "no_evidence")]
    scores = next(r for r in validator.results[before:] if r.suite_name == "annual_scores")
    failed = [r.expectation_config for r in scores.results if not r.success]
    assert [(c.meta["rule"], c.severity) for c in failed] == [("no_evidence", "warning")]
    assert scores.success is True
    store = validator.context.validation_results_store
    stored = [store.get(key) for key in store.list_keys()]  # what Data Docs render
    assert [s.success for s in stored if s.suite_name == "annual_scores"] == [True]


def test_a_critical_failure_fails_the_suite_and_rejects_the_file(
    validator: Validator, inputs: Path, edit_row: EditFn
) -> None:
    """A score above the maximum fails a ``critical`` expectation: the suite fails, the ward gets an error."""
    path = inputs / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx"
    edit_row(path, "Tự chấm điểm", "1.1", "Điểm tự chấm", 6)
    before = len(validator.results)
    result = check_file(path, inputs, validator=validator)
    assert [(i.severity, i.rule) for i in result.issues] == [(Severity.ERROR, "above_max")]
    scores = next(r for r in validator.results[before:] if r.suite_name == "annual_scores")
    assert scores.success is False and scores.get_max_severity_failure() == "critical"
