"""Every code a person could meet in an output has its Vietnamese words, written once."""

from __future__ import annotations

import unicodedata

from tasks.domain import Kind, Nomination, Severity, Status, WardStatus
from tasks.outputs.labels import KIND_TEXT, NOMINATION_TEXT, SEVERITY_TEXT, STATUS_TEXT, WARD_STATUS_TEXT


def test_every_nomination_and_ward_status_has_vietnamese_words_in_nfc() -> None:
    """No nomination or status can reach a workbook, a document or the Prefect UI as its English code."""
    for labels, codes in ((NOMINATION_TEXT, list(Nomination)), (WARD_STATUS_TEXT, list(WardStatus))):
        assert set(labels) == set(codes)
        for code, text in labels.items():
            assert text == unicodedata.normalize("NFC", text) and text != code.value
            assert any(ord(ch) > 127 for ch in text)  # written with its diacritics
    assert len(set(NOMINATION_TEXT.values())) == len(NOMINATION_TEXT)


def test_every_submission_kind_status_and_severity_has_vietnamese_words_in_nfc() -> None:
    """The feedback workbook, the validation report, the web pages and the Prefect UI name a file's kind, its
    status and an issue's severity from these maps: every code has its own words, never the English code."""
    for labels, codes in ((KIND_TEXT, list(Kind)), (STATUS_TEXT, list(Status)), (SEVERITY_TEXT, list(Severity))):
        assert set(labels) == set(codes)
        assert len(set(labels.values())) == len(labels)
        for code, text in labels.items():
            assert text == unicodedata.normalize("NFC", text) and text != code.value
            assert any(ord(ch) > 127 for ch in text)
