"""Open a submitted workbook safely and read its cells.

Order of checks, cheapest first, so a hostile file is refused before it is parsed: empty file; OLE
container (old ``.xls``, or a password-protected workbook: its directory names ``EncryptionInfo``); not a
zip; zip bomb (declared unzipped size, compression ratio, entry count); missing workbook parts (a Word or
PowerPoint file renamed ``.xlsx`` is named as such); every part inflated here, never beyond its declared size
(a directory that lies about a size is a bomb too); XML entity declarations anywhere in a part, UTF-8 or
UTF-16 (never resolved); cell extent, counting cells without an address. python-calamine then reads the
cells from the checked parts only (repacked uncompressed in memory), never from the original zip. The two
facts calamine does not give — which cells are formatted as percentages, which formulas have no cached
value, each formula's text, the hidden rows and columns, and the cells whose style may show something other
than their value (a custom number format, a font of the background's colour), and the ranges a conditional format
may give such a look — come from regular-expression passes over each sheet's XML (element prefixes such as
``<x:c>`` allowed).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import olefile
from python_calamine import CalamineWorkbook

from tasks.intake.safe_zip import MAX_ENTRIES, MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, WorkbookError, stored_zip, xml_parts
from tasks.intake.styles import Look, conditional_looks, disguising_formats, percent_formats
from tasks.text import vn_count

__all__ = [
    "MAX_ENTRIES",
    "MAX_UNZIPPED_BYTES",
    "Area",
    "Sheet",
    "WorkbookError",
    "cell_name",
    "cell_position",
    "read_workbook",
]

MAX_CELLS = 1_000_000
MAX_TOTAL_CELLS = 2_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")  # an XML part may be UTF-16: look for entities in each
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# Elements may carry a namespace prefix (``<x:c>``), as files written with the OpenXML SDK do.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
# A row start tag (group 1: its attributes) or a cell (group 2: attributes, group 4: content).
_TOKEN = re.compile(rb"<" + _P + rb"row\b([^>]*)>|<" + _P + rb"c\b([^>]*?)(/>|>(.*?)</" + _P + rb"c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_STRING_RESULT = re.compile(rb'\bt="str"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_ERROR_VALUE = re.compile(rb"<" + _P + rb"v>([^<]{1,16})</")
_FORMULA = re.compile(rb"<" + _P + rb"f\b")
# A formula (group 1: its attributes, group 2: its text, None for a shared formula's copy).
_FORMULA_TAG = re.compile(rb"<" + _P + rb"f\b([^>]*?)(?:/>|>([^<]*)</)")
_VALUE = re.compile(rb"<" + _P + rb"v>[^<]+</|<" + _P + rb"is>")
_ANY_VALUE = re.compile(rb"<" + _P + rb"v\b")
# One pass over a part finds either declaration in any of the encodings.
_DOCTYPE = re.compile(
    b"|".join(re.escape(word.encode(enc)) for word in ("<!DOCTYPE", "<!ENTITY") for enc in _ENCODINGS), re.I
)
# The shape Excel, LibreOffice and openpyxl write: every cell's start tag begins with its address.
_CELL_START = re.compile(rb"<c[\s/>]")
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d+"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)\b")
_ROW_TAG = re.compile(rb"<" + _P + rb"row\b([^>]*)>")
_COL_TAG = re.compile(rb"<" + _P + rb"col\b([^>]*?)/?>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ZERO_HEIGHT = re.compile(rb'\bht="0*(?:\.0*)?"')
_ZERO_WIDTH = re.compile(rb'\bwidth="0*(?:\.0*)?"')
# A conditional format (group 1: its attributes, group 2: its rules) and a rule's differential format.
_CONDITIONAL = re.compile(
    rb"<" + _P + rb"conditionalFormatting\b([^>]*)>(.*?)</" + _P + rb"conditionalFormatting>", re.S
)
_SQREF = re.compile(rb'\bsqref="([^"]*)"')
_DXF_ID = re.compile(rb"<" + _P + rb'cfRule\b[^>]*?\bdxfId="(\d+)"')
_RANGE = re.compile(rb"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?")
MAX_AREAS = 1000  # ranges kept one by one per sheet; any further ones are kept as the box around them
_SPAN = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')


Area = tuple[int, int, int, int]  # (first row, first column, last row, last column) indexes, inclusive


@dataclass
class Sheet:
    """A sheet's cells as a grid from A1 (row index 0 is Excel row 1), plus the cell facts from its XML."""

    name: str
    rows: list[list[object]]
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index)
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # Excel error values (#DIV/0!, #N/A…)
    formulas: dict[tuple[int, int], str | None] = field(default_factory=dict)  # text; None: a shared formula's copy
    hidden_rows: set[int] = field(default_factory=set)  # row indexes Excel hides (hidden, filtered out, height 0)
    hidden_columns: set[int] = field(default_factory=set)  # column indexes Excel hides (hidden or width 0)
    looks: dict[tuple[int, int], Look] = field(default_factory=dict)  # cells whose style may disguise a value
    # the ranges of each conditional format whose differential format may disguise a value, and that look
    conditional: list[tuple[tuple[Area, ...], Look]] = field(default_factory=list)
    state: str = "visible"  # as workbook.xml says: visible, hidden or veryHidden (only VBA can show it)

    def conditional_looks(self, at: tuple[int, int]) -> list[Look]:
        """The looks conditional formats may give the cell at ``at``, in the order of the sheet. No rule's
        condition is evaluated: each may or may not hold."""
        row, col = at
        return [
            look
            for areas, look in self.conditional
            if any(r0 <= row <= r1 and c0 <= col <= c1 for r0, c0, r1, c1 in areas)
        ]

    @property
    def hidden(self) -> bool:
        """Whether Excel hides the sheet from its reader."""
        return self.state != "visible"

    @property
    def has_data(self) -> bool:
        """Whether any cell holds something other than spaces."""
        return any(not (v is None or (isinstance(v, str) and not v.strip())) for row in self.rows for v in row)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=1 << 16)
def cell_name(row: int, col: int) -> str:
    """Excel address of a 0-based grid position, e.g. (11, 3) → ``D12``."""
    return f"{column_letter(col)}{row + 1}"


def cell_position(name: str) -> tuple[int, int]:
    """0-based grid position of an Excel address, the inverse of ``cell_name``: ``D12`` → (11, 3)."""
    letters = name.rstrip("0123456789")
    return int(name[len(letters) :]) - 1, _column_index(letters.encode())


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _encrypted(data: bytes) -> bool:
    """Whether an OLE compound file is a password-protected workbook (its directory holds ``EncryptionInfo``),
    read with olefile; a directory olefile cannot follow falls back to the stream name in the first bytes."""
    try:
        with olefile.OleFileIO(data) as ole:
            return bool(ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"))
    except Exception:  # a broken container: olefile raises OSError and others; judge by the name alone
        return _ENCRYPTED_MARK in data[: 1 << 16]


def _refuse_non_zip(data: bytes, suffix: str) -> None:
    if data.startswith(_OLE_MAGIC):
        if _encrypted(data):
            raise WorkbookError(
                "encrypted",
                "Tệp được đặt mật khẩu (mã hóa) nên không đọc được.",
                "Mở tệp trong Excel, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, "
                "xóa mật khẩu) rồi lưu dưới dạng .xlsx và gửi lại.",
            )
        raise WorkbookError(
            "old_xls",
            "Tệp ở định dạng Excel cũ (.xls, Excel 97–2003) không được hỗ trợ.",
            "Mở tệp trong Excel, chọn Lưu thành → Sổ làm việc Excel (*.xlsx) rồi gửi lại tệp .xlsx.",
        )
    if suffix == ".xls":
        raise WorkbookError(
            "old_xls",
            "Tệp có đuôi .xls (Excel cũ) không được hỗ trợ.",
            "Mở tệp trong Excel, chọn Lưu thành → Sổ làm việc Excel (*.xlsx) rồi gửi lại tệp .xlsx.",
        )
    raise WorkbookError(
        "not_a_workbook",
        "Tệp không phải là bảng tính Excel (.xlsx): nội dung không có cấu trúc của một sổ làm việc.",
        "Gửi đúng tệp Excel (.xlsx) theo biểu mẫu của Khối; không đổi đuôi tệp khác (.txt, .csv, .pdf) thành .xlsx.",
    )


def check_no_entities(parts: dict[str, bytes]) -> None:
    """Refuse a part declaring a DOCTYPE or ENTITY anywhere (UTF-8 or UTF-16): entities are never resolved."""
    for name, data in parts.items():
        if _may_declare(data) and _DOCTYPE.search(data):
            raise WorkbookError(
                "xml_entities",
                f"Tệp chứa khai báo DOCTYPE/ENTITY trong {name}; tệp không an toàn nên bị từ chối.",
                "Lưu lại tệp bằng Excel (Lưu thành → .xlsx) rồi gửi lại.",
            )


def _may_declare(data: bytes) -> bool:
    """Whether a part might hold a declaration: ``<!`` in UTF-8, or any UTF-16 part (a NUL or a byte-order mark
    in its first bytes), which the full search then reads."""
    return b"<!" in data or b"\x00" in data[:4] or data[:2] in (b"\xff\xfe", b"\xfe\xff")


# Strict Open XML (ISO/IEC 29500 Strict, "Strict Open XML Spreadsheet" in Excel's Save As) differs from the
# ordinary workbook only in its namespace names: each maps to the transitional one read everywhere else.
_STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/", b"http://schemas.openxmlformats.org/drawingml/2006/"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/",
        b"http://schemas.openxmlformats.org/officeDocument/2006/",
    ),
)


def transitional(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts of a Strict Open XML workbook with the ordinary (transitional) namespace names; any other
    workbook's parts unchanged. A new dict: the parts given are not changed."""
    if b"purl.oclc.org/ooxml/" not in parts.get("xl/workbook.xml", b""):
        return parts
    out = {}
    for name, data in parts.items():
        for strict, plain in _STRICT_NAMESPACES:
            data = data.replace(strict, plain)
        out[name] = data.replace(b' conformance="strict"', b"")
    return out


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → part path inside the package, from workbook.xml and its relationships."""
    return dict(sheet_targets(parts["xl/workbook.xml"], parts.get("xl/_rels/workbook.xml.rels", b"")))


@lru_cache(maxsize=256)
def sheet_targets(book_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    """``sheet_parts`` of the two parts' bytes; remembered, as files made from one template share them."""
    book = SafeET.fromstring(book_xml)
    targets: dict[str, str] = {}
    if rels_xml:
        for rel in SafeET.fromstring(rels_xml).findall("rel:Relationship", _NS):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id", "")] = path
    sheets = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id", "")
        sheets[sheet.get("name", "")] = targets.get(rid, "")
    return tuple(sheets.items())


@lru_cache(maxsize=256)
def sheet_states(book_xml: bytes) -> tuple[tuple[str, str], ...]:
    """Each sheet's name and visibility (``visible``, ``hidden``, ``veryHidden``) from workbook.xml."""
    book = SafeET.fromstring(book_xml)
    return tuple(
        (sheet.get("name", ""), sheet.get("state", "visible")) for sheet in book.findall("m:sheets/m:sheet", _NS)
    )


def _scan_sheet(
    xml: bytes, percent_styles: frozenset[int], looks: dict[int, Look], sheet: Sheet, dxf_looks: dict[int, Look]
) -> tuple[int, int]:
    """Record percent cells, formulas, hidden rows and columns, disguising styles and conditional formats; return
    the extent (rows, columns)."""
    _scan_hidden(xml, sheet)
    if dxf_looks and b"onditionalFormatting" in xml:
        _scan_conditional(xml, dxf_looks, sheet)
    extent = _scan_plain_sheet(xml, percent_styles, looks, sheet)
    return extent if extent is not None else _scan_any_sheet(xml, percent_styles, looks, sheet)


def _zero_size_attribute(xml: bytes) -> bool:
    """Whether some attribute reads ``ht="0…`` or ``width="0…``: a byte search, then a look at the byte before
    (``ht="0`` alone is also the end of every ``right="0.5"`` page margin); a regular expression starting at a
    word boundary scans ten times slower."""
    for name in (b'ht="0', b'width="0'):
        at = xml.find(name)
        while at > 0 and not xml[at - 1 : at].isspace():
            at = xml.find(name, at + 1)
        if at > 0:
            return True
    return False


def _scan_hidden(xml: bytes, sheet: Sheet) -> None:
    """Record the rows and columns Excel does not show: hidden (also rows a filter leaves out) or of size 0."""
    if b"hidden" not in xml and not _zero_size_attribute(xml):
        return
    row = -1
    for match in _ROW_TAG.finditer(xml):
        number = _ROW_NUMBER.search(match.group(1))
        row = int(number.group(1)) - 1 if number else row + 1
        if _HIDDEN.search(match.group(1)) or _ZERO_HEIGHT.search(match.group(1)):
            sheet.hidden_rows.add(row)
    for match in _COL_TAG.finditer(xml):
        span = _SPAN.search(match.group(1))
        if span and (_HIDDEN.search(match.group(1)) or _ZERO_WIDTH.search(match.group(1))):
            first, last = (
                (int(span.group(1)), int(span.group(2))) if span.group(1) else (int(span.group(4)), int(span.group(3)))
            )
            sheet.hidden_columns.update(range(first - 1, min(last, first + 16384)))


def _scan_conditional(xml: bytes, dxf_looks: dict[int, Look], sheet: Sheet) -> None:
    """Record the ranges (``sqref``) of each conditional format with a rule whose differential format may disguise
    a value (data bars, icon sets and colour scales have none). A format of the 2010 extension list (``x14:``) has
    its ranges in an element and its format inline: not read. At most ``MAX_AREAS`` ranges a sheet are kept one by
    one, any further ones as the box around them, so a sheet-wide range or a list of thousands stays a few numbers.
    """
    kept = 0
    overflow: dict[Look, Area] = {}  # look → the box around its ranges past MAX_AREAS
    for match in _CONDITIONAL.finditer(xml):
        sqref = _SQREF.search(match.group(1))
        rules = dict.fromkeys(dxf_looks[i] for i in map(int, _DXF_ID.findall(match.group(2))) if i in dxf_looks)
        if sqref is None or not rules:
            continue
        areas = [_area(ref) for ref in _RANGE.finditer(sqref.group(1))]
        for look in rules:
            room = max(MAX_AREAS - kept, 0)
            if areas[:room]:
                sheet.conditional.append((tuple(areas[:room]), look))
                kept += len(areas[:room])
            for area in areas[room:]:
                overflow[look] = _box(overflow.get(look, area), area)
    sheet.conditional.extend(((box,), look) for look, box in overflow.items())


def _area(ref: re.Match[bytes]) -> Area:
    """A range of ``_RANGE`` (``C5:C9`` or ``C5``) as (first row, first column, last row, last column)."""
    row, col = int(ref.group(2)) - 1, _column_index(ref.group(1))
    end_row, end_col = (int(ref.group(4)) - 1, _column_index(ref.group(3))) if ref.group(3) else (row, col)
    return min(row, end_row), min(col, end_col), max(row, end_row), max(col, end_col)


def _box(a: Area, b: Area) -> Area:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _scan_plain_sheet(
    xml: bytes, percent_styles: frozenset[int], looks: dict[int, Look], sheet: Sheet
) -> tuple[int, int] | None:
    """``_scan_sheet`` in a few passes of the regular-expression engine, for a sheet as Excel, LibreOffice and
    openpyxl write it: no formulas, no element prefixes, every cell's start tag beginning with its address.
    None for any other sheet, which ``_scan_any_sheet`` then reads cell by cell.
    """
    prefixed = (b":c" in xml or b":row" in xml) and _PREFIXED.search(xml)
    formulas = (b"<f" in xml or b":f" in xml) and _FORMULA.search(xml)
    if xml.count(b"<c") > MAX_CELLS or prefixed or formulas or b't="e"' in xml:
        return None  # (more than MAX_CELLS: read cell by cell, which stops early, rather than list them all)
    rows = _CELL_ROW.findall(xml)
    if len(rows) > MAX_CELLS or len(rows) != len(_CELL_START.findall(xml)):  # some cell without a plain address
        return None
    if not rows:
        return 0, 0
    if percent_styles:
        for match in _styled_cells(percent_styles).finditer(xml):
            sheet.percent.add((int(match.group(2)) - 1, _column_index(match.group(1))))
    if looks:
        for match in _styled_cells(frozenset(looks)).finditer(xml):
            sheet.looks[(int(match.group(2)) - 1, _column_index(match.group(1)))] = looks[int(match.group(3))]
    return max(map(int, rows)), max(map(_column_index, set(_CELL_COLUMN.findall(xml)))) + 1


@lru_cache(maxsize=64)
def _styled_cells(styles: frozenset[int]) -> re.Pattern[bytes]:
    """The start tag of a cell (group 1: column letters, group 2: row number) whose style (group 3) is one of
    ``styles``."""
    alternatives = b"|".join(str(i).encode() for i in sorted(styles))
    return re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bs="(' + alternatives + rb')"')


def _scan_any_sheet(
    xml: bytes, percent_styles: frozenset[int], looks: dict[int, Look], sheet: Sheet
) -> tuple[int, int]:
    """``_scan_sheet`` cell by cell, for any shape of sheet XML.

    Rows and cells may omit their ``r`` attribute (they then follow the previous one), so the extent is counted
    the way calamine lays the grid out, and a sheet of millions of unaddressed cells is measured too.
    """
    max_row = max_col = 0
    row, col = -1, -1
    for count, match in enumerate(_TOKEN.finditer(xml)):
        if count % 65536 == 65535 and max_row * max_col > MAX_CELLS:
            break  # already too large: the caller refuses the file, no need to read on
        if match.group(2) is None:
            number = _ROW_NUMBER.search(match.group(1))
            row, col = (int(number.group(1)) - 1 if number else row + 1), -1
            continue
        ref = _REF.search(match.group(2))
        row, col = (int(ref.group(2)) - 1, _column_index(ref.group(1))) if ref else (max(row, 0), col + 1)
        max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        style = _STYLE.search(match.group(2))
        if style and percent_styles and int(style.group(1)) in percent_styles:
            sheet.percent.add((row, col))
        if style and int(style.group(1)) in looks:
            sheet.looks[(row, col)] = looks[int(style.group(1))]
        body = match.group(4) or b""
        if _FORMULA.search(body):
            _record_formula(_FORMULA_TAG.search(body), (row, col), sheet)
        if _ERROR_TYPE.search(match.group(2)):
            error = _ERROR_VALUE.search(body)
            sheet.errors[(row, col)] = error.group(1).decode("ascii", "replace") if error else "#N/A"
        elif _FORMULA.search(body) and not _has_cached_value(match.group(2), body):
            sheet.uncached_formulas.add((row, col))
    return max_row, max_col


def _record_formula(tag: re.Match[bytes] | None, at: tuple[int, int], sheet: Sheet) -> None:
    """Keep a cell's formula text (None for a copy of a shared formula, whose text is written in its first cell)."""
    sheet.formulas[at] = unescape(tag.group(2).decode("utf-8", "replace")) if tag and tag.group(2) else None


def _has_cached_value(attributes: bytes, body: bytes) -> bool:
    """A formula cell's stored result: a non-empty ``<v>``, or an empty one for a text result (``t="str"``)."""
    return bool(_VALUE.search(body) or (_STRING_RESULT.search(attributes) and _ANY_VALUE.search(body)))


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of the workbook at ``path``, or WorkbookError saying in Vietnamese why it cannot be read."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read() if size <= MAX_FILE_BYTES else fh.read(1 << 16)
    if not data:
        raise WorkbookError("empty_file", "Tệp rỗng (0 byte).", "Lưu lại bảng tính trong Excel rồi gửi lại.")
    if not data.startswith(b"PK"):
        _refuse_non_zip(data, path.suffix.lower())
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            "too_large",
            f"Tệp lớn hơn {MAX_FILE_BYTES // (1 << 20)} MB; tệp bị từ chối để bảo vệ hệ thống.",
            "Chỉ giữ các trang tính theo biểu mẫu, xóa dữ liệu thừa (hình ảnh, trang tính khác) rồi lưu và gửi lại.",
        )
    try:
        parts = transitional(xml_parts(data))
        check_no_entities(parts)
        scanned = _scan_sheets(
            parts, sheet_parts(parts), percent_formats(parts), disguising_formats(parts), conditional_looks(parts)
        )
        states = dict(sheet_states(parts["xl/workbook.xml"]))
    except WorkbookError:
        raise
    except Exception as exc:  # broken zip data raises zlib.error, NotImplementedError, ParseError, ValueError…
        raise _corrupt() from exc
    try:
        book = CalamineWorkbook.from_filelike(stored_zip(parts))
        for sheet in scanned:
            grid: list[list[Any]] = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            sheet.rows = _with_errors(grid, sheet.errors)
            sheet.state = states.get(sheet.name, "visible")
    except Exception as exc:  # calamine raises its own error types for broken content
        raise _corrupt() from exc
    return scanned


def _with_errors(grid: list[list[Any]], errors: dict[tuple[int, int], str]) -> list[list[Any]]:
    """The grid with each cached Excel error written as Excel shows it (calamine gives an empty cell), so that
    ``#DIV/0!`` is never mistaken for a value not entered. The grid is calamine's own list: no copy."""
    for (r, c), text in errors.items():
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = text
    return grid


def _scan_sheets(
    parts: dict[str, bytes],
    targets: dict[str, str],
    percent_styles: frozenset[int],
    looks: dict[int, Look],
    dxf_looks: dict[int, Look],
) -> list[Sheet]:
    sheets, total = [], 0
    for name, part in targets.items():
        sheet = Sheet(name=name, rows=[])
        if part in parts:
            rows, cols = _scan_sheet(parts[part], percent_styles, looks, sheet, dxf_looks)
            total += rows * cols
            if rows * cols > MAX_CELLS or total > MAX_TOTAL_CELLS:
                raise WorkbookError(
                    "too_large",
                    f"Trang tính '{name}' trải trên ít nhất {vn_count(rows)} dòng × {vn_count(cols)} cột; vượt giới "
                    f"hạn {vn_count(MAX_CELLS)} ô mỗi trang tính, {vn_count(MAX_TOTAL_CELLS)} ô cả tệp.",
                    "Xóa các dòng, cột thừa ở cuối trang tính và các trang tính không thuộc biểu mẫu, lưu rồi gửi lại.",
                )
        sheets.append(sheet)
    return sheets


def _corrupt() -> WorkbookError:
    return WorkbookError(
        "corrupt",
        "Tệp bị hỏng, không mở được như một bảng tính.",
        "Mở tệp trong Excel để kiểm tra, lưu lại dưới dạng .xlsx rồi gửi lại.",
    )
