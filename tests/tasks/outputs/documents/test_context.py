"""What the ranking table (``ranking.docx``) says, and the wording rules every document shares: the Vietnamese
decimal comma, zero-padded dates, ``phường`` in lower case inside a sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from tasks.outputs.documents import DocumentJob, minutes_job, proposal_job, ranking_docx_job, render_document
from tasks.outputs.documents.context import vn_points
from tasks.outputs.ooxml import LOCAL_TIME
from tasks.scoring.explain import explain_ranking
from tests.support import explained
from tests.support.documents import (
    BLOC,
    CATALOGUE,
    MEETING,
    MOMENT,
    VOTED,
    body_paragraphs,
    open_docx,
    table_rows,
    text,
)


def test_ranking_lists_every_ward_with_group_scores_totals_and_nominations() -> None:
    """It lists each ward with one column per criterion group, totals with a decimal comma, and the reason
    an unscored ward has no numbers."""
    document = open_docx(render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)))
    full = text(document)
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM 2025" in full
    assert "UBND TỈNH LÀO CAI" in full and "KHỐI THI ĐUA CÁC PHƯỜNG" in full
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in full and "Độc lập - Tự do - Hạnh phúc" in full
    rows = table_rows(document, 1)
    assert rows[1][2:4] == ["1", "2"]  # the group codes, one column each
    by_ward = {row[1]: row for row in rows[2:]}
    assert by_ward["Phường Sa Pa"][:4] == ["1", "Phường Sa Pa", "38,50", "57,00"]
    assert by_ward["Phường Sa Pa"][4:] == ["95,50", "3,00", "0,00", "98,50", "Hoàn thành xuất sắc nhiệm vụ",
                                           "Cờ thi đua"]  # fmt: skip
    assert by_ward["Phường Lào Cai"][-1] == "Bằng khen"
    assert by_ward["Phường Cam Đường"][6:8] == ["1,25", "78,75"]
    assert by_ward["Phường Cầu Thia"][0] == "–" and by_ward["Phường Cầu Thia"][8] == "Không có bảng tự chấm hợp lệ"
    assert list(by_ward)[-1] == "Phường Cầu Thia"
    assert "- Nhóm 2: Phát triển kinh tế – xã hội (tối đa 60 điểm)." in full


def test_ranking_date_line_is_zero_padded_from_the_meeting_date() -> None:
    """The place is the head ward; day and month are written with two digits."""
    meeting = replace(MEETING, start=datetime(2026, 1, 5, 9, 5))
    full = text(open_docx(render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, meeting, MOMENT))))
    assert "Sa Pa, ngày 05 tháng 01 năm 2026" in full
    assert "(Kèm theo Biên bản số 01/BB-KTĐ ngày 05/01/2026" in full


@pytest.mark.parametrize("make_job", [ranking_docx_job, minutes_job, proposal_job])
def test_a_draft_without_a_meeting_date_leaves_every_date_blank(make_job: Callable[..., DocumentJob]) -> None:
    """No meeting.yaml: the place-and-date line (and the minutes' date cited in the ranking table and the
    proposal) is a blank to fill in, not the latest Ngày lập; that day only stamps the file's properties."""
    moment = datetime(2026, 1, 9)  # the latest Ngày lập of the inputs
    document = open_docx(render_document(make_job(BLOC, CATALOGUE, VOTED, None, moment)))
    full = text(document)
    assert "Sa Pa, ngày ...... tháng ...... năm ......" in full
    assert "09" not in full and "2026" not in full
    if make_job is not minutes_job:
        assert "số ...... ngày ....../....../......" in full
    assert document.core_properties.created == moment.replace(tzinfo=LOCAL_TIME)


def test_a_meeting_without_votes_keeps_its_known_date() -> None:
    """A draft (no votes) whose meeting.yaml gives the start: that date is printed, it is a known fact."""
    meeting = replace(MEETING, start=datetime(2026, 1, 5, 9, 5), votes=None)
    full = text(open_docx(render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, meeting, datetime(2026, 1, 9)))))
    assert "Sa Pa, ngày 05 tháng 01 năm 2026" in full


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("95.5"), "95,50"), (Decimal("0"), "0,00"), (Decimal("1234.567"), "1.234,57"), (Decimal("7.125"), "7,13")],
)
def test_points_are_written_with_a_decimal_comma(value: Decimal, expected: str) -> None:
    """Documents use the Vietnamese decimal comma and two decimals (half up)."""
    assert vn_points(value) == expected


def test_the_ranking_document_lists_every_explanation_in_its_notes() -> None:
    """``ranking.docx``: each sentence is a note under the table, as a ``- `` item among the others."""
    sentences = [e.text for e in explain_ranking(explained.BLOC, explained.CATALOGUE, explained.CASE_RANKING)]
    data = render_document(
        ranking_docx_job(explained.BLOC, explained.CATALOGUE, explained.CASE_RANKING, explained.CASE_MEETING, MOMENT)
    )
    lines = body_paragraphs(data)
    notes = lines[lines.index("Ghi chú:") + 1 :]
    assert [f"- {s}" for s in sentences] == [n for n in notes if n[2:] in sentences]
    assert sum(1 for n in notes if n.startswith("- ")) > len(sentences)  # never a lone item


def test_phuong_is_lower_case_inside_every_sentence_of_the_minutes() -> None:
    """NĐ 30 Phụ lục II: ``Phường`` only where a paragraph or an item begins, never inside a sentence."""
    bloc, catalogue = explained.BLOC, explained.CATALOGUE
    ranking, meeting = explained.CASE_RANKING, explained.CASE_MEETING
    for data in (
        render_document(minutes_job(bloc, catalogue, ranking, meeting, MOMENT)),
        render_document(minutes_job(bloc, catalogue, explained.rank(explained.MEETING_CASE), None, MOMENT)),
        render_document(ranking_docx_job(bloc, catalogue, ranking, meeting, MOMENT)),
    ):
        for paragraph in body_paragraphs(data):
            inside = re.sub(r"^(- )?Phường", "", paragraph)
            assert "Phường" not in inside, paragraph
            assert "PHƯỜNG" not in inside or paragraph.isupper(), paragraph
