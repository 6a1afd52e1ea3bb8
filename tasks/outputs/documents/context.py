"""The plain context dicts the Word templates are rendered with (pure functions, no IO).

Keys shared by both templates:
  ``province`` (Lào Cai), ``province_upper`` (LÀO CAI), ``bloc_name`` (Khối thi đua các phường),
  ``bloc_upper``, ``year`` (review year), ``number`` (minutes number or dots), ``place_name`` (head ward),
  ``date`` {day, month, year} (the meeting's day, zero-padded; dotted blanks to fill in by hand when no meeting
  date is known: the run's ``moment`` is the files' timestamp, never printed as the meeting's date),
  ``draft`` (no vote results yet), ``blank`` (dotted line),
  ``rows`` [{rank, ward, groups [..], base, bonus, deductions, total, band, nomination, tied}],
  ``ties`` [{rank, wards, total}], ``chair`` / ``secretary`` {name, title, signature},
  ``explanations`` [..] (one per outcome the totals alone do not explain, ``tasks.scoring.explain``; set by
  the document jobs): ``e.reason`` picks the template's paragraph, which writes the sentence from the fields
  (``e.ward_start``, ``e.total``…, listed in ``Explanation.context``); ``e.text`` and ``{{ e }}`` are the
  whole sentence.
A ward is ``Phường Sa Pa`` where a cell or an item begins (``ward``) and ``phường Sa Pa`` inside a sentence
(``name``; lists of names such as ``candidate_names`` are written that way too, NĐ 30/2020 Phụ lục II).
Ranking only: ``groups`` [{code, name, max}].
Minutes only: ``scale``, ``counts`` {members, scored, rejected, missing}, ``rejected_wards``,
  ``missing_wards``, ``bands`` [{name, count, wards}], ``start`` / ``end``
  {hour, minute, day, month, year}, ``place``, ``attendees`` [..], ``rule`` {band, quorum, share},
  ``ballots`` {issued, received, valid}, ``candidates`` [{ward, rank, total, agree, share}],
  ``candidate_names``, ``flag_status`` (awarded | failed | proposed | tied | none), ``winner``
  {ward, agree, share}, ``why`` {quorum, tie, share, leaders} (what a failed vote missed), ``ignored``
  [{ward, agree}] (votes for non-candidates, also when no ward is a candidate; the sentence saying so is one of
  ``explanations``), ``merit`` [{ward, rank, total}], ``merit_tie``, ``merit_count``.
Numbers are written the Vietnamese way: a decimal comma and two decimals (``95,50``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tasks.domain import (
    Bloc,
    Catalogue,
    Meeting,
    Person,
    Ranking,
    RankingRow,
    Ward,
    WardStatus,
)
from tasks.outputs.labels import NOMINATION_TEXT
from tasks.text import vn_plain

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates" / "word"
RANKING_TEMPLATE = "bang-xep-hang.docx"
MINUTES_TEMPLATE = "bien-ban-hop-tong-ket.docx"
SHORT_BLANK = "......"
BLANK = "........................................"
DASH = "–"
STATUS_LABELS = {WardStatus.REJECTED: "Không có bảng tự chấm hợp lệ", WardStatus.MISSING: "Chưa nộp"}

Context = dict[str, Any]


def vn_points(value: Decimal, places: int = 2) -> str:
    """A number as Vietnamese documents write it: ``Decimal("1234.5")`` -> ``"1.234,50"``."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def ward_label(ward: Ward) -> str:
    """The ward as named where a table cell or a list item begins: ``Phường Sa Pa``."""
    return f"Phường {ward.name}"


def ward_name(ward: Ward) -> str:
    """The ward as named inside a sentence (NĐ 30: the administrative level in lower case): ``phường Sa Pa``."""
    return f"phường {ward.name}"


def typographic_quotes(text: str) -> str:
    """Straight double quotes in pairs turned into Vietnamese typographic quotes: ``"a"`` -> ``“a”``."""
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an unpaired quote: leave the text as written
        return text
    return "".join(part if i % 2 == 0 else f"“{part}”" for i, part in enumerate(parts))


def vn_percent(value: Decimal) -> str:
    """A share in percent: whole numbers without decimals (``90``), else up to two (``66,67``)."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return vn_plain(rounded) if rounded != rounded.to_integral_value() else str(int(rounded))


def join_names(names: list[str]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def moment_parts(moment: datetime | None) -> dict[str, str]:
    """Hour, minute, day, month, year zero-padded; dotted blanks when unknown."""
    if moment is None:
        return dict.fromkeys(("hour", "minute", "day", "month", "year"), SHORT_BLANK)
    return {
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "day": f"{moment.day:02d}",
        "month": f"{moment.month:02d}",
        "year": f"{moment.year:04d}",
    }


def _person(person: Person | None) -> dict[str, str]:
    if person is None:
        return {"name": BLANK, "title": BLANK, "signature": ""}
    name, title = person.name.strip(), person.title.strip()
    return {"name": name or BLANK, "title": title or BLANK, "signature": name}


def common_context(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, meeting: Meeting | None, moment: datetime
) -> Context:
    """Keys both documents use: the issuing body, number, place and date, rows, ties, signers.

    ``moment`` (the latest ``Ngày lập`` in a draft) only stamps the file; it is never printed as the date.
    """
    held = meeting.start if meeting is not None else None
    return {
        "province": bloc.province,
        "province_upper": bloc.province.upper(),
        "bloc_name": bloc.name,
        "bloc_upper": bloc.name.upper(),
        "year": str(bloc.year),
        "number": meeting.number.strip() if meeting is not None and meeting.number.strip() else SHORT_BLANK,
        "place_name": bloc.ward(bloc.head).name,
        "date": {key: moment_parts(held)[key] for key in ("day", "month", "year")},
        "draft": meeting is None or meeting.votes is None,
        "blank": BLANK,
        "rows": [ranking_row(row, catalogue) for row in ranking.rows],
        "ties": ties(ranking),
        "chair": _person(meeting.chair if meeting else None),
        "secretary": _person(meeting.secretary if meeting else None),
    }


def ranking_row(row: RankingRow, catalogue: Catalogue) -> Context:
    """One table row: numbers for a scored ward, dashes and the reason for the others."""
    score = row.score
    if row.status is not WardStatus.SCORED or score is None:
        return {
            "rank": DASH,
            "ward": ward_label(row.ward),
            "groups": [DASH for _ in catalogue.groups],
            **dict.fromkeys(("base", "bonus", "deductions", "total"), DASH),
            "band": STATUS_LABELS.get(row.status, DASH),
            "nomination": "",
            "tied": False,
        }
    return {
        "rank": str(row.rank) if row.rank is not None else DASH,
        "ward": ward_label(row.ward),
        "groups": [vn_points(score.group_scores.get(g.code, Decimal(0))) for g in catalogue.groups],
        "base": vn_points(score.base),
        "bonus": vn_points(score.bonus),
        "deductions": vn_points(score.deductions),
        "total": vn_points(score.total),
        "band": catalogue.band(score.classification).name,
        "nomination": NOMINATION_TEXT[row.nomination] if row.nomination else "",
        "tied": row.tied,
    }


def ties(ranking: Ranking) -> list[Context]:
    """Groups of scored wards sharing a rank, in rank order."""
    by_rank: dict[int, list[RankingRow]] = {}
    for row in ranking.rows:
        if row.status is WardStatus.SCORED and row.rank is not None and row.score is not None:
            by_rank.setdefault(row.rank, []).append(row)
    return [
        {
            "rank": str(rank),
            "wards": join_names([ward_name(r.ward) for r in rows]),
            "total": vn_points(rows[0].score.total if rows[0].score else Decimal(0)),
        }
        for rank, rows in sorted(by_rank.items())
        if len(rows) > 1
    ]


def ranking_context(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, meeting: Meeting | None, moment: datetime
) -> Context:
    """Context of ``bang-xep-hang.docx``: the common keys plus the criterion groups."""
    context = common_context(bloc, catalogue, ranking, meeting, moment)
    context["groups"] = [
        {
            "code": g.code,
            "name": typographic_quotes(g.name),
            "max": vn_plain(sum((c.max for c in g.criteria), Decimal(0))),
        }
        for g in catalogue.groups
    ]
    return context
