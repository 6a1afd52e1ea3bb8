"""Write every file of an annual review folder (spec §5) and return its manifest (before output hashes)."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tasks.config.year import PROJECT_ROOT, YearConfig
from tasks.domain import ConfigWarning, Ranking, Submission
from tasks.outputs.changes import RunSnapshot, diff_runs, load_snapshot, read_csv_rows, render_changes_md
from tasks.outputs.csv_json import ranking_csv, scores_csv, summary_json
from tasks.outputs.datadocs import build_data_docs
from tasks.outputs.documents import minutes_job, proposal_job, ranking_docx_job
from tasks.outputs.run_folder import COMPARISON, previous_complete_run, write_bytes
from tasks.outputs.validation_index import landing_html, suite_pages
from tasks.outputs.writes import DocumentWrite, FeedbackWrite, RankingWorkbookWrite, StartedWrites, feedback_writes
from tasks.scoring.explain import Explanation, configuration_warnings, explain_ranking, rejection_reasons
from tasks.scoring.review import Review
from tasks.validation.suites import Validator

log = logging.getLogger(__name__)
PROPOSAL_FILE = "to-trinh-de-nghi-khen-thuong.docx"


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
    run_id: str,
    config: YearConfig,
    subs: Sequence[Submission],
    period: str,
    parameters: dict[str, Any],
    compared: Sequence[Submission] = (),
) -> dict[str, Any]:
    """The manifest fields known before outputs are hashed.

    ``compared``: files read only to compare the period's files with (a monthly run's earlier months of the
    window, whose year-to-date values its warnings quote); listed among the inputs with ``"role":
    "comparison"``, so that ``verify`` checks them too and says what they were read for.
    """
    config_files = [p for p in ("bloc.yaml", "criteria.yaml", "meeting.yaml") if (config.year_dir / p).exists()]
    from tasks.intake.discover import sha256_file

    return {
        "run_id": run_id,
        "year": config.year,
        "period": period,
        "bloc": config.bloc.code,
        "bloc_name": config.bloc.name,
        "parameters": parameters,
        "code_version": code_version(),
        "criteria_sha256": config.criteria_sha256,
        "inputs_root": str(config.year_dir.resolve()),
        "inputs": sorted(
            # a sub-folder not read is no input: verify would look for it as a file and call it missing
            [{"path": s.file.rel, "sha256": s.file.sha256} for s in subs if not s.file.is_folder]
            + [{"path": p, "sha256": sha256_file(config.year_dir / p)} for p in config_files]
            + [
                {"path": s.file.rel, "sha256": s.file.sha256, "role": COMPARISON}
                for s in compared
                if not s.file.is_folder
            ],
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
    started: StartedWrites,
    configuration: Sequence[ConfigWarning] | None = None,
) -> None:
    """validation/: summary.json, feedback workbooks, the offline Data Docs site.

    ``started``: the run's slow writes, the feedback among them (see :func:`write_review_folder`); they are
    finished here. ``configuration``: the review's warnings about its configuration files (None: a month's run).
    """
    vdir = work / "validation"
    names = config.bloc.names
    summary = summary_json(run_id, config.year, period, subs, result_wards, config.bloc, configuration)
    write_bytes(vdir / "summary.json", summary)
    build_data_docs(validator.context, vdir / "data-docs")
    results = started.results()
    feedback = {w.sub.file.rel: r for w, r in zip(started.writes, results, strict=True) if isinstance(w, FeedbackWrite)}
    log.info("wrote feedback for %d of %d submissions", len(feedback), len(subs))
    title = f"Kết quả kiểm tra hồ sơ – {config.bloc.name} – kỳ {period} – lần chạy {run_id}"
    page = landing_html(title, subs, names, feedback, suite_pages(vdir / "data-docs"), validator.failed_rows)
    write_bytes(vdir / "index.html", page)


def write_changes(work: Path, run_id: str, inputs: Sequence[dict[str, str]]) -> dict[str, Any]:
    """changes.json and changes.md against the newest complete run beside this one."""
    previous = previous_complete_run(work.parent)
    before = load_snapshot(previous) if previous else None
    # without a previous run nothing is compared: reading the tables back (40,000 score lines) would be wasted
    current = RunSnapshot(
        run_id=run_id,
        inputs={i["path"]: i["sha256"] for i in inputs},
        ranking=read_csv_rows(work / "ranking.csv") if before else [],
        scores=read_csv_rows(work / "scores.csv") if before else [],
    )
    changes = diff_runs(before, current)
    write_bytes(work / "changes.json", (json.dumps(changes, ensure_ascii=False, indent=2) + "\n").encode())
    write_bytes(work / "changes.md", render_changes_md(changes).encode())
    return dict(changes)


def write_review_folder(
    work: Path,
    run_id: str,
    config: YearConfig,
    subs: Sequence[Submission],
    result: Review,
    validator: Validator,
    moment: datetime,
    parameters: dict[str, Any],
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Every file of the review folder; returns the manifest without the output hashes.

    The ranking workbook, the Word documents and the feedback files are handed to ``executor`` first (the
    flow's choice; None: they are written here, in turn), while this process writes the CSV tables and the
    Data Docs.
    """
    # computed once, so the minutes, ranking.docx and ranking.xlsx give the same sentences
    explained = explain_ranking(config.bloc, config.catalogue, result.ranking, rejection_reasons(subs, config.bloc))
    table = RankingWorkbookWrite("ranking.xlsx", config.bloc, config.catalogue, result.ranking, moment, explained)
    documents = document_writes(config, result.ranking, moment, explained)
    feedback = feedback_writes(subs, moment, config.bloc.names)
    started = StartedWrites(work, [table, *documents, *feedback], executor)
    write_bytes(work / "ranking.csv", ranking_csv(result.ranking))
    write_bytes(work / "scores.csv", scores_csv(result.scores))
    warnings = configuration_warnings(explained)  # the votes the minutes say were not counted
    write_validation(work, run_id, config, subs, result.wards, str(config.year), validator, started, warnings)
    manifest = base_manifest(run_id, config, subs, str(config.year), parameters)
    write_changes(work, run_id, manifest["inputs"])
    log.info("wrote review folder %s", work)
    return manifest


def document_writes(
    config: YearConfig, ranking: Ranking, moment: datetime, explained: Sequence[Explanation] | None = None
) -> list[DocumentWrite]:
    """``ranking.docx``, the minutes ``bien-ban-hop-tong-ket.docx`` and the award proposal.

    ``explained``: the run's explanation sentences (None: computed from the ranking alone)."""
    bloc, cat, meeting = config.bloc, config.catalogue, config.meeting
    return [
        DocumentWrite("ranking.docx", ranking_docx_job(bloc, cat, ranking, meeting, moment, explanations=explained)),
        DocumentWrite(
            "bien-ban-hop-tong-ket.docx", minutes_job(bloc, cat, ranking, meeting, moment, explanations=explained)
        ),
        DocumentWrite(PROPOSAL_FILE, proposal_job(bloc, cat, ranking, meeting, moment, explanations=explained)),
    ]
