"""The change report of a run (``changes.json``, ``changes.md``) against the previous complete run.

It tells the secretariat and the auditors what moved since the last complete run: the input files added,
changed (by sha256) or removed, and for each ward every score, rank, classification or nomination that
moved, down to the score lines (criteria, T, D, DM) that caused it. It works on plain data read from the
two run folders (``manifest.json``, ``ranking.csv``, ``scores.csv``), so a run can be compared with any
earlier one. ``load_snapshot`` and ``read_csv_rows`` are the only functions that read files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypedDict

RANKING_FIELDS = ("status", "rank", "base", "bonus", "deductions", "total", "classification", "nomination")
"""Columns of ``ranking.csv`` whose change is reported, in the order they are reported."""


@dataclass(frozen=True)
class RunSnapshot:
    """What the change report needs from a run folder, as read from its files."""

    run_id: str
    inputs: dict[str, str]  # path under inputs/<year>/ -> sha256
    ranking: list[dict[str, str]]  # rows of ranking.csv, in file order
    scores: list[dict[str, str]]  # rows of scores.csv, in file order


class ChangedInput(TypedDict):
    path: str
    old: str
    new: str


class InputChanges(TypedDict):
    added: list[str]
    changed: list[ChangedInput]
    removed: list[str]


class FieldChange(TypedDict):
    field: str
    old: str | None
    new: str | None


class Cause(TypedDict):
    code: str
    old_points: str | None
    new_points: str | None
    old_source: str | None
    new_source: str | None
    file: str | None


class WardChanges(TypedDict):
    ward_code: str
    ward_name: str
    changes: list[FieldChange]
    causes: list[Cause]


class Changes(TypedDict):
    previous_run: str | None
    current_run: str
    inputs: InputChanges
    wards: list[WardChanges]


def load_snapshot(run_dir: Path) -> RunSnapshot | None:
    """Read a run folder's ``manifest.json``, ``ranking.csv`` and ``scores.csv``.

    Returns None when the folder has no ``manifest.json`` (no run, or not a complete one). A missing
    ``ranking.csv`` or ``scores.csv`` (a monthly run has neither) reads as no rows. Raises ``ValueError``
    naming the file when the manifest is not JSON or lacks ``run_id`` or an input's ``path``/``sha256``.
    """
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        run_id = str(manifest["run_id"])
        inputs = {str(item["path"]): str(item["sha256"]) for item in manifest.get("inputs", [])}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{manifest_path}: not a run manifest ({exc!r})") from exc
    return RunSnapshot(run_id, inputs, read_csv_rows(run_dir / "ranking.csv"), read_csv_rows(run_dir / "scores.csv"))


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a run's CSV table as dicts by column name; none when the file is absent."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8-sig")
    return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]


def diff_runs(prev: RunSnapshot | None, cur: RunSnapshot) -> Changes:
    """The changes of ``cur`` against ``prev``, JSON-ready (``changes.json``).

    Inputs are sorted by path. Wards come in the order of the current ``ranking.csv``, then wards found only
    in the previous one; only wards with a moved field or a moved score line are listed. ``changes`` holds
    each ``ranking.csv`` field that moved (numbers compared as decimals, empty cells as None); ``causes``
    holds each score line whose points or source moved, in the order of the current ``scores.csv``, with
    the file it now comes from. A ward scored in only one of the runs has no causes: its status change
    explains it. Without a previous run nothing is compared: no inputs and no wards are listed.
    """
    if prev is None:
        empty = InputChanges(added=[], changed=[], removed=[])
        return Changes(previous_run=None, current_run=cur.run_id, inputs=empty, wards=[])
    return Changes(
        previous_run=prev.run_id,
        current_run=cur.run_id,
        inputs=_input_changes(prev.inputs, cur.inputs),
        wards=_ward_changes(prev, cur),
    )


def _input_changes(old: Mapping[str, str], new: Mapping[str, str]) -> InputChanges:
    return InputChanges(
        added=sorted(set(new) - set(old)),
        changed=[ChangedInput(path=p, old=old[p], new=new[p]) for p in sorted(set(old) & set(new)) if old[p] != new[p]],
        removed=sorted(set(old) - set(new)),
    )


def _ward_changes(prev: RunSnapshot, cur: RunSnapshot) -> list[WardChanges]:
    old_rows = {row["ward_code"]: row for row in prev.ranking}
    new_rows = {row["ward_code"]: row for row in cur.ranking}
    old_lines, new_lines = _lines_by_ward(prev.scores), _lines_by_ward(cur.scores)
    out = []
    for code in [*new_rows, *(c for c in old_rows if c not in new_rows)]:
        old, new = old_rows.get(code), new_rows.get(code)
        changes = [
            FieldChange(field=f, old=_get(old, f), new=_get(new, f))
            for f in RANKING_FIELDS
            if not _same(_get(old, f), _get(new, f))
        ]
        causes = _causes(old_lines.get(code, {}), new_lines.get(code, {}))
        if changes or causes:
            name = _get(new, "ward_name") or _get(old, "ward_name") or code
            out.append(WardChanges(ward_code=code, ward_name=name, changes=changes, causes=causes))
    return out


def _lines_by_ward(scores: Sequence[Mapping[str, str]]) -> dict[str, dict[str, Mapping[str, str]]]:
    """ward code -> score line code -> row, both in file order."""
    out: dict[str, dict[str, Mapping[str, str]]] = {}
    for row in scores:
        out.setdefault(row["ward_code"], {})[row["code"]] = row
    return out


def _causes(old: Mapping[str, Mapping[str, str]], new: Mapping[str, Mapping[str, str]]) -> list[Cause]:
    """Score lines whose points or source moved; none when the ward is scored in only one run."""
    if not old or not new:
        return []
    out = []
    for code in [*new, *(c for c in old if c not in new)]:
        a, b = old.get(code), new.get(code)
        if _same(_get(a, "points"), _get(b, "points")) and _get(a, "source") == _get(b, "source"):
            continue
        out.append(
            Cause(
                code=code,
                old_points=_get(a, "points"),
                new_points=_get(b, "points"),
                old_source=_get(a, "source"),
                new_source=_get(b, "source"),
                file=_get(b, "file") if b is not None else _get(a, "file"),
            )
        )
    return out


def _get(row: Mapping[str, str] | None, key: str) -> str | None:
    """A cell of a CSV row; an empty cell, a missing column or a missing row is None."""
    value = (row.get(key) or "").strip() if row is not None else ""
    return value or None


def _same(a: str | None, b: str | None) -> bool:
    """Equal cells; numbers are compared as decimals, so ``95.5`` and ``95.50`` are the same."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


# --- changes.md ----------------------------------------------------------------------------------

FIELD_TEXT = {
    "status": "trạng thái",
    "rank": "xếp hạng",
    "base": "điểm các tiêu chí",
    "bonus": "điểm thưởng",
    "deductions": "điểm trừ",
    "total": "tổng điểm",
    "classification": "xếp loại",
    "nomination": "đề nghị khen thưởng",
}
STATUS_TEXT = {"scored": "đã chấm điểm", "rejected": "bị từ chối", "missing": "chưa nộp"}
NOMINATION_TEXT = {
    "flag": "Cờ thi đua",
    "flag-proposed": "đề nghị tặng Cờ thi đua",
    "flag-candidate": "ứng viên Cờ thi đua",
    "merit": "Bằng khen",
}
SOURCE_TEXT = {"self": "tự chấm", "appraisal": "thẩm định", "indicator": "chỉ tiêu tháng", "computed": "tính tự động"}
_NONE_TEXT = {"rank": "chưa xếp hạng", "classification": "chưa xếp loại", "nomination": "không"}
_NUMBER_FIELDS = frozenset({"base", "bonus", "deductions", "total"})
_HASH_SHOWN = 12  # hex digits of a sha256 shown to people; changes.json has the full hashes


def render_changes_md(changes: Changes) -> str:
    """``changes.md``: the change report in Vietnamese for the secretariat (Markdown, ends with a newline).

    It names both runs, lists the input files added, changed or removed, then one line per ward with what
    moved and, in brackets, the criteria (or T/D/DM items) that caused it and the file they now come from,
    e.g. ``Phường Sa Pa: tổng điểm 95,50 → 96,00 (tiêu chí 2.1: 7,92 → 8,00, nguồn: tệp `monthly/…`)``.
    A first run, and a run where nothing changed, say so.
    """
    lines = ["# Thay đổi so với lần chạy trước", ""]
    previous = changes["previous_run"]
    if previous is None:
        lines.append(
            f"Đây là lần chạy đầu tiên ({_code(changes['current_run'])}): chưa có lần chạy hoàn chỉnh nào "
            "trước đó để so sánh."
        )
        return "\n".join(lines) + "\n"
    lines += [f"Lần chạy {_code(changes['current_run'])} so với lần chạy hoàn chỉnh trước đó {_code(previous)}.", ""]
    inputs, wards = _input_lines(changes["inputs"]), [_ward_line(w) for w in changes["wards"]]
    if not inputs and not wards:
        lines.append(
            "Không có thay đổi nào: các tệp đầu vào giữ nguyên, không có điểm, thứ hạng, xếp loại hay đề nghị "
            "khen thưởng nào thay đổi."
        )
        return "\n".join(lines) + "\n"
    lines += [f"Có {len(inputs)} tệp đầu vào thay đổi và {len(wards)} phường có kết quả thay đổi.", ""]
    lines += ["## Tệp đầu vào", "", *(inputs or ["Không có tệp đầu vào nào được thêm, thay đổi hay gỡ bỏ."]), ""]
    lines += ["## Kết quả các phường", ""]
    lines += wards or ["Không có điểm, thứ hạng, xếp loại hay đề nghị khen thưởng nào thay đổi."]
    return "\n".join(lines) + "\n"


def _input_lines(inputs: InputChanges) -> list[str]:
    out = [f"- Tệp mới: {_code(p)}" for p in inputs["added"]]
    out += [
        f"- Tệp đã thay đổi nội dung: {_code(c['path'])} (SHA-256 {_code(c['old'][:_HASH_SHOWN] + '…')} → "
        f"{_code(c['new'][:_HASH_SHOWN] + '…')})"
        for c in inputs["changed"]
    ]
    out += [f"- Tệp đã gỡ bỏ: {_code(p)}" for p in inputs["removed"]]
    return out


def _ward_line(ward: WardChanges) -> str:
    """``- Phường X: <field> a → b; … (<cause>; …)``."""
    moved = "; ".join(
        f"{FIELD_TEXT.get(c['field'], c['field'])} {_field_value(c['field'], c['old'])} → "
        f"{_field_value(c['field'], c['new'])}"
        for c in ward["changes"]
    )
    moved = moved or "tổng điểm không đổi"
    causes = "; ".join(_cause_text(c) for c in ward["causes"])
    return f"- Phường {_md_text(ward['ward_name'])}: {moved}" + (f" ({causes})" if causes else "")


def _field_value(field: str, value: str | None) -> str:
    if value is None:
        return _NONE_TEXT.get(field, "không có")
    if field in _NUMBER_FIELDS:
        return _vn_number(value)
    if field == "status":
        return STATUS_TEXT.get(value, value)
    if field == "nomination":
        return NOMINATION_TEXT.get(value, value)
    return _md_text(value)


def _cause_text(cause: Cause) -> str:
    """``tiêu chí 2.1: 7,92 → 8,00, nguồn: tệp `monthly/…```; a changed source is shown as ``a → b``."""
    points = f"{_points(cause['old_points'])} → {_points(cause['new_points'])}"
    old_source, new_source = cause["old_source"], cause["new_source"]
    where = []
    if old_source != new_source:
        where.append(f"{_source(old_source)} → {_source(new_source)}")
    if cause["file"] is not None:
        where.append(f"tệp {_code(cause['file'])}")
    return f"{_item(cause['code'])}: {points}" + (f", nguồn: {', '.join(where)}" if where else "")


def _item(code: str) -> str:
    """How a score line is named: ``tiêu chí 2.1``, ``điểm thưởng T1``, ``điểm trừ D2``, ``điểm trừ DM``."""
    if code == "DM":
        return "điểm trừ DM (thiếu báo cáo tháng)"
    if re.fullmatch(r"T\d+", code):
        return f"điểm thưởng {code}"
    if re.fullmatch(r"D\d+", code):
        return f"điểm trừ {code}"
    return f"tiêu chí {_md_text(code)}"


def _points(value: str | None) -> str:
    return "không có" if value is None else _vn_number(value)


def _source(value: str | None) -> str:
    return "không có" if value is None else SOURCE_TEXT.get(value, value)


def _vn_number(value: str) -> str:
    """``95.50`` → ``95,50`` (decimal comma, as in Vietnamese text)."""
    return _md_text(value.replace(".", ","))


def _md_text(text: str) -> str:
    """Text shown as it is: Markdown's emphasis, link and HTML characters are escaped."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _code(text: str) -> str:
    """An inline code span for a path or id, fenced with more backticks than the text holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
