"""Fuzzing the intake: whatever a ward sends, it ends accepted or rejected with a message, never a crash.

A case is Sa Pa's self-assessment or December report (written from scratch) with a list of mutations applied:
cells set to random values and types, random text in number cells, sheets swapped, deleted or renamed, headers
shifted down, random Unicode in labels and codes, rows deleted or doubled, formulas with or without results;
then, on the bytes, truncation, flipped bytes and dropped or garbled parts. Mutations are plain data (tuples)
so Hypothesis can shrink them and ``tests/tasks/intake/fuzz_intake.py`` can draw thousands from a seed.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.config.year import YearConfig, load_year
from tasks.domain import Bloc, Catalogue, Kind, Severity, Status, Submission
from tasks.intake.read import open_submission
from tasks.outputs.csv_json import submission_json
from tasks.validation.reports import annual_report, monthly_report
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_rows
from tests.support.examples import examples
from tests.support.office_files import SAMPLE, Book, Grid, book_bytes, input_file, sapa_annual, sapa_december
from tests.support.wording import has_diacritics

Op = tuple[Any, ...]
PERIOD = "2025-12"
TRICKY = [
    "tốt", "x", "4,5", "4.5", "1.1.", "7,25", "-0", "1e5", " ", "=1+1", "Tổng cộng", "I", "T1", "DM", "CT02",
    "101%", "97,5%", "1 250,5", "Sa Pa", "Phường Sa Pa", "Tháng 12/2025", "2025", "NaN", "inf", "∞", "١٢",
    "Mã tiêu chí", "Điểm tự chấm", "Lũy kế từ đầu năm", "\u00a0", "'", "0x10", "1/2", "12/2025",
]  # fmt: skip


@cache
def _base(kind: Kind) -> Book:
    return sapa_annual() if kind is Kind.ANNUAL else sapa_december()


def base_book(kind: Kind) -> Book:
    """A fresh copy of the canonical Sa Pa book of ``kind``."""
    return copy.deepcopy(_base(kind))


# --- Applying mutations -------------------------------------------------------------------------------


def _cell_op(book: Book, op: Op) -> None:
    name, s, r, c, *rest = op
    if not book.sheets:
        return
    grid = book.sheets[s % len(book.sheets)]
    height, width = max(len(grid.rows), 1), max((len(row) for row in grid.rows), default=1) or 1
    r, c = r % (height + 2), c % (width + 1)
    if name == "set":
        grid.set(r, c, rest[0])
    elif name == "header":
        grid.set(0, c, rest[0])
    elif name == "code":
        grid.set(r, 0, rest[0])
    elif name == "number_text":
        grid.set(r, max(width - 3, 0) if width > 3 else width - 1, rest[0])
    elif name == "formula":
        grid.formulas[(r, c)] = ("1+1", rest[0])
    elif name == "percent":
        grid.formats[(r, c)] = "0.0%"


def _sheet_op(book: Book, op: Op) -> None:
    name, *args = op
    n = len(book.sheets)
    if n == 0:
        return
    if name == "swap":
        i, j = args[0] % n, args[1] % n
        book.sheets[i], book.sheets[j] = book.sheets[j], book.sheets[i]
    elif name == "delete_sheet":
        del book.sheets[args[0] % n]
    elif name == "rename_sheet":
        book.sheets[args[0] % n].name = args[1]
    elif name == "shift_down":
        for _ in range(args[1] % 45):
            book.sheets[args[0] % n].insert_row(0)
    elif name in ("delete_row", "duplicate_row"):
        grid = book.sheets[args[0] % n]
        if grid.rows:
            r = args[1] % len(grid.rows)
            if name == "delete_row":
                del grid.rows[r]
            else:
                grid.rows.insert(r, list(grid.rows[r]))


GRID_OPS = {"set", "header", "code", "number_text", "formula", "percent"}
SHEET_OPS = {"swap", "delete_sheet", "rename_sheet", "shift_down", "delete_row", "duplicate_row"}
BYTE_OPS = {"truncate", "flip", "drop_part", "garble_part"}


def _bytes_op(data: bytes, op: Op) -> bytes:
    name, *args = op
    if name == "truncate":
        return data[: int(len(data) * args[0])]
    if name == "flip":
        at = int((len(data) - 1) * args[0])
        return data[:at] + bytes([args[1]]) + data[at + 1 :]
    try:
        return _part_op(data, name, args)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, zlib.error, NotImplementedError, RuntimeError):
        return data  # an earlier mutation already broke the zip: nothing left to drop or garble


def _part_op(data: bytes, name: str, args: list[Any]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        items = zin.infolist()
        victim = items[args[0] % len(items)].filename
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in items:
                part = zin.read(item.filename)
                if item.filename == victim and name == "drop_part":
                    continue
                if item.filename == victim:
                    cut = int(len(part) * args[1])
                    part = part[:cut] + args[2] + part[cut:]
                zout.writestr(item, part)
    return out.getvalue()


def build_case(kind: Kind, ops: Sequence[Op]) -> bytes:
    """The workbook bytes of the canonical book of ``kind`` after ``ops``."""
    book = base_book(kind)
    for op in ops:
        if op[0] in GRID_OPS:
            _cell_op(book, op)
        elif op[0] in SHEET_OPS:
            _sheet_op(book, op)
    if not book.sheets:
        book.sheets.append(Grid("Sheet1", []))  # Excel cannot save a workbook without a sheet
    data = book_bytes(book)
    for op in ops:
        if op[0] in BYTE_OPS:
            data = _bytes_op(data, op)
    return data


# --- What every outcome must satisfy ------------------------------------------------------------------


def _strict_json(sub: Submission) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"summary.json would hold {constant}")

    json.loads(json.dumps(submission_json(sub), ensure_ascii=False), parse_constant=refuse)


def outcome_problems(sub: Submission, catalogue: Catalogue) -> list[str]:
    """Everything wrong with how the intake ended for one case (empty when it is fine)."""
    problems = []
    errors = [i for i in sub.issues if i.severity is Severity.ERROR]
    if sub.status is Status.REJECTED and not errors:
        problems.append("rejected without an error issue")
    if sub.status is Status.ACCEPTED and errors:
        problems.append("accepted with errors")
    for issue in sub.issues:
        if issue.rule == "unreadable":
            problems.append(f"unexpected exception while reading: {issue.message}")
        for text in (issue.message, issue.hint):
            if not text.strip() or not unicodedata.is_normalized("NFC", text) or not has_diacritics(text):
                problems.append(f"{issue.rule}: not a Vietnamese text: {text!r}")
        for value in (issue.sheet, issue.cell, issue.column, issue.value):
            if value is not None and not isinstance(value, str):
                problems.append(f"{issue.rule}: non-text field {value!r}")
    try:
        _strict_json(sub)
        if sub.status is Status.ACCEPTED and sub.kind is Kind.ANNUAL and sub.ward_code:
            annual_report(sub, catalogue)
        if sub.status is Status.ACCEPTED and sub.kind is Kind.MONTHLY and sub.ward_code:
            monthly_report(sub, catalogue)
    except Exception as exc:  # the report must never fail on an accepted submission
        problems.append(f"{type(exc).__name__}: {exc}")
    return problems


def run_cases(
    cases: Sequence[tuple[Kind, bytes]], folder: Path, bloc: Bloc, catalogue: Catalogue, validator: Validator
) -> list[Submission]:
    """Write each case to ``folder``, open it and validate them all in one bulk run (one GX context)."""
    subs = []
    for n, (kind, data) in enumerate(cases):
        path = folder / f"case-{n}.xlsx"
        path.write_bytes(data)
        subs.append(open_submission(input_file(path, kind), bloc, catalogue, PERIOD if kind is Kind.MONTHLY else None))
    return validate_rows(subs, bloc, catalogue, validator)


# --- Random mutations (for the benchmark) and Hypothesis strategies ---------------------------------------


def random_value(rng: random.Random) -> object:
    """A random cell value of a random type."""
    pick = rng.randrange(8)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice(TRICKY)
    if pick == 2:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0xC0, 0x1FFF), rng.randrange(0x300, 0x370)]))
            for _ in range(rng.randrange(12))
        )
    if pick == 3:
        return rng.uniform(-1000, 10000)
    if pick == 4:
        return rng.randrange(-100, 5000)
    if pick == 5:
        return rng.choice([True, False])
    if pick == 6:
        return date(rng.randrange(1900, 2100), rng.randrange(1, 13), rng.randrange(1, 29))
    return round(rng.uniform(0, 10), rng.randrange(5))


def random_ops(rng: random.Random) -> list[Op]:
    """One to six mutations drawn from ``rng``."""
    ops: list[Op] = []
    for _ in range(rng.randrange(1, 7)):
        family = rng.choices([GRID_OPS, SHEET_OPS, BYTE_OPS], weights=[75, 20, 5])[0]
        name = rng.choice(sorted(family))
        r, c, s = rng.randrange(60), rng.randrange(12), rng.randrange(5)
        if name in ("set", "header", "code", "number_text"):
            ops.append((name, s, r, c, random_value(rng)))
        elif name == "formula":
            ops.append((name, s, r, c, rng.choice([None, 2.0, "hai"])))
        elif name == "percent":
            ops.append((name, s, r, c))
        elif name in SHEET_OPS:
            ops.append((name, s, rng.choice([r, c, "".join(rng.choice("Tự chấm điểm ABC") for _ in range(8))])))
        elif name == "truncate":
            ops.append((name, rng.random()))
        elif name == "flip":
            ops.append((name, rng.random(), rng.randrange(256)))
        else:
            ops.append(
                (name, rng.randrange(20), rng.random(), bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16))))
            )
    return ops


def _rename_arg(op: Op) -> Op:
    if op[0] == "rename_sheet" and not isinstance(op[2], str):
        return (op[0], op[1], str(op[2]))
    if op[0] in ("swap", "shift_down", "delete_row", "duplicate_row") and isinstance(op[2], str):
        return (op[0], op[1], len(op[2]))
    return op


def random_case(seed: int) -> tuple[Kind, list[Op]]:
    """The case drawn from ``seed`` (reproducible: the benchmark prints the seed of any crash)."""
    rng = random.Random(seed)
    kind = rng.choice([Kind.ANNUAL, Kind.MONTHLY])
    return kind, [_rename_arg(op) for op in random_ops(rng)]


values = st.one_of(
    st.none(),
    st.sampled_from(TRICKY),
    st.text(max_size=40),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
)
small = st.integers(0, 80)
ops_strategy = st.one_of(
    st.tuples(st.sampled_from(["set", "header", "code", "number_text"]), small, small, small, values),
    st.tuples(st.just("formula"), small, small, small, st.sampled_from([None, 2.0, "hai", True])),
    st.tuples(st.just("percent"), small, small, small),
    st.tuples(st.sampled_from(["swap", "shift_down", "delete_row", "duplicate_row"]), small, small),
    st.tuples(st.just("delete_sheet"), small),
    st.tuples(st.just("rename_sheet"), small, st.text(max_size=40)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("drop_part"), small),
    st.tuples(st.just("garble_part"), small, st.floats(0, 1), st.binary(min_size=1, max_size=24)),
)
cases_strategy = st.lists(
    st.tuples(st.sampled_from([Kind.ANNUAL, Kind.MONTHLY]), st.lists(ops_strategy, min_size=1, max_size=6)),
    min_size=1,
    max_size=4,
)


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


EXAMPLES = int(os.environ.get("THIDUA_FUZZ_EXAMPLES") or examples(60))  # raise it for a deeper run than CI's


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=cases_strategy)
def test_any_mutation_ends_accepted_or_rejected_with_a_message(
    cases: list[tuple[Kind, list[Op]]], tmp_path: Path, config: YearConfig, validator: Validator
) -> None:
    """Every mutated file is accepted, or rejected with Vietnamese messages and hints; nothing raises."""
    built = [(kind, build_case(kind, ops)) for kind, ops in cases]
    subs = run_cases(built, tmp_path, config.bloc, config.catalogue, validator)
    for sub, case in zip(subs, cases, strict=True):
        assert outcome_problems(sub, config.catalogue) == [], case


def test_the_seeded_cases_of_the_benchmark_run(tmp_path: Path, config: YearConfig, validator: Validator) -> None:
    """The benchmark's first 40 seeds, in one bulk run, as ``tests/tasks/intake/fuzz_intake.py`` runs them."""
    cases = [random_case(seed) for seed in range(40)]
    subs = run_cases([(k, build_case(k, ops)) for k, ops in cases], tmp_path, config.bloc, config.catalogue, validator)
    assert {seed: p for seed, sub in enumerate(subs) if (p := outcome_problems(sub, config.catalogue))} == {}
    assert {s.status for s in subs} == {Status.ACCEPTED, Status.REJECTED}
