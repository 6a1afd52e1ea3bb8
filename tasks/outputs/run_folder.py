"""Run folders: every run writes a new folder, ``latest`` moves only to a complete one.

A run is built in ``<run-id>.incomplete/``; when every output is written and hashed into ``manifest.json``
the folder is renamed to ``<run-id>/`` and the ``latest`` symbolic link is replaced atomically. A run killed
midway leaves only an ``.incomplete`` folder and ``latest`` where it was. A lock file per output folder
keeps two runs for the same year or period from interleaving.

Faults that no retry can mend (a full disk, a folder the process may not write, a ``latest`` that is a plain
folder or file someone put there) become :class:`OutputFault`, whose message tells the secretariat in one
Vietnamese sentence what to do; only errors that may pass (a busy or briefly unreachable share) stay OSError.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasks.text import os_reason

INCOMPLETE = ".incomplete"
LATEST = "latest"
# The ``role`` of a manifest input read only to compare the run's own files with (a monthly run's earlier months);
# the run's own inputs carry no role.
COMPARISON = "comparison"


class RunLocked(RuntimeError):
    """Another run for the same output folder (``folder``) is in progress."""

    def __init__(self, message: str, folder: Path | None = None) -> None:
        super().__init__(message)
        self.folder = folder


class OutputFault(RuntimeError):
    """The outputs cannot be written and trying again will not help; the message is for the secretariat."""


# errno values a retry a few seconds later may get past (network shares); every other OSError is a fault
TRANSIENT_ERRNOS = frozenset({errno.EAGAIN, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT, errno.ESTALE, errno.EIO})


def fault_message(exc: OSError, base: Path) -> str:
    """One Vietnamese sentence naming the folder, what went wrong and what to do."""
    where = exc.filename or base
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Ổ đĩa chứa thư mục kết quả {base} đã đầy; hãy giải phóng dung lượng rồi chạy lại."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"Không có quyền ghi vào {where}; hãy cấp quyền ghi cho thư mục kết quả "
            f"hoặc chọn thư mục khác bằng --outputs rồi chạy lại."
        )
    return f"Không ghi được kết quả vào {where} ({os_reason(exc)}); hãy kiểm tra thư mục kết quả rồi chạy lại."


@contextmanager
def output_faults(base: Path) -> Iterator[None]:
    """Turn an OSError of the block that a retry cannot mend into :class:`OutputFault`."""
    try:
        yield
    except OSError as exc:
        if exc.errno in TRANSIENT_ERRNOS:
            raise
        raise OutputFault(fault_message(exc, base)) from exc


def check_latest(base: Path) -> None:
    """OutputFault when ``base/latest`` exists but is not a symbolic link (it would be lost or block the switch)."""
    latest = base / LATEST
    if latest.is_symlink() or not latest.exists():
        return
    what = "một thư mục" if latest.is_dir() else "một tệp"
    raise OutputFault(
        f"{latest} là {what} thường, không phải liên kết do thidua tạo; hãy đổi tên nó "
        f"(ví dụ thành {LATEST}-cu) rồi chạy lại."
    )


def new_run_id() -> str:
    """A run id that sorts by time: ``20260115T080000Z-3f9a``."""
    moment = datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"


@contextmanager
def run_lock(base: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``base`` for the duration of a run.

    OutputFault, before the run reads anything, when ``base`` cannot be created or written, or when its
    ``latest`` could not be switched at the end.
    """
    with output_faults(base):
        base.mkdir(parents=True, exist_ok=True)
        check_latest(base)
        lock = (base / ".lock").open("a+")
    with lock as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(
                f"another run is writing to {base}; wait for it to finish and try again "
                f"(một lần chạy khác đang ghi vào thư mục này; chờ lần chạy đó xong rồi chạy lại)",
                base,
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_bytes(path: Path, data: bytes) -> Path:
    """Write to a temporary name beside ``path`` and rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def hash_tree(root: Path, exclude: set[str]) -> list[dict[str, str]]:
    """Every file under ``root`` (posix path relative to it) with its sha256, sorted by path."""
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in exclude:
            continue
        out.append({"path": rel, "sha256": sha256_bytes(path.read_bytes())})
    return out


def start_run(base: Path, run_id: str) -> Path:
    """Create the working folder of a new run under ``base`` (after checking that ``latest`` can be switched)."""
    check_latest(base)
    work = base / f"{run_id}{INCOMPLETE}"
    work.mkdir(parents=True, exist_ok=False)
    return work


def finish_run(work: Path, manifest: dict[str, Any]) -> Path:
    """Hash every output into ``manifest.json``, rename the folder to its run id and move ``latest``."""
    manifest = {**manifest, "outputs": hash_tree(work, exclude={"manifest.json"})}
    write_bytes(work / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
    final = work.with_name(work.name.removesuffix(INCOMPLETE))
    check_latest(final.parent)  # someone may have put it there while this run was writing
    os.replace(work, final)
    link_tmp = final.parent / f".{LATEST}.{final.name}.tmp"
    if link_tmp.is_symlink():
        link_tmp.unlink()
    link_tmp.symlink_to(final.name, target_is_directory=True)
    os.replace(link_tmp, final.parent / LATEST)
    return final


def previous_complete_run(base: Path) -> Path | None:
    """The newest complete run folder under ``base``, or None."""
    runs = (
        sorted(
            p
            for p in base.iterdir()
            if p.is_dir() and not p.is_symlink() and not p.name.endswith(INCOMPLETE) and (p / "manifest.json").exists()
        )
        if base.is_dir()
        else []
    )
    return runs[-1] if runs else None
