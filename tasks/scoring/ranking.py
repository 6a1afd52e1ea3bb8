"""Ranking and nominations (xếp hạng, đề nghị khen thưởng), spec §4 steps 7–8.

Pure functions over the wards' score sheets. Quorum and vote-share tests compare exact ``Fraction``s, so
exactly half of the valid ballots never counts as "more than half". The sentences that say why (ties, the
vote, the votes not counted, no candidate) are written once, by ``tasks.scoring.explain``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

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
    vote = _flag_vote(bloc, catalogue, candidates, votes)
    nominations = _flag_nominations(candidates, vote, votes)
    merit, merit_tie = _merit(catalogue, ordered, ranks, nominations)
    nominations.update(dict.fromkeys(merit, Nomination.MERIT))
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
    return Ranking(rows=tuple(rows), vote=vote, merit_tie=merit_tie, ignored_votes=ignored)


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
    bloc: Bloc, catalogue: Catalogue, candidates: tuple[str, ...], votes: Votes | None
) -> VoteOutcome | None:
    """What the ballot decided for the flag; pending (no winner, no tests) before the vote."""
    if not candidates:
        return None
    if votes is None:
        return VoteOutcome(candidates, None, None, None, False, {})
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
    return VoteOutcome(candidates, winner, quorum_met, share_met, tie, agree)


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
