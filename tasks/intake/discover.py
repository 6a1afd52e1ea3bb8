"""Find the submissions of a year: every file in ``annual/``, ``appraisal/`` and ``monthly/<YYYY-MM>/``.

Inputs are never written. Each file is hashed once (sha256) so every score can be traced to the exact
bytes it came from: once per process, too, while its inode, size and times stay the same (the command line
lists the inputs before Prefect starts, to read them ahead, and the run lists them again).

One entry never stops the others: every entry in a submission folder is either a file to read or an
:class:`InputFile` whose ``refused`` names why it is not read (permissions, a link that points nowhere or
loops, a special file such as a FIFO, a sub-folder). Only the files *in* a submission folder are submissions
(spec §2): a sub-folder (an old copy kept in ``annual/bản cũ/``) is not entered, so it can neither count as a
resubmission nor be missed silently; it is listed as one refused entry, which the run's summary names. Links to
folders are not followed. Office lock files (``~$…``), hidden files (``.…``) and the files the operating system
leaves in folders (``Thumbs.db``, ``desktop.ini``) are not submissions and are skipped. A file name is shown
with undecodable bytes and control characters escaped (``\\xe9``), so every writer and the terminal can print it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tasks.domain import InputFile, Kind

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a monthly folder's name, a period
# Files Windows and macOS write into folders by themselves (thumbnail caches, folder settings); compared in lower case
SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", "icon\r"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


_digests: dict[tuple[str, int, int, int, int], str] = {}  # (path, inode, size, mtime, ctime) → sha256
_MAX_DIGESTS = 100_000  # a long-lived process (thidua serve) forgets them all past this


def _digest(path: Path) -> str:
    """``sha256_file(path)``, kept while the file's inode, size, modification and change times stay the same.

    A file rewritten in place changes its change time (which no one can set back), one replaced changes its
    inode: either is hashed again.
    """
    st = path.stat()
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    digest = _digests.get(key)
    if digest is None:
        if len(_digests) >= _MAX_DIGESTS:
            _digests.clear()
        digest = _digests[key] = sha256_file(path)
    return digest


def shown_name(name: str) -> str:
    """A file name as people and writers see it: bytes that are not UTF-8 and control characters escaped.

    On Linux an undecodable byte comes back from the file system as a lone surrogate, which no UTF-8 writer
    (CSV, XLSX, DOCX) can encode; ``\\xe9`` is what ``ls -b`` would show.
    """
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_skipped(name: str) -> bool:
    """Excel's lock files, hidden files and the operating system's own files: not submissions, never listed."""
    return name.startswith(("~$", ".")) or name.casefold() in SYSTEM_FILES


def _refusal(entry: os.DirEntry[str]) -> str | None:
    """Why an entry cannot be read as a file; ``"folder"`` for a real folder (not a link to one)."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        info = entry.stat(follow_symlinks=True)
    except OSError:  # a link that points nowhere or loops
        return "broken_link" if entry.is_symlink() else "unreadable"
    if stat.S_ISDIR(info.st_mode):
        return "linked_folder"
    if not stat.S_ISREG(info.st_mode):
        return "special_file"  # a FIFO would block the read forever; a device is no submission
    if not os.access(entry.path, os.R_OK):
        return "unreadable"
    return None


def _input(year_dir: Path, path: Path, kind: Kind, refused: str | None) -> InputFile:
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        kind = Kind.UNKNOWN
    rel = shown_name(path.relative_to(year_dir).as_posix())
    digest = ""
    if refused is None:
        try:
            digest = _digest(path)
        except OSError:  # gone or locked between the listing and the read
            refused = "unreadable"
    return InputFile(path=path, rel=rel, sha256=digest, kind=kind, refused=refused)


def _inputs(year_dir: Path, folder: Path, kind: Kind) -> list[InputFile]:
    """The entries of a submission folder; a sub-folder is one entry refused as ``subfolder``, not entered (an
    empty one, which can hide no file, is left out)."""
    return [
        _input(year_dir, path, kind, "subfolder" if refused == "folder" else refused)
        for path, refused in _entries_here(folder)
        if refused != "folder" or _entries_here(path)
    ]


def _entries_here(folder: Path) -> list[tuple[Path, str | None]]:
    """The entries of ``folder`` by name, sub-folders not entered (``"folder"``); one ``scandir`` pass."""
    try:
        with os.scandir(folder) as scan:
            pairs = sorted(((e.name, e) for e in scan if not is_skipped(e.name)), key=lambda pair: pair[0])
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError:
        return [(folder, "unreadable_folder")]
    return [(folder / name, _refusal(entry)) for name, entry in pairs]


@dataclass(frozen=True)
class FolderListing:
    """What one folder holds as a submission folder would be read (``thidua check FOLDER``)."""

    files: tuple[Path, ...]  # every entry but the skipped ones and sub-folders, by name
    subfolders: tuple[Path, ...]  # those holding something: not read
    readable: bool = True  # False: the folder could not be listed


def list_folder(folder: Path) -> FolderListing:
    """The entries of ``folder`` as discovery reads a submission folder: its files, and its sub-folders apart."""
    entries = _entries_here(folder)
    if entries == [(folder, "unreadable_folder")]:
        return FolderListing((), (), readable=False)
    files = tuple(path for path, refused in entries if refused != "folder")
    folders = tuple(path for path, refused in entries if refused == "folder" and _entries_here(path))
    return FolderListing(files, folders)


def discover(year_dir: Path) -> list[tuple[InputFile, str | None]]:
    """Every submission entry with the month of its folder (None outside ``monthly/``).

    Every month folder is listed, also one outside the year's ``monthly_window``: its files are submissions too
    (spec §2), which reading refuses by name (``outside_window``) instead of leaving out. A workbook directly in
    ``monthly/`` or in a folder of it not named as a month comes with no month: reading refuses it as in the wrong
    folder, once it has read which ward it is from.
    """
    found: list[tuple[InputFile, str | None]] = []
    for sub, kind in (("annual", Kind.ANNUAL), ("appraisal", Kind.APPRAISAL)):
        found += [(file, None) for file in _inputs(year_dir, year_dir / sub, kind)]
    entries = _entries_here(year_dir / "monthly")
    for folder in (path for path, refused in entries if refused == "folder"):
        month = folder.name if MONTH.match(folder.name) else None
        found += [(file, month) for file in _inputs(year_dir, folder, Kind.MONTHLY)]
    others = [(path, refused) for path, refused in entries if refused != "folder"]
    found += [(_input(year_dir, path, Kind.MONTHLY, refused), None) for path, refused in others]
    return found


def month_inputs(year_dir: Path, period: str) -> list[tuple[InputFile, str | None]]:
    """The submission entries of one month's folder ``monthly/<period>/`` (a ``YYYY-MM`` name), hashed."""
    return [(file, period) for file in _inputs(year_dir, year_dir / "monthly" / period, Kind.MONTHLY)]


def months_inputs(year_dir: Path, months: tuple[str, ...]) -> list[tuple[InputFile, str | None]]:
    """The submission entries of the folders ``monthly/<month>/`` of ``months``, month after month, hashed."""
    return [entry for month in months for entry in month_inputs(year_dir, month)]
