"""Low-level WordprocessingML helpers shared by the template builder and the renderer.

Both sides need the same two guarantees: every run names Times New Roman in all four font slots (so no
Vietnamese letter falls back to a theme or East Asian font), and every table fits its declared width
with explicit column widths (Word and LibreOffice disagree on auto-fitted tables).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips

FONT = "Times New Roman"
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
)  # fmt: skip


def mm_to_twips(mm: float) -> int:
    """Millimetres to twentieths of a point, the unit of table widths."""
    return round(mm * 1440 / 25.4)


def put_child(parent: BaseOxmlElement, child: BaseOxmlElement, order: Sequence[str]) -> BaseOxmlElement:
    """Insert ``child`` into ``parent`` at its schema position, replacing an element of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = {qn(tag) for tag in order[order.index(_prefixed(child.tag)) + 1 :]}
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _prefixed(clark: str) -> str:
    """``{w-namespace}tag`` -> ``w:tag``."""
    return "w:" + clark.rsplit("}", 1)[-1]


def set_fonts(rpr: BaseOxmlElement) -> None:
    """Make a ``w:rPr`` name Times New Roman in all four slots and drop theme font references."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rstyle = rpr.find(qn("w:rStyle"))
        rpr.insert(0 if rstyle is None else rpr.index(rstyle) + 1, rfonts)
    for slot in _THEME_SLOTS:
        rfonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        rfonts.set(qn(slot), FONT)


def ensure_run_fonts(root: BaseOxmlElement) -> int:
    """Give every run (and paragraph mark) under ``root`` explicit Times New Roman; return the run count."""
    count = 0
    for run in root.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        set_fonts(rpr)
        count += 1
    for mark in root.iter(qn("w:pPr")):
        rpr = mark.find(qn("w:rPr"))
        if rpr is not None:
            set_fonts(rpr)
    return count


def ensure_style_fonts(styles: BaseOxmlElement) -> None:
    """Set Times New Roman in the document defaults and in every style, table styles included."""
    for style in styles.iter(qn("w:style")):
        style.get_or_add_rPr()
    for rpr in styles.iter(qn("w:rPr")):
        set_fonts(rpr)


def set_table_widths(tbl: BaseOxmlElement, widths: Sequence[int]) -> None:
    """Fix a table's layout: total width, grid columns and every cell's width, in twips."""
    tblPr = tbl.tblPr
    tblW = OxmlElement("w:tblW", {qn("w:w"): str(sum(widths)), qn("w:type"): "dxa"})
    put_child(tblPr, tblW, TBLPR_ORDER)
    put_child(tblPr, OxmlElement("w:tblLayout", {qn("w:type"): "fixed"}), TBLPR_ORDER)
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        grid.append(OxmlElement("w:gridCol", {qn("w:w"): str(width)}))
    for tr in tbl.iterchildren(qn("w:tr")):
        column = 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = _span(tc)
            tc.width = Twips(sum(widths[column : column + span]))
            column += span


def _span(tc: BaseOxmlElement) -> int:
    """How many grid columns a cell covers."""
    grid_span = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
    return 1 if grid_span is None else int(grid_span.get(qn("w:val")))


def _cell_width(tc: BaseOxmlElement) -> int | None:
    tcW = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
    if tcW is None or tcW.get(qn("w:type"), "dxa") != "dxa":
        return None
    return int(tcW.get(qn("w:w")))


def text_width(body: BaseOxmlElement) -> int | None:
    """Width between the margins of the body's (last) section, in twips."""
    sectPr = body.find(qn("w:sectPr"))
    if sectPr is None:
        return None
    size, margins = sectPr.find(qn("w:pgSz")), sectPr.find(qn("w:pgMar"))
    if size is None or margins is None:
        return None
    return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))


def fit_tables(body: BaseOxmlElement) -> None:
    """Fit every top-level table of ``body`` to the width between the margins (see :func:`fit_table`)."""
    target = text_width(body)
    if target is None:
        return
    for tbl in body.iterchildren(qn("w:tbl")):
        fit_table(tbl, target)


def fit_table(tbl: BaseOxmlElement, target: int) -> None:
    """Rebuild the grid of a rendered table from its cell widths and scale it to ``target`` twips.

    Column loops (``{%tc for %}``) add cells that docxtpl spreads evenly over the grid; the widths the
    template gives each cell are the better guide. The row with the most unmerged cells sets the columns.
    """
    reference = _reference_widths(tbl.iterchildren(qn("w:tr")))
    if not reference:
        return
    widths = [width * target // sum(reference) for width in reference]
    widths[widths.index(max(widths))] += target - sum(widths)
    set_table_widths(tbl, widths)


def _reference_widths(rows: Iterable[BaseOxmlElement]) -> list[int]:
    best: list[int] = []
    for tr in rows:
        cells = list(tr.iterchildren(qn("w:tc")))
        widths = [_cell_width(tc) for tc in cells]
        if all(_span(tc) == 1 for tc in cells) and None not in widths and len(widths) > len(best):
            best = [w for w in widths if w is not None]
    return best
