"""Every code a person could meet in an output has its Vietnamese words, written once."""

from __future__ import annotations

import unicodedata

from tasks.domain import Nomination, WardStatus
from tasks.outputs.labels import NOMINATION_TEXT, WARD_STATUS_TEXT


def test_every_nomination_and_ward_status_has_vietnamese_words_in_nfc() -> None:
    """No nomination or status can reach a workbook, a document or the Prefect UI as its English code."""
    for labels, codes in ((NOMINATION_TEXT, list(Nomination)), (WARD_STATUS_TEXT, list(WardStatus))):
        assert set(labels) == set(codes)
        for code, text in labels.items():
            assert text == unicodedata.normalize("NFC", text) and text != code.value
            assert any(ord(ch) > 127 for ch in text)  # written with its diacritics
    assert len(set(NOMINATION_TEXT.values())) == len(NOMINATION_TEXT)
