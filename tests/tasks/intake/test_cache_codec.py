"""The parse cache's plain-data form: what reading gave comes back equal, and anything else is a miss, not a crash."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.config.load import ConfigError
from tasks.config.year import load_year
from tasks.domain import CellValue, InputFile, Issue, Kind, Row, Severity, Status, Submission, Table, Workbook
from tasks.intake.cache import sealed, unsealed
from tasks.intake.cache_codec import Uncacheable, as_json, decoded, encoded, from_json
from tasks.intake.discover import discover
from tasks.intake.read import read_files
from tests.support.examples import examples
from tests.support.hostile_corpus import all_cases, fresh_inputs

KEY = b"k" * 32


def stored(sub: Submission) -> Submission | None:
    """``sub`` as the cache stores and gives it back: as JSON, sealed in a pack, unsealed and decoded again."""
    entries = unsealed(KEY, sealed(KEY, {"ab" * 32: as_json(sub)}))
    assert entries is not None
    return from_json(entries["ab" * 32])


def _file(path: str = "/srv/inputs/2025/annual/sa-pa.xlsx") -> InputFile:
    return InputFile(Path(path), "annual/sa-pa.xlsx", "ab" * 32, Kind.ANNUAL)


def _with_cells(*values: object) -> Submission:
    cells = {f"c{k}": CellValue(value, f"B{k + 5}", k % 2 == 1) for k, value in enumerate(values)}
    table = Table("Tự chấm điểm", 4, {"c0": "B"}, {"c0": "Điểm tự chấm"}, (Row(5, cells),))
    info = {"prepared_on": CellValue(date(2026, 1, 7), "B6")}
    return Submission(_file(), Kind.ANNUAL, "2025", "SAPA", workbook=Workbook("Thông tin", info, {"scores": table}))


def test_every_sample_submission_comes_back_equal(inputs: Path) -> None:
    """What reading gave for each file of the 2025 sample (accepted, rejected, with issues) is what the cache gives
    back, field for field, in the same order of sheets, rows and cells."""
    config = load_year(inputs, 2025)
    subs = read_files(discover(config.year_dir), config.bloc, config.catalogue)
    back = [stored(sub) for sub in subs]
    assert back == subs
    assert [list(b.workbook.tables) for b in back if b and b.workbook] == [
        list(s.workbook.tables) for s in subs if s.workbook
    ]


@pytest.mark.slow  # the 69 input trees of the hostile corpus, each read once: `make test` only
def test_every_submission_of_the_hostile_corpus_comes_back_equal(tmp_path: Path) -> None:
    """What reading gives for each odd or hostile input survives the cache's form, as the parse cache and the
    reading workers (``tasks.edge.pool``) hand it on: decoded equal, or refused by ``as_json`` and then not
    cached (a case whose configuration stops the run reads no file)."""
    checked = 0
    for number, case in enumerate(all_cases()):
        if case.needs_non_root and os.geteuid() == 0:
            continue
        year_dir = fresh_inputs(tmp_path / str(number))
        case.build(year_dir)
        try:
            config = load_year(year_dir.parent, 2025)
        except ConfigError:
            continue
        for sub in read_files(discover(config.year_dir), config.bloc, config.catalogue):
            with contextlib.suppress(Uncacheable):
                assert stored(sub) == sub, (case.name, sub.file.rel)
                checked += 1
    assert checked > 2_000


def test_every_kind_of_cell_value_keeps_its_type() -> None:
    """Text, whole and decimal numbers, true/false, empty, dates, date-times, times and durations (what
    python-calamine gives) and exact decimals come back as the same values of the same types."""
    values = [
        "Kế hoạch số 246/KH-UBND",
        'dòng một\ndòng hai\r\u2028\t"',  # line breaks in a cell never break the pack's lines
        "",
        0,
        -(2**70),
        92.72,
        -0.0,
        float("inf"),
        True,
        False,
        None,
        date(2025, 12, 31),
        datetime(2025, 12, 31, 8, 30, 0, 123456),
        datetime(2025, 12, 31, 8, 30, tzinfo=timezone(timedelta(hours=7))),
        time(8, 30, 15),
        timedelta(days=-1, seconds=5, microseconds=7),
        Decimal("92.720"),
    ]
    sub = _with_cells(*values)
    back = stored(sub)
    assert back == sub and back is not None and back.workbook is not None
    cells = back.workbook.tables["scores"].rows[0].cells.values()
    assert [type(cell.value) for cell in cells] == [type(value) for value in values]


def test_a_path_with_bytes_that_are_not_text_survives_the_pack() -> None:
    """A file whose name holds undecodable bytes (kept by Python as lone surrogates) is stored and found again."""
    sub = replace(_with_cells(1), file=_file("/srv/inputs/2025/annual/t\udcea-sa-pa.xlsx"))
    assert stored(sub) == sub


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, b"bytes", object(), 1 + 2j])
def test_a_value_with_no_plain_form_is_not_cached(value: object) -> None:
    """A cell holding something the form cannot write is refused when stored (the file is then simply not cached),
    rather than written as something it is not."""
    with pytest.raises(Uncacheable):
        encoded(_with_cells(value))


def test_a_key_that_is_not_text_is_not_cached() -> None:
    """JSON would turn a number key into text; the form refuses it instead of changing the table."""
    sub = _with_cells(1)
    assert sub.workbook is not None
    table = sub.workbook.tables["scores"]
    bad = Table(table.sheet, table.header_row, {1: "B"}, table.headers, table.rows)  # type: ignore[dict-item]
    with pytest.raises(Uncacheable):
        encoded(replace(sub, workbook=Workbook(None, {}, {"s": bad})))


# --- Properties ---------------------------------------------------------------------------------------

_text = st.text(max_size=12)
_opt_text = st.none() | _text
_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)  # NaN is never equal to itself, though it is kept as NaN
    | _text
    | st.dates()
    | st.datetimes()
    | st.times()
    | st.timedeltas()
    | st.decimals(allow_nan=False)
)
_cells = st.builds(CellValue, _values, _opt_text, st.booleans())
_rows = st.builds(Row, st.integers(1, 10**6), st.dictionaries(_text, _cells, max_size=4))
_tables = st.builds(
    Table,
    _text,
    st.integers(1, 100),
    st.dictionaries(_text, _text, max_size=3),
    st.dictionaries(_text, _text, max_size=3),
    st.lists(_rows, max_size=3).map(tuple),
)
_workbooks = st.builds(
    Workbook, _opt_text, st.dictionaries(_text, _cells, max_size=3), st.dictionaries(_text, _tables, max_size=2)
)
_issues = st.builds(Issue, st.sampled_from(Severity), _text, _text, _text, _opt_text, _opt_text, _opt_text, _opt_text)
_files = st.builds(
    InputFile,
    st.from_regex(r"\A/[a-z0-9/ ._-]{0,20}[a-z0-9]\Z").map(Path),
    _text,
    _text,
    st.sampled_from(Kind),
    _opt_text,
)
submissions = st.builds(
    Submission,
    _files,
    st.sampled_from(Kind),
    _opt_text,
    _opt_text,
    st.none() | st.dates(),
    st.sampled_from(Status),
    _opt_text,
    st.lists(_issues, max_size=3).map(tuple),
    st.none() | _workbooks,
)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(submissions)
def test_any_submission_comes_back_equal(sub: Submission) -> None:
    """Whatever reading can produce (any text, number, date, time, duration or decimal in any cell, any issues)
    comes back from the cache equal to what was stored."""
    assert stored(sub) == sub


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=12,
)


def _paths(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside ``data`` (keys of objects, indices of lists)."""
    inner = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    return [at, *(path for key, value in inner for path in _paths(value, (*at, key)))]


def _put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _put(data[path[0]], path[1:], value)
    return copy


@settings(max_examples=examples(150), deadline=None)
@given(st.data(), _json)
def test_stored_data_changed_anywhere_is_a_miss_or_a_submission_never_an_error(data: st.DataObject, junk: Any) -> None:
    """Any part of a stored reading replaced by any JSON value decodes to a submission or to nothing (a cache miss,
    the file is read again), and never raises."""
    entry = json.loads(json.dumps(encoded(_with_cells("x", 1, date(2025, 1, 2), Decimal("1.5")))))
    where = data.draw(st.sampled_from(_paths(entry)))
    back = decoded(_put(entry, where, junk))
    assert back is None or isinstance(back, Submission)
