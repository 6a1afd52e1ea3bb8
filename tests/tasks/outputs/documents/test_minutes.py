"""The minutes (biên bản họp tổng kết): the meeting, the vote, the nominations and the explanations, reopened."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import groupby

from docx.document import Document as DocumentObject

from tasks.domain import Meeting, Nomination, Ranking, VoteOutcome, Votes
from tasks.outputs.documents import minutes_job, render_document
from tasks.scoring.explain import explain_ranking, rejection_reasons
from tests.support import explained
from tests.support.documents import (
    BLOC,
    CATALOGUE,
    MEETING,
    MOMENT,
    VOTED,
    body_paragraphs,
    four_ward_ranking,
    open_docx,
    paragraphs,
    table_rows,
    text,
)
from tests.support.reviews import sample_review

SENTENCES = [e.text for e in explain_ranking(explained.BLOC, explained.CATALOGUE, explained.CASE_RANKING)]


def _case_minutes(
    meeting: Meeting | None = explained.CASE_MEETING, ranking: Ranking = explained.CASE_RANKING
) -> list[str]:
    """The paragraphs outside tables of the minutes of the explanation case (a veto, a tie, votes set aside)."""
    return body_paragraphs(render_document(minutes_job(explained.BLOC, explained.CATALOGUE, ranking, meeting, MOMENT)))


def test_minutes_record_the_meeting_the_vote_and_the_nominations() -> None:
    """With vote results the minutes are final: meeting facts, ballots, share, flag and merit, signatures."""
    document = open_docx(render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)))
    full = text(document)
    lines = paragraphs(document)
    assert "DỰ THẢO" not in full
    assert "BIÊN BẢN" in lines
    assert "Hội nghị tổng kết, bình xét thi đua năm 2025 của Khối thi đua các phường" in lines
    assert "Số: 01/BB-KTĐ" in lines and "Sa Pa, ngày 15 tháng 01 năm 2026" in lines
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in lines
    assert "Địa điểm: Hội trường UBND phường Sa Pa." in lines
    assert "Thành phần tham dự: Đại diện Sở Nội vụ tỉnh Lào Cai." in lines  # one attendee: no lone item
    assert "Thư ký: Nguyễn Thị Hoa – Công chức Văn phòng HĐND và UBND phường Sa Pa." in lines
    assert any(p.startswith("Chủ tọa: ....") for p in lines)  # no name given: a dotted line
    assert "số phường có hồ sơ không hợp lệ: 1 (phường Cầu Thia)" in full
    assert "- Số phiếu phát ra: 4; số phiếu thu về: 4; số phiếu hợp lệ: 4." in lines
    assert "- Phường Sa Pa: 3 phiếu đồng ý, đạt 75% số phiếu hợp lệ." in lines
    assert any(p.startswith("Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính") for p in lines)
    assert "Hội nghị thống nhất suy tôn phường Sa Pa là đơn vị dẫn đầu" in full
    assert any(
        p.startswith(
            "Hội nghị thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho phường "
            "Lào Cai (xếp hạng 2, 96,00 điểm)"
        )
        for p in lines
    )  # one ward: no lone item
    assert "Hội nghị kết thúc vào hồi 11 giờ 30 phút, ngày 15 tháng 01 năm 2026." in full
    assert [row[1] for row in table_rows(document, 1)[1:]] == [
        "Phường Sa Pa", "Phường Lào Cai", "Phường Cam Đường", "Phường Cầu Thia"]  # fmt: skip
    _assert_signatures_and_receivers(document)


def _assert_signatures_and_receivers(document: DocumentObject) -> None:
    signatures = document.tables[-1]
    left, right = signatures.rows[0].cells
    assert left.paragraphs[0].text == "THƯ KÝ" and right.paragraphs[0].text == "CHỦ TỌA"
    assert "(Ký, ghi rõ họ tên)" in left.text and "Nguyễn Thị Hoa" in left.text
    lines = paragraphs(document)
    start = lines.index("Nơi nhận:")
    assert lines[start:] == [
        "Nơi nhận:", "- Sở Nội vụ tỉnh Lào Cai;", "- Các phường thành viên Khối;", "- Lưu: VT, Hồ sơ."]  # fmt: skip
    heading = next(p for p in document.paragraphs if p.text == "Nơi nhận:")
    run = heading.runs[0]
    assert run.bold and run.italic and run.font.size is not None and run.font.size.pt == 12


def test_minutes_without_a_meeting_are_a_draft_with_blanks() -> None:
    """Without meeting.yaml the minutes are marked DỰ THẢO with blanks to fill in, the date line too: ``moment``
    (the latest Ngày lập) is no meeting date."""
    proposed = four_ward_ranking(tie=False, nominations={"SAPA": Nomination.FLAG_PROPOSED})
    moment = datetime(2025, 12, 31, 17, 0)
    document = open_docx(render_document(minutes_job(BLOC, CATALOGUE, proposed, None, moment)))
    lines = paragraphs(document)
    assert "DỰ THẢO" in lines
    assert "Số: ......" in lines and "Sa Pa, ngày ...... tháng ...... năm ......" in lines
    assert "31" not in text(document)
    assert "Thời gian bắt đầu: ...... giờ ...... phút, ngày ...... tháng ...... năm ......." in lines
    assert "- Số phiếu phát ra: ......; số phiếu thu về: ......; số phiếu hợp lệ: ......." in lines
    assert "- Phường Sa Pa: ...... phiếu đồng ý, đạt ......% số phiếu hợp lệ." in lines
    assert any(p.startswith("Đề xuất phường Sa Pa (xếp hạng 1, 98,50 điểm)") for p in lines)
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == "THƯ KÝ" and right.paragraphs[0].text == "CHỦ TỌA"
    assert "- Lưu: VT, Hồ sơ." in lines


def test_draft_names_the_tied_candidates_and_leaves_the_vote_blank() -> None:
    """A meeting without votes and two wards level at the top: both are named as candidates."""
    tied = four_ward_ranking(tie=True, nominations=dict.fromkeys(("SAPA", "LAOCAI"), Nomination.FLAG_CANDIDATE))
    job = minutes_job(BLOC, CATALOGUE, tied, replace(MEETING, votes=None), MOMENT)
    lines = paragraphs(open_docx(render_document(job)))
    assert "DỰ THẢO" in lines
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in lines  # known facts are kept
    assert any(p.startswith("Phường Sa Pa và phường Lào Cai cùng dẫn đầu Khối (98,50 điểm, đồng hạng 1)")
               for p in lines)  # fmt: skip
    assert "- Phường Lào Cai: ...... phiếu đồng ý, đạt ......% số phiếu hợp lệ." in lines
    assert any("bằng nhau về tổng điểm (98,50)" in p and "cùng xếp thứ 1" in p for p in lines)


def test_a_failed_vote_says_why_and_calls_for_a_new_vote() -> None:
    """Quorum missed and a tie at the top: no flag, the reasons listed, a new vote called."""
    vote = VoteOutcome(("SAPA", "LAOCAI"), None, False, False, True, {"SAPA": 1, "LAOCAI": 1})
    candidates = dict.fromkeys(("SAPA", "LAOCAI"), Nomination.FLAG_CANDIDATE)
    ranking = four_ward_ranking(tie=True, nominations=candidates, vote=vote)
    meeting = replace(MEETING, votes=Votes(4, 2, 2, {"SAPA": 1, "LAOCAI": 1}))
    lines = paragraphs(open_docx(render_document(minutes_job(BLOC, CATALOGUE, ranking, meeting, MOMENT))))
    assert "DỰ THẢO" not in lines
    assert "- Phường Sa Pa: 1 phiếu đồng ý, đạt 50% số phiếu hợp lệ." in lines
    assert (
        "Chưa có đơn vị được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì số phiếu thu về (2/4) chưa "
        "đạt 2/3 tổng số thành viên Khối; phường Sa Pa và phường Lào Cai có số phiếu đồng ý cao nhất bằng nhau; số "
        "phiếu đồng ý cao nhất không vượt quá 1/2 số phiếu hợp lệ."
    ) in lines
    assert any("tổ chức bỏ phiếu lại" in p for p in lines)


def test_the_minutes_carry_every_explanation_as_its_own_paragraph() -> None:
    """Under "3. Giải trình…" each sentence is a paragraph of its own, in the order of the ranking."""
    lines = _case_minutes()
    start = lines.index("3. Giải trình kết quả xếp hạng, xếp loại và đề nghị khen thưởng")
    assert lines[start + 1 : start + 1 + len(SENTENCES)] == SENTENCES


def test_the_minutes_use_the_forms_labels_whole_percentages_and_typographic_quotes() -> None:
    """``Thời gian bắt đầu:``, ``87,5%``/``88%`` shares without trailing zeros, no straight quotes, no UBND."""
    lines = _case_minutes()
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in lines
    assert "- Phường Sa Pa: 7 phiếu đồng ý, đạt 87,5% số phiếu hợp lệ." in lines
    body = "\n".join(lines[6:])  # below the issuing-body header, where "UBND TỈNH" is the form's own
    assert '"' not in body and "UBND" not in body and "00%" not in body
    assert "Chủ tọa: Nguyễn Văn A – Chủ tịch Ủy ban nhân dân phường Sa Pa." in lines


def test_a_list_of_one_is_written_as_a_sentence_never_as_a_lone_item() -> None:
    """One merit ward, one band, a vote that missed one condition: sentences, no ``- `` item standing alone."""
    votes = Votes(8, 8, 8, {"SAPA": 3})
    ranking = explained.rank(explained.MEETING_CASE[:2], votes)
    lines = _case_minutes(replace(explained.CASE_MEETING, votes=votes), ranking)
    assert (
        "Kết quả xếp loại: 2 phường (phường Sa Pa và phường Lào Cai) đều xếp loại “Hoàn thành xuất sắc nhiệm vụ”."
    ) in lines
    merit = "Hội nghị thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho phường Lào Cai (xếp hạng 2,"
    assert any(p.startswith(merit) for p in lines)
    assert (
        "Chưa có đơn vị được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì số phiếu đồng ý cao nhất "
        "không vượt quá 1/2 số phiếu hợp lệ."
    ) in lines
    items = [i for i, p in enumerate(lines) if p.startswith("- ")]
    runs = [list(g) for _, g in groupby(enumerate(items), key=lambda pair: pair[1] - pair[0])]
    assert all(len(run) > 1 for run in runs), [lines[r[0][1]] for r in runs if len(r) == 1]


def test_a_ward_whose_file_is_unreadable_is_not_said_to_have_sent_nothing() -> None:
    """A corrupt file named after Yên Bái was received: the minutes count it among the invalid self-assessments,
    give the reason, and its row in the ranking table says it has no valid one; Văn Phú sent nothing."""
    config, subs, result = sample_review(unreadable="YENBAI", missing="VANPHU")
    reasons = rejection_reasons(subs, config.bloc)
    sentences = explain_ranking(config.bloc, config.catalogue, result.ranking, reasons)
    job = minutes_job(config.bloc, config.catalogue, result.ranking, None, MOMENT, explanations=sentences)
    document = open_docx(render_document(job))
    full, lines = text(document), paragraphs(document)
    assert "số phường có hồ sơ không hợp lệ: 1 (phường Yên Bái); số phường chưa nộp: 1 (phường Văn Phú)." in full
    assert any(p.startswith("Phường Yên Bái chưa có bảng tự chấm điểm hợp lệ (tệp annual/") for p in lines)
    assert "Phường Yên Bái chưa nộp" not in full
    rows = {row[1]: row for row in table_rows(document, 1)}
    assert "Không có bảng tự chấm hợp lệ" in rows["Phường Yên Bái"] and "Chưa nộp" not in rows["Phường Yên Bái"]
    assert "Chưa nộp" in rows["Phường Văn Phú"]


def test_no_eligible_ward_is_said_once_where_the_vote_would_be() -> None:
    """Nghĩa Lộ leads with a veto, the others are below the first band: the section on the vote says no ward is
    eligible, and neither the flag's nomination nor the explanations say it again."""
    scores = [
        explained.sheet("NGHIALO", "98", veto=True),
        explained.sheet("SAPA", "86"),
        explained.sheet("LAOCAI", "84"),
    ]
    ranking = explained.rank(scores, Votes(8, 8, 8, {"NGHIALO": 3, "SAPA": 2}))
    lines = _case_minutes(ranking=ranking)
    said = [p for p in lines if "đủ điều kiện đề nghị" in p and "Cờ thi đua" in p]
    assert said == [
        "Không có phường nào đủ điều kiện đề nghị tặng Cờ thi đua (xếp loại Hoàn thành xuất sắc nhiệm vụ, không vi "
        "phạm tiêu chí loại trừ); Hội nghị không tổ chức bỏ phiếu."
    ]
    flag = lines.index("1. Cờ thi đua của Ủy ban nhân dân tỉnh")
    assert lines[flag + 1] == "Hội nghị không đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    assert any(p.startswith("Phiếu đồng ý cho phường Nghĩa Lộ (3 phiếu)") for p in lines)  # still explained
