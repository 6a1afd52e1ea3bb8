"""Writing a run's files: safe output names, the feedback of each submission with issues, and the slow writes
handed to an executor that may break down without losing a file."""

from __future__ import annotations

from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.outputs.documents import minutes_job
from tasks.outputs.writes import (
    DocumentWrite,
    RankingWorkbookWrite,
    StartedWrites,
    feedback_writes,
    safe_name,
    write_submission_feedback,
)
from tests.support import documents as four_wards
from tests.support.workbooks import BLOC, CATALOGUE, out_of_order_ranking

MOMENT = datetime(2026, 1, 15, 8, 30)
SHEET = "Tự chấm điểm"
ABOVE_MAX = Issue(Severity.ERROR, "above_max", "Điểm 6 vượt tối đa 5.", "Sửa về 0–5.", SHEET, "D5", "Điểm", "6")
MISSING_SHEET = Issue(Severity.ERROR, "missing_sheet", "Không tìm thấy trang tính “Thưởng - Trừ”.", "Thêm trang.")


@pytest.mark.parametrize(
    "rel",
    [
        "annual/../../etc/x.xlsx",
        "../../../etc/passwd",
        "annual/Tự chấm điểm – Phường Sa Pa.xlsx",
        "annual/..",
        "monthly/2025-12/.hidden.xlsx",
        "annual/" + "Đ" * 300 + ".xlsx",
        "annual/con.xlsx",
        "annual/a\\..\\b.xlsx",
    ],
)
def test_a_file_name_never_becomes_an_unsafe_path(tmp_path: Path, rel: str) -> None:
    """Output names made from input names are plain ASCII, inside their folder, never hidden or climbing."""
    name = safe_name(rel, "ab" * 32)
    assert name and name.isascii() and "/" not in name and "\\" not in name and not name.startswith(".")
    assert name not in (".", "..") and len(name) <= 100
    assert (tmp_path / f"{name}.phan-hoi.xlsx").resolve().parent == tmp_path.resolve()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=120))
def test_any_file_name_gives_a_safe_output_name(rel: str) -> None:
    """Whatever characters a file name holds, the output name is a single safe path component."""
    name = safe_name(rel, "cd" * 32)
    assert name and name.isascii() and "/" not in name and "\\" not in name and not name.startswith(".")
    assert Path(name).name == name and name not in (".", "..")


def test_an_entry_without_hash_is_named_without_a_dangling_dash() -> None:
    """A sub-folder (never read, no hash) gives 'annual__cu.phan-hoi.xlsx', not 'annual__cu-.phan-hoi.xlsx'."""
    assert safe_name("annual/cu", "") == "annual__cu"
    assert safe_name("annual/sa-pa.xlsx", "ef" * 32) == "annual__sa-pa-efefefef"


def _ward_file(path: Path) -> Path:
    """A small self-assessment workbook with a score in D5."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws["D5"] = 6
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _submission(
    root: Path, rel: str, issues: tuple[Issue, ...], readable: bool = True, ward: str | None = "SAPA"
) -> Submission:
    path = _ward_file(root / rel)
    return Submission(
        InputFile(path, rel, "ef" * 32, Kind.ANNUAL),
        Kind.ANNUAL,
        "2025",
        ward,
        status=Status.REJECTED if issues else Status.ACCEPTED,
        issues=issues,
        workbook=load_workbook(path) if readable else None,
    )


def test_feedback_is_written_only_for_submissions_with_issues(tmp_path: Path) -> None:
    """A clean file gets nothing; a file with a cell to mark gets the feedback workbook and a marked copy, named
    after the input and its hash, and the paths returned are relative to ``validation/``."""
    clean = _submission(tmp_path / "in", "annual/lao-cai.xlsx", ())
    faulty = _submission(tmp_path / "in", "annual/sa-pa.xlsx", (ABOVE_MAX,))
    written = {w.sub.file.rel: w.run(tmp_path) for w in feedback_writes([clean, faulty], MOMENT, {"SAPA": "Sa Pa"})}
    name = safe_name("annual/sa-pa.xlsx", "ef" * 32)
    expected = {"annotated": f"feedback/{name}.danh-dau.xlsx", "feedback": f"feedback/{name}.phan-hoi.xlsx"}
    assert written == {"annual/sa-pa.xlsx": expected}
    files = sorted(p.relative_to(tmp_path / "validation").as_posix() for p in (tmp_path / "validation").rglob("*"))
    assert files == ["feedback", *sorted(written["annual/sa-pa.xlsx"].values())]  # no temporary file left behind
    marked = load_workbook(tmp_path / "validation" / written["annual/sa-pa.xlsx"]["annotated"])[SHEET]["D5"]
    assert marked.value == 6 and marked.comment is not None and "Điểm 6 vượt tối đa 5." in marked.comment.text


def test_an_unreadable_file_gets_the_feedback_workbook_without_a_copy(tmp_path: Path) -> None:
    """A file that could not be opened when read: no marked copy is attempted, the feedback workbook still is."""
    sub = _submission(tmp_path / "in", "annual/hong.xlsx", (MISSING_SHEET,), readable=False, ward=None)
    [write] = feedback_writes([sub], MOMENT, {})
    assert list(write.run(tmp_path)) == ["feedback"]
    assert not list((tmp_path / "validation" / "feedback").glob("*.danh-dau.*"))


def test_feedback_writes_carry_the_file_and_its_issues_but_not_the_parsed_cells(tmp_path: Path) -> None:
    """The writes handed to other processes stay small: the parsed workbook is dropped, its readability kept, and
    they write the same files as the full submission would."""
    clean = _submission(tmp_path / "in", "annual/lao-cai.xlsx", ())
    faulty = _submission(tmp_path / "in", "annual/sa-pa.xlsx", (ABOVE_MAX,))
    [write] = feedback_writes([clean, faulty], MOMENT, {"SAPA": "Sa Pa"})
    assert write.sub.workbook is None and write.readable and write.ward_name == "Sa Pa"
    assert write.sub.issues == (ABOVE_MAX,) and faulty.workbook is not None  # the submission given is unchanged
    handed = write.run(tmp_path / "run")
    alone = write_submission_feedback(tmp_path / "alone" / "validation", faulty, True, MOMENT, "Sa Pa")
    assert handed == alone
    run, direct = tmp_path / "run" / "validation", tmp_path / "alone" / "validation"
    for rel in handed.values():  # the same files as written from the full submission
        assert (run / rel).read_bytes() == (direct / rel).read_bytes()


class _Recorder:
    """A write that records the order in which writes ran and returns its name."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    def run(self, work: Path) -> str:
        self.log.append(self.name)
        (work / self.name).write_text(self.name)
        return self.name


class _BrokenExecutor(Executor):
    """An executor whose worker died: every future fails with ``BrokenExecutor``."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenExecutor("a worker process died"))
        return future


def test_without_an_executor_the_writes_run_in_turn_when_the_results_are_asked(tmp_path: Path) -> None:
    """Nothing is written before ``results()``; then each write runs once, in order, and its result is returned."""
    log: list[str] = []
    started = StartedWrites(tmp_path, [_Recorder("a", log), _Recorder("b", log)], None)
    assert log == []
    assert started.results() == ["a", "b"] and log == ["a", "b"]


def test_an_executor_gets_every_write_at_once_and_results_keep_their_order(tmp_path: Path) -> None:
    """Handed to an executor, the writes start immediately; results come back in the order the writes were given."""
    log: list[str] = []
    with ThreadPoolExecutor(2) as pool:
        started = StartedWrites(tmp_path, [_Recorder(n, log) for n in "abcd"], pool)
        assert started.results() == ["a", "b", "c", "d"]
    assert sorted(log) == ["a", "b", "c", "d"]


def test_a_write_whose_executor_broke_down_is_written_here_instead(tmp_path: Path) -> None:
    """A broken worker pool loses no file: each write it could not do runs in this process, once."""
    log: list[str] = []
    started = StartedWrites(tmp_path, [_Recorder("a", log), _Recorder("b", log)], _BrokenExecutor())
    assert started.results() == ["a", "b"]
    assert log == ["a", "b"] and (tmp_path / "b").read_text() == "b"


def test_document_and_workbook_writes_put_their_file_at_their_path_in_the_run(tmp_path: Path) -> None:
    """The minutes and ranking.xlsx land at the relative path given, complete (no temporary name left)."""
    job = minutes_job(four_wards.BLOC, four_wards.CATALOGUE, four_wards.VOTED, four_wards.MEETING, MOMENT)
    DocumentWrite("bien-ban-hop-tong-ket.docx", job).run(tmp_path)
    RankingWorkbookWrite("ranking.xlsx", BLOC, CATALOGUE, out_of_order_ranking(), MOMENT).run(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bien-ban-hop-tong-ket.docx", "ranking.xlsx"]
    assert "Xếp hạng" in load_workbook(tmp_path / "ranking.xlsx").sheetnames
    minutes = four_wards.open_docx((tmp_path / "bien-ban-hop-tong-ket.docx").read_bytes())
    assert "BIÊN BẢN" in four_wards.paragraphs(minutes)
