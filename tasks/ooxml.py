"""Byte-stable Office Open XML packages (xlsx, docx).

Word and Excel files carry the time they were written twice: in every zip entry header and in
``docProps/core.xml``. Both are pinned to a moment taken from the inputs so that two runs on the same
inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

_CORE = "docProps/core.xml"
_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def freeze_ooxml(data: bytes, moment: datetime) -> bytes:
    """Return ``data`` rewritten so every timestamp inside the package equals ``moment``.

    Entry order and content are kept; only zip header dates and the core properties change.
    """
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == _CORE:
                body = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()
