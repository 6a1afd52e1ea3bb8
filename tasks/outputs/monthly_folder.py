"""Write every file of a monthly run folder (spec §5) and return its manifest (before output hashes)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path
from typing import Any

from tasks.config.year import YearConfig
from tasks.domain import Submission
from tasks.outputs.review_folder import base_manifest, write_changes, write_validation
from tasks.outputs.run_folder import write_bytes
from tasks.outputs.writes import StartedWrites, feedback_writes
from tasks.outputs.xlsx.standing import write_standing_xlsx
from tasks.scoring.review import WardFile
from tasks.scoring.standing import standing_columns, standing_csv
from tasks.validation.suites import Validator

log = logging.getLogger(__name__)


def write_monthly_folder(
    work: Path,
    run_id: str,
    config: YearConfig,
    period: str,
    subs: Sequence[Submission],
    rows: Sequence[Mapping[str, object]],
    validator: Validator,
    moment: datetime,
    parameters: dict[str, Any],
    executor: Executor | None = None,
    earlier: Sequence[Submission] = (),
) -> dict[str, Any]:
    """standing.csv and standing.xlsx from ``rows`` (scored by ``tasks.scoring.standing``: one per roster ward),
    validation/ from ``subs``; returns the manifest without the output hashes.

    The feedback files are handed to ``executor`` (the flow's choice; None: written here, in turn). ``earlier``:
    the window's earlier months, read only for the month-series warnings; the manifest lists them as inputs
    read for comparison, validation/ does not show them.
    """
    started = StartedWrites(work, feedback_writes(subs, moment, config.bloc.names), executor)
    write_bytes(work / "standing.csv", standing_csv(rows, standing_columns(config.catalogue)))
    write_bytes(work / "standing.xlsx", write_standing_xlsx(config.bloc, config.catalogue, period, rows, moment))
    wards = [WardFile(str(row["ward_code"]), str(row["status"])) for row in rows]
    write_validation(work, run_id, config, subs, wards, period, validator, started)
    manifest = base_manifest(run_id, config, subs, period, parameters, compared=earlier)
    write_changes(work, run_id, manifest["inputs"])
    log.info("wrote monthly folder %s", work)
    return manifest
