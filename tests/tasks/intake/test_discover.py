"""Discovery: every entry under a submission folder is read or listed as refused, whatever the file tree holds.

The property-based tests build random trees (names of any characters or of bytes that are not UTF-8, nested
folders, links that point nowhere, at themselves or up the tree, named pipes, files without permissions) and
check that neither discovery nor reading ever raises, that every entry is accounted for, and that every name
is printable by every writer.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.config.year import load_year
from tasks.domain import Severity
from tasks.intake import discover as discover_module
from tasks.intake.discover import discover, is_skipped, shown_name
from tasks.intake.read_all import read_all
from tests.support.examples import examples

SAMPLE_INPUTS = Path(__file__).resolve().parents[3] / "inputs"
WORKBOOK = SAMPLE_INPUTS / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx"
CONFIG = load_year(SAMPLE_INPUTS, 2025)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def test_discovery_skips_lock_and_hidden_files_and_lists_by_name(tmp_path: Path) -> None:
    """It lists each folder's files by name with their hashes, never Excel's ``~$`` lock files or hidden files, nor
    an empty sub-folder (it hides no file)."""
    annual = tmp_path / "annual"
    annual.mkdir()
    for name in ("b.xlsx", "a.xlsx", "~$a.xlsx", ".hidden.xlsx", "ghi-chu.txt"):
        (annual / name).write_bytes(name.encode())
    (annual / "sub-folder").mkdir()
    (tmp_path / "monthly" / "2025-12").mkdir(parents=True)
    (tmp_path / "monthly" / "2025-12" / "x.xlsm").write_bytes(b"x")

    found = [(f.rel, f.kind.value, month, f.sha256[:8]) for f, month in discover(tmp_path)]

    assert found == [
        ("annual/a.xlsx", "annual", None, "90e06ba3"),
        ("annual/b.xlsx", "annual", None, "e1184ff5"),
        ("annual/ghi-chu.txt", "unknown", None, "0f72535c"),
        ("monthly/2025-12/x.xlsm", "monthly", "2025-12", "2d711642"),
    ]


def test_a_file_the_process_may_not_read_is_listed_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file without read permission is a refused entry (root ignores permissions, so access is denied here by
    hand), and reading it tells the ward in Vietnamese."""
    (tmp_path / "annual").mkdir()
    shutil.copy(WORKBOOK, tmp_path / "annual" / "khoa.xlsx")
    monkeypatch.setattr(discover_module.os, "access", lambda path, mode: False)
    [(file, _)] = discover(tmp_path)
    assert (file.rel, file.refused, file.sha256) == ("annual/khoa.xlsx", "unreadable", "")
    [sub] = read_all([(file, None)], CONFIG.bloc, CONFIG.catalogue)
    assert sub.status.value == "rejected"
    assert "không có quyền đọc" in sub.issues[0].message


def test_a_file_that_vanishes_while_it_is_hashed_is_listed_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file removed (or locked) between the listing and the hashing is refused, not a crash."""
    (tmp_path / "annual").mkdir()
    (tmp_path / "annual" / "a.xlsx").write_bytes(b"x")

    def vanish(path: Path) -> str:
        raise FileNotFoundError(path)

    monkeypatch.setattr(discover_module, "sha256_file", vanish)
    [(file, _)] = discover(tmp_path)
    assert file.refused == "unreadable"


def test_a_name_that_is_not_utf8_is_shown_escaped() -> None:
    """Bytes a name holds that are not UTF-8 read as ``\\xe9``, control characters too; Vietnamese stays."""
    assert shown_name(os.fsdecode(b"b\xe1o-c\xe1o.xlsx")) == "b\\xe1o-c\\xe1o.xlsx"
    assert shown_name("dòng\nmới\x1b.xlsx") == "dòng\\x0amới\\x1b.xlsx"


def test_a_sub_folder_is_listed_as_not_read_and_its_files_do_not_count(tmp_path: Path) -> None:
    """Only files *in* a submission folder are submissions: an old copy kept in ``annual/bản cũ/`` is not read (it
    would compete with the ward's file), and the folder is one refused entry that the ward and secretariat read
    about in Vietnamese."""
    old = tmp_path / "annual" / "bản cũ"
    old.mkdir(parents=True)
    shutil.copy(WORKBOOK, tmp_path / "annual" / "tu-cham.xlsx")
    shutil.copy(WORKBOOK, old / "tu-cham.xlsx")
    found = discover(tmp_path)
    assert [(f.rel, f.refused) for f, _ in found] == [("annual/bản cũ", "subfolder"), ("annual/tu-cham.xlsx", None)]
    folder, sub = read_all(found, CONFIG.bloc, CONFIG.catalogue)
    assert (folder.status.value, sub.status.value, sub.ward_code) == ("rejected", "accepted", "SAPA")
    assert folder.issues[0].message == (
        "Thư mục con 'annual/bản cũ' không được đọc: chỉ các tệp nằm ngay trong thư mục nộp mới là hồ sơ, "
        "nên không tệp nào trong thư mục con này được tính."
    )


def test_month_folders_are_read_and_their_sub_folders_are_not(tmp_path: Path) -> None:
    """``monthly/<YYYY-MM>/`` are the monthly submission folders; a folder inside one is listed, not read."""
    month = tmp_path / "monthly" / "2025-12"
    (month / "cu").mkdir(parents=True)
    (month / "bao-cao.xlsx").write_bytes(b"x")
    (month / "cu" / "bao-cao.xlsx").write_bytes(b"x")
    found = [(f.rel, f.refused, period) for f, period in discover(tmp_path)]
    assert found == [("monthly/2025-12/bao-cao.xlsx", None, "2025-12"), ("monthly/2025-12/cu", "subfolder", "2025-12")]


def test_a_month_folder_outside_the_window_is_listed_with_its_month(tmp_path: Path) -> None:
    """Every file of a month folder is a submission (spec §2), also one of a month the year does not count:
    reading refuses it by name, discovery never leaves it out."""
    for month in ("2025-08", "2025-09"):
        (tmp_path / "monthly" / month).mkdir(parents=True)
        (tmp_path / "monthly" / month / "bao-cao.xlsx").write_bytes(b"x")
    found = [(f.rel, f.refused, period) for f, period in discover(tmp_path)]
    assert found == [
        ("monthly/2025-08/bao-cao.xlsx", None, "2025-08"),
        ("monthly/2025-09/bao-cao.xlsx", None, "2025-09"),
    ]


def test_an_empty_sub_folder_is_not_listed(tmp_path: Path) -> None:
    """A sub-folder holding nothing (or only Excel's lock files) hides no submission: nothing to say about it."""
    (tmp_path / "annual" / "trong").mkdir(parents=True)
    (tmp_path / "annual" / "khoa").mkdir()
    (tmp_path / "annual" / "khoa" / "~$a.xlsx").write_bytes(b"x")
    assert discover(tmp_path) == []


@pytest.mark.parametrize(
    "name", ["Thumbs.db", "thumbs.db", "desktop.ini", "Desktop.ini", ".DS_Store", "~$tu-cham.xlsx", ".an-di.xlsx"]
)
def test_files_the_system_or_excel_leave_in_a_folder_are_not_submissions(tmp_path: Path, name: str) -> None:
    """Windows' thumbnail cache and folder settings, macOS' folder file, Excel's lock file and hidden files are
    not listed at all: never counted as a rejected submission."""
    for folder in ("annual", "appraisal", "monthly", "monthly/2025-12"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / name).write_bytes(b"junk")
    assert discover(tmp_path) == []


# --- Property-based: random file trees --------------------------------------------------------------

LEAVES = ("file", "workbook", "empty", "fifo", "link_missing", "link_self", "link_up", "link_file", "no_access")


@dataclass(frozen=True)
class Folder:
    """A folder of the generated tree: (name, child) pairs, a child being a leaf kind or a Folder."""

    children: tuple[tuple[bytes, object], ...]


def _as_bytes(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else os.fsencode(name)


_text_names = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=16
)
_byte_names = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\x00" not in b)
names = (
    st.tuples(st.one_of(_text_names, _byte_names), st.sampled_from(["", ".xlsx", ".xlsm", ".xls", ".txt"]))
    .map(lambda pair: _as_bytes(pair[0]) + pair[1].encode())
    .filter(lambda b: b not in (b".", b"..") and len(b) < 200)
)
trees = st.recursive(
    st.sampled_from(LEAVES),
    lambda children: st.lists(st.tuples(names, children), max_size=4, unique_by=lambda pair: pair[0]).map(
        lambda pairs: Folder(tuple(pairs))
    ),
    max_leaves=12,
)
folders = st.sampled_from([b"annual", b"appraisal", b"monthly/2025-12", b"monthly", b"monthly/khac"])


def _make(path: bytes, node: object, workbook: bytes) -> None:
    """Create ``node`` at ``path`` (bytes, so names need not be UTF-8)."""
    if isinstance(node, Folder):
        os.makedirs(path, exist_ok=True)
        for name, child in node.children:
            _make(os.path.join(path, name), child, workbook)
        return
    makers = {
        "file": lambda: _write(path, b"not a workbook"),
        "workbook": lambda: _write(path, workbook),
        "empty": lambda: _write(path, b""),
        "fifo": lambda: os.mkfifo(path),
        "link_missing": lambda: os.symlink(path + b".gone", path),
        "link_self": lambda: os.symlink(path, path),
        "link_up": lambda: os.symlink(os.path.dirname(path), path),
        "link_file": lambda: os.symlink(os.fsencode(WORKBOOK), path),
        "no_access": lambda: (_write(path, workbook), os.chmod(path, 0)),
    }
    makers[str(node)]()


def _write(path: bytes, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def _expected(path: bytes, node: object) -> set[bytes]:
    """The paths discovery must list for ``node`` in its submission folder: a leaf or a sub-folder, as itself
    (a sub-folder is not entered; one holding nothing to read is left out)."""
    if is_skipped(os.fsdecode(os.path.basename(path))):
        return set()
    if isinstance(node, Folder) and all(is_skipped(os.fsdecode(name)) for name, _ in node.children):
        return set()
    return {path}


def _expected_in(base: bytes, tree: Folder) -> set[bytes]:
    """What discovery must list under ``base``; each folder directly in ``monthly/`` is a submission folder."""
    found: set[bytes] = set()
    for name, child in tree.children:
        path = os.path.join(base, name)
        if base.endswith(b"/monthly") and isinstance(child, Folder) and not is_skipped(os.fsdecode(name)):
            found |= _expected_in(path, child)
        else:
            found |= _expected(path, child)
    return found


def _check_tree(folder: bytes, tree: Folder) -> None:
    workbook = WORKBOOK.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(os.fsencode(tmp), folder)
        os.makedirs(base)
        for name, child in tree.children:
            _make(os.path.join(base, name), child, workbook)
        found = discover(Path(tmp))
        subs = read_all(found, CONFIG.bloc, CONFIG.catalogue)
    files = [file for file, _ in found]
    for file in files:
        file.rel.encode("utf-8")  # every writer can print it
        assert not _CONTROL.search(file.rel)
        assert file.refused is not None or len(file.sha256) == 64
    assert _expected_in(base, tree) <= {os.fsencode(file.path) for file in files}
    for sub in subs:
        assert sub.has_errors == (sub.status.value == "rejected")
        assert all(i.message and i.hint for i in sub.issues if i.severity is Severity.ERROR)


_trees = trees.filter(lambda t: isinstance(t, Folder) and bool(t.children))
_settings = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}


@settings(max_examples=examples(60), **_settings)  # type: ignore[arg-type]
@given(folder=folders, tree=_trees)
def test_any_file_tree_is_read_or_listed_without_an_exception(folder: bytes, tree: Folder) -> None:
    """Whatever the tree holds, discovery and reading never raise, list every entry (leaf or sub-folder),
    and give every entry a name any writer can print."""
    _check_tree(folder, tree)


@pytest.mark.fuzz
@settings(max_examples=2_000, **_settings)  # type: ignore[arg-type]
@given(folder=folders, tree=_trees)
def test_two_thousand_file_trees_are_read_or_listed_without_an_exception(folder: bytes, tree: Folder) -> None:
    """The same property over 2,000 generated trees (the long run, ``-m fuzz``)."""
    _check_tree(folder, tree)


def test_a_second_listing_in_the_same_process_hashes_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line lists the inputs before Prefect starts and the run lists them again: an unchanged file is
    hashed once; one rewritten in place with the same size and its modification time set back (which only its
    change time betrays) is hashed again and gets its new digest."""
    (tmp_path / "annual").mkdir()
    same, rewritten = tmp_path / "annual" / "a.xlsx", tmp_path / "annual" / "b.xlsx"
    same.write_bytes(b"unchanged")
    rewritten.write_bytes(b"before")
    hashed: list[str] = []
    real = discover_module.sha256_file
    monkeypatch.setattr(discover_module, "sha256_file", lambda path: hashed.append(path.name) or real(path))
    first = {file.path.name: file.sha256 for file, _ in discover(tmp_path)}
    times = rewritten.stat()
    rewritten.write_bytes(b"after!")
    os.utime(rewritten, ns=(times.st_atime_ns, times.st_mtime_ns))
    while rewritten.stat().st_ctime_ns == times.st_ctime_ns:  # the file system's clock has not ticked yet
        time.sleep(0.01)
        os.utime(rewritten, ns=(times.st_atime_ns, times.st_mtime_ns))  # sets the change time again
    second = {file.path.name: file.sha256 for file, _ in discover(tmp_path)}
    assert sorted(hashed) == ["a.xlsx", "b.xlsx", "b.xlsx"]
    assert second["a.xlsx"] == first["a.xlsx"] == real(same)
    assert second["b.xlsx"] == real(rewritten) != first["b.xlsx"]
