"""Explanations of outcomes the totals alone do not explain (giải trình), on rankings built by ``rank_wards``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from tasks.domain import (
    ConfigWarning,
    InputFile,
    Issue,
    Kind,
    Severity,
    Status,
    Submission,
    Votes,
    WardScore,
    WardStatus,
)
from tasks.scoring.explain import (
    IGNORED_VOTES_HINT,
    Explanation,
    Reason,
    as_documented,
    configuration_warnings,
    explain_ranking,
    rejection_reasons,
)
from tests.support.explained import BLOC, CASE_RANKING, CATALOGUE, MEETING_CASE, ROSTER, rank, sheet
from tests.support.reviews import sample_review

UNUSABLE = (
    "Phường Yên Bái chưa có bảng tự chấm điểm hợp lệ (tệp annual/tu-cham-diem-2025-yenbai.xlsx mang tên phường nhưng "
    "không dùng được: Tệp không phải là bảng tính Excel (.xlsx): nội dung không có cấu trúc của một sổ làm việc) nên "
    "không được chấm điểm, xếp hạng và đề nghị khen thưởng."
)


def explain(
    scores: Sequence[WardScore], votes: Votes | None = None, unscored: Mapping[str, WardStatus] | None = None
) -> tuple[Explanation, ...]:
    return explain_ranking(BLOC, CATALOGUE, rank(scores, votes, unscored))


def texts(explanations: Sequence[Explanation], reason: Reason) -> list[str]:
    return [e.text for e in explanations if e.reason is reason]


def test_a_veto_that_lowers_the_band_is_explained_with_the_criterion() -> None:
    """Nghĩa Lộ, 3rd with 92,72 points, is told why it is "Hoàn thành tốt nhiệm vụ" with no award: D3."""
    result = explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7}))
    [veto] = [e for e in result if e.reason is Reason.VETO_BAND]
    assert veto.wards == ("NGHIALO",) and veto.criterion == "D3"
    assert veto.text == (
        "Phường Nghĩa Lộ (xếp thứ 3, 92,72 điểm) đạt mức điểm xếp loại “Hoàn thành xuất sắc nhiệm vụ” (từ 90 điểm) "
        "nhưng chỉ được xếp loại “Hoàn thành tốt nhiệm vụ” và không được đề nghị khen thưởng vì vi phạm tiêu chí "
        "loại trừ D3 (“Có cán bộ, công chức bị kỷ luật từ hình thức khiển trách trở lên”)."
    )


def test_a_shared_rank_is_explained_once_with_the_three_equal_figures() -> None:
    """Two wards equal on total, base and deductions: one sentence, the shared rank and the next rank."""
    result = explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7}))
    assert texts(result, Reason.TIE) == [
        "Phường Cam Đường và phường Yên Bái bằng nhau về tổng điểm (91,45), điểm cơ bản (90,95) và điểm trừ "
        "(0,50) nên cùng xếp thứ 4; đơn vị liền sau xếp thứ 6."
    ]


def test_a_tie_at_the_last_merit_place_admits_both_and_says_so() -> None:
    """Merit for 2 wards, the 2nd place shared: three wards proposed, the sentence says why there are more."""
    result = explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7}))
    assert texts(result, Reason.MERIT_TIE) == [
        "Phường Cam Đường và phường Yên Bái cùng xếp thứ 4 ở vị trí cuối cùng được đề nghị tặng Bằng khen của Chủ "
        "tịch Ủy ban nhân dân tỉnh nên đều được đề nghị; số đơn vị được đề nghị là 3, nhiều hơn 2 theo quy định."
    ]


def test_a_ward_in_the_award_band_without_a_place_is_told_why() -> None:
    """Four wards of the first band, a flag and two merit places: the fourth is told the places are taken."""
    result = explain([sheet("SAPA", "98"), sheet("LAOCAI", "96"), sheet("YENBAI", "94"), sheet("CAMDUONG", "92")])
    assert texts(result, Reason.NO_PLACE) == [
        "Phường Cam Đường (xếp thứ 4, 92,00 điểm) xếp loại “Hoàn thành xuất sắc nhiệm vụ” nhưng không được đề nghị "
        "tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh vì chỉ 2 đơn vị xếp hạng cao nhất trong số các đơn vị đủ "
        "điều kiện được đề nghị."
    ]


def test_a_candidate_outvoted_by_the_other_is_told_the_figures_and_its_merit() -> None:
    """Two wards level at the top, the vote goes 6 to 2: the loser hears both counts and gets merit."""
    scores = [sheet("SAPA", "96"), sheet("LAOCAI", "96"), sheet("YENBAI", "91")]
    result = explain(scores, votes=Votes(8, 8, 8, {"SAPA": 6, "LAOCAI": 2}))
    assert texts(result, Reason.LOST_VOTE) == [
        "Phường Lào Cai cùng dẫn đầu Khối nhưng không được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh "
        "vì được 2 phiếu đồng ý, ít hơn phường Sa Pa (6 phiếu); phường Lào Cai được đề nghị tặng Bằng khen của Chủ "
        "tịch Ủy ban nhân dân tỉnh."
    ]


def test_a_vote_that_decides_nothing_names_what_it_missed() -> None:
    """Only 4 of 8 ballots back and the candidates level: no flag, both reasons, a new vote."""
    scores = [sheet("SAPA", "96"), sheet("LAOCAI", "96")]
    result = explain(scores, votes=Votes(8, 4, 4, {"SAPA": 2, "LAOCAI": 2}))
    assert texts(result, Reason.NO_WINNER) == [
        "Phường Lào Cai và phường Sa Pa chưa được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì số "
        "phiếu thu về chưa đạt 2/3 số đơn vị thành viên Khối; các ứng cử viên dẫn đầu có số phiếu đồng ý bằng nhau; "
        "số phiếu đồng ý cao nhất không vượt quá 1/2 số phiếu hợp lệ; Khối tổ chức bỏ phiếu lại."
    ]


def test_votes_for_a_ward_that_was_no_candidate_are_said_not_to_count() -> None:
    """The sample's 1 vote for Lào Cai, not a candidate, is set aside in a sentence."""
    result = explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1}))
    assert texts(result, Reason.IGNORED_VOTES) == [
        "Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính vì phường Lào Cai không thuộc danh sách ứng cử "
        "viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    ]


def test_votes_that_did_not_count_are_a_warning_about_meeting_yaml_in_the_documents_words() -> None:
    """The sample's 1 vote for Lào Cai: a warning on meeting.yaml, key votes.flag, naming the ward, the votes and
    why, in the very sentence the minutes give (one source)."""
    result = explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1}))
    [sentence] = texts(result, Reason.IGNORED_VOTES)
    assert configuration_warnings(result) == (
        ConfigWarning("meeting.yaml", "votes.flag", "ignored_votes", sentence, IGNORED_VOTES_HINT, ("LAOCAI",)),
    )


def test_votes_for_a_vetoed_leader_are_a_warning_too() -> None:
    """Nghĩa Lộ leads by total but has a veto (D3): no candidate, so its 3 votes are set aside with a warning,
    and a vote that counted everything warns of nothing."""
    scores = [sheet("NGHIALO", "98", veto=True), sheet("SAPA", "96"), sheet("LAOCAI", "94")]
    [warning] = configuration_warnings(explain(scores, votes=Votes(8, 8, 8, {"SAPA": 5, "NGHIALO": 3})))
    assert (warning.file, warning.key, warning.wards) == ("meeting.yaml", "votes.flag", ("NGHIALO",))
    assert warning.message == (
        "Phiếu đồng ý cho phường Nghĩa Lộ (3 phiếu) không được tính vì phường Nghĩa Lộ không thuộc danh sách ứng "
        "cử viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    )
    assert configuration_warnings(explain(scores, votes=Votes(8, 8, 8, {"SAPA": 8}))) == ()


def test_votes_when_no_ward_is_a_candidate_are_told_as_with_a_candidate() -> None:
    """Nghĩa Lộ leads but has a veto and the others are below the first band: no ward can be proposed for the
    flag, which the explanations say; the 3 and 2 votes recorded are set aside in the same sentence and warning
    as when there is a candidate, though there is no vote outcome."""
    scores = [sheet("NGHIALO", "98", veto=True), sheet("SAPA", "86"), sheet("LAOCAI", "84")]
    ranking = rank(scores, Votes(8, 8, 8, {"NGHIALO": 3, "SAPA": 2}))
    assert ranking.vote is None
    result = explain_ranking(BLOC, CATALOGUE, ranking)
    assert texts(result, Reason.NO_CANDIDATE) == [
        "Không có đơn vị đủ điều kiện đề nghị suy tôn Cờ thi đua của Ủy ban nhân dân tỉnh (xếp loại hoàn thành "
        "xuất sắc nhiệm vụ trở lên và không có điểm trừ loại trừ)."
    ]
    sentence = (
        "Phiếu đồng ý cho phường Nghĩa Lộ (3 phiếu), phường Sa Pa (2 phiếu) không được tính vì phường Nghĩa Lộ và "
        "phường Sa Pa không thuộc danh sách ứng cử viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    )
    assert texts(result, Reason.IGNORED_VOTES) == [sentence]
    assert configuration_warnings(result) == (
        ConfigWarning("meeting.yaml", "votes.flag", "ignored_votes", sentence, IGNORED_VOTES_HINT, ("NGHIALO", "SAPA")),
    )


def test_no_candidate_before_the_vote_is_said_without_a_warning() -> None:
    """Without votes, no ward eligible is still said, and nothing about meeting.yaml is warned."""
    result = explain([sheet("SAPA", "86"), sheet("LAOCAI", "84")])
    assert [e.reason for e in result if e.criterion == "flag"] == [Reason.NO_CANDIDATE]
    assert configuration_warnings(result) == ()


def test_missing_and_rejected_wards_are_told_why_they_have_no_rank() -> None:
    """A ward that sent nothing and one whose file was invalid: one sentence each, in roster order."""
    result = explain(MEETING_CASE, unscored={"CAUTHIA": WardStatus.REJECTED, "AULAU": WardStatus.MISSING})
    assert texts(result, Reason.REJECTED) == [
        "Phường Cầu Thia có bảng tự chấm điểm không hợp lệ (lỗi cụ thể ghi trong kết quả kiểm tra hồ sơ gửi đơn vị) "
        "nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."
    ]
    assert texts(result, Reason.MISSING) == [
        "Phường Âu Lâu chưa nộp bảng tự chấm điểm nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."
    ]
    assert [e.reason for e in result][-2:] == [Reason.REJECTED, Reason.MISSING]


def test_a_plain_ranking_needs_no_explanation() -> None:
    """Totals in order, one clear leader, no veto, every place filled in order: nothing to explain."""
    totals = ("96", "93", "91", "85", "84", "83", "82", "81")
    assert explain([sheet(w.code, t) for w, t in zip(ROSTER, totals, strict=True)]) == ()


def test_sentences_are_nfc_start_with_a_capital_and_write_phuong_in_lower_case_inside() -> None:
    """NĐ 30: ``phường`` in lower case inside a sentence; every sentence starts with a capital and ends with a stop."""
    votes = Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1})
    result = explain(MEETING_CASE, votes=votes, unscored={"AULAU": WardStatus.REJECTED})
    assert result
    for explanation in result:
        text = explanation.text
        assert unicodedata.is_normalized("NFC", text)
        assert text[0].isupper() and text.endswith(".")
        assert not re.search(r"(?<!^)Phường", text), text
        assert '"' not in text


def _annual(ward: str, status: Status, *messages: tuple[str, str | None]) -> Submission:
    issues = tuple(
        Issue(Severity.ERROR, "not_a_number", text, "Nhập số.", sheet="Tự chấm điểm", cell=cell)
        for text, cell in messages
    )
    path = Path(f"/inputs/2025/annual/{ward.lower()}.xlsx")
    file = InputFile(path, f"annual/{ward.lower()}.xlsx", "0" * 64, Kind.ANNUAL)
    return Submission(file, Kind.ANNUAL, "2025", ward, status=status, issues=issues)


def test_a_rejected_ward_is_told_where_its_first_error_is_and_how_many_more() -> None:
    """The sentence quotes the sheet, the cell and the message of the first error, then counts the others."""
    subs = [
        _annual("CAUTHIA", Status.REJECTED, ("Điểm tự chấm của tiêu chí 1.2 là “tốt”, không phải là số.", "D7"),
                ("Điểm tự chấm của tiêu chí 1.3 bị bỏ trống.", "D8")),
        _annual("SAPA", Status.ACCEPTED),
    ]  # fmt: skip
    reasons = rejection_reasons(subs)
    assert reasons == {
        "CAUTHIA": "sheet “Tự chấm điểm”, ô D7: Điểm tự chấm của tiêu chí 1.2 là “tốt”, không phải là số; và 1 lỗi khác"
    }
    ranking = rank(MEETING_CASE, unscored={"CAUTHIA": WardStatus.REJECTED})
    assert texts(explain_ranking(BLOC, CATALOGUE, ranking, reasons), Reason.REJECTED) == [
        "Phường Cầu Thia có bảng tự chấm điểm không hợp lệ (sheet “Tự chấm điểm”, ô D7: Điểm tự chấm của tiêu chí 1.2 "
        "là “tốt”, không phải là số; và 1 lỗi khác) nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."
    ]


def test_a_sheet_name_longer_than_excel_allows_is_shortened_in_the_minutes() -> None:
    """A hand-made workbook's 16,000-character sheet name would fill pages of the minutes: it is quoted with its
    first 30 characters and an ellipsis."""
    sub = _annual("CAUTHIA", Status.REJECTED, ("Thiếu cột.", None))
    sub = replace(sub, issues=tuple(replace(i, sheet="Tự chấm điểm" + "-" * 16_000) for i in sub.issues))
    assert rejection_reasons([sub]) == {"CAUTHIA": "sheet “Tự chấm điểm------------------…”: Thiếu cột"}


def test_a_ward_whose_file_is_unreadable_has_no_valid_self_assessment_rather_than_none_sent() -> None:
    """A corrupt file named after Yên Bái was received: its sentence says no valid self-assessment and why; Văn
    Phú, which sent nothing, is still the one that did not send."""
    config, subs, result = sample_review(unreadable="YENBAI", missing="VANPHU")
    assert "YENBAI" not in rejection_reasons(subs)  # without the roster the file is no ward's
    reasons = rejection_reasons(subs, config.bloc)
    explained = explain_ranking(config.bloc, config.catalogue, result.ranking, reasons)
    assert texts(explained, Reason.REJECTED) == [UNUSABLE]
    assert texts(explained, Reason.MISSING) == [
        "Phường Văn Phú chưa nộp bảng tự chấm điểm nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."
    ]
    shown = {r.ward.code: r.status for r in as_documented(result.ranking, explained).rows}
    assert (shown["YENBAI"], shown["VANPHU"]) == (WardStatus.REJECTED, WardStatus.MISSING)


def test_the_case_has_a_veto_a_tie_a_merit_tie_set_aside_votes_and_a_rejected_ward() -> None:
    """The voted case the documents render exercises every kind of explanation the three outputs must carry."""
    sentences = [e.text for e in explain_ranking(BLOC, CATALOGUE, CASE_RANKING)]
    assert any(s.startswith("Phường Nghĩa Lộ (xếp thứ 3, 92,72 điểm)") and "D3" in s for s in sentences)
    assert any("cùng xếp thứ 4; đơn vị liền sau xếp thứ 6" in s for s in sentences)
    assert any(s.startswith("Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính") for s in sentences)
    assert any(s.startswith("Phường Cầu Thia có bảng tự chấm điểm không hợp lệ") for s in sentences)


def test_an_explanation_gives_templates_its_parts_written_the_vietnamese_way() -> None:
    """Nghĩa Lộ's veto: a Word template gets the reason, the sentence and its parts ready to print (the ward as
    it begins a sentence, points with a decimal comma, band names in typographic quotes)."""
    [veto] = [e for e in explain(MEETING_CASE, votes=Votes(8, 8, 8, {"SAPA": 7})) if e.reason is Reason.VETO_BAND]
    assert veto.context() == {
        "reason": "veto-band",
        "text": veto.text,
        "ward_start": "Phường Nghĩa Lộ",
        "rank": "3",
        "total": "92,72",
        "band_by_total": "“Hoàn thành xuất sắc nhiệm vụ”",
        "band_min": "90",
        "band": "“Hoàn thành tốt nhiệm vụ”",
        "vetoes": "D3 (“Có cán bộ, công chức bị kỷ luật từ hình thức khiển trách trở lên”)",
        "several_vetoes": False,
    }
