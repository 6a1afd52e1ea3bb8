"""The minutes, ``ranking.docx`` and ``ranking.xlsx`` explain the same outcomes, in NĐ 30 language."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from itertools import groupby

import docx
import openpyxl
from docx.oxml.ns import qn

from tasks.domain import Meeting, Person, Votes, WardStatus
from tasks.outputs.documents import render_minutes, render_ranking_docx
from tasks.outputs.xlsx.ranking import SUMMARY_SHEET, write_ranking_xlsx
from tasks.scoring.explain import explain_ranking
from tests.support.explained import BLOC, CATALOGUE, MEETING_CASE, rank

MOMENT = datetime(2026, 1, 15, 8, 0)
VOTES = Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1})
RANKING = rank(MEETING_CASE, VOTES, {"CAUTHIA": WardStatus.REJECTED})
MEETING = Meeting(
    number="01/BB-KTĐ",
    start=datetime(2026, 1, 15, 8, 0),
    end=datetime(2026, 1, 15, 11, 30),
    place="Hội trường Ủy ban nhân dân phường Sa Pa",
    chair=Person("Nguyễn Văn A", "Chủ tịch Ủy ban nhân dân phường Sa Pa"),
    secretary=Person("Trần Thị B", "Công chức Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Sa Pa"),
    attendees=("Đại diện Sở Nội vụ tỉnh Lào Cai",),
    votes=VOTES,
)
SENTENCES = [e.text for e in explain_ranking(BLOC, CATALOGUE, RANKING)]


def _body_paragraphs(data: bytes) -> list[str]:
    """Every paragraph outside tables, in order (table cells begin with a capital by rule)."""
    body = docx.Document(io.BytesIO(data)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iterchildren(qn("w:p"))]


def _xlsx_notes(data: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[SUMMARY_SHEET]
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Ghi chú:")
    return [str(ws.cell(r, 1).value) for r in range(start + 1, ws.max_row + 1) if ws.cell(r, 1).value]


def test_the_case_has_a_veto_a_tie_a_merit_tie_set_aside_votes_and_a_rejected_ward() -> None:
    """The fixture exercises every kind of explanation the three outputs must carry."""
    assert any(s.startswith("Phường Nghĩa Lộ (xếp thứ 3, 92,72 điểm)") and "D3" in s for s in SENTENCES)
    assert any("cùng xếp thứ 4; đơn vị liền sau xếp thứ 6" in s for s in SENTENCES)
    assert any(s.startswith("Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính") for s in SENTENCES)
    assert any(s.startswith("Phường Cầu Thia có bảng tự chấm điểm không hợp lệ") for s in SENTENCES)


def test_the_minutes_carry_every_explanation_as_its_own_paragraph() -> None:
    """Under "3. Giải trình…" each sentence is a paragraph of its own, in the order of the ranking."""
    paragraphs = _body_paragraphs(render_minutes(BLOC, CATALOGUE, RANKING, MEETING, MOMENT))
    start = paragraphs.index("3. Giải trình kết quả xếp hạng, xếp loại và đề nghị khen thưởng")
    assert paragraphs[start + 1 : start + 1 + len(SENTENCES)] == SENTENCES


def test_the_ranking_document_lists_every_explanation_in_its_notes() -> None:
    """``ranking.docx``: each sentence is a note under the table, as a ``- `` item among the others."""
    paragraphs = _body_paragraphs(render_ranking_docx(BLOC, CATALOGUE, RANKING, MEETING, MOMENT))
    notes = paragraphs[paragraphs.index("Ghi chú:") + 1 :]
    assert [f"- {s}" for s in SENTENCES] == [n for n in notes if n[2:] in SENTENCES]
    assert sum(1 for n in notes if n.startswith("- ")) > len(SENTENCES)  # never a lone item


def test_the_ranking_workbook_never_contradicts_itself() -> None:
    """``ranking.xlsx``: the band note states the veto rule and the notes carry the same sentences."""
    notes = _xlsx_notes(write_ranking_xlsx(BLOC, CATALOGUE, RANKING, MOMENT))
    assert notes[-len(SENTENCES) :] == SENTENCES
    assert (
        "Đơn vị vi phạm tiêu chí loại trừ (D3) dù đạt từ 90 điểm chỉ được xếp loại “Hoàn thành tốt nhiệm vụ” "
        "(không xếp loại “Hoàn thành xuất sắc nhiệm vụ”) và không được đề nghị khen thưởng."
    ) in notes
    assert "Nhóm 1 (tối đa 0 điểm): Ứng dụng công nghệ, phong trào “Bình dân học vụ số”." in notes


def test_phuong_is_lower_case_inside_every_sentence_of_the_minutes() -> None:
    """NĐ 30 Phụ lục II: ``Phường`` only where a paragraph or an item begins, never inside a sentence."""
    for data in (
        render_minutes(BLOC, CATALOGUE, RANKING, MEETING, MOMENT),
        render_minutes(BLOC, CATALOGUE, rank(MEETING_CASE), None, MOMENT),
        render_ranking_docx(BLOC, CATALOGUE, RANKING, MEETING, MOMENT),
    ):
        for paragraph in _body_paragraphs(data):
            inside = re.sub(r"^(- )?Phường", "", paragraph)
            assert "Phường" not in inside, paragraph
            assert "PHƯỜNG" not in inside or paragraph.isupper(), paragraph


def test_the_minutes_use_the_forms_labels_whole_percentages_and_typographic_quotes() -> None:
    """``Thời gian bắt đầu:``, ``87,5%``/``88%`` shares without trailing zeros, no straight quotes, no UBND."""
    paragraphs = _body_paragraphs(render_minutes(BLOC, CATALOGUE, RANKING, MEETING, MOMENT))
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in paragraphs
    assert "- Phường Sa Pa: 7 phiếu đồng ý, đạt 87,5% số phiếu hợp lệ." in paragraphs
    body = "\n".join(paragraphs[6:])  # below the issuing-body header, where "UBND TỈNH" is the form's own
    assert '"' not in body and "UBND" not in body and "00%" not in body
    assert "Chủ tọa: Nguyễn Văn A – Chủ tịch Ủy ban nhân dân phường Sa Pa." in paragraphs


def test_a_list_of_one_is_written_as_a_sentence_never_as_a_lone_item() -> None:
    """One merit ward, one band, a vote that missed one condition: sentences, no ``- `` item standing alone."""
    votes = Votes(8, 8, 8, {"SAPA": 3})
    minutes = render_minutes(BLOC, CATALOGUE, rank(MEETING_CASE[:2], votes), replace(MEETING, votes=votes), MOMENT)
    paragraphs = _body_paragraphs(minutes)
    assert (
        "Kết quả xếp loại: 2 phường (phường Sa Pa và phường Lào Cai) đều xếp loại “Hoàn thành xuất sắc nhiệm vụ”."
    ) in paragraphs
    merit = "Hội nghị thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho phường Lào Cai (xếp hạng 2,"
    assert any(p.startswith(merit) for p in paragraphs)
    assert (
        "Chưa có đơn vị được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì số phiếu đồng ý cao nhất "
        "không vượt quá 1/2 số phiếu hợp lệ."
    ) in paragraphs
    items = [i for i, p in enumerate(paragraphs) if p.startswith("- ")]
    runs = [list(g) for _, g in groupby(enumerate(items), key=lambda pair: pair[1] - pair[0])]
    assert all(len(run) > 1 for run in runs), [paragraphs[r[0][1]] for r in runs if len(r) == 1]
