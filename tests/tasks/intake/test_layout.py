"""The canonical layout of the workbooks agrees with spec §3, and its names are matched as offices write them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tasks.domain import Kind
from tasks.intake.layout import (
    HAS_INFO,
    INFO_LABELS,
    INFO_SHEET,
    MAX_FORM_ROWS,
    TABLES,
)
from tasks.intake.workbook import read_workbook
from tasks.text import key
from tests.support.office_files import SAPA_ANNUAL, SAPA_DECEMBER

# Spec §3.1-3.3, as written there: sheet → (every column in order, the required ones).
SPEC_TABLES = {
    Kind.ANNUAL: {
        "Tự chấm điểm": (
            ("Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Minh chứng", "Ghi chú"),
            ("Mã tiêu chí", "Điểm tự chấm"),
        ),
        "Thưởng - Trừ": (("Mã", "Nội dung", "Số lần", "Căn cứ"), ("Mã", "Số lần")),
    },
    Kind.MONTHLY: {
        "Chỉ tiêu": (
            (
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Đơn vị tính",
                "Kế hoạch năm",
                "Thực hiện trong tháng",
                "Lũy kế từ đầu năm",
                "Ghi chú",
            ),
            ("Mã chỉ tiêu", "Lũy kế từ đầu năm"),
        ),
    },
    Kind.APPRAISAL: {
        "Thẩm định": (("Đơn vị", "Mã", "Điểm thẩm định", "Lý do"), ("Đơn vị", "Mã", "Điểm thẩm định")),
    },
}
SPEC_LABELS = {"Đơn vị", "Mã đơn vị", "Năm", "Kỳ báo cáo", "Người lập", "Chức vụ", "Ngày lập", "Điện thoại"}


@pytest.mark.parametrize("kind", list(SPEC_TABLES))
def test_each_kind_has_the_sheets_and_columns_of_the_spec(kind: Kind) -> None:
    """Sheet names, columns in order and the required columns are those of spec §3, word for word."""
    layouts = {t.sheet: (tuple(c.name for c in t.columns), tuple(c.name for c in t.required)) for t in TABLES[kind]}
    assert layouts == SPEC_TABLES[kind]


def test_only_the_ward_forms_have_an_info_sheet_with_the_spec_labels() -> None:
    """Self-assessments and monthly reports carry ``Thông tin`` with the labels of spec §3.1/3.3; the appraisal not."""
    assert INFO_SHEET == "Thông tin" and {Kind.ANNUAL, Kind.MONTHLY} == HAS_INFO
    assert set(INFO_LABELS.values()) == SPEC_LABELS


def test_every_name_is_in_composed_unicode() -> None:
    """Names are written in NFC, as the documents and messages quoting them must be."""
    names = [INFO_SHEET, *INFO_LABELS.values()]
    names += [n for tables in TABLES.values() for t in tables for n in (t.sheet, *(c.name for c in t.columns))]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)


def test_no_two_names_read_alike_where_they_are_matched() -> None:
    """Within a table, between the sheets of a kind and among the labels, no two names have the same key:
    otherwise a header or label could be taken for another."""
    for kind, tables in TABLES.items():
        sheets = [key(t.sheet) for t in tables] + ([key(INFO_SHEET)] if kind in HAS_INFO else [])
        assert len(set(sheets)) == len(sheets), kind
        for table in tables:
            columns = [key(c.name) for c in table.columns]
            assert len(set(columns)) == len(columns), table.sheet
            assert len({c.field for c in table.columns}) == len(columns), table.sheet
    assert len({key(label) for label in INFO_LABELS.values()}) == len(INFO_LABELS)
    assert len({t.name for tables in TABLES.values() for t in tables}) == 4


def test_a_ward_form_is_capped_but_the_bloc_s_appraisal_is_not() -> None:
    """A ward's form holds a few dozen lines, so a data dump is refused; the appraisal has a row per ward and code."""
    limits = {t.sheet: t.max_rows for tables in TABLES.values() for t in tables}
    assert limits == {
        "Tự chấm điểm": MAX_FORM_ROWS,
        "Thưởng - Trừ": MAX_FORM_ROWS,
        "Chỉ tiêu": MAX_FORM_ROWS,
        "Thẩm định": None,
    }


@pytest.mark.parametrize(("path", "kind"), [(SAPA_ANNUAL, Kind.ANNUAL), (SAPA_DECEMBER, Kind.MONTHLY)])
def test_the_sample_workbooks_use_the_canonical_names(path: Path, kind: Kind) -> None:
    """The files the wards are given name every sheet and column exactly as the layout does."""
    sheets = {s.name: s for s in read_workbook(path)}
    assert INFO_SHEET in sheets
    for table in TABLES[kind]:
        written = {v for row in sheets[table.sheet].rows for v in row if isinstance(v, str)}
        assert {c.name for c in table.columns} <= written, table.sheet
