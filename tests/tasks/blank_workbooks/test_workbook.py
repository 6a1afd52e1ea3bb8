"""A template's frame: the instructions sheet first, signature lines, every sheet and the structure locked, bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from tasks.blank_workbooks import annual_template, monthly_template
from tasks.blank_workbooks.workbook import new_template, signatures, table_columns, template_bytes
from tasks.config.year import YearConfig
from tasks.intake.layout import COUNTS
from tasks.outputs.ooxml import in_utc
from tests.support.blank_workbooks import MOMENT, open_workbook


def test_templates_are_byte_stable_and_stamped_with_the_moment(config: YearConfig) -> None:
    """Two builds give identical bytes; the properties and zip entries carry the given moment, not the clock."""
    ward = config.bloc.ward("LAOCAI")
    first = annual_template(config.bloc, config.catalogue, ward, MOMENT)
    assert first == annual_template(config.bloc, config.catalogue, ward, MOMENT)
    assert monthly_template(config.bloc, config.catalogue, ward, MOMENT) == monthly_template(
        config.bloc, config.catalogue, ward, MOMENT
    )
    assert open_workbook(first).properties.created == in_utc(MOMENT).replace(tzinfo=None)  # openpyxl reads UTC
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2025, 11, 14, 8, 0, 0)}


def _framed() -> Workbook:
    """A template with the guide and one data sheet, the way the annual and monthly templates are built."""
    wb = new_template("Bảng thử – phường Sa Pa", MOMENT, [("title", "HƯỚNG DẪN"), ("body", "Nhập ô nền vàng.")])
    data = wb.create_sheet("Tự chấm điểm")
    data["A1"] = "Mã tiêu chí"
    return wb


def test_the_instructions_open_first() -> None:
    """Opening the file shows 'Hướng dẫn' first; the title is the workbook's title and subject."""
    wb = open_workbook(template_bytes(_framed(), MOMENT))
    assert wb.sheetnames == ["Hướng dẫn", "Tự chấm điểm"]
    assert wb.active.title == "Hướng dẫn"
    assert wb.properties.title == wb.properties.subject == "Bảng thử – phường Sa Pa"


def test_every_sheet_and_the_structure_are_locked_without_a_password() -> None:
    """A ward cannot rename, add or delete sheets; the secretariat can lift the protection (no password)."""
    wb = open_workbook(template_bytes(_framed(), MOMENT))
    assert wb.security is not None and wb.security.lockStructure
    assert wb.security.workbookPassword is None
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert ws.protection.password is None
        assert not ws.protection.formatColumns and not ws.protection.formatRows  # widths and heights stay adjustable


def test_signature_lines_name_the_preparer_and_the_chairman() -> None:
    """Under a table: the preparer on the left, the ward chairman on the right; the last row written is returned."""
    ws = Workbook().active
    assert ws is not None
    last = signatures(ws, 20, left=2, right=5)
    assert [ws.cell(r, 2).value for r in (20, 21)] == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"]
    assert [ws.cell(r, 5).value for r in (20, 21, 22)] == [
        "TM. ỦY BAN NHÂN DÂN PHƯỜNG",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]
    assert last == 22
    assert ws.cell(21, 2).font.italic and ws.cell(20, 2).font.bold
    assert ws.cell(20, 1).value is None  # no code in column A: the reader skips these rows


def test_table_headers_are_the_readers_canonical_columns() -> None:
    """The headers are the ones the reader looks for, each with its printed width; a missing width is refused."""
    columns = table_columns(COUNTS, (8, 74, 9, 50))
    assert [(c.header, c.width) for c in columns] == [("Mã", 8), ("Nội dung", 74), ("Số lần", 9), ("Căn cứ", 50)]
    with pytest.raises(ValueError):
        table_columns(COUNTS, (8, 74, 9))
