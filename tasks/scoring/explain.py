"""Why an outcome differs from what the total alone suggests (giải trình kết quả), as plain data.

A reader of the ranking expects the higher total to get the better band and the award. Whenever that is not
so — a veto deduction lowers the band or bars the award, a ward in the award's band is left out because the
places are taken, two wards share a rank, a candidate loses the vote (or the vote decides nothing), no ward
is eligible for the flag, agree votes were cast for a ward that is not a candidate, a ward sent nothing or
sent an invalid file — one :class:`Explanation` says so in one Vietnamese sentence, with the reason and the
criterion. The minutes, ``ranking.docx`` and the notes of ``ranking.xlsx`` all render the same tuple, so the
three never disagree; the ranking itself writes no sentence. Pure functions; ward names are written
``phường X`` (lower case, NĐ 30) inside the sentence, and the sentence itself starts with a capital.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tasks.domain import (
    Bloc,
    Catalogue,
    ConfigWarning,
    Kind,
    Nomination,
    Ranking,
    RankingRow,
    Severity,
    Status,
    Submission,
    WardScore,
    WardStatus,
)
from tasks.intake.identify import unattributed_annuals
from tasks.scoring.score import round_half_up, vn_number
from tasks.text import vn_plain

# The two awards as the documents' body spells them out (NĐ 30: no abbreviation such as UBND in the text).
FLAG_NAME = "Cờ thi đua của Ủy ban nhân dân tỉnh"
MERIT_NAME = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


_SEE_REPORT = "lỗi cụ thể ghi trong kết quả kiểm tra hồ sơ gửi đơn vị"


def rejection_reasons(subs: Sequence[Submission], bloc: Bloc | None = None) -> dict[str, str]:
    """Ward code -> why its annual self-assessment was rejected: where the first error is and what it says,
    and how many others there are (``sheet “Tự chấm điểm”, ô D7: … và 2 lỗi khác``).

    With ``bloc``, also a ward none of whose files was taken as its self-assessment but whose name a rejected
    file's name carries (the file names no ward inside: unreadable, or the ward left out): a file was
    received, so the ward has no valid self-assessment rather than none sent
    (``tệp annual/x.xlsx mang tên phường nhưng không dùng được: …``).
    """
    reasons: dict[str, str] = {}
    for sub in subs:
        if sub.kind is not Kind.ANNUAL or sub.status is not Status.REJECTED or sub.ward_code is None:
            continue
        text = _errors_text(sub)
        if text and sub.ward_code not in reasons:
            reasons[sub.ward_code] = text
    for code, sub in unattributed_annuals(subs, bloc).items() if bloc is not None else ():
        text = _errors_text(sub)
        if text and code not in reasons:
            reasons[code] = f"tệp {sub.file.rel} mang tên phường nhưng không dùng được: {text}"
    return reasons


def _errors_text(sub: Submission) -> str:
    """Where the first error of ``sub`` is, what it says and how many others there are; empty without errors."""
    errors = [i for i in sub.issues if i.severity is Severity.ERROR]
    if not errors:
        return ""
    first = errors[0]
    where = ", ".join(
        part
        for part in (f"sheet “{first.sheet}”" if first.sheet else "", f"ô {first.cell}" if first.cell else "")
        if part
    )
    text = f"{where}: {first.message.rstrip('.')}" if where else first.message.rstrip(".")
    return text + (f"; và {len(errors) - 1} lỗi khác" if len(errors) > 1 else "")


class Reason(StrEnum):
    """What makes an outcome differ from the order of the totals."""

    VETO_BAND = "veto-band"  # a veto deduction moved the ward out of the first band
    VETO_AWARD = "veto-award"  # a veto deduction bars an award the band would allow
    NO_PLACE = "no-place"  # in the award's band, but the award's places went to better-ranked wards
    TIE = "tie"  # wards equal on total, base and deductions share a rank
    MERIT_TIE = "merit-tie"  # a tie at the last merit place admits more wards than the count
    LOST_VOTE = "lost-vote"  # a flag candidate that another candidate outvoted
    NO_WINNER = "no-winner"  # the vote missed its quorum or share, or tied: nobody gets the flag
    IGNORED_VOTES = "ignored-votes"  # agree votes cast for a ward that was not a candidate
    NO_CANDIDATE = "no-candidate"  # no scored ward meets the flag's band without a veto: nobody can get the flag
    MISSING = "missing"  # nothing received: no score, no rank
    REJECTED = "rejected"  # received but not valid: no score, no rank


@dataclass(frozen=True)
class Explanation:
    """One outcome and its reason in one sentence (``text``, Vietnamese, ends with a full stop).

    ``wards``: the ward codes it is about, in ranking order; ``criterion``: the rule or criterion code that
    decided it (``D3``, the band code, ``flag``/``merit``), empty when none.
    """

    reason: Reason
    wards: tuple[str, ...]
    criterion: str
    text: str


def explain_ranking(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, rejections: Mapping[str, str] | None = None
) -> tuple[Explanation, ...]:
    """Every outcome of ``ranking`` that the totals alone do not explain, in ranking order.

    Order: per scored ward its veto or missed-award sentence, a shared rank at its first ward, then the vote,
    then the merit tie, then wards without a score in roster order. ``rejections``: ward code -> why its
    self-assessment was rejected (see :func:`rejection_reasons`), quoted in the ward's sentence.
    """
    names = bloc.names
    scored = [r for r in ranking.rows if r.status is WardStatus.SCORED and r.score is not None]
    out: list[Explanation] = []
    seen_ranks: set[int] = set()
    for row in scored:
        out += _ward_explanations(names, catalogue, ranking, row)
        if row.tied and row.rank is not None and row.rank not in seen_ranks:
            seen_ranks.add(row.rank)
            out.append(_tie(names, [r for r in scored if r.rank == row.rank]))
    out += _vote_explanations(names, catalogue, ranking)
    if ranking.merit_tie:
        out.append(_merit_tie(names, catalogue, scored))
    reasons = rejections or {}
    out += [
        _unscored(names, row, reasons.get(row.ward.code)) for row in ranking.rows if row.status is not WardStatus.SCORED
    ]
    return tuple(out)


def as_documented(ranking: Ranking, explanations: Sequence[Explanation]) -> Ranking:
    """``ranking`` as the documents and ranking.xlsx show it: a ward none of whose files counts as its
    self-assessment (status ``missing`` in ranking.csv) but that ``explanations`` say sent an unusable file
    (``Reason.REJECTED``, e.g. an unreadable file carrying its name, see :func:`rejection_reasons`) is shown and
    counted as having no valid self-assessment, not as having sent nothing."""
    received = {code for e in explanations if e.reason is Reason.REJECTED for code in e.wards}
    rows = tuple(
        replace(row, status=WardStatus.REJECTED)
        if row.status is WardStatus.MISSING and row.ward.code in received
        else row
        for row in ranking.rows
    )
    return replace(ranking, rows=rows) if rows != ranking.rows else ranking


def ward_in_sentence(names: Mapping[str, str], code: str) -> str:
    """``phường Sa Pa`` as written inside a sentence; a code outside the roster as it is."""
    return f"phường {names[code]}" if code in names else f"đơn vị {code}"


def join_wards(names: Mapping[str, str], codes: Sequence[str]) -> str:
    """``phường A``, ``phường A và phường B``, ``phường A, phường B và phường C``."""
    parts = [ward_in_sentence(names, c) for c in codes]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "TTHC": "thủ tục hành chính"}


def spelled_out(text: str) -> str:
    """``text`` with the administrative abbreviations written in full (NĐ 30: no unexplained abbreviation),
    for a name that stands alone, such as an indicator in a chart title or a note."""
    for short, full in ABBREVIATIONS.items():
        text = re.sub(rf"\b{short}\b", full, text)
    return text


def sentence(text: str) -> str:
    """``text`` with a capital first letter (the start of a sentence, item or cell)."""
    return text[:1].upper() + text[1:]


def quoted(text: str) -> str:
    """Vietnamese typographic quotes: “…”."""
    return f"“{text}”"


def points(value: Decimal) -> str:
    """Points the Vietnamese way, two decimals: ``92,72``, ``90,00``."""
    return vn_number(round_half_up(value))


def _vetoes(catalogue: Catalogue, score: WardScore) -> list[str]:
    """The veto deduction codes the ward incurred (count ≥ 1 after appraisal), in catalogue order."""
    counted = {line.code for line in score.lines if line.value >= 1}
    return [d.code for d in catalogue.deduction_items if d.veto and d.code in counted]


def _veto_clause(catalogue: Catalogue, codes: Sequence[str]) -> str:
    items = {d.code: d for d in catalogue.deduction_items}
    listed = "; ".join(f"{c} ({quoted(items[c].name)})" for c in codes)
    noun = "tiêu chí loại trừ" if len(codes) == 1 else "các tiêu chí loại trừ"
    return f"vi phạm {noun} {listed}"


def _ward_explanations(
    names: Mapping[str, str], catalogue: Catalogue, ranking: Ranking, row: RankingRow
) -> list[Explanation]:
    """A veto that lowered the band or barred an award, or an award place taken by better-ranked wards."""
    score = row.score
    assert score is not None
    ward = ward_in_sentence(names, row.ward.code)
    where = f"xếp thứ {row.rank}, {points(score.total)} điểm"
    vetoes = _vetoes(catalogue, score)
    by_total = catalogue.band(next((b.code for b in catalogue.bands if b.min <= score.total), catalogue.bands[-1].code))
    band = catalogue.band(score.classification)
    if vetoes and by_total.code != band.code:
        return [
            Explanation(
                Reason.VETO_BAND,
                (row.ward.code,),
                vetoes[0],
                sentence(
                    f"{ward} ({where}) đạt mức điểm xếp loại {quoted(by_total.name)} (từ {vn_plain(by_total.min)} "
                    f"điểm) nhưng chỉ được xếp loại {quoted(band.name)} và không được đề nghị khen thưởng vì "
                    f"{_veto_clause(catalogue, vetoes)}."
                ),
            )
        ]
    codes = [b.code for b in catalogue.bands]
    reaches = codes.index(score.classification) <= codes.index(catalogue.merit.min_classification)
    if vetoes and reaches:
        return [
            Explanation(
                Reason.VETO_AWARD,
                (row.ward.code,),
                vetoes[0],
                sentence(
                    f"{ward} ({where}) xếp loại {quoted(band.name)} nhưng không được đề nghị khen thưởng vì "
                    f"{_veto_clause(catalogue, vetoes)}."
                ),
            )
        ]
    if reaches and row.nomination is None and _merit_full(ranking):
        count = catalogue.merit.count
        return [
            Explanation(
                Reason.NO_PLACE,
                (row.ward.code,),
                catalogue.merit.min_classification,
                sentence(
                    f"{ward} ({where}) xếp loại {quoted(band.name)} nhưng không được đề nghị tặng {MERIT_NAME} "
                    f"vì chỉ {count} đơn vị xếp hạng cao nhất trong số các đơn vị đủ điều kiện được đề nghị."
                ),
            )
        ]
    return []


def _merit_full(ranking: Ranking) -> bool:
    return any(r.nomination is Nomination.MERIT for r in ranking.rows)


def _tie(names: Mapping[str, str], rows: Sequence[RankingRow]) -> Explanation:
    first = rows[0]
    assert first.score is not None and first.rank is not None
    codes = tuple(r.ward.code for r in rows)
    following = first.rank + len(rows)
    return Explanation(
        Reason.TIE,
        codes,
        "",
        sentence(
            f"{join_wards(names, codes)} bằng nhau về tổng điểm ({points(first.score.total)}), điểm cơ bản "
            f"({points(first.score.base)}) và điểm trừ ({points(first.score.deductions)}) nên cùng xếp thứ "
            f"{first.rank}; đơn vị liền sau xếp thứ {following}."
        ),
    )


def _vote_explanations(names: Mapping[str, str], catalogue: Catalogue, ranking: Ranking) -> list[Explanation]:
    """No ward eligible for the flag, or a candidate outvoted by another, or a vote that gave nobody the flag;
    then the agree votes that did not count (spec §4.8), with or without a candidate."""
    vote = ranking.vote
    out: list[Explanation] = []
    if vote is None and any(r.status is WardStatus.SCORED for r in ranking.rows):
        out.append(_no_candidate(catalogue))
    elif vote is not None and vote.quorum_met is not None:
        out += _lost_votes(names, ranking) if vote.winner is not None else [_no_winner(names, catalogue, ranking)]
    if ignored := [c for c, n in ranking.ignored_votes.items() if n > 0]:
        out.append(
            Explanation(
                Reason.IGNORED_VOTES, tuple(ignored), "flag", ignored_votes_sentence(names, ranking.ignored_votes)
            )
        )
    return out


def _no_candidate(catalogue: Catalogue) -> Explanation:
    """Nobody can be proposed for the flag: no scored ward is in its band or better without a veto."""
    band = catalogue.band(catalogue.flag.min_classification)
    return Explanation(
        Reason.NO_CANDIDATE,
        (),
        "flag",
        f"Không có đơn vị đủ điều kiện đề nghị suy tôn {FLAG_NAME} (xếp loại {band.name.lower()} trở lên và "
        "không có điểm trừ loại trừ).",
    )


def ignored_votes_sentence(names: Mapping[str, str], ignored: Mapping[str, int]) -> str:
    """Why agree votes for wards that were not candidates do not count (spec §4.8): the one sentence the
    documents, summary.json's warning and the command's summary all give. ``ignored``: ward
    code -> agree votes; wards with none are left out."""
    wards = [c for c, n in ignored.items() if n > 0]
    counted = ", ".join(f"{ward_in_sentence(names, c)} ({ignored[c]} phiếu)" for c in wards)
    return sentence(
        f"Phiếu đồng ý cho {counted} không được tính vì {join_wards(names, wards)} không thuộc danh sách ứng cử "
        f"viên suy tôn đề nghị tặng {FLAG_NAME}."
    )


IGNORED_VOTES_HINT = (
    "Chỉ ghi phiếu đồng ý cho các đơn vị ứng cử ghi trong biên bản; nếu ghi nhầm mã đơn vị, sửa meeting.yaml rồi "
    "chạy lại."
)


def configuration_warnings(explained: Sequence[Explanation]) -> tuple[ConfigWarning, ...]:
    """The explanations that are also warnings about ``meeting.yaml``: agree votes for a ward that is not a
    candidate, not counted (spec §4.8), with the same sentence the documents give."""
    return tuple(
        ConfigWarning("meeting.yaml", "votes.flag", "ignored_votes", e.text, IGNORED_VOTES_HINT, e.wards)
        for e in explained
        if e.reason is Reason.IGNORED_VOTES
    )


def _lost_votes(names: Mapping[str, str], ranking: Ranking) -> list[Explanation]:
    """Each candidate the winner outvoted, and the merit it still receives."""
    vote = ranking.vote
    assert vote is not None and vote.winner is not None
    winner, won = ward_in_sentence(names, vote.winner), vote.agree.get(vote.winner, 0)
    nominations = {r.ward.code: r.nomination for r in ranking.rows}
    out = []
    for code in vote.candidates:
        if code == vote.winner:
            continue
        then = (
            f"; {ward_in_sentence(names, code)} được đề nghị tặng {MERIT_NAME}"
            if nominations.get(code) is Nomination.MERIT
            else ""
        )
        out.append(
            Explanation(
                Reason.LOST_VOTE,
                (code,),
                "flag",
                sentence(
                    f"{ward_in_sentence(names, code)} cùng dẫn đầu Khối nhưng không được suy tôn đề nghị tặng "
                    f"{FLAG_NAME} vì được {vote.agree.get(code, 0)} phiếu đồng ý, ít hơn {winner} "
                    f"({won} phiếu){then}."
                ),
            )
        )
    return out


def _no_winner(names: Mapping[str, str], catalogue: Catalogue, ranking: Ranking) -> Explanation:
    """Nobody gets the flag: which of quorum, a tie at the top and the share of agree votes was missed."""
    vote = ranking.vote
    assert vote is not None
    quorum, share = catalogue.flag.quorum, catalogue.flag.vote_share_above
    missed = []
    if not vote.quorum_met:
        missed.append(f"số phiếu thu về chưa đạt {fraction_text(quorum)} số đơn vị thành viên Khối")
    if vote.tie_at_top:
        missed.append("các ứng cử viên dẫn đầu có số phiếu đồng ý bằng nhau")
    if vote.share_met is False:
        missed.append(f"số phiếu đồng ý cao nhất không vượt quá {fraction_text(share)} số phiếu hợp lệ")
    return Explanation(
        Reason.NO_WINNER,
        vote.candidates,
        "flag",
        sentence(
            f"{join_wards(names, vote.candidates)} chưa được suy tôn đề nghị tặng {FLAG_NAME} vì "
            f"{'; '.join(missed)}; Khối tổ chức bỏ phiếu lại."
        ),
    )


def fraction_text(value: Fraction | None) -> str:
    """``2/3`` for a share in a sentence; empty for no share."""
    return "" if value is None else f"{value.numerator}/{value.denominator}"


def _merit_tie(names: Mapping[str, str], catalogue: Catalogue, scored: Sequence[RankingRow]) -> Explanation:
    merit = [r for r in scored if r.nomination is Nomination.MERIT]
    last = merit[-1].rank
    tied = tuple(r.ward.code for r in merit if r.rank == last)
    return Explanation(
        Reason.MERIT_TIE,
        tied,
        "merit",
        sentence(
            f"{join_wards(names, tied)} cùng xếp thứ {last} ở vị trí cuối cùng được đề nghị tặng {MERIT_NAME} nên "
            f"đều được đề nghị; số đơn vị được đề nghị là {len(merit)}, nhiều hơn {catalogue.merit.count} theo "
            "quy định."
        ),
    )


def _unscored(names: Mapping[str, str], row: RankingRow, reason: str | None) -> Explanation:
    ward = ward_in_sentence(names, row.ward.code)
    if row.status is WardStatus.MISSING and reason is not None:  # a file was received, none of it usable
        return Explanation(
            Reason.REJECTED,
            (row.ward.code,),
            "",
            sentence(
                f"{ward} chưa có bảng tự chấm điểm hợp lệ ({reason}) nên không được chấm điểm, xếp hạng và đề nghị "
                "khen thưởng."
            ),
        )
    if row.status is WardStatus.MISSING:
        return Explanation(
            Reason.MISSING,
            (row.ward.code,),
            "",
            sentence(f"{ward} chưa nộp bảng tự chấm điểm nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."),
        )
    return Explanation(
        Reason.REJECTED,
        (row.ward.code,),
        "",
        sentence(
            f"{ward} có bảng tự chấm điểm không hợp lệ ({reason or _SEE_REPORT}) nên không được chấm điểm, xếp hạng "
            "và đề nghị khen thưởng."
        ),
    )
