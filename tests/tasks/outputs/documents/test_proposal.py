"""The award proposal (tờ trình đề nghị khen thưởng), reopened with python-docx."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from tasks.domain import (
    BonusItem,
    Criterion,
    CriterionKind,
    Group,
    Meeting,
    Person,
    ScoreLine,
    Source,
    Votes,
    WardScore,
    WardStatus,
)
from tasks.outputs.documents import proposal_job, render_document
from tasks.outputs.documents.proposal import achievement_summary
from tests.support.explained import BLOC, CATALOGUE, MEETING_CASE, rank

D = Decimal
MOMENT = datetime(2026, 1, 15, 8, 0)
GROUPS = (
    Group("1", "Công tác thi đua – khen thưởng", (Criterion("1.1", "a", CriterionKind.ASSESSED, D(40), "1"),)),
    Group("2", "Phát triển kinh tế – xã hội", (Criterion("2.1", "b", CriterionKind.ASSESSED, D(50), "2"),)),
    Group("3", 'Phong trào "Bình dân học vụ số"', (Criterion("3.1", "c", CriterionKind.ASSESSED, D(10), "3"),)),
)
BONUS = (BonusItem("T1", "Mô hình được công nhận", D(1), D(2)), BonusItem("T3", "Sáng kiến", D("0.5"), D("1.5")))
CAT = replace(CATALOGUE, groups=GROUPS, bonus_items=BONUS)
VOTES = Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1})
MEETING = Meeting(
    number="01/BB-KTĐ",
    start=datetime(2026, 1, 15, 8, 0),
    end=datetime(2026, 1, 15, 11, 30),
    place="Hội trường Ủy ban nhân dân phường Sa Pa",
    chair=Person("Nguyễn Văn A", "Chủ tịch Ủy ban nhân dân phường Sa Pa, Trưởng Khối thi đua"),
    secretary=Person("Trần Thị B", "Công chức Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Sa Pa"),
    attendees=(),
    votes=VOTES,
)


def _with_groups(score: WardScore, g1: str, g2: str, g3: str) -> WardScore:
    return replace(score, group_scores={"1": D(g1), "2": D(g2), "3": D(g3)})


SCORES = [
    replace(
        _with_groups(MEETING_CASE[0], "38", "49.72", "10"),
        bonus=D(2),
        lines=(ScoreLine("SAPA", "T1", D(2), D(2), Source.SELF), ScoreLine("SAPA", "T3", D(0), D(0), Source.SELF)),
    ),
    _with_groups(MEETING_CASE[1], "39", "45", "9.5"),
    *MEETING_CASE[2:],
]


def _render(meeting: Meeting | None, votes: Votes | None = VOTES) -> DocumentObject:
    ranking = rank(SCORES, votes, {"CAUTHIA": WardStatus.REJECTED})
    job = proposal_job(BLOC, CAT, ranking, meeting, MOMENT)
    return docx.Document(io.BytesIO(render_document(job)))


def _paragraphs(document: DocumentObject) -> list[str]:
    body = document.element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iterchildren(qn("w:p"))]


def _units(document: DocumentObject) -> list[list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_summary_names_the_two_strongest_groups_and_the_bonus_items() -> None:
    """Groups by share of their maximum (10/10 before 49,72/50 before 38/40), then each bonus item counted."""
    score = SCORES[0]
    assert achievement_summary(CAT, score) == (
        "Nổi bật: nhóm 3 (10,00/10 điểm), nhóm 2 (49,72/50 điểm); điểm thưởng 2,00 (T1: 2 lần)."
    )


def test_the_final_proposal_lists_the_nominated_units_with_award_rank_total_band_and_summary() -> None:
    """After the vote: the flag first, then the merits in rank order; the veto ward and the others are absent."""
    rows = _units(_render(MEETING))
    assert rows[0] == ["STT", "Đơn vị", "Hình thức khen thưởng", "Xếp hạng", "Tổng điểm", "Xếp loại",
                       "Tóm tắt thành tích"]  # fmt: skip
    body = [r[:6] for r in rows[1:]]
    flag, merit = "Cờ thi đua của Ủy ban nhân dân tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    band = "Hoàn thành xuất sắc nhiệm vụ"
    assert body == [
        ["1", "Phường Sa Pa", flag, "1", "97,72", band],
        ["2", "Phường Lào Cai", merit, "2", "94,36", band],
        ["3", "Phường Cam Đường", merit, "4", "91,45", band],
        ["4", "Phường Yên Bái", merit, "4", "91,45", band],
    ]
    assert rows[2][6] == "Nổi bật: nhóm 1 (39,00/40 điểm), nhóm 3 (9,50/10 điểm)."


def test_the_final_proposal_is_addressed_cites_the_law_the_decree_and_the_vote() -> None:
    """From the head of the bloc to the provincial Chairman through Sở Nội vụ, with its legal bases and the vote."""
    document = _render(MEETING)
    paragraphs = _paragraphs(document)
    assert "DỰ THẢO" not in paragraphs
    assert "TỜ TRÌNH" in paragraphs
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lào Cai (qua Sở Nội vụ)." in paragraphs
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in paragraphs
    assert any(p.startswith("Căn cứ Nghị định số 152/2025/NĐ-CP") for p in paragraphs)
    assert any("số 01/BB-KTĐ ngày 15/01/2026" in p for p in paragraphs)
    assert any("(7/8 phiếu hợp lệ đồng ý, đạt 87,5%)" in p and "kính trình" in p for p in paragraphs)
    assert "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 03 tập thể có thành tích xuất sắc." in paragraphs
    assert "Hồ sơ kèm theo:" in paragraphs
    signer = document.tables[-1].rows[0].cells[1].text
    assert "TRƯỞNG KHỐI" in signer and "Nguyễn Văn A" in signer
    assert "- Như trên;" in document.tables[-1].rows[0].cells[0].text


def test_before_the_vote_the_proposal_is_a_draft_naming_candidates_only() -> None:
    """No votes in meeting.yaml: DỰ THẢO, the flag ward only as a proposed candidate, "dự kiến đề nghị"."""
    document = _render(replace(MEETING, votes=None), votes=None)
    paragraphs = _paragraphs(document)
    assert "DỰ THẢO" in paragraphs
    assert any("dự kiến đề nghị Chủ tịch" in p for p in paragraphs)
    assert any("(ứng cử viên: phường Sa Pa; chờ kết quả bỏ phiếu suy tôn)" in p for p in paragraphs)
    rows = _units(document)
    assert rows[1][2] == "Cờ thi đua của Ủy ban nhân dân tỉnh (dự kiến, chờ kết quả bỏ phiếu suy tôn)"
    assert document.core_properties.title.startswith("Dự thảo tờ trình")


def test_a_void_vote_leaves_the_flag_for_a_new_vote_and_still_proposes_merit() -> None:
    """Quorum missed: the flag is deferred to the new vote; the candidate stays a candidate in the table."""
    document = _render(replace(MEETING, votes=Votes(8, 3, 3, {"SAPA": 3})), votes=Votes(8, 3, 3, {"SAPA": 3}))
    paragraphs = _paragraphs(document)
    assert any("Khối chưa suy tôn được đơn vị dẫn đầu (phường Sa Pa vẫn là ứng cử viên)" in p for p in paragraphs)
    assert _units(document)[1][2].startswith("Ứng cử viên Cờ thi đua")
