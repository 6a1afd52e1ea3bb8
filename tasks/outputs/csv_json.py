"""Render the machine-readable outputs (ranking.csv, scores.csv, validation/summary.json) to bytes.

CSV files are UTF-8 without BOM, LF line endings, numbers with a dot; text that came from a ward cannot
start a formula. Nothing here touches the disk.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from tasks.domain import Bloc, ConfigWarning, Issue, Ranking, Submission, WardScore
from tasks.outputs.safe_text import NEEDS_CHECK, safe_text
from tasks.scoring.review import WardFile

RANKING_COLUMNS = [
    "rank",
    "ward_code",
    "ward_name",
    "status",
    "base",
    "bonus",
    "deductions",
    "total",
    "classification",
    "nomination",
]
SCORES_COLUMNS = ["ward_code", "code", "value", "points", "source", "file", "sha256", "month", "ytd"]


_CENT = Decimal("0.01")


def two_dp(value: Decimal | None) -> str:
    """``95.5`` → ``"95.50"``; None → empty."""
    return "" if value is None else str(value.quantize(_CENT))


def plain(value: Decimal | None) -> str:
    """A decimal without exponent or trailing zeros (``78.70`` → ``78.7``)."""
    return "" if value is None else format(value.normalize(), "f")


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV with a header, LF endings, every text cell neutralised against formulas."""
    # most cells are plain text that safe_text would return as is: check those inline (~300,000 cells)
    safe = [[v if type(v) is str and v and v[0] not in NEEDS_CHECK else safe_text(v) for v in row] for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(safe)
    text = buffer.getvalue()
    if "\r" in text:
        text = _quoting_carriage_returns(columns, safe)
    return text.encode("utf-8")


def _quoting_carriage_returns(columns: Sequence[str], rows: list[list[str]]) -> str:
    """The CSV with every row that holds a carriage return fully quoted.

    The csv module quotes a field holding the line terminator (``\\n``) but not one holding ``\\r``, which
    spreadsheet programs also read as a line break: unquoted, the rest of the cell would become a row of its
    own, where ``=…`` is a formula again.
    """
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(columns)
    for row in rows:
        (quoted if any("\r" in v for v in row) else plain).writerow(row)
    return buffer.getvalue()


def ranking_csv(ranking: Ranking) -> bytes:
    """``ranking.csv`` exactly as spec §5: one row per roster ward, ranked rows first."""
    rows = []
    for row in ranking.rows:
        s = row.score
        rows.append(
            [
                row.rank if row.rank is not None else "",
                row.ward.code,
                row.ward.name,
                row.status.value,
                two_dp(s.base) if s else "",
                two_dp(s.bonus) if s else "",
                two_dp(s.deductions) if s else "",
                two_dp(s.total) if s else "",
                s.classification if s else "",
                row.nomination.value if row.nomination else "",
            ]
        )
    return csv_bytes(RANKING_COLUMNS, rows)


def scores_csv(scores: Sequence[WardScore]) -> bytes:
    """``scores.csv``: one row per ward and criterion / T / D / DM line — where every point came from."""
    rows = []
    for score in scores:
        for line in score.lines:
            is_count = line.code[:1] in {"T", "D"}  # bonus and deduction counts, and months without a report (DM)
            rows.append(
                [
                    line.ward_code,
                    line.code,
                    plain(line.value) if is_count else two_dp(line.value),
                    two_dp(line.points),
                    line.source.value,
                    line.file or "",
                    line.sha256 or "",
                    line.month or "",
                    plain(line.ytd),
                ]
            )
    return csv_bytes(SCORES_COLUMNS, rows)


def issue_json(issue: Issue) -> dict[str, Any]:
    """One issue as summary.json writes it."""
    return {
        "severity": issue.severity.value,
        "rule": issue.rule,
        "sheet": issue.sheet,
        "cell": issue.cell,
        "column": issue.column,
        "value": issue.value,
        "message": issue.message,
        "hint": issue.hint,
    }


def submission_json(sub: Submission) -> dict[str, Any]:
    """One submission as summary.json writes it."""
    out: dict[str, Any] = {
        "file": sub.file.rel,
        "sha256": sub.file.sha256,
        "kind": sub.kind.value,
        "period": sub.period,
        "ward_code": sub.ward_code,
        "status": sub.status.value,
    }
    if sub.superseded_by:
        out["superseded_by"] = sub.superseded_by
    out["issues"] = [issue_json(i) for i in sub.issues]
    return out


def configuration_warning_json(warning: ConfigWarning) -> dict[str, Any]:
    """One configuration warning as summary.json writes it."""
    return {
        "file": warning.file,
        "key": warning.key,
        "severity": "warning",
        "rule": warning.rule,
        "wards": list(warning.wards),
        "message": warning.message,
        "hint": warning.hint,
    }


def summary_json(
    run_id: str,
    year: int,
    period: str,
    subs: Sequence[Submission],
    wards: Sequence[WardFile],
    bloc: Bloc,
    configuration: Sequence[ConfigWarning] | None = None,
) -> bytes:
    """``validation/summary.json`` in the shape of spec §5.

    ``configuration``: what the run set aside in its configuration files (a review: ``meeting.yaml``), written
    as ``configuration_warnings``; None (a month, which reads no meeting) leaves the key out.
    """
    doc = {
        "run_id": run_id,
        "year": year,
        "period": period,
        "bloc": bloc.code,
        "submissions": [submission_json(s) for s in subs],
        "wards": [
            {
                "ward_code": w.ward_code,
                "ward_name": bloc.ward(w.ward_code).name,
                "status": w.annual,
                "missing_months": list(w.missing_months),
                "issues": [issue_json(i) for i in w.issues],
            }
            for w in wards
        ],
    }
    if configuration is not None:
        doc["configuration_warnings"] = [configuration_warning_json(w) for w in configuration]
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
