"""The Word templates the builder ships: NĐ 30/2020 page setup, kept through rendering, and a stable rebuild."""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from scripts.build_word_templates import build_minutes, main, save
from tasks.outputs.documents import minutes_job, ranking_docx_job, render_document
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.documents.proposal import PROPOSAL_TEMPLATE
from tests.support.documents import BLOC, CATALOGUE, MEETING, MOMENT, VOTED, assert_nd30_margins, mm, open_docx


def test_ranking_is_a4_landscape_with_nd30_margins() -> None:
    """It is set on A4 landscape with margins 20/20/30/15 mm and page numbers from page 2."""
    section = open_docx(render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert mm(section.page_width, section.page_height) == (297, 210)
    assert_nd30_margins(section)


def test_minutes_are_a4_portrait_with_page_numbers_from_page_two() -> None:
    """A4 portrait, NĐ 30 margins, an empty first-page header and a centred PAGE field after it."""
    section = open_docx(render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert mm(section.page_width, section.page_height) == (210, 297)
    assert_nd30_margins(section)
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    number = section.header.paragraphs[0]
    assert number.alignment is not None or number.style.paragraph_format.alignment is not None
    assert " PAGE " in [t.text for t in number._p.iter(qn("w:instrText"))]


def test_building_the_templates_twice_gives_identical_bytes(tmp_path: Path) -> None:
    """The template builder is deterministic, so a rebuild shows as no change."""
    save(build_minutes(), tmp_path / "a.docx")
    save(build_minutes(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_the_shipped_templates_are_what_the_builder_writes(tmp_path: Path) -> None:
    """templates/word/ holds the builder's output byte for byte: a layout change is made in the builder and the
    templates are regenerated (``python -m scripts.build_word_templates``), never one without the other."""
    main([str(tmp_path)])
    for name in (RANKING_TEMPLATE, MINUTES_TEMPLATE, PROPOSAL_TEMPLATE):
        assert (tmp_path / name).read_bytes() == (TEMPLATE_DIR / name).read_bytes(), name


def test_a_deduction_of_100_fits_on_one_line_in_the_minutes_table() -> None:
    """ "100,00" (10,7 mm in 11 pt Times New Roman, plus 1 mm of cell margin each side) needs 13 mm: every number
    column of the minutes' ranking table is at least 14 mm wide, the table still 165 mm."""
    document = open_docx(render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)))
    table = document.tables[1]
    widths = dict(zip((c.text for c in table.rows[0].cells), mm(*(c.width for c in table.rows[0].cells)), strict=True))
    assert all(widths[h] >= 14 for h in ("Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm")), widths
    assert round(sum(widths.values())) == 165
