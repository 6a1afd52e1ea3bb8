"""Flatten every submission's table rows of one kind into one DataFrame for a single bulk validation.

Each row keeps ``sub`` (the submission's index), ``sheet`` and the cell address of every value, so a failed
expectation maps back to file, sheet and cell. Values are parsed here into comparable columns (``score`` as
a number, ``score_dp`` its decimal places, ``*_text`` as written) — the judging happens in the suites.
Rows whose code cell is empty or not shaped like a code (``I``, ``Tổng cộng``, a group heading) are headings,
totals or notes and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from tasks.domain import Bloc, Catalogue, CellValue, Row, Submission
from tasks.identify import match_ward
from tasks.layout import key as _uncached_key
from tasks.text import criterion_code, decimals, is_blank, shown, to_decimal

_CODE_SHAPE = re.compile(r"^[A-Z]{0,3}\d+(\.\d+)*$")
# Every ward writes the same criterion and indicator names: their keys are computed once, not once per row.
# ``typed`` keeps 1 and 1.0 apart (their keys differ).
key = lru_cache(maxsize=4096, typed=True)(_uncached_key)


def number_text(value: Decimal | None) -> str | None:
    """A decimal as Vietnamese readers write it (decimal comma, no trailing zeros)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _cell(row: Row, column: str) -> CellValue:
    return row.cells.get(column) or CellValue(value=None, cell=None)


def code_of(row: Row, column: str) -> str | None:
    """The code-shaped code of a row, or None for heading, total and note rows."""
    code = criterion_code(_cell(row, column).value)
    return code if code is not None and _CODE_SHAPE.match(code) else None


def parse_number(cv: CellValue, percent_scale: bool = False) -> Decimal | None:
    """The exact number of a cell; a percentage-formatted cell of a percent indicator is × 100."""
    number = to_decimal(cv.value)
    if number is not None and percent_scale and cv.percent and not isinstance(cv.value, str):
        number *= 100
    return number


def _value_columns(prefix: str, cv: CellValue, number: Decimal | None) -> dict[str, object]:
    return {
        f"{prefix}_cell": cv.cell,
        f"{prefix}_text": shown(cv.value),
        f"{prefix}_given": not is_blank(cv.value),
    }


def scores_frame(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> pd.DataFrame:
    """One row per criterion line of every annual self-assessment."""
    group_codes = {g.code for g in cat.groups}
    records = []
    for i in idx:
        table = subs[i].workbook.tables["scores"]  # type: ignore[union-attr]
        for row in table.rows:
            code = code_of(row, "Mã tiêu chí")
            if code is None or code in group_codes:
                continue
            crit = cat.criterion(code)
            score_cv, max_cv, name_cv = (
                _cell(row, "Điểm tự chấm"),
                _cell(row, "Điểm tối đa"),
                _cell(row, "Nội dung tiêu chí"),
            )
            score, file_max = to_decimal(score_cv.value), to_decimal(max_cv.value)
            evidence = _cell(row, "Minh chứng")
            records.append(
                {
                    "sub": i,
                    "sheet": table.sheet,
                    "row": row.number,
                    "code": code,
                    "code_cell": _cell(row, "Mã tiêu chí").cell,
                    "code_text": shown(_cell(row, "Mã tiêu chí").value),
                    "known": crit is not None,
                    "kind": crit.kind.value if crit else None,
                    "cat_max": _num(crit.max) if crit else None,
                    "cat_max_text": number_text(crit.max) if crit else None,
                    "cat_name": crit.name if crit else None,
                    "cat_name_key": key(crit.name) if crit else None,
                    **_value_columns("score", score_cv, score),
                    "score": _num(score),
                    "score_dp": decimals(score) if score is not None else None,
                    "file_max": _num(file_max),
                    "max_cell": max_cv.cell,
                    "max_text": shown(max_cv.value),
                    "name_key": key(name_cv.value) if not is_blank(name_cv.value) else None,
                    "name_cell": name_cv.cell,
                    "name_text": shown(name_cv.value),
                    "evidence_given": not is_blank(evidence.value),
                    "evidence_cell": evidence.cell,
                    "evidence_text": shown(evidence.value),
                }
            )
    return _finish(records)


def counts_frame(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> pd.DataFrame:
    """One row per T/D line of every annual self-assessment."""
    known = {b.code for b in cat.bonus_items} | {d.code for d in cat.deduction_items}
    records = []
    for i in idx:
        table = subs[i].workbook.tables["counts"]  # type: ignore[union-attr]
        for row in table.rows:
            code = code_of(row, "Mã")
            if code is None and criterion_code(_cell(row, "Mã").value) == cat.missing_report.code:
                code = cat.missing_report.code  # a DM line is not code-shaped but must be warned about
            if code is None:
                continue
            count_cv = _cell(row, "Số lần")
            count = to_decimal(count_cv.value)
            records.append(
                {
                    "sub": i,
                    "sheet": table.sheet,
                    "row": row.number,
                    "code": code,
                    "code_cell": _cell(row, "Mã").cell,
                    "code_text": shown(_cell(row, "Mã").value),
                    "known": code in known,
                    **_value_columns("count", count_cv, count),
                    "count": _num(count),
                    "count_frac": float(count % 1) if count is not None else None,
                }
            )
    return _finish(records)


def indicators_frame(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue) -> pd.DataFrame:
    """One row per indicator line of every monthly report; percent-formatted cells are scaled to 0–100."""
    records = []
    for i in idx:
        table = subs[i].workbook.tables["indicators"]  # type: ignore[union-attr]
        ward = subs[i].ward_code
        for row in table.rows:
            code = code_of(row, "Mã chỉ tiêu")
            if code is None:
                continue
            ind = cat.indicator(code)
            pct = bool(ind and ind.is_percent)
            ytd_cv, month_cv, plan_cv = (
                _cell(row, c) for c in ("Lũy kế từ đầu năm", "Thực hiện trong tháng", "Kế hoạch năm")
            )
            ytd, month, plan = (parse_number(cv, pct) for cv in (ytd_cv, month_cv, plan_cv))
            target = ind.targets.get(ward) if ind and ward else None
            name_cv = _cell(row, "Tên chỉ tiêu")
            records.append(
                {
                    "sub": i,
                    "sheet": table.sheet,
                    "row": row.number,
                    "code": code,
                    "code_cell": _cell(row, "Mã chỉ tiêu").cell,
                    "code_text": shown(_cell(row, "Mã chỉ tiêu").value),
                    "known": ind is not None,
                    "unit": ind.unit if ind else None,
                    **_value_columns("ytd", ytd_cv, ytd),
                    "ytd": _num(ytd),
                    "ytd_shown": number_text(ytd),
                    "at_most": _num(ind.at_most) if ind and ind.at_most is not None else None,
                    "at_most_text": number_text(ind.at_most) if ind and ind.at_most is not None else None,
                    **_value_columns("month", month_cv, month),
                    "month_value": _num(month),
                    "plan": _num(plan),
                    "plan_cell": plan_cv.cell,
                    "plan_text": shown(plan_cv.value),
                    "target": _num(target),
                    "target_text": number_text(target),
                    "name_key": key(name_cv.value) if not is_blank(name_cv.value) else None,
                    "name_cell": name_cv.cell,
                    "name_text": shown(name_cv.value),
                    "cat_name": ind.name if ind else None,
                    "cat_name_key": key(ind.name) if ind else None,
                }
            )
    return _finish(records)


def appraisal_frame(subs: Sequence[Submission], idx: Iterable[int], cat: Catalogue, bloc: Bloc) -> pd.DataFrame:
    """One row per line of every appraisal file; the ward is resolved against the roster."""
    counts = {b.code for b in cat.bonus_items} | {d.code for d in cat.deduction_items}
    records = []
    for i in idx:
        table = subs[i].workbook.tables["appraisal"]  # type: ignore[union-attr]
        for row in table.rows:
            ward_cv, code_cv, value_cv = (_cell(row, c) for c in ("Đơn vị", "Mã", "Điểm thẩm định"))
            code = criterion_code(code_cv.value)
            ward = match_ward(bloc, str(ward_cv.value))[0] if not is_blank(ward_cv.value) else None
            crit = cat.criterion(code) if code else None
            value = to_decimal(value_cv.value)
            records.append(
                {
                    "sub": i,
                    "sheet": table.sheet,
                    "row": row.number,
                    "ward": ward.code if ward else None,
                    "ward_known": ward is not None,
                    "ward_cell": ward_cv.cell,
                    "ward_text": shown(ward_cv.value) or "(trống)",
                    "code": code,
                    "code_cell": code_cv.cell,
                    "code_text": shown(code_cv.value) or "(trống)",
                    "cat_max": _num(crit.max) if crit else None,
                    "cat_max_text": number_text(crit.max) if crit else None,
                    "value": _num(value),
                    "value_cell": value_cv.cell,
                    "value_text": shown(value_cv.value) or "(trống)",
                    "value_dp": decimals(value) if value is not None and crit else None,
                    "value_frac": float(value % 1) if value is not None and code in counts else None,
                    "reason": shown(_cell(row, "Lý do").value) or "",
                }
            )
    return _finish(records)


def _finish(records: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    frame.insert(0, "rid", range(len(frame)))
    return frame
