"""Values that count but that an auditor opening the file in Excel would not see as counted (spec §3, §4).

The pipeline reads a cell's stored value; Excel shows the value through the cell's number format and font, hides
rows and columns, and recomputes formulas when it opens a file. A ward could thus claim points nobody sees: a
score of 5 formatted to show ``3,5``, a bonus count in a hidden row or in white on white, a formula ``=3.5``
whose stored result says 5. Each counted cell (a score, a count, a year-to-date value, an appraised value) is
checked here:

- a number format that shows something other than the number (a fixed text or digits, nothing at all, a
  condition, fewer decimals, a division by 1 000): an error, the value shown is not the value counted;
- a formula: its value stored in the file counts and the formula is never evaluated (§3.4), yet Excel shows
  what the formula computes, and a stored result can be edited apart from its formula; one warning per sheet
  names the cells, for the secretariat to open the file in Excel and compare;
- a value in a hidden row or column, or in a font of the background's colour: a warning, it counts and is seen
  only when shown;
- a value under a conditional format whose differential format would show it otherwise (a number format as
  above, a font of the background's colour): a warning, as the rule's condition is never evaluated (that would
  take a formula evaluator, §3.4): it may or may not hold in Excel, so the secretariat is asked to look.

A cell holding 0 or nothing claims nothing and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tasks.domain import CellValue, Issue, Kind, Severity, Workbook
from tasks.intake.layout import TABLES
from tasks.intake.styles import Look
from tasks.intake.workbook import Sheet, cell_position
from tasks.text import code_shaped, criterion_code, excel_digits, shown, vn_plain

__all__ = ["disguised_value_issues", "format_disguise"]

# The fields whose value scores: a score, a bonus or deduction count, a year-to-date value, an appraised value.
COUNTED = {"score", "count", "ytd", "value"}

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_LITERAL_DIGIT = re.compile(r'"[^"]*\d[^"]*"|\\\d|\*\d')
_BRACKET = re.compile(r"\[[^\]]*\]")
_CONDITION = re.compile(r"\[\s*[<>=]")
_SCALING = re.compile(r"[0#?],+(?![0#?])")
_DECIMALS = re.compile(r"\.([0#?]*)")
ROUNDED = "định dạng làm tròn khi hiện"


def _sections(code: str) -> list[str]:
    """A number format's sections (positive; negative; zero; text), split at ``;`` outside quotes."""
    sections, current, quoted, escaped = [], "", False, False
    for ch in code:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            current, escaped = current + ch, True
        elif ch == '"':
            current, quoted = current + ch, not quoted
        elif ch == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += ch
    return [*sections, current]


def format_disguise(code: str, value: Decimal) -> str | None:
    """How the number format ``code`` shows ``value`` otherwise than as itself (Vietnamese), or None."""
    sections = _sections(code)
    if any(_CONDITION.search(s) for s in sections):
        return "định dạng chọn cách hiện theo điều kiện so sánh giá trị"
    index = 0 if value > 0 else 1 if value < 0 and len(sections) > 1 else 2 if value == 0 and len(sections) > 2 else 0
    section = sections[index]
    if _LITERAL_DIGIT.search(section):
        return "định dạng hiện chữ số cố định thay cho giá trị"
    bare = _BRACKET.sub("", _QUOTED.sub("", section))
    if "general" in bare.casefold():
        return None
    if not re.search(r"[0#?]", bare):
        return "định dạng không hiện giá trị" if not section.strip() else "định dạng hiện chữ cố định thay cho giá trị"
    if _SCALING.search(bare):
        return "định dạng chia giá trị cho 1.000 khi hiện"
    shown_value = value * 100 if "%" in bare else value
    places = len(match.group(1)) if (match := _DECIMALS.search(bare.split("E")[0].split("e")[0])) else 0
    exponent = shown_value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        rounded = shown_value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        return f"{ROUNDED}, Excel hiện {vn_plain(rounded)}{'%' if '%' in bare else ''}"
    return None


def _number(value: object) -> Decimal | None:
    """A cell's number as Excel shows it at full precision (a number typed as text too), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return Decimal(excel_digits(float(value)))
        except InvalidOperation:  # inf or nan
            return None
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
    return None


# --- Issues -------------------------------------------------------------------------------------------------


def _marked_counted_cells(
    workbook: Workbook, kind: Kind, sheets: dict[str, Sheet]
) -> Iterator[tuple[Sheet, str, CellValue, tuple[int, int]]]:
    """(sheet, column header, cell, its position) of every value read that scores and that its sheet marks: a
    style, formula, hidden row or column or conditional format at its place. Most cells have none, and are passed
    over before their row's code is read (a third of a millisecond a file at a thousand wards)."""
    for layout in TABLES[kind]:
        table = workbook.tables.get(layout.name)
        sheet = sheets.get(table.sheet) if table is not None else None
        if table is None or sheet is None:
            continue
        names = [c.name for c in layout.columns if c.field in COUNTED]
        code = next(c.name for c in layout.columns if c.field == "code")
        for row in table.rows:
            marked = [
                (name, cv, at)
                for name in names
                if (cv := row.cells.get(name)) is not None and cv.cell and _marked(sheet, at := cell_position(cv.cell))
            ]
            if marked and _coded(row.cells.get(code)):  # else a heading, total or note row: its numbers do not count
                yield from ((sheet, name, cv, at) for name, cv, at in marked)


def _marked(sheet: Sheet, at: tuple[int, int]) -> bool:
    return (
        at in sheet.looks
        or at in sheet.formulas
        or at[0] in sheet.hidden_rows
        or at[1] in sheet.hidden_columns
        or bool(sheet.conditional and sheet.conditional_looks(at))
    )


def _coded(cv: CellValue | None) -> bool:
    """Whether a row's code cell holds a code-shaped code (``1.1``, ``T1``, ``CT01``), as validation reads it."""
    return cv is not None and code_shaped(criterion_code(cv.value))


def disguised_value_issues(sheets: list[Sheet], workbook: Workbook, kind: Kind) -> list[Issue]:
    """An issue for each counted value that Excel would show otherwise, or not show (see the module's text)."""
    by_name = {sheet.name: sheet for sheet in sheets}
    if not any(s.formulas or s.looks or s.hidden_rows or s.hidden_columns or s.conditional for s in by_name.values()):
        return []  # the usual case: nothing to look at
    issues = []
    with_formulas: dict[str, list[str]] = {}  # sheet → counted cells holding a formula
    for sheet, column, cv, at in _marked_counted_cells(workbook, kind, by_name):
        number = _number(cv.value)
        if number is None or number == 0:
            continue
        if at in sheet.formulas:
            with_formulas.setdefault(sheet.name, []).append(cv.cell or "")
        found = _disguise(sheet, at, cv, number)
        if found is not None:
            severity, rule, why, hint = found
            if kind is Kind.APPRAISAL:  # the bloc's own file: its rows apply (§3.2), the secretariat is told
                severity = Severity.WARNING
            issues.append(
                Issue(
                    severity,
                    rule,
                    f"Ô {cv.cell} ({column}) có giá trị {vn_plain(number)} được tính điểm, nhưng {why}.",
                    hint,
                    sheet=sheet.name,
                    cell=cv.cell,
                    column=column,
                    value=shown(cv.value),
                )
            )
    return issues + [_formulas_issue(sheet, cells) for sheet, cells in with_formulas.items()]


def _formulas_issue(sheet: str, cells: list[str]) -> Issue:
    """One warning for the counted cells of ``sheet`` that hold a formula (the first few named)."""
    named = ", ".join(cells[:5]) + (f" và {vn_plain(Decimal(len(cells) - 5))} ô khác" if len(cells) > 5 else "")
    return Issue(
        Severity.WARNING,
        "formula_not_recomputed",
        f"{vn_plain(Decimal(len(cells)))} ô được tính điểm chứa công thức ({named}): điểm dựa trên kết quả Excel đã "
        "lưu trong tệp, chương trình không tính lại công thức.",
        "Văn phòng Khối: mở tệp trong Excel để công thức được tính lại và so với giá trị đã được tính điểm; phường "
        "nên nhập trực tiếp giá trị thay cho công thức.",
        sheet=sheet,
        cell=cells[0] or None,
    )


_SHOW_IT = "Xóa định dạng số riêng của ô (Trang đầu → Số → Chung/General), nhập đúng giá trị cần tính rồi gửi lại."
_LOOK_AT_IT = (
    "Văn phòng Khối: hiện dòng/cột (hoặc đổi màu chữ) để kiểm tra giá trị này; phường nên để mọi số liệu tính điểm "
    "hiện rõ trong bảng."
)
_LOOK_AT_THE_RULE = (
    "Văn phòng Khối: mở tệp trong Excel, xem ô này và quy tắc của nó (Trang đầu → Định dạng có điều kiện → Quản lý "
    "quy tắc); phường nên bỏ định dạng có điều kiện khỏi các ô số liệu tính điểm."
)
_CONDITIONALLY = "một định dạng có điều kiện phủ ô này, khi điều kiện của nó đúng, có thể làm Excel"


def _disguise(
    sheet: Sheet, at: tuple[int, int], cv: CellValue, number: Decimal
) -> tuple[Severity, str, str, str] | None:
    """(severity, rule, why, hint) of the first way the cell at ``at`` hides or disguises its value, or None."""
    look: Look | None = sheet.looks.get(at)
    if look is not None and look.number_format is not None and not isinstance(cv.value, str):
        why = format_disguise(look.number_format, number)
        if why is not None and why.startswith(ROUNDED):  # shown near its value: told, still counted
            return Severity.WARNING, "rounded_value", f"{why} (định dạng số “{look.number_format}”)", _SHOW_IT
        if why is not None:
            return Severity.ERROR, "disguised_value", f"{why} (định dạng số “{look.number_format}”)", _SHOW_IT
    if at[0] in sheet.hidden_rows:
        return Severity.WARNING, "hidden_value", f"dòng {at[0] + 1} bị ẩn (hoặc bị bộ lọc che) trong Excel", _LOOK_AT_IT
    if at[1] in sheet.hidden_columns:
        return Severity.WARNING, "hidden_value", "cột của ô bị ẩn trong Excel", _LOOK_AT_IT
    if look is not None and look.invisible:
        return Severity.WARNING, "hidden_value", "chữ trong ô cùng màu với nền nên không nhìn thấy", _LOOK_AT_IT
    for conditional in sheet.conditional_looks(at):  # the condition is not evaluated: it may hold, or not
        code = conditional.number_format
        why = format_disguise(code, number) if code is not None and not isinstance(cv.value, str) else None
        if why is not None:
            return (
                Severity.WARNING,
                "conditional_format",
                f"{_CONDITIONALLY} hiện khác: {why} (định dạng số “{code}”)",
                _LOOK_AT_THE_RULE,
            )
        if conditional.invisible:
            return (
                Severity.WARNING,
                "conditional_format",
                f"{_CONDITIONALLY} tô chữ cùng màu với nền nên không nhìn thấy giá trị",
                _LOOK_AT_THE_RULE,
            )
    return None
