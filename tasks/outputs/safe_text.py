"""Neutralise text that came from a ward before it goes into an output cell (xlsx or csv).

A spreadsheet program evaluates a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, through
some CSV importers, a leading tab or carriage return) as a formula: a ward's cell value such as
``=HYPERLINK(...)`` or ``@SUM(...)`` must never run on the secretariat's or an auditor's machine.
In a CSV file such text is written with a leading apostrophe, the convention both Excel and LibreOffice use for
"this is text", so it stays visible and harmless even after a copy into another tool. An XLSX cell has a type:
it is written as a text cell with Excel's quote prefix instead (``tasks.outputs.xlsx.common.write_text``), so
the ward's ``-1`` shows as ``-1``, not ``'-1``; :func:`is_formula_like` is the one rule for both.
"""

from __future__ import annotations

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
"""First characters that make a spreadsheet program treat a value as a formula."""

NEUTRALISER = "'"
"""Prefix that turns a formula-like text into plain text."""

_PADDING = " \u00a0\u3000"
NEEDS_CHECK = FORMULA_TRIGGERS | frozenset(_PADDING)
"""First characters of a text that :func:`safe_text` may change; text starting with any other is safe as is."""


def is_formula_like(text: str) -> bool:
    """Whether ``text`` would be read as a formula (also after leading spaces, which some importers drop)."""
    if not text:
        return False
    first = text[0]
    if first in FORMULA_TRIGGERS:
        return True
    if first not in _PADDING:
        return False  # nothing to strip: the text starts with ``first``
    stripped = text.lstrip(_PADDING)
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def safe_text(value: object) -> str:
    """Return ``value`` as text that no spreadsheet program evaluates.

    ``None`` becomes the empty string; any other value its ``str``. Text that would start a formula is
    prefixed with an apostrophe (``=1+1`` → ``'=1+1``); everything else is returned unchanged.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return NEUTRALISER + text if is_formula_like(text) else text
