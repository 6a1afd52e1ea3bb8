"""The canonical layout of the three workbook kinds (spec §3): sheet names, info labels, table columns.

Names are matched by a compact key (no diacritics, case, spaces or punctuation), so ``TU CHAM DIEM``,
``Tự chấm  điểm`` and ``Tự chấm\\nđiểm`` all name the same sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.domain import Kind


@dataclass(frozen=True)
class Column:
    """A table column: canonical name (as the spec writes the header) and whether it must be present."""

    name: str
    field: str
    required: bool = False


# A ward's form holds a few dozen lines; a sheet with more data rows than this is a pasted data dump, refused
# before validation so that such a file costs seconds, not minutes. (The bloc's appraisal has no such limit:
# it holds a row per ward and code.)
MAX_FORM_ROWS = 2_000


@dataclass(frozen=True)
class TableLayout:
    """A table sheet: its canonical name, the key used in Workbook.tables, and its columns."""

    sheet: str
    name: str
    columns: tuple[Column, ...]
    max_rows: int | None = MAX_FORM_ROWS  # data rows beyond which the sheet is no longer the form (None: any)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


INFO_SHEET = "Thông tin"

INFO_LABELS = {
    "ward": "Đơn vị",
    "ward_code": "Mã đơn vị",
    "year": "Năm",
    "period": "Kỳ báo cáo",
    "author": "Người lập",
    "position": "Chức vụ",
    "prepared_on": "Ngày lập",
    "phone": "Điện thoại",
}

SCORES = TableLayout(
    sheet="Tự chấm điểm",
    name="scores",
    columns=(
        Column("Mã tiêu chí", "code", required=True),
        Column("Nội dung tiêu chí", "name"),
        Column("Điểm tối đa", "max"),
        Column("Điểm tự chấm", "score", required=True),
        Column("Minh chứng", "evidence"),
        Column("Ghi chú", "note"),
    ),
)

COUNTS = TableLayout(
    sheet="Thưởng - Trừ",
    name="counts",
    columns=(
        Column("Mã", "code", required=True),
        Column("Nội dung", "name"),
        Column("Số lần", "count", required=True),
        Column("Căn cứ", "basis"),
    ),
)

INDICATORS = TableLayout(
    sheet="Chỉ tiêu",
    name="indicators",
    columns=(
        Column("Mã chỉ tiêu", "code", required=True),
        Column("Tên chỉ tiêu", "name"),
        Column("Đơn vị tính", "unit"),
        Column("Kế hoạch năm", "plan"),
        Column("Thực hiện trong tháng", "month_value"),
        Column("Lũy kế từ đầu năm", "ytd", required=True),
        Column("Ghi chú", "note"),
    ),
)

APPRAISAL = TableLayout(
    sheet="Thẩm định",
    name="appraisal",
    columns=(
        Column("Đơn vị", "ward", required=True),
        Column("Mã", "code", required=True),
        Column("Điểm thẩm định", "value", required=True),
        Column("Lý do", "reason"),
    ),
    max_rows=None,
)

TABLES: dict[Kind, tuple[TableLayout, ...]] = {
    Kind.ANNUAL: (SCORES, COUNTS),
    Kind.MONTHLY: (INDICATORS,),
    Kind.APPRAISAL: (APPRAISAL,),
}

HAS_INFO = {Kind.ANNUAL, Kind.MONTHLY}
