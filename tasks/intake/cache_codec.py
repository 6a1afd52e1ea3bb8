"""Submissions as plain JSON data: the form in which the parse cache stores what reading produced.

Nothing read back runs as code. :func:`decoded` builds only the domain types named here, from strings, numbers,
booleans, null, lists and objects, and checks every field on the way: a missing or extra field, a wrong type, an
unknown tag or value makes it return None (never raise), and the cache treats that as a miss: the file is read
again. ``decoded(encoded(sub)) == sub`` for every submission that reading gives.

The form is compact where a workbook is large and named elsewhere:

- a submission, its file, an issue, a workbook and a table are JSON objects named by their fields;
- a row is ``[number, {column: cell}]`` and a cell ``[value, address, percent]``;
- a cell's value is written as itself when JSON has it (text, whole or decimal number, true/false, null) and as a
  one-key object otherwise: ``{"date": "2025-12-31"}``, ``{"datetime": "2025-12-31T08:30:00"}``,
  ``{"time": "08:30:00"}``, ``{"timedelta": [days, seconds, microseconds]}``, ``{"decimal": "92.72"}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tasks.domain import CellValue, InputFile, Issue, Kind, Row, Severity, Status, Submission, Table, Workbook

_SCALARS = frozenset({str, int, float, bool, type(None)})  # cell values JSON writes as themselves
_ADDRESS = frozenset({str, type(None)})
_ISSUE = ("severity", "rule", "message", "hint", "sheet", "cell", "column", "value")


class Uncacheable(TypeError):
    """A submission holds a value this form has no way to write (the submission is then not cached)."""


class _Malformed(ValueError):
    """Stored data that is not what :func:`encoded` writes."""


def as_json(sub: Submission) -> bytes:
    """``sub`` as one line of compact UTF-8 JSON (it never holds a line break); Uncacheable if it cannot be.

    A path's undecodable bytes, which Python keeps as lone surrogates, are written as they came.
    """
    try:
        text = json.dumps(encoded(sub), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise Uncacheable(str(exc)) from exc
    return text.encode("utf-8", "surrogatepass")


def from_json(blob: bytes) -> Submission | None:
    """The submission ``as_json`` wrote as ``blob``; None for anything else (not UTF-8, not JSON, not the form)."""
    try:
        data = json.loads(blob.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        return None
    return decoded(data)


# --- Writing ----------------------------------------------------------------------------------------


def encoded(sub: Submission) -> dict[str, Any]:
    """``sub`` as JSON-ready data (dicts, lists, str, int, float, bool, None); Uncacheable if it cannot be."""
    return {
        "file": _file_out(sub.file),
        "kind": sub.kind.value,
        "period": sub.period,
        "ward_code": sub.ward_code,
        "prepared_on": _date_out(sub.prepared_on),
        "status": sub.status.value,
        "superseded_by": sub.superseded_by,
        "issues": [_issue_out(issue) for issue in sub.issues],
        "workbook": None if sub.workbook is None else _workbook_out(sub.workbook),
    }


def _file_out(file: InputFile) -> dict[str, Any]:
    return {
        "path": str(file.path),
        "rel": file.rel,
        "sha256": file.sha256,
        "kind": file.kind.value,
        "refused": file.refused,
    }


def _date_out(day: date | None) -> str | None:
    if day is not None and type(day) is not date:
        raise Uncacheable(f"not a date: {day!r}")
    return None if day is None else day.isoformat()


def _issue_out(issue: Issue) -> dict[str, Any]:
    out = {name: getattr(issue, name) for name in _ISSUE}
    out["severity"] = issue.severity.value
    return out


def _workbook_out(book: Workbook) -> dict[str, Any]:
    return {
        "info_sheet": book.info_sheet,
        "info": {label: _cell_out(cell) for label, cell in _keyed(book.info).items()},
        "tables": {name: _table_out(table) for name, table in _keyed(book.tables).items()},
    }


def _table_out(table: Table) -> dict[str, Any]:
    return {
        "sheet": table.sheet,
        "header_row": table.header_row,
        "columns": _keyed(table.columns),
        "headers": _keyed(table.headers),
        "rows": [_row_out(row) for row in table.rows],
    }


def _row_out(row: Row) -> list[Any]:
    return [row.number, {name: _cell_out(cell) for name, cell in _keyed(row.cells).items()}]


def _keyed(mapping: dict[str, Any]) -> dict[str, Any]:
    """``mapping`` itself when every key is text (JSON would turn a number key into text silently)."""
    if any(type(key) is not str for key in mapping):
        raise Uncacheable("a key that is not text")
    return mapping


def _cell_out(cell: CellValue) -> list[Any]:
    value = cell.value
    return [value if type(value) in _SCALARS else _tagged_out(value), cell.cell, cell.percent]


def _tagged_out(value: object) -> dict[str, Any]:
    if type(value) is datetime:  # before date: a datetime is a date too
        return {"datetime": value.isoformat()}
    if type(value) is date:
        return {"date": value.isoformat()}
    if type(value) is time:
        return {"time": value.isoformat()}
    if type(value) is timedelta:
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    if type(value) is Decimal:
        return {"decimal": str(value)}
    raise Uncacheable(f"a cell value of type {type(value).__name__}")


# --- Reading back -----------------------------------------------------------------------------------


def decoded(data: object) -> Submission | None:
    """The submission ``data`` (as :func:`encoded` wrote it) stands for; None for anything else, never an error."""
    try:
        return _submission(data)
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError, RecursionError):
        return None


def _fields(data: object, names: tuple[str, ...]) -> dict[str, Any]:
    """``data`` as an object with exactly the fields ``names``."""
    if type(data) is not dict or len(data) != len(names) or any(name not in data for name in names):
        raise _Malformed("wrong fields")
    return data


def _str(value: object) -> str:
    if type(value) is not str:
        raise _Malformed("not text")
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    if type(value) is not int:
        raise _Malformed("not a whole number")
    return value


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise _Malformed("not a list")
    return value


def _text_map(value: object) -> dict[str, str]:
    if type(value) is not dict or any(type(v) is not str for v in value.values()):
        raise _Malformed("not a map of text")
    return dict(value)


_SUBMISSION = ("file", "kind", "period", "ward_code", "prepared_on", "status", "superseded_by", "issues", "workbook")


def _submission(data: object) -> Submission:
    got = _fields(data, _SUBMISSION)
    prepared_on = got["prepared_on"]
    workbook = got["workbook"]
    return Submission(
        file=_file(got["file"]),
        kind=Kind(_str(got["kind"])),
        period=_opt_str(got["period"]),
        ward_code=_opt_str(got["ward_code"]),
        prepared_on=None if prepared_on is None else date.fromisoformat(_str(prepared_on)),
        status=Status(_str(got["status"])),
        superseded_by=_opt_str(got["superseded_by"]),
        issues=tuple(_issue(issue) for issue in _list(got["issues"])),
        workbook=None if workbook is None else _workbook(workbook),
    )


def _file(data: object) -> InputFile:
    got = _fields(data, ("path", "rel", "sha256", "kind", "refused"))
    return InputFile(
        path=Path(_str(got["path"])),
        rel=_str(got["rel"]),
        sha256=_str(got["sha256"]),
        kind=Kind(_str(got["kind"])),
        refused=_opt_str(got["refused"]),
    )


def _issue(data: object) -> Issue:
    got = _fields(data, _ISSUE)
    severity, rule, message, hint, *where = (got[name] for name in _ISSUE)
    return Issue(Severity(_str(severity)), _str(rule), _str(message), _str(hint), *(_opt_str(w) for w in where))


def _workbook(data: object) -> Workbook:
    got = _fields(data, ("info_sheet", "info", "tables"))
    info, tables = got["info"], got["tables"]
    if type(info) is not dict or type(tables) is not dict:
        raise _Malformed("info or tables not an object")
    return Workbook(
        info_sheet=_opt_str(got["info_sheet"]),
        info={label: _cell(cell) for label, cell in info.items()},
        tables={name: _table(table) for name, table in tables.items()},
    )


def _table(data: object) -> Table:
    got = _fields(data, ("sheet", "header_row", "columns", "headers", "rows"))
    return Table(
        sheet=_str(got["sheet"]),
        header_row=_int(got["header_row"]),
        columns=_text_map(got["columns"]),
        headers=_text_map(got["headers"]),
        rows=tuple(_row(row) for row in _list(got["rows"])),
    )


def _row(data: object) -> Row:
    number, cells = _list(data)  # ValueError unless exactly two items
    if type(cells) is not dict:
        raise _Malformed("row cells not an object")
    return Row(_int(number), {name: _cell(cell) for name, cell in cells.items()})


def _cell(data: object) -> CellValue:
    # The hot path (a hundred cells a file): checks inlined, no helper calls for a plain cell.
    if type(data) is not list or len(data) != 3:
        raise _Malformed("not a cell")
    value, address, percent = data
    if type(value) not in _SCALARS:
        value = _tagged(value)
    if type(address) not in _ADDRESS or type(percent) is not bool:
        raise _Malformed("cell address or percent flag")
    return CellValue(value, address, percent)


def _timedelta(parts: object) -> timedelta:
    days, seconds, microseconds = (_int(part) for part in _list(parts))
    return timedelta(days=days, seconds=seconds, microseconds=microseconds)


_TAGS: dict[str, Callable[[Any], object]] = {
    "date": lambda text: date.fromisoformat(_str(text)),
    "datetime": lambda text: datetime.fromisoformat(_str(text)),
    "time": lambda text: time.fromisoformat(_str(text)),
    "timedelta": _timedelta,
    "decimal": lambda text: Decimal(_str(text)),
}


def _tagged(data: object) -> object:
    if type(data) is not dict or len(data) != 1:
        raise _Malformed("not a tagged value")
    ((tag, payload),) = data.items()
    return _TAGS[tag](payload)
