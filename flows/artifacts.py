"""Prefect artifacts of a run: the ranking as a table, the validation summary as markdown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.summary import run_notes, tally
from tasks.config.year import YearConfig
from tasks.domain import Status, Submission
from tasks.outputs.csv_json import two_dp
from tasks.outputs.labels import NOMINATION_TEXT, WARD_STATUS_TEXT
from tasks.outputs.labels import STATUS_TEXT as FILE_STATUS_TEXT
from tasks.scoring.review import Review


def _key(text: str) -> str:
    """Artifact keys allow lower-case letters, digits and dashes only."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())


def ranking_table(result: Review) -> list[dict[str, str]]:
    """The ranking rows as the artifact shows them: Vietnamese words, totals with a decimal comma."""
    rows = []
    for row in result.ranking.rows:
        s = row.score
        rows.append(
            {
                "Hạng": str(row.rank or ""),
                "Đơn vị": row.ward.name,
                "Trạng thái": WARD_STATUS_TEXT[row.status],
                "Tổng điểm": two_dp(s.total).replace(".", ",") if s else "",
                "Xếp loại": s.classification if s else "",
                "Đề nghị": NOMINATION_TEXT[row.nomination] if row.nomination else "",
            }
        )
    return rows


def validation_markdown(run_dir: Path, subs: Sequence[Submission], result: Review, notes: Sequence[str] = ()) -> str:
    """Accepted / rejected / missing, with paths, for the secretariat; ``notes``: what the run says apart from its
    counts (:func:`flows.summary.run_notes`: months without a report, votes not counted), under the folder."""
    lines = [f"# Kết quả kiểm tra hồ sơ — {run_dir.name}", "", f"Thư mục kết quả: `{run_dir}`", ""]
    if notes:
        lines += ["## Lưu ý", *(f"- {note}" for note in notes), ""]
    for status in Status:
        chosen = [s for s in subs if s.status is status]
        lines.append(f"## {FILE_STATUS_TEXT[status]}: {len(chosen)}")
        lines += [f"- `{s.file.rel}` — {len(s.issues)} vấn đề" for s in chosen]
        lines.append("")
    missing = [w.ward_code for w in result.wards if w.annual == "missing"]
    lines.append(f"## Chưa nộp bảng tự chấm: {len(missing)}")
    lines += [f"- {code}" for code in missing]
    return "\n".join(lines) + "\n"


def publish_review_artifacts(run_dir: Path, config: YearConfig, subs: Sequence[Submission], result: Review) -> None:
    """Attach the ranking table and the validation summary to the current flow run.

    The notes are read from the run's ``validation/summary.json``, as the command's summary reads them, so
    both say the same sentences."""
    key = _key(f"{config.bloc.code}-{config.year}")
    create_table_artifact(ranking_table(result), key=f"ranking-{key}", description=f"Xếp hạng thi đua {config.year}")
    notes = run_notes(tally(run_dir))
    create_markdown_artifact(
        validation_markdown(run_dir, subs, result, notes), key=f"validation-{key}", description="Kiểm tra hồ sơ"
    )
