"""Ranking and nominations (spec §4 steps 7–8), on hand-made score sheets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest

from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    Catalogue,
    DeductionItem,
    MonthWindow,
    Nomination,
    Ranking,
    Votes,
    Ward,
    WardScore,
    WardStatus,
)
from tasks.scoring.explain import Reason, explain_ranking
from tasks.scoring.ranking import rank_wards

D = Decimal
ROSTER = (
    Ward("VANPHU", "Văn Phú"),
    Ward("YENBAI", "Yên Bái"),
    Ward("NAMCUONG", "Nam Cường"),
    Ward("AULAU", "Âu Lâu"),
    Ward("NGHIALO", "Nghĩa Lộ"),
    Ward("SAPA", "Sa Pa"),
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", ROSTER)
# Only the bands and the award rules matter to the ranking.
CATALOGUE = Catalogue(
    year=2025,
    scale=D(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(),
    indicators=(),
    bonus_cap=D(5),
    bonus_items=(),
    deduction_items=(),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", D(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", D(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", D(70)),
        Band("HTNV", "Hoàn thành nhiệm vụ", D(50)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", D(0)),
    ),
    flag=AwardRule(1, "HTXSNV", vote_share_above=Fraction(1, 2), quorum=Fraction(2, 3)),
    merit=AwardRule(3, "HTXSNV"),
)


def ws(
    code: str,
    total: str,
    base: str | None = None,
    deductions: str = "0",
    band: str = "HTXSNV",
    veto: bool = False,
) -> WardScore:
    """A score sheet with the given totals; the bonus makes base + bonus − deductions = total."""
    base_d, ded_d, total_d = D(base or total), D(deductions), D(total)
    ward = next(w for w in ROSTER if w.code == code)
    return WardScore(ward, base_d, total_d - base_d + ded_d, ded_d, total_d, band, veto, {}, (), ())


def rank(
    scores: Sequence[WardScore],
    votes: Votes | None = None,
    unscored: Mapping[str, WardStatus] | None = None,
) -> Ranking:
    """Rank ``scores``; roster wards not scored are missing unless ``unscored`` says otherwise."""
    scored = {s.ward.code for s in scores}
    rest = unscored if unscored is not None else {w.code: WardStatus.MISSING for w in ROSTER if w.code not in scored}
    return rank_wards(BLOC, CATALOGUE, scores, rest, votes)


def votes(received: int, valid: int, **flag: int) -> Votes:
    return Votes(ballots_issued=6, ballots_received=received, ballots_valid=valid, flag=flag)


def by_code(ranking: Ranking) -> dict[str, tuple[int | None, Nomination | None]]:
    return {r.ward.code: (r.rank, r.nomination) for r in ranking.rows}


TOP_TIE = [ws("SAPA", "95"), ws("AULAU", "95"), ws("YENBAI", "93"), ws("NAMCUONG", "92"), ws("VANPHU", "91")]


def test_equal_wards_share_a_rank_and_are_pointed_out() -> None:
    """It ranks 1, 2, 2, 4 and marks the tied rows (the sentence is explain.py's)."""
    result = rank([ws("VANPHU", "91"), ws("NGHIALO", "92"), ws("SAPA", "95"), ws("AULAU", "92")])
    scored = [r for r in result.rows if r.status is WardStatus.SCORED]
    assert [(r.ward.code, r.rank, r.tied) for r in scored] == [
        ("SAPA", 1, False),
        ("AULAU", 2, True),
        ("NGHIALO", 2, True),
        ("VANPHU", 4, False),
    ]


def test_equal_totals_are_ordered_by_base_then_deductions() -> None:
    """It breaks an equal total by the higher base, then by the lower deductions."""
    result = rank([ws("YENBAI", "90", base="88"), ws("AULAU", "90", deductions="1"), ws("NAMCUONG", "90")])
    scored = [(r.ward.code, r.rank, r.tied) for r in result.rows if r.rank is not None]
    assert scored == [("NAMCUONG", 1, False), ("AULAU", 2, False), ("YENBAI", 3, False)]


def test_a_single_leader_is_proposed_for_the_flag_without_votes() -> None:
    """It proposes the one leading eligible ward; the vote is pending."""
    result = rank([ws("SAPA", "96"), ws("AULAU", "94"), ws("YENBAI", "93"), ws("NAMCUONG", "92")])
    assert by_code(result)["SAPA"] == (1, Nomination.FLAG_PROPOSED)
    assert result.vote is not None
    assert (result.vote.candidates, result.vote.winner) == (("SAPA",), None)
    assert (result.vote.quorum_met, result.vote.share_met) == (None, None)
    assert [c for c, (_, n) in by_code(result).items() if n is Nomination.MERIT] == ["AULAU", "YENBAI", "NAMCUONG"]


def test_tied_leaders_are_each_flag_candidates_without_votes() -> None:
    """It makes every tied leader a flag candidate, and none of them gets merit."""
    result = rank(TOP_TIE)
    nominations = by_code(result)
    assert nominations["SAPA"] == (1, Nomination.FLAG_CANDIDATE)
    assert nominations["AULAU"] == (1, Nomination.FLAG_CANDIDATE)
    assert result.vote is not None and result.vote.candidates == ("AULAU", "SAPA")
    merit = [c for c, (_, n) in nominations.items() if n is Nomination.MERIT]
    assert merit == ["YENBAI", "NAMCUONG", "VANPHU"]


def test_the_vote_winner_gets_the_flag_and_the_loser_can_get_merit() -> None:
    """It gives the flag to the candidate above half of the valid ballots; the other candidate gets merit."""
    result = rank(TOP_TIE, votes(received=6, valid=6, SAPA=4, AULAU=2))
    nominations = by_code(result)
    assert nominations["SAPA"] == (1, Nomination.FLAG)
    assert nominations["AULAU"] == (1, Nomination.MERIT)
    assert [c for c, (_, n) in nominations.items() if n is Nomination.MERIT] == ["AULAU", "YENBAI", "NAMCUONG"]
    vote = result.vote
    assert vote is not None
    assert (vote.winner, vote.quorum_met, vote.share_met, vote.tie_at_top) == ("SAPA", True, True, False)
    assert vote.agree == {"AULAU": 2, "SAPA": 4}


def test_exactly_half_of_the_valid_ballots_is_not_enough() -> None:
    """It gives no flag when the leader has exactly 1/2 of the valid ballots, and calls for a new vote."""
    result = rank([ws("SAPA", "96"), ws("AULAU", "94")], votes(received=6, valid=6, SAPA=3))
    assert by_code(result)["SAPA"] == (1, Nomination.FLAG_CANDIDATE)
    vote = result.vote
    assert vote is not None
    assert (vote.winner, vote.quorum_met, vote.share_met) == (None, True, False)


def test_no_flag_without_the_quorum() -> None:
    """It gives no flag when fewer than 2/3 of the members returned a ballot (4 of 6 is enough)."""
    short = rank([ws("SAPA", "96")], votes(received=3, valid=3, SAPA=3))
    assert by_code(short)["SAPA"] == (1, Nomination.FLAG_CANDIDATE)
    assert short.vote is not None and short.vote.quorum_met is False and short.vote.winner is None
    enough = rank([ws("SAPA", "96")], votes(received=4, valid=4, SAPA=3))
    assert by_code(enough)["SAPA"] == (1, Nomination.FLAG)


def test_a_tie_in_votes_gives_no_flag() -> None:
    """It gives no flag when two candidates share the most agree votes, even above half."""
    result = rank(TOP_TIE, votes(received=6, valid=6, SAPA=4, AULAU=4))
    vote = result.vote
    assert vote is not None
    assert (vote.winner, vote.tie_at_top, vote.share_met) == (None, True, True)
    assert by_code(result)["SAPA"][1] is Nomination.FLAG_CANDIDATE
    assert by_code(result)["AULAU"][1] is Nomination.FLAG_CANDIDATE


def test_votes_for_a_ward_that_is_not_a_candidate_are_ignored() -> None:
    """It ignores votes for a non-candidate and says so in the explanations of the minutes."""
    result = rank([ws("SAPA", "96"), ws("NGHIALO", "94")], votes(received=6, valid=6, SAPA=5, NGHIALO=1))
    assert result.vote is not None
    assert result.ignored_votes == {"NGHIALO": 1}
    assert result.vote.agree == {"SAPA": 5}
    assert by_code(result)["SAPA"][1] is Nomination.FLAG
    assert [e.text for e in explain_ranking(BLOC, CATALOGUE, result) if e.reason is Reason.IGNORED_VOTES] == [
        "Phiếu đồng ý cho phường Nghĩa Lộ (1 phiếu) không được tính vì phường Nghĩa Lộ không thuộc danh sách ứng "
        "cử viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    ]


def test_the_ignored_votes_sentence_names_each_ward_and_spells_out_the_award() -> None:
    """The sentence on votes that do not count names each ward with its votes and does not abbreviate Ủy ban
    nhân dân, nor does any other explanation."""
    scores = [ws("SAPA", "96"), ws("NGHIALO", "94"), ws("AULAU", "93"), ws("YENBAI", "92"), ws("NAMCUONG", "92")]
    result = rank(scores, votes(received=6, valid=6, SAPA=4, NGHIALO=1, AULAU=1))
    explanations = explain_ranking(BLOC, CATALOGUE, result)
    [explained] = [e for e in explanations if e.reason is Reason.IGNORED_VOTES]
    assert all("UBND" not in e.text for e in explanations)
    assert explained.text == (
        "Phiếu đồng ý cho phường Nghĩa Lộ (1 phiếu), phường Âu Lâu (1 phiếu) không được tính vì phường Nghĩa Lộ và "
        "phường Âu Lâu không thuộc danh sách ứng cử viên suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh."
    )


def test_a_tie_at_the_last_merit_place_admits_all_tied_wards() -> None:
    """It admits every ward tied at the last merit place and points it out."""
    scores = [
        ws("SAPA", "99"),
        ws("YENBAI", "95"),
        ws("NAMCUONG", "94"),
        ws("AULAU", "93"),
        ws("NGHIALO", "93"),
        ws("VANPHU", "92"),
    ]
    result = rank(scores)
    merit = [c for c, (_, n) in by_code(result).items() if n is Nomination.MERIT]
    assert merit == ["YENBAI", "NAMCUONG", "AULAU", "NGHIALO"]
    assert result.merit_tie
    [tie] = [e for e in explain_ranking(BLOC, CATALOGUE, result) if e.reason is Reason.MERIT_TIE]
    assert tie.text.startswith("Phường Âu Lâu và phường Nghĩa Lộ cùng xếp thứ 4 ở vị trí cuối cùng")


def test_a_ward_with_a_veto_or_a_lower_band_is_never_nominated() -> None:
    """It passes over a vetoed leader and a ward below HTXSNV for both awards."""
    scores = [
        ws("SAPA", "98", deductions="2", band="HTTNV", veto=True),
        ws("AULAU", "95"),
        ws("YENBAI", "85", band="HTTNV"),
        ws("NAMCUONG", "91"),
    ]
    nominations = by_code(rank(scores))
    assert nominations["SAPA"] == (1, None)
    assert nominations["AULAU"] == (2, Nomination.FLAG_PROPOSED)
    assert nominations["NAMCUONG"] == (3, Nomination.MERIT)
    assert nominations["YENBAI"] == (4, None)


def test_no_eligible_ward_means_no_vote() -> None:
    """It has no vote outcome when no ward is eligible, and ignores every vote."""
    result = rank([ws("SAPA", "80", band="HTTNV")], votes(received=6, valid=6, SAPA=6))
    assert result.vote is None
    assert by_code(result)["SAPA"] == (1, None)
    assert result.ignored_votes == {"SAPA": 6}


def test_unscored_wards_come_last_in_roster_order() -> None:
    """It lists rejected and missing wards after the ranked ones, in roster order, with no rank or score."""
    scores = [ws("AULAU", "80", band="HTTNV"), ws("NGHIALO", "91"), ws("VANPHU", "70", band="HTTNV")]
    unscored = {"SAPA": WardStatus.MISSING, "YENBAI": WardStatus.REJECTED, "NAMCUONG": WardStatus.MISSING}
    result = rank(scores, unscored=unscored)
    assert [(r.ward.code, r.status, r.rank) for r in result.rows] == [
        ("NGHIALO", WardStatus.SCORED, 1),
        ("AULAU", WardStatus.SCORED, 2),
        ("VANPHU", WardStatus.SCORED, 3),
        ("YENBAI", WardStatus.REJECTED, None),
        ("NAMCUONG", WardStatus.MISSING, None),
        ("SAPA", WardStatus.MISSING, None),
    ]
    assert all(r.score is None and r.nomination is None for r in result.rows[3:])


def test_it_refuses_a_roster_that_is_not_covered_exactly_once() -> None:
    """It raises ValueError when a ward is both scored and unscored, or neither."""
    with pytest.raises(ValueError, match="both scored and unscored"):
        rank([ws("SAPA", "90")], unscored={w.code: WardStatus.MISSING for w in ROSTER})
    with pytest.raises(ValueError, match="neither scored nor unscored"):
        rank([ws("SAPA", "90")], unscored={})
