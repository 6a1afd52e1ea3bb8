"""Ward workbooks written from scratch, the way real offices send them (test helper, no tests here).

The values are the Sa Pa sample's (read with python-calamine from ``inputs/2025``); the layout is laid out
here as plain grids and written with openpyxl, so each deviation of spec §3.4 is a small edit of a grid:
insert a title row, move a column, type a number as text, turn a value into a formula with a cached result.
Nothing here uses ``samples/`` or the code under test.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from tasks.domain import InputFile, Kind

SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "2025"
SAPA_ANNUAL = SAMPLE / "annual" / "tu-cham-diem-2025-sapa.xlsx"
SAPA_DECEMBER = SAMPLE / "monthly" / "2025-12" / "bao-cao-chi-tieu-2025-12-sapa.xlsx"

INFO = "Thông tin"
SCORES = "Tự chấm điểm"
COUNTS = "Thưởng - Trừ"
INDICATORS = "Chỉ tiêu"
SCORE_HEADERS = ("Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú")
COUNT_HEADERS = ("Mã", "Nội dung", "Số lần", "Căn cứ")
INDICATOR_HEADERS = (
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch năm",
    "Thực hiện trong tháng",
    "Lũy kế từ đầu năm",
    "Ghi chú",
)
_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def fold(text: object) -> str:
    """Letters and digits only, no diacritics, lower case: how a person reads a header."""
    decomposed = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower())


@dataclass
class Grid:
    """One sheet as a grid from A1 (0-based), with number formats, merges and cached formulas."""

    name: str
    rows: list[list[object]]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], tuple[str, object]] = field(default_factory=dict)  # formula, cached value
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    stored: dict[tuple[int, int], str] = field(default_factory=dict)  # a number's text as stored in the XML

    def get(self, r: int, c: int) -> object:
        return self.rows[r][c] if r < len(self.rows) and c < len(self.rows[r]) else None

    def set(self, r: int, c: int, value: object) -> None:
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = value

    def find(self, text: str) -> tuple[int, int]:
        """The first cell that reads as ``text`` (compared folded)."""
        want = fold(text)
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                if value is not None and fold(value) == want:
                    return r, c
        raise LookupError(text)

    def header(self) -> int:
        """Index of the header row: the first row with three or more cells."""
        return next(r for r, row in enumerate(self.rows) if sum(v is not None for v in row) >= 3)

    def column(self, header: str) -> int:
        r = self.header()
        want = fold(header)
        return next(c for c, v in enumerate(self.rows[r]) if v is not None and fold(v) == want)

    def row_of(self, code: str) -> int:
        """The row whose code cell (first column of the header's 'Mã…') holds ``code``."""
        c = next(c for c, v in enumerate(self.rows[self.header()]) if v is not None and fold(v).startswith("ma"))
        return next(r for r, row in enumerate(self.rows) if c < len(row) and str(row[c]).rstrip(".") == code)

    def data_rows(self) -> list[int]:
        return [r for r in range(self.header() + 1, len(self.rows)) if any(v is not None for v in self.rows[r])]

    def insert_row(self, at: int, values: list[object] | None = None) -> None:
        self.rows.insert(at, list(values or []))
        self._shift(lambda r, c: (r + (r >= at), c))
        self.merged = [(a + (a >= at), b, c + (c >= at), d) for a, b, c, d in self.merged]

    def insert_column(self, at: int, values: dict[int, object] | None = None) -> None:
        for r, row in enumerate(self.rows):
            if len(row) > at:
                row.insert(at, None)
            if values and r in values:
                self.set(r, at, values[r])
        self._shift(lambda r, c: (r, c + (c >= at)))
        self.merged = [(a, b + (b >= at), c, d + (d >= at)) for a, b, c, d in self.merged]

    def permute_columns(self, order: list[int]) -> None:
        """Column ``order[i]`` moves to position ``i``; columns not listed keep their place after them."""
        width = max(len(r) for r in self.rows)
        full = order + [c for c in range(width) if c not in order]
        where = {old: new for new, old in enumerate(full)}
        self.rows = [[row[old] if old < len(row) else None for old in full] for row in self.rows]
        self._shift(lambda r, c: (r, where.get(c, c)))

    def _shift(self, move: object) -> None:
        assert callable(move)
        self.formats = {move(*k): v for k, v in self.formats.items()}
        self.formulas = {move(*k): v for k, v in self.formulas.items()}
        self.stored = {move(*k): v for k, v in self.stored.items()}


@dataclass
class Book:
    """A workbook as a list of grids, in sheet order."""

    sheets: list[Grid]
    prefixed: bool = False  # write the SpreadsheetML elements with a namespace prefix (``<x:c>``)

    def sheet(self, name: str) -> Grid:
        want = fold(name)
        return next(s for s in self.sheets if fold(s.name) == want)


# --- The canonical Sa Pa files, from the sample's values ------------------------------------------


def _calamine_grid(path: Path, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    name = next(n for n in book.sheet_names if fold(n) == fold(sheet))
    return [[None if v == "" else v for v in row] for row in book.get_sheet_by_name(name).to_python()]


def _table(path: Path, sheet: str, headers: tuple[str, ...], code: str) -> Grid:
    """A plain table (header on row 1, one row per code-shaped line) with the values of ``sheet``."""
    grid = _calamine_grid(path, sheet)
    top = next(r for r, row in enumerate(grid) if headers[0] in row)
    cols = [grid[top].index(h) for h in headers]
    rows: list[list[object]] = [list(headers)]
    for row in grid[top + 1 :]:
        value = row[cols[0]] if cols[0] < len(row) else None
        if isinstance(value, str) and re.fullmatch(code, value):
            rows.append([row[c] if c < len(row) else None for c in cols])
    return Grid(sheet, rows)


def _info(path: Path) -> Grid:
    return Grid(INFO, [[label, value] for label, value, *_ in _calamine_grid(path, INFO)])


def sapa_annual() -> Book:
    """Sa Pa's 2025 self-assessment with plain tables: info, criteria, bonus and deduction lines."""
    return Book(
        [
            _info(SAPA_ANNUAL),
            _table(SAPA_ANNUAL, SCORES, SCORE_HEADERS, r"\d+\.\d+"),
            _table(SAPA_ANNUAL, COUNTS, COUNT_HEADERS, r"[TD]\d+"),
        ]
    )


def sapa_december() -> Book:
    """Sa Pa's December 2025 progress report with a plain indicator table."""
    return Book([_info(SAPA_DECEMBER), _table(SAPA_DECEMBER, INDICATORS, INDICATOR_HEADERS, r"CT\d+")])


GROUPS = {
    "1": ("I", "Công tác thi đua – khen thưởng"),
    "2": ("II", "Phát triển kinh tế – xã hội"),
    "3": ("III", "Bảo vệ môi trường"),
    "4": ("IV", "Quốc phòng – an ninh"),
    "5": ("V", "Chuyển đổi số"),
    "6": ("VI", "An sinh xã hội, hệ thống chính trị"),
}


# --- Writing --------------------------------------------------------------------------------------


def _cell_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write_sheet(ws: openpyxl.worksheet.worksheet.Worksheet, grid: Grid) -> None:
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            cell = ws.cell(row=r + 1, column=c + 1, value=_cell_value(value))
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text typed by the ward, never a formula
            if isinstance(value, date | datetime) and (r, c) not in grid.formats:
                cell.number_format = "dd/mm/yyyy"
    for (r, c), fmt in grid.formats.items():
        ws.cell(row=r + 1, column=c + 1).number_format = fmt
    for (r, c), (formula, _) in grid.formulas.items():
        ws.cell(row=r + 1, column=c + 1).value = "=" + formula
    for r1, c1, r2, c2 in grid.merged:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)


def _cached(xml: bytes, grid: Grid) -> bytes:
    """Give every formula cell its cached value, as Excel or LibreOffice store it on saving."""
    for (r, c), text in grid.stored.items():
        xml = _replace_cell(xml, address(r, c), rb"[^>]*><v>)[^<]*(</v>)", _stored_value(text.encode()))
    for (r, c), (_, value) in grid.formulas.items():
        kind = b' t="str"' if isinstance(value, str) else b' t="b"' if isinstance(value, bool) else b""
        text = _result_text(value)
        shape = rb"[^>]*?)(><f>.*?</f>)<v\s*/?>(?:</v>)?</c>"
        xml = _replace_cell(xml, address(r, c), shape, _formula_result(kind, text.encode()))
    return xml


def _result_text(value: object) -> str:
    """A formula result as the ``<v>`` element stores it (empty for a formula never calculated)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(float(value))
    raise TypeError(f"no cached form for {value!r}")


def _stored_value(text: bytes) -> Callable[[re.Match[bytes]], bytes]:
    return lambda m: m[1] + text + m[2]


def _formula_result(kind: bytes, text: bytes) -> Callable[[re.Match[bytes]], bytes]:
    return lambda m: m[1] + kind + m[2] + b"<v>" + text + b"</v></c>"


def _replace_cell(xml: bytes, ref: str, shape: bytes, replace: Callable[[re.Match[bytes]], bytes]) -> bytes:
    """Rewrite the ``<c r="ref"…>`` element matching ``shape`` (group 1 = its opening up to ``shape``)."""
    return re.compile(rb'(<c r="' + ref.encode() + rb'"' + shape, re.S).sub(replace, xml)


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, no surrounding apostrophe, at most 31 characters."""
    title = re.sub(r"[\[\]:*?/\\]", "", ILLEGAL_CHARACTERS_RE.sub("", name)).strip("'")[:31]
    return title or "Sheet"


def book_bytes(book: Book, *, macro: bool = False) -> bytes:
    """The workbook as .xlsx bytes (or .xlsm with the macro content type and a VBA part that never runs)."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for grid in book.sheets:
        _write_sheet(wb.create_sheet(sheet_title(grid.name)), grid)
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if m:
                data = _cached(data, book.sheets[int(m.group(1)) - 1])
            if macro:
                data = _with_macro_part(item.filename, data)
            if book.prefixed and (m or item.filename in ("xl/workbook.xml", "xl/styles.xml")):
                data = _prefixed(data)
            zout.writestr(item, data)
        if macro:
            zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016)
    return out.getvalue()


def _prefixed(xml: bytes) -> bytes:
    """The same part with every SpreadsheetML element written ``x:name``, as the OpenXML SDK writes them."""
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = re.sub(rb"<(/?)([A-Za-z]\w*)(?=[\s/>])", lambda m: b"<" + m.group(1) + b"x:" + m.group(2), xml)
    return xml.replace(main, main.replace(b"xmlns=", b"xmlns:x="))


def _with_macro_part(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":
        data = data.replace(_PLAIN_MAIN, _MACRO_MAIN)
        return data.replace(
            b'<Default Extension="xml"',
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default Extension="xml"',
        )
    if name == "xl/_rels/workbook.xml.rels":
        vba = b"http://schemas.microsoft.com/office/2006/relationships/vbaProject"
        return data.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdVba1" Type="' + vba + b'" Target="vbaProject.bin"/></Relationships>',
        )
    return data


def write_book(book: Book, path: Path, *, macro: bool = False) -> Path:
    """Write ``book`` to ``path`` (parents created); ``.xlsm`` files get the macro content type."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(book_bytes(book, macro=macro or path.suffix == ".xlsm"))
    return path


def input_file(path: Path, kind: Kind, root: Path | None = None) -> InputFile:
    """An InputFile for a workbook written by a test (``rel`` under ``root``, else its name)."""
    rel = path.relative_to(root).as_posix() if root else path.name
    return InputFile(path=path, rel=rel, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), kind=kind)


def address(r: int, c: int) -> str:
    """Excel address of a 0-based grid position."""
    return f"{openpyxl.utils.get_column_letter(c + 1)}{r + 1}"
