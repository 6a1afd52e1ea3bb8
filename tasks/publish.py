"""Write a run's files into its working folder (the IO edge for outputs).

Every file is written to a temporary name and renamed into place; writers report what they wrote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from tasks.domain import Submission
from tasks.feedback import annotate_copy, feedback_workbook
from tasks.run_folder import write_bytes

log = logging.getLogger(__name__)


def safe_name(rel: str, sha256: str) -> str:
    """A file-system-safe name for outputs about an input file (never a raw ward-supplied path)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", rel.replace("/", "__")).strip("._") or "file"
    stem = stem[:80].rsplit(".", 1)[0] if "." in stem[-6:] else stem[:80]
    return f"{stem}-{sha256[:8]}"


def write_feedback(
    validation_dir: Path, subs: Sequence[Submission], moment: datetime, ward_names: dict[str, str]
) -> dict[str, dict[str, str]]:
    """For every submission with an issue: a feedback workbook and an annotated copy of the ward's file.

    Returns input path → {"feedback": path, "annotated": path} relative to ``validation_dir``.
    """
    out: dict[str, dict[str, str]] = {}
    folder = validation_dir / "feedback"
    for sub in subs:
        if not sub.issues:
            continue
        name = safe_name(sub.file.rel, sub.file.sha256)
        suffix = ".xlsm" if sub.file.path.suffix.lower() == ".xlsm" else ".xlsx"
        annotated_name = f"{name}.danh-dau{suffix}"
        annotated = None
        if sub.workbook is not None:
            annotated = annotate_copy(sub.file.path.read_bytes(), sub.issues, moment, keep_vba=suffix == ".xlsm")
        entry = {}
        if annotated is not None:
            write_bytes(folder / annotated_name, annotated)
            entry["annotated"] = f"feedback/{annotated_name}"
        book = feedback_workbook(
            sub,
            moment,
            annotated_name=annotated_name if annotated is not None else None,
            ward_name=ward_names.get(sub.ward_code or ""),
        )
        write_bytes(folder / f"{name}.phan-hoi.xlsx", book)
        entry["feedback"] = f"feedback/{name}.phan-hoi.xlsx"
        out[sub.file.rel] = entry
    log.info("wrote feedback for %d of %d submissions", len(out), len(subs))
    return out
