"""What the secretariat sees in Prefect's UI after a review: the ranking as a table, the checks as markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows.artifacts as artifacts
from flows.artifacts import publish_review_artifacts, ranking_table, validation_markdown
from flows.summary import summary_lines
from tasks.domain import ConfigWarning
from tasks.scoring.explain import IGNORED_VOTES_HINT
from tests.support.reviews import review_run_folder, sample_review

RUN = Path("outputs/2025/review/20260115T080000123Z-3f9a")


def test_the_ranking_table_shows_ranks_totals_and_nominations() -> None:
    """Vietnamese column names and words; Sa Pa first with 97,72 (decimal comma, as in the documents); a shared
    4th place; a ward without a self-assessment last, with empty cells."""
    _, _, result = sample_review(missing="AULAU")
    rows = ranking_table(result)
    assert list(rows[0]) == ["Hạng", "Đơn vị", "Trạng thái", "Tổng điểm", "Xếp loại", "Đề nghị"]
    assert rows[0] == {
        "Hạng": "1",
        "Đơn vị": "Sa Pa",
        "Trạng thái": "Đã chấm điểm",
        "Tổng điểm": "97,72",
        "Xếp loại": "HTXSNV",
        "Đề nghị": "Đề nghị tặng Cờ thi đua",
    }
    assert [(r["Hạng"], r["Đơn vị"]) for r in rows[3:5]] == [("4", "Cam Đường"), ("4", "Yên Bái")]
    assert rows[-1] == {
        "Hạng": "",
        "Đơn vị": "Âu Lâu",
        "Trạng thái": "Chưa nộp",
        "Tổng điểm": "",
        "Xếp loại": "",
        "Đề nghị": "",
    }
    assert len(rows) == 10


def test_the_validation_summary_lists_files_by_status_and_the_wards_missing() -> None:
    """Accepted and rejected files with their issue counts, then the wards without a self-assessment."""
    _, subs, result = sample_review(missing="AULAU", rejected="CAUTHIA")
    text = validation_markdown(RUN, subs, result)
    lines = text.splitlines()
    assert lines[0] == f"# Kết quả kiểm tra hồ sơ — {RUN.name}"
    assert f"Thư mục kết quả: `{RUN}`" in lines
    assert "## Được chấp nhận: 48" in lines and "## Bị từ chối: 1" in lines
    assert "## Bị thay thế bởi bản nộp sau: 0" in lines
    assert "- `annual/tu-cham-diem-2025-cauthia.xlsx` — 1 vấn đề" in lines
    assert lines[-2:] == ["## Chưa nộp bảng tự chấm: 1", "- AULAU"]
    assert text.endswith("\n")


IGNORED = ConfigWarning(
    "meeting.yaml",
    "votes.flag",
    "ignored_votes",
    "Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính vì phường Lào Cai không thuộc danh sách ứng cử viên "
    "suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh.",
    IGNORED_VOTES_HINT,
    ("LAOCAI",),
)


def test_the_validation_summary_says_the_missing_months_and_the_votes_not_counted_as_the_command_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Âu Lâu's October report is missing and a vote in meeting.yaml is not counted: Prefect's "Kiểm tra hồ sơ"
    says both, under the folder, in the sentences the command's summary prints."""
    made: list[str] = []
    monkeypatch.setattr(artifacts, "create_table_artifact", lambda rows, key, description: None)
    monkeypatch.setattr(artifacts, "create_markdown_artifact", lambda text, key, description: made.append(text))
    run = review_run_folder(tmp_path, configuration=(IGNORED,))
    config, subs, result = sample_review()
    publish_review_artifacts(run, config, subs, result)
    lines = made[0].splitlines()
    notes = [
        "Báo cáo tháng còn thiếu: Âu Lâu (10/2025).",
        f"Cảnh báo meeting.yaml, mục votes.flag: {IGNORED.message}",
    ]
    assert lines[4:8] == ["## Lưu ý", *(f"- {note}" for note in notes), ""]
    assert [f"  {note}" for note in notes] == summary_lines(run, "Đánh giá năm 2025")[3:5]


def test_both_artifacts_are_keyed_by_bloc_and_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys are lower-case with dashes (Prefect's rule), so each year's artifacts form one history."""
    made: list[tuple[str, str, object]] = []
    monkeypatch.setattr(
        artifacts, "create_table_artifact", lambda rows, key, description: made.append((key, description, rows))
    )
    monkeypatch.setattr(
        artifacts, "create_markdown_artifact", lambda text, key, description: made.append((key, description, text))
    )
    config, subs, result = sample_review()
    run = review_run_folder(tmp_path)
    publish_review_artifacts(run, config, subs, result)
    assert [(key, description) for key, description, _ in made] == [
        ("ranking-khoi-phuong-2025", "Xếp hạng thi đua 2025"),
        ("validation-khoi-phuong-2025", "Kiểm tra hồ sơ"),
    ]
    assert made[0][2] == ranking_table(result)
    assert made[1][2] == validation_markdown(run, subs, result, ["Báo cáo tháng còn thiếu: Âu Lâu (10/2025)."])
