"""The auditors' read-only view of the run folders under ``outputs/``: what runs exist and what each holds.

Only reads. Every path a browser names is resolved (symbolic links followed) and must stay inside the outputs
folder, outside any hidden folder (``.cache``, lock files); anything else is treated as not found.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasks.outputs.run_folder import INCOMPLETE, LATEST

_YEAR_DIGITS = 4


@dataclass(frozen=True)
class RunSummary:
    """One run folder as the runs list shows it."""

    rel: str  # posix path under the outputs folder
    year: str
    bloc: str | None  # bloc code when the outputs hold several blocs
    bloc_name: str | None  # that bloc's name as the run's manifest.json recorded it (runs before it did: None)
    kind: str  # review | monthly
    period: str
    run_id: str
    started: datetime | None
    complete: bool
    latest: bool
    parameters: dict[str, Any]
    counts: dict[str, int]


def resolve_inside(root: Path, rel: str) -> Path | None:
    """The real path of ``rel`` under ``root`` when it stays inside ``root`` and crosses no hidden name."""
    if "\x00" in rel or "\\" in rel:
        return None
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if any(p.startswith(".") for p in parts):  # also refuses every ".." before resolving
        return None
    base = root.resolve()
    try:
        target = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target != base and not target.is_relative_to(base):
        return None
    if any(p.startswith(".") for p in target.relative_to(base).parts):
        return None
    return target


def started_at(run_id: str) -> datetime | None:
    """The moment encoded in a run id (``20260115T080000123Z-3f9a``), in UTC."""
    try:
        return datetime.strptime(run_id[:18], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return None


def _dirs(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not e.name.startswith(".") and e.is_dir()), key=lambda e: e.name)
    except OSError:
        return []


def _run_bases(year_dir: Path) -> list[tuple[Path, str | None, str, str]]:
    """(folder holding run folders, bloc, kind, period) for every review and monthly folder of a year."""
    bases: list[tuple[Path, str | None, str, str]] = []
    blocs: list[tuple[Path, str | None]] = [(year_dir, None)]
    blocs += [(Path(e.path), e.name) for e in _dirs(year_dir) if e.name not in ("review", "monthly", "templates")]
    for folder, bloc in blocs:
        if (folder / "review").is_dir():
            bases.append((folder / "review", bloc, "review", year_dir.name))
        bases += [(Path(m.path), bloc, "monthly", m.name) for m in _dirs(folder / "monthly")]
    return bases


def list_runs(outputs: Path) -> list[RunSummary]:
    """Every review and monthly run of every year under ``outputs``, newest first."""
    runs: list[RunSummary] = []
    years = [e for e in _dirs(outputs) if e.name.isdigit() and len(e.name) == _YEAR_DIGITS]
    for year in years:
        for base, bloc, kind, period in _run_bases(Path(year.path)):
            latest = os.path.realpath(base / LATEST) if (base / LATEST).is_symlink() else None
            for entry in _dirs(base):
                if entry.is_symlink():
                    continue
                summary = _summary(outputs, Path(entry.path), year.name, bloc, kind, period)
                runs.append(_with_latest(summary, latest == os.path.realpath(entry.path)))
    return sorted(runs, key=lambda r: (r.run_id, r.rel), reverse=True)


def _with_latest(summary: RunSummary, latest: bool) -> RunSummary:
    return summary if summary.latest == latest else RunSummary(**{**summary.__dict__, "latest": latest})


def _summary(outputs: Path, folder: Path, year: str, bloc: str | None, kind: str, period: str) -> RunSummary:
    complete = not folder.name.endswith(INCOMPLETE) and (folder / "manifest.json").is_file()
    run_id = folder.name.removesuffix(INCOMPLETE)
    manifest = read_json(folder / "manifest.json") if complete else {}
    name = manifest.get("bloc_name")  # as the run wrote it: bloc.yaml may have changed since
    return RunSummary(
        rel=folder.relative_to(outputs).as_posix(),
        year=year,
        bloc=bloc,
        bloc_name=name if bloc and isinstance(name, str) and name.strip() else None,
        kind=kind,
        period=period,
        run_id=run_id,
        started=started_at(run_id),
        complete=complete,
        latest=False,
        parameters=dict(manifest.get("parameters") or {}),
        counts=submission_counts(read_json(folder / "validation" / "summary.json")),
    )


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; empty when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def submission_counts(summary: dict[str, Any]) -> dict[str, int]:
    """Submissions by status and wards missing, from a run's ``validation/summary.json``."""
    subs = summary.get("submissions") or []
    counts = {s: sum(1 for x in subs if x.get("status") == s) for s in ("accepted", "rejected", "superseded")}
    counts["files"] = len(subs)
    counts["missing"] = sum(1 for w in summary.get("wards") or [] if w.get("status") == "missing")
    return counts


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """A run's CSV table (``ranking.csv``, ``standing.csv``): header and rows; empty when absent."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return [], []
    return (rows[0], rows[1:]) if rows else ([], [])


def run_files(run_dir: Path) -> list[tuple[str, int]]:
    """Every file of a run folder (path relative to it, size), in path order; symbolic links left out."""
    found = []
    for dirpath, dirnames, filenames in os.walk(run_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not path.is_symlink() and not name.startswith("."):
                found.append((path.relative_to(run_dir).as_posix(), path.stat().st_size))
    return sorted(found)
