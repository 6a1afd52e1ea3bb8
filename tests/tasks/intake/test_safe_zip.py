"""The zip layer: zipfile reads the package, never a member beyond its declared size."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tasks.intake import workbook
from tasks.intake.safe_zip import entries, stored_zip, xml_parts
from tasks.intake.workbook import WorkbookError, read_workbook

SAMPLE = Path(__file__).resolve().parents[3] / "inputs" / "2025"


@pytest.mark.parametrize("path", sorted(SAMPLE.rglob("*.xlsx"))[::7], ids=lambda p: p.name)
def test_every_xml_part_of_a_sample_workbook_is_read_whole(path: Path) -> None:
    """The parts handed on are exactly the package's XML parts, byte for byte."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        expected = {n: zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".rels"))}
    assert xml_parts(data) == expected


def test_a_package_after_other_bytes_is_read() -> None:
    """Bytes before the first member (a self-extracting stub) do not hide the package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    data = b"MZ" + b"\0" * 1000 + buffer.getvalue()
    assert [e.name for e in entries(data)] == ["xl/workbook.xml"]
    assert xml_parts(data) == {"xl/workbook.xml": b"<workbook/>"}


def test_a_member_larger_than_its_declared_size_is_refused_unread() -> None:
    """A stored member whose directory declares fewer bytes than it holds is a lying directory: refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * 100_000)
    raw = bytearray(buffer.getvalue())
    at = raw.find(b"PK\x01\x02", raw.find(b"PK\x01\x02") + 4)  # the second member's directory entry
    raw[at + 24 : at + 28] = (10).to_bytes(4, "little")  # its uncompressed size: 10 bytes
    with pytest.raises(WorkbookError) as raised:
        xml_parts(bytes(raw))
    assert raised.value.rule == "too_large"


def test_the_repacked_parts_read_back_unchanged() -> None:
    """What calamine is given holds exactly the checked parts."""
    parts = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": "<t>Phường Sa Pa</t>".encode()}
    repacked = zipfile.ZipFile(stored_zip(parts))
    assert {name: repacked.read(name) for name in repacked.namelist()} == parts


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file larger than the limit is refused from its size, before any of it is unzipped."""
    monkeypatch.setattr(workbook, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "lon.xlsx"
    path.write_bytes(next(SAMPLE.rglob("*.xlsx")).read_bytes())
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert raised.value.rule == "too_large" and "MB" in raised.value.message
