"""Intake of a set of files: read each, validate all together, settle resubmissions.

Shared by the annual review, the monthly run and ``thidua check`` so there is one set of rules.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tasks.domain import Bloc, Catalogue, InputFile, Issue, Kind, Severity, Status, Submission
from tasks.intake.cache import ParseCache
from tasks.intake.cache_codec import from_json
from tasks.intake.read import Files, Progress, Reader, no_progress, read_files, reading_lost, refused_by_folder
from tasks.text import vn_count
from tasks.validation.reports import resolve_resubmissions
from tasks.validation.suites import Validator
from tasks.validation.validate import validate_rows

log = logging.getLogger(__name__)

MAX_LISTED_ISSUES = 100  # issues listed per file in every output; the rest are counted in one last line


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


def validate_all(
    subs: Sequence[Submission], bloc: Bloc, catalogue: Catalogue, validator: Validator
) -> list[Submission]:
    """The submissions after bulk validation and resubmissions, in the order given.

    Appraisal files are only rejected when unreadable (their bad rows are skipped, the rest apply).
    """
    checked = [_settled_alone(sub) for sub in validate_rows(subs, bloc, catalogue, validator)]
    settled = [_with_issues_capped(sub) for sub in resolve_resubmissions(checked)]
    counts = {s: sum(x.status is s for x in settled) for s in Status}
    log.info("validated: %s", {k.value: v for k, v in counts.items()})
    return settled


def _settled_alone(sub: Submission) -> Submission:
    """``sub`` without echoed issues; a readable appraisal file accepted (its bad rows are skipped)."""
    issues = without_echoes(sub.issues)
    readable_appraisal = sub.kind is Kind.APPRAISAL and sub.workbook is not None
    if issues == sub.issues and (not readable_appraisal or sub.status is Status.ACCEPTED):
        return sub
    return replace(sub, issues=issues, status=Status.ACCEPTED if readable_appraisal else sub.status)


def _with_issues_capped(sub: Submission) -> Submission:
    capped = capped_issues(sub.issues)
    return sub if capped == sub.issues else replace(sub, issues=capped)


def without_echoes(issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
    """The issues without validation's own words for a cell already named as an Excel error value: ``#DIV/0!``
    is one fault, told once (not also as "not a number")."""
    errors = {(i.sheet, i.cell) for i in issues if i.rule == "excel_error"}
    if not errors:
        return issues
    return tuple(i for i in issues if i.rule == "excel_error" or (i.sheet, i.cell) not in errors)


def capped_issues(issues: tuple[Issue, ...], limit: int = MAX_LISTED_ISSUES) -> tuple[Issue, ...]:
    """The first ``limit`` issues of a file, then one line saying how many more there are ("và K lỗi khác").

    A pasted data dump can raise tens of thousands of issues; listing them all would make every writer (feedback
    workbook, annotated copy, Data Docs) as slow as the dump is long, and help nobody.
    """
    if len(issues) <= limit:
        return issues
    rest = issues[limit:]
    errors = sum(i.severity is Severity.ERROR for i in rest)
    warnings = len(rest) - errors
    parts = [f"{vn_count(errors)} lỗi"] if errors else []
    parts += [f"{vn_count(warnings)} cảnh báo"] if warnings else []
    counted = " và ".join(parts)
    return (
        *issues[:limit],
        Issue(
            severity=Severity.ERROR if errors else Severity.WARNING,
            rule="more_issues",
            message=f"… và {counted} khác (chỉ liệt kê {limit} vấn đề đầu tiên của tệp).",
            hint="Sửa các vấn đề đã liệt kê (thường cùng một nguyên nhân) rồi gửi lại để xem các vấn đề còn lại.",
        ),
    )
