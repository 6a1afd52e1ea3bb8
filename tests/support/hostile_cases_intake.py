"""Hostile corpus cases of the intake classes of issue 11: 1 ambiguity, 2 entries, 3 attribution, 4 bounded
work, 8 Excel's own values (test helper; see :mod:`tests.support.hostile_corpus` for the framework).

Most cases change Nam Cường's files: it ranks last in the sample, so rejecting it moves no other ward's rank
or nomination, and every other ward's rows must stay exactly as in the clean run.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from tests.support.hostile_corpus import Listed, case

VICTIM = "NAMCUONG"
ANNUAL = "annual/tu-cham-diem-2025-namcuong.xlsx"
DECEMBER = "monthly/2025-12/bao-cao-chi-tieu-2025-12-namcuong.xlsx"


def edit(year_dir: Path, rel: str, change: Callable[[openpyxl.Workbook], None]) -> None:
    """Open a sample workbook with openpyxl, ``change`` it, save it in place."""
    path = year_dir / rel
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    """The worksheet whose title reads ``name`` (case-insensitive, as the sample writes them in capitals)."""
    return next(ws for ws in wb.worksheets if ws.title.casefold() == name.casefold())


# --- Class 2: one entry never stops everyone ------------------------------------------------------


@case(2, Listed("annual/missing-link.xlsx", "broken_link"))
def dangling_link(year_dir: Path) -> None:
    """A link that points at a file that is not there."""
    (year_dir / "annual" / "missing-link.xlsx").symlink_to(year_dir / "annual" / "gone.xlsx")


@case(2, Listed("annual/loop.xlsx", "broken_link"))
def looping_link(year_dir: Path) -> None:
    """A link that points at itself."""
    (year_dir / "annual" / "loop.xlsx").symlink_to(year_dir / "annual" / "loop.xlsx")


@case(2, Listed("annual/thu-muc-lien-ket", "linked_folder"))
def link_to_a_folder(year_dir: Path) -> None:
    """A link to a folder (here the year folder itself: following it would loop)."""
    (year_dir / "annual" / "thu-muc-lien-ket").symlink_to(year_dir)


@case(2, Listed("annual/hang-doi.xlsx", "special_file"))
def fifo(year_dir: Path) -> None:
    """A named pipe: opening it would wait forever for a writer."""
    os.mkfifo(year_dir / "annual" / "hang-doi.xlsx")


@case(2, Listed("annual/khong-doc-duoc.xlsx", "unreadable"), needs_non_root=True)
def unreadable_file(year_dir: Path) -> None:
    """A file the process may not read."""
    path = year_dir / "annual" / "khong-doc-duoc.xlsx"
    shutil.copy(year_dir / ANNUAL, path)
    path.chmod(0)


@case(2, Listed("annual/rieng", "subfolder"), needs_non_root=True)
def unreadable_sub_folder(year_dir: Path) -> None:
    """A sub-folder the process may not list: not entered, so listed as a sub-folder not read."""
    folder = year_dir / "annual" / "rieng"
    folder.mkdir()
    shutil.copy(year_dir / ANNUAL, folder / "ban-sao.xlsx")
    folder.chmod(0)


@case(2, Listed("annual/bản cũ", "subfolder"), wards={VICTIM: "scored"})
def old_copy_in_a_sub_folder(year_dir: Path) -> None:
    """An older copy of a ward's file kept in ``annual/bản cũ/``: not read, so it is no competing submission;
    the folder is listed as not read."""
    folder = year_dir / "annual" / "bản cũ"
    folder.mkdir()
    shutil.copy(year_dir / ANNUAL, folder / "tu-cham-diem-ban-cu.xlsx")


@case(2, Listed("annual/NamCuong", "subfolder"), wards={VICTIM: "missing"})
def ward_file_in_a_sub_folder(year_dir: Path) -> None:
    """An e-mail attachment unzipped into ``annual/NamCuong/``: not a submission until it is moved into
    ``annual/``; the folder is listed, the ward is missing."""
    folder = year_dir / "annual" / "NamCuong" / "tep-dinh-kem"
    folder.mkdir(parents=True)
    shutil.move(year_dir / ANNUAL, folder / "tu-cham-diem.xlsx")


@case(2, Listed("annual/a", "subfolder"))
def folders_nested_deep(year_dir: Path) -> None:
    """Sub-folders five levels down: the first is listed, none entered."""
    folder = year_dir / "annual" / "a" / "b" / "c" / "d" / "e"
    folder.mkdir(parents=True)
    shutil.copy(year_dir / ANNUAL, folder / "sau.xlsx")


@case(2, Listed("annual/b\\xe1o-c\\xe1o.xlsx", "not_a_workbook"), command=True)
def name_not_utf8(year_dir: Path) -> None:
    """A name written in a Windows code page (cp1258), as old archives store them: undecodable as UTF-8."""
    folder = os.fsencode(year_dir / "annual")
    with open(os.path.join(folder, b"b\xe1o-c\xe1o.xlsx"), "wb") as fh:
        fh.write(b"not a workbook")


@case(2, wards={VICTIM: "scored"}, command=True)
def ward_file_named_not_utf8(year_dir: Path) -> None:
    """The ward's own workbook under a name that is not UTF-8: read, scored, its name shown escaped."""
    target = os.path.join(os.fsencode(year_dir / "annual"), b"tu-cham-\xff\xfe.xlsx")
    os.rename(os.fsencode(year_dir / ANNUAL), target)


@case(2, Listed("annual/dong\\x0amoi\\x1b[31m.xlsx", "not_a_workbook"))
def name_with_control_characters(year_dir: Path) -> None:
    """A name holding a line break and a terminal escape sequence."""
    (year_dir / "annual" / "dong\nmoi\x1b[31m.xlsx").write_bytes(b"junk")


@case(2, Listed("annual/rong.xlsx", "empty_file"))
def empty_file(year_dir: Path) -> None:
    """A file of 0 bytes (a copy that failed)."""
    (year_dir / "annual" / "rong.xlsx").write_bytes(b"")


@case(2, Listed("monthly/ghi-chu.txt", "not_a_workbook"), Listed("monthly/thang-12/*", "wrong_folder", ward=VICTIM))
def files_outside_a_month_folder(year_dir: Path) -> None:
    """A note in ``monthly/`` and a folder whose name is not a month: the report there is still its ward's."""
    (year_dir / "monthly" / "ghi-chu.txt").write_text("ghi chú", encoding="utf-8")
    (year_dir / "monthly" / "thang-12").mkdir()
    shutil.copy(year_dir / DECEMBER, year_dir / "monthly" / "thang-12" / "bao-cao.xlsx")


@case(2, Listed("monthly/2025-08/bao-cao.xlsx", "outside_window", ward=VICTIM))
def month_folder_outside_the_window(year_dir: Path) -> None:
    """A report in the folder of a month before the window: listed for its ward, never counted."""
    (year_dir / "monthly" / "2025-08").mkdir()
    shutil.copy(year_dir / DECEMBER, year_dir / "monthly" / "2025-08" / "bao-cao.xlsx")


@case(2, Listed("appraisal/old.xls", "old_xls"))
def old_excel_file(year_dir: Path) -> None:
    """An Excel 97–2003 file in the appraisal folder."""
    (year_dir / "appraisal" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)


# --- Class 3: attribution before rejection ----------------------------------------------------------


@case(3, Listed(ANNUAL, "missing_sheet", ward=VICTIM), wards={VICTIM: "rejected"}, command=True)
def annual_without_its_counts_sheet(year_dir: Path) -> None:
    """The ward names itself on ``Thông tin`` but deleted ``Thưởng - Trừ``."""
    edit(year_dir, ANNUAL, lambda wb: wb.remove(sheet(wb, "THUONG - TRU")))


@case(3, Listed(ANNUAL, "missing_sheet", ward=VICTIM), wards={VICTIM: "rejected"})
def annual_without_its_scores_sheet(year_dir: Path) -> None:
    """The ward names itself but its ``Tự chấm điểm`` sheet is gone."""
    edit(year_dir, ANNUAL, lambda wb: wb.remove(sheet(wb, "TU CHAM DIEM")))


@case(3, Listed(ANNUAL, "missing_column", ward=VICTIM), wards={VICTIM: "rejected"})
def annual_without_its_score_column(year_dir: Path) -> None:
    """The ``Điểm tự chấm`` header was overwritten."""
    edit(year_dir, ANNUAL, lambda wb: sheet(wb, "TU CHAM DIEM").cell(4, 4, "Điểm"))


@case(3, Listed(DECEMBER, "missing_sheet", ward=VICTIM), touched=frozenset({VICTIM}))
def monthly_without_its_indicator_sheet(year_dir: Path) -> None:
    """December's report names its ward but has no ``Chỉ tiêu`` sheet: the ward's month counts as missing."""
    edit(year_dir, DECEMBER, lambda wb: wb.remove(wb.worksheets[-1]))


@case(
    3,
    Listed("annual/tu-cham-diem-2025-namcuong-ban-sua.xlsx", "file_name_other_ward", "B1", "warning", ward="SAPA"),
    wards={"SAPA": "scored"},
)
def file_named_for_one_ward_naming_another(year_dir: Path) -> None:
    """A copy of Nam Cường's workbook, still named for Nam Cường, that names Sa Pa inside: it counts for Sa Pa (the
    name never decides), and is told. Dated later than Sa Pa's own file it would supersede it in silence; dated
    earlier, as here, Sa Pa keeps its own file and the warning is all that changes."""
    copy = "annual/tu-cham-diem-2025-namcuong-ban-sua.xlsx"
    shutil.copy(year_dir / ANNUAL, year_dir / copy)

    def claim(wb: openpyxl.Workbook) -> None:
        sheet(wb, "THONG TIN")["B1"] = "Sa Pa"
        sheet(wb, "THONG TIN")["B6"] = datetime(2025, 12, 1)

    edit(year_dir, copy, claim)


@case(
    3,
    Listed("annual/tu-cham-diem-2025-namcuong-2099.xlsx", "date_too_late", "B6", "warning", ward=VICTIM),
    Listed(ANNUAL, "superseded", None, "warning", ward=VICTIM),
    wards={VICTIM: "scored"},
)
def resubmission_dated_far_in_the_future(year_dir: Path) -> None:
    """A resubmission dated 01/01/2099 wins over every other file of the ward, now and after any correction: it
    still wins (spec §3.5 does not reject it) but is warned at its Ngày lập, later than the meeting's date."""
    copy = "annual/tu-cham-diem-2025-namcuong-2099.xlsx"
    shutil.copy(year_dir / ANNUAL, year_dir / copy)

    def postdate(wb: openpyxl.Workbook) -> None:
        sheet(wb, "THONG TIN")["B6"] = datetime(2099, 1, 1)

    edit(year_dir, copy, postdate)


# --- Class 1: nothing ambiguous resolved silently ---------------------------------------------------


def _hidden_copy(wb: openpyxl.Workbook, name: str, title: str, state: str) -> Worksheet:
    """A copy of sheet ``name`` titled ``title``, hidden as ``state``, placed first."""
    copy = wb.copy_worksheet(sheet(wb, name))
    copy.title = title
    copy.sheet_state = state
    wb.move_sheet(copy, offset=-wb.index(copy))
    return copy


@case(1, Listed(ANNUAL, "duplicate_sheet", ward=VICTIM), wards={VICTIM: "rejected"})
def very_hidden_copy_with_higher_scores(year_dir: Path) -> None:
    """A very-hidden ``Tự chấm điểm`` placed first, every score at its maximum: it must not win silently."""

    def plant(wb: openpyxl.Workbook) -> None:
        copy = _hidden_copy(wb, "TU CHAM DIEM", "Tự chấm điểm", "veryHidden")
        for row in range(5, copy.max_row + 1):
            if isinstance(copy.cell(row, 3).value, int | float):
                copy.cell(row, 4, copy.cell(row, 3).value)

    edit(year_dir, ANNUAL, plant)


@case(1, Listed(ANNUAL, "duplicate_sheet", ward=VICTIM), wards={VICTIM: "rejected"})
def two_visible_count_sheets(year_dir: Path) -> None:
    """``THUONG - TRU`` and ``Thưởng – Trừ`` (another dash) side by side."""

    def plant(wb: openpyxl.Workbook) -> None:
        copy = wb.copy_worksheet(sheet(wb, "THUONG - TRU"))
        copy.title = "Thưởng – Trừ"

    edit(year_dir, ANNUAL, plant)


def _append_label(label: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: sheet(wb, "THONG TIN").append([label, value])


@case(1, Listed(ANNUAL, "duplicate_label", "B8"), wards={VICTIM: "rejected"})
def ward_named_twice(year_dir: Path) -> None:
    """``Đơn vị`` written again below with another ward's name."""
    edit(year_dir, ANNUAL, _append_label("Đơn vị", "Sa Pa"))


@case(1, Listed(ANNUAL, "duplicate_label", "B8"), wards={VICTIM: "rejected"})
def ward_code_written_twice(year_dir: Path) -> None:
    """``Mã đơn vị`` left blank on its row and filled with another code further down."""
    edit(year_dir, ANNUAL, _append_label("Mã đơn vị", "SAPA"))


@case(1, Listed(ANNUAL, "duplicate_label", "B8"), wards={VICTIM: "rejected"})
def year_written_twice(year_dir: Path) -> None:
    """``Năm`` 2025, and again 2024."""
    edit(year_dir, ANNUAL, _append_label("NĂM", 2024))


@case(1, Listed(ANNUAL, "hidden_sheet", severity="warning"), wards={VICTIM: "scored"})
def hidden_draft_sheet(year_dir: Path) -> None:
    """A hidden draft sheet holding other scores: reported so that an auditor sees it; the file is accepted."""

    def plant(wb: openpyxl.Workbook) -> None:
        draft = wb.create_sheet("Nháp")
        draft.append(["1.1", 5])
        draft.sheet_state = "hidden"

    edit(year_dir, ANNUAL, plant)


@case(1, Listed(ANNUAL, "hidden_sheet", severity="warning"), wards={VICTIM: "scored"})
def the_scores_sheet_itself_hidden(year_dir: Path) -> None:
    """The only ``Tự chấm điểm`` sheet is hidden: it is read, and the auditor is told."""
    edit(year_dir, ANNUAL, lambda wb: setattr(sheet(wb, "TU CHAM DIEM"), "sheet_state", "hidden"))


@case(1, Listed(ANNUAL, "duplicate_column", "F4", ward=VICTIM), wards={VICTIM: "rejected"})
def score_column_twice(year_dir: Path) -> None:
    """A second ``Điểm tự chấm`` column in place of ``Ghi chú``."""
    edit(year_dir, ANNUAL, lambda wb: sheet(wb, "TU CHAM DIEM").cell(4, 6, "Điểm tự chấm"))


@case(1, Listed(DECEMBER, "duplicate_sheet", ward=VICTIM), touched=frozenset({VICTIM}))
def monthly_with_a_very_hidden_indicator_copy(year_dir: Path) -> None:
    """December's report with a very-hidden second ``Chỉ tiêu`` sheet."""
    edit(year_dir, DECEMBER, lambda wb: _hidden_copy(wb, wb.worksheets[-1].title, "CHI TIEU", "veryHidden"))


# --- Class 4: bounded work ----------------------------------------------------------------------------


def _dump(
    year_dir: Path, rel: str, rows: int, cells: Callable[[int], bytes], part: str = "xl/worksheets/sheet2.xml"
) -> None:
    """Append ``rows`` rows (from row 38, under everything the sample's sheets hold) to a sheet's XML directly:
    writing tens of thousands of rows with openpyxl would cost the corpus more than the review of them."""
    body = b"".join(b'<row r="%d">%s</row>' % (38 + i, cells(38 + i)) for i in range(rows))
    rewrite_parts(
        year_dir / rel,
        lambda name, data: data.replace(b"</sheetData>", body + b"</sheetData>") if name == part else data,
    )


def _code_row(r: int) -> bytes:
    """A pasted line: an unknown code, a text, a maximum and a score."""
    return (
        b'<c r="A%d" t="inlineStr"><is><t>9.%d</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>d\xe1\xbb\xaf li\xe1\xbb\x87u</t></is></c>'
        b'<c r="C%d"><v>5</v></c><c r="D%d"><v>3</v></c>' % (r, r, r, r, r)
    )


@case(4, Listed(ANNUAL, "too_many_rows", ward=VICTIM), wards={VICTIM: "rejected"})
def pasted_data_dump(year_dir: Path) -> None:
    """Twenty thousand rows of codes and values pasted under the scores table: refused in seconds."""
    _dump(year_dir, ANNUAL, 20_000, _code_row)


@case(4, Listed(ANNUAL, "more_issues"), Listed(ANNUAL, "unknown_code", "A38"), wards={VICTIM: "rejected"})
def fifteen_hundred_unknown_codes(year_dir: Path) -> None:
    """1,500 unknown codes with scores: the first issues are listed, then how many more."""
    _dump(year_dir, ANNUAL, 1_500, _code_row)


@case(4, Listed(DECEMBER, "too_many_rows", ward=VICTIM), touched=frozenset({VICTIM}))
def monthly_data_dump(year_dir: Path) -> None:
    """Twenty thousand rows pasted under December's indicators."""
    _dump(year_dir, DECEMBER, 20_000, _code_row)


@case(4, wards={VICTIM: "scored"})
def long_notes_on_the_info_sheet(year_dir: Path) -> None:
    """Twenty thousand rows of notes (120,000 cells) under ``Thông tin``: read in linear time, the file counts."""

    def notes(r: int) -> bytes:
        return b"".join(
            b'<c r="%s%d" t="inlineStr"><is><t>ghi ch\xc3\xba %d</t></is></c>' % (c, r, r)
            for c in (b"C", b"D", b"E", b"F", b"G", b"H")
        )

    _dump(year_dir, ANNUAL, 20_000, notes, part="xl/worksheets/sheet1.xml")


@case(4, wards={VICTIM: "scored"})
def twenty_thousand_rows_of_spaces(year_dir: Path) -> None:
    """Rows holding only spaces under the table are blank rows: skipped, not counted."""
    _dump(
        year_dir, ANNUAL, 20_000, lambda r: b'<c r="A%d" t="inlineStr"><is><t xml:space="preserve"> </t></is></c>' % r
    )


# --- Class 8: precise words for what Excel produces --------------------------------------------------------


def _set(title: str, ref: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: sheet(wb, title)[ref].__setattr__("value", value)


@case(8, Listed(ANNUAL, "excel_error", "D6", ward=VICTIM), wards={VICTIM: "rejected"})
def division_by_zero_in_a_score(year_dir: Path) -> None:
    """A score cell showing ``#DIV/0!``: named as such, not as a score not entered."""
    edit(year_dir, ANNUAL, _set("TU CHAM DIEM", "D6", "#DIV/0!"))


@case(8, Listed(ANNUAL, "excel_error", "C9", ward=VICTIM), wards={VICTIM: "rejected"})
def not_available_in_a_count(year_dir: Path) -> None:
    """``Số lần`` showing ``#N/A`` (a lookup that found nothing)."""
    edit(year_dir, ANNUAL, _set("THUONG - TRU", "C9", "#N/A"))


@case(8, Listed(ANNUAL, "excel_error", "B1"), wards={VICTIM: "missing"})
def broken_reference_as_the_ward(year_dir: Path) -> None:
    """``Đơn vị`` showing ``#REF!``: the file names no ward, and the error is named."""
    edit(year_dir, ANNUAL, _set("THONG TIN", "B1", "#REF!"))


@case(8, Listed(ANNUAL, "excel_error", "E6", severity="warning"), wards={VICTIM: "scored"})
def value_error_in_the_evidence(year_dir: Path) -> None:
    """``Minh chứng`` showing ``#VALUE!``: a warning, the scores still count."""
    edit(year_dir, ANNUAL, _set("TU CHAM DIEM", "E6", "#VALUE!"))


@case(8, Listed(DECEMBER, "excel_error", ward=VICTIM), touched=frozenset({VICTIM}))
def name_error_in_a_year_to_date_value(year_dir: Path) -> None:
    """December's year-to-date value showing ``#NAME?``."""

    def plant(wb: openpyxl.Workbook) -> None:
        ws = wb.worksheets[-1]
        header = next(r for r in range(1, 15) if any("lũy kế" in str(c.value).lower() for c in ws[r]))
        column = next(c.column for c in ws[header] if "lũy kế" in str(c.value).lower())
        ws.cell(header + 1, column, "#NAME?")

    edit(year_dir, DECEMBER, plant)


def rewrite_parts(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Rewrite every part of the zip package at ``path`` through ``change(name, data)``."""
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            zout.writestr(info, change(info.filename, data))


_STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
)


def _to_strict(name: str, data: bytes) -> bytes:
    for plain, strict in _STRICT:
        data = data.replace(plain, strict)
    return data.replace(b"<workbook ", b'<workbook conformance="strict" ') if name == "xl/workbook.xml" else data


@case(8, wards={VICTIM: "scored"}, touched=frozenset({VICTIM}))
def strict_open_xml(year_dir: Path) -> None:
    """The ward's workbook saved as "Strict Open XML Spreadsheet": read like any other .xlsx."""
    rewrite_parts(year_dir / ANNUAL, _to_strict)


@case(8, Listed(ANNUAL, "not_a_number", "D6", ward=VICTIM), wards={VICTIM: "rejected"}, command=True)
def control_characters_in_a_score(year_dir: Path) -> None:
    """A score typed with a terminal escape sequence and a bell: rejected with its cell, every output written."""
    edit(year_dir, ANNUAL, _set("TU CHAM DIEM", "D6", "CTRLMARK"))
    rewrite_parts(year_dir / ANNUAL, lambda name, data: data.replace(b"CTRLMARK", b"7_x001B_[31m_x0007_"))


@case(8, wards={VICTIM: "scored"})
def control_characters_in_the_evidence(year_dir: Path) -> None:
    """Evidence text holding control characters: the file is accepted."""
    edit(year_dir, ANNUAL, _set("TU CHAM DIEM", "E7", "CTRLMARK"))
    rewrite_parts(
        year_dir / ANNUAL, lambda name, data: data.replace(b"CTRLMARK", b"B\\xe1o c\\xe1o_x000C__x001B_]0;x_x0007_")
    )
