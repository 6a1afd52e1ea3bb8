"""Writes shared with a worker process: each runs once, and the files are those the caller alone writes."""

from __future__ import annotations

import os
import pickle
import subprocess
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.edge import write_workers
from tasks.edge.write_workers import claim, shared_writes, worth_a_worker
from tasks.outputs.writes import FeedbackWrite

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


# --- a worker started ahead of the writes (prestart) ----------------------------------------------


@pytest.fixture
def no_prestarted() -> Iterator[None]:
    """No pre-started worker before the test, and none left running after it."""
    write_workers.stop_prestarted()
    yield
    write_workers.stop_prestarted()


def _job_paths(shared: write_workers.SharedWrites) -> list[str]:
    assert shared._folder is not None
    return [str(shared._folder / name) for name in ("job", "out", "claims")]


def _command(proc: subprocess.Popen[bytes]) -> list[str]:
    assert isinstance(proc.args, list)
    return [str(arg) for arg in proc.args]


def _claimed(shared: write_workers.SharedWrites) -> list[int]:
    assert shared._folder is not None
    return sorted(int(p.name) for p in (shared._folder / "claims").iterdir())


def test_shared_writes_hand_their_job_to_the_prestarted_worker(tmp_path: Path, no_prestarted: None) -> None:
    """The pre-started worker, not a new one, runs the writes; the results and files are the caller's alone."""
    writes = _writes(tmp_path, count=4)
    results, files = _alone(tmp_path, writes)
    write_workers.prestart()
    [ready] = write_workers._ready
    assert _command(ready)[-1] == "tasks.edge.write_workers"  # started without a job: it waits for one on its stdin
    work = tmp_path / "prestarted"
    with shared_writes(work, writes, worker=True) as shared:
        assert shared._proc is ready and shared._proc.pid == ready.pid
        assert write_workers._ready == []  # taken: the next shared writes would start their own
        assert ready.wait(timeout=300) == 0  # the caller has not started: the worker claimed every write
        assert _claimed(shared) == list(range(len(writes)))
        assert shared.finish() == results
    assert _files(work) == files
    assert len(files) == 2 * len(writes)


def test_writes_without_a_worker_leave_the_prestarted_one_waiting(tmp_path: Path, no_prestarted: None) -> None:
    """Only shared writes that want a worker take the pre-started one."""
    writes = _writes(tmp_path, count=2)
    results, files = _alone(tmp_path, writes)
    write_workers.prestart()
    [ready] = write_workers._ready
    work = tmp_path / "here"
    with shared_writes(work, writes, worker=False) as shared:
        assert shared._proc is None
        assert shared.finish() == results
    assert _files(work) == files
    assert write_workers._ready == [ready] and ready.poll() is None


def test_stopping_lets_unused_prestarted_workers_exit_cleanly(no_prestarted: None) -> None:
    """Their stdin closes empty: each exits with status 0 (no job, no error), and none is left to take."""
    write_workers.prestart()
    write_workers.prestart()
    procs = list(write_workers._ready)
    assert len(procs) == 2
    write_workers.stop_prestarted()
    assert write_workers._ready == []
    assert [proc.returncode for proc in procs] == [0, 0]
    assert write_workers._prestarted() is None


def test_a_dead_prestarted_worker_is_passed_over_for_a_new_one(tmp_path: Path, no_prestarted: None) -> None:
    """A pre-started worker that has died is dropped; a worker started with the job's paths does the writes."""
    writes = _writes(tmp_path, count=4)
    results, files = _alone(tmp_path, writes)
    write_workers.prestart()
    [dead] = write_workers._ready
    dead.kill()
    dead.wait()
    work = tmp_path / "replaced"
    with shared_writes(work, writes, worker=True) as shared:
        fresh = shared._proc
        assert fresh is not None and fresh is not dead and fresh.pid != dead.pid
        assert _command(fresh)[-3:] == _job_paths(shared)  # given its job on the command line
        assert write_workers._ready == []
        assert fresh.wait(timeout=300) == 0
        assert _claimed(shared) == list(range(len(writes)))
        assert shared.finish() == results
    assert _files(work) == files


@pytest.mark.skipif(not hasattr(os, "waitid"), reason="needs waitid to leave the dead worker unreaped")
def test_a_prestarted_worker_that_dies_as_it_is_handed_the_job_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_prestarted: None
) -> None:
    """Looking alive when taken but gone when its stdin is written (a broken pipe): a new worker is started."""
    writes = _writes(tmp_path, count=3)
    results, files = _alone(tmp_path, writes)
    write_workers.prestart()
    [dying] = write_workers._ready
    dying.kill()
    os.waitid(os.P_PID, dying.pid, os.WEXITED | os.WNOWAIT)  # dead, its pipe closed, but not reaped
    monkeypatch.setattr(dying, "poll", lambda: None)  # so that it still looks alive when taken
    work = tmp_path / "broken-pipe"
    with shared_writes(work, writes, worker=True) as shared:
        fresh = shared._proc
        assert fresh is not None and fresh is not dying
        assert _command(fresh)[-3:] == _job_paths(shared)
        assert fresh.wait(timeout=300) == 0
        assert shared.finish() == results
    assert _files(work) == files
    monkeypatch.undo()
    assert dying.wait() == -9  # killed (SIGKILL), and reaped only now
