"""Looking inside annotated copies: their zip parts, what a reader sees in a cell (test helper, no tests here)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

from python_calamine import CalamineWorkbook

from tasks.domain import Issue, Severity

MOMENT = datetime(2026, 1, 10, 9, 0)
SCORES = "Tự chấm điểm"
INFO = "Thông tin"


def issue(cell: str | None, severity: Severity = Severity.ERROR, sheet: str | None = SCORES) -> Issue:
    """An issue on ``cell`` of ``sheet`` whose message and hint name the cell."""
    return Issue(severity, "rule", f"Ô {cell} sai.", f"Sửa ô {cell}.", sheet=sheet, cell=cell)


ISSUES = [issue("D6"), issue("E7", Severity.WARNING), issue("d6", Severity.WARNING)]


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of the package ``data`` by name, in the order of the zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def repack(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """``data`` with its parts changed in place by ``change``."""
    content = parts(data)
    change(content)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in content.items():
            zf.writestr(name, body)
    return out.getvalue()


def edit(part: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    """A ``repack`` change replacing ``old`` by ``new`` in ``part`` (which must hold it)."""

    def change(content: dict[str, bytes]) -> None:
        assert old in content[part], (part, old)
        content[part] = content[part].replace(old, new)

    return change


def cell_look(ws: Any, address: str) -> tuple[object, ...]:
    """What a reader sees in a cell: value, fill, font, border, number format, alignment, protection, comment."""
    cell = ws[address]
    comment = (cell.comment.author, cell.comment.text) if cell.comment else None
    styles = (cell.font, cell.border, cell.alignment, cell.protection)
    return (cell.value, cell.fill.fill_type, cell.fill.fgColor.rgb, *map(repr, styles), cell.number_format, comment)


def values(data: bytes) -> dict[str, Any]:
    """The values of every sheet as calamine (the pipeline's reader) reads them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
