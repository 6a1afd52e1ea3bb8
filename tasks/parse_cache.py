"""Cache of what reading a file produced, keyed by its content hash.

Reruns in the days before the meeting read the same files again and again; a file whose bytes, folder
(kind and month), year configuration and reading code are unchanged is not parsed again. Validation still
runs over every submission each run, so every run's report covers every file. ``--force`` bypasses the cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import replace
from functools import cache
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Submission

log = logging.getLogger(__name__)
_CODE_DIR = Path(__file__).resolve().parent


@cache
def code_fingerprint() -> str:
    """Hash of the reading code, so a change to how files are read invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_CODE_DIR.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class ParseCache:
    """Pickled :class:`Submission` objects (before validation) under ``folder``."""

    def __init__(self, folder: Path, bloc: Bloc, catalogue: Catalogue) -> None:
        self.folder = folder
        config = hashlib.sha256(repr((bloc, catalogue)).encode()).hexdigest()[:16]
        self.salt = f"{code_fingerprint()}-{config}"
        self.hits = self.misses = 0

    def _path(self, file: InputFile, period: str | None) -> Path:
        key = hashlib.sha256(f"{self.salt}|{file.sha256}|{file.kind.value}|{period}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, file: InputFile, period: str | None) -> Submission | None:
        """The cached submission for this file's bytes, re-pointed at the file's current path."""
        path = self._path(file, period)
        try:
            with path.open("rb") as fh:
                cached: Submission = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return replace(cached, file=file, issues=list(cached.issues))

    def put(self, sub: Submission, period: str | None) -> None:
        """Store a freshly read submission (written to a temporary name, then renamed)."""
        path = self._path(sub.file, period)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(replace(sub, issues=list(sub.issues)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
