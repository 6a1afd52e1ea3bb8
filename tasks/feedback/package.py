"""A workbook package opened for editing: its parts in zip order, each XML part parsed once on demand.

Opening applies the zip-bomb limits of the openpyxl path and declines what :mod:`tasks.feedback.annotate` does
not edit (a strict or UTF-16 package, a file whose copy would drop its macros, no styles or core properties).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

from tasks.feedback.annotate_cells import MAIN, Declined
from tasks.intake.safe_zip import WorkbookError, entries, read_members
from tasks.intake.workbook import check_no_entities, sheet_parts

TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_BOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CONTENT_TYPES, STYLES, CORE_PART = "[Content_Types].xml", "xl/styles.xml", "docProps/core.xml"
PROLOG = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml\b[^>]*\?>\s*")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)["']""")


class Refused(Exception):
    """The package is hostile (too many parts, too large unzipped, a part larger than declared): no copy."""


@dataclass
class Package:
    """The parts of a workbook package in zip order, and the XML parts parsed so far (edited in place)."""

    names: list[str]
    parts: dict[str, bytes]
    sheets: dict[str, str]  # sheet name -> part
    parser: Any
    trees: dict[str, Any] = field(default_factory=dict)
    edited: set[str] = field(default_factory=set)  # parts whose tree replaces their bytes
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> None:
        """Add a new part at the end of the package."""
        self.names.append(name)
        self.parts[name] = data


def open_package(data: bytes, *, keep_vba: bool, max_entries: int, max_bytes: int) -> Package:
    """Every part of ``data``, after the zip-bomb limits of the openpyxl path (and a cap on each part's size).

    Raises :class:`Refused` for a zip bomb, :class:`Declined` (or a parse error) for a package not edited here.
    """
    members = entries(data)
    total = sum(e.size for e in members)
    if len(members) > max_entries or total > max_bytes:
        raise Refused(f"{len(members)} parts, {total:,} bytes unzipped")
    try:
        parts = read_members(data)
    except (WorkbookError, zipfile.BadZipFile, zlib.error) as exc:  # larger than declared, or bad data: untrusted
        raise Refused(str(exc)) from exc
    if len(parts) != len(members):
        raise Declined("a part name appears twice")
    try:
        check_no_entities({n: p for n, p in parts.items() if n.endswith((".xml", ".rels", ".vml"))})
    except WorkbookError as exc:
        raise Declined(exc.message) from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    package = Package([e.name for e in members], parts, {}, parser)
    _check_kind(package, keep_vba)
    package.sheets = sheet_parts(parts)
    if not package.sheets:
        raise Declined("no worksheet found (strict namespace?)")
    return package


def _check_kind(package: Package, keep_vba: bool) -> None:
    """Decline anything but a workbook at xl/workbook.xml with styles and core properties (macros if kept)."""
    types = tree(package, CONTENT_TYPES).getroot()
    if types.tag != f"{{{TYPES}}}Types":
        raise Declined("unexpected [Content_Types].xml")
    overrides = types.iterfind(f"{{{TYPES}}}Override")
    book = next((o.get("ContentType") for o in overrides if o.get("PartName", "").lower() == "/xl/workbook.xml"), None)
    if book != BOOK_TYPE and not (keep_vba and book == MACRO_BOOK_TYPE):
        raise Declined(f"workbook content type {book}")
    if not keep_vba and any(name.lower().endswith("vbaproject.bin") for name in package.parts):
        raise Declined("macros in a file whose copy drops them")
    if STYLES not in package.parts or CORE_PART not in package.parts:
        raise Declined("no styles or core properties")


def tree(package: Package, name: str) -> Any:
    """The part ``name`` parsed (once; UTF-8 only). Edit it in place and add ``name`` to ``package.edited``."""
    if name not in package.trees:
        data = package.parts[name]
        prolog = PROLOG.match(data)
        declared = _ENCODING.search(prolog.group(0)) if prolog else None
        if b"\x00" in data[:4] or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8")):
            raise Declined(f"{name} is not UTF-8")  # UTF-16 has a NUL in its first bytes, byte-order mark or not
        package.trees[name] = etree.fromstring(data, package.parser).getroottree()
    return package.trees[name]


def sheet_root(package: Package, sheet: str) -> tuple[str, Any]:
    """The part of ``sheet`` and its parsed root; declines a chart sheet or a strict-namespace sheet."""
    part = package.sheets.get(sheet, "")
    if part not in package.parts:
        raise Declined(f"no part for sheet {sheet!r}")
    root = tree(package, part).getroot()
    if root.tag != f"{{{MAIN}}}worksheet":
        raise Declined(f"{part} is not a transitional worksheet")
    return part, root


def sheet_key(name: str) -> str:
    """A sheet name compared loosely: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def find_sheet(package: Package, name: str | None) -> str | None:
    """The sheet named ``name`` as written in the file (exact, else the same after NFC and case)."""
    if not name or name in package.sheets:
        return name or None
    key = sheet_key(name)
    return next((title for title in package.sheets if sheet_key(title) == key), None)


def visible_cell(package: Package, sheet: str, address: str) -> str:
    """``address``, or the top-left cell of the merged range holding it (the cell Excel shows)."""
    part, root = sheet_root(package, sheet)
    if part not in package.merges:
        ranges = root.iterfind(f"{{{MAIN}}}mergeCells/{{{MAIN}}}mergeCell")
        package.merges[part] = [range_boundaries(m.get("ref", "")) for m in ranges]
    row, col = coordinate_to_tuple(address)
    for min_col, min_row, max_col, max_row in package.merges[part]:
        if min_row <= row <= max_row and min_col <= col <= max_col:
            return f"{get_column_letter(min_col)}{min_row}"
    return address
