"""Check one uploaded workbook as the review would, keeping nothing of it once the answer is made.

The check itself is ``tasks.validation.check.check_file`` (the one used by ``thidua check``): it writes the
upload under a fresh temporary folder with a fixed name, so the name the ward's browser sent is only shown,
never used as a path, and removes the folder before returning. This module keeps what a server needs warm
(the year's rules, Great Expectations and its suites) and adds, for the page, the feedback workbook and the
annotated copy, made in memory.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from tasks.config.load import ConfigError
from tasks.config.year import YearConfig, load_year
from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission
from tasks.feedback.workbook import annotate_copy, feedback_workbook
from tasks.outputs.csv_json import issue_json
from tasks.validation.check import CheckError, CheckResult, CheckStatus, NotMade, check_file, other_year
from tasks.validation.suites import Validator


@dataclass(frozen=True)
class Download:
    """A file the answer offers for download (made in memory; nothing is kept on the server)."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class CheckAnswer:
    """What the check of one upload found: the review's verdict, its issues and the files for the ward."""

    file_name: str  # as the ward's browser sent it, cleaned for display
    kind: Kind
    year: int
    period: str | None
    ward_code: str | None
    ward_name: str | None
    status: str  # accepted | rejected
    issues: tuple[Issue, ...]
    not_made: tuple[NotMade, ...]
    feedback: Download | None = None
    annotated: Download | None = None

    @property
    def errors(self) -> int:
        """How many issues are errors."""
        return sum(i.severity is Severity.ERROR for i in self.issues)

    @property
    def other_year(self) -> bool:
        """Whether the file is of another year than the rules it was checked with (none held its own year's)."""
        return other_year(self.period, self.year)

    @property
    def warnings(self) -> int:
        """How many issues are warnings."""
        return len(self.issues) - self.errors

    def as_json(self) -> dict[str, Any]:
        """The answer of ``POST /api/check``: issues shaped as in ``validation/summary.json``."""
        return {
            "status": self.status,
            "ward_code": self.ward_code,
            "kind": self.kind.value,
            "period": self.period,
            "file": self.file_name,
            "issues": [issue_json(i) for i in self.issues],
            "checks_not_made": [{"check": n.label, "needs": n.needs, "rules": list(n.rules)} for n in self.not_made],
        }


def display_name(sent: str | None) -> str:
    """The upload's file name for display only: its last segment, NFC, without control characters."""
    text = unicodedata.normalize("NFC", sent or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return text[:120] or "tệp không tên"


class UploadChecker:
    """Holds what a check needs warm (the year's rules, Great Expectations and its suites) across requests.

    Checks run one at a time: the validator's GX context is shared and not made for concurrent use.
    """

    def __init__(self, inputs: Path, year: int, validator: Validator | None = None, bloc: str | None = None) -> None:
        self.inputs = inputs
        self.year = year
        self.bloc = bloc  # the bloc folder of a year of several blocs (``inputs/<year>/<bloc>/``)
        self._configs: dict[int, YearConfig] = {year: load_year(inputs, year, bloc)}
        self._validator = validator or Validator()
        self._lock = threading.Lock()

    def warm(self, sample: bytes, name: str) -> None:
        """Run one check so every suite is built and every lazy import done before the first ward arrives."""
        for kind in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL):
            self.check(sample, name, kind, with_files=False)

    @property
    def config(self) -> YearConfig:
        """The rules of the served year (and bloc)."""
        return self._configs[self.year]

    def config_for(self, year: int | None) -> YearConfig:
        """The rules of ``year`` when ``inputs/<year>/`` holds them, else those of the served year."""
        if year is None or year == self.year:
            return self._configs[self.year]
        if year not in self._configs:
            try:
                self._configs[year] = load_year(self.inputs, year, self.bloc)
            except ConfigError:
                return self._configs[self.year]  # the file's year is then reported as not matching
        return self._configs[year]

    def check(self, data: bytes, sent_name: str | None, kind: Kind | None = None, *, with_files: bool) -> CheckAnswer:
        """The review's answer for one uploaded file; ``kind`` overrides the kind recognised from its sheets.

        With ``with_files`` the answer carries the feedback workbook and, when there are issues, the annotated
        copy. Nothing of the upload is on disk when this returns.
        """
        name = display_name(sent_name)
        with self._lock:
            try:
                result = check_file(
                    data,
                    self.inputs,
                    name=name,
                    kind=kind,
                    default_year=self.year,
                    bloc=self.bloc,
                    validator=self._validator,
                )
            except (CheckError, ConfigError):
                # the rules of the year the file names are broken (or hold no such bloc): the served year's report it
                result = check_file(
                    data, self.inputs, name=name, kind=kind, year=self.year, bloc=self.bloc, validator=self._validator
                )
            finally:
                self._validator.results.clear()  # kept for a run's Data Docs; a server would only pile them up
        config = self.config_for(result.year)
        ward = config.bloc.ward(result.ward_code).name if result.ward_code else None
        files = _downloads(result, data, ward) if with_files else (None, None)
        return CheckAnswer(
            file_name=name,
            kind=result.kind,
            year=result.year,
            period=result.period,
            ward_code=result.ward_code,
            ward_name=ward,
            status="rejected" if result.status is CheckStatus.FAILED else "accepted",
            issues=result.issues,
            not_made=result.not_made,
            feedback=files[0],
            annotated=files[1],
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"


def _downloads(result: CheckResult, data: bytes, ward: str | None) -> tuple[Download, Download | None]:
    """The feedback workbook, and the annotated copy when there is something to mark and the file opens."""
    moment = datetime.now(UTC).replace(microsecond=0)
    digest = hashlib.sha256(data).hexdigest()
    label = download_label(result.name, ward)
    macro = result.name.lower().endswith(".xlsm")
    annotated = None
    if result.issues:
        copy = annotate_copy(data, result.issues, moment, keep_vba=macro)
        if copy is not None:
            name = f"Bản đánh dấu - {label}{'.xlsm' if macro else '.xlsx'}"
            annotated = Download(name, XLSM if macro else XLSX, copy)
    status = Status.REJECTED if result.status is CheckStatus.FAILED else Status.ACCEPTED
    file = InputFile(path=Path(result.name), rel=result.name, sha256=digest, kind=result.kind)
    sub = Submission(file, result.kind, result.period, result.ward_code, status=status, issues=tuple(result.issues))
    book = feedback_workbook(sub, moment, annotated_name=annotated.name if annotated else None, ward_name=ward)
    return Download(f"Phiếu phản hồi - {label}.xlsx", XLSX, book), annotated


def download_label(sent: str, ward: str | None) -> str:
    """What the ward's downloads are named after, Vietnamese letters kept: ``Sa Pa - tự chấm điểm 2025``.

    These files are only downloaded (a run folder's feedback files keep their ``safe_name``); characters a
    Windows folder refuses are replaced.
    """
    stem = re.sub(r'[<>:"/\\|?*]', "_", PurePosixPath(sent).stem).strip(" .")[:80] or "tệp"
    return f"{ward} - {stem}" if ward and ward not in stem else stem
