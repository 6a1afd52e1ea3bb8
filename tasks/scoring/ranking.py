"""Ranking and nominations (xếp hạng, đề nghị khen thưởng), spec §4 steps 7–8.

Pure functions over the wards' score sheets. Quorum and vote-share tests compare exact ``Fraction``s, so
exactly half of the valid ballots never counts as "more than half". The notes are Vietnamese sentences for
the minutes (biên bản).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from tasks.domain import (
    AwardRule,
    Bloc,
    Catalogue,
    Nomination,
    Ranking,
    RankingRow,
    VoteOutcome,
    Votes,
    WardScore,
    WardStatus,
)
from tasks.scoring.explain import (
    FLAG_NAME,
    MERIT_NAME,
    fraction_text,
    ignored_votes_sentence,
    join_wards,
    sentence,
    ward_in_sentence,
)
from tasks.scoring.score import round_half_up, vn_number

RankKey = tuple[Decimal, Decimal, Decimal]


def rank_wards(
    bloc: Bloc,
    catalogue: Catalogue,
    scores: Sequence[WardScore],
    unscored: Mapping[str, WardStatus],
    votes: Votes | None,
) -> Ranking:
    """Rank the scored wards and decide the nominations (spec §4 steps 7–8).

    ``scores`` holds one score sheet per ward with an accepted annual self-assessment; ``unscored`` maps
    every other roster ward to ``REJECTED`` or ``MISSING``; ``votes`` is the flag ballot, None before the
    vote. Rows come scored first (by rank, then ward code), then unscored wards in roster order.

    Raises ``ValueError`` when a roster ward is neither scored nor unscored, is both, or is scored twice, or
    when a score or status names a ward outside the roster.
    """
    _check_coverage(bloc, scores, unscored)
    ordered = sorted(scores, key=lambda s: (_key(s), s.ward.code))
    ranks = _competition_ranks(ordered)
    sharing = Counter(ranks.values())
    candidates = _flag_candidates(catalogue, ordered, ranks)
    candidate_codes = set(candidates)
    ignored = {c: n for c, n in (votes.flag.items() if votes else ()) if c not in candidate_codes and n > 0}
    vote = _flag_vote(bloc, catalogue, candidates, ranks, votes, ignored)
    nominations = _flag_nominations(candidates, vote, votes)
    merit, merit_tie = _merit(catalogue, ordered, ranks, nominations)
    nominations.update(dict.fromkeys(merit, Nomination.MERIT))

    notes = _tie_notes(bloc, ordered, ranks)
    notes.append(vote.reason if vote else _no_candidate_note(catalogue))
    if ignored:
        notes.append(ignored_votes_sentence(bloc.names, ignored))
    if merit_tie:
        notes.append(_merit_tie_note(bloc, catalogue, merit, ranks))
    rows = [
        RankingRow(
            ward=s.ward,
            status=WardStatus.SCORED,
            rank=ranks[s.ward.code],
            score=s,
            nomination=nominations.get(s.ward.code),
            tied=sharing[ranks[s.ward.code]] > 1,
        )
        for s in ordered
    ]
    rows += [RankingRow(ward=w, status=unscored[w.code]) for w in bloc.members if w.code in unscored]
    return Ranking(rows=tuple(rows), vote=vote, merit_tie=merit_tie, notes=tuple(notes))


def _key(score: WardScore) -> RankKey:
    """Sort key: total desc, then base desc, then deductions asc; equal keys share a rank."""
    return (-score.total, -score.base, score.deductions)


def _competition_ranks(ordered: Sequence[WardScore]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of score sheets already sorted by ``_key``, in one pass.

    A ward's rank is 1 + the number of wards strictly ahead of it; in sorted order that is the position of
    the first ward with an equal key.
    """
    ranks: dict[str, int] = {}
    previous: RankKey | None = None
    rank = 0
    for position, score in enumerate(ordered, start=1):
        key = _key(score)
        if key != previous:
            rank, previous = position, key
        ranks[score.ward.code] = rank
    return ranks


def _check_coverage(bloc: Bloc, scores: Sequence[WardScore], unscored: Mapping[str, WardStatus]) -> None:
    """Every roster ward is either scored once or listed as rejected/missing, never both."""
    roster = {w.code for w in bloc.members}
    times_scored = Counter(s.ward.code for s in scores)
    scored = set(times_scored)
    problems = []
    if twice := sorted(c for c, n in times_scored.items() if n > 1):
        problems.append(f"scored twice: {twice}")
    if both := sorted(scored & set(unscored)):
        problems.append(f"both scored and unscored: {both}")
    if outside := sorted((scored | set(unscored)) - roster):
        problems.append(f"not in the roster: {outside}")
    if absent := [w.code for w in bloc.members if w.code not in scored and w.code not in unscored]:
        problems.append(f"neither scored nor unscored: {absent}")
    if bad := sorted(c for c, st in unscored.items() if st is WardStatus.SCORED):
        problems.append(f"unscored with status 'scored': {bad}")
    if problems:
        raise ValueError("; ".join(problems))


def _eligible(catalogue: Catalogue, score: WardScore, rule: AwardRule) -> bool:
    """Classification at the rule's band or better (bands are ordered best first) and no veto."""
    codes = [b.code for b in catalogue.bands]
    if score.classification not in codes or rule.min_classification not in codes:
        raise ValueError(f"unknown band {score.classification!r} or {rule.min_classification!r}")
    return not score.veto and codes.index(score.classification) <= codes.index(rule.min_classification)


def _flag_candidates(catalogue: Catalogue, ordered: Sequence[WardScore], ranks: Mapping[str, int]) -> tuple[str, ...]:
    """The eligible wards sharing the best rank among the eligible."""
    eligible = [s.ward.code for s in ordered if _eligible(catalogue, s, catalogue.flag)]
    return tuple(c for c in eligible if ranks[c] == ranks[eligible[0]]) if eligible else ()


def _flag_vote(
    bloc: Bloc,
    catalogue: Catalogue,
    candidates: tuple[str, ...],
    ranks: Mapping[str, int],
    votes: Votes | None,
    ignored: dict[str, int],
) -> VoteOutcome | None:
    """What the ballot decided for the flag; pending (no winner, no tests) before the vote."""
    if not candidates:
        return None
    if votes is None:
        reason = _pending_reason(bloc, candidates, ranks[candidates[0]])
        return VoteOutcome(candidates, None, None, None, False, {}, {}, reason)
    quorum, share = catalogue.flag.quorum, catalogue.flag.vote_share_above
    if quorum is None or share is None:
        raise ValueError("the flag rule needs a quorum and a vote share to decide a vote")
    agree = {c: votes.flag.get(c, 0) for c in candidates}
    top = max(agree.values())
    leaders = [c for c in candidates if agree[c] == top]
    quorum_met = Fraction(votes.ballots_received) >= quorum * len(bloc.members)
    share_met = Fraction(top) > share * votes.ballots_valid
    tie = len(leaders) > 1
    winner = leaders[0] if quorum_met and share_met and not tie else None
    outcome = VoteOutcome(candidates, winner, quorum_met, share_met, tie, agree, ignored, reason="")
    return replace(outcome, reason=_vote_reason(bloc, quorum, share, votes, outcome))


def _flag_nominations(
    candidates: tuple[str, ...], vote: VoteOutcome | None, votes: Votes | None
) -> dict[str, Nomination]:
    """Flag nominations: the winner alone; else every candidate stays a candidate (or proposed if alone)."""
    if vote is not None and vote.winner is not None:
        return {vote.winner: Nomination.FLAG}
    if votes is None and len(candidates) == 1:
        return {candidates[0]: Nomination.FLAG_PROPOSED}
    return dict.fromkeys(candidates, Nomination.FLAG_CANDIDATE)


def _merit(
    catalogue: Catalogue,
    ordered: Sequence[WardScore],
    ranks: Mapping[str, int],
    flagged: Mapping[str, Nomination],
) -> tuple[list[str], bool]:
    """The best-ranked eligible wards without a flag nomination; a tie at the last place admits all."""
    count = catalogue.merit.count
    pool = [s.ward.code for s in ordered if s.ward.code not in flagged and _eligible(catalogue, s, catalogue.merit)]
    if count <= 0:
        return [], False
    if len(pool) <= count:
        return pool, False
    admitted = [c for c in pool if ranks[c] <= ranks[pool[count - 1]]]
    return admitted, len(admitted) > count


# --- Sentences for the minutes -------------------------------------------------------------------


def _tie_notes(bloc: Bloc, ordered: Sequence[WardScore], ranks: Mapping[str, int]) -> list[str]:
    """One sentence per shared rank, best rank first; ``ordered`` keeps equal ranks next to each other."""
    names = bloc.names
    notes = []
    for rank, group in groupby(ordered, key=lambda s: ranks[s.ward.code]):
        tied = [s.ward.code for s in group]
        if len(tied) > 1:
            notes.append(sentence(f"{join_wards(names, tied)} bằng điểm, cùng xếp thứ {rank}."))
    return notes


def _pending_reason(bloc: Bloc, candidates: Sequence[str], rank: int) -> str:
    names = bloc.names
    if len(candidates) == 1:
        return (
            f"Khối chưa bỏ phiếu suy tôn {FLAG_NAME}; {ward_in_sentence(names, candidates[0])} xếp thứ {rank}, "
            "dẫn đầu các đơn vị đủ điều kiện, được đề xuất suy tôn."
        )
    return (
        f"Khối chưa bỏ phiếu suy tôn {FLAG_NAME}; {join_wards(names, candidates)} cùng xếp thứ {rank} và đủ "
        "điều kiện, là các đơn vị ứng cử; Khối bỏ phiếu kín để chọn một đơn vị đề nghị suy tôn."
    )


def _vote_reason(bloc: Bloc, quorum: Fraction, share: Fraction, votes: Votes, outcome: VoteOutcome) -> str:
    """The ballot figures, then the decision and why; a failed vote calls for a new one."""
    names = bloc.names
    tally = ", ".join(
        f"{ward_in_sentence(names, c)} {n} phiếu đồng ý{_share(n, votes.ballots_valid)}"
        for c, n in outcome.agree.items()
    )
    figures = (
        f"Kết quả bỏ phiếu suy tôn {FLAG_NAME}: phát ra {votes.ballots_issued} phiếu, thu về "
        f"{votes.ballots_received} phiếu, hợp lệ {votes.ballots_valid} phiếu; {tally}."
    )
    if outcome.winner is not None:
        winner = ward_in_sentence(names, outcome.winner)
        return (
            f"{figures} Số phiếu thu về đạt tối thiểu {fraction_text(quorum)} số đơn vị thành viên Khối; "
            f"{winner} được trên {fraction_text(share)} số phiếu hợp lệ đồng ý, được suy tôn, "
            f"đề nghị tặng {FLAG_NAME}."
        )
    top = max(outcome.agree.values())
    why = []
    if not outcome.quorum_met:
        need = math.ceil(quorum * len(bloc.members))
        why.append(
            f"số phiếu thu về ({votes.ballots_received}/{len(bloc.members)}) chưa đạt "
            f"{fraction_text(quorum)} số đơn vị thành viên Khối (cần ít nhất {need} phiếu)"
        )
    if outcome.tie_at_top:
        leaders = [c for c, n in outcome.agree.items() if n == top]
        why.append(f"{join_wards(names, leaders)} cùng có số phiếu đồng ý cao nhất ({top} phiếu)")
    if not outcome.share_met:
        why.append(
            f"số phiếu đồng ý cao nhất ({top}/{votes.ballots_valid} phiếu hợp lệ) không vượt quá "
            f"{fraction_text(share)} số phiếu hợp lệ"
        )
    return (
        f"{figures} Chưa có đơn vị được suy tôn {FLAG_NAME} vì {'; '.join(why)}; "
        f"{join_wards(names, outcome.candidates)} vẫn là đơn vị ứng cử, đề nghị Khối tổ chức bỏ phiếu lại."
    )


def _share(agree: int, valid: int) -> str:
    """`` (90,00% số phiếu hợp lệ)``, or nothing when there is no valid ballot."""
    if valid <= 0:
        return ""
    return f" ({vn_number(round_half_up(Fraction(agree * 100, valid)))}% số phiếu hợp lệ)"


def _no_candidate_note(catalogue: Catalogue) -> str:
    band = catalogue.band(catalogue.flag.min_classification).name.lower()
    return (
        f"Không có đơn vị đủ điều kiện đề nghị suy tôn {FLAG_NAME} (xếp loại {band} trở lên và "
        "không có điểm trừ loại trừ)."
    )


def _merit_tie_note(bloc: Bloc, catalogue: Catalogue, merit: Sequence[str], ranks: Mapping[str, int]) -> str:
    last = ranks[merit[-1]]
    tied = [c for c in merit if ranks[c] == last]
    return sentence(
        f"{join_wards(bloc.names, tied)} bằng điểm, cùng xếp thứ {last} ở vị trí cuối cùng được đề nghị tặng "
        f"{MERIT_NAME} nên đều được đề nghị; số đơn vị đề nghị tặng {MERIT_NAME} là {len(merit)}, "
        f"nhiều hơn số lượng {catalogue.merit.count}."
    )
