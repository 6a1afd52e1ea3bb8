"""Flatten every submission's table rows of one kind into columns for a single bulk validation.

Each row keeps ``sub`` (the submission's index), ``sheet`` and the cell address of every value, so a failed
expectation maps back to file, sheet and cell. Values are parsed here into comparable columns (``score`` as
a number, ``score_dp`` its decimal places, ``*_text`` as written) — the judging happens in the suites.
Rows whose code cell is empty or not shaped like a code (``I``, ``Tổng cộng``, a group heading) are headings,
totals or notes and are left out.

The rows come back as :data:`Columns` (column name → one value per row; a row's id is its position), not as a
DataFrame: the caller hands Great Expectations only the columns a suite reads and formats messages from the
plain values. Building them is one pass over the rows; everything derived from a catalogue entry is computed
once per code, everything derived from a cell value once per distinct value (wards type the same codes,
names and numbers), so a thousand wards cost little more than the loop itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from math import copysign
from typing import Any, TypeVar

from tasks.domain import Bloc, Catalogue, CellValue, Indicator, Row, Submission
from tasks.intake.identify import match_ward
from tasks.text import code_shaped, criterion_code, decimals, is_blank, nfc, number_text, shown, to_decimal, typed
from tasks.text import key as _uncached_key

Columns = dict[str, list[Any]]
T = TypeVar("T")

_EMPTY = CellValue(value=None, cell=None)
_MEMO_LIMIT = 1 << 16
_ZERO_KEYS = ("-0.0", "+0.0")  # keys of the two float zeros; text never shares the float cache
# Every ward writes the same criterion and indicator names: their keys are computed once, not once per row.
# ``typed`` keeps 1 and 1.0 apart (their keys differ).
key = lru_cache(maxsize=4096, typed=True)(_uncached_key)


def per_value(fn: Callable[[object], T]) -> Callable[[object], T]:
    """``fn`` of a cell value, remembered per value for text, whole numbers and floats.

    One cache per type, since 1, 1.0 and True are equal but read differently; -0.0 and 0.0 are equal too but
    read "-0.0" and "0.0", so each zero has its own key. NaN (never equal to itself) and other types (dates,
    bools) are computed afresh.
    """
    caches: dict[type, dict[object, T]] = {str: {}, int: {}, float: {}}

    def remembered(value: object) -> T:
        cache = caches.get(type(value))
        if cache is None or value != value:
            return fn(value)
        key = value
        if type(value) is float and not value:
            key = _ZERO_KEYS[copysign(1.0, value) > 0]
        try:
            return cache[key]
        except KeyError:
            if len(cache) >= _MEMO_LIMIT:  # a long-lived worker must not grow without bound
                cache.clear()
            result = cache[key] = fn(value)
            return result

    return remembered


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _cell(row: Row, column: str) -> CellValue:
    return row.cells.get(column) or _EMPTY


@per_value
def _code_cell(value: object) -> tuple[str | None, str | None]:
    """A code cell: its code if shaped like one (None for headings, totals and notes), and its text as shown."""
    code = criterion_code(value)
    if code is None or not code_shaped(code):
        return None, shown(value)
    foreign = [ch for ch in dict.fromkeys(code) if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")]
    if not foreign:
        return code, shown(value)
    return code, f"{shown(value)} (chữ {', '.join(foreign)} không phải chữ cái Latin)"  # it reads as a known code


def code_of(row: Row, column: str) -> str | None:
    """The code-shaped code of a row, or None for heading, total and note rows."""
    cv = row.cells.get(column)
    return _code_cell(cv.value)[0] if cv else None


# A name cell: its comparison key (None when blank) and text; a free-text cell: whether given, and text.
_name_cell = per_value(lambda value: (key(value) if not is_blank(value) else None, shown(value)))
_note_cell = per_value(lambda value: (not is_blank(value), shown(value)))


def _read(value: object, scale: int) -> tuple[str | None, bool, Decimal | None, float | None, str | None]:
    """What the frames need of a number cell: as shown, given, exact (× ``scale``), as float, as written back."""
    exact = to_decimal(value)
    if exact is not None and scale != 1:
        exact *= scale
    return typed(value), not is_blank(value), exact, _num(exact), number_text(exact)


_reading = per_value(lambda value: _read(value, 1))
_percent_reading = per_value(lambda value: _read(value, 100))


def number(value: object) -> Decimal | None:
    """The exact number a cell value holds (``tasks.text.to_decimal``), from the readings validation made."""
    return _reading(value)[2]


def cell_text(value: object) -> str | None:
    """A cell value as shown (``tasks.text.shown``), from the readings validation made."""
    return _note_cell(value)[1]


def parse_number(cv: CellValue, percent_scale: bool = False) -> Decimal | None:
    """The exact number of a cell; a percentage-formatted cell of a percent indicator is × 100."""
    if percent_scale and cv.percent and not isinstance(cv.value, str):
        return _percent_reading(cv.value)[2]
    return number(cv.value)


def _names(text: str) -> tuple[str, ...]:
    """Column names written as one string, in the order of the row tuples."""
    return tuple(text.split())


def _columns(names: Sequence[str], rows: list[tuple[Any, ...]]) -> Columns:
    """Row tuples (in ``names`` order) turned into columns."""
    if not rows:
        return {}
    return dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))


_SCORES = _names(
    "sub sheet row code code_cell code_text known kind cat_max cat_max_text cat_name cat_name_key "
    "score_cell score_text score_given score score_dp file_max max_cell max_text name_key name_cell "
    "name_text evidence_given evidence_cell evidence_text"
)


def scores_columns(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> Columns:
    """One row per criterion line of every annual self-assessment."""
    groups = {g.code for g in cat.groups}
    facts = {
        c.code: (True, c.kind.value, _num(c.max), number_text(c.max), c.name, key(c.name))
        for c in reversed(cat.criteria)  # the first criterion of a code wins, as in Catalogue.criterion
    }
    rows = []
    for i in idx:
        table = subs[i].workbook.tables["scores"]  # type: ignore[union-attr]
        for row in table.rows:
            line = _score_line(i, table.sheet, row, groups, facts)
            if line is not None:
                rows.append(line)
    return _columns(_SCORES, rows)


_UNKNOWN_CRITERION = (False, None, None, None, None, None)


def _score_line(
    i: int, sheet: str, row: Row, groups: set[str], facts: dict[str, tuple[Any, ...]]
) -> tuple[Any, ...] | None:
    """The ``_SCORES`` values of one criterion line; None for headings, group lines, totals and notes."""
    cells = row.cells
    code_cv = cells.get("Mã tiêu chí") or _EMPTY
    code, code_text = _code_cell(code_cv.value)
    if code is None or code in groups:
        return None
    score_cv, max_cv = cells.get("Điểm tự chấm") or _EMPTY, cells.get("Điểm tối đa") or _EMPTY
    name_cv, evidence_cv = cells.get("Nội dung tiêu chí") or _EMPTY, cells.get("Minh chứng") or _EMPTY
    score_text, score_given, score, score_num, _ = _reading(score_cv.value)
    max_text, _, _, file_max, _ = _reading(max_cv.value)
    name_key, name_text = _name_cell(name_cv.value)
    evidence_given, evidence_text = _note_cell(evidence_cv.value)
    return (
        i,
        sheet,
        row.number,
        code,
        code_cv.cell,
        code_text,
        *facts.get(code, _UNKNOWN_CRITERION),
        score_cv.cell,
        score_text,
        score_given,
        score_num,
        decimals(score) if score is not None else None,
        file_max,
        max_cv.cell,
        max_text,
        name_key,
        name_cv.cell,
        name_text,
        evidence_given,
        evidence_cv.cell,
        evidence_text,
    )


_COUNTS = _names("sub sheet row code code_cell code_text known count_cell count_text count_given count count_frac")


def counts_columns(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> Columns:
    """One row per T/D line of every annual self-assessment."""
    known = {b.code for b in cat.bonus_items} | {d.code for d in cat.deduction_items}
    dm = cat.missing_report.code
    rows = []
    for i in idx:
        table = subs[i].workbook.tables["counts"]  # type: ignore[union-attr]
        for row in table.rows:
            code_cv = _cell(row, "Mã")
            code, code_text = _code_cell(code_cv.value)
            if code is None and criterion_code(code_cv.value) == dm:
                code = dm  # a DM line is not code-shaped but must be warned about
            if code is None:
                continue
            count_cv = _cell(row, "Số lần")
            text, given, count, count_num, _ = _reading(count_cv.value)
            frac = float(count % 1) if count is not None else None
            rows.append(
                (
                    i,
                    table.sheet,
                    row.number,
                    code,
                    code_cv.cell,
                    code_text,
                    code in known,
                    count_cv.cell,
                    text,
                    given,
                    count_num,
                    frac,
                )
            )
    return _columns(_COUNTS, rows)


_INDICATORS = _names(
    "sub sheet row code code_cell code_text known unit ytd_cell ytd_text ytd_given ytd ytd_shown at_most "
    "at_most_text month_cell month_text month_given month_value plan plan_cell plan_text target "
    "target_text name_key name_cell name_text cat_name cat_name_key ytd_grouped"
)

# Text such as ``3.044``: a decimal with a dot (3,044) as spec §3 reads it, but also how Vietnamese writes three
# thousand and forty-four. Excel turns such typing into a number; only a cell kept as text holds it like this.
_DOT_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


@per_value
def _dot_grouped(value: object) -> str | None:
    """The whole number a text reads as when its dots group thousands (``"3.044"`` → ``"3044"``), else None."""
    if not isinstance(value, str):
        return None
    text = "".join(nfc(value).split())
    return text.replace(".", "") if _DOT_GROUPED.match(text) else None


def indicators_columns(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> Columns:
    """One row per indicator line of every monthly report; percent-formatted cells are scaled to 0–100."""
    catalogue = _Indicators(cat)
    rows = []
    for i in idx:
        table = subs[i].workbook.tables["indicators"]  # type: ignore[union-attr]
        for row in table.rows:
            line = _indicator_line(i, table.sheet, subs[i].ward_code, row, catalogue)
            if line is not None:
                rows.append(line)
    return _columns(_INDICATORS, rows)


class _Indicators:
    """The catalogue's indicators as the lines need them: shared values per code, targets per code and ward."""

    UNKNOWN = (False, None, None, None, None, None, False)

    def __init__(self, cat: Catalogue) -> None:
        self.by_code = {ind.code: ind for ind in reversed(cat.indicators)}  # the first of a code wins
        self.facts = {code: _indicator_facts(ind) for code, ind in self.by_code.items()}
        self._targets: dict[tuple[str, str | None], tuple[float | None, str | None]] = {}

    def target(self, code: str, ward: str | None) -> tuple[float | None, str | None]:
        """The ward's target for the indicator, as float and as text (None, None without one)."""
        found = self._targets.get((code, ward))
        if found is None:
            ind = self.by_code.get(code)
            exact = ind.targets.get(ward) if ind and ward else None
            found = self._targets[(code, ward)] = (_num(exact), number_text(exact))
        return found


def _indicator_line(i: int, sheet: str, ward: str | None, row: Row, cat: _Indicators) -> tuple[Any, ...] | None:
    """The ``_INDICATORS`` values of one indicator line; None for headings, totals and notes."""
    cells = row.cells
    code_cv = cells.get("Mã chỉ tiêu") or _EMPTY
    code, code_text = _code_cell(code_cv.value)
    if code is None:
        return None
    known, unit, at_most, at_most_text, cat_name, cat_name_key, pct = cat.facts.get(code, cat.UNKNOWN)
    ytd_cv, month_cv = cells.get("Lũy kế từ đầu năm") or _EMPTY, cells.get("Thực hiện trong tháng") or _EMPTY
    plan_cv, name_cv = cells.get("Kế hoạch năm") or _EMPTY, cells.get("Tên chỉ tiêu") or _EMPTY
    if pct:
        ytd, month, plan = _scaled(ytd_cv), _scaled(month_cv), _scaled(plan_cv)
    else:
        ytd, month, plan = _reading(ytd_cv.value), _reading(month_cv.value), _reading(plan_cv.value)
    name_key, name_text = _name_cell(name_cv.value)
    return (
        i,
        sheet,
        row.number,
        code,
        code_cv.cell,
        code_text,
        known,
        unit,
        ytd_cv.cell,
        ytd[0],
        ytd[1],
        ytd[3],
        ytd[4],
        at_most,
        at_most_text,
        month_cv.cell,
        month[0],
        month[1],
        month[3],
        plan[3],
        plan_cv.cell,
        plan[0],
        *cat.target(code, ward),
        name_key,
        name_cv.cell,
        name_text,
        cat_name,
        cat_name_key,
        None if pct else _dot_grouped(ytd_cv.value),
    )


def _indicator_facts(ind: Indicator) -> tuple[bool, str, float | None, str | None, str, str, bool]:
    """What every line of an indicator shares: known, unit, limit, names and whether it is a percentage."""
    return (True, ind.unit, _num(ind.at_most), number_text(ind.at_most), ind.name, key(ind.name), ind.is_percent)


def _scaled(cv: CellValue) -> tuple[str | None, bool, Decimal | None, float | None, str | None]:
    """A number cell of a percent indicator as read: × 100 when the cell is formatted as a percentage."""
    return _percent_reading(cv.value) if cv.percent and not isinstance(cv.value, str) else _reading(cv.value)


_APPRAISAL = _names(
    "sub sheet row ward ward_known ward_cell ward_text code code_cell code_text cat_max cat_max_text "
    "value value_cell value_text value_dp value_frac reason"
)


def appraisal_columns(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue, bloc: Bloc) -> Columns:
    """One row per line of every appraisal file; the ward is resolved against the roster."""
    counts = {b.code for b in cat.bonus_items} | {d.code for d in cat.deduction_items}
    rows = []
    for i in idx:
        table = subs[i].workbook.tables["appraisal"]  # type: ignore[union-attr]
        for row in table.rows:
            ward_cv, code_cv, value_cv = (_cell(row, c) for c in ("Đơn vị", "Mã", "Điểm thẩm định"))
            code = criterion_code(code_cv.value)
            ward = match_ward(bloc, str(ward_cv.value))[0] if not is_blank(ward_cv.value) else None
            crit = cat.criterion(code) if code else None
            value = to_decimal(value_cv.value)
            rows.append(
                (
                    i,
                    table.sheet,
                    row.number,
                    ward.code if ward else None,
                    ward is not None,
                    ward_cv.cell,
                    shown(ward_cv.value) or "(trống)",
                    code,
                    code_cv.cell,
                    shown(code_cv.value) or "(trống)",
                    _num(crit.max) if crit else None,
                    number_text(crit.max) if crit else None,
                    _num(value),
                    value_cv.cell,
                    typed(value_cv.value) or "(trống)",
                    decimals(value) if value is not None and crit else None,
                    float(value % 1) if value is not None and code in counts else None,
                    shown(_cell(row, "Lý do").value) or "",
                )
            )
    return _columns(_APPRAISAL, rows)
