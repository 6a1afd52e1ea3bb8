"""Cache of what reading a file produced, keyed by its content hash.

Reruns in the days before the meeting read the same files again and again; a file whose bytes, folder
(kind and month), year configuration and reading code are unchanged is not parsed again. Validation still
runs over every submission each run, so every run's report covers every file. ``--force`` bypasses the cache.

The entries of one configuration live in a few *pack* files (``<folder>/<salt>/<time>-<pid>.pack``), not one
file per input: creating a thousand small files cost more than reading the workbooks. A pack is one line per
entry, ``<key> <JSON>``, each JSON the plain-data form of a submission (:mod:`tasks.intake.cache_codec`); a
line is parsed only when its file is asked for, so a run holds its entries as text, not as a second copy of
every cell. A run that read something new writes one pack holding what it loaded plus what it read, then
removes the packs it loaded; a run running at the same time at worst loses some entries, which are read again.

Nothing in a pack runs as code: it is JSON, decoded into the domain types field by field, and anything
malformed is a cache miss (the file is read again), never an error. The outputs folder may be shared storage
that others can write to, so every pack also carries an HMAC-SHA256 of its bytes under a key kept outside the
outputs folder (:func:`cache_key`, in the user's state folder, readable by that user only). The tag is what
keeps someone who can write there from planting a forged *reading* of a file (a ward's scores that are not in
its workbook): a pack whose tag does not match (planted, edited, made with another key) is not even parsed; it
is ignored and its files are read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.domain import Bloc, Catalogue, InputFile, Submission
from tasks.intake.cache_codec import Uncacheable, as_json, from_json

if TYPE_CHECKING:
    from tasks.intake.read import Files

log = logging.getLogger(__name__)
_CODE_DIR = Path(__file__).resolve().parents[1]  # every module of tasks/
KEEP_UNUSED = 1_000  # entries not used by this run that a pack keeps beyond as many as the run used
MAGIC = b"thidua-parse-cache-v3\n"  # a pack: MAGIC, the 32-byte tag, then a line ``<key> <JSON>`` per entry
_ENTRY_KEY = re.compile(rb"[0-9a-f]{64}")  # what ``ParseCache._key`` gives
KEY_ENV = "THIDUA_CACHE_KEY_FILE"  # where the key lives when not in the user's state folder


def key_file() -> Path:
    """The file holding the cache key: ``$THIDUA_CACHE_KEY_FILE``, else ``$XDG_STATE_HOME/thidua/cache.key``."""
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "thidua" / "cache.key"


def cache_key(path: Path | None = None) -> bytes | None:
    """The secret that authenticates packs, created (mode 0600) on first use; None when it cannot be kept.

    Without a key the cache is simply not used: every file is read, nothing is trusted from disk.
    """
    path = path or key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_bytes()
        else:
            key = secrets.token_bytes(32)
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
    except OSError as exc:
        log.warning("parse cache key %s unavailable (%s); the cache is off", path, exc)
        return None
    if len(key) < 32:
        log.warning("parse cache key %s is too short; the cache is off", path)
        return None
    return key


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def sealed(key: bytes, entries: dict[str, bytes]) -> bytes:
    """The bytes of a pack holding ``entries`` (key -> one line of JSON, ``as_json``), authenticated with ``key``."""
    body = b"".join(k.encode("ascii") + b" " + entry + b"\n" for k, entry in entries.items())
    return MAGIC + _tag(key, body) + body


def unsealed(key: bytes, data: bytes) -> dict[str, bytes] | None:
    """The entries of a pack (each still JSON text, decoded when used), or None when its tag does not match
    (nothing of it is parsed then) or its authentic content is not lines of ``<key> <JSON>``."""
    head, tag, body = data[: len(MAGIC)], data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
    if head != MAGIC or not hmac.compare_digest(tag, _tag(key, body)):
        return None
    lines = body.split(b"\n")
    if lines.pop() != b"":  # cut short
        return None
    entries = {}
    for line in lines:
        k, space, entry = line.partition(b" ")
        if not space or not _ENTRY_KEY.fullmatch(k):
            return None
        entries[k.decode("ascii")] = entry
    return entries


@cache
def code_fingerprint() -> str:
    """Hash of the reading code, so a change to how files are read invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_CODE_DIR.rglob("*.py")):
        digest.update(path.relative_to(_CODE_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class ParseCache:
    """:class:`Submission` objects as reading gave them (before validation), of one configuration, under ``folder``."""

    def __init__(self, folder: Path, bloc: Bloc, catalogue: Catalogue, key: bytes | None = None) -> None:
        config = hashlib.sha256(repr((bloc, catalogue)).encode()).hexdigest()[:16]
        self.salt = f"{code_fingerprint()}-{config}"
        self.folder = folder / self.salt
        self.key = key if key is not None else cache_key()
        self.packs = sorted(self.folder.glob("*.pack")) if self.folder.is_dir() and self.key else []
        self.entries: dict[str, bytes] = {}  # key -> a submission as ``as_json`` gives it, decoded when used
        for pack in self.packs:  # oldest first: a newer pack's entry wins
            self.entries.update(self._load(pack))
        self.used: set[str] = set()
        self.hits = self.added = 0

    def _load(self, pack: Path) -> dict[str, bytes]:
        assert self.key is not None
        try:
            entries = unsealed(self.key, pack.read_bytes())
        except OSError:
            entries = None
        if entries is None:
            log.warning("parse cache pack %s unreadable or not authentic; ignored", pack)
            return {}
        return entries

    def _key(self, file: InputFile, period: str | None) -> str:
        return hashlib.sha256(f"{self.salt}|{file.sha256}|{file.kind.value}|{period}".encode()).hexdigest()

    def has(self, file: InputFile, period: str | None) -> bool:
        """Whether an entry is stored for this file's bytes (without decoding it)."""
        return self._key(file, period) in self.entries

    def get(self, file: InputFile, period: str | None) -> Submission | None:
        """The cached submission for this file's bytes, re-pointed at the file's current path; None when there is
        none or what is stored does not decode (the file is then read again and its entry replaced)."""
        key = self._key(file, period)
        stored = self.entries.get(key)
        if stored is None:
            return None
        cached = from_json(stored)
        if cached is None:
            log.warning("parse cache entry for %s malformed; the file is read again", file.rel)
            return None
        self.used.add(key)
        self.hits += 1
        return replace(cached, file=file)

    def put(self, file: InputFile, period: str | None, sub: Submission, stored: bytes | None = None) -> None:
        """Remember a freshly read submission; stored by ``save``. One this form cannot hold is not cached.

        ``stored``: ``as_json(sub)`` when the reader already gave it (None: encoded here).
        """
        try:
            stored = as_json(sub) if stored is None else stored
        except Uncacheable as exc:
            log.warning("parse cache skips %s: %s", file.rel, exc)
            return
        key = self._key(file, period)
        self.entries[key] = stored
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        """Write one pack with the entries (when anything was added) and remove the packs it replaces.

        Entries this run did not use are kept (another kind of run, a month folder, reads other files), up to
        ``KEEP_UNUSED`` more than the run used; beyond that only the used ones are kept.
        """
        if not self.added or self.key is None:
            return
        entries = self.entries
        if len(entries) > len(self.used) + KEEP_UNUSED:
            entries = {k: v for k, v in entries.items() if k in self.used}
        path = self.folder / f"{time.time_ns():020d}-{os.getpid()}.pack"
        tmp = path.with_suffix(".tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(sealed(self.key, entries))
            os.replace(tmp, path)
        except OSError as exc:  # a cache that cannot be written (disk full, read-only) only costs a reread
            log.warning("parse cache not saved to %s: %s", self.folder, exc)
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return
        for pack in self.packs:
            pack.unlink(missing_ok=True)
        self.packs = [path]
        self.added = 0


def uncached(files: Files, folder: Path | None, bloc: Bloc, catalogue: Catalogue) -> Files:
    """Those of ``files`` a run will have to read: the ones the parse cache in ``folder`` holds no entry for
    (all of them without a cache, and every entry discovery refused)."""
    if folder is None:
        return files
    cache = ParseCache(folder, bloc, catalogue)
    return [(file, period) for file, period in files if file.refused is not None or not cache.has(file, period)]
