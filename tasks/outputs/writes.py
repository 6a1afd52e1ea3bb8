"""Write a run's files into its working folder (the IO edge for outputs).

Every file is written to a temporary name and renamed into place; writers report what they wrote.
:class:`DocumentWrite`, :class:`RankingWorkbookWrite` and :class:`FeedbackWrite` are such writes as small
picklable objects, so that :class:`StartedWrites` can hand them to any ``concurrent.futures.Executor``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from tasks.domain import Bloc, Catalogue, Ranking, Submission
from tasks.feedback.workbook import AnnotatedCopy, annotated_copy_of, feedback_workbook
from tasks.outputs.documents import DocumentJob, render_document
from tasks.outputs.run_folder import write_bytes
from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.scoring.explain import Explanation

log = logging.getLogger(__name__)


def safe_name(rel: str, sha256: str) -> str:
    """A file-system-safe name for outputs about an input file (never a raw ward-supplied path).

    An entry that was never read (a sub-folder, an unreadable file) has no hash: its name has no hash part.
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", rel.replace("/", "__")).strip("._") or "file"
    stem = stem[:80].rsplit(".", 1)[0] if "." in stem[-6:] else stem[:80]
    return f"{stem}-{sha256[:8]}" if sha256 else stem


def write_submission_feedback(
    validation_dir: Path, sub: Submission, readable: bool, moment: datetime, ward_name: str | None
) -> dict[str, str]:
    """The feedback files of one submission with issues; returns {"annotated": path, "feedback": path}.

    ``readable``: the ward's file could be opened when it was read (else there is no annotated copy).
    """
    folder = validation_dir / "feedback"
    name = safe_name(sub.file.rel, sub.file.sha256)
    suffix = ".xlsm" if sub.file.path.suffix.lower() == ".xlsm" else ".xlsx"
    annotated_name = f"{name}.danh-dau{suffix}"
    copy = AnnotatedCopy(None)
    if readable:
        copy = annotated_copy_of(sub.file.path.read_bytes(), sub.issues, moment, keep_vba=suffix == ".xlsm")
    entry = {}
    if copy.data is not None:
        write_bytes(folder / annotated_name, copy.data)
        entry["annotated"] = f"feedback/{annotated_name}"
    book = feedback_workbook(
        sub,
        moment,
        annotated_name=annotated_name if copy.data is not None else None,
        ward_name=ward_name,
        no_copy_reason=copy.reason,
    )
    write_bytes(folder / f"{name}.phan-hoi.xlsx", book)
    entry["feedback"] = f"feedback/{name}.phan-hoi.xlsx"
    return entry


@dataclass(frozen=True)
class DocumentWrite:
    """Render a Word document into ``path`` (relative to the run folder)."""

    path: str
    job: DocumentJob

    def run(self, work: Path) -> None:
        """Render and write the document."""
        write_bytes(work / self.path, render_document(self.job))


@dataclass(frozen=True)
class RankingWorkbookWrite:
    """Render ``ranking.xlsx`` into ``path`` (relative to the run folder)."""

    path: str
    bloc: Bloc
    catalogue: Catalogue
    ranking: Ranking
    moment: datetime
    explanations: tuple[Explanation, ...] | None = None  # computed once for the run; None: from the ranking

    def run(self, work: Path) -> None:
        """Render and write the workbook."""
        data = write_ranking_xlsx(self.bloc, self.catalogue, self.ranking, self.moment, self.explanations)
        write_bytes(work / self.path, data)


@dataclass(frozen=True)
class FeedbackWrite:
    """The feedback files of one submission with issues, under ``validation/feedback/``."""

    sub: Submission  # without its parsed cells (see feedback_writes)
    readable: bool
    ward_name: str | None
    moment: datetime

    def run(self, work: Path) -> dict[str, str]:
        """Write the files; returns {"annotated": path, "feedback": path} relative to ``validation/``."""
        return write_submission_feedback(work / "validation", self.sub, self.readable, self.moment, self.ward_name)


def feedback_writes(subs: Sequence[Submission], moment: datetime, ward_names: Mapping[str, str]) -> list[FeedbackWrite]:
    """A :class:`FeedbackWrite` for every submission with an issue, in input order.

    The feedback needs the file, its issues and what the feedback workbook shows, not the parsed cells: they
    are left out so that the writes pickle small.
    """
    return [
        FeedbackWrite(
            replace(s, workbook=None),
            s.workbook is not None,
            ward_names.get(s.ward_code or ""),
            moment,
        )
        for s in subs
        if s.issues
    ]


class Write(Protocol):
    """One file (or a few) to write into the run folder; picklable."""

    def run(self, work: Path) -> Any:
        """Write into ``work``; returns what the caller needs to know of it."""


class StartedWrites:
    """``writes`` handed to ``executor`` now, or without one run in turn when :meth:`results` is called."""

    def __init__(self, work: Path, writes: Sequence[Write], executor: Executor | None) -> None:
        self.work, self.writes = work, list(writes)
        self._futures: list[Future[Any]] | None = None
        if executor is not None:
            self._futures = [executor.submit(write.run, work) for write in self.writes]

    def results(self) -> list[Any]:
        """What each write returned, in order; a write whose executor broke down is run here instead."""
        if self._futures is None:
            return [write.run(self.work) for write in self.writes]
        out = []
        for write, future in zip(self.writes, self._futures, strict=True):
            try:
                out.append(future.result())
            except BrokenExecutor:
                log.warning("the executor of %s broke down; writing it here", type(write).__name__, exc_info=True)
                out.append(write.run(self.work))
        return out
