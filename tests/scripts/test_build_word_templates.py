"""The Word templates the builder ships: NĐ 30/2020 page setup, kept through rendering, and a stable rebuild."""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from scripts.build_word_templates import build_minutes, save
from tasks.outputs.documents import minutes_job, ranking_docx_job, render_document
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
