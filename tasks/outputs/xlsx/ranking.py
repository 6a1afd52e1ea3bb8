"""``ranking.xlsx``: the ranking table of the annual review, for people to read, print and file.

Sheet ``Xếp hạng``: one row per roster ward (rank, group scores, bonus, deductions, total,
classification, nomination, status); sheet ``Chi tiết``: one row per ward with the score of every
criterion; sheet ``Biểu đồ``: the totals in rank order and a native chart of them with the band thresholds.
Wards without a score (rejected or missing) come last with empty numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from tasks.domain import Bloc, Catalogue, Criterion, Ranking, RankingRow, WardScore
from tasks.outputs.documents.context import typographic_quotes
from tasks.outputs.labels import NOMINATION_TEXT, WARD_STATUS_TEXT
from tasks.outputs.ooxml import save_workbook
from tasks.outputs.xlsx.charts import add_ranking_chart
from tasks.outputs.xlsx.common import (
    BOX,
    HEADER,
    HEADER_FILL,
    SUBTITLE_LINE,
    Column,
    banner,
    fit_scale,
    fits_one_page,
    gap,
    legend,
    new_workbook,
    notes_start_a_page_if_split,
    put_text,
    set_height,
    setup_print,
    write_table,
)
from tasks.scoring.explain import Explanation, as_documented, explain_ranking
from tasks.text import number_text, vn_plain

SUMMARY_SHEET = "Xếp hạng"
DETAIL_SHEET = "Chi tiết"

_TIED = "Đã chấm điểm, đồng hạng"
_HEADER_ROW = 4  # title, bloc name, blank line, then the header
_WARD_COLUMNS = 3  # Hạng, Mã đơn vị, Đơn vị: repeated on each printed page of the detail sheet


def write_ranking_xlsx(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    moment: datetime,
    explanations: Sequence[Explanation] | None = None,
) -> bytes:
    """Render the ranking as an XLSX workbook (bytes), byte-identical for the same arguments.

    ``moment`` (taken from the inputs) is the workbook's created/modified time and every zip entry's date.
    """
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {catalogue.year}"
    wb = new_workbook(title, moment)
    rows = ordered_rows(ranking.rows if explanations is None else as_documented(ranking, explanations).rows)
    summary = wb.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    if explanations is None:
        explanations = explain_ranking(bloc, catalogue, ranking)
    _fill_summary(summary, title, bloc, catalogue, legend_lines(catalogue, explanations), rows)
    _fill_detail(wb.create_sheet(DETAIL_SHEET), bloc, catalogue, rows)
    add_ranking_chart(wb, f"{bloc.name} – tỉnh {bloc.province}", catalogue, ranking)
    return save_workbook(wb, moment)


def ordered_rows(rows: Sequence[RankingRow]) -> list[RankingRow]:
    """Scored wards first in the ranking's order, then the unscored ones in the order given."""
    return [r for r in rows if r.score is not None] + [r for r in rows if r.score is None]


def status_text(row: RankingRow) -> str:
    """The ward's status in Vietnamese (a shared rank is pointed out)."""
    if row.score is not None and row.tied:
        return _TIED
    return WARD_STATUS_TEXT[row.status]


def _summary_columns(catalogue: Catalogue) -> list[Column]:
    """The summary's columns: at 6 groups as wide as prints one page wide at 85 %.

    A row takes one line when its texts allow: the band "Hoàn thành tốt nhiệm vụ", the status "Đã chấm điểm", a
    ward code of 8 capitals and a name such as "Nam Cường" fit on one with a couple of pixels to spare; the
    nominations are short; the group scores (up to 100.00) fit in the narrower group columns.
    """
    groups = [Column(f"Nhóm {g.code}", 7, "number", f"Nhóm {g.code}: {g.name}") for g in catalogue.groups]
    return [
        Column("Hạng", 6, "int"),
        Column("Mã đơn vị", 15, "center"),
        Column("Đơn vị", 13, "text"),
        *groups,
        Column("Điểm cơ bản", 8.5, "number", "Tổng điểm các tiêu chí (thang 100)"),
        Column("Điểm thưởng", 8.5, "number"),
        Column("Điểm trừ", 8, "number"),
        Column("Tổng điểm", 8.5, "number", "Điểm cơ bản + điểm thưởng − điểm trừ"),
        Column("Xếp loại", 24, "center"),
        Column("Đề nghị", 11.5, "center"),
        Column("Trạng thái", 15, "center"),
    ]


def _summary_record(row: RankingRow, catalogue: Catalogue) -> list[object]:
    score = row.score
    names = [row.rank, row.ward.code, row.ward.name]
    if score is None:
        return [*names, *([None] * (len(catalogue.groups) + 6)), status_text(row)]
    groups = [score.group_scores.get(g.code) for g in catalogue.groups]
    band = catalogue.band(score.classification).name
    nomination = NOMINATION_TEXT[row.nomination] if row.nomination else None
    totals = [score.base, score.bonus, score.deductions, score.total]
    return [*names, *groups, *totals, band, nomination, status_text(row)]


def legend_lines(catalogue: Catalogue, explanations: Sequence[Explanation]) -> list[str]:
    """The notes under the table: the groups, the bands with the veto rule, then why outcomes differ.

    The band line states the veto rule next to the thresholds, so that a ward at 92,72 points rated "Hoàn
    thành tốt nhiệm vụ" never contradicts the note; the explanation sentences are those of the minutes.
    """
    lines = ["Ghi chú:"] + [
        f"Nhóm {g.code} (tối đa {vn_plain(_points(g.criteria))} điểm): {typographic_quotes(g.name)}."
        for g in catalogue.groups
    ]
    bands = "; ".join(f"{b.name} từ {vn_plain(b.min)} điểm" for b in catalogue.bands)
    lines.append(f"Xếp loại theo tổng điểm: {bands}.")
    vetoes = [d.code for d in catalogue.deduction_items if d.veto]
    if vetoes and len(catalogue.bands) > 1:
        first, second = catalogue.bands[0].name, catalogue.bands[1].name
        lines.append(
            f"Đơn vị vi phạm tiêu chí loại trừ ({', '.join(vetoes)}) dù đạt từ {vn_plain(catalogue.bands[0].min)} "
            f"điểm chỉ được xếp loại “{second}” (không xếp loại “{first}”) và không được đề nghị khen thưởng."
        )
    lines += [e.text for e in explanations]
    return lines


def _fill_summary(
    ws: Worksheet, title: str, bloc: Bloc, catalogue: Catalogue, notes: Sequence[str], rows: Sequence[RankingRow]
) -> None:
    columns = _summary_columns(catalogue)
    banner(ws, 1, title, len(columns))
    banner(ws, 2, f"{bloc.name} – tỉnh {bloc.province}", len(columns), look=SUBTITLE_LINE)
    gap(ws, _HEADER_ROW - 1)
    last = write_table(ws, _HEADER_ROW, columns, (_summary_record(r, catalogue) for r in rows))
    gap(ws, last + 1)
    last = legend(ws, last + 2, notes, columns)
    notes_start_a_page_if_split(
        ws, last - len(notes) + 1, last, fit_scale(columns), title_rows=(_HEADER_ROW, _HEADER_ROW)
    )
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=4)
    setup_print(ws, last_col=len(columns), last_row=last, title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}")


def _detail_columns(catalogue: Catalogue) -> list[Column]:
    criteria = [
        Column(c.code, 5.5, "number", f"{c.code}. {c.name} (tối đa {number_text(c.max)} điểm)")
        for c in catalogue.criteria
    ]
    return [
        Column("Hạng", 6, "int"),
        Column("Mã đơn vị", 14, "center"),
        Column("Đơn vị", 12, "text"),
        *criteria,
        Column("Điểm cơ bản", 8, "number"),
        Column("Điểm thưởng", 8, "number"),
        Column("Điểm trừ", 7, "number"),
        Column("Tổng điểm", 8, "number"),
        Column("Trạng thái", 11, "center"),
    ]


def _detail_record(row: RankingRow, catalogue: Catalogue) -> list[object]:
    score = row.score
    names = [row.rank, row.ward.code, row.ward.name]
    if score is None:
        return [*names, *([None] * (len(catalogue.criteria) + 4)), status_text(row)]
    points = criterion_points(score)
    criteria = [points.get(c.code) for c in catalogue.criteria]
    return [*names, *criteria, score.base, score.bonus, score.deductions, score.total, status_text(row)]


def criterion_points(score: WardScore) -> dict[str, Decimal]:
    """The ward's score of each criterion, by criterion code, from its score lines."""
    return {line.code: line.points for line in score.lines}


def _fill_detail(ws: Worksheet, bloc: Bloc, catalogue: Catalogue, rows: Sequence[RankingRow]) -> None:
    """Every criterion of every ward: too wide for one A4 page at a legible size, so it prints in two pages
    across at 100 % (the first half of the groups, then the rest with the totals), the ward repeated on each;
    the titles and notes stay on the first page's width, and the notes print after both pages of the table."""
    columns = _detail_columns(catalogue)
    breaks = [] if fits_one_page(columns) else detail_breaks(catalogue)
    first_page = columns[: breaks[0]] if breaks else columns
    # In pages across, columns A–C print on every page: a title starting there would show cut on the second.
    start = _WARD_COLUMNS + 1 if breaks else 1
    banner(ws, 1, f"CHI TIẾT ĐIỂM THEO TIÊU CHÍ NĂM {catalogue.year}", len(first_page), first_col=start)
    banner(ws, 2, f"{bloc.name} – tỉnh {bloc.province}", len(first_page), look=SUBTITLE_LINE, first_col=start)
    gap(ws, _HEADER_ROW - 1)
    _group_band(ws, _HEADER_ROW, catalogue, columns)
    last = write_table(ws, _HEADER_ROW + 1, columns, (_detail_record(r, catalogue) for r in rows))
    gap(ws, last + 1)
    lines = ["Tiêu chí:"] + [f"{c.code}. {c.name} (tối đa {number_text(c.max)} điểm)." for c in catalogue.criteria]
    last = legend(ws, last + 2, lines, first_page)
    scale = 100 if breaks else fit_scale(columns)
    notes_start_a_page_if_split(ws, last - len(lines) + 1, last, scale, title_rows=(_HEADER_ROW, _HEADER_ROW + 1))
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 2, column=_WARD_COLUMNS + 1)
    title_rows = f"{_HEADER_ROW}:{_HEADER_ROW + 1}"
    setup_print(
        ws, last_col=len(columns), last_row=last, title_rows=title_rows, column_breaks=breaks, title_cols=_WARD_COLUMNS
    )


def detail_breaks(catalogue: Catalogue) -> list[int]:
    """The last column of the detail sheet's first printed page: after the group that ends nearest half way."""
    sizes = [len(g.criteria) for g in catalogue.groups if g.criteria]
    if len(sizes) < 2:
        return []
    ends = [sum(sizes[: k + 1]) for k in range(len(sizes) - 1)]
    half = (sum(sizes) + 5) / 2  # the five columns after the criteria (totals, status) print on the second page
    return [_WARD_COLUMNS + min(ends, key=lambda end: abs(end - half))]


def _group_band(ws: Worksheet, row: int, catalogue: Catalogue, columns: Sequence[Column]) -> None:
    """A header row above the criterion codes naming each group, merged across its criteria.

    The row is as tall as the name that needs most lines in its merged width: a group of one criterion has a
    single narrow column, where "Nhóm 2" wraps, and neither Excel nor LibreOffice fits a merged cell's row.
    """
    for c in range(1, len(columns) + 1):
        cell = ws.cell(row=row, column=c)
        cell.fill = HEADER_FILL
        cell.border = BOX
    spans: list[Column] = []
    names: list[str] = []
    col = 4  # after Hạng, Mã đơn vị, Đơn vị
    for group in catalogue.groups:
        span = len(group.criteria)
        if span == 0:
            continue
        name = f"Nhóm {group.code}"
        put_text(ws, row, col, name, look=HEADER)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        spans.append(Column(name, sum(c.width for c in columns[col - 1 : col - 1 + span])))
        names.append(name)
        col += span
    set_height(ws, row, spans, names, HEADER.font)


def _points(criteria: Sequence[Criterion]) -> Decimal:
    return sum((c.max for c in criteria), Decimal(0))
