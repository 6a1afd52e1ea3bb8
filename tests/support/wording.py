"""What the people reading a message need from its wording (test helper, no tests here)."""

from __future__ import annotations

import unicodedata


def has_diacritics(text: str) -> bool:
    """Whether ``text`` carries any Vietnamese diacritic (or đ)."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.category(ch) == "Mn" for ch in decomposed) or "đ" in text.casefold()


def vietnamese(text: str) -> bool:
    """Non-empty NFC text with Vietnamese diacritics."""
    return bool(text.strip()) and unicodedata.is_normalized("NFC", text) and has_diacritics(text)
