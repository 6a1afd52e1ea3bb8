"""Building blocks for the Word templates in the state administrative format (Nghị định 30/2020/NĐ-CP).

Used only by ``scripts.build_word_templates``: page setup, styles, the two-column header block, rules, boxed
paragraphs, bordered tables and the signature block. Every run gets Times New Roman in all four slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tasks.outputs.documents.word import (
    TBLPR_ORDER,
    ensure_style_fonts,
    put_child,
    set_fonts,
    set_table_widths,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
BODY_PT = 13
TABLE_STYLE = "Table Text"
HEADER_STYLE = "Header Block"
_PBDR_ORDER = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                   "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                   "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                   "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip


@dataclass(frozen=True)
class Page:
    """A4 page geometry in millimetres (NĐ 30: top/bottom 20, left 30, right 15)."""

    landscape: bool
    top: float = 20
    bottom: float = 20
    left: float = 30
    right: float = 15

    @property
    def width(self) -> float:
        """Paper width."""
        return 297 if self.landscape else 210

    @property
    def height(self) -> float:
        """Paper height."""
        return 210 if self.landscape else 297

    @property
    def text_width(self) -> float:
        """Width between the left and right margins."""
        return self.width - self.left - self.right


def setup_document(doc: DocumentObject, page: Page) -> None:
    """Page size, margins, styles and the page-number header (centred, from page 2)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page.width), Mm(page.height)
    section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
    section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.gutter = Mm(0)
    _setup_styles(doc)
    section.different_first_page_header_footer = True
    text(section.first_page_header.paragraphs[0], "", style=HEADER_STYLE)
    number = section.header.paragraphs[0]
    number.style = doc.styles[HEADER_STYLE]
    _page_field(number)
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        footer.paragraphs[0].style = doc.styles[HEADER_STYLE]


def _setup_styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment, fmt.first_line_indent = JUSTIFY, Mm(10)
    fmt.space_before, fmt.space_after = Pt(6), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.widow_control = True
    for name, size, spacing in ((TABLE_STYLE, 12, Pt(2)), (HEADER_STYLE, BODY_PT, Pt(0))):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style, style.quick_style = normal, True
        style.font.size = Pt(size)
        style.paragraph_format.alignment = CENTER
        style.paragraph_format.first_line_indent = Mm(0)
        style.paragraph_format.space_before = style.paragraph_format.space_after = spacing
    lang = doc.styles.element.find(qn("w:docDefaults") + "//" + qn("w:lang"))
    if lang is not None:
        for slot in ("w:val", "w:eastAsia"):
            lang.set(qn(slot), "vi-VN")
    ensure_style_fonts(doc.styles.element)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice replace the cached "2" with the real number."""
    for kind, value in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        run = paragraph.add_run()
        set_fonts(run._r.get_or_add_rPr())
        run.font.size = Pt(BODY_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            instr.text = value
            run._r.append(instr)
        elif kind == "text":
            run.text = value or ""
        else:
            run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))


def text(
    paragraph: Paragraph,
    content: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    style: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float | None = None,
) -> Paragraph:
    """Append a run of ``content`` to ``paragraph`` with explicit Times New Roman in every slot.

    ``style``, ``align`` and ``before`` (space before, in points) apply to the paragraph.
    """
    if style is not None:
        paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    run = paragraph.add_run(content)
    set_fonts(run._r.get_or_add_rPr())
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def para(container: DocumentObject | _Cell, content: str = "", **kwargs: object) -> Paragraph:
    """A new paragraph at the end of ``container`` holding one run (see :func:`text`)."""
    return text(container.add_paragraph(), content, **kwargs)  # type: ignore[arg-type]


def tag(container: DocumentObject | _Cell, content: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag such as ``{%p if draft %}``."""
    paragraph = para(container, content, size=8)
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph


def _border(paragraph: Paragraph, sides: Sequence[str], size: int = 6) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    bdr = put_child(pPr, OxmlElement("w:pBdr"), ("w:pBdr", *_PPR_AFTER_PBDR))
    for side in sides:
        attrs = {qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): "1", qn("w:color"): "auto"}
        put_child(bdr, OxmlElement(f"w:{side}", attrs), _PBDR_ORDER)


def rule(container: DocumentObject | _Cell, length: float, available: float) -> Paragraph:
    """A centred horizontal rule ``length`` mm long: a tiny paragraph whose top border is the line."""
    paragraph = para(container, "", size=2, style=HEADER_STYLE)
    side = max(0.0, (available - length) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.space_before = Pt(4)
    _border(paragraph, ("top",), size=6)
    return paragraph


def boxed(container: DocumentObject, content: str, width: float, available: float) -> Paragraph:
    """A bold centred word in a box (e.g. ``DỰ THẢO``)."""
    paragraph = para(container, content, bold=True, size=14, style=HEADER_STYLE)
    side = max(0.0, (available - width) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(6)
    _border(paragraph, ("top", "left", "bottom", "right"), size=12)
    return paragraph


def table(doc: DocumentObject, rows: int, widths: Sequence[float], *, borders: bool) -> Table:
    """A table of fixed column widths (mm), centred, with or without single-line borders."""
    tbl = doc.add_table(rows=rows, cols=len(widths))
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    tblPr = tbl._tbl.tblPr
    style = tblPr.find(qn("w:tblStyle"))
    if style is not None:
        tblPr.remove(style)
    _table_borders(tblPr, "single" if borders else "nil")
    margin = 57 if borders else 0
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        width = margin if side in ("left", "right") else 0
        mar.append(OxmlElement(f"w:{side}", {qn("w:w"): str(width), qn("w:type"): "dxa"}))
    put_child(tblPr, mar, TBLPR_ORDER)
    set_table_widths(tbl._tbl, [Mm(w).twips for w in widths])
    return tbl


def _table_borders(tblPr: BaseOxmlElement, kind: str) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        attrs = {qn("w:val"): kind}
        if kind != "nil":
            attrs.update({qn("w:sz"): "4", qn("w:space"): "0", qn("w:color"): "auto"})
        borders.append(OxmlElement(f"w:{side}", attrs))
    put_child(tblPr, borders, TBLPR_ORDER)


def cell(tbl: Table, row: int, col: int, content: str, **kwargs: object) -> Paragraph:
    """Write ``content`` into the first paragraph of a cell, vertically centred, in the table style."""
    target = tbl.cell(row, col)
    target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    kwargs.setdefault("style", TABLE_STYLE)
    return text(target.paragraphs[0], content, **kwargs)  # type: ignore[arg-type]


def keep_row(tbl: Table, index: int) -> None:
    """Never split a row across two pages."""
    tbl.rows[index]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def header_row(tbl: Table, index: int) -> None:
    """Repeat a row at the top of every page and keep it on one page."""
    keep_row(tbl, index)
    tbl.rows[index]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def header_block(doc: DocumentObject, page: Page, number_line: str) -> None:
    """The NĐ 30 header: issuing body and number on the left, national motto and place/date on the right."""
    left = 100.0 if page.landscape else 70.0
    right = page.text_width - left
    tbl = table(doc, 2, [left, right], borders=False)
    issuer = tbl.cell(0, 0)
    text(issuer.paragraphs[0], "UBND TỈNH {{ province_upper }}", size=13, style=HEADER_STYLE)
    para(issuer, "{{ bloc_upper }}", bold=True, size=13, style=HEADER_STYLE)
    rule(issuer, 25, left)
    nation = tbl.cell(0, 1)
    text(nation.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, style=HEADER_STYLE)
    para(nation, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, style=HEADER_STYLE)
    rule(nation, 57, right)  # as wide as the motto set in 13 pt bold Times New Roman
    number = text(tbl.cell(1, 0).paragraphs[0], number_line, size=13, style=HEADER_STYLE)
    dated = text(
        tbl.cell(1, 1).paragraphs[0],
        "{{ place_name }}, ngày {{ date.day }} tháng {{ date.month }} năm {{ date.year }}",
        italic=True,
        size=13,
        style=HEADER_STYLE,
    )
    for paragraph in (number, dated):
        paragraph.paragraph_format.space_before = Pt(6)


def signature_block(doc: DocumentObject, page: Page, titles: tuple[str, str], names: tuple[str, str]) -> None:
    """Two signers side by side: title in bold capitals, the hint, room to sign, then the name."""
    half = page.text_width / 2
    tbl = table(doc, 1, [half, half], borders=False)
    keep_row(tbl, 0)
    for column, (title, name) in enumerate(zip(titles, names, strict=True)):
        target = tbl.cell(0, column)
        heading = text(target.paragraphs[0], title, bold=True, size=13, style=HEADER_STYLE)
        heading.paragraph_format.space_before = Pt(12)
        para(target, "(Ký, ghi rõ họ tên)", italic=True, size=13, style=HEADER_STYLE)
        for _ in range(4):
            para(target, "", size=13, style=HEADER_STYLE)
        para(target, name, bold=True, size=13, style=HEADER_STYLE)


def receivers(doc: DocumentObject, items: Sequence[str]) -> None:
    """The ``Nơi nhận:`` block at the bottom left (bold italic 12 pt, items 11 pt)."""
    heading = para(doc, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT)
    heading.paragraph_format.first_line_indent = Mm(0)
    heading.paragraph_format.space_before = Pt(18)
    heading.paragraph_format.keep_with_next = True
    for item in items:
        line = para(doc, item, size=11, align=LEFT)
        line.paragraph_format.first_line_indent = Mm(0)
        line.paragraph_format.space_before = Pt(0)
        line.paragraph_format.keep_with_next = item != items[-1]
