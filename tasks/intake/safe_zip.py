"""The zip layer of a workbook, read without trusting it: every part read here, never beyond its declared size.

A workbook is a zip package. Its directory is read first with :mod:`zipfile` (counts, sizes, ratio, the parts a
workbook needs); then every member is read through ``zipfile`` in bounded reads: a member whose compressed data
is larger than its declared size allows is a zip bomb with a lying directory and is refused unread, and
``zipfile`` never inflates a member beyond the size the directory declares (it checks the CRC at the end). The
XML parts are then handed on, repacked uncompressed in memory, so what is parsed later is exactly what was
checked here.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import NamedTuple

from tasks.text import vn_count

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2_000

_LOCAL_HEAD = 30
# Deflate never grows data by more than a few bytes per 16 KiB block; more compressed bytes than this for a
# declared size means the directory understates what the member inflates to.
_DEFLATE_SLACK = 1024
_OTHER_PACKAGES = {
    "xl/workbook.bin": "sổ làm việc Excel nhị phân (.xlsb)",
    "word/document.xml": "văn bản Word (.docx)",
    "ppt/presentation.xml": "bản trình chiếu PowerPoint (.pptx)",
    "content.xml": "tài liệu OpenDocument (.ods/.odt)",
}


class WorkbookError(Exception):
    """The file cannot be read as a workbook; ``rule`` is the issue code, texts are Vietnamese."""

    def __init__(self, rule: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.rule, self.message, self.hint = rule, message, hint


class Entry(NamedTuple):
    """A member as the zip directory declares it."""

    name: str
    method: int
    packed: int  # compressed size
    size: int  # uncompressed size
    offset: int  # of its local header


def entries(data: bytes) -> list[Entry]:
    """The members of the zip ``data`` as its central directory declares them (read by :mod:`zipfile`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [_entry(info) for info in zf.infolist()]


def _entry(info: zipfile.ZipInfo) -> Entry:
    return Entry(info.filename, info.compress_type, info.compress_size, info.file_size, info.header_offset)


def check_package(members: list[Entry]) -> None:
    """Refuse a package too large once unzipped, with too many members, or that is not a workbook."""
    total = sum(e.size for e in members)
    packed = sum(e.packed for e in members) or 1
    if len(members) > MAX_ENTRIES:
        raise WorkbookError(
            "too_large",
            f"Tệp có quá nhiều thành phần ({vn_count(len(members))}, tối đa {vn_count(MAX_ENTRIES)}); tệp bị từ chối "
            "để bảo vệ hệ thống.",
            "Chỉ giữ các trang tính theo biểu mẫu, xóa dữ liệu thừa rồi lưu và gửi lại.",
        )
    if total > MAX_UNZIPPED_BYTES or (total > 4_000_000 and total / packed > MAX_RATIO):
        raise WorkbookError(
            "too_large",
            f"Tệp quá lớn khi giải nén ({vn_count(total)} byte, {vn_count(len(members))} thành phần); tệp bị từ chối "
            "để bảo vệ hệ thống.",
            "Chỉ giữ các trang tính theo biểu mẫu, xóa dữ liệu thừa rồi lưu và gửi lại.",
        )
    names = {e.name for e in members}
    if "xl/workbook.xml" not in names:
        what = next((text for part, text in _OTHER_PACKAGES.items() if part in names), None)
        raise WorkbookError(
            "not_a_workbook",
            f"Tệp là {what} được đổi đuôi, không phải bảng tính Excel (.xlsx)."
            if what
            else "Tệp nén không chứa sổ làm việc Excel (thiếu xl/workbook.xml).",
            "Gửi đúng tệp Excel (.xlsx) theo biểu mẫu của Khối; đổi đuôi tệp không biến tệp thành bảng tính.",
        )


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than the directory declares; a member whose compressed data could only
    inflate to more than declared is refused before any of it is inflated. Stored or deflated only, as Excel
    and LibreOffice write; ``zipfile`` checks the CRC."""
    if info.compress_size > info.file_size + info.file_size // 1000 + _DEFLATE_SLACK:
        raise WorkbookError(
            "too_large",
            f"Thành phần {info.filename} giải nén ra lớn hơn kích thước tệp khai báo (dấu hiệu tệp nén độc hại); "
            "tệp bị từ chối để bảo vệ hệ thống.",
            "Mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile(f"{info.filename}: compression method {info.compress_type}")
    with zf.open(info) as fh:
        part = fh.read(info.file_size + 1)  # zipfile stops at the declared size
    if len(part) != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: truncated")
    return part


def read_members(data: bytes) -> dict[str, bytes]:
    """The members of the zip ``data``, each read within its declared size."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: _read(zf, info) for info in zf.infolist()}


def xml_parts(data: bytes) -> dict[str, bytes]:
    """Every XML part of the package ``data``, after the checks (every member is read once, so none can hide a
    bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = zf.infolist()
        check_package([_entry(info) for info in members])
        parts = {info.filename: _read(zf, info) for info in members}
    return {name: part for name, part in parts.items() if name.endswith((".xml", ".rels"))}


def stored_zip(parts: dict[str, bytes]) -> io.BytesIO:
    """The parts as an uncompressed zip, for calamine: what it inflates is what was checked (a zip whose
    directory understates a part's size cannot inflate further inside calamine).

    Written here rather than with ``zipfile``, whose per-member bookkeeping cost more than the rest of the
    reading of a small workbook: stored members, no extra fields, no zip64 (parts are below 64 MB in all).
    """
    local, central, offset = [], [], 0
    for name, part in parts.items():
        raw, crc, size = name.encode("utf-8"), zlib.crc32(part), len(part)
        fields = (0, 0, 0x21, crc, size, size, len(raw), 0)  # stored, 1980-01-01 00:00
        local += [struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, *fields), raw, part]
        central += [struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, *fields, 0, 0, 0, 0, offset), raw]
        offset += _LOCAL_HEAD + len(raw) + size
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return io.BytesIO(b"".join([*local, directory, end]))
