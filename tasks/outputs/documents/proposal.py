"""Context of the award proposal (tờ trình đề nghị khen thưởng) the head of the bloc sends the province.

Pure functions over the ranking and the meeting. The proposal is final once the vote is recorded; before, it is
a draft (``DỰ THẢO``) that names the wards only as candidates. Keys (besides the common ones of
``tasks.outputs.documents.context``):
  ``head`` {name (phường Sa Pa), upper}, ``meeting`` {number, day, month, year} (dotted blanks when unknown),
  ``members``, ``flag_status`` (awarded | failed | proposed | tied | none), ``vote`` {received, valid, agree,
  share} (the winner's figures), ``units`` [{no, ward, award, rank, total, band, summary}] (the table),
  ``flag_units`` / ``merit_units`` (how many of each, two digits), ``groups`` [{code, name}] (the table's legend),
  ``signer`` {name} (the chair of the meeting, head of the bloc).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tasks.domain import Bloc, Catalogue, Meeting, Nomination, Ranking, RankingRow, WardScore
from tasks.outputs.documents.context import (
    SHORT_BLANK,
    Context,
    common_context,
    typographic_quotes,
    vn_points,
    ward_label,
    ward_name,
)
from tasks.outputs.documents.minutes import vote
from tasks.text import vn_plain

PROPOSAL_TEMPLATE = "to-trinh-de-nghi-khen-thuong.docx"
FLAG_AWARD = "Cờ thi đua của Ủy ban nhân dân tỉnh"
MERIT_AWARD = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
_AWARD_TEXT = {
    Nomination.FLAG: FLAG_AWARD,
    Nomination.FLAG_PROPOSED: f"{FLAG_AWARD} (dự kiến, chờ kết quả bỏ phiếu suy tôn)",
    Nomination.FLAG_CANDIDATE: f"Ứng cử viên {FLAG_AWARD} (chờ kết quả bỏ phiếu suy tôn)",
    Nomination.MERIT: MERIT_AWARD,
}
_ORDER = (Nomination.FLAG, Nomination.FLAG_PROPOSED, Nomination.FLAG_CANDIDATE, Nomination.MERIT)


def proposal_context(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, meeting: Meeting | None, moment: datetime
) -> Context:
    """Context of ``to-trinh-de-nghi-khen-thuong.docx``."""
    context = common_context(bloc, catalogue, ranking, meeting, moment)
    voted = vote(catalogue, ranking, meeting)
    nominated = [r for n in _ORDER for r in ranking.rows if r.nomination is n and r.score is not None]
    head = bloc.ward(bloc.head)
    context.update({
        "head": {"name": ward_name(head), "upper": ward_name(head).upper()},
        "meeting": {"number": context["number"], **context["date"]},  # the date blank when not known
        "members": str(len(bloc.members)),
        "flag_status": voted["flag_status"],
        "candidate_names": voted["candidate_names"],
        "vote": _winner_vote(voted),
        "units": [_unit(i, row, catalogue) for i, row in enumerate(nominated, start=1)],
        "flag_units": f"{sum(1 for r in nominated if r.nomination is not Nomination.MERIT):02d}",
        "merit_units": f"{sum(1 for r in nominated if r.nomination is Nomination.MERIT):02d}",
        "groups": [{"code": g.code, "name": typographic_quotes(g.name)} for g in catalogue.groups],
        "signer": {"name": context["chair"]["signature"]},
    })  # fmt: skip
    return context


def _winner_vote(voted: Context) -> Context:
    """The ballots and the winner's agree votes and share; dotted blanks when nobody won."""
    winner = voted["winner"]
    if not winner.get("agree"):
        return {"received": SHORT_BLANK, "valid": SHORT_BLANK, "agree": SHORT_BLANK, "share": SHORT_BLANK}
    return {
        "received": voted["ballots"]["received"],
        "valid": voted["ballots"]["valid"],
        "agree": winner["agree"],
        "share": winner["share"],
    }


def _unit(number: int, row: RankingRow, catalogue: Catalogue) -> Context:
    """One row of the table of nominated units."""
    score = row.score
    assert score is not None and row.nomination is not None
    return {
        "no": str(number),
        "ward": ward_label(row.ward),
        "award": _AWARD_TEXT[row.nomination],
        "rank": str(row.rank) if row.rank is not None else "",
        "total": vn_points(score.total),
        "band": catalogue.band(score.classification).name,
        "summary": achievement_summary(catalogue, score),
    }


def achievement_summary(catalogue: Catalogue, score: WardScore) -> str:
    """One line of results built from the scores: the strongest criterion groups, then the bonus items.

    The two groups with the highest share of their maximum (the first in catalogue order on a tie), each as
    ``nhóm 5 (15,00/15 điểm)``; then every bonus item counted, ``điểm thưởng 4,00 (T1: 2 lần; T3: 2 lần)``.
    """
    maxima = {g.code: sum((c.max for c in g.criteria), Decimal(0)) for g in catalogue.groups}
    shares = [
        (score.group_scores.get(code, Decimal(0)) / top, -index, code)
        for index, (code, top) in enumerate(maxima.items())
        if top > 0
    ]
    best = [code for _, _, code in sorted(shares, reverse=True)[:2]]
    parts = [f"nhóm {c} ({vn_points(score.group_scores.get(c, Decimal(0)))}/{vn_plain(maxima[c])} điểm)" for c in best]
    text = "Nổi bật: " + ", ".join(parts) if parts else "Tổng điểm " + vn_points(score.total)
    bonus_codes = {b.code for b in catalogue.bonus_items}
    counted = [line for line in score.lines if line.code in bonus_codes and line.value > 0]
    if counted:
        items = "; ".join(f"{line.code}: {vn_plain(line.value)} lần" for line in counted)
        text += f"; điểm thưởng {vn_points(score.bonus)} ({items})"
    return text + "."
