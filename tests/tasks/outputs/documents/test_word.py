"""WordprocessingML guarantees of every rendered document: Times New Roman in all four font slots on every run
and style, and tables that fit between the margins with fixed column widths."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from tasks.outputs.documents import minutes_job, ranking_docx_job, render_document
from tasks.outputs.documents.context import MINUTES_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.documents.word import refits_every_table
from tests.support.documents import BLOC, CATALOGUE, MEETING, MOMENT, VOTED, assert_times_new_roman, open_docx


def test_tables_fit_between_the_margins() -> None:
    """Every table declares a fixed width equal to the text width, and its columns add up to it."""
    for data in (
        render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)),
        render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)),
    ):
        document = open_docx(data)
        section = document.sections[0]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        assert page is not None and left is not None and right is not None
        text_width = (page - left - right) / 635  # twips
        for table in document.tables:
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
            assert abs(sum(grid) - text_width) <= 1
            assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


@pytest.mark.parametrize("make_job", [ranking_docx_job, minutes_job])
def test_every_run_and_style_names_times_new_roman_in_all_four_slots(make_job: object) -> None:
    """No run in the body, tables, headers or footers, and no style, can fall back to another font."""
    data = render_document(make_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))  # type: ignore[operator]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if n.startswith(("word/document", "word/header", "word/footer"))]
        assert any(n.startswith("word/header") for n in names)
    document = open_docx(data)
    parts = [document.part] + [
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith(("/header", "/footer"))
    ]
    runs = [run for part in parts for run in part.element.iter(qn("w:r"))]
    assert len(runs) > 50
    for run in runs:
        assert_times_new_roman(run.find(qn("w:rPr")).find(qn("w:rFonts")))
    for style in document.styles.element.iter(qn("w:style")):
        assert_times_new_roman(style.find(qn("w:rPr")).find(qn("w:rFonts")))
    assert_times_new_roman(document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts")))


def test_runs_added_in_word_without_fonts_get_times_new_roman(tmp_path: Path) -> None:
    """A paragraph the secretariat types into the template without a font still renders in Times New Roman."""
    template = tmp_path / MINUTES_TEMPLATE
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    added = document.add_paragraph("Ý kiến bổ sung: {{ place }}")
    assert added.runs[0]._r.rPr is None
    document.save(str(template))
    rendered = open_docx(render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=template)))
    run = next(r for r in rendered.paragraphs if r.text.startswith("Ý kiến bổ sung")).runs[0]
    assert run.text == "Ý kiến bổ sung: Hội trường UBND phường Sa Pa"
    rpr = run._r.rPr
    assert rpr is not None
    assert_times_new_roman(rpr.find(qn("w:rFonts")))


# --- which bodies fit_tables refits completely --------------------------------------------------------

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"/></w:sectPr>'
)


def _cell(width: int | None, inside: str = "") -> str:
    properties = "" if width is None else f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
    return f"<w:tc>{properties}{inside}<w:p/></w:tc>"


def _table(*rows: str) -> str:
    grid = '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="3000"/></w:tblGrid>'
    return f"<w:tbl><w:tblPr/>{grid}{''.join(f'<w:tr>{row}</w:tr>' for row in rows)}</w:tbl>"


def _body(*content: str, section: str = _SECTION) -> etree._Element:
    return etree.fromstring(f"<w:body {_W_NS}>{''.join(content)}<w:p/>{section}</w:body>")


WIDE_ROW = _cell(2000) + _cell(3000)
MERGED_ROW = '<w:tc><w:tcPr><w:tcW w:w="5000" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc>'


@pytest.mark.parametrize(
    ("body", "refitted"),
    [
        (_body(_table(WIDE_ROW)), True),
        (_body(_table(MERGED_ROW, WIDE_ROW), _table(WIDE_ROW)), True),  # one row of unmerged cells is enough
        (_body(), True),  # no table to repair
        (_body(_table(_cell(2000, _table(WIDE_ROW)) + _cell(3000))), False),  # nested: fit_tables leaves it
        (_body(_table(WIDE_ROW), section=""), False),  # no section: no width to fit to
        (_body(_table(WIDE_ROW), section='<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'), False),
        (_body(_table(_cell(None) + _cell(None))), False),  # cells without widths
        (_body(_table(_cell(2000) + _cell(None))), False),
        (_body(_table(MERGED_ROW)), False),  # only merged cells
        (_body(_table(WIDE_ROW), _table(_cell(None) + _cell(None))), False),  # one table of two left alone
    ],
    ids=[
        "one-table",
        "merged-and-unmerged-rows",
        "no-table",
        "nested-table",
        "no-sectPr",
        "no-pgMar",
        "no-cell-widths",
        "one-cell-without-width",
        "only-merged-cells",
        "second-table-without-widths",
    ],
)
def test_every_table_is_refitted_only_when_fit_tables_rebuilds_each_grid(body: etree._Element, refitted: bool) -> None:
    """Top-level tables, each with a row of unmerged cells with widths, in a section with a width."""
    assert refits_every_table(body) is refitted
