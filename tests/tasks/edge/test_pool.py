"""The one seam for speed: reading in worker processes gives what reading here gives, and survives a dead worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import BrokenExecutor, Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tasks.config.year import YearConfig, load_year
from tasks.domain import Bloc, Catalogue, Submission
from tasks.edge import pool
from tasks.intake.cache_codec import as_json, from_json
from tasks.intake.discover import discover
from tasks.intake.read import Files, read_files
from tests.support.sample import SAMPLE

KILLER = "tu-cham-diem-2025-sapa.xlsx"  # the file whose reader process dies in the test below


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> YearConfig:
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copytree(SAMPLE, inputs / "2025", ignore=shutil.ignore_patterns("README*"))
    return load_year(inputs, 2025)


def dying_reader(files: Files, bloc: Bloc, catalogue: Catalogue) -> list[Submission]:
    """A chunk reader whose process dies, as a crash in a native library would kill it, on ``KILLER``."""
    if any(file.path.name == KILLER for file, _ in files):
        os._exit(70)
    return read_files(files, bloc, catalogue)


def received(items: Iterable[Submission | bytes | None]) -> list[Submission | None]:
    """What a run gets of ``items``: the bytes of the parse cache's form decoded, as ``read_all`` decodes them."""
    return [from_json(item) if isinstance(item, bytes) else item for item in items]


def test_reading_in_worker_processes_gives_what_reading_here_gives(config: YearConfig) -> None:
    """The same submissions in the same order, sent back in the parse cache's form, and the progress told once
    per task of files."""
    files = discover(config.year_dir)
    here = read_files(files, config.bloc, config.catalogue)
    steps: list[int] = []
    there = pool.read_in_pool(files, config.bloc, config.catalogue, progress=steps.append, size=7)
    assert sorted(steps) == sorted([7] * (len(files) // 7) + [len(files) % 7] * bool(len(files) % 7))
    assert there == [as_json(sub) for sub in here]
    assert received(there) == here


def test_a_submission_the_cache_form_cannot_hold_is_sent_as_it_is(config: YearConfig) -> None:
    """A cell value JSON has no form for (none that reading gives today) still reaches the run, unencoded."""
    sub = read_files(discover(config.year_dir)[:1], config.bloc, config.catalogue)[0]
    odd = replace(sub, prepared_on=datetime(2026, 1, 7, 8, 30))  # a datetime where the form holds a date
    assert pool._sent(odd) is odd
    assert pool._sent(sub) == as_json(sub)


@pytest.mark.slow  # ten worker processes: `make test` only
def test_a_reader_process_that_dies_loses_its_file_and_no_other(config: YearConfig) -> None:
    """Only Sa Pa's self-assessment, whose reader dies every time, comes back lost (None, which intake rejects
    and does not cache); every other file reads as usual."""
    files = discover(config.year_dir)
    assert any(file.path.name == KILLER for file, _ in files)
    here = read_files(files, config.bloc, config.catalogue)
    there = pool.read_in_pool(files, config.bloc, config.catalogue, size=10, reader=dying_reader)
    assert len(there) == len(files)
    for (file, _), sub, alone in zip(files, there, here, strict=True):
        assert sub is None if file.path.name == KILLER else received([sub]) == [alone]


def test_a_large_set_goes_to_the_workers_and_a_small_one_stays_here(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``read_in_parallel`` starts workers only from ``MIN_FILES`` files, and never with one process."""
    files = discover(config.year_dir)
    pooled: list[int] = []
    monkeypatch.setattr(pool, "read_in_pool", lambda f, *args: pooled.append(len(f)) or read_files(f, *args))
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    pool.read_in_parallel(files, config.bloc, config.catalogue)
    assert pooled == []
    monkeypatch.setattr(pool, "MIN_FILES", len(files))
    pool.read_in_parallel(files, config.bloc, config.catalogue)
    assert pooled == [len(files)]
    monkeypatch.setenv(pool.PROCESSES_ENV, "1")
    pool.read_in_parallel(files, config.bloc, config.catalogue)
    assert pooled == [len(files)]


def test_slow_writes_get_worker_processes_only_when_they_are_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10-ward bloc writes in the calling process; a thousand wards' documents and feedback get a pool."""
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    with pool.write_pool(10, 3) as executor:
        assert executor is None
    with pool.write_pool(1000, 100) as executor:
        assert executor is not None and executor.submit(sum, [1, 2]).result() == 3
    monkeypatch.setenv(pool.PROCESSES_ENV, "1")
    with pool.write_pool(1000, 100) as executor:
        assert executor is None


def test_it_never_writes_under_the_inputs(config: YearConfig) -> None:
    """Reading in workers leaves the inputs folder as it found it."""
    before = sorted(p.relative_to(config.year_dir) for p in Path(config.year_dir).rglob("*"))
    pool.read_in_pool(discover(config.year_dir), config.bloc, config.catalogue)
    assert sorted(p.relative_to(config.year_dir) for p in Path(config.year_dir).rglob("*")) == before


def test_files_read_ahead_are_taken_from_the_workers_and_the_others_read_here(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the workers read ahead (started before the run) is what the run gets for those files, told to its
    progress; a file not read ahead (one that came in later, say) is read in the calling process."""
    files = discover(config.year_dir)
    here = read_files(files, config.bloc, config.catalogue)
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    monkeypatch.setattr(pool, "MIN_FILES", 1)
    read_here: list[int] = []
    with pool.reading_ahead(files[1:], config.bloc, config.catalogue):
        monkeypatch.setattr(pool, "MIN_FILES", len(files) + 1)  # what is left is read here, counted below
        monkeypatch.setattr(pool, "read_files", lambda f, *args: read_here.append(len(f)) or read_files(f, *args))
        steps: list[int] = []
        got = list(pool.read_in_parallel(files, config.bloc, config.catalogue, steps.append))
        assert received(pool.read_in_parallel(files, config.bloc, config.catalogue)) == here  # taken once, then again
    assert received(got) == here
    assert read_here == [1, len(files)]
    assert sum(steps) == len(files)


def test_nothing_is_read_ahead_for_a_small_set_and_nothing_taken_by_another_configuration(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small set starts no worker at all; a run of another bloc reads its own files, in the calling process."""
    files = discover(config.year_dir)
    here = read_files(files, config.bloc, config.catalogue)
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    started: list[int] = []
    real_pool = pool.process_pool
    monkeypatch.setattr(pool, "process_pool", lambda n, **kw: started.append(n) or real_pool(n, **kw))
    with pool.reading_ahead(files, config.bloc, config.catalogue):
        assert received(pool.read_in_parallel(files, config.bloc, config.catalogue)) == here
    assert started == []
    monkeypatch.setattr(pool, "MIN_FILES", 1)
    other = replace(config.bloc, code="khoi-khac")
    with pool.reading_ahead(files, other, config.catalogue):
        monkeypatch.setattr(pool, "MIN_FILES", len(files) + 1)
        read_here: list[int] = []
        monkeypatch.setattr(pool, "read_files", lambda f, *args: read_here.append(len(f)) or read_files(f, *args))
        assert received(pool.read_in_parallel(files, config.bloc, config.catalogue)) == here
    assert len(started) == 1 and read_here == [len(files)]


def test_when_the_workers_cannot_start_the_run_reads_its_files_itself(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine that refuses new processes (a process limit, no memory) costs the head start, not the run."""
    files = discover(config.year_dir)
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    monkeypatch.setattr(pool, "MIN_FILES", 1)

    def refused(*args: object, **kwargs: object) -> object:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pool, "process_pool", refused)
    with pool.reading_ahead(files, config.bloc, config.catalogue):
        monkeypatch.setattr(pool, "MIN_FILES", len(files) + 1)
        got = list(pool.read_in_parallel(files, config.bloc, config.catalogue))
    assert got == read_files(files, config.bloc, config.catalogue)


def test_when_the_first_worker_fails_to_start_the_run_reads_its_files_itself(
    config: YearConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers start as reading ahead submits its first tasks, in a thread of its own: a pool broken there (a
    worker killed as it starts) is found when the run takes what was read ahead, and it reads every file itself."""
    files = discover(config.year_dir)
    monkeypatch.setenv(pool.PROCESSES_ENV, "2")
    monkeypatch.setattr(pool, "MIN_FILES", 1)

    class Broken(ThreadPoolExecutor):
        def submit(self, *args: object, **kwargs: object) -> Future:  # type: ignore[override]
            raise BrokenExecutor("a worker died as it started")

    monkeypatch.setattr(pool, "process_pool", lambda *args, **kwargs: nullcontext(Broken(1)))
    with pool.reading_ahead(files, config.bloc, config.catalogue):
        monkeypatch.setattr(pool, "MIN_FILES", len(files) + 1)
        got = list(pool.read_in_parallel(files, config.bloc, config.catalogue))
    assert got == read_files(files, config.bloc, config.catalogue)


def test_files_read_ahead_come_out_as_their_own_task_ends(config: YearConfig) -> None:
    """The run gets the files of a finished task while a later task is still being read: it can store them in
    the parse cache meanwhile. (A timer ends the later task after a while, so that a reader that waited for
    every task fails here instead of hanging.)"""
    files = discover(config.year_dir)[:4]
    subs = read_files(files, config.bloc, config.catalogue)
    first: Future[list[Submission]] = Future()
    last: Future[list[Submission]] = Future()
    first.set_result(subs[:2])
    ahead = {item: (files[:2], first) for item in files[:2]} | {item: (files[2:], last) for item in files[2:]}
    steps: list[int] = []
    timer = threading.Timer(30, last.set_result, [subs[2:]])
    timer.start()
    try:
        got = pool._in_order(files, ahead, {}, config.bloc, config.catalogue, steps.append)
        assert [next(got), next(got)] == subs[:2]
        assert not last.done() and steps == [2]
        last.set_result(subs[2:])
        assert list(got) == subs[2:] and steps == [2, 2]
    finally:
        timer.cancel()


# Run in a new interpreter, whose forkserver is not started yet: it prints whether the forkserver it starts
# ignores SIGINT (bit 1 of /proc's SigIgn mask) right after the pool is made, while it still imports its modules.
FORKSERVER_CTRL_C = """
import os, pathlib
from tasks.edge import pool
with pool.process_pool(1):
    for status in pathlib.Path("/proc").glob("[0-9]*/status"):
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        cmdline = (status.parent / "cmdline").read_bytes()
        if int(fields["PPid"]) == os.getpid() and b"multiprocessing.forkserver" in cmdline:
            print(int(fields["SigIgn"], 16) >> 1 & 1)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_forkserver_ignores_ctrl_c_from_its_start() -> None:
    """Ctrl-C reaches every process of the run; the forkserver must not print a traceback for it while it imports
    the workers' modules (the run stops with its one sentence)."""
    done = subprocess.run([sys.executable, "-c", FORKSERVER_CTRL_C], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.split()) == (0, ["1"]), done.stderr
