"""Why an outcome differs from what the total alone suggests (giải trình kết quả), as plain data.

A reader of the ranking expects the higher total to get the better band and the award. Whenever that is not
so — a veto deduction lowers the band or bars the award, a ward in the award's band is left out because the
places are taken, two wards share a rank, a candidate loses the vote (or the vote decides nothing), no ward
is eligible for the flag, agree votes were cast for a ward that is not a candidate, a ward sent nothing or
sent an invalid file — one :class:`Explanation` says so in one Vietnamese sentence, with the reason and the
criterion. Each reason's wording is one Jinja sentence of :data:`SENTENCES` over the explanation's ``fields``:
the notes of ``ranking.xlsx``, ``summary.json`` and the command's summary print it as rendered here; the Word
templates of the minutes and ``ranking.docx`` carry the same sentences (one paragraph per reason, editable by
the secretariat) and render them from the same fields. The ranking itself writes no sentence. Pure functions;
ward names are written ``phường X`` (lower case, NĐ 30) inside the sentence, which starts with a capital.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

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
from tasks.text import short_sheet, vn_plain

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
        for part in (
            f"sheet “{short_sheet(first.sheet)}”" if first.sheet else "",
            f"ô {first.cell}" if first.cell else "",
        )
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


# A value a Word template puts in its sentence: text already written the Vietnamese way, a yes/no, or a list.
FieldValue = str | bool | tuple[str, ...]

# One sentence per reason, in Jinja over the fields of ``e`` (listed in :meth:`Explanation.context`); the awards
# are spelled out (NĐ 30: no abbreviation such as UBND). ``Explanation.text`` is rendered from it, and
# ``scripts.build_word_templates`` writes it into the Word templates as the reason's paragraph.
SENTENCES: dict[Reason, str] = {
    Reason.VETO_BAND:
     "{{ e.ward_start }} (xếp thứ {{ e.rank }}, {{ e.total }} điểm) đạt mức điểm xếp loại {{ e.band_by_total }} (từ "
     "{{ e.band_min }} điểm) nhưng chỉ được xếp loại {{ e.band }} và không được đề nghị khen thưởng vì vi phạm "
     "{% if e.several_vetoes %}các {% endif %}tiêu chí loại trừ {{ e.vetoes }}.",
    Reason.VETO_AWARD:
     "{{ e.ward_start }} (xếp thứ {{ e.rank }}, {{ e.total }} điểm) xếp loại {{ e.band }} nhưng không được đề nghị "
     "khen thưởng vì vi phạm {% if e.several_vetoes %}các {% endif %}tiêu chí loại trừ {{ e.vetoes }}.",
    Reason.NO_PLACE:
     "{{ e.ward_start }} (xếp thứ {{ e.rank }}, {{ e.total }} điểm) xếp loại {{ e.band }} nhưng không được đề nghị "
     "tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh vì chỉ {{ e.count }} đơn vị xếp hạng cao nhất trong số các "
     "đơn vị đủ điều kiện được đề nghị.",
    Reason.TIE:
     "{{ e.wards_start }} bằng nhau về tổng điểm ({{ e.total }}), điểm cơ bản ({{ e.base }}) và điểm trừ "
     "({{ e.deductions }}) nên cùng xếp thứ {{ e.rank }}; đơn vị liền sau xếp thứ {{ e.next_rank }}.",
    Reason.MERIT_TIE:
     "{{ e.wards_start }} cùng xếp thứ {{ e.rank }} ở vị trí cuối cùng được đề nghị tặng Bằng khen của Chủ tịch Ủy "
     "ban nhân dân tỉnh nên đều được đề nghị; số đơn vị được đề nghị là {{ e.proposed }}, nhiều hơn {{ e.count }} "
     "theo quy định.",
    Reason.LOST_VOTE:
     "{{ e.ward_start }} cùng dẫn đầu Khối nhưng không được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân "
     "tỉnh vì được {{ e.agree }} phiếu đồng ý, ít hơn {{ e.winner }} ({{ e.winner_agree }} phiếu){% if e.merit %}; "
     "{{ e.ward }} được đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh{% endif %}.",
    Reason.NO_WINNER:
     "{{ e.wards_start }} chưa được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì "
     "{% for m in e.missed %}{% if m == 'quorum' %}số phiếu thu về chưa đạt {{ e.quorum }} số đơn vị thành viên "
     "Khối{% elif m == 'tie' %}các ứng cử viên dẫn đầu có số phiếu đồng ý bằng nhau{% else %}số phiếu đồng ý cao "
     "nhất không vượt quá {{ e.share }} số phiếu hợp lệ{% endif %}; {% endfor %}Khối tổ chức bỏ phiếu lại.",
    Reason.IGNORED_VOTES:
     "Phiếu đồng ý cho {{ e.votes }} không được tính vì {{ e.wards }} không thuộc danh sách ứng cử viên suy tôn "
     "đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh.",
    Reason.NO_CANDIDATE:
     "Không có đơn vị đủ điều kiện đề nghị suy tôn Cờ thi đua của Ủy ban nhân dân tỉnh (xếp loại "
     "{{ e.band_lower }} trở lên và không có điểm trừ loại trừ).",
    Reason.MISSING:
     "{{ e.ward_start }} chưa nộp bảng tự chấm điểm nên không được chấm điểm, xếp hạng và đề nghị khen thưởng.",
    Reason.REJECTED:
     "{{ e.ward_start }} {% if e.named_file %}chưa có bảng tự chấm điểm hợp lệ{% else %}có bảng tự chấm điểm không "
     "hợp lệ{% endif %} ({{ e.errors }}) nên không được chấm điểm, xếp hạng và đề nghị khen thưởng.",
}  # fmt: skip


@cache
def _template(reason: Reason) -> Template:
    """The sentence of ``reason``, compiled in a sandbox; a field it names but is not given fails loudly."""
    return SandboxedEnvironment(undefined=StrictUndefined).from_string(SENTENCES[reason])


@dataclass(frozen=True)
class Explanation:
    """One outcome and its reason in one sentence (``text``, Vietnamese, ends with a full stop).

    ``wards``: the ward codes it is about, in ranking order; ``criterion``: the rule or criterion code that
    decided it (``D3``, the band code, ``flag``/``merit``), empty when none. ``fields``: the parts of the
    sentence a Word template writes it from, already written the Vietnamese way (see :meth:`context`).
    """

    reason: Reason
    wards: tuple[str, ...]
    criterion: str
    text: str
    fields: tuple[tuple[str, FieldValue], ...] = ()

    def context(self) -> dict[str, FieldValue]:
        """What a Word template gets for this explanation: ``reason`` (``veto-band``…), ``text`` (the sentence,
        for a reason the template has no paragraph for) and the fields of the reason:

        - ``veto-band``: ``ward_start`` (``Phường Nghĩa Lộ``, where the sentence begins), ``rank``, ``total``
          (``92,72``), ``band_by_total`` and ``band`` (quoted: ``“Hoàn thành tốt nhiệm vụ”``), ``band_min``
          (``90``), ``vetoes`` (``D3 (“…”)``, several joined by ``; ``), ``several_vetoes`` (yes/no);
        - ``veto-award``: ``ward_start``, ``rank``, ``total``, ``band``, ``vetoes``, ``several_vetoes``;
        - ``no-place``: ``ward_start``, ``rank``, ``total``, ``band``, ``count`` (the merit places);
        - ``tie``: ``wards_start`` (``Phường A và phường B``), ``total``, ``base``, ``deductions``, ``rank``,
          ``next_rank``;
        - ``merit-tie``: ``wards_start``, ``rank``, ``proposed`` (wards proposed), ``count`` (the places);
        - ``lost-vote``: ``ward_start``, ``ward`` (``phường Lào Cai``), ``agree``, ``winner``, ``winner_agree``,
          ``merit`` (yes/no: it is proposed for the merit award);
        - ``no-winner``: ``wards_start``, ``missed`` (some of ``quorum``, ``tie``, ``share``, in that order),
          ``quorum`` and ``share`` (``2/3``, ``1/2``);
        - ``ignored-votes``: ``votes`` (``phường Lào Cai (1 phiếu)``), ``wards`` (``phường Lào Cai``);
        - ``no-candidate``: ``band_lower`` (``hoàn thành xuất sắc nhiệm vụ``);
        - ``missing``: ``ward_start``;
        - ``rejected``: ``ward_start``, ``errors`` (where the first error is and what it says),
          ``named_file`` (yes: only a file carrying the ward's name came, none of it usable).
        """
        return {"reason": self.reason.value, "text": self.text, **dict(self.fields)}


def _explanation(reason: Reason, wards: tuple[str, ...], criterion: str, /, **fields: FieldValue) -> Explanation:
    """The explanation of ``reason`` with its sentence rendered from ``fields``."""
    return Explanation(reason, wards, criterion, _template(reason).render(e=fields), tuple(fields.items()))


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


def _veto_list(catalogue: Catalogue, codes: Sequence[str]) -> str:
    """``D3 (“Có cán bộ…”)``; several joined by ``; ``."""
    items = {d.code: d for d in catalogue.deduction_items}
    return "; ".join(f"{c} ({quoted(items[c].name)})" for c in codes)


def _ward_explanations(
    names: Mapping[str, str], catalogue: Catalogue, ranking: Ranking, row: RankingRow
) -> list[Explanation]:
    """A veto that lowered the band or barred an award, or an award place taken by better-ranked wards."""
    score = row.score
    assert score is not None
    ward, rank, total = sentence(ward_in_sentence(names, row.ward.code)), str(row.rank), points(score.total)
    vetoes = _vetoes(catalogue, score)
    by_total = catalogue.band(next((b.code for b in catalogue.bands if b.min <= score.total), catalogue.bands[-1].code))
    band = quoted(catalogue.band(score.classification).name)
    listed, several = _veto_list(catalogue, vetoes), len(vetoes) > 1
    if vetoes and by_total.code != score.classification:
        return [
            _explanation(
                Reason.VETO_BAND, (row.ward.code,), vetoes[0], ward_start=ward, rank=rank, total=total,
                band_by_total=quoted(by_total.name), band_min=vn_plain(by_total.min), band=band, vetoes=listed,
                several_vetoes=several,
            )
        ]  # fmt: skip
    codes = [b.code for b in catalogue.bands]
    reaches = codes.index(score.classification) <= codes.index(catalogue.merit.min_classification)
    if vetoes and reaches:
        return [
            _explanation(
                Reason.VETO_AWARD, (row.ward.code,), vetoes[0], ward_start=ward, rank=rank, total=total, band=band,
                vetoes=listed, several_vetoes=several,
            )
        ]  # fmt: skip
    if reaches and row.nomination is None and _merit_full(ranking):
        return [
            _explanation(
                Reason.NO_PLACE, (row.ward.code,), catalogue.merit.min_classification, ward_start=ward, rank=rank,
                total=total, band=band, count=str(catalogue.merit.count),
            )
        ]  # fmt: skip
    return []


def _merit_full(ranking: Ranking) -> bool:
    return any(r.nomination is Nomination.MERIT for r in ranking.rows)


def _tie(names: Mapping[str, str], rows: Sequence[RankingRow]) -> Explanation:
    first = rows[0]
    assert first.score is not None and first.rank is not None
    codes = tuple(r.ward.code for r in rows)
    wards, rank, following = sentence(join_wards(names, codes)), str(first.rank), str(first.rank + len(rows))
    total, base, deductions = (points(v) for v in (first.score.total, first.score.base, first.score.deductions))
    return _explanation(
        Reason.TIE, codes, "", wards_start=wards, total=total, base=base, deductions=deductions, rank=rank,
        next_rank=following,
    )  # fmt: skip


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
        votes, wards = _ignored_parts(names, ranking.ignored_votes)
        out.append(_explanation(Reason.IGNORED_VOTES, tuple(ignored), "flag", votes=votes, wards=wards))
    return out


def _no_candidate(catalogue: Catalogue) -> Explanation:
    """Nobody can be proposed for the flag: no scored ward is in its band or better without a veto."""
    band_lower = catalogue.band(catalogue.flag.min_classification).name.lower()
    return _explanation(Reason.NO_CANDIDATE, (), "flag", band_lower=band_lower)


def _ignored_parts(names: Mapping[str, str], ignored: Mapping[str, int]) -> tuple[str, str]:
    """``phường Lào Cai (1 phiếu), phường Sa Pa (2 phiếu)`` and ``phường Lào Cai và phường Sa Pa``."""
    wards = [c for c, n in ignored.items() if n > 0]
    counted = ", ".join(f"{ward_in_sentence(names, c)} ({ignored[c]} phiếu)" for c in wards)
    return counted, join_wards(names, wards)


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
    winner, won = ward_in_sentence(names, vote.winner), str(vote.agree.get(vote.winner, 0))
    nominations = {r.ward.code: r.nomination for r in ranking.rows}
    out = []
    for code in vote.candidates:
        if code == vote.winner:
            continue
        ward, agree = ward_in_sentence(names, code), str(vote.agree.get(code, 0))
        merit = nominations.get(code) is Nomination.MERIT
        out.append(
            _explanation(
                Reason.LOST_VOTE, (code,), "flag", ward_start=sentence(ward), ward=ward, agree=agree, winner=winner,
                winner_agree=won, merit=merit,
            )
        )  # fmt: skip
    return out


def _no_winner(names: Mapping[str, str], catalogue: Catalogue, ranking: Ranking) -> Explanation:
    """Nobody gets the flag: which of quorum, a tie at the top and the share of agree votes was missed."""
    vote = ranking.vote
    assert vote is not None
    quorum, share = fraction_text(catalogue.flag.quorum), fraction_text(catalogue.flag.vote_share_above)
    missed = tuple(
        key
        for key, failed in (
            ("quorum", not vote.quorum_met),
            ("tie", vote.tie_at_top),
            ("share", vote.share_met is False),
        )
        if failed
    )
    wards = sentence(join_wards(names, vote.candidates))
    return _explanation(
        Reason.NO_WINNER, vote.candidates, "flag", wards_start=wards, missed=missed, quorum=quorum, share=share
    )


def fraction_text(value: Fraction | None) -> str:
    """``2/3`` for a share in a sentence; empty for no share."""
    return "" if value is None else f"{value.numerator}/{value.denominator}"


def _merit_tie(names: Mapping[str, str], catalogue: Catalogue, scored: Sequence[RankingRow]) -> Explanation:
    merit = [r for r in scored if r.nomination is Nomination.MERIT]
    last = merit[-1].rank
    tied = tuple(r.ward.code for r in merit if r.rank == last)
    wards, rank, proposed, count = (
        sentence(join_wards(names, tied)),
        str(last),
        str(len(merit)),
        str(catalogue.merit.count),
    )
    return _explanation(Reason.MERIT_TIE, tied, "merit", wards_start=wards, rank=rank, proposed=proposed, count=count)


def _unscored(names: Mapping[str, str], row: RankingRow, reason: str | None) -> Explanation:
    ward, codes = sentence(ward_in_sentence(names, row.ward.code)), (row.ward.code,)
    if row.status is WardStatus.MISSING and reason is None:
        return _explanation(Reason.MISSING, codes, "", ward_start=ward)
    named_file = row.status is WardStatus.MISSING  # a file carrying its name was received, none of it usable
    return _explanation(
        Reason.REJECTED, codes, "", ward_start=ward, errors=reason or _SEE_REPORT, named_file=named_file
    )
