"""Values that count but that an auditor opening the file in Excel would not see as counted (spec §3, §4).

The pipeline reads a cell's stored value; Excel shows the value through the cell's number format and font, hides
rows and columns, and recomputes formulas when it opens a file. A ward could thus claim points nobody sees: a
score of 5 formatted to show ``3,5``, a bonus count in a hidden row or in white on white, a formula ``=3.5``
whose stored result says 5. Each counted cell (a score, a count, a year-to-date value, an appraised value) is
checked here:

- a number format that shows something other than the number (a fixed text or digits, nothing at all, a
  condition, fewer decimals, a division by 1 000): an error, the value shown is not the value counted;
- a formula Excel would compute to another value than the one stored (a formula of numbers, cells of the same
  sheet, ``SUM`` and ``ROUND``): an error; a formula not computed here: a warning naming it, as the
  stored value counts (§3.4) and the secretariat should look;
- a value in a hidden row or column, or in a font of the background's colour: a warning, it counts and is seen
  only when shown.

A cell holding 0 or nothing claims nothing and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tasks.domain import CellValue, Issue, Kind, Severity, Workbook
from tasks.intake.layout import TABLES
from tasks.intake.workbook import Look, Sheet
from tasks.text import criterion_code, excel_digits, shown, vn_plain

__all__ = ["disguised_value_issues", "format_disguise", "formula_value"]

# The fields whose value scores: a score, a bonus or deduction count, a year-to-date value, an appraised value.
COUNTED = {"score", "count", "ytd", "value"}

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_LITERAL_DIGIT = re.compile(r'"[^"]*\d[^"]*"|\\\d|\*\d')
_BRACKET = re.compile(r"\[[^\]]*\]")
_CONDITION = re.compile(r"\[\s*[<>=]")
_SCALING = re.compile(r"[0#?],+(?![0#?])")
_CODE_SHAPE = re.compile(r"^[^\W\d_]{0,3}\d+(\.\d+)*$")  # as validation's: up to 3 letters, then digits
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


# --- Formulas: what Excel computes when it opens the file ------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)|\$?([A-Z]{1,3})\$?(\d+)|(SUM|ROUND)\s*\(|([-+*/^(),:%]))", re.I
)
_MAX_RANGE = 10_000
_MAX_DEPTH = 64  # formula cells computed through one another
_Token = tuple[str, Decimal | tuple[int, int] | str | None]  # ("num", 3.5), ("ref", (row, column)), ("op", "+")


class _Unknown(Exception):
    """The formula uses something not computed here (another function, another sheet, a text)."""


def _tokens(formula: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    text = formula.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise _Unknown
        number, letters, row, function, op = match.groups()
        if number is not None:
            out.append(("num", Decimal(number)))
        elif letters is not None:
            out.append(("ref", (int(row) - 1, _column(letters.upper()))))
        elif function is not None:
            out.append(("function", function.upper()))
        else:
            out.append(("op", op))
        at = match.end()
    return out


def _column(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


class _Formula:
    """A recursive-descent reading of a formula of numbers, cells of one sheet, + - * / ^ %, brackets, SUM and
    ROUND; a cell holding a formula counts as what that formula computes (``seen``: the cells being computed)."""

    def __init__(self, tokens: list[_Token], sheet: Sheet, seen: frozenset[tuple[int, int]]) -> None:
        self.tokens, self.at, self.sheet, self.seen = tokens, 0, sheet, seen

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.at += 1
            return True
        return False

    def value(self) -> Decimal:
        result = self.expr()
        if self.peek() is not None:
            raise _Unknown
        return result

    def expr(self) -> Decimal:
        result = self.term()
        while True:
            if self.take("+"):
                result += self.term()
            elif self.take("-"):
                result -= self.term()
            else:
                return result

    def term(self) -> Decimal:
        result = self.power()
        while True:
            if self.take("*"):
                result *= self.power()
            elif self.take("/"):
                divisor = self.power()
                if divisor == 0:
                    raise _Unknown
                result /= divisor
            else:
                return result

    def power(self) -> Decimal:
        result = self.signed()
        while self.take("^"):
            exponent = self.signed()
            if exponent != exponent.to_integral_value() or abs(exponent) > 64 or (result == 0 and exponent < 0):
                raise _Unknown
            result = result ** int(exponent)
        return result

    def signed(self) -> Decimal:
        if self.take("-"):
            return -self.signed()
        if self.take("+"):
            return self.signed()
        result = self.atom()
        while self.take("%"):
            result /= 100
        return result

    def atom(self) -> Decimal:
        token = self.peek()
        self.at += 1
        if token is None:
            raise _Unknown
        item = token[1]
        if isinstance(item, Decimal):
            return item
        if isinstance(item, tuple):
            return self.cell(item)
        if item == "SUM":
            return self.total()
        if item == "ROUND":
            number = self.expr()
            places = self.expr() if self.take(",") else None
            if places is None or not self.take(")") or places != places.to_integral_value() or abs(places) > 15:
                raise _Unknown
            return number.quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)  # halves away from 0, as Excel
        if item == "(":
            result = self.expr()
            if not self.take(")"):
                raise _Unknown
            return result
        raise _Unknown

    def total(self) -> Decimal:
        result = Decimal(0)
        while True:
            token = self.peek()
            if (
                token is not None
                and isinstance(token[1], tuple)
                and self.tokens[self.at + 1 : self.at + 2] == [("op", ":")]
            ):
                last = self.tokens[self.at + 2][1] if self.at + 2 < len(self.tokens) else None
                if not isinstance(last, tuple):
                    raise _Unknown
                self.at += 3
                result += sum(self.cells(token[1], last), Decimal(0))
            else:
                result += self.expr()
            if self.take(")"):
                return result
            if not self.take(","):
                raise _Unknown

    def cells(self, first: tuple[int, int], last: tuple[int, int]) -> Iterator[Decimal]:
        """SUM over a range: numbers count, blanks and texts do not."""
        rows = range(min(first[0], last[0]), max(first[0], last[0]) + 1)
        columns = range(min(first[1], last[1]), max(first[1], last[1]) + 1)
        if len(rows) * len(columns) > _MAX_RANGE:
            raise _Unknown
        for r in rows:
            for c in columns:
                value = self.raw(r, c)
                if (r, c) in self.sheet.formulas or (isinstance(value, int | float) and not isinstance(value, bool)):
                    yield self.cell((r, c))

    def raw(self, r: int, c: int) -> object:
        if (r, c) in self.sheet.errors:
            raise _Unknown
        row = self.sheet.rows[r] if r < len(self.sheet.rows) else []
        return row[c] if c < len(row) else None

    def cell(self, at: tuple[int, int]) -> Decimal:
        if at in self.sheet.formulas:  # what Excel computes there, not the value stored (which could lie too)
            formula = self.sheet.formulas[at]
            if formula is None or at in self.seen or len(self.seen) > _MAX_DEPTH:
                raise _Unknown
            return _Formula(_tokens(formula), self.sheet, self.seen | {at}).value()
        value = self.raw(*at)
        if value is None or value == "":
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Unknown
        return Decimal(excel_digits(float(value)))


def formula_value(formula: str, sheet: Sheet) -> Decimal | None:
    """What Excel computes for ``formula`` (as stored, without ``=``) on ``sheet``, or None when it uses
    something not computed here: another sheet, a function other than SUM and ROUND, a text, a circular
    reference."""
    try:
        return _Formula(_tokens(formula), sheet, frozenset()).value()
    except (_Unknown, InvalidOperation, OverflowError, IndexError):
        return None


# --- Issues -------------------------------------------------------------------------------------------------


def _counted_cells(workbook: Workbook, kind: Kind) -> Iterator[tuple[str, str, CellValue]]:
    """(sheet, column header, cell) of every value read that scores."""
    for layout in TABLES[kind]:
        table = workbook.tables.get(layout.name)
        if table is None:
            continue
        names = [c.name for c in layout.columns if c.field in COUNTED]
        code = next(c.name for c in layout.columns if c.field == "code")
        for row in table.rows:
            if not _coded(row.cells.get(code)):
                continue  # a heading, total or note row: its numbers do not count
            for name in names:
                cv = row.cells.get(name)
                if cv is not None and cv.cell:
                    yield table.sheet, name, cv


def _coded(cv: CellValue | None) -> bool:
    """Whether a row's code cell holds a code-shaped code (``1.1``, ``T1``, ``CT01``), as validation reads it."""
    code = criterion_code(cv.value) if cv is not None else None
    return code is not None and _CODE_SHAPE.match(code) is not None


def _position(cell: str) -> tuple[int, int]:
    letters = cell.rstrip("0123456789")
    return int(cell[len(letters) :]) - 1, _column(letters)


def disguised_value_issues(sheets: list[Sheet], workbook: Workbook, kind: Kind) -> list[Issue]:
    """An issue for each counted value that Excel would show otherwise, or not show (see the module's text)."""
    by_name = {sheet.name: sheet for sheet in sheets}
    if not any(s.formulas or s.looks or s.hidden_rows or s.hidden_columns for s in by_name.values()):
        return []  # the usual case: nothing to look at
    issues = []
    for sheet_name, column, cv in _counted_cells(workbook, kind):
        sheet = by_name.get(sheet_name)
        number = _number(cv.value)
        if sheet is None or number is None or number == 0:
            continue
        at = _position(cv.cell or "A1")
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
    return issues


_SHOW_IT = "Xóa định dạng số riêng của ô (Trang đầu → Số → Chung/General), nhập đúng giá trị cần tính rồi gửi lại."
_LOOK_AT_IT = (
    "Văn phòng Khối: hiện dòng/cột (hoặc đổi màu chữ) để kiểm tra giá trị này; phường nên để mọi số liệu tính điểm "
    "hiện rõ trong bảng."
)


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
    if at in sheet.formulas:
        formula = sheet.formulas[at]
        computed = formula_value(formula, sheet) if formula is not None else None
        if computed is not None and abs(computed - number) > Decimal("1e-9") * max(Decimal(1), abs(computed)):
            return (
                Severity.ERROR,
                "formula_stored_value",
                f"ô chứa công thức ={formula}, Excel mở tệp sẽ tính ra {vn_plain(computed.normalize())}: giá trị lưu "
                "sẵn trong tệp không phải kết quả của công thức",
                "Mở tệp bằng Excel để công thức được tính lại (hoặc nhập trực tiếp giá trị đúng), lưu rồi gửi lại.",
            )
        if computed is None:
            text = f"={formula}" if formula else "bản sao công thức dùng chung hoặc bảng dữ liệu, không ghi trong ô"
            return (
                Severity.WARNING,
                "formula_not_recomputed",
                f"ô chứa công thức ({text}) mà chương trình không tính lại: điểm dựa trên giá trị Excel lưu lần cuối",
                "Văn phòng Khối: mở tệp trong Excel, kiểm tra ô hiện đúng giá trị này; phường nên nhập trực tiếp giá "
                "trị thay cho công thức.",
            )
    if at[0] in sheet.hidden_rows:
        return Severity.WARNING, "hidden_value", f"dòng {at[0] + 1} bị ẩn (hoặc bị bộ lọc che) trong Excel", _LOOK_AT_IT
    if at[1] in sheet.hidden_columns:
        return Severity.WARNING, "hidden_value", "cột của ô bị ẩn trong Excel", _LOOK_AT_IT
    if look is not None and look.invisible:
        return Severity.WARNING, "hidden_value", "chữ trong ô cùng màu với nền nên không nhìn thấy", _LOOK_AT_IT
    return None
