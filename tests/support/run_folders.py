"""A real review run folder of the 2025 sample, written without Prefect (test helper, no tests here)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tasks.config.year import document_moment, load_year
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.outputs.review_folder import write_review_folder
from tasks.outputs.run_folder import finish_run, start_run
from tasks.scoring.review import review
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all

SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "2025"


def write_review_run(root: Path, run_id: str = "20260115T080000123Z-3f9a") -> tuple[Path, Path]:
    """Copy the sample under ``root/inputs`` and write one complete review run under ``root/outputs``.

    Returns (inputs folder, run folder).
    """
    inputs = root / "inputs"
    shutil.copytree(SAMPLE, inputs / "2025", ignore=shutil.ignore_patterns("README*"))
    config = load_year(inputs, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    validator = Validator()
    checked = validate_all(subs, config.bloc, config.catalogue, validator, config.meeting)
    result = review(checked, config.bloc, config.catalogue, config.meeting.votes if config.meeting else None)
    work = start_run(root / "outputs" / "2025" / "review", run_id)
    moment = document_moment(config.meeting, result.submissions)
    parameters = {"year": 2025, "inputs": str(inputs), "outputs": str(root / "outputs"), "force": False}
    manifest = write_review_folder(work, run_id, config, result.submissions, result, validator, moment, parameters)
    return inputs, finish_run(work, manifest)
