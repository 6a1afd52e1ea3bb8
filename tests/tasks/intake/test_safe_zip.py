"""The zip layer: the quick directory reader agrees with zipfile, and hands anything unusual to it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tasks.intake import workbook
from tasks.intake.safe_zip import Entry, _plain_entries, entries, stored_zip, xml_parts
from tasks.intake.workbook import WorkbookError, read_workbook

SAMPLE = Path(__file__).resolve().parents[3] / "inputs" / "2025"


def zipfile_view(data: bytes) -> list[Entry]:
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    return [Entry(i.filename, i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset) for i in infos]


@pytest.mark.parametrize("path", sorted(SAMPLE.rglob("*.xlsx"))[::7], ids=lambda p: p.name)
def test_the_quick_reader_sees_what_zipfile_sees(path: Path) -> None:
    """Every member of a sample workbook, with the same name, method, CRC, sizes and offset."""
    data = path.read_bytes()
    assert _plain_entries(data) == zipfile_view(data)


def test_names_in_the_old_dos_code_page_are_decoded_as_zipfile_does() -> None:
    """A member name without the UTF-8 flag is cp437, as in zipfile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr(zipfile.ZipInfo("ghi-chú.xml"), b"<a/>")
    data = buffer.getvalue()
    assert _plain_entries(data) == zipfile_view(data)


def test_a_package_after_other_bytes_is_read_by_zipfile() -> None:
    """Bytes before the first member (a self-extracting stub): the quick reader steps aside, zipfile reads it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    data = b"MZ" + b"\0" * 1000 + buffer.getvalue()
    assert _plain_entries(data) is None
    assert entries(data) == zipfile_view(data)
    assert xml_parts(data) == {"xl/workbook.xml": b"<workbook/>"}


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
