"""Cell formats of a workbook's styles part that change what a cell shows: percentages, and the formats that may
show something other than the value (a custom number format, a font of the background's colour), whether a cell
has them or a conditional format may give them (a differential format, ``<dxf>``).

Read once per styles part with defusedxml and remembered, as files made from one template share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import defusedxml.ElementTree as SafeET

__all__ = ["Look", "conditional_looks", "disguising_formats", "percent_formats"]

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_WHITE = "FFFFFF"
# Number formats Excel has built in (0–49) show the number itself, a date or a percentage; those that round it
# are written out here, so that a value they show rounded is told.
_BUILTIN_FORMATS = 50
_ROUNDING = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}


@dataclass(frozen=True)
class Look:
    """How a cell's style may show something other than its value: its number format's code (None: General or
    another built-in format that shows the number as it is), and whether its font has the colour of its background."""

    number_format: str | None
    invisible: bool


def percent_formats(parts: dict[str, bytes]) -> frozenset[int]:
    """Indexes of cell formats (cellXfs) whose number format is a percentage."""
    return _percent_xfs(parts["xl/styles.xml"]) if "xl/styles.xml" in parts else frozenset()


@lru_cache(maxsize=256)
def _percent_xfs(styles_xml: bytes) -> frozenset[int]:
    """``percent_formats`` of the styles part's bytes; remembered, as files made from one template share it."""
    styles = SafeET.fromstring(styles_xml)
    percent_ids = {9, 10}
    for fmt in styles.findall("m:numFmts/m:numFmt", _NS):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_ids.add(int(fmt.get("numFmtId", "0")))
    xfs = styles.findall("m:cellXfs/m:xf", _NS)
    return frozenset(i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_ids)


def disguising_formats(parts: dict[str, bytes]) -> dict[int, Look]:
    """Cell formats (cellXfs index) that may show something other than the value: see :func:`_styled_looks`."""

    return _styled_looks(parts["xl/styles.xml"]) if "xl/styles.xml" in parts else {}


@lru_cache(maxsize=256)
def _styled_looks(styles_xml: bytes) -> dict[int, Look]:
    """Each cell format (cellXfs index) with a custom (or rounding) number format or a font of its fill's colour
    (white on no fill), and how; remembered, as files made from one template share the styles part. (Read only.)"""
    styles = SafeET.fromstring(styles_xml)
    codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.findall("m:numFmts/m:numFmt", _NS)}
    fonts = [_colour(font.find("m:color", _NS), "000000") for font in styles.findall("m:fonts/m:font", _NS)]
    fills = [_fill_colour(fill) for fill in styles.findall("m:fills/m:fill", _NS)]
    looks = {}
    for i, xf in enumerate(styles.findall("m:cellXfs/m:xf", _NS)):
        number = int(xf.get("numFmtId", "0"))
        font, fill = int(xf.get("fontId", "0")), int(xf.get("fillId", "0"))
        code = codes.get(number) if number >= _BUILTIN_FORMATS else _ROUNDING.get(number)
        invisible = (
            font < len(fonts)
            and fonts[font] is not None
            and fonts[font] == (fills[fill] if fill < len(fills) else _WHITE)
        )
        if code is not None or invisible:
            looks[i] = Look(code, invisible)
    return looks


def conditional_looks(parts: dict[str, bytes]) -> dict[int, Look]:
    """Differential formats (dxfs index, a conditional format's ``dxfId``) that may show something other than the
    value: see :func:`_dxf_looks`."""
    return _dxf_looks(parts["xl/styles.xml"]) if "xl/styles.xml" in parts else {}


@lru_cache(maxsize=256)
def _dxf_looks(styles_xml: bytes) -> dict[int, Look]:
    """Each differential format that sets a number format (any: what it does to a value is judged with the value)
    or a font whose colour is its own fill's (white when it sets no fill); remembered. A fill alone, a bold or a
    red font change no text a reader sees, and are left out: Excel's own presets (red text on pink) are common."""
    styles = SafeET.fromstring(styles_xml)
    looks = {}
    for i, dxf in enumerate(styles.findall("m:dxfs/m:dxf", _NS)):
        number = dxf.find("m:numFmt", _NS)
        code = None
        if number is not None:
            builtin = int(number.get("numFmtId", "0") or "0")
            code = number.get("formatCode") or (_ROUNDING.get(builtin) if builtin < _BUILTIN_FORMATS else None)
        font = dxf.find("m:font/m:color", _NS)
        colour = _colour(font, None) if font is not None else None
        fill = dxf.find("m:fill/m:patternFill", _NS)
        # a dxf's solid fill is written in bgColor (Excel's convention), in fgColor by some writers
        painted = [_colour(fill.find(f"m:{c}", _NS), None) for c in ("bgColor", "fgColor")] if fill is not None else []
        invisible = colour is not None and colour in ([p for p in painted if p is not None] or [_WHITE])
        if code is not None or invisible:
            looks[i] = Look(code, invisible)
    return looks


def _colour(element: Any, default: str | None) -> str | None:
    """An ``rgb``, ``theme`` or ``indexed`` colour as six hex digits; ``default`` when there is none; None for a
    colour not told apart here (a tint, another theme colour)."""
    if element is None or element.get("auto") in ("1", "true"):
        return default
    if element.get("tint", "0") not in ("0", "0.0", ""):
        return None
    if element.get("rgb"):
        return element.get("rgb", "")[-6:].upper()
    named = {("theme", "0"): _WHITE, ("theme", "1"): "000000", ("indexed", "9"): _WHITE, ("indexed", "8"): "000000"}
    for kind in ("theme", "indexed"):
        if element.get(kind) is not None:
            return named.get((kind, element.get(kind, "")))
    return default


def _fill_colour(fill: Any) -> str | None:
    """The colour a fill paints: a solid pattern's foreground, white for no fill, None for other patterns."""
    pattern = fill.find("m:patternFill", _NS)
    kind = pattern.get("patternType", "none") if pattern is not None else "none"
    if kind == "none":
        return _WHITE
    return _colour(pattern.find("m:fgColor", _NS), None) if kind == "solid" else None
