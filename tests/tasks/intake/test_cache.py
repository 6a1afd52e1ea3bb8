"""The parse cache: a rerun reads only the files whose bytes changed, from one pack file per configuration."""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tasks.config.year import load_year
from tasks.domain import Bloc, Catalogue, Status, Submission
from tasks.intake import cache as cache_module
from tasks.intake.cache import KEY_ENV, MAGIC, cache_key, sealed, uncached, unsealed
from tasks.intake.cache_codec import as_json
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

    def reader(files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress) -> list[Submission]:
        read.extend(file.rel for file, _ in files)
        return read_files(files, bloc, catalogue, progress)

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


def test_before_a_run_the_files_left_to_read_are_those_the_cache_does_not_hold(inputs: Path, tmp_path: Path) -> None:
    """What the command line reads ahead: every file the first time, only Sa Pa's corrected file on a rerun,
    everything with ``--force`` (no cache folder)."""
    config = load_year(inputs, 2025)
    cache = tmp_path / "cache"
    files = discover(config.year_dir)
    assert uncached(files, cache, config.bloc, config.catalogue) == files
    read_all(files, config.bloc, config.catalogue, cache)
    assert uncached(files, cache, config.bloc, config.catalogue) == []
    book = openpyxl.load_workbook(config.year_dir / SAPA)
    book["Thông tin"]["J1"] = "Bản sửa"
    book.save(config.year_dir / SAPA)
    files = discover(config.year_dir)
    assert [file.rel for file, _ in uncached(files, cache, config.bloc, config.catalogue)] == [SAPA]
    assert uncached(files, None, config.bloc, config.catalogue) == files


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
    """A pickle payload that, when unpickled, creates the file ``marker`` (what a hostile pickle would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _tagged(head: bytes, key: bytes, body: bytes) -> bytes:
    """A pack as ``sealed`` lays it out, with a tag that is right for ``key``, around any ``body``."""
    return head + hmac.new(key, body, hashlib.sha256).digest() + body


def _planted_packs(marker: Path, key: bytes) -> list[bytes]:
    """Pickles carrying the payload: bare, behind a forged tag, and even correctly tagged with the user's own key
    (the layout of the old pickle packs, and the current one): none of them is ever unpickled."""
    bare = pickle.dumps(_Plant(marker))
    return [
        bare,
        MAGIC + b"\0" * 32 + bare,
        _tagged(b"thidua-parse-cache-v2\n", key, pickle.dumps({"x": pickle.dumps(_Plant(marker))})),
        _tagged(MAGIC, key, bare),
    ]


def _first_run(inputs: Path, tmp_path: Path) -> tuple[Files, Bloc, Catalogue, list[Submission], Path, bytes]:
    """The sample read once into an empty cache: files, configuration, submissions, the pack and the key."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    subs = read_all(files, config.bloc, config.catalogue, tmp_path / "cache")
    key = cache_key(tmp_path / "state" / "cache.key")
    assert key is not None
    return files, config.bloc, config.catalogue, subs, next((tmp_path / "cache").rglob("*.pack")), key


def _replace_packs(pack: Path, planted: Sequence[bytes]) -> None:
    """Only the ``planted`` packs where the cache looks, newest last."""
    for old in pack.parent.glob("*.pack"):
        old.unlink()
    for i, data in enumerate(planted):
        (pack.parent / f"9999999999999999999{i}-1.pack").write_bytes(data)


def test_a_planted_pickle_runs_nothing_and_the_files_are_read(inputs: Path, tmp_path: Path) -> None:
    """Someone who can write to outputs/.cache plants pickles that would create a file when unpickled: none of
    them runs, even one tagged with the user's key, and every file is read from the inputs instead."""
    files, bloc, catalogue, subs, pack, key = _first_run(inputs, tmp_path)
    marker = tmp_path / "pwned"
    _replace_packs(pack, _planted_packs(marker, key))
    read: list[str] = []
    assert read_all(files, bloc, catalogue, tmp_path / "cache", counting(read)) == subs
    assert not marker.exists()
    assert len(read) == len(files)


def _forged(entries: dict[str, bytes], ward_code: str) -> dict[str, bytes]:
    """Every stored reading changed to name ``ward_code``: valid JSON, in the form the cache decodes."""
    return {key: json.dumps({**json.loads(entry), "ward_code": ward_code}).encode() for key, entry in entries.items()}


def test_a_forged_reading_without_the_key_is_ignored(inputs: Path, tmp_path: Path) -> None:
    """A pack edited in plain JSON (every file attributed to Sa Pa) is ignored when its tag is not made with the
    user's key, whether it keeps the old tag or is tagged with another key: every file is read as it is. Tagged
    with the right key the same forgery would be believed, so the tag is what keeps it out."""
    files, bloc, catalogue, subs, pack, key = _first_run(inputs, tmp_path)
    entries = unsealed(key, pack.read_bytes())
    assert entries is not None
    forged = sealed(key, _forged(entries, "SAPA"))
    old_tag = pack.read_bytes()[len(MAGIC) : len(MAGIC) + 32]
    _replace_packs(pack, [MAGIC + old_tag + forged[len(MAGIC) + 32 :], sealed(b"k" * 32, _forged(entries, "SAPA"))])
    read: list[str] = []
    assert read_all(files, bloc, catalogue, tmp_path / "cache", counting(read)) == subs
    assert len(read) == len(files)
    _replace_packs(pack, [forged])
    believed = read_all(files, bloc, catalogue, tmp_path / "cache", counting([]))
    assert {sub.ward_code for sub in believed} == {"SAPA"}


def _malformed(entries: dict[str, bytes]) -> dict[str, bytes]:
    """Each stored reading broken in its own way: most still valid JSON, some not JSON at all."""
    breaks: list[Callable[[dict[str, Any]], Any]] = [
        lambda e: {k: v for k, v in e.items() if k != "status"},  # a field missing
        lambda e: {**e, "extra": 1},  # a field too many
        lambda e: {**e, "kind": "spreadsheet"},  # an unknown kind
        lambda e: {**e, "issues": [{"severity": "error"}]},  # an issue without its words
        lambda e: {**e, "prepared_on": "31/12/2025"},  # not an ISO date
        lambda e: {**e, "workbook": {"info_sheet": 1, "info": {}, "tables": {}}},  # a sheet name not text
        lambda e: {**e, "file": [e["file"]]},  # a list where an object was written
        lambda e: [e],
        lambda e: {**e, "workbook": {"info_sheet": None, "info": {"x": [{"date": 5}, None, False]}, "tables": {}}},
        lambda e: None,
    ]
    broken = {
        key: json.dumps(breaks[n % len(breaks)](json.loads(entry))).encode()
        for n, (key, entry) in enumerate(entries.items())
    }
    first, second, *_ = broken
    return {**broken, first: b'{"cut short": [', second: b"\xff\xfe not utf-8"}


def test_an_authentic_pack_with_malformed_content_is_a_miss_not_a_crash(inputs: Path, tmp_path: Path) -> None:
    """A pack tagged with the right key whose content is not what the cache writes (cut short, lines without a
    key, entries not UTF-8, not JSON or broken field by field) never stops the run: its files are read again,
    and the next run finds them in the pack written then."""
    files, bloc, catalogue, subs, pack, key = _first_run(inputs, tmp_path)
    entries = unsealed(key, pack.read_bytes())
    assert entries is not None
    line = next(iter(entries)).encode() + b" " + next(iter(entries.values()))
    for planted in (
        _tagged(MAGIC, key, line),  # the last line cut short
        _tagged(MAGIC, key, b"no-key-before-the-json\n"),
        _tagged(MAGIC, key, b"X" * 64 + line[64:] + b"\n"),  # not a key the cache makes
        sealed(key, _malformed(entries)),
    ):
        _replace_packs(pack, [planted])
        read: list[str] = []
        assert read_all(files, bloc, catalogue, tmp_path / "cache", counting(read)) == subs
        assert len(read) == len(files)
    again: list[str] = []
    assert read_all(files, bloc, catalogue, tmp_path / "cache", counting(again)) == subs
    assert again == []


def test_a_file_whose_reading_was_lost_is_rejected_and_read_again_next_time(inputs: Path, tmp_path: Path) -> None:
    """When a reader gets nothing for Sa Pa's file (its process died), the file comes back rejected in plain
    words and is not cached: the next run reads it again, and only it."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)

    def losing(
        files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress
    ) -> list[Submission | None]:
        return [
            None if file.rel == SAPA else sub
            for (file, _), sub in zip(files, read_files(files, bloc, catalogue, progress), strict=True)
        ]

    subs = read_all(files, config.bloc, config.catalogue, tmp_path / "cache", losing)
    sapa = next(sub for sub in subs if sub.file.rel == SAPA)
    assert sapa.status is Status.REJECTED and [i.rule for i in sapa.issues] == ["unreadable"]
    assert "Không đọc được tệp" in sapa.issues[0].message
    read: list[str] = []
    again = read_all(files, config.bloc, config.catalogue, tmp_path / "cache", counting(read))
    assert read == [SAPA] and next(sub for sub in again if sub.file.rel == SAPA).status is Status.ACCEPTED


def test_what_a_reader_sends_in_the_cache_form_is_decoded_and_cached_as_it_is(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes send each submission as the bytes of the cache's form: the run gets the same submissions
    as from reading here and caches those bytes without encoding them again; bytes that do not decode are a
    reading lost (rejected, not cached)."""
    config = load_year(inputs, 2025)
    files = discover(config.year_dir)
    here = read_files(files, config.bloc, config.catalogue)

    def sending(
        files: Files, bloc: Bloc, catalogue: Catalogue, progress: Progress = no_progress
    ) -> list[Submission | bytes]:
        return [
            b"not the form" if file.rel == SAPA else as_json(sub) for (file, _), sub in zip(files, here, strict=True)
        ]

    with monkeypatch.context() as patch:
        patch.setattr(cache_module, "as_json", lambda sub: pytest.fail("encoded again"))
        subs = read_all(files, config.bloc, config.catalogue, tmp_path / "cache", sending)
    assert [s for s in subs if s.file.rel != SAPA] == [s for s in here if s.file.rel != SAPA]
    sapa = next(sub for sub in subs if sub.file.rel == SAPA)
    assert sapa.status is Status.REJECTED and [i.rule for i in sapa.issues] == ["unreadable"]
    read: list[str] = []
    assert read_all(files, config.bloc, config.catalogue, tmp_path / "cache", counting(read)) == here
    assert read == [SAPA]


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
