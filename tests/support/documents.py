"""A four-ward bloc with a vote, and readers for the Word documents rendered from it (test helpers, no tests here).

Sa Pa leads (98,50) and is awarded the flag, Lào Cai is second (96,00, merit), Cam Đường third with a deduction,
Cầu Thia rejected; ``four_ward_ranking(tie=True)`` puts Lào Cai level with Sa Pa.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length

from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Meeting,
    MonthWindow,
    Nomination,
    Person,
    Ranking,
    RankingRow,
    VoteOutcome,
    Votes,
    Ward,
    WardScore,
    WardStatus,
)
from tasks.outputs.documents import DocumentJob
from tasks.outputs.documents.render import finish_document, render_template

MOMENT = datetime(2026, 1, 15, 8, 0)
SAPA, LAOCAI, CAMDUONG, CAUTHIA = (
    Ward("SAPA", "Sa Pa"),
    Ward("LAOCAI", "Lào Cai"),
    Ward("CAMDUONG", "Cam Đường"),
    Ward("CAUTHIA", "Cầu Thia"),
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", (LAOCAI, SAPA, CAMDUONG, CAUTHIA))


def _criterion(code: str, group: str, maximum: int) -> Criterion:
    return Criterion(code, f"Tiêu chí {code}", CriterionKind.ASSESSED, Decimal(maximum), group)


CATALOGUE = Catalogue(
    year=2025,
    scale=Decimal(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group("1", "Công tác thi đua – khen thưởng", (_criterion("1.1", "1", 40),)),
        Group("2", "Phát triển kinh tế – xã hội", (_criterion("2.1", "2", 60),)),
    ),
    indicators=(),
    bonus_cap=Decimal(5),
    bonus_items=(),
    deduction_items=(),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", Decimal(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", Decimal(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", Decimal(70)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", Decimal(0)),
    ),
    flag=AwardRule(1, "HTXSNV", Fraction(1, 2), Fraction(2, 3)),
    merit=AwardRule(1, "HTXSNV"),
)


def _score(ward: Ward, g1: str, g2: str, bonus: str, deductions: str, band: str) -> WardScore:
    groups = {"1": Decimal(g1), "2": Decimal(g2)}
    base = sum(groups.values(), Decimal(0))
    total = base + Decimal(bonus) - Decimal(deductions)
    return WardScore(ward, base, Decimal(bonus), Decimal(deductions), total, band, False, groups, (), ())


def four_ward_ranking(
    *,
    tie: bool,
    nominations: dict[str, Nomination],
    vote: VoteOutcome | None = None,
    ignored: dict[str, int] | None = None,
) -> Ranking:
    """Sa Pa first (98,50); Lào Cai level with it when ``tie``, else 96,00; Cam Đường; Cầu Thia rejected;
    ``ignored``: agree votes not counted."""
    lao_cai = ("38.5", "57", "3", "0") if tie else ("38", "56", "2", "0")
    rows = (
        RankingRow(SAPA, WardStatus.SCORED, 1, _score(SAPA, "38.5", "57", "3", "0", "HTXSNV"),
                   nominations.get("SAPA"), tie),
        RankingRow(LAOCAI, WardStatus.SCORED, 1 if tie else 2, _score(LAOCAI, *lao_cai, "HTXSNV"),
                   nominations.get("LAOCAI"), tie),
        RankingRow(CAMDUONG, WardStatus.SCORED, 3, _score(CAMDUONG, "30", "50", "0", "1.25", "HTTNV")),
        RankingRow(CAUTHIA, WardStatus.REJECTED),
    )  # fmt: skip
    return Ranking(rows, vote, merit_tie=False, ignored_votes=ignored or {})


VOTED = four_ward_ranking(
    tie=False,
    nominations={"SAPA": Nomination.FLAG, "LAOCAI": Nomination.MERIT},
    vote=VoteOutcome(("SAPA",), "SAPA", True, True, False, {"SAPA": 3}),
    ignored={"LAOCAI": 1},
)
MEETING = Meeting(
    number="01/BB-KTĐ",
    start=datetime(2026, 1, 15, 8, 0),
    end=datetime(2026, 1, 15, 11, 30),
    place="Hội trường UBND phường Sa Pa",
    chair=Person("", "Chủ tịch UBND phường Sa Pa, Trưởng Khối thi đua"),
    secretary=Person("Nguyễn Thị Hoa", "Công chức Văn phòng HĐND và UBND phường Sa Pa"),
    attendees=("Đại diện Sở Nội vụ tỉnh Lào Cai",),
    votes=Votes(4, 4, 4, {"SAPA": 3, "LAOCAI": 1}),
)


def open_docx(data: bytes) -> DocumentObject:
    """The .docx bytes opened with python-docx."""
    return docx.Document(io.BytesIO(data))


def paragraphs(document: DocumentObject) -> list[str]:
    """The text of every paragraph in the body, tables included, in document order."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


def body_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph outside tables, in order."""
    body = open_docx(data).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iterchildren(qn("w:p"))]


def text(document: DocumentObject) -> str:
    """Every paragraph of the body, tables included, one per line."""
    return "\n".join(paragraphs(document))


def table_rows(document: DocumentObject, index: int) -> list[list[str]]:
    """The cell texts of the ``index``-th table, row by row."""
    return [[c.text for c in row.cells] for row in document.tables[index].rows]


def mm(*lengths: Length | None) -> tuple[float, ...]:
    """Lengths in whole millimetres (Word stores them in twips, so 210 mm reads back as 210.01)."""
    return tuple(round(length.mm) if length is not None else -1 for length in lengths)


def assert_nd30_margins(section: Section) -> None:
    """Top, bottom, left, right margins of 20, 20, 30 and 15 mm (NĐ 30/2020)."""
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (20, 20, 30, 15)


def assert_times_new_roman(rfonts: object) -> None:
    """A ``w:rFonts`` naming Times New Roman in all four slots and no theme font."""
    assert rfonts is not None
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(qn(slot)) == "Times New Roman"  # type: ignore[attr-defined]
    assert rfonts.get(qn("w:asciiTheme")) is None  # type: ignore[attr-defined]


def reopened(job: DocumentJob) -> bytes:
    """The document as rendered by saving docxtpl's package and opening it again before finishing it."""
    document = docx.Document(io.BytesIO(render_template(job.template, job.context)))
    return finish_document(document, author=job.author, title=job.title, moment=job.moment)
