"""The closing summary of a run, as the secretariat reads it: counts, the wards named, the folder, what to do next."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from flows.annual_review import ReviewResult
from flows.failures import OK, STRICT
from flows.monthly import MonthlyResult
from flows.summary import review_next_steps, run_status, shown_path, summary_lines, tally
from tasks.domain import Status
from tasks.outputs.csv_json import summary_json
from tests.support.reviews import review_run_folder, sample_review


def test_a_clean_run_says_every_ward_is_in_and_nothing_needs_fixing(tmp_path: Path) -> None:
    """All 50 files accepted, 10/10 wards, every month sent: the summary counts them and says there is nothing
    to fix."""
    run = review_run_folder(tmp_path)
    summary = run / "validation" / "summary.json"
    doc = json.loads(summary.read_text(encoding="utf-8"))
    doc["wards"] = [{**ward, "missing_months": []} for ward in doc["wards"]]  # Âu Lâu's October sent after all
    summary.write_text(json.dumps(doc), encoding="utf-8")
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert lines[:3] == [
        "Đánh giá năm 2025 đã xong.",
        "  Hồ sơ: 50 tệp, 50 hợp lệ, 0 bị từ chối.",
        "  Phường: 10/10 có hồ sơ hợp lệ; 0 bị từ chối; 0 chưa nộp.",
    ]
    assert lines[-2:] == ["Việc tiếp theo:", "  - Không có hồ sơ nào cần sửa."]


def test_rejected_and_missing_wards_are_named_with_what_to_do(tmp_path: Path) -> None:
    """Cầu Thia's file refused and Âu Lâu sent none: both named; send the feedback, remind the missing ward (and
    of its missing month)."""
    run = review_run_folder(tmp_path, missing="AULAU", rejected="CAUTHIA", feedback=1)
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert "  Hồ sơ: 49 tệp, 48 hợp lệ, 1 bị từ chối." in lines
    assert "  Phường: 8/10 có hồ sơ hợp lệ; 1 bị từ chối: Cầu Thia; 1 chưa nộp: Âu Lâu." in lines
    steps = lines[lines.index("Việc tiếp theo:") + 1 :]
    assert steps[0].startswith("  - Gửi 1 bảng phản hồi (thư mục validation/feedback/ của kết quả) cho các phường")
    assert steps[1] == "  - Nhắc các phường chưa nộp hồ sơ, rồi chạy lại lệnh này."
    assert steps[2].startswith("  - Nhắc các phường còn thiếu báo cáo tháng")  # Âu Lâu sent no October either
    assert len(steps) == 3


def test_a_ward_whose_file_is_unreadable_is_counted_as_rejected_as_the_minutes_say(tmp_path: Path) -> None:
    """Yên Bái's file, named after it, is no workbook: like the minutes ("hồ sơ không hợp lệ"), the summary does
    not say it sent nothing; Văn Phú, which sent nothing, is the one to remind."""
    run = review_run_folder(tmp_path, missing="VANPHU", unreadable="YENBAI", feedback=1)
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert "  Phường: 8/10 có hồ sơ hợp lệ; 1 bị từ chối: Yên Bái; 1 chưa nộp: Văn Phú." in lines


def test_a_superseded_file_is_counted_so_the_files_add_up(tmp_path: Path) -> None:
    """Sa Pa sent its self-assessment twice: the earlier file, replaced, is said in the count of files, which then
    adds up (50 = 49 + 0 + 1), in the review's summary as in a month's."""
    config, _, result = sample_review()
    subs = [
        replace(s, status=Status.SUPERSEDED, superseded_by="annual/sapa-moi.xlsx")
        if s.file.rel == "annual/tu-cham-diem-2025-sapa.xlsx"
        else s
        for s in result.submissions
    ]
    run = tmp_path / "outputs" / "2025" / "review" / "20260115T080000123Z-3f9a"
    (run / "validation").mkdir(parents=True)
    (run / "validation" / "summary.json").write_bytes(
        summary_json(run.name, 2025, "2025", subs, result.wards, config.bloc)
    )
    line = "  Hồ sơ: 50 tệp, 49 hợp lệ, 0 bị từ chối, 1 được thay thế bằng bản nộp sau."
    assert summary_lines(run, "Đánh giá năm 2025")[1] == line
    assert summary_lines(run, "Bảng theo dõi tháng 12/2025", latest_hint=False)[1] == line
    assert tally(run).superseded_files == 1


def test_the_tally_counts_files_wards_and_feedback(tmp_path: Path) -> None:
    """The counts come from validation/summary.json, the file everyone is told to read, and the feedback folder."""
    t = tally(review_run_folder(tmp_path, missing="AULAU", rejected="CAUTHIA", feedback=3))
    assert (t.files, t.accepted_files, t.rejected_files, t.wards, t.feedback_files) == (49, 48, 1, 10, 3)
    assert (t.rejected, t.missing, len(t.accepted)) == (("Cầu Thia",), ("Âu Lâu",), 8)


def test_the_output_folder_is_named_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the project folder, the summary shows outputs/… (short to read and type) and where latest is."""
    run = review_run_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert f"  Kết quả: outputs/2025/review/{run.name}" in lines
    assert "  (luôn mở được lần mới nhất qua outputs/2025/review/latest)" in lines


def test_a_folder_outside_the_working_folder_is_named_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs written elsewhere (``--outputs D:/ketqua``) are shown with their full path."""
    run = review_run_folder(tmp_path / "elsewhere")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert shown_path(run) == run
    assert f"  Kết quả: {run}" in summary_lines(run, "Đánh giá năm 2025")


def test_a_monthly_summary_leaves_out_the_latest_hint_when_asked(tmp_path: Path) -> None:
    """``latest_hint=False`` drops the line about latest; the rest of the summary is the same."""
    run = review_run_folder(tmp_path)
    with_hint, without = summary_lines(run, "Bảng theo dõi tháng 12/2025"), summary_lines(run, "x", latest_hint=False)
    assert with_hint[0] == "Bảng theo dõi tháng 12/2025 đã xong."
    assert len(without) == len(with_hint) - 1 and not any("latest" in line for line in without)


def test_a_review_points_to_the_ranking_and_warns_about_draft_minutes() -> None:
    """After a review: open ranking.xlsx and the minutes; while votes are missing, the minutes are a DỰ THẢO."""
    final, draft = review_next_steps(draft=False), review_next_steps(draft=True)
    assert len(final) == 1 and "ranking.xlsx" in final[0] and "bien-ban-hop-tong-ket.docx" in final[0]
    assert draft[0] == final[0] and "DỰ THẢO" in draft[1] and "meeting.yaml (mục votes)" in draft[1]


def test_counts_of_a_large_bloc_are_written_with_the_vietnamese_thousands_separator(tmp_path: Path) -> None:
    """4.961 tệp and 1.000/1.000 phường, as the progress lines above them write counts (not 4961 and 1000)."""
    run = tmp_path / "run"
    (run / "validation" / "feedback").mkdir(parents=True)
    subs = [{"status": "accepted"}] * 4_961
    wards = [{"status": "accepted", "ward_code": f"P{n:04d}"} for n in range(1_000)]
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": subs, "wards": wards}))
    for n in range(1_200):
        (run / "validation" / "feedback" / f"p{n}.phan-hoi.xlsx").write_bytes(b"")
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert "  Hồ sơ: 4.961 tệp, 4.961 hợp lệ, 0 bị từ chối." in lines
    assert "  Phường: 1.000/1.000 có hồ sơ hợp lệ; 0 bị từ chối; 0 chưa nộp." in lines
    assert any(line.startswith("  - Gửi 1.200 bảng phản hồi (") for line in lines)


def test_sub_folders_not_read_are_named_and_not_counted_as_files(tmp_path: Path) -> None:
    """A sub-folder of a submission folder is not read: the summary names it on its own line, so whoever put
    files there knows they did not count, and the file counts hold files only."""
    run = tmp_path / "run"
    (run / "validation").mkdir(parents=True)
    folder = {"file": "annual/bản cũ", "status": "rejected", "issues": [{"rule": "subfolder"}]}
    subs = [{"status": "accepted"}] * 3 + [folder, {**folder, "file": "monthly/2025-12/cu"}]
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": subs, "wards": []}))
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert lines[1] == "  Hồ sơ: 3 tệp, 3 hợp lệ, 0 bị từ chối."
    assert lines[3] == (
        "  Không đọc 2 thư mục con (chỉ tệp nằm ngay trong thư mục nộp mới là hồ sơ): "
        "annual/bản cũ, monthly/2025-12/cu."
    )


def test_a_sub_folders_feedback_is_not_counted_among_those_sent_to_wards(tmp_path: Path) -> None:
    """The feedback workbook of a sub-folder goes to no ward: 'Gửi N bảng phản hồi … cho các phường' counts the
    wards' files only."""
    run = tmp_path / "run"
    (run / "validation" / "feedback").mkdir(parents=True)
    folder = {"file": "annual/cu", "sha256": "", "status": "rejected", "issues": [{"rule": "subfolder"}]}
    ward = {"file": "annual/x.xlsx", "sha256": "ab" * 32, "status": "rejected", "issues": [{"rule": "missing_sheet"}]}
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": [ward, folder], "wards": []}))
    for name in ("annual__cu", "annual__x-abababab"):
        (run / "validation" / "feedback" / f"{name}.phan-hoi.xlsx").write_bytes(b"")
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert "  - Gửi 1 bảng phản hồi (thư mục validation/feedback/ của kết quả) " in "\n".join(lines)


def test_feedback_of_accepted_files_is_sent_for_review_not_as_something_to_fix_and_resend(tmp_path: Path) -> None:
    """Two files accepted with warnings and one rejected: one line asks the rejected file's ward to fix and resend,
    another sends the two with warnings only, saying that nothing has to be sent again."""
    run = tmp_path / "run"
    (run / "validation" / "feedback").mkdir(parents=True)
    warned = [
        {"file": f"annual/{name}.xlsx", "sha256": "ab" * 32, "status": "accepted", "issues": [{"rule": "no_evidence"}]}
        for name in ("a", "b")
    ]
    refused = {
        "file": "annual/c.xlsx",
        "sha256": "cd" * 32,
        "status": "rejected",
        "issues": [{"rule": "missing_sheet"}],
    }
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": [*warned, refused], "wards": []}))
    for name in ("annual__a-abababab", "annual__b-abababab", "annual__c-cdcdcdcd"):
        (run / "validation" / "feedback" / f"{name}.phan-hoi.xlsx").write_bytes(b"")
    lines = summary_lines(run, "Đánh giá năm 2025")
    steps = lines[lines.index("Việc tiếp theo:") + 1 :]
    assert steps == [
        "  - Gửi 1 bảng phản hồi (thư mục validation/feedback/ của kết quả) cho các phường, kèm bản sao có đánh dấu "
        "ô cần sửa; phường sửa và nộp lại, rồi chạy lại lệnh này.",
        "  - Gửi 2 bảng phản hồi chỉ có cảnh báo (cùng thư mục) cho các phường để xem lại: hồ sơ đã được chấp nhận, "
        "không bắt buộc nộp lại.",
    ]


def test_the_feedback_of_a_superseded_file_is_not_something_to_fix_and_resend(tmp_path: Path) -> None:
    """Sa Pa sent its file twice: the earlier one, replaced, has only warnings (its feedback says the later file
    counts). It is sent for review; it used to be counted among the files to fix and send again."""
    run = tmp_path / "run"
    (run / "validation" / "feedback").mkdir(parents=True)
    replaced = {
        "file": "annual/a.xlsx",
        "sha256": "ab" * 32,
        "status": "superseded",
        "issues": [{"rule": "superseded"}],
    }
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": [replaced], "wards": []}))
    (run / "validation" / "feedback" / "annual__a-abababab.phan-hoi.xlsx").write_bytes(b"")
    steps = summary_lines(run, "Đánh giá năm 2025")
    steps = steps[steps.index("Việc tiếp theo:") + 1 :]
    assert steps == [
        "  - Gửi 1 bảng phản hồi chỉ có cảnh báo (thư mục validation/feedback/ của kết quả) cho các phường để xem "
        "lại: hồ sơ đã được chấp nhận, không bắt buộc nộp lại."
    ]


def test_wards_without_a_monthly_report_are_named_with_their_months(tmp_path: Path) -> None:
    """The sample's Âu Lâu sent no October report and loses DM points for it: one line names it and the month,
    after the wards' counts (which count annual files only)."""
    lines = summary_lines(review_run_folder(tmp_path), "Đánh giá năm 2025")
    assert lines[2:4] == [
        "  Phường: 10/10 có hồ sơ hợp lệ; 0 bị từ chối; 0 chưa nộp.",
        "  Báo cáo tháng còn thiếu: Âu Lâu (10/2025).",
    ]


def test_a_missing_month_is_a_next_step_naming_the_folder_to_send_it_to(tmp_path: Path) -> None:
    """Every annual file accepted but Âu Lâu's October report missing: the next steps ask for it in October's
    folder of the inputs the run read, never 'Không có hồ sơ nào cần sửa.'."""
    lines = summary_lines(review_run_folder(tmp_path), "Đánh giá năm 2025", year_dir=Path("inputs") / "2025")
    assert lines[lines.index("Việc tiếp theo:") + 1 :] == [
        "  - Nhắc các phường còn thiếu báo cáo tháng nộp bổ sung vào thư mục của tháng đó "
        "(inputs/2025/monthly/2025-10/), rồi chạy lại lệnh này."
    ]


def test_several_wards_and_months_missing_share_the_one_line(tmp_path: Path) -> None:
    """Each ward once, its months in order, as Vietnamese readers write months (09/2025)."""
    run = tmp_path / "run"
    (run / "validation").mkdir(parents=True)
    wards = [
        {"ward_code": "AULAU", "ward_name": "Âu Lâu", "status": "accepted", "missing_months": ["2025-10"]},
        {"ward_code": "SAPA", "ward_name": "Sa Pa", "status": "accepted", "missing_months": []},
        {"ward_code": "LAOCAI", "ward_name": "Lào Cai", "status": "missing", "missing_months": ["2025-09", "2025-12"]},
    ]
    (run / "validation" / "summary.json").write_text(json.dumps({"submissions": [], "wards": wards}))
    lines = summary_lines(run, "Đánh giá năm 2025", year_dir=tmp_path / "ho-so" / "2025")
    assert lines[3] == "  Báo cáo tháng còn thiếu: Âu Lâu (10/2025), Lào Cai (09/2025, 12/2025)."
    folders = ", ".join(f"{tmp_path}/ho-so/2025/monthly/{month}/" for month in ("2025-09", "2025-10", "2025-12"))
    assert lines[-1] == (
        f"  - Nhắc các phường còn thiếu báo cáo tháng nộp bổ sung vào thư mục của tháng đó ({folders}), "
        "rồi chạy lại lệnh này."
    )


@pytest.mark.parametrize(("missing_months", "strict", "status"), [(1, True, STRICT), (1, False, OK), (0, True, OK)])
def test_strict_stops_on_a_ward_without_a_monthly_report(missing_months: int, strict: bool, status: int) -> None:
    """A review whose every annual file is accepted but a ward lacks a month of the window exits 1 with --strict
    (a missing submission, spec §7), 0 without it."""
    result = ReviewResult(Path("run"), rejected=0, missing=0, missing_months=missing_months)
    assert run_status(result, strict) == status


def test_a_month_run_counts_a_missing_report_as_a_missing_ward() -> None:
    """``thidua monthly`` counts the month's missing reports in ``missing``: --strict stops on them there."""
    assert run_status(MonthlyResult(Path("run"), rejected=0, missing=1), strict=True) == STRICT
    assert run_status(MonthlyResult(Path("run"), rejected=0, missing=0), strict=True) == OK


def test_votes_set_aside_in_meeting_yaml_are_one_warning_line(tmp_path: Path) -> None:
    """A vote for a ward that is no candidate does not count: the summary says so in one line naming
    meeting.yaml and its key, before the results folder, in the sentence summary.json holds."""
    run = tmp_path / "run"
    (run / "validation").mkdir(parents=True)
    message = (
        "Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính vì phường Lào Cai không thuộc danh sách ứng cử "
        "viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    )
    warning = {"file": "meeting.yaml", "key": "votes.flag", "message": message}
    doc = {"submissions": [], "wards": [], "configuration_warnings": [warning]}
    (run / "validation" / "summary.json").write_text(json.dumps(doc))
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert lines[3:5] == [f"  Cảnh báo meeting.yaml, mục votes.flag: {message}", f"  Kết quả: {run}"]


def test_a_file_that_may_not_be_the_wards_own_is_named_for_the_secretariat_to_check(tmp_path: Path) -> None:
    """A copy named for Nam Cường that says Sa Pa inside counts for Sa Pa (and replaced Sa Pa's own file): only
    the secretariat can tell whether Sa Pa sent it, so the summary names the file with what is doubtful, once
    per file, and makes checking it a next step; a file with other warnings is not named."""
    run = tmp_path / "run"
    (run / "validation").mkdir(parents=True)
    other_ward = (
        "Tên tệp “tu-cham-diem-2025-namcuong-ban-sua.xlsx” gợi ý hồ sơ của phường Nam Cường, nhưng trong tệp ghi "
        "đơn vị phường Sa Pa: hồ sơ được tính cho phường Sa Pa."
    )
    too_late = "Ngày lập 01/01/2099 muộn hơn ngày họp tổng kết của Khối (15/01/2026): …"
    doubtful = {
        "file": "annual/tu-cham-diem-2025-namcuong-ban-sua.xlsx",
        "status": "accepted",
        "issues": [
            {"rule": "file_name_other_ward", "message": other_ward},
            {"rule": "date_too_late", "message": too_late},
        ],
    }
    plain = {"file": "annual/b.xlsx", "status": "accepted", "issues": [{"rule": "date_format", "message": "…"}]}
    doc = {"submissions": [doubtful, plain], "wards": []}
    (run / "validation" / "summary.json").write_text(json.dumps(doc))
    lines = summary_lines(run, "Đánh giá năm 2025")
    assert lines[3] == f"  Cần kiểm tra tệp annual/tu-cham-diem-2025-namcuong-ban-sua.xlsx: {other_ward} {too_late}"
    assert lines[4] == f"  Kết quả: {run}"
    assert lines[lines.index("Việc tiếp theo:") + 1] == (
        "  - Xác minh với các phường 1 tệp cần kiểm tra nêu trên: có đúng do phường được tính điểm gửi, đúng ngày "
        "lập không; nếu không, thay hoặc bỏ tệp đó khỏi thư mục hồ sơ, rồi chạy lại lệnh này."
    )
