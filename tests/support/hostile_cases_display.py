"""Hostile corpus cases of class 8 (Excel's own values): points an auditor opening the file in Excel would not see
(test helper; see :mod:`tests.support.hostile_corpus` for the framework).

The pipeline reads a cell's stored value; Excel shows it through the cell's number format and font, in rows and
columns it may hide, and recomputes a formula when it opens the file. Each case plants in Nam Cường's workbook
(last in the sample) a value that counts but that Excel shows otherwise: the pipeline must say so on that cell.
The sheet XML is edited directly, as a hostile ward would: openpyxl writes neither stored formula results nor
every number format.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.support.hostile_cases_intake import ANNUAL, VICTIM, rewrite_parts
from tests.support.hostile_corpus import Listed, case

SCORES = "xl/worksheets/sheet2.xml"  # TU CHAM DIEM: D6 is criterion 1.1 (max 5), self-scored 3,5
COUNTS = "xl/worksheets/sheet3.xml"  # THUONG - TRU: C5 is T1's count (0), one point each, capped at 2


def _cell(part: str, ref: str, new: Callable[[str], str]) -> Callable[[str, bytes], bytes]:
    """A rewrite of the cell ``ref`` of ``part``: ``new`` gets its style attribute (``s="8"``) and gives the cell."""

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        pattern = rb'<c r="' + ref.encode() + rb'"( s="\d+")?[^>]*?(?:/>|>.*?</c>)'
        return re.sub(pattern, lambda m: new((m.group(1) or b"").decode()).encode(), data, count=1, flags=re.S)

    return change


def _with_style(font: str = "", number_format: str = "") -> Callable[[str, bytes], bytes]:
    """A rewrite of the styles part adding one cell format (the last of cellXfs), with a font and number format."""

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        text = data.decode()
        font_id = "0"
        if font:
            fonts = re.search(r'<fonts count="(\d+)">', text)
            assert fonts is not None
            font_id = fonts.group(1)
            text = text.replace(fonts.group(0), f'<fonts count="{int(font_id) + 1}">').replace(
                "</fonts>", f"<font>{font}</font></fonts>"
            )
        if number_format:
            numfmt = f'<numFmt numFmtId="200" formatCode="{number_format}"/>'
            if "<numFmts" in text:  # (the count attribute is not checked by readers)
                text = text.replace("</numFmts>", f"{numfmt}</numFmts>")
            else:
                text = text.replace("<fonts", f'<numFmts count="1">{numfmt}</numFmts><fonts', 1)
        xfs = re.search(r'<cellXfs count="(\d+)">', text)
        assert xfs is not None
        xf = f'<xf numFmtId="{200 if number_format else 0}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"/>'
        text = text.replace(xfs.group(0), f'<cellXfs count="{int(xfs.group(1)) + 1}">').replace(
            "</cellXfs>", f"{xf}</cellXfs>"
        )
        return text.encode()

    return change


def _last_style(year_dir: Path) -> str:
    """The index of the cell format :func:`_with_style` added (the sample's workbooks share one styles part)."""
    with zipfile.ZipFile(year_dir / ANNUAL) as book:
        found = re.search(rb'<cellXfs count="(\d+)">', book.read("xl/styles.xml"))
    assert found is not None
    return str(int(found.group(1)) - 1)


def _styled_value(year_dir: Path, part: str, cell: str, value: str, font: str = "", number_format: str = "") -> None:
    """Write ``value`` in ``cell`` of the sheet ``part`` under a new cell format of ``font`` and ``number_format``."""
    rewrite_parts(year_dir / ANNUAL, _with_style(font=font, number_format=number_format))
    style = _last_style(year_dir)
    rewrite_parts(year_dir / ANNUAL, _cell(part, cell, lambda s: f'<c r="{cell}" s="{style}"><v>{value}</v></c>'))


@case(8, Listed(ANNUAL, "formula_not_recomputed", "D6", severity="warning", ward=VICTIM), touched=frozenset({VICTIM}))
def formula_whose_stored_result_is_not_its_own(year_dir: Path) -> None:
    """Criterion 1.1 as the formula ``=C6*0.7`` (Excel shows 3,5) with a stored result of 5, the maximum: the
    stored value counts and the formula is never evaluated (spec §3.4), so +1,5 points were read in silence;
    now the cell is named for the secretariat to open the file in Excel and compare."""
    rewrite_parts(year_dir / ANNUAL, _cell(SCORES, "D6", lambda s: f'<c r="D6"{s}><f>C6*0.7</f><v>5</v></c>'))


@case(8, Listed(ANNUAL, "formula_not_recomputed", "D6", severity="warning", ward=VICTIM), touched=frozenset({VICTIM}))
def copy_of_a_shared_formula_with_a_false_result(year_dir: Path) -> None:
    """D6 holds ``=C6-1.5`` shared down to D7, which Excel computes as C7-1.5 = 2,5; D7 stores 4, the maximum:
    one warning names both cells (from D6)."""
    first = _cell(SCORES, "D6", lambda s: f'<c r="D6"{s}><f t="shared" ref="D6:D7" si="0">C6-1.5</f><v>3.5</v></c>')
    copy = _cell(SCORES, "D7", lambda s: f'<c r="D7"{s}><f t="shared" si="0"/><v>4</v></c>')
    rewrite_parts(year_dir / ANNUAL, lambda name, data: copy(name, first(name, data)))


@case(8, Listed(ANNUAL, "disguised_value", "D6", ward=VICTIM), wards={VICTIM: "rejected"})
def score_formatted_to_show_another_number(year_dir: Path) -> None:
    """Criterion 1.1 stores 5 (the maximum) under the number format ``"3,5"``: Excel shows 3,5, the ward's own
    score, while 5 was counted (+1,5 points)."""
    _styled_value(year_dir, SCORES, "D6", "5", number_format="&quot;3,5&quot;")


@case(8, Listed(ANNUAL, "disguised_value", "C5", ward=VICTIM), wards={VICTIM: "rejected"})
def bonus_count_under_a_format_that_shows_nothing(year_dir: Path) -> None:
    """T1 claimed twice (+2 points) in a cell formatted ``;;;``: Excel shows an empty cell."""
    _styled_value(year_dir, COUNTS, "C5", "2", number_format=";;;")


@case(8, Listed(ANNUAL, "hidden_value", "C5", severity="warning", ward=VICTIM), touched=frozenset({VICTIM}))
def bonus_count_in_a_hidden_row(year_dir: Path) -> None:
    """T1 claimed twice in a row Excel hides (as a filter does): it counts, and the secretariat is told where."""

    def hide(name: str, data: bytes) -> bytes:
        return re.sub(rb'<row r="5"', b'<row r="5" hidden="1"', data, count=1) if name == COUNTS else data

    count = _cell(COUNTS, "C5", lambda s: f'<c r="C5"{s}><v>2</v></c>')
    rewrite_parts(year_dir / ANNUAL, lambda name, data: hide(name, count(name, data)))


@case(8, Listed(ANNUAL, "hidden_value", "C5", severity="warning", ward=VICTIM), touched=frozenset({VICTIM}))
def bonus_count_in_white_on_white(year_dir: Path) -> None:
    """T1 claimed twice in a white font on the sheet's white background."""
    _styled_value(year_dir, COUNTS, "C5", "2", font='<color rgb="FFFFFFFF"/><sz val="12"/>')


@case(8, Listed(ANNUAL, "conditional_format", "C5", severity="warning", ward=VICTIM), touched=frozenset({VICTIM}))
def bonus_count_under_a_conditional_format_that_shows_nothing(year_dir: Path) -> None:
    """T1 claimed twice under a conditional format over C5:C9 whose differential format is ``;;;`` when the count
    is above 0: the cell's own format is plain, yet Excel shows it empty. The rule's condition is not evaluated
    (it would take a formula evaluator), so the cell is named as a warning for the secretariat to look at."""

    def conditional(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            dxfs = b'<dxfs count="1"><dxf><numFmt numFmtId="201" formatCode=";;;"/></dxf></dxfs>'
            return data.replace(b"</cellStyles>", b"</cellStyles>" + dxfs, 1)
        if name != COUNTS:
            return data
        rule = (
            b'<conditionalFormatting sqref="C5:C9"><cfRule type="cellIs" dxfId="0" priority="1" '
            b'operator="greaterThan"><formula>0</formula></cfRule></conditionalFormatting>'
        )
        return data.replace(b"<pageMargins", rule + b"<pageMargins", 1)

    count = _cell(COUNTS, "C5", lambda s: f'<c r="C5"{s}><v>2</v></c>')
    rewrite_parts(year_dir / ANNUAL, lambda name, data: conditional(name, count(name, data)))
