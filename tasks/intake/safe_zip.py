"""The zip layer of a workbook, read without trusting it: every part inflated here, never beyond its size.

A workbook is a zip package. Its directory is read first (counts, sizes, ratio, the parts a workbook needs);
then every member is inflated from its raw data, never beyond the size the directory declares (a directory that
lies about a size is a zip bomb too) and its CRC checked. The XML parts are then handed on, repacked uncompressed
in memory, so what is parsed later is exactly what was checked here.

The directory of an ordinary package (one disk, no zip64, nothing before the first member) is read with
``struct`` in one pass; anything else goes through :mod:`zipfile`, which knows every variant.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import NamedTuple

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2_000

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_LOCAL_HEAD = 30
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
    crc: int
    packed: int  # compressed size
    size: int  # uncompressed size
    offset: int  # of its local header


def entries(data: bytes) -> list[Entry]:
    """The members of the zip ``data`` as its central directory declares them."""
    return _plain_entries(data) or [
        Entry(i.filename, i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset)
        for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
    ]


def _plain_entries(data: bytes) -> list[Entry] | None:
    """``entries`` of an ordinary package, read with ``struct``; None for any other zip."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _END.size - 65535))
    if end < 0 or len(data) < end + _END.size:
        return None
    _, disk, start_disk, on_disk, count, size, start, _ = _END.unpack_from(data, end)
    if disk or start_disk or on_disk != count or count == 0xFFFF or start + size != end:
        return None  # several disks, zip64, or bytes before the package: zipfile's business
    found, at = [], start
    for _ in range(count):
        if at + _CENTRAL.size > end:
            return None
        head = _CENTRAL.unpack_from(data, at)
        if head[0] != b"PK\x01\x02":
            return None
        flags, method, crc, packed, size_, name_len, extra_len, comment_len, offset = (
            head[5], head[6], head[9], head[10], head[11], head[12], head[13], head[14], head[18]
        )  # fmt: skip
        if 0xFFFFFFFF in (packed, size_, offset):
            return None
        raw = data[at + _CENTRAL.size : at + _CENTRAL.size + name_len]
        name = raw.decode("utf-8" if flags & 0x800 else "cp437").split("\x00", 1)[0]  # as zipfile names it
        found.append(Entry(name, method, crc, packed, size_, offset))
        at += _CENTRAL.size + name_len + extra_len + comment_len
    return found if at == end else None


def check_package(members: list[Entry]) -> None:
    """Refuse a package too large once unzipped, with too many members, or that is not a workbook."""
    total = sum(e.size for e in members)
    packed = sum(e.packed for e in members) or 1
    if len(members) > MAX_ENTRIES or total > MAX_UNZIPPED_BYTES or (total > 4_000_000 and total / packed > MAX_RATIO):
        raise WorkbookError(
            "too_large",
            f"Tệp quá lớn khi giải nén ({total:,} byte, {len(members)} thành phần); tệp bị từ chối để bảo vệ hệ thống.",
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


def inflate(data: bytes, entry: Entry) -> bytes:
    """A member's bytes, inflated from its raw data never beyond the size the zip directory declares.

    A member whose data inflates to more than declared is a zip bomb with a lying directory (Python's
    ``ZipFile.read`` would inflate up to 2 GB of it before cutting it): refused. Stored or deflated only,
    as Excel and LibreOffice write; the CRC is checked.
    """
    if entry.packed > entry.size + entry.size // 100 + 65536:
        raise zipfile.BadZipFile(f"{entry.name}: compressed data larger than the part")
    local = data[entry.offset : entry.offset + _LOCAL_HEAD]
    if len(local) < _LOCAL_HEAD or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{entry.name}: no local header")
    start = entry.offset + _LOCAL_HEAD + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    raw = data[start : start + entry.packed]
    if entry.method == zipfile.ZIP_STORED:
        part = raw
    elif entry.method == zipfile.ZIP_DEFLATED:
        part = zlib.decompressobj(-15).decompress(raw, entry.size + 1)
    else:
        raise zipfile.BadZipFile(f"{entry.name}: compression method {entry.method}")
    if len(part) > entry.size:
        raise WorkbookError(
            "too_large",
            f"Thành phần {entry.name} giải nén ra lớn hơn kích thước tệp khai báo (dấu hiệu tệp nén độc hại); "
            "tệp bị từ chối để bảo vệ hệ thống.",
            "Mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
        )
    if len(part) < entry.size or zlib.crc32(part) != entry.crc:
        raise zipfile.BadZipFile(f"{entry.name}: truncated or CRC mismatch")
    return part


def xml_parts(data: bytes) -> dict[str, bytes]:
    """Every XML part of the package ``data``, after the checks (every member is inflated once, so none can
    hide a bomb)."""
    members = entries(data)
    check_package(members)
    parts = {}
    for entry in members:
        part = inflate(data, entry)
        if entry.name.endswith((".xml", ".rels")):
            parts[entry.name] = part
    return parts


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
