"""``thidua check``: validate single files against the year's rules without a review run.

The same reading, identification and expectation suites as the flows (one set of rules): a file's kind is
recognised from its sheets, its year from ``Năm`` or ``Kỳ báo cáo`` unless given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tasks.domain import InputFile, Kind, Severity, Submission
from tasks.intake.identify import parse_period, parse_year
from tasks.intake.layout import INFO_SHEET, TABLES, key
from tasks.intake.tables import read_info
from tasks.intake.workbook import WorkbookError, read_workbook


@dataclass(frozen=True)
class Detected:
    """What a file says it is."""

    kind: Kind
    year: int | None
    period: str | None


def detect(path: Path) -> Detected:
    """The kind of a workbook from its sheet names, and the year / period written inside it."""
    try:
        sheets = read_workbook(path)
    except WorkbookError:
        return Detected(Kind.UNKNOWN, None, None)
    names = {key(s.name) for s in sheets}
    kind = next(
        (k for k, layouts in TABLES.items() if all(key(lay.sheet) in names for lay in layouts)),
        Kind.UNKNOWN,
    )
    info_sheet = next((s for s in sheets if key(s.name) == key(INFO_SHEET)), None)
    info = read_info(info_sheet) if info_sheet else {}
    period = parse_period(info["period"].value) if "period" in info else None
    year = parse_year(info["year"].value) if "year" in info else None
    if kind is Kind.MONTHLY and period:
        year = int(period[:4])
    return Detected(kind, year, period)


def latest_year(inputs: Path) -> int | None:
    """The newest ``inputs/<year>/`` holding a bloc.yaml: the rules used for a file that names no year."""
    years = [int(p.name) for p in inputs.glob("[0-9][0-9][0-9][0-9]") if (p / "bloc.yaml").is_file()]
    return max(years, default=None)


def input_file(path: Path, kind: Kind) -> InputFile:
    """An InputFile for a file outside the inputs tree (its path is shown as given)."""
    if kind is Kind.UNKNOWN and path.suffix.lower() in {".xlsx", ".xlsm"}:
        kind = Kind.ANNUAL  # report the missing sheets of the most common kind
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return InputFile(path=path, rel=path.name, sha256=digest, kind=kind)


def format_issues(sub: Submission) -> list[str]:
    """Human-readable lines, in Vietnamese, one per issue."""
    lines = []
    for issue in sub.issues:
        where = " – ".join(x for x in (issue.sheet and f"trang '{issue.sheet}'", issue.cell and f"ô {issue.cell}") if x)
        level = "LỖI" if issue.severity is Severity.ERROR else "Cảnh báo"
        lines.append(f"  [{level}] {where + ': ' if where else ''}{issue.message}")
        lines.append(f"      → {issue.hint}")
    return lines
