"""Check one uploaded workbook as the review would, keeping nothing of it once the answer is made.

The upload is written under a fresh temporary folder with a fixed name (the name the ward's browser sent is
only shown, never used as a path), read, identified and validated by the same code as ``thidua check`` and the
flows, and the folder is removed before the answer leaves. The answer holds the issues and, for the page,
the feedback workbook and the annotated copy as bytes.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasks.config.load import ConfigError
from tasks.config.year import YearConfig, load_year
from tasks.domain import InputFile, Issue, Kind, Severity, Submission
from tasks.feedback.workbook import annotate_copy, feedback_workbook
from tasks.intake.read import open_submission
from tasks.intake.read_all import validate_all
from tasks.outputs.csv_json import issue_json
from tasks.outputs.writes import safe_name
from tasks.validation.check import detect
from tasks.validation.suites import Validator

# The suffixes the intake tells apart; anything else is stored as ``.bin`` and reported as not a workbook.
KNOWN_SUFFIXES = (".xlsx", ".xlsm", ".xls")
STORED_STEM = "ho-so-tai-len"  # "uploaded file": the only name an upload ever has on disk

# What the review checks across files, which one file on its own cannot show (spec §3.2, §3.3, §3.5, §4).
NOT_MADE: Mapping[Kind, tuple[str, ...]] = {
    Kind.ANNUAL: (
        "Điểm các tiêu chí chỉ tiêu: tính từ báo cáo tháng mới nhất của đơn vị trong kỳ, khi chấm điểm cả khối.",
        "Kết quả thẩm định (chấm chéo) thay cho điểm tự chấm: áp dụng khi chấm điểm cả khối.",
        "Bản nộp trùng của cùng đơn vị: khi có hai bản, bản có Ngày lập sau được dùng.",
    ),
    Kind.MONTHLY: (
        "Kỳ báo cáo trùng với tháng của thư mục nộp: trang này lấy kỳ ghi trong tệp.",
        "Lũy kế không giảm so với tháng trước và cộng đúng số thực hiện trong tháng: cần báo cáo các tháng trước.",
        "Bản nộp trùng của cùng đơn vị trong tháng: khi có hai bản, bản có Ngày lập sau được dùng.",
    ),
    Kind.APPRAISAL: (
        "Cùng đơn vị và cùng mã xuất hiện trong nhiều tệp thẩm định: cần mọi tệp thẩm định của khối.",
        "Đơn vị được thẩm định đã có bảng tự chấm điểm được chấp nhận: cần các bảng tự chấm của khối.",
    ),
    Kind.UNKNOWN: (),
}


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
    not_made: tuple[str, ...]
    feedback: Download | None = None
    annotated: Download | None = None

    @property
    def errors(self) -> int:
        """How many issues are errors."""
        return sum(i.severity is Severity.ERROR for i in self.issues)

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
            "checks_not_made": list(self.not_made),
        }


def display_name(sent: str | None) -> str:
    """The upload's file name for display only: its last segment, NFC, without control characters."""
    text = unicodedata.normalize("NFC", sent or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return text[:120] or "tệp không tên"


def stored_suffix(name: str) -> str:
    """The suffix an upload is stored under: one the intake knows, else ``.bin``."""
    lowered = name.lower()
    return next((s for s in KNOWN_SUFFIXES if lowered.endswith(s)), ".bin")


class UploadChecker:
    """Holds what a check needs warm (the year's rules, Great Expectations and its suites) across requests.

    Checks run one at a time: the validator's GX context is shared and not made for concurrent use.
    """

    def __init__(self, inputs: Path, year: int, validator: Validator | None = None) -> None:
        self.inputs = inputs
        self.year = year
        self._configs: dict[int, YearConfig] = {year: load_year(inputs, year)}
        self._validator = validator or Validator()
        self._lock = threading.Lock()

    def warm(self, sample: bytes, name: str) -> None:
        """Run one check so every suite is built and every lazy import done before the first ward arrives."""
        for kind in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL):
            self.check(sample, name, kind, with_files=False)

    def config_for(self, year: int | None) -> YearConfig:
        """The rules of ``year`` when ``inputs/<year>/`` holds them, else those of the served year."""
        if year is None or year == self.year:
            return self._configs[self.year]
        if year not in self._configs:
            try:
                self._configs[year] = load_year(self.inputs, year)
            except ConfigError:
                return self._configs[self.year]  # the file's year is then reported as not matching
        return self._configs[year]

    def check(self, data: bytes, sent_name: str | None, kind: Kind | None = None, *, with_files: bool) -> CheckAnswer:
        """The review's answer for one uploaded file; ``kind`` overrides the kind recognised from its sheets.

        With ``with_files`` the answer carries the feedback workbook and, when there are issues, the annotated
        copy. The temporary folder holding the upload is gone when this returns.
        """
        name = display_name(sent_name)
        digest = hashlib.sha256(data).hexdigest()
        with self._lock, tempfile.TemporaryDirectory(prefix="thidua-web-") as folder:
            path = Path(folder) / f"{STORED_STEM}{stored_suffix(name)}"
            path.write_bytes(data)
            found = detect(path)
            chosen = kind or found.kind
            if chosen is Kind.UNKNOWN and path.suffix in (".xlsx", ".xlsm"):
                chosen = Kind.ANNUAL  # report the missing sheets of the most common kind, as thidua check does
            config = self.config_for(found.year)
            file = InputFile(path=path, rel=name, sha256=digest, kind=chosen)
            sub = open_submission(file, config.bloc, config.catalogue, found.period)
            validate_all([sub], config.bloc, config.catalogue, self._validator)
            self._validator.results.clear()  # kept for a run's Data Docs; a server would only pile them up
            files = _downloads(sub, data, config, name) if with_files else (None, None)
        return _answer(sub, name, config, found.period, files)


def _answer(
    sub: Submission, name: str, config: YearConfig, period: str | None, files: tuple[Download | None, ...]
) -> CheckAnswer:
    ward = config.bloc.ward(sub.ward_code).name if sub.ward_code else None
    return CheckAnswer(
        file_name=name,
        kind=sub.kind,
        year=config.year,
        period=sub.period or period,
        ward_code=sub.ward_code,
        ward_name=ward,
        status="rejected" if sub.has_errors else "accepted",
        issues=tuple(sub.issues),
        not_made=NOT_MADE[sub.kind],
        feedback=files[0],
        annotated=files[1],
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"


def _downloads(sub: Submission, data: bytes, config: YearConfig, name: str) -> tuple[Download, Download | None]:
    """The feedback workbook, and the annotated copy when there is something to mark and the file opens."""
    moment = datetime.now(UTC).replace(microsecond=0)
    stem = safe_name(name, sub.file.sha256)
    macro = sub.file.path.suffix == ".xlsm"
    annotated = None
    if sub.issues and sub.workbook is not None:
        copy = annotate_copy(data, sub.issues, moment, keep_vba=macro)
        if copy is not None:
            annotated = Download(f"{stem}.danh-dau{'.xlsm' if macro else '.xlsx'}", XLSM if macro else XLSX, copy)
    ward = config.bloc.ward(sub.ward_code).name if sub.ward_code else None
    book = feedback_workbook(sub, moment, annotated_name=annotated.name if annotated else None, ward_name=ward)
    return Download(f"{stem}.phan-hoi.xlsx", XLSX, book), annotated
