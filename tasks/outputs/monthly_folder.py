"""Write every file of a monthly run folder (spec §5) and return its manifest (before output hashes)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path
from typing import Any

from tasks.config.year import YearConfig
from tasks.domain import MonthlyReport, Status, Submission
from tasks.outputs.review_folder import base_manifest, write_changes, write_validation
from tasks.outputs.run_folder import write_bytes
from tasks.outputs.writes import StartedWrites, feedback_writes
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tasks.scoring.review import WardFile
from tasks.scoring.standing import standing_columns, standing_csv, standing_rows
from tasks.validation.reports import monthly_report
from tasks.validation.suites import Validator

log = logging.getLogger(__name__)


def month_statuses(
    config: YearConfig, subs: Sequence[Submission]
) -> tuple[dict[str, tuple[str, int]], dict[str, MonthlyReport]]:
    """Per ward: (accepted|rejected|missing, number of issues) and the accepted report."""
    statuses: dict[str, tuple[str, int]] = {}
    reports: dict[str, MonthlyReport] = {}
    by_ward: dict[str | None, list[Submission]] = {}
    for sub in subs:  # grouped once: a scan of every submission per ward is quadratic in the bloc's size
        by_ward.setdefault(sub.ward_code, []).append(sub)
    for ward in config.bloc.members:
        own = by_ward.get(ward.code, [])
        accepted = next((s for s in own if s.status is Status.ACCEPTED), None)
        issues = sum(len(s.issues) for s in own)
        if accepted is not None:
            reports[ward.code] = monthly_report(accepted, config.catalogue)
            statuses[ward.code] = ("accepted", issues)
        else:
            statuses[ward.code] = ("rejected" if own else "missing", issues)
    return statuses, reports


def write_monthly_folder(
    work: Path,
    run_id: str,
    config: YearConfig,
    period: str,
    subs: Sequence[Submission],
    validator: Validator,
    moment: datetime,
    parameters: dict[str, Any],
    executor: Executor | None = None,
    earlier: Sequence[Submission] = (),
) -> dict[str, Any]:
    """standing.csv, standing.xlsx and validation/; returns the manifest without the output hashes.

    The feedback files are handed to ``executor`` (the flow's choice; None: written here, in turn). ``earlier``:
    the window's earlier months, read only for the month-series warnings; the manifest lists them as inputs
    read for comparison, validation/ does not show them.
    """
    started = StartedWrites(work, feedback_writes(subs, moment, config.bloc.names), executor)
    statuses, reports = month_statuses(config, subs)
    rows = standing_rows(config.bloc, config.catalogue, period, statuses, reports)
    write_bytes(work / "standing.csv", standing_csv(rows, standing_columns(config.catalogue)))
    write_bytes(work / "standing.xlsx", write_standing_xlsx(config.bloc, config.catalogue, period, rows, moment))
    wards = [WardFile(code, status) for code, (status, _) in statuses.items()]
    write_validation(work, run_id, config, subs, wards, period, validator, started)
    manifest = base_manifest(run_id, config, subs, period, parameters, compared=earlier)
    write_changes(work, run_id, manifest["inputs"])
    log.info("wrote monthly folder %s", work)
    return manifest
