"""Write every file of an annual review folder (spec §5) and return its manifest (before output hashes)."""

from __future__ import annotations

import csv
import json
import logging
import subprocess
from collections.abc import Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tasks.changes import RunSnapshot, diff_runs, load_snapshot, render_changes_md
from tasks.datadocs import build_data_docs
from tasks.documents import render_minutes, render_ranking_docx
from tasks.domain import Submission
from tasks.gx import Validator
from tasks.landing import landing_html, suite_pages
from tasks.publish import write_feedback
from tasks.review import Review
from tasks.run_folder import previous_complete_run, write_bytes
from tasks.settings import PROJECT_ROOT, YearConfig
from tasks.writers import ranking_csv, scores_csv, summary_json
from tasks.xlsx_out import write_ranking_xlsx

log = logging.getLogger(__name__)


def code_version() -> str:
    """The package version and, in a git checkout, the commit (``0.1.0+g1a2b3c4``, ``-dirty`` if modified)."""
    try:
        version = metadata.version("thidua")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+g{commit}" if commit else version


def base_manifest(
    run_id: str, config: YearConfig, subs: Sequence[Submission], period: str, parameters: dict[str, Any]
) -> dict[str, Any]:
    """The manifest fields known before outputs are hashed."""
    config_files = [p for p in ("bloc.yaml", "criteria.yaml", "meeting.yaml") if (config.year_dir / p).exists()]
    from tasks.discover import sha256_file

    return {
        "run_id": run_id,
        "year": config.year,
        "period": period,
        "bloc": config.bloc.code,
        "parameters": parameters,
        "code_version": code_version(),
        "criteria_sha256": config.criteria_sha256,
        "inputs_root": str(config.year_dir.resolve()),
        "inputs": sorted(
            [{"path": s.file.rel, "sha256": s.file.sha256} for s in subs]
            + [{"path": p, "sha256": sha256_file(config.year_dir / p)} for p in config_files],
            key=lambda x: x["path"],
        ),
    }


def write_validation(
    work: Path,
    run_id: str,
    config: YearConfig,
    subs: Sequence[Submission],
    result_wards: Sequence,
    period: str,
    validator: Validator,
    moment: datetime,
) -> None:
    """validation/: summary.json, feedback workbooks, the offline Data Docs site."""
    vdir = work / "validation"
    write_bytes(vdir / "summary.json", summary_json(run_id, config.year, period, subs, result_wards, config.bloc))
    names = {w.code: w.name for w in config.bloc.members}
    feedback = write_feedback(vdir, subs, moment, names)
    build_data_docs(validator.context, vdir / "data-docs")
    title = f"Kết quả kiểm tra hồ sơ – {config.bloc.name} – kỳ {period} – lần chạy {run_id}"
    page = landing_html(title, subs, names, feedback, suite_pages(vdir / "data-docs"))
    write_bytes(vdir / "index.html", page)


def write_changes(work: Path, run_id: str, inputs: Sequence[dict[str, str]]) -> dict[str, Any]:
    """changes.json and changes.md against the newest complete run beside this one."""
    previous = previous_complete_run(work.parent)
    current = RunSnapshot(
        run_id=run_id,
        inputs={i["path"]: i["sha256"] for i in inputs},
        ranking=_csv_rows(work / "ranking.csv"),
        scores=_csv_rows(work / "scores.csv"),
    )
    changes = diff_runs(load_snapshot(previous) if previous else None, current)
    write_bytes(work / "changes.json", (json.dumps(changes, ensure_ascii=False, indent=2) + "\n").encode())
    write_bytes(work / "changes.md", render_changes_md(changes).encode())
    return dict(changes)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_review_folder(
    work: Path,
    run_id: str,
    config: YearConfig,
    subs: list[Submission],
    result: Review,
    validator: Validator,
    moment: datetime,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """Every file of the review folder; returns the manifest without the output hashes."""
    bloc, cat, meeting = config.bloc, config.catalogue, config.meeting
    write_bytes(work / "ranking.csv", ranking_csv(result.ranking))
    write_bytes(work / "scores.csv", scores_csv(result.scores))
    write_bytes(work / "ranking.xlsx", write_ranking_xlsx(bloc, cat, result.ranking, moment))
    write_bytes(work / "ranking.docx", render_ranking_docx(bloc, cat, result.ranking, meeting, moment))
    write_bytes(work / "bien-ban-hop-tong-ket.docx", render_minutes(bloc, cat, result.ranking, meeting, moment))
    write_validation(work, run_id, config, subs, result.wards, str(config.year), validator, moment)
    manifest = base_manifest(run_id, config, subs, str(config.year), parameters)
    write_changes(work, run_id, manifest["inputs"])
    log.info("wrote review folder %s", work)
    return manifest
