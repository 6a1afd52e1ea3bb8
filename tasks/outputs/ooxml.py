"""Byte-stable Office Open XML packages (xlsx, docx).

Word and Excel files carry the time they were written twice: in every zip entry header and in
``docProps/core.xml``. Both are pinned to a moment taken from the inputs so that two runs on the same
inputs give byte-identical files.

The moments of the pipeline are wall-clock times of the bloc (``meeting.yaml`` and ``Ngày lập`` are written in
Vietnam's time, :data:`LOCAL_TIME`). A zip entry keeps that wall-clock time (zip dates carry no zone); the core
properties are W3CDTF in UTC (``…Z``), so a naive moment is converted: a meeting at 08:00 is ``01:00:00Z``.

A workbook built here is saved with :func:`save_workbook`: openpyxl's public ``wb.save`` into memory, then
the package re-packed by the standard ``zipfile`` with every timestamp pinned (:func:`freeze_ooxml`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime

from openpyxl.workbook.workbook import Workbook

from tasks.domain import LOCAL_TIME

_CORE = "docProps/core.xml"
_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def freeze_ooxml(data: bytes, moment: datetime) -> bytes:
    """Return ``data`` rewritten so every timestamp inside the package equals ``moment``.

    Entry order and content are kept; only zip header dates and the core properties change.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return pack_ooxml(((info.filename, src.read(info.filename)) for info in src.infolist()), moment)


def pack_ooxml(parts: Iterable[tuple[str, bytes]], moment: datetime) -> bytes:
    """A zip package of ``parts`` (name, content) in the given order, every timestamp pinned to ``moment``.

    ``moment``: naive means Vietnam's wall-clock time (:data:`LOCAL_TIME`); an aware moment is taken as given.
    Zip entries carry its wall-clock time, the core properties the same instant in UTC.
    """
    stamp = core_time(moment).encode()
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


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive moment is Vietnam's wall-clock time (:data:`LOCAL_TIME`)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TIME)).astimezone(UTC)


def core_time(moment: datetime) -> str:
    """``moment`` as ``docProps/core.xml`` writes it: W3CDTF in UTC (a naive moment is Vietnam's time)."""
    return in_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def save_workbook(wb: Workbook, moment: datetime) -> bytes:
    """``wb`` as an .xlsx/.xlsm package with every timestamp pinned to ``moment``."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return freeze_ooxml(buffer.getvalue(), moment)
