"""Opening submitted files safely: hostile and broken files are refused with a Vietnamese reason."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule, DataBarRule, Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat

from tasks.intake.styles import Look
from tasks.intake.workbook import MAX_AREAS, WorkbookError, read_workbook


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chỉ tiêu"
    ws["B3"] = "Lũy kế"
    ws["C4"] = 0.975
    ws["C4"].number_format = "0.0%"
    ws["D5"] = 12.5
    wb.save(path)
    return path


def test_it_reads_cells_from_a1_with_percent_cells_marked(tmp_path: Path) -> None:
    """Rows keep their Excel numbering and percent-formatted cells are known."""
    sheets = read_workbook(_xlsx(tmp_path / "a.xlsx"))
    grid = sheets[0]
    assert grid.name == "Chỉ tiêu"
    assert grid.rows[3][2] == 0.975 and grid.rows[4][3] == 12.5
    assert (3, 2) in grid.percent and (4, 3) not in grid.percent


@pytest.mark.parametrize(
    ("content", "name", "rule", "words"),
    [
        (b"", "empty.xlsx", "empty_file", "rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", "old_xls", ".xls"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64,
            "x.xlsx",
            "encrypted",
            "mật khẩu",
        ),
        (b"Ma tieu chi;Diem\n1.1;5\n", "ghi-chu.xlsx", "not_a_workbook", "không phải"),
        (b"PK\x03\x04 truncated", "cut.xlsx", "corrupt", "hỏng"),
    ],
)
def test_broken_files_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, name: str, rule: str, words: str
) -> None:
    """Empty, old .xls, password-protected, text and truncated files each get their own message."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.rule == rule
    assert words in err.value.message
    assert err.value.hint


def test_a_zip_bomb_is_refused_quickly_without_being_parsed(tmp_path: Path) -> None:
    """A sheet that unzips to hundreds of megabytes is refused from the zip directory alone."""
    path = _xlsx(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet9.xml", "w") as sheet:
        sheet.write(b"<x>")
        for _ in range(300):  # written a megabyte at a time: the test need not hold the 300 MB itself
            sheet.write(b"0" * 1024 * 1024)
        sheet.write(b"</x>")
    tracemalloc.start()
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # nothing near the 300 MB of the sheet was inflated
    assert err.value.rule == "too_large"


def test_xml_entity_declarations_are_never_resolved(tmp_path: Path) -> None:
    """A workbook part declaring entities (XXE, billion laughs) is refused."""
    src = _xlsx(tmp_path / "ok.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + data.replace(b"12.5", b"&xxe;")
            zout.writestr(item, data)
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.rule == "xml_entities"


def test_a_formula_without_cached_value_is_found(tmp_path: Path) -> None:
    """openpyxl writes formulas with no cached value; the cell is recorded."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = 1
    ws["B2"] = "=A1*2"
    wb.save(tmp_path / "f.xlsx")
    sheet = read_workbook(tmp_path / "f.xlsx")[0]
    assert sheet.uncached_formulas == {(1, 1)}


def _book(path: Path) -> Path:
    """Two sheets: a visible one with an error value cached in B2, and a very-hidden one holding data."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tự chấm điểm"
    ws["A2"], ws["B2"], ws["C2"] = "1.1", "#DIV/0!", 3  # openpyxl writes a known error text as an error cell
    hidden = wb.create_sheet("Nháp")
    hidden["A1"] = 99
    hidden.sheet_state = "veryHidden"
    wb.save(path)
    return path


def test_a_cached_excel_error_reads_as_the_error_not_as_an_empty_cell(tmp_path: Path) -> None:
    """``#DIV/0!`` comes back as Excel shows it (calamine alone gives an empty cell), with its place known."""
    [scores, _] = read_workbook(_book(tmp_path / "a.xlsx"))
    assert scores.rows[1][1] == "#DIV/0!" and scores.errors == {(1, 1): "#DIV/0!"}
    assert scores.rows[1][2] == 3


def test_each_sheet_knows_whether_excel_hides_it(tmp_path: Path) -> None:
    """A very-hidden sheet is marked hidden, with its data; a visible one is not."""
    [scores, draft] = read_workbook(_book(tmp_path / "a.xlsx"))
    assert (scores.hidden, draft.hidden, draft.state, draft.has_data) == (False, True, "veryHidden", True)


def test_a_strict_open_xml_workbook_is_read_like_any_other(tmp_path: Path) -> None:
    """The same workbook saved with the Strict namespace names gives the same sheets and cells."""
    plain = _book(tmp_path / "plain.xlsx")
    strict = tmp_path / "strict.xlsx"
    mapping = (
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        ),
    )
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(strict, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            for old, new in mapping:
                data = data.replace(old, new)
            zout.writestr(info, data)
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("xl/workbook.xml")
    read = [(s.name, s.rows, s.state) for s in read_workbook(strict)]
    assert read == [(s.name, s.rows, s.state) for s in read_workbook(plain)]


def test_the_ranges_of_conditional_formats_that_may_disguise_a_value_are_recorded(tmp_path: Path) -> None:
    """A rule whose differential format sets ``;;;`` over two ranges, and one whitening the font over the whole
    sheet (kept as one range, not a million cells), are recorded with their ranges; a data bar and Excel's red on
    pink preset change no text a reader needs, and are not."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["C5"] = 2
    hiding = DifferentialStyle(numFmt=NumberFormat(numFmtId=200, formatCode=";;;"))
    ws.conditional_formatting.add("C5:C9 E2", Rule(type="cellIs", operator="greaterThan", formula=["0"], dxf=hiding))
    ws.conditional_formatting.add(
        "A1:XFD1048576", CellIsRule(operator="equal", formula=["2"], font=Font(color="FFFFFF"))
    )
    red_on_pink = CellIsRule(
        operator="lessThan", formula=["1"], font=Font(color="9C0006"), fill=PatternFill(bgColor="FFC7CE")
    )
    ws.conditional_formatting.add("D1:D9", red_on_pink)
    ws.conditional_formatting.add("F1:F9", DataBarRule(start_type="min", end_type="max", color="638EC6"))
    wb.save(tmp_path / "cf.xlsx")
    sheet = read_workbook(tmp_path / "cf.xlsx")[0]
    assert sorted(sheet.conditional, key=lambda e: len(e[0]), reverse=True) == [
        (((4, 2, 8, 2), (1, 4, 1, 4)), Look(";;;", invisible=False)),
        (((0, 0, 1048575, 16383),), Look(None, invisible=True)),
    ]
    assert sheet.conditional_looks((6, 2)) == [Look(";;;", invisible=False), Look(None, invisible=True)]
    assert sheet.conditional_looks((6, 3)) == [Look(None, invisible=True)]


def test_conditional_ranges_past_the_limit_are_kept_as_the_box_around_them(tmp_path: Path) -> None:
    """1 500 single cells in one ``sqref``: the first MAX_AREAS kept one by one, the rest as one box, still found."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    whitening = CellIsRule(operator="equal", formula=["2"], font=Font(color="FFFFFF"))
    ws.conditional_formatting.add(" ".join(f"C{r}" for r in range(1, 1501)), whitening)
    wb.save(tmp_path / "cf.xlsx")
    sheet = read_workbook(tmp_path / "cf.xlsx")[0]
    assert sum(len(areas) for areas, _ in sheet.conditional) == MAX_AREAS + 1
    assert sheet.conditional_looks((1499, 2)) == [Look(None, invisible=True)] and not sheet.conditional_looks((5, 3))
