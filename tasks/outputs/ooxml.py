"""Byte-stable Office Open XML packages (xlsx, docx).

Word and Excel files carry the time they were written twice: in every zip entry header and in
``docProps/core.xml``. Both are pinned to a moment taken from the inputs so that two runs on the same
inputs give byte-identical files.

A workbook built here is saved with :func:`save_workbook`, which hands openpyxl's parts straight to the
final package: no temporary file per sheet and no intermediate zip that would be compressed only to be
inflated again. The bytes are those of ``wb.save`` followed by :func:`freeze_ooxml`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

_CORE = "docProps/core.xml"
_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def freeze_ooxml(data: bytes, moment: datetime) -> bytes:
    """Return ``data`` rewritten so every timestamp inside the package equals ``moment``.

    Entry order and content are kept; only zip header dates and the core properties change.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return pack_ooxml(((info.filename, src.read(info.filename)) for info in src.infolist()), moment)


def pack_ooxml(parts: Iterable[tuple[str, bytes]], moment: datetime) -> bytes:
    """A zip package of ``parts`` (name, content) in the given order, every timestamp pinned to ``moment``."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts:
            if name == _CORE:
                body = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


class PartList:
    """The parts of a package in the order they were written; stands in for the ``ZipFile`` a writer fills.

    Like a ``ZipFile``, a name written twice appears twice and reads back as its last content.
    """

    def __init__(self) -> None:
        """Start empty."""
        self.names: list[str] = []
        self.content: dict[str, bytes] = {}

    def writestr(self, name: str, data: bytes | str) -> None:
        """Add the part ``name``; text is stored as UTF-8, as ``ZipFile.writestr`` does."""
        self.names.append(name)
        self.content[name] = data.encode("utf-8") if isinstance(data, str) else data

    def write(self, filename: str, arcname: str) -> None:
        """Add the file ``filename`` as the part ``arcname``."""
        with open(filename, "rb") as fh:
            self.writestr(arcname, fh.read())

    def namelist(self) -> list[str]:
        """The names written so far, in order."""
        return list(self.names)

    def close(self) -> None:
        """Nothing to flush: the parts stay in memory."""

    def parts(self) -> list[tuple[str, bytes]]:
        """``(name, content)`` in the order written."""
        return [(name, self.content[name]) for name in self.names]


class _InMemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, but each worksheet is serialised into memory instead of a temporary file.

    openpyxl writes every sheet to a file under the temporary folder, copies it into the zip and deletes
    it; at a hundred feedback files that is several hundred files created and removed for nothing.
    """

    def write_worksheet(self, ws: Any) -> None:
        """As ``ExcelWriter.write_worksheet`` for a normal (not write-only) workbook."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def save_workbook(wb: Workbook, moment: datetime) -> bytes:
    """``wb`` as an .xlsx/.xlsm package with every timestamp pinned to ``moment``.

    The same bytes as ``wb.save(buffer)`` then :func:`freeze_ooxml`; openpyxl stamps the modified time
    (which the core properties then pin) exactly as its own ``save`` does.
    """
    if wb.read_only or wb.write_only:
        buffer = io.BytesIO()
        wb.save(buffer)
        return freeze_ooxml(buffer.getvalue(), moment)
    parts = PartList()
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    _InMemoryExcelWriter(wb, parts).save()
    return pack_ooxml(parts.parts(), moment)
