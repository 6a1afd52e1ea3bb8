"""The monthly run folder: the files written from the month's submissions and their standing."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Status, Submission
from tasks.outputs import review_folder
from tasks.outputs.monthly_folder import write_monthly_folder
from tasks.scoring.standing import month_statuses, standing_rows
from tests.support.checked import LATE, WRONG
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator

MOMENT = datetime(2026, 1, 5, 8, 0)


@pytest.fixture(scope="module")
def config() -> YearConfig:
    return load_year(SAMPLE.parent, 2025)


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
    rows = standing_rows(config.bloc, config.catalogue, "2025-12", *month_statuses(config.bloc, config.catalogue, subs))
    work = tmp_path / "run"
    manifest = write_monthly_folder(
        work, "RUN", config, "2025-12", subs, rows, validator, MOMENT, {"period": "2025-12"}
    )
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
