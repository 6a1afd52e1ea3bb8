"""Context of the minutes (biên bản họp tổng kết): results, meeting facts, the vote and the nominations.

Pure functions; the keys are listed in ``tasks.outputs.documents.context``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tasks.domain import AwardRule, Bloc, Catalogue, Meeting, Nomination, Ranking, RankingRow, WardStatus
from tasks.outputs.documents.context import (
    BLANK,
    SHORT_BLANK,
    Context,
    common_context,
    join_names,
    moment_parts,
    vn_percent,
    vn_points,
    ward_label,
    ward_name,
)
from tasks.scoring.explain import fraction_text, sentence
from tasks.text import vn_plain

_FLAGGED = (Nomination.FLAG, Nomination.FLAG_PROPOSED, Nomination.FLAG_CANDIDATE)


def minutes_context(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, meeting: Meeting | None, moment: datetime
) -> Context:
    """Context of ``bien-ban-hop-tong-ket.docx``."""
    context = common_context(bloc, catalogue, ranking, meeting, moment)
    context.update(results(bloc, catalogue, ranking))
    context.update(meeting_facts(meeting))
    context.update(vote(catalogue, ranking, meeting))
    context.update(merit(catalogue, ranking))
    return context


def _names(ranking: Ranking, status: WardStatus) -> list[str]:
    return [ward_name(row.ward) for row in ranking.rows if row.status is status]


def results(bloc: Bloc, catalogue: Catalogue, ranking: Ranking) -> Context:
    """How many wards were scored, rejected or missing, and how many fell in each band."""
    scored = [row for row in ranking.rows if row.status is WardStatus.SCORED and row.score is not None]
    rejected, missing = _names(ranking, WardStatus.REJECTED), _names(ranking, WardStatus.MISSING)
    bands = []
    for band in catalogue.bands:
        wards = [ward_name(r.ward) for r in scored if r.score is not None and r.score.classification == band.code]
        if wards:
            bands.append({"name": band.name, "count": str(len(wards)), "wards": join_names(wards)})
    return {
        "scale": vn_plain(catalogue.scale),
        "counts": {
            "members": str(len(bloc.members)),
            "scored": str(len(scored)),
            "rejected": str(len(rejected)),
            "missing": str(len(missing)),
        },
        "rejected_wards": join_names(rejected),
        "missing_wards": join_names(missing),
        "bands": bands,
    }


def meeting_facts(meeting: Meeting | None) -> Context:
    """Start and end, place and attendees; dotted blanks for what is not known."""
    if meeting is None:
        return {"start": moment_parts(None), "end": moment_parts(None), "place": BLANK, "attendees": []}
    return {
        "start": moment_parts(meeting.start),
        "end": moment_parts(meeting.end),
        "place": meeting.place.strip() or BLANK,
        "attendees": [a.strip() for a in meeting.attendees if a.strip()],
    }


def _share(agree: int, valid: int) -> str:
    if valid <= 0:
        return SHORT_BLANK
    return vn_percent(Decimal(agree) * 100 / Decimal(valid))


def _candidates(ranking: Ranking) -> list[RankingRow]:
    """The flag candidates: those the vote was held on, else the wards holding a flag nomination."""
    if ranking.vote is not None and ranking.vote.candidates:
        by_code = {row.ward.code: row for row in ranking.rows}
        return [by_code[code] for code in ranking.vote.candidates if code in by_code]
    return [row for row in ranking.rows if row.nomination in _FLAGGED]


def vote(catalogue: Catalogue, ranking: Ranking, meeting: Meeting | None) -> Context:
    """Ballots, agree votes and share per candidate, and what the vote decided (or blanks in a draft)."""
    votes = meeting.votes if meeting is not None else None
    candidates = _candidates(ranking)
    ward_names = {row.ward.code: ward_name(row.ward) for row in ranking.rows}
    agree = dict(votes.flag) if votes is not None else {}
    if ranking.vote is not None:
        agree.update(ranking.vote.agree)
    rows = []
    for row in candidates:
        count = agree.get(row.ward.code, 0)
        rows.append({
            "ward": ward_label(row.ward),
            "name": ward_name(row.ward),
            "code": row.ward.code,
            "rank": str(row.rank) if row.rank is not None else "",
            "total": vn_points(row.score.total) if row.score is not None else "",
            "agree": str(count) if votes is not None else SHORT_BLANK,
            "share": _share(count, votes.ballots_valid) if votes is not None else SHORT_BLANK,
        })  # fmt: skip
    winner = next((r for r, c in zip(rows, candidates, strict=True) if c.nomination is Nomination.FLAG), None)
    ballots = (
        {"issued": str(votes.ballots_issued), "received": str(votes.ballots_received),
         "valid": str(votes.ballots_valid)}
        if votes is not None
        else dict.fromkeys(("issued", "received", "valid"), SHORT_BLANK)
    )  # fmt: skip
    rule = catalogue.flag
    return {
        "rule": {
            "band": catalogue.band(rule.min_classification).name,
            "quorum": str(rule.quorum) if rule.quorum is not None else "",
            "share": str(rule.vote_share_above) if rule.vote_share_above is not None else "",
        },
        "ballots": ballots,
        "candidates": rows,
        "candidate_names": join_names([r["name"] for r in rows]),
        "candidate_names_start": sentence(join_names([r["name"] for r in rows])),
        "flag_status": _flag_status(votes is not None, len(rows), winner is not None),
        "winner": winner or {"ward": "", "name": "", "agree": "", "share": ""},
        "why": _why_text(_why_no_flag(ranking, rows), ballots, rule, len(ranking.rows)),
        "ignored": _ignored(ranking, ward_names),
    }


def _why_no_flag(ranking: Ranking, rows: list[Context]) -> Context:
    """Which flag condition the vote missed: quorum, a tie at the top, the share of agree votes."""
    outcome = ranking.vote
    if outcome is None or outcome.winner is not None or outcome.quorum_met is None:
        return {"quorum": False, "tie": False, "share": False, "leaders": ""}
    top = max(outcome.agree.values(), default=0)
    leaders = [r["name"] for r in rows if outcome.agree.get(r["code"], -1) == top]
    return {
        "quorum": not outcome.quorum_met,
        "tie": outcome.tie_at_top,
        "share": outcome.share_met is False,
        "leaders": sentence(join_names(leaders)),
    }


def _why_text(why: Context, ballots: Context, rule: AwardRule, members: int) -> Context:
    """``why`` with ``text``: what the vote missed as one clause (a list of one item would stand alone)."""
    parts = []
    if why["quorum"]:
        parts.append(f"số phiếu thu về ({ballots['received']}/{members}) chưa đạt {fraction_text(rule.quorum)} tổng số "
                     "thành viên Khối")  # fmt: skip
    if why["tie"]:
        parts.append(f"{why['leaders'][:1].lower()}{why['leaders'][1:]} có số phiếu đồng ý cao nhất bằng nhau")
    if why["share"]:
        parts.append(f"số phiếu đồng ý cao nhất không vượt quá {fraction_text(rule.vote_share_above)} số phiếu hợp lệ")
    return {**why, "text": "; ".join(parts)}


def _ignored(ranking: Ranking, ward_names: dict[str, str]) -> list[Context]:
    """Agree votes cast for wards that were not candidates (not counted)."""
    return [
        {"ward": ward_names.get(code, code), "agree": str(count)}
        for code, count in ranking.ignored_votes.items()
        if count > 0
    ]


def _flag_status(voted: bool, candidates: int, has_winner: bool) -> str:
    if candidates == 0:
        return "none"
    if voted:
        return "awarded" if has_winner else "failed"
    return "proposed" if candidates == 1 else "tied"


def merit(catalogue: Catalogue, ranking: Ranking) -> Context:
    """The wards proposed for the merit award (Bằng khen)."""
    rows = [row for row in ranking.rows if row.nomination is Nomination.MERIT]
    return {
        "merit": [
            {
                "ward": ward_label(row.ward),
                "name": ward_name(row.ward),
                "rank": str(row.rank) if row.rank is not None else "",
                "total": vn_points(row.score.total) if row.score is not None else "",
            }
            for row in rows
        ],
        "merit_tie": ranking.merit_tie,
        "merit_count": str(catalogue.merit.count),
    }
