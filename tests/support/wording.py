"""What the people reading a message need from its wording (test helper, no tests here)."""

from __future__ import annotations

import unicodedata

from tasks.text import has_diacritics


def vietnamese(text: str) -> bool:
    """Non-empty NFC text with Vietnamese diacritics."""
    return bool(text.strip()) and unicodedata.is_normalized("NFC", text) and has_diacritics(text)
