"""Ingest: turn a workbook's sheets into a :class:`Workbook` (info labels and located tables).

Header rows are found wherever they are (title rows above are normal); columns may be in any order with
extra columns; blank rows are skipped. Structural problems (a required sheet or column missing) are raised
as :class:`IntakeError` with the sheet named; values are not judged here (that is validation's job).
"""

from __future__ import annotations

from tasks.domain import CellValue, Issue, Kind, Row, Severity, Table, Workbook
from tasks.intake.layout import HAS_INFO, INFO_LABELS, INFO_SHEET, TABLES, TableLayout
from tasks.intake.workbook import Sheet, cell_name, column_letter
from tasks.text import is_blank, key, short_sheet, shown

HEADER_SEARCH_ROWS = 40


class IntakeError(Exception):
    """A submission is structurally unusable; carries the issue to report.

    ``info_sheet`` and ``info`` hold what the info sheet says when it was read before the problem was found,
    so that the submission is still attributed to the ward it names (and that ward told what to fix).
    """

    def __init__(self, issue: Issue, info_sheet: str | None = None, info: dict[str, CellValue] | None = None) -> None:
        super().__init__(issue.message)
        self.issue = issue
        self.info_sheet = info_sheet
        self.info = info or {}


_STATE_VN = {"hidden": "ẩn", "veryHidden": "ẩn sâu, chỉ hiện được bằng VBA"}


def _sheet_label(sheet: Sheet) -> str:
    """A sheet's name as written, with its visibility when Excel hides it."""
    return f"'{short_sheet(sheet.name)}'" + (f" ({_STATE_VN.get(sheet.state, 'ẩn')})" if sheet.hidden else "")


def _find_sheet(sheets: list[Sheet], canonical: str) -> Sheet | None:
    """The one sheet whose name reads as ``canonical``; IntakeError when two do (which one counts is unclear)."""
    wanted = key(canonical)
    found = [s for s in sheets if key(s.name) == wanted]
    if len(found) > 1:
        names = " và ".join(_sheet_label(s) for s in found)
        raise IntakeError(
            Issue(
                severity=Severity.ERROR,
                rule="duplicate_sheet",
                message=f"Có {len(found)} trang tính cùng được hiểu là '{canonical}': {names}; "
                "không xác định được trang nào là bản chính thức.",
                hint=f"Chỉ giữ một trang tính '{canonical}' (xóa hoặc đổi tên các bản sao, kể cả trang ẩn) "
                "rồi gửi lại.",
                sheet=found[1].name,
            )
        )
    return found[0] if found else None


def _missing_sheet(canonical: str, sheets: list[Sheet]) -> IntakeError:
    names = ", ".join(f"'{short_sheet(s.name)}'" for s in sheets) or "(không có)"
    return IntakeError(
        Issue(
            severity=Severity.ERROR,
            rule="missing_sheet",
            message=f"Thiếu trang tính '{canonical}'. Các trang tính có trong tệp: {names}.",
            hint=f"Thêm (hoặc đổi tên) trang tính thành '{canonical}' theo biểu mẫu của Khối.",
            sheet=canonical,
        )
    )


def _locate_header(sheet: Sheet, layout: TableLayout, start: int = 0) -> tuple[int, dict[str, int]] | None:
    """The header row index and canonical column → column index, or None when no row has the key columns.

    Rows ``start`` to ``start + HEADER_SEARCH_ROWS`` are searched. Only text cells can name a column (the key of a
    number or a date has no letters); each cell's key is computed once, not once per column.
    """
    wanted = [(column.name, key(column.name)) for column in layout.columns]
    required = [column.name for column in layout.required]
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(sheet.rows[start : start + HEADER_SEARCH_ROWS], start):
        found: dict[str, int] = {}
        twice: list[tuple[str, int]] = []  # a column named again, and where
        for c, value in enumerate(row):
            if not isinstance(value, str) or is_blank(value):
                continue
            k = key(value)
            for name, want in wanted:
                if k == want or (k.startswith(want) and value.rstrip().endswith(")")):
                    if name in found:
                        twice.append((name, c))
                    else:
                        found[name] = c
        if all(name in found for name in required):
            if twice:
                raise _duplicate_column(sheet, twice[0][0], r, found[twice[0][0]], twice[0][1])
            return r, found
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found)
    return best


def _duplicate_column(sheet: Sheet, name: str, r: int, first: int, second: int) -> IntakeError:
    cells = f"{cell_name(r, first)} và {cell_name(r, second)}"
    return IntakeError(
        Issue(
            severity=Severity.ERROR,
            rule="duplicate_column",
            message=f"Trang tính '{short_sheet(sheet.name)}' có hai cột cùng tên '{name}' ({cells}); "
            "không xác định được cột nào được tính.",
            hint=f"Chỉ giữ một cột '{name}': xóa hoặc đổi tên cột thừa rồi gửi lại.",
            sheet=sheet.name,
            cell=cell_name(r, second),
            column=name,
            value=shown(sheet.rows[r][second]),  # the header as written there ("ĐIỂM TỰ CHẤM ")
        )
    )


def _header_too_far_down(sheet: Sheet, layout: TableLayout) -> int | None:
    """The index of a row below the searched ones that holds every required header, else None."""
    for start in range(HEADER_SEARCH_ROWS, len(sheet.rows), HEADER_SEARCH_ROWS):
        try:
            found = _locate_header(sheet, layout, start)
        except IntakeError:  # a column named twice down there: no one row to name
            continue
        if found is not None and all(c.name in found[1] for c in layout.required):
            return found[0]
    return None


def _missing_columns(sheet: Sheet, layout: TableLayout, header: tuple[int, dict[str, int]] | None) -> IntakeError:
    found = header[1] if header else {}
    missing = [c.name for c in layout.required if c.name not in found]
    where = f" (dòng tiêu đề tìm thấy ở dòng {header[0] + 1})" if header else ""
    hint = "Giữ nguyên dòng tiêu đề của biểu mẫu; tên cột phải đúng như: " + ", ".join(c.name for c in layout.columns)
    below = _header_too_far_down(sheet, layout)
    if below is not None:  # the columns are there, the table starts too far down for a form
        where = f" trong {HEADER_SEARCH_ROWS} dòng đầu; dòng tiêu đề đủ cột nằm ở dòng {below + 1}, quá xa"
        hint = (
            f"Xóa bớt các dòng trống hoặc dòng tiêu đề phía trên bảng để dòng tiêu đề nằm trong {HEADER_SEARCH_ROWS} "
        )
        hint += "dòng đầu của trang tính"
    return IntakeError(
        Issue(
            severity=Severity.ERROR,
            rule="missing_column",
            message=f"Trang tính '{short_sheet(sheet.name)}' thiếu cột bắt buộc: {', '.join(missing)}{where}.",
            hint=hint + ".",
            sheet=sheet.name,
            column=missing[0],
        )
    )


def _cell(sheet: Sheet, r: int, c: int) -> CellValue:
    row = sheet.rows[r] if r < len(sheet.rows) else []
    value = row[c] if c < len(row) else None
    if value == "":
        value = None
    return CellValue(value=value, cell=cell_name(r, c), percent=(r, c) in sheet.percent)


def _too_many_rows(sheet: Sheet, limit: int, r: int, columns: list[int]) -> IntakeError:
    """Refused at row ``r``, the first over ``limit``: the issue names the row's first cell of the table holding
    something (its code in the form) and quotes it, so the ward sees which line the dump starts at."""
    row = sheet.rows[r]
    c = min(c for c in columns if c < len(row) and not is_blank(row[c]))  # the row is not blank (read_table)
    return IntakeError(
        Issue(
            severity=Severity.ERROR,
            rule="too_many_rows",
            message=f"Trang tính '{short_sheet(sheet.name)}' có hơn {f'{limit:,}'.replace(',', '.')} dòng dữ liệu "
            f"(dòng {r + 1} trở đi); biểu mẫu chỉ có vài chục dòng nên tệp bị từ chối.",
            hint="Chỉ giữ các dòng của biểu mẫu; xóa dữ liệu dán thêm (hoặc chuyển sang tệp khác) rồi gửi lại.",
            sheet=sheet.name,
            cell=cell_name(r, c),
            value=shown(row[c]),
        )
    )


def read_table(sheet: Sheet, layout: TableLayout) -> Table:
    """The data rows of a table sheet, by canonical column (blank rows skipped)."""
    header = _locate_header(sheet, layout)
    if header is None or any(c.name not in header[1] for c in layout.required):
        raise _missing_columns(sheet, layout, header)
    header_row, positions = header
    letters = {name: column_letter(c) for name, c in positions.items()}
    rows: list[Row] = []
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        values = {name: row[c] if c < len(row) else None for name, c in positions.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        if layout.max_rows is not None and len(rows) >= layout.max_rows:
            raise _too_many_rows(sheet, layout.max_rows, r, list(positions.values()))
        number = str(r + 1)
        cells = {
            name: CellValue(None if v == "" else v, letters[name] + number, (r, positions[name]) in sheet.percent)
            for name, v in values.items()
        }
        rows.append(Row(number=r + 1, cells=cells))
    head = sheet.rows[header_row]
    return Table(
        sheet=sheet.name,
        header_row=header_row + 1,
        columns=letters,
        headers={name: shown(head[c]) or name for name, c in positions.items()},
        rows=tuple(rows),
    )


def read_info(sheet: Sheet) -> dict[str, CellValue]:
    """Labels of the info sheet (label in one cell, value in the next non-empty cell to its right)."""
    wanted = {key(label): field for field, label in INFO_LABELS.items()}
    info: dict[str, CellValue] = {}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            field = wanted.get(key(value)) if isinstance(value, str) else None
            if field is None or field in info:
                continue
            right = next((i for i in range(c + 1, len(row)) if not is_blank(row[i])), c + 1)
            info[field] = _cell(sheet, r, right)
            break
    return info


def _label_places(sheet: Sheet) -> dict[str, list[tuple[int, int, int]]]:
    """Every place each info label is written: field → (row, label column, value column), in reading order."""
    wanted = {key(label): field for field, label in INFO_LABELS.items()}
    places: dict[str, list[tuple[int, int, int]]] = {}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            field = wanted.get(key(value)) if isinstance(value, str) else None
            if field is not None:
                right = next((i for i in range(c + 1, len(row)) if not is_blank(row[i])), c + 1)
                places.setdefault(field, []).append((r, c, right))
    return places


def duplicate_label_issues(sheet: Sheet) -> list[Issue]:
    """An error for each info label written twice with different values: which one counts is unclear."""
    issues = []
    for field, places in _label_places(sheet).items():
        values = [_cell(sheet, r, v) for r, _, v in places]
        if len({shown(cv.value) for cv in values}) < 2:
            continue
        label = INFO_LABELS[field]
        where = " và ".join(
            f"{cell_name(r, c)} (giá trị '{shown(cv.value) or ''}')"
            for (r, c, _), cv in zip(places, values, strict=True)
        )
        issues.append(
            Issue(
                severity=Severity.ERROR,
                rule="duplicate_label",
                message=f"Nhãn '{label}' được ghi {len(places)} lần với giá trị khác nhau: {where}; "
                "không xác định được giá trị nào được tính.",
                hint=f"Chỉ giữ một dòng '{label}' với giá trị đúng, xóa dòng còn lại rồi gửi lại.",
                sheet=sheet.name,
                cell=values[1].cell,
                column=label,
                value=shown(values[1].value),
            )
        )
    return issues


def hidden_sheet_issues(sheets: list[Sheet]) -> list[Issue]:
    """A warning for each hidden sheet that holds data, so that an auditor sees it."""
    return [
        Issue(
            severity=Severity.WARNING,
            rule="hidden_sheet",
            message=f"Trang tính {_sheet_label(sheet)} bị ẩn nhưng có dữ liệu.",
            hint="Hiện trang tính (chuột phải vào thẻ trang tính → Bỏ ẩn) để kiểm tra; xóa nếu không thuộc hồ sơ.",
            sheet=sheet.name,
        )
        for sheet in sheets
        if sheet.hidden and sheet.has_data
    ]


def read_submission(sheets: list[Sheet], kind: Kind) -> Workbook:
    """Locate the info sheet and the tables of a workbook of ``kind``; IntakeError when one is missing."""
    info_sheet = None
    info: dict[str, CellValue] = {}
    if kind in HAS_INFO:
        found = _find_sheet(sheets, INFO_SHEET)
        if found is None:
            raise _missing_sheet(INFO_SHEET, sheets)
        info_sheet, info = found.name, read_info(found)
    tables = {}
    try:
        for layout in TABLES[kind]:
            sheet = _find_sheet(sheets, layout.sheet)
            if sheet is None:
                raise _missing_sheet(layout.sheet, sheets)
            tables[layout.name] = read_table(sheet, layout)
    except IntakeError as exc:
        raise IntakeError(exc.issue, info_sheet, info) from None
    return Workbook(info_sheet=info_sheet, info=info, tables=tables)


def uncached_formula_issues(sheets: list[Sheet], workbook: Workbook) -> list[Issue]:
    """An error for every formula without a cached value inside a table or the info sheet."""
    used = {t.sheet for t in workbook.tables.values()} | ({workbook.info_sheet} if workbook.info_sheet else set())
    issues = []
    for sheet in sheets:
        if sheet.name not in used:
            continue
        for r, c in sorted(sheet.uncached_formulas):
            issues.append(
                Issue(
                    severity=Severity.ERROR,
                    rule="formula_without_value",
                    message=f"Ô {cell_name(r, c)} chứa công thức nhưng không có giá trị đã tính "
                    "(tệp được tạo bằng phần mềm khác và chưa từng mở trong Excel).",
                    hint="Mở tệp bằng Excel, để Excel tính lại công thức, lưu lại rồi gửi; "
                    "hoặc nhập trực tiếp giá trị thay cho công thức.",
                    sheet=sheet.name,
                    cell=cell_name(r, c),
                )
            )
    return issues


# What each error value Excel caches in a cell means, for a ward officer.
EXCEL_ERRORS = {
    "#DIV/0!": "công thức chia cho 0",
    "#N/A": "hàm tra cứu không tìm thấy giá trị",
    "#REF!": "công thức tham chiếu tới ô hoặc trang tính đã bị xóa",
    "#VALUE!": "công thức dùng sai kiểu giá trị (ví dụ cộng chữ với số)",
    "#NAME?": "công thức dùng tên hàm hoặc tên vùng không tồn tại",
    "#NUM!": "công thức cho ra số không hợp lệ",
    "#NULL!": "hai vùng trong công thức không giao nhau",
}
_NUMERIC_FIELDS = {"score", "max", "count", "ytd", "month_value", "plan", "value"}


def _used_cells(workbook: Workbook, kind: Kind) -> dict[tuple[str, str], tuple[str, bool]]:
    """(sheet, cell) → (column or label, whether a wrong value there rejects the file) for every value read."""
    used: dict[tuple[str, str], tuple[str, bool]] = {}
    for layout in TABLES[kind]:
        table = workbook.tables.get(layout.name)
        if table is None:
            continue
        strict = {c.name for c in layout.columns if c.required or c.field in _NUMERIC_FIELDS}
        for row in table.rows:
            for name, cv in row.cells.items():
                used[(table.sheet, cv.cell or "")] = (name, name in strict)
    for field, cv in workbook.info.items():
        used[(workbook.info_sheet or "", cv.cell or "")] = (INFO_LABELS[field], field in _STRICT_LABELS)
    return used


_STRICT_LABELS = {"ward", "ward_code", "year", "period", "prepared_on"}


def excel_error_issues(sheets: list[Sheet], workbook: Workbook, kind: Kind) -> list[Issue]:
    """An issue for each value read that is an error Excel cached (``#DIV/0!``, ``#N/A``…), named as such: an
    error where the value counts (a score, a count, the ward), a warning elsewhere (a note, the evidence)."""
    if not any(sheet.errors for sheet in sheets):
        return []  # the usual case: no need to list the cells read
    used = _used_cells(workbook, kind)
    issues = []
    for sheet in sheets:
        for (r, c), text in sorted(sheet.errors.items()):
            place = used.get((sheet.name, cell_name(r, c)))
            if place is None:
                continue
            column, strict = place
            meaning = EXCEL_ERRORS.get(text, "công thức bị lỗi")
            issues.append(
                Issue(
                    severity=Severity.ERROR if strict else Severity.WARNING,
                    rule="excel_error",
                    message=f"Ô {cell_name(r, c)} ({column}) hiện lỗi Excel {text}: {meaning}; "
                    "đây không phải giá trị đã nhập.",
                    hint="Sửa công thức trong ô (hoặc nhập trực tiếp giá trị) để ô hiện đúng giá trị, lưu rồi gửi lại.",
                    sheet=sheet.name,
                    cell=cell_name(r, c),
                    column=column,
                    value=text,
                )
            )
    return issues
