"""The parse cache: a rerun reads only the files whose bytes changed, from one pack file per configuration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from tasks.config.year import load_year
from tasks.domain import Bloc, Catalogue, Submission
from tasks.intake.discover import discover
from tasks.intake.read import Files, Reader, read_files
from tasks.intake.read_all import read_all

SAPA = "annual/tu-cham-diem-2025-sapa.xlsx"


def counting(read: list[str]) -> Reader:
    """``read_files`` that records which files it was asked to read."""

    def reader(files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool) -> list[tuple[Submission, bytes | None]]:
        read.extend(file.rel for file, _ in files)
        return read_files(files, bloc, catalogue, keep)

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
