"""Render a Word template with docxtpl and finish the package so it is print-ready and byte-stable."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import docx
from docx.opc.part import XmlPart
from docxtpl import DocxTemplate

from tasks.documents.context import Context
from tasks.documents.word import ensure_run_fonts, ensure_style_fonts, fit_tables
from tasks.ooxml import freeze_ooxml

LAST_MODIFIED_BY = "thidua"
_STORY_PARTS = ("/word/document.xml", "/word/header", "/word/footer", "/word/footnotes", "/word/endnotes")


def render_template(template: Path, context: Context) -> bytes:
    """Fill ``template`` with ``context`` (values are XML-escaped) and return the .docx bytes."""
    document = DocxTemplate(template)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def finish(data: bytes, *, author: str, title: str, moment: datetime) -> bytes:
    """Times New Roman on every run and style, tables fitted to the margins, fixed core properties.

    Runs that docxtpl or an edited template brings without ``w:rFonts`` would otherwise fall back to the
    theme font for some Vietnamese letters. All timestamps are pinned to ``moment``.
    """
    document = docx.Document(io.BytesIO(data))
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
