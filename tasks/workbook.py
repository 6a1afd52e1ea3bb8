"""Open a submitted workbook safely and read its cells.

Order of checks, cheapest first, so a hostile file is refused before it is parsed: empty file; OLE
container (old ``.xls`` or a password-protected workbook); not a zip; zip bomb (declared unzipped size,
compression ratio, entry count); missing workbook parts; XML entity declarations (never resolved);
cell extent. Cells are read with python-calamine; the two facts calamine does not give — which cells
are formatted as percentages and which formulas have no cached value — come from one regular-expression
pass over each sheet's XML.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET
from python_calamine import CalamineWorkbook

MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2_000
MAX_CELLS = 1_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_FORMULA = re.compile(rb"<f\b")
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


class WorkbookError(Exception):
    """The file cannot be read as a workbook; ``rule`` is the issue code, texts are Vietnamese."""

    def __init__(self, rule: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.rule, self.message, self.hint = rule, message, hint


@dataclass
class Sheet:
    """A sheet's cells as a grid from A1 (row index 0 is Excel row 1), plus the cell facts from its XML."""

    name: str
    rows: list[list[object]]
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index)
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Excel address of a 0-based grid position, e.g. (11, 3) → ``D12``."""
    return f"{column_letter(col)}{row + 1}"


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _refuse_non_zip(head: bytes, suffix: str) -> None:
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in head:
            raise WorkbookError(
                "encrypted",
                "Tệp được đặt mật khẩu (mã hóa) nên không đọc được.",
                "Mở tệp trong Excel, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi lưu và gửi lại.",
            )
        raise WorkbookError(
            "old_xls",
            "Tệp ở định dạng Excel cũ (.xls) không được hỗ trợ.",
            "Mở tệp trong Excel, chọn Lưu thành → Sổ làm việc Excel (*.xlsx) rồi gửi lại.",
        )
    if suffix == ".xls":
        raise WorkbookError(
            "old_xls",
            "Tệp có đuôi .xls (Excel cũ) không được hỗ trợ.",
            "Lưu lại tệp dưới dạng Sổ làm việc Excel (*.xlsx) rồi gửi lại.",
        )
    raise WorkbookError(
        "not_a_workbook",
        "Tệp không phải là bảng tính Excel (.xlsx).",
        "Gửi đúng tệp Excel (.xlsx) theo biểu mẫu của Khối.",
    )


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ENTRIES or total > MAX_UNZIPPED_BYTES or (total > 4_000_000 and total / packed > MAX_RATIO):
        raise WorkbookError(
            "too_large",
            f"Tệp quá lớn khi giải nén ({total:,} byte, {len(infos)} thành phần); tệp bị từ chối để bảo vệ hệ thống.",
            "Chỉ giữ các trang tính theo biểu mẫu, xóa dữ liệu thừa rồi lưu và gửi lại.",
        )
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            "not_a_workbook",
            "Tệp nén không chứa sổ làm việc Excel (thiếu xl/workbook.xml).",
            "Gửi đúng tệp Excel (.xlsx) theo biểu mẫu của Khối.",
        )


def _check_no_entities(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as fh:
                head = fh.read(2048)
            if _DOCTYPE.search(head):
                raise WorkbookError(
                    "xml_entities",
                    f"Tệp chứa khai báo DOCTYPE/ENTITY trong {info.filename}; tệp không an toàn nên bị từ chối.",
                    "Lưu lại tệp bằng Excel (Lưu thành → .xlsx) rồi gửi lại.",
                )


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part path inside the package, from workbook.xml and its relationships."""
    book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels_xml = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in zf.namelist() else b""
    targets: dict[str, str] = {}
    if rels_xml:
        for rel in SafeET.fromstring(rels_xml).findall("rel:Relationship", _NS):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id", "")] = path
    parts = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id", "")
        parts[sheet.get("name", "")] = targets.get(rid, "")
    return parts


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of cell formats (cellXfs) whose number format is a percentage."""
    if "xl/styles.xml" not in zf.namelist():
        return set()
    styles = SafeET.fromstring(zf.read("xl/styles.xml"))
    percent_ids = {9, 10}
    for fmt in styles.findall("m:numFmts/m:numFmt", _NS):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_ids.add(int(fmt.get("numFmtId", "0")))
    xfs = styles.findall("m:cellXfs/m:xf", _NS)
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_ids}


def _scan_sheet(xml: bytes, percent_styles: set[int], sheet: Sheet) -> tuple[int, int]:
    """Record percent cells and formulas without a cached value; return the extent (rows, columns)."""
    max_row = max_col = 0
    for match in _CELL.finditer(xml):
        ref = _REF.search(match.group(1))
        if ref is None:
            continue
        row, col = int(ref.group(2)) - 1, _column_index(ref.group(1))
        max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        style = _STYLE.search(match.group(1))
        if style and percent_styles and int(style.group(1)) in percent_styles:
            sheet.percent.add((row, col))
        body = match.group(3) or b""
        if _FORMULA.search(body) and not _VALUE.search(body):
            sheet.uncached_formulas.add((row, col))
    return max_row, max_col


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of the workbook at ``path``, or WorkbookError saying in Vietnamese why it cannot be read."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head:
        raise WorkbookError("empty_file", "Tệp rỗng (0 byte).", "Lưu lại bảng tính trong Excel rồi gửi lại.")
    if not head.startswith(b"PK"):
        _refuse_non_zip(head, path.suffix.lower())
    try:
        with zipfile.ZipFile(path) as zf:
            _check_zip(zf)
            _check_no_entities(zf)
            parts = _sheet_parts(zf)
            percent_styles = _percent_styles(zf)
            scanned = _scan_sheets(zf, parts, percent_styles)
    except (zipfile.BadZipFile, SafeET.ParseError, KeyError, EOFError, OSError) as exc:
        raise _corrupt(exc) from exc
    except ValueError as exc:  # defusedxml refusals derive from ValueError
        raise _corrupt(exc) from exc
    try:
        book = CalamineWorkbook.from_path(str(path))
        for sheet in scanned:
            grid = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            sheet.rows = [list(r) for r in grid]
    except Exception as exc:  # calamine raises its own error types for broken content
        raise _corrupt(exc) from exc
    return scanned


def _scan_sheets(zf: zipfile.ZipFile, parts: dict[str, str], percent_styles: set[int]) -> list[Sheet]:
    sheets = []
    for name, part in parts.items():
        sheet = Sheet(name=name, rows=[])
        if part in zf.namelist():
            rows, cols = _scan_sheet(zf.read(part), percent_styles, sheet)
            if rows * cols > MAX_CELLS:
                raise WorkbookError(
                    "too_large",
                    f"Trang tính '{name}' trải trên {rows:,} dòng × {cols:,} cột, vượt giới hạn cho phép.",
                    "Xóa các dòng, cột thừa ở cuối trang tính rồi lưu và gửi lại.",
                )
        sheets.append(sheet)
    return sheets


def _corrupt(exc: BaseException) -> WorkbookError:
    return WorkbookError(
        "corrupt",
        f"Tệp bị hỏng, không mở được như một bảng tính ({type(exc).__name__}).",
        "Mở tệp trong Excel để kiểm tra, lưu lại dưới dạng .xlsx rồi gửi lại.",
    )
