"""The parse cache: a rerun reads only the files whose bytes changed, from one pack file per configuration."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from tasks.config.year import load_year
from tasks.domain import Bloc, Catalogue, Submission
from tasks.intake.cache import KEY_ENV, MAGIC, cache_key, sealed
from tasks.intake.discover import discover
from tasks.intake.read import Files, Progress, Reader, no_progress, read_files
from tasks.intake.read_all import read_all

SAPA = "annual/tu-cham-diem-2025-sapa.xlsx"


@pytest.fixture(autouse=True)
def private_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keeps its cache key in its own state folder, outside the cache folder."""
    path = tmp_path / "state" / "cache.key"
    monkeypatch.setenv(KEY_ENV, str(path))
    return path


def counting(read: list[str]) -> Reader:
    """``read_files`` that records which files it was asked to read."""

    def reader(
        files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool, progress: Progress = no_progress
    ) -> list[tuple[Submission, bytes | None]]:
        read.extend(file.rel for file, _ in files)
        return read_files(files, bloc, catalogue, keep, progress)

    return reader


def test_a_rerun_reads_nothing_and_gives_the_same_submissions(inputs: Path, tmp_path: Path) -> None:
    """It stores what the first run read in one pack and serves all of it to the second run."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    cache = tmp_path / "cache"
    first: list[str] = []
    subs = read_all(files, config.bloc, config.catalogue, cache, counting(first))
    again: list[str] = []
    cached = read_all(files, config.bloc, config.catalogue, cache, counting(again))
    assert len(first) == len(files) and again == []
    assert cached == subs


def test_files_from_the_cache_count_as_read_at_once_the_others_one_by_one(inputs: Path, tmp_path: Path) -> None:
    """The reading bar reaches every file of a rerun: cached files in one step, the edited one after it."""
    config = load_year(inputs, 2025)
    cache = tmp_path / "cache"
    read_all(discover(config.year_dir), config.bloc, config.catalogue, cache)
    book = openpyxl.load_workbook(config.year_dir / SAPA)
    book.active["A1"] = "sửa lại"
    book.save(config.year_dir / SAPA)
    files = discover(config.year_dir)
    steps: list[int] = []
    read_all(files, config.bloc, config.catalogue, cache, progress=steps.append)
    assert steps == [len(files) - 1, 1]
    assert len(list(cache.rglob("*.pack"))) == 1


def test_a_changed_file_is_read_again_and_the_old_pack_is_replaced(inputs: Path, tmp_path: Path) -> None:
    """A ward's corrected file (new bytes) is read; the rest come from the cache; one pack remains."""
    config = load_year(inputs, 2025)
    cache = tmp_path / "cache"
    read_all(discover(config.year_dir), config.bloc, config.catalogue, cache)
    packs = list(cache.rglob("*.pack"))
    book = openpyxl.load_workbook(config.year_dir / SAPA)
    book["Thông tin"]["J1"] = "Bản sửa"  # Sa Pa's corrected file: other bytes, same ward
    book.save(config.year_dir / SAPA)
    read: list[str] = []
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue, cache, counting(read))
    assert read == [SAPA]
    assert next(s for s in subs if s.file.rel == SAPA).ward_code == "SAPA"
    assert [p.exists() for p in packs] == [False] and len(list(cache.rglob("*.pack"))) == 1


def test_a_damaged_pack_is_ignored_and_the_files_are_read(
    inputs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A pack cut short (a disk full, a killed run) never stops a run: its files are read again."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    cache = tmp_path / "cache"
    subs = read_all(files, config.bloc, config.catalogue, cache)
    pack = next(cache.rglob("*.pack"))
    pack.write_bytes(pack.read_bytes()[:1000])
    read: list[str] = []
    assert read_all(files, config.bloc, config.catalogue, cache, counting(read)) == subs
    assert len(read) == len(files)
    assert "unreadable" in caplog.text


def test_another_configuration_does_not_use_the_entries(inputs: Path, tmp_path: Path) -> None:
    """The same bytes read under another bloc configuration (another ward list) are read again."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    cache = tmp_path / "cache"
    read_all(files, config.bloc, config.catalogue, cache)
    fewer = replace(config.bloc, members=config.bloc.members[:-1])
    read: list[str] = []
    read_all(files, fewer, config.catalogue, cache, counting(read))
    assert len(read) == len(files)


class _Plant:
    """A pickle payload that, when unpickled, creates the file ``marker`` (what a hostile pack would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _planted_packs(folder: Path, marker: Path, key: bytes) -> list[bytes]:
    """A bare pickle, a pack with a forged tag and a pack sealed with another key, each carrying the payload."""
    payload = pickle.dumps({"x": pickle.dumps(_Plant(marker))})
    bare = pickle.dumps(_Plant(marker))
    forged = MAGIC + b"\0" * 32 + bare
    return [bare, forged, sealed(b"k" * 32, {"x": payload}), sealed(key, {"x": payload})[:-1]]


def test_a_planted_cache_pack_runs_nothing_and_the_files_are_read(inputs: Path, tmp_path: Path) -> None:
    """Someone who can write to outputs/.cache plants packs that would create a file when unpickled:
    none of them runs, and every file is read from the inputs instead."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    cache = tmp_path / "cache"
    key = cache_key(tmp_path / "state" / "cache.key")
    assert key is not None
    subs = read_all(files, config.bloc, config.catalogue, cache)
    folder = next(cache.rglob("*.pack")).parent
    marker = tmp_path / "pwned"
    for pack in folder.glob("*.pack"):
        pack.unlink()
    for i, data in enumerate(_planted_packs(folder, marker, key)):
        (folder / f"9999999999999999999{i}-1.pack").write_bytes(data)
    read: list[str] = []
    assert read_all(files, config.bloc, config.catalogue, cache, counting(read)) == subs
    assert not marker.exists()
    assert len(read) == len(files)


def test_the_key_is_kept_outside_the_outputs_folder_and_private(tmp_path: Path) -> None:
    """The key file is created once, readable by its owner only, and the same key is returned afterwards."""
    path = tmp_path / "state" / "thidua" / "cache.key"
    key = cache_key(path)
    assert key is not None and len(key) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert cache_key(path) == key


def test_without_a_key_the_cache_is_off_and_every_file_is_read(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the key cannot be kept (its folder is a file), reruns read every file and no pack is written."""
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv(KEY_ENV, str(blocked / "cache.key"))
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    cache = tmp_path / "cache"
    read_all(files, config.bloc, config.catalogue, cache)
    read: list[str] = []
    read_all(files, config.bloc, config.catalogue, cache, counting(read))
    assert len(read) == len(files) and not list(cache.rglob("*.pack"))
