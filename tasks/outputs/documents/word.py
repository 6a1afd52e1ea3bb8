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


# Clark names of the tags and attributes the loops below touch once per run or cell (qn() each time is slow).
_R, _RPR, _PPR, _RFONTS, _RSTYLE = (qn(t) for t in ("w:r", "w:rPr", "w:pPr", "w:rFonts", "w:rStyle"))
_FONT_ATTRS = tuple(qn(slot) for slot in FONT_SLOTS)
_THEME_ATTRS = tuple(qn(slot) for slot in _THEME_SLOTS)
_TC, _TR, _TCPR, _TCW, _TBL = (qn(t) for t in ("w:tc", "w:tr", "w:tcPr", "w:tcW", "w:tbl"))
_VAL, _W, _TYPE = (qn(t) for t in ("w:val", "w:w", "w:type"))
_GRID_SPAN_TAG = qn("w:gridSpan")
_GRID_SPAN = _TCPR + "/" + _GRID_SPAN_TAG
_TC_W = _TCPR + "/" + _TCW
# A w:rPr whose first w:rFonts already names Times New Roman in every slot and no theme font: set_fonts would
# leave it as it is. XPath (in C) finds the runs and marks that still need it, usually none of a rendered table.
_FONTS_SET = " and ".join([f"@{slot}='{FONT}'" for slot in FONT_SLOTS] + [f"not(@{slot})" for slot in _THEME_SLOTS])
_RUNS_TO_FIX = f"descendant-or-self::w:r[not(w:rPr[1]/w:rFonts[1][{_FONTS_SET}])]"
_MARKS_TO_FIX = f"descendant-or-self::w:pPr/w:rPr[1][not(w:rFonts[1][{_FONTS_SET}])]"


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
    rfonts = rpr.find(_RFONTS)
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rstyle = rpr.find(_RSTYLE)
        rpr.insert(0 if rstyle is None else rpr.index(rstyle) + 1, rfonts)
    attrib = rfonts.attrib
    for name in _THEME_ATTRS:
        attrib.pop(name, None)
    for name in _FONT_ATTRS:
        rfonts.set(name, FONT)


def ensure_run_fonts(root: BaseOxmlElement) -> None:
    """Give every run (and paragraph mark) under ``root`` explicit Times New Roman."""
    for run in root.xpath(_RUNS_TO_FIX):
        rpr = run.find(_RPR)
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        set_fonts(rpr)
    for rpr in root.xpath(_MARKS_TO_FIX):
        set_fonts(rpr)


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
    merged = _rows_with_merged_cells(tbl)
    for tr in tbl.iterchildren(_TR):
        if tr not in merged and _set_row_widths(tr, widths):
            continue
        column = 0
        for tc in tr.iterchildren(_TC):
            span = _span(tc)
            _set_cell_width(tc, sum(widths[column : column + span]))
            column += span


def _rows_with_merged_cells(tbl: BaseOxmlElement) -> set[BaseOxmlElement]:
    """The rows with a ``w:tc/w:tcPr/w:gridSpan`` (one pass over the table in C; merged cells are few)."""
    rows = set()
    for span in tbl.iter(_GRID_SPAN_TAG):
        tcPr = span.getparent()
        tc = tcPr.getparent() if tcPr.tag == _TCPR else None
        if tc is not None and tc.tag == _TC and tc.getparent() is not None:
            rows.add(tc.getparent())
    return rows


def _set_row_widths(tr: BaseOxmlElement, widths: Sequence[int]) -> bool:
    """Set the widths of a row without merged cells (cell k is grid column k) if every cell has a ``w:tcW``.

    Returns False, having changed nothing, when a cell lacks one. The same attributes, in the same order, as
    python-docx's setter (``w:type`` then ``w:w``); one XPath per row instead of two lookups per cell.
    """
    tcWs = tr.xpath("w:tc/w:tcPr[1]/w:tcW[1]")  # at most one per cell, in cell order
    if len(tcWs) != sum(1 for _ in tr.iterchildren(_TC)):
        return False
    for column, tcW in enumerate(tcWs):
        tcW.set(_TYPE, "dxa")
        tcW.set(_W, str(sum(widths[column : column + 1])))
    return True


def _set_cell_width(tc: BaseOxmlElement, width: int) -> None:
    """``tc.width = Twips(width)``, setting the two attributes directly when the cell has a ``w:tcW``."""
    tcPr = tc.find(_TCPR)
    tcW = None if tcPr is None else tcPr.find(_TCW)
    if tcW is None:
        tc.width = Twips(width)  # python-docx adds w:tcPr / w:tcW at their schema positions
        return
    tcW.set(_TYPE, "dxa")  # the same attributes, in the same order, as python-docx's setter
    tcW.set(_W, str(width))


def _span(tc: BaseOxmlElement) -> int:
    """How many grid columns a cell covers."""
    grid_span = tc.find(_GRID_SPAN)
    return 1 if grid_span is None else int(grid_span.get(_VAL))


def _cell_width(tc: BaseOxmlElement) -> int | None:
    tcW = tc.find(_TC_W)
    if tcW is None or tcW.get(_TYPE, "dxa") != "dxa":
        return None
    return int(tcW.get(_W))


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


def refits_every_table(body: BaseOxmlElement) -> bool:
    """Whether :func:`fit_tables` rebuilds the grid of every table of ``body``: all are top-level, have a row of
    unmerged cells with widths, and the section has a width."""
    if text_width(body) is None:
        return False
    return all(tbl.getparent() is body and _reference_widths(tbl.iterchildren(_TR)) for tbl in body.iter(_TBL))


def fit_table(tbl: BaseOxmlElement, target: int) -> None:
    """Rebuild the grid of a rendered table from its cell widths and scale it to ``target`` twips.

    Column loops (``{%tc for %}``) add cells that docxtpl spreads evenly over the grid; the widths the
    template gives each cell are the better guide. The row with the most unmerged cells sets the columns.
    """
    reference = _reference_widths(tbl.iterchildren(_TR))
    if not reference:
        return
    widths = [width * target // sum(reference) for width in reference]
    widths[widths.index(max(widths))] += target - sum(widths)
    set_table_widths(tbl, widths)


def _reference_widths(rows: Iterable[BaseOxmlElement]) -> list[int]:
    best: list[int] = []
    for tr in rows:
        cells = list(tr.iterchildren(_TC))
        if len(cells) <= len(best):
            continue  # cannot have more cells than the best row so far
        widths = [_cell_width(tc) for tc in cells]
        if all(_span(tc) == 1 for tc in cells) and None not in widths and len(widths) > len(best):
            best = [w for w in widths if w is not None]
    return best
