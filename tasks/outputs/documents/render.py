"""Render a Word template with docxtpl and finish the package so it is print-ready and byte-stable.

Templates are edited by the secretariat and travel by e-mail, so they are data, never code: they render in
Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` (no attribute starting with ``_``, no unsafe callables),
and :func:`check_template` parses each one before a run writes anything.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.opc.part import XmlPart
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from tasks.config.load import ConfigError
from tasks.outputs.documents.context import Context
from tasks.outputs.documents.word import ensure_run_fonts, ensure_style_fonts, fit_tables, refits_every_table
from tasks.outputs.ooxml import freeze_ooxml

LAST_MODIFIED_BY = "thidua"
_STORY_PARTS = ("/word/document.xml", "/word/header", "/word/footer", "/word/footnotes", "/word/endnotes")
_LISTING_CHARACTERS = "\t\a\n\f"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # the ones docxtpl renders


class _Template(DocxTemplate):
    """docxtpl's template, without the listing pass over rendered XML that has nothing for it to do.

    The pass turns tab, newline, bell and form-feed characters inside text into Word runs, breaks and pages
    through three nested regex substitutions over every paragraph, run and text (~0.15 s for a thousand table
    rows); on XML without any of those characters it returns its input unchanged, so that case skips it.
    """

    def fix_tables(self, xml: str) -> Any:
        """The rendered body, parsed; docxtpl's grid repair only when the finish step will not rebuild every grid.

        docxtpl recounts the cells of every row of every table to add or drop grid columns after column loops
        (~0.3 s for a thousand rows); :func:`fit_tables` then rebuilds the grid of each top-level table from its
        cell widths anyway, so the repair is kept only for a table it leaves alone.
        """
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        return tree if refits_every_table(tree) else super().fix_tables(xml)

    def resolve_listing(self, xml: str) -> str:
        """The rendered XML with listing characters turned into runs (unchanged when there are none)."""
        if not any(character in xml for character in _LISTING_CHARACTERS):
            return xml
        return str(super().resolve_listing(xml))


def sandbox() -> SandboxedEnvironment:
    """The Jinja environment every template renders in: sandboxed, values XML-escaped."""
    return SandboxedEnvironment(autoescape=True)


def _where(source: str, lineno: int | None) -> str:
    """The paragraph of the template around ``lineno`` (docxtpl puts each paragraph on its own line), as text."""
    if not lineno:
        return ""
    lines = source.splitlines()
    text = re.sub(r"<[^>]+>", "", "".join(lines[max(lineno - 1, 0) : lineno])).strip()
    return f"đoạn thứ {max(lineno - 1, 1)}" + (f" («{text[:80]}»)" if text else "")


def template_error(template: Path, exc: Exception, source: str = "") -> ConfigError:
    """A template's Jinja error as a ConfigError naming the file and where it is broken."""
    where = _where(source, getattr(exc, "lineno", None)) if source else ""
    return ConfigError(template, where, f"mẫu Word bị lỗi, sửa mẫu rồi chạy lại ({exc})")


@cache
def _checked(template: Path, mtime_ns: int, size: int) -> None:
    document = _Template(template)
    document.render_init()  # opens the package; nothing is rendered
    env = sandbox()
    parts = [document.patch_xml(document.get_xml())]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        parts += [document.patch_xml(document.get_part_xml(part)) for _, part in document.get_headers_footers(uri)]
    parts += [document.patch_xml(str(getattr(document.docx.core_properties, name) or "")) for name in _PROPERTIES]
    for part in parts:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", part)  # one paragraph a line, as docxtpl renders it
        try:
            env.parse(source)
        except TemplateSyntaxError as exc:
            raise template_error(template, exc, source) from None


def check_template(template: Path) -> None:
    """Parse the body, headers and footers of ``template``; ConfigError naming the template and the paragraph.

    Called before a run writes anything, so a broken template stops it with nothing half-written.
    """
    try:
        stat = template.stat()
        _checked(template, stat.st_mtime_ns, stat.st_size)
    except ConfigError:
        raise
    except Exception as exc:  # a template that is not a Word document at all (python-docx raises many kinds)
        raise ConfigError(template, "", f"không mở được mẫu Word ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class Picture:
    """A PNG for a ``{{ key }}`` tag of a template, ``width_mm`` wide; plain bytes, so a job stays a pickle."""

    png: bytes
    width_mm: float


def _with_pictures(document: _Template, context: Context) -> Context:
    """``context`` with each top-level :class:`Picture` turned into docxtpl's inline image for ``document``."""
    return {
        key: InlineImage(document, io.BytesIO(value.png), width=Mm(value.width_mm))
        if isinstance(value, Picture)
        else value
        for key, value in context.items()
    }


def _render(document: _Template, template: Path, context: Context) -> None:
    try:
        document.render(_with_pictures(document, context), jinja_env=sandbox(), autoescape=True)
    except TemplateError as exc:  # includes the sandbox's SecurityError: a template reaching for code
        raise template_error(template, exc) from None


def render_template(template: Path, context: Context) -> bytes:
    """Fill ``template`` with ``context`` (values are XML-escaped) and return the .docx bytes."""
    document = _Template(template)
    _render(document, template, context)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rendered(template: Path, context: Context) -> DocumentObject:
    """``template`` filled with ``context`` (values are XML-escaped), opened again by python-docx.

    docxtpl parses the new body with plain lxml, without python-docx's element classes; reading the saved
    document gives the trees python-docx builds itself.
    """
    document: DocumentObject = docx.Document(io.BytesIO(render_template(template, context)))
    return document


def finish_document(document: DocumentObject, *, author: str, title: str, moment: datetime) -> bytes:
    """Times New Roman on every run and style, tables fitted to the margins, fixed core properties.

    Runs that docxtpl or an edited template brings without ``w:rFonts`` would otherwise fall back to the
    theme font for some Vietnamese letters. All timestamps are pinned to ``moment``.
    """
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart) and str(part.partname).startswith(_STORY_PARTS):
            ensure_run_fonts(part.element)
    ensure_style_fonts(document.styles.element)
    fit_tables(document.element.body)
    props = document.core_properties
    props.author, props.last_modified_by, props.title = author, LAST_MODIFIED_BY, title
    props.revision = 1
    props.created = props.modified = moment.replace(tzinfo=None)
    props.language = "vi-VN"
    buffer = io.BytesIO()
    document.save(buffer)
    return freeze_ooxml(buffer.getvalue(), moment)
