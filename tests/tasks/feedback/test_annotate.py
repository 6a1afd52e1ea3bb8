"""The annotated copy, made by editing the ward's package directly; openpyxl serves only as the test's oracle."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment

from tasks.domain import Issue, Severity
from tasks.feedback import workbook as feedback
from tasks.feedback.annotate_cells import MAIN
from tasks.feedback.workbook import (
    DECLINED,
    ERROR_FILL,
    NO_CELL,
    WARNING_FILL,
    AnnotatedCopy,
    annotate_copy,
    annotated_copy_of,
    comment_text,
)
from tasks.outputs.ooxml import in_utc
from tasks.outputs.xlsx.common import note
from tests.support.annotated import INFO, ISSUES, MOMENT, SCORES, cell_look, edit, issue, parts, repack, values
from tests.support.hostile_files import lying_zip_bomb, xxe
from tests.support.office_files import SAPA_ANNUAL, book_bytes, sapa_annual

SHEET2 = "xl/worksheets/sheet2.xml"
SHEET2_RELS = "xl/worksheets/_rels/sheet2.xml.rels"
M = f"{{{MAIN}}}"


def openpyxl_copy(data: bytes, issues: list[Issue]) -> bytes:
    """The oracle: the same marks made with openpyxl (fill, then a comment by thidua of the cell's issues)."""
    wb = load_workbook(io.BytesIO(data))
    marked: dict[tuple[str, str], list[Issue]] = {}
    for item in issues:
        ws = next(ws for ws in wb.worksheets if ws.title.casefold() == (item.sheet or "").casefold())
        marked.setdefault((ws.title, (item.cell or "").upper()), []).append(item)
    for (title, address), found in marked.items():
        cell = wb[title][address]
        cell.fill = ERROR_FILL if any(i.severity is Severity.ERROR for i in found) else WARNING_FILL
        cell.comment = note(comment_text(found), width=360)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class TestPackagePath:
    def test_plain_file_is_annotated(self) -> None:
        """It fills and comments the cells of a template file by editing its package."""
        data = annotate_copy(SAPA_ANNUAL.read_bytes(), ISSUES, MOMENT, keep_vba=False)
        assert data is not None
        wb = load_workbook(io.BytesIO(data))
        ws = wb[SCORES]
        assert (ws["D6"].fill.fill_type, ws["D6"].fill.fgColor.rgb) == ("solid", "00FFC7CE")  # any error: red
        assert ws["D6"].comment.author == "thidua"
        assert ws["D6"].comment.text == comment_text([ISSUES[0], ISSUES[2]])
        assert ws["E7"].fill.fgColor.rgb == "00FFEB9C"
        assert ws["E7"].comment.text == "[Cảnh báo] Ô E7 sai.\nCách khắc phục: Sửa ô E7."
        assert ws["D7"].comment is None and ws["D7"].fill.fill_type is None
        assert wb.sheetnames == [INFO, SCORES, "Thưởng - Trừ"]
        props = wb.properties
        assert (props.lastModifiedBy, props.modified) == ("thidua", in_utc(MOMENT).replace(tzinfo=None))

    def test_same_look_as_openpyxl_path(self) -> None:
        """Every cell of every sheet reads as in openpyxl's copy: value, fill, font, border, format, comment."""
        original = SAPA_ANNUAL.read_bytes()
        issues = [*ISSUES, issue("B40"), issue("A2", sheet="thông tin")]
        fast, slow = annotate_copy(original, issues, MOMENT, False), openpyxl_copy(original, issues)
        assert fast is not None and slow is not None and fast != slow
        a, b = load_workbook(io.BytesIO(fast)), load_workbook(io.BytesIO(slow))
        assert a.sheetnames == b.sheetnames
        for ws in a.worksheets:
            cells = {c.coordinate for row in ws.iter_rows() for c in row}
            cells |= {c.coordinate for row in b[ws.title].iter_rows() for c in row}
            assert [cell_look(ws, c) for c in sorted(cells)] == [cell_look(b[ws.title], c) for c in sorted(cells)]

    def test_untouched_parts_kept_byte_for_byte(self) -> None:
        """Only the marked sheet, its relationships, styles, content types and core properties change."""
        original = SAPA_ANNUAL.read_bytes()
        data = annotate_copy(original, ISSUES, MOMENT, False)
        assert data is not None
        before, after = parts(original), parts(data)
        changed = {name for name in before if before[name] != after[name]}
        assert changed == {SHEET2, "xl/styles.xml", "[Content_Types].xml", "docProps/core.xml"}
        assert set(after) - set(before) == {SHEET2_RELS, "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml"}
        assert list(after)[: len(before)] == list(before)  # the ward's parts keep their order

    def test_calamine_reads_the_same_values(self) -> None:
        """The values of every sheet are those of the ward's file, new cells and rows included."""
        original = SAPA_ANNUAL.read_bytes()
        data = annotate_copy(original, [*ISSUES, issue("H6"), issue("C50")], MOMENT, False)
        assert data is not None
        assert values(data) == values(original)

    def test_rerun_gives_identical_bytes(self) -> None:
        """It gives identical bytes for identical inputs, every zip entry dated ``moment``."""
        original = SAPA_ANNUAL.read_bytes()
        first = annotate_copy(original, ISSUES, MOMENT, False)
        assert first is not None and first == annotate_copy(original, ISSUES, MOMENT, False)
        with zipfile.ZipFile(io.BytesIO(first)) as zf:
            assert {info.date_time for info in zf.infolist()} == {(2026, 1, 10, 9, 0, 0)}
            core = zf.read("docProps/core.xml")
        assert b">2026-01-10T02:00:00Z</dcterms:modified>" in core  # 09:00 in Vietnam
        assert b"<cp:lastModifiedBy>thidua</cp:lastModifiedBy>" in core

    def test_keeps_data_validation(self) -> None:
        """Data validation lists, plain and in an extension (openpyxl drops those), are kept as they were."""
        plain = b'<dataValidations count="1"><dataValidation type="list" sqref="D6:D9"><formula1>"1,2"</formula1>'
        plain += b"</dataValidation></dataValidations>"
        listed = "<xm:f>'Thông tin'!$B$1:$B$3</xm:f>".encode()  # a list on another sheet: an Excel 2010 extension
        extension = (
            b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
            b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations '
            b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1"><x14:dataValidation '
            b'type="list"><x14:formula1>' + listed + b"</x14:formula1><xm:sqref>E6:E9</xm:sqref>"
            b"</x14:dataValidation></x14:dataValidations></ext></extLst>"
        )
        original = repack(SAPA_ANNUAL.read_bytes(), edit(SHEET2, b"<pageMargins", plain + b"<pageMargins"))
        original = repack(original, edit(SHEET2, b"</worksheet>", extension + b"</worksheet>"))
        data = annotate_copy(original, ISSUES, MOMENT, False)
        assert data is not None
        sheet = etree.fromstring(parts(data)[SHEET2])
        names = [etree.QName(child).localname for child in sheet]
        assert names.index("dataValidations") < names.index("legacyDrawing") == names.index("extLst") - 1
        assert plain in parts(data)[SHEET2] and listed in parts(data)[SHEET2]
        with pytest.warns(UserWarning, match="Data Validation extension"):  # openpyxl sees it, and would drop it
            ws = load_workbook(io.BytesIO(data))[SCORES]
        assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["D6:D9"]
        assert ws["D6"].comment is not None

    def test_merged_cell_marks_the_visible_cell(self) -> None:
        """A cell inside a merged range is marked on the range's top-left cell."""
        original = repack(
            SAPA_ANNUAL.read_bytes(),
            edit(SHEET2, b"<pageMargins", b'<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells><pageMargins'),
        )
        data = annotate_copy(original, [issue("C1", Severity.WARNING)], MOMENT, False)
        assert data is not None
        ws = load_workbook(io.BytesIO(data))[SCORES]
        assert ws["A1"].comment.text.startswith("[Cảnh báo] Ô C1 sai.")
        assert ws["A1"].fill.fgColor.rgb == "00FFEB9C"

    def test_note_sized_like_the_openpyxl_path(self) -> None:
        """The VML shape of a note is hidden and as large as ``note(text, width=360)`` makes it."""
        data = annotate_copy(SAPA_ANNUAL.read_bytes(), ISSUES[:1], MOMENT, False)
        assert data is not None
        vml = parts(data)["xl/drawings/vmlDrawing1.vml"].decode()
        size = note(comment_text(ISSUES[:1]), width=360)
        assert f"width:{size.width}px;height:{size.height}px" in vml and "visibility:hidden" in vml
        assert "<x:Row>5</x:Row><x:Column>3</x:Column>" in vml  # D6, 0-based

    def test_comment_on_another_sheet_is_kept(self, tmp_path: Path) -> None:
        """A ward's comment on another sheet stays as it was; the new drawing takes the next shape block."""
        wb = load_workbook(SAPA_ANNUAL)
        wb[INFO]["B1"].comment = Comment("Tên phường theo Nghị quyết", "Cán bộ phường")
        path = tmp_path / "commented.xlsx"
        wb.save(path)
        original = path.read_bytes()
        data = annotate_copy(original, ISSUES, MOMENT, keep_vba=False)
        assert data is not None
        before, after = parts(original), parts(data)
        assert all(after[name] == body for name, body in before.items() if "comment" in name.lower())
        new_vml = next(body for name, body in after.items() if name.endswith(".vml") and name not in before)
        assert b'data="2"' in new_vml and b"_x0000_s2049" in new_vml
        reopened = load_workbook(io.BytesIO(data))
        assert reopened[INFO]["B1"].comment.text == "Tên phường theo Nghị quyết"
        assert reopened[SCORES]["D6"].comment.author == "thidua"

    def test_prefixed_elements(self) -> None:
        """A package written with ``<x:c>`` elements (OpenXML SDK) is edited in its own prefix."""
        book = sapa_annual()
        book.prefixed = True
        data = annotate_copy(book_bytes(book), [issue("D3"), issue("K40")], MOMENT, keep_vba=False)
        assert data is not None
        assert b'<x:row r="40"><x:c r="K40" s="' in parts(data)[SHEET2]
        ws = load_workbook(io.BytesIO(data))[SCORES]
        assert ws["K40"].fill.fgColor.rgb == ws["D3"].fill.fgColor.rgb == "00FFC7CE"

    def test_keeps_macros(self) -> None:
        """An .xlsm file keeps its VBA part and macro content type when macros are kept."""
        original = book_bytes(sapa_annual(), macro=True)
        data = annotate_copy(original, [issue("D3")], MOMENT, keep_vba=True)
        assert data is not None
        assert parts(data)["xl/vbaProject.bin"] == parts(original)["xl/vbaProject.bin"]
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in parts(data)["[Content_Types].xml"]


def _drop_styles(content: dict[str, bytes]) -> None:
    del content["xl/styles.xml"]
    content["[Content_Types].xml"] = re.sub(
        rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"", content["[Content_Types].xml"]
    )
    content["xl/_rels/workbook.xml.rels"] = re.sub(
        rb'<Relationship [^>]*Target="styles.xml"[^>]*/>', b"", content["xl/_rels/workbook.xml.rels"]
    )


def _strict(content: dict[str, bytes]) -> None:
    for name in ("xl/workbook.xml", SHEET2, "xl/styles.xml"):
        content[name] = content[name].replace(MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")


def _utf16_sheet(content: dict[str, bytes]) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>' + content[SHEET2].decode()
    content[SHEET2] = text.encode("utf-16")


def _sheet_vml(content: dict[str, bytes]) -> None:
    """A header picture: the sheet already has a VML drawing relationship."""
    content[SHEET2_RELS] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" '
        b'Target="../drawings/vmlDrawing1.vml"/></Relationships>'
    )
    content["xl/drawings/vmlDrawing1.vml"] = b'<xml xmlns:v="urn:schemas-microsoft-com:vml"/>'
    content[SHEET2] = content[SHEET2].replace(
        b"</worksheet>",
        b'<legacyDrawingHF xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        b'r:id="rId1"/></worksheet>',
    )


DECLINED_PACKAGES: dict[str, Callable[[dict[str, bytes]], None]] = {
    "strict namespace": _strict,
    "no styles.xml": _drop_styles,
    "no cellXfs": lambda c: c.update({"xl/styles.xml": re.sub(rb"<cellXfs.*</cellXfs>", b"", c["xl/styles.xml"])}),
    "no fills": lambda c: c.update({"xl/styles.xml": re.sub(rb"<fills.*</fills>", b"", c["xl/styles.xml"])}),
    "sheet part not found": edit("xl/_rels/workbook.xml.rels", b"sheet2.xml", b"sheet9.xml"),
    "sheet does not parse": edit(SHEET2, b"</sheetData>", b"</sheetDat>"),
    "UTF-16 sheet": _utf16_sheet,
    "legacyDrawing in the sheet": edit(
        SHEET2,
        b"</worksheet>",
        b'<legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId9"/>'
        b"</worksheet>",
    ),
    "VML drawing of the sheet": _sheet_vml,
    "markup compatibility": edit(
        SHEET2,
        b"</worksheet>",
        b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"/></worksheet>',
    ),
    "cell without address": edit(SHEET2, b'<c r="D6"', b"<c"),
    "style index out of range": edit(SHEET2, b'<c r="D6" s="', b'<c r="D6" s="9'),
}


class TestNoCopy:
    @pytest.mark.parametrize("mutation", DECLINED_PACKAGES.values(), ids=DECLINED_PACKAGES.keys())
    def test_unexpected_package_gets_no_copy_and_a_reason(self, mutation: Callable[[dict[str, bytes]], None]) -> None:
        """A package not edited here gets no annotated copy; the ward is told why, in Vietnamese."""
        original = repack(SAPA_ANNUAL.read_bytes(), mutation)
        copy = annotated_copy_of(original, ISSUES, MOMENT, False)
        assert (copy.data, copy.reason) == (None, DECLINED)

    @pytest.mark.parametrize(
        "loose",
        [issue(None, sheet=None), issue(None), issue("A1", sheet="Không có"), issue("not a cell")],
        ids=["no sheet", "no cell", "unknown sheet", "not an address"],
    )
    def test_issue_without_cell_is_left_to_the_feedback_workbook(self, loose: Issue) -> None:
        """The copy marks the cells it can; an issue without a cell is listed in the feedback workbook only."""
        original = SAPA_ANNUAL.read_bytes()
        data = annotate_copy(original, [*ISSUES, loose], MOMENT, False)
        assert data is not None and data == annotate_copy(original, ISSUES, MOMENT, False)
        assert load_workbook(io.BytesIO(data)).sheetnames == [INFO, SCORES, "Thưởng - Trừ"]

    def test_no_issue_with_a_cell_gives_no_copy(self) -> None:
        """Nothing to mark: no copy, and the ward is told the issues are listed in the feedback workbook."""
        copy = annotated_copy_of(SAPA_ANNUAL.read_bytes(), [issue(None)], MOMENT, False)
        assert (copy.data, copy.reason) == (None, NO_CELL)

    def test_sheet_with_comments_keeps_the_ward_notes(self, tmp_path: Path) -> None:
        """A marked sheet's own notes stay: below ours on a marked cell, as they were elsewhere."""
        wb = load_workbook(SAPA_ANNUAL)
        wb[SCORES]["D6"].comment = Comment("Đã xin ý kiến", "Cán bộ phường")
        wb[SCORES]["B9"].comment = Comment("Xem phụ lục", "Cán bộ phường")
        path = tmp_path / "commented.xlsx"
        wb.save(path)
        data = annotate_copy(path.read_bytes(), ISSUES, MOMENT, False)
        assert data is not None
        ws = load_workbook(io.BytesIO(data))[SCORES]
        assert ws["D6"].comment.text == comment_text([ISSUES[0], ISSUES[2]]) + "\n\n— Ghi chú có sẵn —\nĐã xin ý kiến"
        assert (ws["D6"].comment.author, ws["D6"].fill.fgColor.rgb) == ("thidua", "00FFC7CE")
        assert (ws["B9"].comment.text, ws["B9"].comment.author) == ("Xem phụ lục", "Cán bộ phường")
        assert ws["B9"].fill.fill_type is None  # the ward's note alone marks nothing
        assert ws["E7"].comment.text == "[Cảnh báo] Ô E7 sai.\nCách khắc phục: Sửa ô E7."

    def test_macros_dropped_gets_no_copy(self) -> None:
        """A file with macros whose copy must drop them (``keep_vba`` false) gets no copy."""
        original = book_bytes(sapa_annual(), macro=True)
        assert annotated_copy_of(original, [issue("D3")], MOMENT, False).data is None

    def test_entity_declaration_gets_no_copy(self, tmp_path: Path) -> None:
        """A part declaring entities is never parsed."""
        original = xxe(tmp_path / "xxe.xlsx", tmp_path / "secret.txt").read_bytes()
        assert annotate_copy(original, [issue("A1", sheet=INFO)], MOMENT, False) is None


class TestRefused:
    def test_lying_zip_bomb(self, tmp_path: Path) -> None:
        """A part inflating beyond its declared size gives no copy."""
        original = lying_zip_bomb(tmp_path / "bomb.xlsx").read_bytes()
        assert annotated_copy_of(original, [issue("A1", sheet=INFO)], MOMENT, False) == AnnotatedCopy(None, None)

    @pytest.mark.parametrize(("limit", "value"), [("MAX_ENTRIES", 5), ("MAX_UNZIPPED_BYTES", 1_000)])
    def test_limits(self, limit: str, value: int, monkeypatch: pytest.MonkeyPatch) -> None:
        """Too many parts or too many bytes once unzipped: no copy."""
        monkeypatch.setattr(feedback, limit, value)
        assert annotate_copy(SAPA_ANNUAL.read_bytes(), ISSUES, MOMENT, False) is None
