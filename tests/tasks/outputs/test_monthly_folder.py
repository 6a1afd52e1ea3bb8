"""The monthly run folder: each roster ward's report status, issue count and accepted report, and the files
written from them."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Issue, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.outputs import review_folder
from tasks.outputs.monthly_folder import month_statuses, write_monthly_folder
from tasks.validation.validate import validate_all
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator

MOMENT = datetime(2026, 1, 5, 8, 0)
LATE = Issue(Severity.WARNING, "late", "Báo cáo nộp muộn.", "Nộp đúng hạn.")
WRONG = Issue(Severity.ERROR, "not_a_number", "Lũy kế không phải là số.", "Nhập một số.", "Chỉ tiêu", "E7")


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


@pytest.fixture(scope="module")
def december(config: YearConfig) -> dict[str, Submission]:
    """The sample's ten December reports, read and checked (findings are not the subject here), by ward."""
    files = [(f, month) for f, month in discover(config.year_dir) if month == "2025-12"]
    subs = read_all(files, config.bloc, config.catalogue)
    checked = validate_all(subs, config.bloc, config.catalogue, ScriptedValidator())
    return {s.ward_code: s for s in checked if s.ward_code is not None}


def test_every_roster_ward_with_an_accepted_report_gets_its_typed_indicators(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """All ten reports accepted: each ward is ``accepted`` with its own issue count, and its report carries the
    year-to-date value of every indicator of the catalogue."""
    statuses, reports = month_statuses(config, list(december.values()))
    roster = [w.code for w in config.bloc.members]
    assert list(statuses) == roster  # in roster order, whatever order the files came in
    assert statuses == {code: ("accepted", len(december[code].issues)) for code in roster}
    assert set(reports) == set(roster)
    sapa = reports["SAPA"]
    assert sapa.ward_code == "SAPA" and sapa.period == "2025-12"
    assert set(sapa.indicators) == {i.code for i in config.catalogue.indicators}
    assert all(isinstance(e.ytd, Decimal) for e in sapa.indicators.values())


def test_a_ward_without_a_file_is_missing_and_a_rejected_one_counts_its_issues(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """No file from Sa Pa: ``missing`` with no issue; Lào Cai's report rejected with two findings: ``rejected``, 2.
    Neither has a report to score, so the standing shows no provisional points for them."""
    subs = [s for code, s in december.items() if code != "SAPA"]
    subs = [replace(s, status=Status.REJECTED, issues=(WRONG, LATE)) if s.ward_code == "LAOCAI" else s for s in subs]
    statuses, reports = month_statuses(config, subs)
    assert statuses["SAPA"] == ("missing", 0)
    assert statuses["LAOCAI"] == ("rejected", 2)
    assert "SAPA" not in reports and "LAOCAI" not in reports
    assert statuses["YENBAI"][0] == "accepted" and "YENBAI" in reports


def test_a_resubmitted_report_counts_the_issues_of_both_files_and_uses_the_accepted_one(
    config: YearConfig, december: dict[str, Submission]
) -> None:
    """A first file superseded by a second: the ward is accepted on the second; the count covers both files, so
    the secretariat sees the first file's problems too. A file naming no ward belongs to no ward's count."""
    accepted = replace(december["SAPA"], issues=(LATE,))
    first = replace(december["SAPA"], status=Status.SUPERSEDED, issues=(WRONG,), superseded_by=accepted.file.rel)
    stray = replace(december["LAOCAI"], ward_code=None, status=Status.REJECTED, issues=(WRONG,))
    statuses, reports = month_statuses(config, [first, accepted, stray])
    assert statuses["SAPA"] == ("accepted", 2)
    assert reports["SAPA"] == month_statuses(config, [accepted])[1]["SAPA"]
    assert statuses["LAOCAI"] == ("missing", 0)


def _fake_data_docs(context: object, site_dir: Path) -> Path:
    """A one-page site in place of GX's (Data Docs are tested in test_datadocs; here only the folder matters)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    index = site_dir / "index.html"
    index.write_text("<html>Data Docs</html>", encoding="utf-8")
    return index


def test_the_monthly_folder_holds_the_standing_validation_and_changes_and_lists_its_inputs(
    config: YearConfig, december: dict[str, Submission], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """standing.csv and standing.xlsx, validation/ with summary, index and Lào Cai's feedback, the change report;
    the manifest names the month and every input with its sha256, and leaves the output hashes to the finish."""
    monkeypatch.setattr(review_folder, "build_data_docs", _fake_data_docs)
    validator = ScriptedValidator()
    validator.context = None  # type: ignore[attr-defined]  # what write_validation hands to the Data Docs builder
    subs = [s for code, s in december.items() if code != "SAPA"]
    subs = [replace(s, status=Status.REJECTED, issues=(WRONG, LATE)) if s.ward_code == "LAOCAI" else s for s in subs]
    work = tmp_path / "run"
    manifest = write_monthly_folder(work, "RUN", config, "2025-12", subs, validator, MOMENT, {"period": "2025-12"})
    written = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
    feedback = [p for p in written if p.startswith("validation/feedback/")]
    assert [p for p in written if p not in feedback] == [
        "changes.json", "changes.md", "standing.csv", "standing.xlsx", "validation/data-docs/index.html",
        "validation/index.html", "validation/summary.json"]  # fmt: skip
    assert feedback and all("laocai" in p for p in feedback)
    with (work / "standing.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["ward_code"]: r for r in csv.DictReader(fh)}
    assert (rows["SAPA"]["status"], rows["LAOCAI"]["status"], rows["LAOCAI"]["issues"]) == ("missing", "rejected", "2")
    assert json.loads((work / "validation" / "summary.json").read_bytes())["period"] == "2025-12"
    assert (
        manifest["period"] == "2025-12"
        and manifest["parameters"] == {"period": "2025-12"}
        and "outputs" not in manifest
    )
    listed = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert {s.file.rel: s.file.sha256 for s in subs}.items() <= listed.items()
    assert {"bloc.yaml", "criteria.yaml"} <= set(listed)
