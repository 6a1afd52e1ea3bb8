"""Reading a large set of files in worker processes gives exactly what reading them here gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from flows.read_workers import CHUNK, MIN_FILES, PROCESSES_ENV, own_share, read_in_processes, reader_processes
from tasks.discover import discover
from tasks.intake import read_all
from tasks.settings import load_year


def test_worker_processes_read_the_same_submissions_in_the_same_order(inputs: Path) -> None:
    """The 2025 sample (50 files, one of them broken here) read by 3 workers equals read_all, file by file."""
    config = load_year(inputs, 2025)
    (config.year_dir / "annual" / "hong.xlsx").write_bytes(b"not a workbook")
    files = discover(config.year_dir, config.catalogue.window.months())
    here = read_all(files, config.bloc, config.catalogue)
    read = read_in_processes(files, config.bloc, config.catalogue, True, 3)
    there = [sub for sub, _ in read]
    assert [s.file.rel for s in there] == [s.file.rel for s in here]
    assert all(blob is not None and pickle.loads(blob) == sub for sub, blob in read)
    assert there == here
    assert any(s.workbook is None and s.issues for s in there)


def test_a_small_set_is_read_here_and_the_environment_can_fix_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under MIN_FILES no worker starts; THIDUA_READ_PROCESSES overrides (1 turns the workers off)."""
    monkeypatch.delenv(PROCESSES_ENV, raising=False)
    assert reader_processes(MIN_FILES - 1) == 1
    assert reader_processes(10 * MIN_FILES) >= 1
    monkeypatch.setenv(PROCESSES_ENV, "1")
    assert reader_processes(10 * MIN_FILES) == 1
    monkeypatch.setenv(PROCESSES_ENV, "3")
    assert reader_processes(5) == 3


def test_this_process_reads_less_than_a_worker_as_it_also_takes_in_their_work() -> None:
    """With one worker this process reads 43 % of the files, spread over the list; with many workers, none."""
    mine = own_share(1000, 1)
    assert len(mine) == 428 and mine[:3] == [2, 4, 6] and mine[-1] == 998
    assert own_share(1000, 8) == []


def test_files_beyond_one_chunk_come_back_in_order(inputs: Path) -> None:
    """A worker's share longer than CHUNK files arrives in several chunks, each put back in its place."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir, config.catalogue.window.months())
    many = [files[k % len(files)] for k in range(3 * CHUNK)]
    read = read_in_processes(many, config.bloc, config.catalogue, False, 2)
    assert [sub.file.rel for sub, _ in read] == [file.rel for file, _ in many]
    assert all(blob is None for _, blob in read)
