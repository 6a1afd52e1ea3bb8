"""Byte-stable packages: every timestamp pinned to the moment given, so reruns give the same bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from tasks.outputs.ooxml import LOCAL_TIME, core_time, freeze_ooxml, pack_ooxml, save_workbook

MOMENT = datetime(2026, 1, 15, 8, 30)


def _workbook() -> Workbook:
    """Two sheets with what the outputs use: styles, merged cells, comments, links, print titles, panes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Xếp hạng"
    ws["A1"] = "BẢNG TỔNG HỢP"
    ws.merge_cells("A1:D1")
    ws.append(["Hạng", "Đơn vị", "Tổng điểm"])
    for rank in range(1, 30):
        ws.append([rank, f"Phường {rank}", 100 - rank / 3])
    ws["B2"].font = Font(name="Times New Roman", bold=True)
    ws["C2"].fill = PatternFill("solid", fgColor="D9D9D9")
    ws["C2"].comment = Comment("Điểm cơ bản + thưởng − trừ", "thidua")
    ws.freeze_panes = "B3"
    ws.print_title_rows = "2:2"
    other = wb.create_sheet("Lỗi")
    other["A1"] = "D5"
    other["A1"].hyperlink = Hyperlink(ref="A1", target="ban-sao.xlsx", location="'Tự chấm'!D5")
    return wb


def test_save_workbook_gives_the_bytes_of_save_then_freeze() -> None:
    """The same package, part for part and byte for byte, as ``wb.save`` followed by ``freeze_ooxml``."""
    buffer = io.BytesIO()
    _workbook().save(buffer)
    assert save_workbook(_workbook(), MOMENT) == freeze_ooxml(buffer.getvalue(), MOMENT)


def test_every_timestamp_is_the_moment() -> None:
    """Zip entries carry the moment given (Vietnam's wall clock), the core properties the same instant in UTC:
    08:30 in Sa Pa is 01:30Z, not 08:30Z (seven hours off), whatever the clock says."""
    with zipfile.ZipFile(io.BytesIO(save_workbook(_workbook(), MOMENT))) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2026, 1, 15, 8, 30, 0)}
        core = zf.read("docProps/core.xml")
    assert core.count(b"2026-01-15T01:30:00Z") == 2
    assert b"08:30:00Z" not in core


def test_a_moment_before_seven_in_the_morning_is_the_day_before_in_utc() -> None:
    """A ``Ngày lập`` (midnight, Vietnam's time) is 17:00Z of the day before; a moment with a zone is kept."""
    assert core_time(datetime(2026, 1, 9)) == "2026-01-08T17:00:00Z"
    assert core_time(datetime(2026, 1, 15, 8, 0, tzinfo=UTC)) == "2026-01-15T08:00:00Z"
    assert core_time(datetime(2026, 1, 15, 8, 0, tzinfo=LOCAL_TIME)) == "2026-01-15T01:00:00Z"


def test_two_saves_of_the_same_workbook_are_byte_identical() -> None:
    """A rerun on the same inputs gives the same bytes, though openpyxl stamps the clock into the package."""
    assert save_workbook(_workbook(), MOMENT) == save_workbook(_workbook(), MOMENT)


def test_a_part_written_twice_is_kept_twice() -> None:
    """As in a ``ZipFile``: both entries stay, in order, each with its timestamp pinned."""
    parts = [("a.xml", b"<a/>"), ("b.xml", b"<b/>"), ("a.xml", b"<a>2</a>")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        package = pack_ooxml(parts, MOMENT)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert [info.filename for info in zf.infolist()] == ["a.xml", "b.xml", "a.xml"]
        assert {info.date_time for info in zf.infolist()} == {(2026, 1, 15, 8, 30, 0)}
