"""A review of the 2025 sample made in memory, without validation or Prefect (test helper, no tests here)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tasks.config.year import YearConfig, load_year
from tasks.domain import ConfigWarning, Issue, Kind, Severity, Status, Submission
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.outputs.csv_json import summary_json
from tasks.scoring.review import Review, review

SAMPLE_INPUTS = Path(__file__).resolve().parents[2] / "inputs"  # holds 2025/; only read


NOT_A_WORKBOOK = Issue(
    Severity.ERROR,
    "not_a_workbook",
    "Tệp không phải là bảng tính Excel (.xlsx): nội dung không có cấu trúc của một sổ làm việc.",
    "Gửi đúng tệp Excel (.xlsx) theo biểu mẫu của Khối.",
)


def sample_review(
    missing: str | None = None, rejected: str | None = None, unreadable: str | None = None
) -> tuple[YearConfig, list[Submission], Review]:
    """The sample's submissions and their review; ward ``missing`` sent no self-assessment, ``rejected``'s was refused,
    ``unreadable``'s file (named after it) could not be read, so it names no ward.

    Reading the sample takes a tenth of a second; the suites are not run (every file reads as accepted).
    """
    config = load_year(SAMPLE_INPUTS, 2025)
    subs = read_all(discover(config.year_dir), config.bloc, config.catalogue)
    subs = [s for s in subs if not (s.kind is Kind.ANNUAL and s.ward_code == missing)]
    refused = Issue(Severity.ERROR, "above_max", "Điểm tự chấm vượt điểm tối đa.", "Sửa điểm tự chấm.", cell="D6")
    subs = [
        replace(s, status=Status.REJECTED, issues=(refused,))
        if s.kind is Kind.ANNUAL and s.ward_code == rejected
        else s
        for s in subs
    ]
    subs = [
        replace(s, ward_code=None, status=Status.REJECTED, issues=(NOT_A_WORKBOOK,), workbook=None)
        if s.kind is Kind.ANNUAL and s.ward_code == unreadable
        else s
        for s in subs
    ]
    return config, subs, review(subs, config.bloc, config.catalogue, None)


def review_run_folder(
    root: Path,
    missing: str | None = None,
    rejected: str | None = None,
    feedback: int = 0,
    unreadable: str | None = None,
    configuration: tuple[ConfigWarning, ...] = (),
) -> Path:
    """A run folder holding the ``validation/summary.json`` of :func:`sample_review` (with ``configuration``, the
    warnings about meeting.yaml) and ``feedback`` feedback files."""
    config, _, result = sample_review(missing=missing, rejected=rejected, unreadable=unreadable)
    run = root / "outputs" / "2025" / "review" / "20260115T080000123Z-3f9a"
    (run / "validation" / "feedback").mkdir(parents=True)
    data = summary_json(run.name, 2025, "2025", result.submissions, result.wards, config.bloc, configuration)
    (run / "validation" / "summary.json").write_bytes(data)
    for n in range(feedback):
        (run / "validation" / "feedback" / f"phuong-{n}.phan-hoi.xlsx").write_bytes(b"")
    return run
