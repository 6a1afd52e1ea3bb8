"""Intake of a set of files: read each, validate all together, settle resubmissions.

Shared by the annual review, the monthly run and ``thidua check`` so there is one set of rules.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Kind, Status, Submission
from tasks.gx import Validator
from tasks.parse_cache import ParseCache, pickled
from tasks.reports import resolve_resubmissions
from tasks.validate import open_submission, validate_rows

log = logging.getLogger(__name__)


Files = Sequence[tuple[InputFile, str | None]]
# Reads files into submissions, each with its pickle for the cache when asked (``read_files`` is one).
Reader = Callable[[Files, Bloc, Catalogue, bool], list[tuple[Submission, bytes | None]]]


def read_files(files: Files, bloc: Bloc, catalogue: Catalogue, keep: bool) -> list[tuple[Submission, bytes | None]]:
    """Open every file in this process; with ``keep``, each submission comes with its pickle for the cache."""
    with collector_paused():
        subs = [open_submission(file, bloc, catalogue, period) for file, period in files]
        return [(sub, pickled(sub) if keep else None) for sub in subs]


def read_all(
    files: Files,
    bloc: Bloc,
    catalogue: Catalogue,
    cache_dir: Path | None = None,
    reader: Reader = read_files,
) -> list[Submission]:
    """Open every file; unreadable ones come back rejected with the reason.

    With ``cache_dir``, a file already read with the same bytes, folder, configuration and code is taken
    from the cache instead of being parsed again; ``reader`` reads the others (in worker processes, say).
    """
    cache = ParseCache(cache_dir, bloc, catalogue) if cache_dir is not None else None
    with collector_paused():
        found = [cache.get(file, period) if cache else None for file, period in files]
    todo = [k for k, sub in enumerate(found) if sub is None]
    fresh = reader([files[k] for k in todo], bloc, catalogue, cache is not None) if todo else []
    for k, (sub, blob) in zip(todo, fresh, strict=True):
        found[k] = sub
        if cache and blob is not None:
            cache.put(files[k][0], files[k][1], blob)
    if cache:
        cache.save()
    subs = [sub for sub in found if sub is not None]
    hits = f", {cache.hits} from cache" if cache else ""
    log.info("read %d files, %d unreadable%s", len(subs), sum(s.workbook is None for s in subs), hits)
    return subs


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a block builds many long-lived objects.

    Reading or unpickling a thousand wards' submissions creates millions of cells that all survive; the
    collector would walk them again and again as they age (a quarter of the reading time, four fifths of the
    unpickling). Such a block makes no garbage cycles worth collecting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_all(subs: list[Submission], bloc: Bloc, catalogue: Catalogue, validator: Validator) -> None:
    """Bulk validation, then resubmissions; appraisal files are only rejected when unreadable (bad rows skip)."""
    validate_rows(subs, bloc, catalogue, validator)
    for sub in subs:
        if sub.kind is Kind.APPRAISAL and sub.workbook is not None:
            sub.status = Status.ACCEPTED
    resolve_resubmissions(subs)
    counts = {s: sum(x.status is s for x in subs) for s in Status}
    log.info("validated: %s", {k.value: v for k, v in counts.items()})
