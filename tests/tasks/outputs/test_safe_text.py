"""Text from a ward never runs as a formula on the secretariat's or an auditor's machine."""

from __future__ import annotations

import pytest

from tasks.outputs.safe_text import is_formula_like, safe_text


class TestSafeText:
    @pytest.mark.parametrize("text", ["=1+1", "+84 912", "-5", "@SUM(A1)", "\tx", "\rx", "  =cmd"])
    def test_formula_like_text_is_neutralised(self, text: str) -> None:
        """It prefixes an apostrophe to text a spreadsheet would evaluate."""
        assert safe_text(text) == "'" + text

    @pytest.mark.parametrize(("value", "expected"), [("Sa Pa", "Sa Pa"), (None, ""), (7.5, "7.5"), ("", "")])
    def test_plain_text_is_unchanged(self, value: object, expected: str) -> None:
        """It leaves ordinary text alone and turns other values into their text."""
        assert safe_text(value) == expected


@pytest.mark.parametrize("text", ['\u00a0=HYPERLINK("x")', "\u3000@SUM(A1)", " \u00a0 +1", "\nx"])
def test_a_formula_behind_non_breaking_or_wide_spaces_is_caught(text: str) -> None:
    """Some importers drop a leading non-breaking or ideographic space; the formula behind it is caught too."""
    assert is_formula_like(text)
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["   ", "\u00a0", " Sa Pa", "Phường Sa Pa – 2025", "5-3", "a=b", "92,72"])
def test_text_with_a_sign_or_spaces_only_inside_is_left_alone(text: str) -> None:
    """Padding alone, or ``-``/``=`` inside the text (a range, an equation, a decimal comma): nothing to neutralise."""
    assert not is_formula_like(text)
    assert safe_text(text) == text


def test_a_negative_number_given_as_a_number_is_written_as_text_that_cannot_compute() -> None:
    """A number handed over as a value becomes its text; a leading minus is neutralised like any other sign."""
    assert safe_text(-5) == "'-5"
    assert safe_text(12) == "12"
