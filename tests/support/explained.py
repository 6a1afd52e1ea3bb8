"""A small bloc with a veto item, and score sheets built the way scoring builds them, for explanation tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    Catalogue,
    DeductionItem,
    Group,
    Meeting,
    MonthWindow,
    Person,
    Ranking,
    ScoreLine,
    Source,
    Votes,
    Ward,
    WardScore,
    WardStatus,
)
from tasks.scoring.ranking import rank_wards

D = Decimal
ROSTER = (
    Ward("SAPA", "Sa Pa"),
    Ward("LAOCAI", "Lào Cai"),
    Ward("NGHIALO", "Nghĩa Lộ"),
    Ward("YENBAI", "Yên Bái"),
    Ward("CAMDUONG", "Cam Đường"),
    Ward("TRUNGTAM", "Trung Tâm"),
    Ward("CAUTHIA", "Cầu Thia"),
    Ward("AULAU", "Âu Lâu"),
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", ROSTER)
D3 = DeductionItem("D3", "Có cán bộ, công chức bị kỷ luật từ hình thức khiển trách trở lên", D(2), veto=True)
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(Group("1", 'Ứng dụng công nghệ, phong trào "Bình dân học vụ số"', ()),),
    indicators=(),
    bonus_cap=D(5),
    bonus_items=(),
    deduction_items=(DeductionItem("D1", "Chậm nộp báo cáo", D("0.5")), D3),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", D(70)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", D(0)),
    ),
    flag=AwardRule(1, "HTXSNV", vote_share_above=Fraction(1, 2), quorum=Fraction(2, 3)),
    merit=AwardRule(2, "HTXSNV"),
)


def sheet(code: str, total: str, *, base: str | None = None, deductions: str = "0", veto: bool = False) -> WardScore:
    """A score sheet; a veto sheet carries one D3 line and is placed in the second band as scoring does."""
    total_d, base_d, ded_d = D(total), D(base or total), D(deductions)
    band = next(b.code for b in CATALOGUE.bands if b.min <= total_d)
    if veto and band == "HTXSNV":
        band = "HTTNV"
    lines = (ScoreLine(code, "D3", D(1), D(2), Source.SELF),) if veto else ()
    ward = next(w for w in ROSTER if w.code == code)
    return WardScore(ward, base_d, total_d - base_d + ded_d, ded_d, total_d, band, veto, {}, lines, ())


# The meeting's case: a clear leader, a veto ward third by total, two wards level.
MEETING_CASE = [
    sheet("SAPA", "97.72"),
    sheet("LAOCAI", "94.36"),
    sheet("NGHIALO", "92.72", base="93.72", deductions="2", veto=True),
    sheet("YENBAI", "91.45", base="90.95", deductions="0.5"),
    sheet("CAMDUONG", "91.45", base="90.95", deductions="0.5"),
    sheet("TRUNGTAM", "88.95"),
]


def rank(
    scores: Sequence[WardScore], votes: Votes | None = None, unscored: Mapping[str, WardStatus] | None = None
) -> Ranking:
    """``rank_wards`` on ``scores``; roster wards neither scored nor in ``unscored`` are missing."""
    scored = {s.ward.code for s in scores}
    rest = dict(unscored or {})
    rest.update({w.code: WardStatus.MISSING for w in ROSTER if w.code not in scored and w.code not in rest})
    return rank_wards(BLOC, CATALOGUE, scores, rest, votes)


# The same case after the vote: Sa Pa suy tôn with 7 of 8 ballots, one vote for Lào Cai (no candidate) set aside,
# Cầu Thia rejected; and the meeting that held it.
CASE_VOTES = Votes(8, 8, 8, {"SAPA": 7, "LAOCAI": 1})
CASE_RANKING = rank(MEETING_CASE, CASE_VOTES, {"CAUTHIA": WardStatus.REJECTED})
CASE_MEETING = Meeting(
    number="01/BB-KTĐ",
    start=datetime(2026, 1, 15, 8, 0),
    end=datetime(2026, 1, 15, 11, 30),
    place="Hội trường Ủy ban nhân dân phường Sa Pa",
    chair=Person("Nguyễn Văn A", "Chủ tịch Ủy ban nhân dân phường Sa Pa"),
    secretary=Person("Trần Thị B", "Công chức Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Sa Pa"),
    attendees=("Đại diện Sở Nội vụ tỉnh Lào Cai",),
    votes=CASE_VOTES,
)
