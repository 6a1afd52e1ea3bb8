"""Reading a set of files in worker processes gives exactly what reading them here gives.

A job takes ``CHUNK`` when it is made and passes it to its workers, so patching it here gives small chunks on
both sides. Some tests start the workers through a shell script (``sys.executable`` patched) that holds them
back until a file appears, or makes them fail, before ``python -m flows.read_workers JOB NICE`` would run.
"""

from __future__ import annotations

import logging
import os
import pickle
import shlex
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest

import flows.read_workers as read_workers
from flows.read_workers import (
    AHEAD_NICE,
    CHUNK,
    MIN_FILES,
    PROCESSES_ENV,
    ReadJob,
    read_ahead,
    read_ahead_for,
    read_anywhere,
    reader_processes,
)
from tasks.config.year import YearConfig, load_year, parse_cache_folder
from tasks.intake.cache import ParseCache, pickled
from tasks.intake.discover import discover, month_inputs
from tasks.intake.read import Files, read_files
from tasks.intake.read_all import read_all

PYTHON = sys.executable
SMALL = 4  # files per chunk in the tests that set it on both sides: the 50 sample files make 13 chunks
WAIT = 60.0  # seconds a worker may take to finish before a test gives up (never reached when all is well)


@pytest.fixture
def config(inputs: Path) -> YearConfig:
    return load_year(inputs, 2025)


@pytest.fixture
def files(config: YearConfig) -> Files:
    found = discover(config.year_dir, config.catalogue.window.months())
    assert len(found) == 50
    return found


@pytest.fixture(autouse=True)
def no_job_left() -> Iterator[None]:
    """Every test starts and ends with no job read ahead; jobs a test leaves are stopped."""
    assert read_workers._ahead == []
    yield
    for job in read_workers._ahead:
        job.close()
    read_workers._ahead.clear()


def workers_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str) -> Path:
    """Start ReadJob's workers as this shell script (called with ``-m flows.read_workers JOB NICE``)."""
    path = tmp_path / "worker.sh"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(path))
    return path


def small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gate: Path | None = None) -> None:
    """``SMALL`` files per chunk; the workers (``python -m flows.read_workers``) wait for ``gate`` when given."""
    monkeypatch.setattr(read_workers, "CHUNK", SMALL)
    if gate is not None:
        wait = f"while [ ! -e {shlex.quote(str(gate))} ]; do sleep 0.01; done"
        workers_run(monkeypatch, tmp_path, f'{wait}\nexec {shlex.quote(PYTHON)} "$@"')


def reads_here(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files (``rel``) of each non-empty ``read_files`` call the collecting process makes, in order."""
    calls: list[list[str]] = []

    def recording(files: Files, *args: object) -> list:
        if files:
            calls.append([file.rel for file, _ in files])
        return read_files(files, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(read_workers, "read_files", recording)
    return calls


def rels(files: Files) -> list[str]:
    return [file.rel for file, _ in files]


def finished(job: ReadJob) -> list[int]:
    return [proc.wait(timeout=WAIT) for proc in job.workers]


def commands(job: ReadJob) -> list[list[str]]:
    return [cast(list[str], proc.args) for proc in job.workers]


def outs(job: ReadJob) -> dict[int, int]:
    """The chunks the workers wrote, with how many submissions each holds."""
    return {int(p.stem): len(pickle.loads(p.read_bytes())) for p in job.folder.glob("*.out")}


def claims(job: ReadJob) -> set[int]:
    return {int(p.stem) for p in job.folder.glob("*.claim")}


def assert_read_as_here(read: list, files: Files, config: YearConfig, keep: bool) -> None:
    here = [sub for sub, _ in read_files(files, config.bloc, config.catalogue, True)]
    there = [sub for sub, _ in read]
    assert [s.file.rel for s in there] == rels(files)
    assert there == here
    if keep:
        assert all(blob is not None and pickle.loads(blob) == sub for sub, blob in read)
    else:
        assert all(blob is None for _, blob in read)


@pytest.mark.parametrize("keep", [True, False])
def test_a_job_in_small_chunks_gives_what_reading_here_gives_in_order(
    config: YearConfig, files: Files, keep: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """50 files (one broken) in 13 chunks shared by 2 workers and this process: read_files' submissions, in order."""
    (config.year_dir / "annual" / "tu-cham-diem-2025-sapa.xlsx").write_bytes(b"not a workbook")
    small_chunks(monkeypatch, tmp_path)
    job = ReadJob(files, config.bloc, config.catalogue, 2)
    try:
        read, before = job.collect(files, keep)
        assert 0 <= before <= len(files)
        assert finished(job) == [0, 0]
        assert claims(job) == set(range(13))
        assert all(size == SMALL for chunk, size in outs(job).items() if chunk < 12)
    finally:
        job.close()
    assert_read_as_here(read, files, config, keep)
    assert any(sub.workbook is None and sub.issues for sub, _ in read)
    assert read_all(files, config.bloc, config.catalogue) == [sub for sub, _ in read]


def test_chunks_the_workers_wrote_are_taken_in_and_counted_as_read_before(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Workers left alone read every chunk (of the job's size, whatever CHUNK becomes); collect reads nothing."""
    small_chunks(monkeypatch, tmp_path)
    job = ReadJob(files, config.bloc, config.catalogue, 2)
    monkeypatch.setattr(read_workers, "CHUNK", 7)
    try:
        assert finished(job) == [0, 0]
        assert outs(job) == {**dict.fromkeys(range(12), SMALL), 12: 2}
        mine = reads_here(monkeypatch)
        read, before = job.collect(files, True)
    finally:
        job.close()
    assert before == 50 and mine == []
    assert_read_as_here(read, files, config, True)


def test_the_workers_run_as_python_m_flows_read_workers_with_the_real_chunk(config: YearConfig, files: Files) -> None:
    """Without any patch, one worker started as ``python -m flows.read_workers`` reads the sample as one chunk."""
    assert len(files) < CHUNK
    job = ReadJob(files, config.bloc, config.catalogue, 1)
    try:
        assert commands(job)[0][1:3] == ["-m", "flows.read_workers"]
        assert finished(job) == [0]
        assert outs(job) == {0: 50}
        read, before = job.collect(files, False)
    finally:
        job.close()
    assert before == 50
    assert_read_as_here(read, files, config, False)


def test_collect_reads_only_the_chunks_holding_wanted_files_and_files_outside_the_job(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Of a job of 40 files (10 chunks), 6 wanted, one not in the job, in any order: read here, chunks from the back.

    The other chunks are claimed, so the workers, let go afterwards, find nothing left to read.
    """
    gate = tmp_path / "go"
    small_chunks(monkeypatch, tmp_path, gate)
    wanted = [files[k] for k in (45, 2, 21, 39, 0, 22)]
    job = ReadJob(files[:40], config.bloc, config.catalogue, 2)
    try:
        mine = reads_here(monkeypatch)
        read, before = job.collect(wanted, True)
        assert before == 0
        assert mine == [rels([files[45]]), rels(files[36:40]), rels(files[20:24]), rels(files[0:4])]
        assert claims(job) == set(range(10))
        gate.touch()
        assert finished(job) == [0, 0]
        assert outs(job) == {}
    finally:
        job.close()
    assert_read_as_here(read, wanted, config, True)


def test_read_before_counts_only_the_wanted_files_the_workers_had_read(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """collect's second value is documented as how many of ``wanted`` the workers had read before the call."""
    small_chunks(monkeypatch, tmp_path)
    wanted = [files[k] for k in (45, 2, 21, 39, 0, 22)]
    job = ReadJob(files[:40], config.bloc, config.catalogue, 2)
    try:
        assert finished(job) == [0, 0]
        read, before = job.collect(wanted, False)
    finally:
        job.close()
    assert_read_as_here(read, wanted, config, False)
    assert before == 5  # chunks 0, 5 and 9 hold 12 files, of which 5 are wanted (files[45] is not in the job)


def failing_job(config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReadJob:
    """A job of ``files`` in chunks of SMALL whose two workers exit with status 3 before claiming anything."""
    monkeypatch.setattr(read_workers, "CHUNK", SMALL)
    workers_run(monkeypatch, tmp_path, "exit 3")
    return ReadJob(files, config.bloc, config.catalogue, 2)


def test_when_the_workers_fail_before_claiming_this_process_reads_every_chunk(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Workers that exit with status 3 at once claim nothing: collect reads all 13 chunks here, from the back."""
    job = failing_job(config, files, monkeypatch, tmp_path)
    try:
        mine = reads_here(monkeypatch)
        read, before = job.collect(files, True)
        assert finished(job) == [3, 3]
    finally:
        job.close()
    assert before == 0
    assert mine == [rels(files[k * SMALL : (k + 1) * SMALL]) for k in reversed(range(13))]
    assert_read_as_here(read, files, config, True)


def test_a_chunk_claimed_by_a_worker_that_died_stops_collect_with_the_exit_statuses(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Chunk 1 claimed (as by a worker killed while reading it) can never arrive: RuntimeError, not a hang."""
    job = failing_job(config, files, monkeypatch, tmp_path)
    try:
        assert read_workers._claim(job.folder, 1)
        mine = reads_here(monkeypatch)
        with pytest.raises(RuntimeError, match=r"exit status \[3, 3\]\) before chunks \[1\]"):
            job.collect(files, False)
        assert rels(files[SMALL : 2 * SMALL]) not in mine and len(mine) == 12
    finally:
        job.close()


def test_a_chunk_a_killed_worker_was_reading_is_reported(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Workers held back then killed after chunk 0 is claimed in their name: collect raises, naming chunk 0."""
    gate = tmp_path / "go"
    small_chunks(monkeypatch, tmp_path, gate)
    job = ReadJob(files, config.bloc, config.catalogue, 2)
    try:
        assert read_workers._claim(job.folder, 0)
        for proc in job.workers:
            proc.kill()
        assert finished(job) == [-9, -9]
        with pytest.raises(RuntimeError, match=r"exit status \[-9, -9\]\) before chunks \[0\]"):
            job.collect(files, False)
    finally:
        job.close()


def test_close_stops_the_workers_and_removes_the_folder(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Workers still waiting are killed and the job's folder goes; closing again does nothing."""
    small_chunks(monkeypatch, tmp_path, tmp_path / "never")
    job = ReadJob(files, config.bloc, config.catalogue, 2)
    assert (job.folder / "job").is_file()
    job.close()
    assert [proc.returncode for proc in job.workers] == [-9, -9]
    assert not job.folder.exists()
    job.close()


def test_a_job_read_ahead_is_taken_by_the_next_read_for_its_bloc(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """read_ahead starts 2 niced workers (3 processes asked); read_anywhere takes in all they read, and the job."""
    monkeypatch.setenv(PROCESSES_ENV, "3")
    small_chunks(monkeypatch, tmp_path)
    read_ahead(files, config.bloc, config.catalogue)
    [job] = read_workers._ahead
    assert [command[-1] for command in commands(job)] == [str(AHEAD_NICE)] * 2
    assert finished(job) == [0, 0]
    caplog.set_level(logging.INFO, logger="flows.read_workers")
    mine = reads_here(monkeypatch)
    read = read_anywhere(files, config.bloc, config.catalogue, False)
    assert read_workers._ahead == [] and not job.folder.exists() and mine == []
    assert "read 50 files in 3 processes (50 read ahead)" in caplog.messages
    assert_read_as_here(read, files, config, False)


def test_a_read_for_another_bloc_or_catalogue_leaves_the_job_read_ahead(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another bloc or catalogue reads its files on its own (here, 1 process); the job waits for its own bloc."""
    monkeypatch.setenv(PROCESSES_ENV, "2")
    workers_run(monkeypatch, tmp_path, "exit 0")
    read_ahead(files, config.bloc, config.catalogue)
    [job] = read_workers._ahead
    monkeypatch.setenv(PROCESSES_ENV, "1")
    mine = reads_here(monkeypatch)
    other_bloc = replace(config.bloc, code=config.bloc.code + "-other")
    other_catalogue = replace(config.catalogue, year=config.catalogue.year + 1)
    assert [s for s, _ in read_anywhere(files[:3], other_bloc, config.catalogue, False)] == [
        s for s, _ in read_files(files[:3], other_bloc, config.catalogue, False)
    ]
    read_anywhere(files[3:5], config.bloc, other_catalogue, True)
    assert read_workers._ahead == [job] and mine == [rels(files[:3]), rels(files[3:5])]
    read = read_anywhere(files, config.bloc, config.catalogue, True)
    assert read_workers._ahead == [] and not job.folder.exists()
    assert_read_as_here(read, files, config, True)


def test_a_small_set_is_neither_read_ahead_nor_sent_to_workers(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under MIN_FILES (and no THIDUA_READ_PROCESSES) no job starts: read_anywhere is read_files here."""
    monkeypatch.delenv(PROCESSES_ENV, raising=False)

    def no_job(*args: object, **kwargs: object) -> None:
        raise AssertionError("no worker should start for a small set")

    monkeypatch.setattr(read_workers, "ReadJob", no_job)
    read_ahead(files, config.bloc, config.catalogue)
    assert read_workers._ahead == []
    assert_read_as_here(read_anywhere(files, config.bloc, config.catalogue, True), files, config, True)


def test_read_anywhere_starts_its_own_job_for_a_large_set(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With 3 processes and nothing read ahead, 2 workers start (not niced) and are stopped after the read."""
    monkeypatch.setenv(PROCESSES_ENV, "3")
    monkeypatch.setattr(read_workers, "CHUNK", SMALL)
    workers_run(monkeypatch, tmp_path, "exit 0")
    started: list[ReadJob] = []

    class Recorded(ReadJob):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            started.append(self)

    monkeypatch.setattr(read_workers, "ReadJob", Recorded)
    caplog.set_level(logging.INFO, logger="flows.read_workers")
    read = read_anywhere(files, config.bloc, config.catalogue, False)
    [job] = started
    assert [command[-1] for command in commands(job)] == ["0", "0"] and not job.folder.exists()
    assert "read 50 files in 3 processes (0 read ahead)" in caplog.messages
    assert_read_as_here(read, files, config, False)


def cache_some(config: YearConfig, cache_dir: Path, some: Files) -> None:
    cache = ParseCache(cache_dir, config.bloc, config.catalogue)
    for (file, period), (sub, _) in zip(some, read_files(some, config.bloc, config.catalogue, False), strict=True):
        cache.put(file, period, pickled(sub))
    cache.save()


def test_read_ahead_for_a_review_skips_the_files_in_the_parse_cache(
    config: YearConfig, files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The review's 50 files less the 11 annual and appraisal ones cached; without a cache (--force), all 50."""
    monkeypatch.setenv(PROCESSES_ENV, "2")
    workers_run(monkeypatch, tmp_path, "exit 0")
    cache_dir = parse_cache_folder(tmp_path / "outputs", force=False)
    assert cache_dir is not None
    cache_some(config, cache_dir, [f for f in files if f[1] is None])
    read_ahead_for(config, cache_dir)
    [job] = read_workers._ahead
    assert job.files == [f for f in files if f[1] is not None] and len(job.files) == 39
    assert job.bloc == config.bloc and job.catalogue == config.catalogue
    read_workers._ahead.clear()
    job.close()
    read_ahead_for(config, parse_cache_folder(tmp_path / "outputs", force=True))
    [job] = read_workers._ahead
    assert job.files == list(files)


def test_read_ahead_for_a_month_reads_that_month_less_the_files_in_the_parse_cache(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A monthly run reads ahead only ``monthly/<period>/``, less what its configuration's cache holds."""
    monkeypatch.setenv(PROCESSES_ENV, "2")
    workers_run(monkeypatch, tmp_path, "exit 0")
    month = month_inputs(config.year_dir, "2025-11")
    assert len(month) == 10 and all(period == "2025-11" for _, period in month)
    cache_dir = tmp_path / "cache"
    cache_some(config, cache_dir, month[:4])
    read_ahead_for(config, cache_dir, "2025-11")
    [job] = read_workers._ahead
    assert job.files == month[4:]
    read_workers._ahead.clear()
    job.close()
    read_ahead_for(replace(config, catalogue=replace(config.catalogue, year=2026)), cache_dir, "2025-11")
    [job] = read_workers._ahead
    assert job.files == month  # what was read for another configuration is not what this one will read


def test_read_ahead_is_skipped_when_the_files_cannot_be_listed_or_no_worker_starts(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Reading ahead is an optimisation: the flow finds the files again and reports what it cannot read."""
    monkeypatch.setenv(PROCESSES_ENV, "2")
    caplog.set_level(logging.WARNING, logger="flows.read_workers")

    def unreadable(*args: object) -> Files:
        raise PermissionError("inputs/2025/annual: permission denied")

    monkeypatch.setattr(read_workers, "discover", unreadable)
    read_ahead_for(config, None)
    assert read_workers._ahead == []
    assert "not reading ahead: inputs/2025/annual: permission denied" in caplog.messages
    monkeypatch.undo()
    monkeypatch.setenv(PROCESSES_ENV, "2")

    def no_process(*args: object, **kwargs: object) -> None:
        raise OSError("cannot start a process")

    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recorded(*args: str, **kwargs: str) -> str:
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(read_workers.subprocess, "Popen", no_process)
    monkeypatch.setattr(read_workers.tempfile, "mkdtemp", recorded)
    read_ahead_for(config, None)
    assert read_workers._ahead == []
    assert "not reading ahead: cannot start a process" in caplog.messages
    assert len(made) == 1 and not Path(made[0]).exists()  # the job's folder went with it


def test_a_small_set_is_read_here_and_the_environment_can_fix_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under MIN_FILES one process; above, one per MIN_FILES/2 files up to the cores; the environment overrides."""
    monkeypatch.delenv(PROCESSES_ENV, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    assert reader_processes(MIN_FILES - 1) == 1
    assert reader_processes(MIN_FILES) == 2
    assert reader_processes(10 * MIN_FILES) == 8
    monkeypatch.setenv(PROCESSES_ENV, "1")
    assert reader_processes(10 * MIN_FILES) == 1
    monkeypatch.setenv(PROCESSES_ENV, "0")
    assert reader_processes(10 * MIN_FILES) == 1
    monkeypatch.setenv(PROCESSES_ENV, "3")
    assert reader_processes(5) == 3
    monkeypatch.setenv(PROCESSES_ENV, "many")
    assert reader_processes(5) == 1
