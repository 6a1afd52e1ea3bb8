"""The Vietnamese instructions of the templates: built from the year's catalogue, numbered, NFC, complete."""

from __future__ import annotations

import unicodedata

from tasks.blank_workbooks.wording import (
    annual_guide,
    bonus_text,
    deduction_text,
    indicator_rule,
    monthly_guide,
    numbered,
    percent_limit,
    period_choice,
    window_text,
)
from tasks.config.year import YearConfig


def _text(lines: list[tuple[str, str]]) -> str:
    return "\n".join(line for _style, line in lines)


def _headings(lines: list[tuple[str, str]]) -> list[str]:
    return [line.split(".", 1)[0] for style, line in lines if style == "heading"]


def test_months_read_as_the_dropdown_and_the_window_show_them(config: YearConfig) -> None:
    """'2025-09' is offered as 'Tháng 09/2025'; the window reads from September to December 2025."""
    assert period_choice("2025-09") == "Tháng 09/2025"
    assert window_text(config.catalogue) == "từ tháng 09/2025 đến tháng 12/2025"


def test_headings_are_numbered_without_gaps() -> None:
    """Only headings are numbered, 1, 2, 3 in order, whatever sits between them."""
    lines = numbered(
        [("title", "T"), ("heading", "A"), ("body", "x"), ("heading", "B"), ("bullet", "y"), ("heading", "C")]
    )
    assert [line for style, line in lines if style == "heading"] == ["1. A", "2. B", "3. C"]
    assert lines[0] == ("title", "T") and lines[2] == ("body", "x")


def test_every_guide_is_written_in_nfc_vietnamese(config: YearConfig) -> None:
    """Each line of both guides, for every ward, is in Unicode NFC (what Word and Excel search and sort by)."""
    for ward in config.bloc.members:
        for guide in (
            annual_guide(config.bloc, config.catalogue, ward),
            monthly_guide(config.bloc, config.catalogue, ward),
        ):
            for _style, line in guide:
                assert unicodedata.is_normalized("NFC", line), line


def test_the_annual_guide_states_the_years_own_rules(config: YearConfig) -> None:
    """Points of every T and D code, the DM deduction, the bands and the head ward come from the catalogue."""
    cat = config.catalogue
    guide = annual_guide(config.bloc, cat, config.bloc.ward("CAUTHIA"))
    text = _text(guide)
    assert guide[0] == ("title", "HƯỚNG DẪN ĐIỀN BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2025")
    assert "Đơn vị: phường Cầu Thia (mã đơn vị CAUTHIA)." in text
    for item in (*cat.bonus_items, *cat.deduction_items, cat.missing_report):
        assert f"{item.code} – {item.name}: " in text, item.code
    assert "T3 – " in text and "cộng 0,5 điểm/lần, tối đa 1,5 điểm" in text
    assert "trừ 1 điểm cho mỗi tháng trong kỳ từ tháng 09/2025 đến tháng 12/2025" in text
    assert "«Hoàn thành xuất sắc nhiệm vụ» từ 90 điểm; «Hoàn thành tốt nhiệm vụ» từ 70 điểm" in text
    assert "Tổng điểm thưởng tối đa 5 điểm" in text and "tối đa 100 điểm" in text
    assert "(phường Sa Pa)" in text  # the head ward receives the files
    assert "Các tiêu chí 2.1, 2.2, 2.3, 2.5, 3.1, 4.1, 5.1, 5.2 được Khối tính điểm" in text
    assert "Riêng tiêu chí 4.1: chưa đạt kế hoạch thì được 0 điểm." in text  # CT06 scores by threshold
    assert _headings(guide) == [str(n) for n in range(1, len(_headings(guide)) + 1)]


def test_the_monthly_guide_explains_every_indicator(config: YearConfig) -> None:
    """Each indicator is listed with its unit, how its year-to-date is written and the criterion it feeds."""
    cat = config.catalogue
    guide = monthly_guide(config.bloc, cat, config.bloc.ward("SAPA"))
    text = _text(guide)
    for ind in cat.indicators:
        assert f"{ind.code} – {ind.name} ({ind.unit}): {indicator_rule(ind)}" in text, ind.code
    assert "Tính điểm tiêu chí 2.1 (tối đa 8 điểm)." in text
    assert "bị trừ 1 điểm (DM – Không nộp báo cáo kết quả thực hiện chỉ tiêu tháng)" in text
    assert _headings(guide) == [str(n) for n in range(1, len(_headings(guide)) + 1)]


def test_each_kind_of_indicator_is_written_its_own_way(config: YearConfig) -> None:
    """A count is cumulative and never falls; a share stops at 100; a ratio may pass 100."""
    cat = config.catalogue
    count, share, ratio = cat.indicator("CT03"), cat.indicator("CT02"), cat.indicator("CT01")
    assert count and share and ratio
    assert "không được giảm so với tháng trước" in indicator_rule(count)
    assert percent_limit(share) == ", không quá 100" and "không quá 100; không cộng dồn" in indicator_rule(share)
    assert percent_limit(ratio) == ", có thể vượt 100"


def test_points_and_consequences_read_as_sentences(config: YearConfig) -> None:
    """A bonus names its points and cap; a veto deduction names the band it bars, in the catalogue's words."""
    assert bonus_text("1", "2") == "cộng 1 điểm/lần, tối đa 2 điểm"
    assert deduction_text("0,5", False, config.catalogue) == "trừ 0,5 điểm/lần"
    assert deduction_text("2", True, config.catalogue) == (
        "trừ 2 điểm/lần; có vi phạm thì không được xếp loại «Hoàn thành xuất sắc nhiệm vụ» "
        "và không được đề nghị khen thưởng (Cờ thi đua, Bằng khen)"
    )
