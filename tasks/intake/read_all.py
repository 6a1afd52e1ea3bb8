"""The read stage over a set of files: each opened once, or taken from the parse cache; validating them is the
next stage (``tasks.validation.validate.validate_all``)."""

from __future__ import annotations

import logging
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Submission
from tasks.intake.cache import ParseCache
from tasks.intake.cache_codec import from_json
from tasks.intake.read import Files, Progress, Reader, no_progress, read_files, reading_lost, refused_by_folder

log = logging.getLogger(__name__)


def read_all(
    files: Files,
    bloc: Bloc,
    catalogue: Catalogue,
    cache_dir: Path | None = None,
    reader: Reader = read_files,
    progress: Progress = no_progress,
) -> list[Submission]:
    """Open every file; unreadable ones come back rejected with the reason.

    With ``cache_dir``, a file already read with the same bytes, folder, configuration and code is taken
    from the cache instead of being parsed again; ``reader`` reads the others (in worker processes, say), and
    what it read is put in the cache, except a file whose reading was lost (the reader gave None for it, or
    bytes that do not decode).
    ``progress`` is told how many files are done: those from the cache at once, the others as they are read.
    A sub-folder is no file: it is refused here, and not counted. A file under ``monthly/`` whose folder does not
    count (a month outside the window, a folder not named as a month) is refused after reading
    (``refused_by_folder``), so the cache keeps what reading found.
    """
    cache = ParseCache(cache_dir, bloc, catalogue) if cache_dir is not None else None

    def known(file: InputFile, period: str | None) -> Submission | None:
        if file.is_folder:
            return read_files([(file, period)], bloc, catalogue)[0]
        return cache.get(file, period) if cache and file.refused is None else None

    found = [known(file, period) for file, period in files]
    todo = [k for k, sub in enumerate(found) if sub is None]
    progress(sum(not file.is_folder for file, _ in files) - len(todo))
    fresh = reader([files[k] for k in todo], bloc, catalogue, progress) if todo else []
    for k, got in zip(todo, fresh, strict=True):
        file, period = files[k]
        if isinstance(got, bytes):  # the cache's form, from a worker process: decoded here, cached as it is
            sub, stored = from_json(got), got
            if sub is None:
                log.warning("what a reader process sent for %s does not decode; the file counts as lost", file.rel)
        else:
            sub, stored = got, None
        found[k] = sub if sub is not None else reading_lost(file, period)
        if cache and sub is not None and file.refused is None:
            cache.put(file, period, sub, stored)
    if cache:
        cache.save()
    subs = [refused_by_folder(sub, catalogue) for sub in found if sub is not None]
    hits = f", {cache.hits} from cache" if cache else ""
    log.info("read %d files, %d unreadable%s", len(subs), sum(s.workbook is None for s in subs), hits)
    return subs
