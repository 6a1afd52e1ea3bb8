"""The annotated copy of a ward's workbook made by editing its package directly (zip surgery).

openpyxl reads a whole workbook into objects and writes it back: slow, and what it does not model (data
validation lists, extensions) is silently dropped. Here only what must change is touched: the marked sheets
(cell styles, a ``legacyDrawing``), ``styles.xml`` (two fills, the cell formats using them), the sheets'
relationships, ``[Content_Types].xml`` and ``docProps/core.xml``; each marked sheet gets a comments part and a
VML drawing. Every other part keeps its bytes. The cells and their formats are edited by
:mod:`tasks.feedback.annotate_cells`.

A marked sheet that already has notes keeps them: its comments part and VML drawing are rewritten with the
ward's notes and ours (on a cell both mark, ours first and the ward's below, as ``— Ghi chú có sẵn —``).
Anything else unexpected (a VML drawing holding more than notes, a strict or UTF-16 package, a part that does
not parse) raises :class:`Declined` or a parse error: the ward then gets no annotated copy, and is told why.
A zip bomb raises :class:`tasks.feedback.package.Refused` when the package is opened: no copy at all.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from openpyxl.utils.cell import coordinate_to_tuple

from tasks.feedback.annotate_cells import MAIN, Declined, Note, StyleBook, mark_cells
from tasks.feedback.package import CONTENT_TYPES, CORE_PART, PROLOG, STYLES, TYPES, Package, sheet_root, tree
from tasks.outputs.ooxml import pack_ooxml
from tasks.outputs.xlsx.common import CREATOR, note

DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
COMMENTS_REL, VML_REL = f"{DOC_REL}/comments", f"{DOC_REL}/vmlDrawing"

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_IDMAP = re.compile(rb"idmap\b[^>]*?\bdata\s*=\s*[\"']([\d,\s]*)[\"']")
# Worksheet children that come after legacyDrawing (ECMA-376 CT_Worksheet sequence).
_AFTER_LEGACY = {
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"
}  # fmt: skip
# The run properties Excel gives a note's text: Tahoma 9 in the "info text" colour.
_NOTE_FONT = b'<rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
    'data="{blocks}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
    'o:connecttype="rect"/></v:shapetype>'
)
# One hidden note, as openpyxl writes it (Excel places it next to its cell when shown).
_VML_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
    'margin-top:1.5pt;width:{width}px;height:{height}px;z-index:{z};visibility:hidden" fillcolor="#ffffe1" '
    'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
    '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
    '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
)


_KEPT_NOTE = "\n\n— Ghi chú có sẵn —\n"  # between our comment and the ward's own, on a cell both mark
_SHAPE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?shape[\s/>]")  # any prefix: openpyxl writes ns0:shape
_NOTE_SHAPE = re.compile(rb"ObjectType\s*=\s*[\"']Note[\"']")


@dataclass(frozen=True)
class _Comment:
    """A note as the comments part holds it: the cell, its text and who wrote it."""

    cell: str
    text: str
    author: str


# --- Writing -----------------------------------------------------------------------------------------------


def annotated_copy(package: Package, notes: Sequence[Note], moment: datetime) -> bytes:
    """The package with each note's cell filled and commented, every timestamp pinned to ``moment``."""
    styles = StyleBook(tree(package, STYLES).getroot())
    by_sheet: dict[str, list[Note]] = {}
    for item in notes:
        by_sheet.setdefault(item.sheet, []).append(item)
    block = _last_vml_block(package)
    for sheet, marks in by_sheet.items():
        block = _annotate_sheet(package, sheet, sorted(marks, key=lambda n: coordinate_to_tuple(n.cell)), styles, block)
    _stamp_core(tree(package, CORE_PART).getroot(), moment)
    package.edited.add(CORE_PART)
    return pack_ooxml(((name, _part_bytes(package, name)) for name in package.names), moment)


def _part_bytes(package: Package, name: str) -> bytes:
    """A part as it goes into the copy: its own bytes, or its edited tree after its own XML declaration."""
    data = package.parts[name]
    if name not in package.edited:
        return data
    prolog = PROLOG.match(data)
    body = etree.tostring(package.trees[name], encoding="UTF-8", xml_declaration=False)
    return (prolog.group(0) if prolog else b"") + body


def _annotate_sheet(package: Package, sheet: str, notes: Sequence[Note], styles: StyleBook, block: int) -> int:
    """Mark the cells of one sheet and give it a comments part and a VML drawing; returns the last VML block."""
    part, root = sheet_root(package, sheet)
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_name not in package.parts:
        package.add(rels_name, _DECLARATION + f'<Relationships xmlns="{PKG_REL}"/>'.encode())
    rels = tree(package, rels_name).getroot()
    targets = {
        r.get("Type"): _part_name(part, r.get("Target", ""))
        for r in rels.iterfind(f"{{{PKG_REL}}}Relationship")
        if r.get("Type") in (COMMENTS_REL, VML_REL)
    }
    drawn = root.find(f"{{{MAIN}}}legacyDrawing") is not None
    mark_cells(root, notes, styles)
    package.edited.update((part, rels_name, STYLES))
    if targets or drawn:
        return _renote_sheet(package, part, targets, drawn, notes, block)
    comments = _free_name(package, "xl/comments{}.xml")
    ours = [_Comment(n.cell, n.text, CREATOR) for n in notes]
    package.add(comments, _comments_xml(ours))
    vml = _free_name(package, "xl/drawings/vmlDrawing{}.vml")
    blocks = _blocks(block, len(ours))
    package.add(vml, _vml_drawing(ours, blocks))
    _add_relationship(rels, part, COMMENTS_REL, comments)
    _add_legacy_drawing(root, _add_relationship(rels, part, VML_REL, vml))
    _add_content_types(tree(package, CONTENT_TYPES).getroot(), comments)
    package.edited.add(CONTENT_TYPES)
    return blocks[-1]


def _part_name(source: str, target: str) -> str:
    """The part a relationship of ``source`` points at: relative as Excel writes it, or absolute as openpyxl does."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _blocks(last: int, count: int) -> list[int]:
    """The VML shape-id blocks (``o:idmap``) after ``last`` that ``count`` shapes need (1024 ids a block)."""
    return list(range(last + 1, last + 2 + count // 1024))


def _renote_sheet(
    package: Package, part: str, targets: dict[str | None, str], drawn: bool, notes: Sequence[Note], block: int
) -> int:
    """Rewrite the notes a sheet already has with ours added; declines a drawing that holds more than notes."""
    comments, vml = targets.get(COMMENTS_REL), targets.get(VML_REL)
    if not drawn or comments not in package.parts or vml not in package.parts:
        raise Declined(f"{part} has a VML drawing without comments, or comments without their drawing")
    assert comments is not None and vml is not None
    drawing = package.parts[vml]
    if len(_SHAPE.findall(drawing)) != len(_NOTE_SHAPE.findall(drawing)):
        raise Declined(f"{vml} holds shapes other than notes (form controls?)")
    merged = _merged(notes, _existing_comments(package, comments))
    blocks = _blocks(block, len(merged))
    package.parts[comments] = _comments_xml(merged)
    package.parts[vml] = _vml_drawing(merged, blocks)
    package.trees.pop(comments, None)
    return blocks[-1]


def _existing_comments(package: Package, name: str) -> dict[str, _Comment]:
    """The notes of a comments part by cell (upper case), as plain text (rich runs joined, as openpyxl reads them)."""
    root = tree(package, name).getroot()
    if root.tag != f"{{{MAIN}}}comments":
        raise Declined(f"{name} is not a comments part")
    authors = [a.text or "" for a in root.iterfind(f"{{{MAIN}}}authors/{{{MAIN}}}author")]
    out: dict[str, _Comment] = {}
    for comment in root.iterfind(f"{{{MAIN}}}commentList/{{{MAIN}}}comment"):
        cell = (comment.get("ref") or "").upper()
        at = int(comment.get("authorId") or 0)
        text = "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t"))
        out[cell] = _Comment(cell, text, authors[at] if 0 <= at < len(authors) else "")
    return out


def _merged(notes: Sequence[Note], existing: dict[str, _Comment]) -> list[_Comment]:
    """Our notes (the ward's own text kept below ours on the same cell) and the ward's other notes, in cell order."""
    ours = {n.cell.upper(): n for n in notes}
    kept = {cell: _KEPT_NOTE + c.text for cell, c in existing.items() if c.text}
    merged = [_Comment(n.cell, n.text + kept.get(cell, ""), CREATOR) for cell, n in ours.items()]
    merged += [c for cell, c in existing.items() if cell not in ours]
    return sorted(merged, key=lambda c: coordinate_to_tuple(c.cell))


def _free_name(package: Package, pattern: str) -> str:
    """The first ``pattern.format(n)`` (n = 1, 2…) no part is named (OPC compares names ignoring case)."""
    taken = {name.lower() for name in package.parts}
    return next(name for n in range(1, len(taken) + 2) if (name := pattern.format(n)).lower() not in taken)


# --- Comments, drawings, relationships ---------------------------------------------------------------------


def _comments_xml(notes: Sequence[_Comment]) -> bytes:
    """The comments part: each note's author, each text one run in the font Excel gives notes."""
    root = etree.Element(f"{{{MAIN}}}comments", nsmap={None: MAIN})
    names = list(dict.fromkeys(item.author for item in notes))
    authors = etree.SubElement(root, f"{{{MAIN}}}authors")
    for name in names:
        etree.SubElement(authors, f"{{{MAIN}}}author").text = name
    listing = etree.SubElement(root, f"{{{MAIN}}}commentList")
    font = etree.fromstring(_NOTE_FONT.replace(b"<rPr>", f'<rPr xmlns="{MAIN}">'.encode()))
    for item in notes:
        author = str(names.index(item.author))
        comment = etree.SubElement(listing, f"{{{MAIN}}}comment", ref=item.cell, authorId=author, shapeId="0")
        run = etree.SubElement(etree.SubElement(comment, f"{{{MAIN}}}text"), f"{{{MAIN}}}r")
        run.append(copy.deepcopy(font))
        text = etree.SubElement(run, f"{{{MAIN}}}t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        text.text = item.text  # lxml refuses characters XML cannot hold: the copy is then openpyxl's
    return _DECLARATION + etree.tostring(root, encoding="UTF-8")


def _vml_drawing(notes: Sequence[_Comment], blocks: list[int]) -> bytes:
    """The VML drawing of the notes: one hidden shape per note, sized as ``tasks.outputs.xlsx.common.note`` sizes it."""
    shapes = [_VML_HEAD.format(blocks=",".join(map(str, blocks)))]
    for index, item in enumerate(notes):
        row, col = coordinate_to_tuple(item.cell)
        size = note(item.text, width=360)
        shape_id = blocks[0] * 1024 + index + 1
        shapes.append(
            _VML_SHAPE.format(id=shape_id, width=size.width, height=size.height, z=index + 1, row=row - 1, col=col - 1)
        )
    return ("".join(shapes) + "</xml>").encode()


def _last_vml_block(package: Package) -> int:
    """The highest shape-id block (``o:idmap``) the package's VML drawings use: new ones take the next."""
    used = [0]
    for name, data in package.parts.items():
        if name.lower().endswith(".vml"):
            used += [int(n) for found in _IDMAP.findall(data) for n in re.findall(rb"\d+", found)]
    return max(used)


def _add_relationship(rels: etree._Element, source: str, kind: str, target: str) -> str:
    """Add a relationship from ``source`` to the part ``target`` (relative, as Excel writes); returns its id."""
    taken = {r.get("Id") for r in rels}
    rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
    relation = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=kind)
    relation.set("Target", posixpath.relpath(target, posixpath.dirname(source)))
    return rid


def _add_legacy_drawing(root: etree._Element, rid: str) -> None:
    """``<legacyDrawing r:id>`` at its place in the worksheet: before legacyDrawingHF, picture… extLst."""
    declare = {"r": DOC_REL} if root.nsmap.get("r") != DOC_REL else None  # on the element, as openpyxl does
    drawing = etree.Element(f"{{{MAIN}}}legacyDrawing", nsmap=declare)
    drawing.set(f"{{{DOC_REL}}}id", rid)
    for child in root:
        if not isinstance(child.tag, str):
            continue  # an XML comment or processing instruction
        name = etree.QName(child)
        if name.namespace != MAIN:
            raise Declined(f"worksheet child {child.tag} (markup compatibility?)")
        if name.localname in _AFTER_LEGACY:
            child.addprevious(drawing)
            return
    root.append(drawing)


def _add_content_types(types: etree._Element, comments: str) -> None:
    """Declare the VML extension (once) and the new comments part."""
    defaults = types.findall(f"{{{TYPES}}}Default")
    vml = [d for d in defaults if d.get("Extension", "").lower() == "vml"]
    if vml and vml[0].get("ContentType") != VML_TYPE:
        raise Declined("the vml extension has another content type")
    if not vml:  # after the other defaults where they come first, as Excel writes them (any order is valid)
        types.insert(len(defaults), etree.Element(f"{{{TYPES}}}Default", Extension="vml", ContentType=VML_TYPE))
    etree.SubElement(types, f"{{{TYPES}}}Override", PartName=f"/{comments}", ContentType=COMMENTS_TYPE)


def _stamp_core(root: etree._Element, moment: datetime) -> None:
    """``lastModifiedBy`` thidua and ``modified`` ``moment``, as the openpyxl path writes them."""
    if root.tag != f"{{{CORE}}}coreProperties":
        raise Declined("unexpected docProps/core.xml")
    by = root.find(f"{{{CORE}}}lastModifiedBy")
    if by is None:
        by = etree.SubElement(root, f"{{{CORE}}}lastModifiedBy")
    by.text = CREATOR
    modified = root.find(f"{{{DCTERMS}}}modified")
    if modified is None:
        modified = etree.SubElement(root, f"{{{DCTERMS}}}modified", nsmap={"dcterms": DCTERMS, "xsi": XSI})
        modified.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
    modified.text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
