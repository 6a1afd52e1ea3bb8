"""Cache of what reading a file produced, keyed by its content hash.

Reruns in the days before the meeting read the same files again and again; a file whose bytes, folder
(kind and month), year configuration and reading code are unchanged is not parsed again. Validation still
runs over every submission each run, so every run's report covers every file. ``--force`` bypasses the cache.

The entries of one configuration live in a few *pack* files (``<folder>/<salt>/<time>-<pid>.pack``, a pickled
``{key: pickled submission}``), not one file per input: creating a thousand small files cost more than reading
the workbooks. A run that read something new writes one pack holding what it loaded plus what it read, then
removes the packs it loaded; a run running at the same time at worst loses some entries, which are read again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Submission

log = logging.getLogger(__name__)
_CODE_DIR = Path(__file__).resolve().parents[1]  # every module of tasks/
KEEP_UNUSED = 1_000  # entries not used by this run that a pack keeps beyond as many as the run used


@cache
def code_fingerprint() -> str:
    """Hash of the reading code, so a change to how files are read invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_CODE_DIR.rglob("*.py")):
        digest.update(path.relative_to(_CODE_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def pickled(sub: Submission) -> bytes:
    """A submission as the cache stores it."""
    return pickle.dumps(sub, protocol=pickle.HIGHEST_PROTOCOL)


class ParseCache:
    """Pickled :class:`Submission` objects (before validation) of one configuration, under ``folder``."""

    def __init__(self, folder: Path, bloc: Bloc, catalogue: Catalogue) -> None:
        config = hashlib.sha256(repr((bloc, catalogue)).encode()).hexdigest()[:16]
        self.salt = f"{code_fingerprint()}-{config}"
        self.folder = folder / self.salt
        self.packs = sorted(self.folder.glob("*.pack")) if self.folder.is_dir() else []
        self.entries: dict[str, bytes] = {}
        for pack in self.packs:  # oldest first: a newer pack's entry wins
            try:
                with pack.open("rb") as fh:
                    self.entries.update(pickle.load(fh))
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
                log.warning("parse cache pack %s unreadable; ignored", pack)
        self.used: set[str] = set()
        self.hits = self.added = 0

    def _key(self, file: InputFile, period: str | None) -> str:
        return hashlib.sha256(f"{self.salt}|{file.sha256}|{file.kind.value}|{period}".encode()).hexdigest()

    def has(self, file: InputFile, period: str | None) -> bool:
        """Whether an entry for this file's bytes is stored (without reading it)."""
        return self._key(file, period) in self.entries

    def get(self, file: InputFile, period: str | None) -> Submission | None:
        """The cached submission for this file's bytes, re-pointed at the file's current path."""
        key = self._key(file, period)
        blob = self.entries.get(key)
        if blob is None:
            return None
        try:
            cached: Submission = pickle.loads(blob)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        self.used.add(key)
        self.hits += 1
        return replace(cached, file=file, issues=list(cached.issues))

    def put(self, file: InputFile, period: str | None, blob: bytes) -> None:
        """Remember a freshly read submission, given as ``pickled(sub)``; stored by ``save``."""
        key = self._key(file, period)
        self.entries[key] = blob
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        """Write one pack with the entries (when anything was added) and remove the packs it replaces.

        Entries this run did not use are kept (another kind of run, a month folder, reads other files), up to
        ``KEEP_UNUSED`` more than the run used; beyond that only the used ones are kept.
        """
        if not self.added:
            return
        entries = self.entries
        if len(entries) > len(self.used) + KEEP_UNUSED:
            entries = {k: v for k, v in entries.items() if k in self.used}
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{time.time_ns():020d}-{os.getpid()}.pack"
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for pack in self.packs:
            pack.unlink(missing_ok=True)
        self.packs = [path]
        self.added = 0
