"""The review folder writer: its housekeeping, and the files written by worker processes are those written alone."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docxtpl import DocxTemplate

from tasks.config.year import YearConfig, document_moment, load_year
from tasks.domain import Submission
from tasks.edge.pool import process_pool
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.outputs.documents import render as render_module
from tasks.outputs.documents import render_document
from tasks.outputs.documents.word import refits_every_table
from tasks.outputs.review_folder import document_writes, write_review_folder
from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.scoring.review import Review, review
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_all
from tests.support.datadocs_text import ENGLISH, visible_text
from tests.support.sample import SAMPLE

# --- the 2025 sample's review folder, written with and without worker processes ------------------------

POOL_WRITES = ["ranking.xlsx", "ranking.docx", "bien-ban-hop-tong-ket.docx", "to-trinh-de-nghi-khen-thuong.docx"]


@dataclass(frozen=True)
class Sample:
    """The 2025 sample read, validated and reviewed: what ``write_review_folder`` is given."""

    config: YearConfig
    subs: list[Submission]
    result: Review
    validator: Validator
    moment: datetime


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copytree(SAMPLE, inputs / "2025", ignore=shutil.ignore_patterns("README*"))
    config = load_year(inputs, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    validator = Validator()
    checked = validate_all(subs, config.bloc, config.catalogue, validator)
    result = review(checked, config.bloc, config.catalogue, config.meeting.votes if config.meeting else None)
    scored = list(result.submissions)
    return Sample(config, scored, result, validator, document_moment(config.meeting, scored))


def _write_folder(sample: Sample, work: Path, executor: Executor | None = None) -> None:
    parameters = {"year": 2025, "test": True}
    config, subs, result = sample.config, sample.subs, sample.result
    write_review_folder(work, "run", config, subs, result, sample.validator, sample.moment, parameters, executor)


def _slow_outputs(work: Path) -> dict[str, bytes]:
    """The files of the slow writes: the ranking workbook, the two documents and any feedback."""
    feedback = sorted((work / "validation" / "feedback").rglob("*"))
    paths = [work / name for name in POOL_WRITES] + [p for p in feedback if p.is_file()]
    return {p.relative_to(work).as_posix(): p.read_bytes() for p in paths}


@pytest.mark.slow  # worker processes: `make test` only
def test_the_files_written_by_worker_processes_are_those_written_alone(sample: Sample, tmp_path: Path) -> None:
    """ranking.xlsx, the documents and the feedback come out of a process pool byte for byte as written here."""
    direct = write_ranking_xlsx(sample.config.bloc, sample.config.catalogue, sample.result.ranking, sample.moment)
    alone = tmp_path / "alone" / "run"
    _write_folder(sample, alone)
    pooled = tmp_path / "pooled" / "run"
    with process_pool(2) as pool:
        _write_folder(sample, pooled, pool)
    assert (pooled / "ranking.xlsx").read_bytes() == direct
    assert (alone / "ranking.xlsx").read_bytes() == direct
    assert _slow_outputs(pooled) == _slow_outputs(alone)
    assert len(_slow_outputs(alone)) > len(POOL_WRITES)  # the sample has feedback files too
    assert (pooled / "validation" / "index.html").read_bytes() == (alone / "validation" / "index.html").read_bytes()


def test_the_sample_documents_are_the_same_without_docxtpl_grid_repair(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample's ranking.docx, minutes and proposal skip docxtpl's grid repair and still render its bytes."""
    writes = document_writes(sample.config, sample.result.ranking, sample.moment)
    assert [w.path for w in writes] == POOL_WRITES[1:]
    refitted: list[bool] = []

    def spy(body: Any) -> bool:
        refitted.append(refits_every_table(body))
        return refitted[-1]

    monkeypatch.setattr(render_module, "refits_every_table", spy)
    skipped = [render_document(w.job) for w in writes]
    assert refitted == [True, True, True]  # docxtpl's repair skipped for all three
    monkeypatch.setattr(render_module._Template, "fix_tables", DocxTemplate.fix_tables)
    assert [render_document(w.job) for w in writes] == skipped


def test_the_validation_index_maps_a_failed_row_of_data_docs_to_its_cell(sample: Sample, tmp_path: Path) -> None:
    """An auditor reading “rid N” under a failed expectation in Data Docs finds its file, sheet and cell."""
    work = tmp_path / "run"
    _write_folder(sample, work)
    (row,) = [r for r in sample.validator.failed_rows if r.rule == "no_evidence"]
    index = (work / "validation" / "index.html").read_text(encoding="utf-8")
    line = re.search(rf'<tr id="annual_scores-rid-{row.rid}">(.*?)</tr>', index)
    assert line is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", line.group(1))
    page = re.search(r'href="([^"]+)"', cells[0])
    assert page is not None and (work / "validation" / page.group(1)).is_file()
    assert cells[1:] == [
        str(row.rid),
        "Cảnh báo (warning)",
        "Thiếu minh chứng",
        "<code>no_evidence</code>",
        "annual/tu-cham-diem-2025-namcuong.xlsx",
        "TU CHAM DIEM",
        "E9",
    ]
    docs = (work / "validation" / page.group(1)).read_text(encoding="utf-8")
    shown = re.findall(r'<div class="show-scrollbars">([^<]*)</div>', docs)
    assert str(row.rid) in shown  # the same rid, in the failed expectation's table of unexpected rows


def test_the_sample_data_docs_read_in_vietnamese(sample: Sample, tmp_path: Path) -> None:
    """The auditor following “Data Docs” from validation/index.html meets no English word of GX's frame."""
    work = tmp_path / "run"
    _write_folder(sample, work)
    landing = (work / "validation" / "index.html").read_text(encoding="utf-8")
    assert "tiếng Anh" not in landing and "bằng tiếng Việt" in landing
    site = work / "validation" / "data-docs"
    pages = sorted(site.rglob("*.html"))
    pages = [p for p in pages if "static" not in p.relative_to(site).parts]
    assert len(pages) == 11  # the index, five suites, five validation results
    for page in pages:
        text = "\n".join(visible_text(page))
        found = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        assert found == [], f"{page.relative_to(site)}: {found}"
        assert not re.search(r"\d%|\d\.\d+ ?%", text), page
    (scores,) = site.glob("validations/annual_scores/*/*/*.html")
    shown = visible_text(scores)
    # Nam Cường's criterion scored without evidence: the warning under evidence_given, in Vietnamese numbers.
    assert "Có 1 giá trị không đạt: ≈0,641 % trên tổng số 156 dòng." in shown
    assert "≈0,64103 % không đạt" in shown and "90 %" in shown
