"""A ward officer reads the kind of each problem in Vietnamese; the rule code is kept for auditors only."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tasks.domain import Severity
from tasks.validation.rules import RULE_LABELS, rule_label
from tasks.validation.suites import EXPECTATIONS_DIR

TASKS = Path(__file__).resolve().parents[3] / "tasks"
# How the stage code raises an issue: Issue(Severity.X, "rule", …), rule="…", WorkbookError("rule", …), _error("rule"…
RAISED = re.compile(
    r'(?:Issue\(\s*(?:severity=)?Severity\.\w+,\s*(?:rule=)?|rule=|WorkbookError\(\s*|_error\(\s*)"([a-z][a-z_]+)"'
)


def _suite_rules() -> set[str]:
    return {
        e["meta"]["rule"]
        for path in EXPECTATIONS_DIR.glob("*.json")
        for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
    }


def _code_rules() -> set[str]:
    return {rule for path in TASKS.rglob("*.py") for rule in RAISED.findall(path.read_text(encoding="utf-8"))}


def test_every_rule_a_ward_can_meet_has_a_vietnamese_name() -> None:
    """Each rule of the stored suites and of the stage code has a label; none is left to show as a code."""
    rules = _suite_rules() | _code_rules()
    assert len(rules) > 40  # the scan found the rules, not nothing
    unnamed = rules - set(RULE_LABELS)
    assert unnamed == set(), f"give these rules a Vietnamese name in tasks/validation/rules.py: {sorted(unnamed)}"


@pytest.mark.parametrize(("rule", "label"), sorted(RULE_LABELS.items()))
def test_a_label_is_vietnamese_words_not_a_code(rule: str, label: str) -> None:
    """A label is NFC text with no underscore, and not the code itself."""
    assert label == unicodedata.normalize("NFC", label) and "_" not in label and label != rule


def test_a_rule_without_a_name_yet_reads_as_a_plain_error_or_warning() -> None:
    """A rule added later without a label shows as “Lỗi khác” or “Cảnh báo khác”, never as its code."""
    assert rule_label("brand_new_rule", Severity.ERROR) == "Lỗi khác"
    assert rule_label("brand_new_rule", Severity.WARNING) == "Cảnh báo khác"
    assert rule_label("no_evidence", Severity.WARNING) == "Thiếu minh chứng"
