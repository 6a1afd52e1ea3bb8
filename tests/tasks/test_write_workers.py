"""Writes shared with a worker process: each runs once, and the files are those the caller alone writes."""

from __future__ import annotations

import pickle
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tasks import write_workers
from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.publish import FeedbackWrite
from tasks.write_workers import claim, shared_writes, worth_a_worker

MOMENT = datetime(2026, 1, 10, 9, 0)
SHEET = "Tự chấm điểm"


def _ward_file(path: Path, score: int) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng"])
    ws.append(["1.1", "Kế hoạch", 5, score, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _writes(tmp_path: Path, count: int = 12) -> list[FeedbackWrite]:
    """Feedback writes for ``count`` wards' files, each with an error on D2 and a warning on E2."""
    writes = []
    for k in range(count):
        rel = f"annual/phuong-{k}.xlsx"
        path = _ward_file(tmp_path / "inputs" / rel, 6 + k)
        issues = [
            Issue(Severity.ERROR, "score-above-max", f"Điểm {6 + k} vượt 5.", "Sửa điểm.", SHEET, "D2"),
            Issue(Severity.WARNING, "no-evidence", "Thiếu minh chứng.", "Bổ sung.", SHEET, "E2"),
        ]
        file = InputFile(path, rel, f"{k:02d}" * 32, Kind.ANNUAL)
        sub = Submission(file, Kind.ANNUAL, "2025", f"W{k}", date(2026, 1, 5), Status.REJECTED, issues=issues)
        writes.append(FeedbackWrite(sub, True, f"Phường {k}", MOMENT))
    return writes


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _alone(tmp_path: Path, writes: list[FeedbackWrite]) -> tuple[list[object], dict[str, bytes]]:
    work = tmp_path / "alone"
    with shared_writes(work, writes, worker=False) as shared:
        results = shared.finish()
    return results, _files(work)


def test_a_write_is_claimed_once(tmp_path: Path) -> None:
    """The first side to claim a write gets it; the other side is told it is taken."""
    assert claim(tmp_path, 3) is True
    assert claim(tmp_path, 3) is False
    assert claim(tmp_path, 4) is True


def test_worker_and_caller_write_what_the_caller_alone_writes(tmp_path: Path) -> None:
    """Shared with a worker, every write runs once; the results (in write order) and the files are the same."""
    writes = _writes(tmp_path)
    results, files = _alone(tmp_path, writes)
    work = tmp_path / "shared"
    with shared_writes(work, writes, worker=True) as shared:
        deadline = time.monotonic() + 60
        while not _files(work) and time.monotonic() < deadline:  # let the worker start and write some
            time.sleep(0.05)
        assert shared.finish() == results
    assert _files(work) == files
    assert len(files) == 2 * len(writes)  # an annotated copy and a feedback workbook each


def test_the_worker_stops_at_the_first_write_the_caller_took(tmp_path: Path) -> None:
    """Going up from the first write, the worker stops where the caller, going down, has arrived."""
    writes = _writes(tmp_path, count=6)
    work, claims = tmp_path / "work", tmp_path / "claims"
    claims.mkdir()
    for index in (4, 5):  # taken by the caller
        assert claim(claims, index)
    job = tmp_path / "job"
    job.write_bytes(pickle.dumps((work, writes)))
    assert write_workers.main([str(job), str(tmp_path / "out"), str(claims)]) == 0
    results = pickle.loads((tmp_path / "out").read_bytes())
    assert sorted(results) == [0, 1, 2, 3]
    assert len(_files(work)) == 2 * 4


def test_a_failed_worker_leaves_its_share_to_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that cannot start or fails costs time, not files: the caller writes what is missing."""
    writes = _writes(tmp_path, count=4)
    results, files = _alone(tmp_path, writes)
    monkeypatch.setattr(write_workers.sys, "executable", "/bin/false")  # the worker exits with status 1
    work = tmp_path / "failed"
    with shared_writes(work, writes, worker=True) as shared:
        assert shared.finish() == results
    assert _files(work) == files


def test_a_worker_that_cannot_start_leaves_everything_to_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No process can be started: the caller writes everything itself, and says so."""
    writes = _writes(tmp_path, count=3)
    results, files = _alone(tmp_path, writes)

    def cannot_start(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(write_workers.subprocess, "Popen", cannot_start)
    work = tmp_path / "no-worker"
    with shared_writes(work, writes, worker=True) as shared:
        assert shared.finish() == results
    assert _files(work) == files


def test_a_worker_only_for_enough_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small runs stay in one process; a thousand wards' documents or a hundred feedback files get a worker."""
    monkeypatch.setattr(write_workers.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.delenv(write_workers.PROCESSES_ENV, raising=False)
    assert not worth_a_worker(wards=10, feedback=2)
    assert worth_a_worker(wards=1000, feedback=0)
    assert worth_a_worker(wards=10, feedback=100)
    monkeypatch.setenv(write_workers.PROCESSES_ENV, "1")
    assert not worth_a_worker(wards=1000, feedback=100)
    monkeypatch.delenv(write_workers.PROCESSES_ENV)
    monkeypatch.setattr(write_workers.os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert not worth_a_worker(wards=1000, feedback=100)
