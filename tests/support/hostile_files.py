"""Hostile and foreign files for the rejection tests: OLE containers, zip bombs, XML entities (test helper).

Built in memory from the canonical Sa Pa book (:mod:`tests.support.office_files`): an old ``.xls`` or a
password-protected workbook (an OLE compound file), a zip that unzips to 100 MB, a zip whose directory lies
about a part's size, and parts declaring external entities.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.support.office_files import INFO, book_bytes, sapa_annual


def zip_bomb(path: Path) -> Path:
    """A valid workbook plus a part that unzips to 100 MB of zeros (about 100 KB on disk)."""
    path.write_bytes(book_bytes(sapa_annual()))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet9.xml", "w") as fh:
        chunk = b"0" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
    return path


def xxe(path: Path, secret: Path, *, part: str = "sheet", padding: int = 0, encoding: str = "utf-8") -> Path:
    """A workbook whose part declares an external entity pointing at ``secret`` and uses it in a cell."""
    book = sapa_annual()
    book.sheet(INFO).set(0, 1, "XXEMARK")
    raw = book_bytes(book)
    out = io.BytesIO()
    target = "xl/worksheets/sheet1.xml" if part == "sheet" else "xl/styles.xml"
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == target:
                body = data.split(b"?>", 1)[-1].replace(b"XXEMARK", b"&xxe;")
                decl = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
                dtd = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'.encode()
                text = (decl + b"<!--" + b" " * padding + b"-->" + dtd + body).decode()
                data = (
                    text.encode(encoding) if encoding == "utf-8" else "\ufeff".encode(encoding) + text.encode(encoding)
                )
            zout.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


def rewrite_part(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            zout.writestr(item.filename, change(body) if item.filename == part else body)
    return out.getvalue()


def lying_zip_bomb(path: Path) -> Path:
    """A sheet whose zip directory declares a small size while its ~50 KB of data inflate to 50 MB more."""
    entry = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(book_bytes(sapa_annual()))) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    head, tail = dict(parts)[entry].split(b"</sheetData>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, body in parts:
            if name != entry:
                zout.writestr(name, body)
                continue
            with zout.open(name, "w") as fh:
                fh.write(head)
                for _ in range(50):
                    fh.write(b" " * (1 << 20))
                fh.write(b"</sheetData>" + tail)
    raw = bytearray(buffer.getvalue())
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        at = raw.find(signature)
        while raw[at + name_at : at + name_at + len(entry)] != entry.encode():
            at = raw.find(signature, at + 4)
        raw[at + crc_at : at + crc_at + 4] = zlib.crc32(head).to_bytes(4, "little")
        raw[at + size_at : at + size_at + 4] = len(head).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    return path


# --- Other containers: an OLE compound file (old .xls, password-protected workbook) ---------------

_FREE, _END, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole_container(streams: dict[str, bytes]) -> bytes:
    """A compound file (CFB v3, 512-byte sectors) holding ``streams``, its directory written last.

    Every stream is padded to 4096 bytes or more so it lives in regular sectors (no mini stream). Excel's
    password-protected workbooks are such files with ``EncryptionInfo`` and ``EncryptedPackage`` streams; old
    ``.xls`` files hold a ``Workbook`` stream.
    """
    padded = {name: data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0") for name, data in streams.items()}
    data_sectors = sum(len(d) // 512 for d in padded.values())
    dir_sectors = -(-(len(streams) + 1) // 4)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + data_sectors + dir_sectors:
        fat_sectors += 1
    fat = [_FAT_SECTOR] * fat_sectors
    entries, body = [_dir_entry("Root Entry", 5, _END, 0, child=1)], b""
    for n, (name, data) in enumerate(padded.items(), start=1):
        start, count = len(fat), len(data) // 512
        fat += [*range(start + 1, start + count), _END]
        right = n + 1 if n < len(padded) else _FREE
        entries.append(_dir_entry(name, 2, start, len(streams[name]), right=right))
        body += data
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + dir_sectors), _END]
    directory = b"".join(entries).ljust(dir_sectors * 512, b"\0")
    fat_bytes = b"".join(x.to_bytes(4, "little") for x in fat).ljust(fat_sectors * 512, b"\xff")
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + (0x3E).to_bytes(2, "little")
        + (3).to_bytes(2, "little")
        + b"\xfe\xff"
        + (9).to_bytes(2, "little")
        + (6).to_bytes(2, "little")
        + b"\0" * 10
        + fat_sectors.to_bytes(4, "little")
        + first_dir.to_bytes(4, "little")
        + b"\0" * 4
        + (4096).to_bytes(4, "little")
        + _END.to_bytes(4, "little")
        + b"\0" * 4
        + _END.to_bytes(4, "little")
        + b"\0" * 4
        + b"".join(x.to_bytes(4, "little") for x in difat)
    )
    assert len(header) == 512
    return header + fat_bytes + body + directory


def _dir_entry(name: str, kind: int, start: int, size: int, *, child: int = _FREE, right: int = _FREE) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (
        raw.ljust(64, b"\0")
        + len(raw).to_bytes(2, "little")
        + bytes([kind, 1])
        + _FREE.to_bytes(4, "little")
        + right.to_bytes(4, "little")
        + child.to_bytes(4, "little")
        + b"\0" * 36
        + start.to_bytes(4, "little")
        + size.to_bytes(8, "little")
    )
