"""Opening a ward's workbook package for the annotated copy: limits first, then only what can be edited safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.feedback.annotate_cells import Declined
from tasks.feedback.package import Refused, find_sheet, open_package, tree, visible_cell
from tests.support.annotated import edit, repack
from tests.support.hostile_files import lying_zip_bomb
from tests.support.office_files import SAPA_ANNUAL

LIMITS = {"max_entries": 1_000, "max_bytes": 50_000_000}


def test_the_sample_opens_with_its_sheets_and_parses_a_part_once() -> None:
    """Every sheet is found by its name; a part asked for twice is the same parsed tree."""
    package = open_package(SAPA_ANNUAL.read_bytes(), keep_vba=False, **LIMITS)
    assert "Tự chấm điểm" in package.sheets and "Thông tin" in package.sheets
    assert tree(package, "xl/styles.xml") is tree(package, "xl/styles.xml")


@pytest.mark.parametrize(
    "limits", [{"max_entries": 3, "max_bytes": 50_000_000}, {"max_entries": 1_000, "max_bytes": 10}]
)
def test_too_many_parts_or_bytes_are_refused_before_anything_is_read(limits: dict[str, int]) -> None:
    """The zip-bomb limits of the intake apply to the copy too."""
    with pytest.raises(Refused):
        open_package(SAPA_ANNUAL.read_bytes(), keep_vba=False, **limits)


def test_a_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    """A member that lies about its size is untrusted: no copy at all."""
    with pytest.raises(Refused):
        open_package(lying_zip_bomb(tmp_path / "bomb.xlsx").read_bytes(), keep_vba=False, **LIMITS)


def test_a_part_declared_in_another_encoding_is_declined() -> None:
    """Only UTF-8 parts are edited; a part declaring UTF-16 is declined rather than rewritten wrongly."""

    def utf16(content: dict[str, bytes]) -> None:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", content["xl/styles.xml"])
        content["xl/styles.xml"] = b'<?xml version="1.0" encoding="UTF-16"?>' + body

    package = open_package(repack(SAPA_ANNUAL.read_bytes(), utf16), keep_vba=False, **LIMITS)
    with pytest.raises(Declined):
        tree(package, "xl/styles.xml")


def test_a_sheet_is_found_by_its_name_in_any_case_or_unicode_form() -> None:
    """An issue naming "TỰ CHẤM ĐIỂM" (or the decomposed form) lands on the sheet the ward calls that."""
    package = open_package(SAPA_ANNUAL.read_bytes(), keep_vba=False, **LIMITS)
    assert find_sheet(package, "TỰ CHẤM ĐIỂM") == "Tự chấm điểm"
    assert find_sheet(package, "Tự chấm điểm".encode().decode()) == "Tự chấm điểm"
    assert find_sheet(package, "Không có") is None and find_sheet(package, None) is None


def test_a_cell_inside_a_merged_range_is_marked_at_its_top_left() -> None:
    """Excel shows a merged range by its first cell, so that is where the note goes."""
    data = repack(
        SAPA_ANNUAL.read_bytes(),
        edit(
            "xl/worksheets/sheet1.xml",
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="H2:J4"/></mergeCells>',
        ),
    )
    package = open_package(data, keep_vba=False, **LIMITS)
    sheet = next(name for name, part in package.sheets.items() if part == "xl/worksheets/sheet1.xml")
    assert visible_cell(package, sheet, "I3") == "H2"
    assert visible_cell(package, sheet, "K3") == "K3"
