"""What styling a ranking table's cells costs in openpyxl: ``python -m bench.xlsx_styles [--wards 10 100 1000]``.

A table like the ranking workbook's detail sheet: a header row, then one row per ward of 30 cells (a rank, codes
and names, 25 scores), every cell boxed and given a font, an alignment and a number format: 30,000 cells at
1,000 wards. Three ways of styling the same cells, each timed over ``--runs`` fresh workbooks (median):

- ``setters``: openpyxl's public attributes, ``cell.font = BODY`` and so on. Each assignment hashes the style
  object field by field to find its place in the workbook's list.
- ``private``: what ``tasks/outputs/xlsx/common.py`` did until December 2026, writing style indices straight
  into ``cell._style`` (openpyxl internals; skipped if this openpyxl no longer has them).
- ``named``: ``tasks.outputs.xlsx.common.put_look``, the writers' way: one public ``NamedStyle`` per look,
  registered once per workbook, then ``cell.style = "name"``, a lookup by name and a copy of a few indices.

Only the styling is timed (the cells and values are made before the clock starts); saving the workbook costs
the same in the three ways and is reported once, for the named styles.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

from tasks.outputs.xlsx.common import CENTERED, DECIMAL, HEADER, NO_BORDER, NO_FILL, TEXT, WHOLE, Look, put_look

Styler = Callable[[Cell, Look], None]
ROW = (WHOLE, CENTERED, TEXT, *([DECIMAL] * 25), CENTERED, TEXT)  # 30 cells per ward: rank, code, name, scores…


def by_setters(cell: Cell, look: Look) -> None:
    """openpyxl's public attributes, one by one (border and fill only where they are not the default)."""
    cell.font = look.font
    cell.alignment = look.alignment
    if look.border is not NO_BORDER:
        cell.border = look.border
    if look.fill is not NO_FILL:
        cell.fill = look.fill
    cell.number_format = look.number_format


def private_styler() -> Styler | None:
    """The style-index path removed from ``common.py`` (openpyxl internals), for one workbook; None if openpyxl
    no longer has them."""
    try:
        from openpyxl.styles.cell_style import StyleArray
    except ImportError:
        return None
    if not all(hasattr(Workbook(), name) for name in ("_fonts", "_fills", "_borders", "_alignments")):
        return None
    known: dict[tuple[str, int], int] = {}

    def index(wb: Workbook, collection: str, value: object) -> int:
        key = (collection, id(value))
        if key not in known:
            known[key] = getattr(wb, collection).add(value)
        return known[key]

    def by_index(cell: Cell, look: Look) -> None:
        wb = cell.parent.parent
        style = cell._style if cell._style is not None else StyleArray()
        style.fontId = index(wb, "_fonts", look.font)
        style.fillId = index(wb, "_fills", look.fill)
        style.borderId = index(wb, "_borders", look.border)
        style.alignmentId = index(wb, "_alignments", look.alignment)
        cell._style = style
        cell.number_format = look.number_format

    return by_index


def table(wards: int) -> tuple[Workbook, list[tuple[Cell, Look]]]:
    """A workbook with the table's values written, and each cell paired with the look it should get."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    cells = [(ws.cell(row=1, column=col, value=f"Cột {col}"), HEADER) for col in range(1, len(ROW) + 1)]
    for row in range(2, wards + 2):
        for col, look in enumerate(ROW, start=1):
            value = 1.25 * (col % 4) if look is DECIMAL else row if look is WHOLE else f"P{row:04d}"
            cells.append((ws.cell(row=row, column=col, value=value), look))
    return wb, cells


def seconds(make: Callable[[], Styler | None], wards: int, runs: int) -> tuple[float, float] | None:
    """Median styling time and median save time over ``runs`` fresh workbooks (None: the way is unavailable)."""
    styling, saving = [], []
    for _ in range(runs):
        wb, cells = table(wards)
        styler = make()
        if styler is None:
            return None
        start = time.perf_counter()
        for cell, look in cells:
            styler(cell, look)
        styling.append(time.perf_counter() - start)
        start = time.perf_counter()
        wb.save(io.BytesIO())
        saving.append(time.perf_counter() - start)
    return statistics.median(styling), statistics.median(saving)


def main() -> None:
    """Print one line per table size: cells, then the median styling time of each way."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    stylers: dict[str, Callable[[], Styler | None]] = {
        "setters": lambda: by_setters,
        "private": private_styler,
        "named": lambda: put_look,
    }
    print(f"{'wards':>6} {'cells':>7} " + " ".join(f"{name:>9}" for name in stylers) + f" {'save':>9}")
    for wards in args.wards:
        times = {name: seconds(make, wards, args.runs) for name, make in stylers.items()}
        cells = (wards + 1) * len(ROW)
        shown = " ".join(f"{t[0]:8.3f}s" if t else f"{'–':>9}" for t in times.values())
        named = times["named"]
        assert named is not None
        print(f"{wards:>6} {cells:>7} {shown} {named[1]:8.3f}s", flush=True)


if __name__ == "__main__":
    main()
