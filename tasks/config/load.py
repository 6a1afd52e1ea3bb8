"""Load ``bloc.yaml``, ``criteria.yaml`` and ``meeting.yaml`` into domain objects, checked at load.

Numbers are exact decimals read from their text (``0.5`` is ``Decimal("0.5")``, never a float) and
``"a/b"`` thresholds are exact fractions. Any unknown key, missing key or inconsistent value raises
:class:`ConfigError` naming the file, the key path and the problem, before any output is written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tasks.config.node import ConfigError, ConfigNode, read_yaml, shown
from tasks.domain import (
    LOCAL_TIME,
    AwardRule,
    Band,
    Bloc,
    BonusItem,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Indicator,
    Meeting,
    Method,
    MonthWindow,
    Person,
    Votes,
    Ward,
)
from tasks.intake.identify import roster_key
from tasks.text import nfc, number_text, vn_count

__all__ = ["ConfigError", "load_bloc", "load_catalogue", "load_meeting", "read_yaml"]


def _check_year(node: ConfigNode, year: int | None) -> int:
    found = node.integer("year")
    if year is not None and found != year:
        raise node.fail("year", f"năm {found} khác với năm của thư mục ({year})")
    return found


def load_bloc(path: Path, year: int | None = None) -> Bloc:
    """Read ``bloc.yaml`` (roster); ward codes and names must be unique and the head a member."""
    top = ConfigNode(path, "", read_yaml(path))
    top.only({"bloc"})
    node = top.child("bloc")
    node.only({"code", "name", "province", "year", "head", "members"})
    members = []
    for item in node.items("members"):
        item.only({"code", "name"})
        members.append(Ward(code=item.text("code"), name=item.text("name")))
    codes = [w.code for w in members]
    for i, ward in enumerate(members):
        if codes.index(ward.code) != i:
            raise node.fail(f"members[{i}].code", f"mã phường {ward.code} xuất hiện hai lần")
        if not re.fullmatch(r"[A-Z0-9_-]+", ward.code):
            raise node.fail(
                f"members[{i}].code",
                f"mã phường {shown(ward.code)} chỉ được dùng chữ in hoa không dấu A–Z, số 0–9, dấu - hoặc _",
            )
    _check_names(node, members)
    head = node.text("head")
    if head not in codes:
        raise node.fail("head", f"{head} không phải phường thành viên của Khối")
    code = node.text("code")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", code):
        raise node.fail(
            "code", f"{shown(code)} dùng làm tên thư mục nên chỉ được có chữ thường không dấu a–z, số 0–9, dấu - hoặc _"
        )
    return Bloc(
        code=code,
        name=node.text("name"),
        province=node.text("province"),
        year=_check_year(node, year),
        head=head,
        members=tuple(members),
    )


def _check_names(node: ConfigNode, members: list[Ward]) -> None:
    """Every ward stays identifiable: no two names (nor a name and another ward's code) read the same once
    case, spacing, Unicode form and the ``Phường`` prefix are set aside, as workbooks are matched."""
    seen: dict[str, int] = {ward.code.casefold(): i for i, ward in enumerate(members)}
    for i, ward in enumerate(members):
        for key in {roster_key(ward.name), nfc(ward.name).casefold()}:
            j = seen.setdefault(key, i)
            if j != i:
                other = members[j]
                raise node.fail(
                    f"members[{i}].name",
                    f"tên {shown(ward.name)} đọc giống tên {shown(other.name)} ({other.code}) khi bỏ qua chữ hoa, "
                    "chữ thường, khoảng trắng và chữ «Phường»: không biết tệp ghi tên đó là của phường nào",
                )


_LISTED = 12  # ward codes listed in an error


def _only_ward_codes(node: ConfigNode, members: tuple[Ward, ...]) -> None:
    """Every key of ``node`` is a member's code; else the error names the unknown ward and lists the codes.

    A ward written by its name instead of its code is told its code.
    """
    codes = {w.code for w in members}
    for key in node.data:
        if key in codes:
            continue
        named = [w for w in members if isinstance(key, str) and roster_key(key) == roster_key(w.name)]
        hint = f" (phường {named[0].name} có mã {named[0].code})" if named else ""
        listed = ", ".join(w.code for w in members[:_LISTED])
        if len(members) > _LISTED:  # a thousand-ward bloc: the first codes, and where the others are
            listed += f", … ({vn_count(len(members))} mã, xem bloc.yaml)"
        raise node.fail(
            str(key), f"{shown(key)} không phải mã phường nào của Khối trong bloc.yaml{hint}; các mã hợp lệ: {listed}"
        )


def _month(node: ConfigNode, name: str) -> str:
    value = node.text(name)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise node.fail(name, f'cần một tháng dạng "YYYY-MM" (như "2025-09"), gặp {shown(value)}')
    return value


def _criteria(top: ConfigNode) -> tuple[Group, ...]:
    groups = []
    for g in top.items("groups"):
        g.only({"code", "name", "criteria"})
        criteria = []
        for c in g.items("criteria"):
            kind = c.text("kind")
            c.only({"code", "kind", "max", "name"} | ({"indicator"} if kind == "indicator" else set()))
            if kind not in {k.value for k in CriterionKind}:
                raise c.fail(
                    "kind", f"cần assessed (chấm theo đánh giá) hoặc indicator (theo chỉ tiêu), gặp {shown(kind)}"
                )
            criteria.append(
                Criterion(
                    code=c.text("code"),
                    name=c.text("name"),
                    kind=CriterionKind(kind),
                    max=c.number("max"),
                    group=g.text("code"),
                    indicator=c.text("indicator") if kind == "indicator" else None,
                )
            )
        groups.append(Group(code=g.text("code"), name=g.text("name"), criteria=tuple(criteria)))
    return tuple(groups)


def _indicators(top: ConfigNode, members: tuple[Ward, ...]) -> tuple[Indicator, ...]:
    wards = tuple(w.code for w in members)
    out = []
    for n in top.items("indicators"):
        n.only({"code", "name", "unit", "cumulative", "method"}, {"target", "targets", "at_most"})
        if ("target" in n.data) == ("targets" in n.data):
            raise n.fail(
                "target",
                "ghi đúng một trong hai khóa: target (kế hoạch chung cho mọi phường) hoặc targets (riêng từng phường)",
            )
        if "target" in n.data:
            targets = {w: n.number("target") for w in wards}
        else:
            per_ward = n.child("targets")
            _only_ward_codes(per_ward, members)
            per_ward.only(set(wards))
            targets = {w: per_ward.number(w) for w in wards}
        for w, t in targets.items():
            if t <= 0:
                raise n.fail(f"targets.{w}", "kế hoạch năm (target) phải lớn hơn 0")
        method = n.text("method")
        if method not in {m.value for m in Method}:
            raise n.fail("method", f"cần proportional (theo tỷ lệ) hoặc threshold (theo ngưỡng), gặp {shown(method)}")
        out.append(
            Indicator(
                code=n.text("code"),
                name=n.text("name"),
                unit=n.text("unit"),
                cumulative=n.flag("cumulative"),
                method=Method(method),
                targets=targets,
                at_most=n.number("at_most") if "at_most" in n.data else None,
            )
        )
    return tuple(out)


def _bonus(top: ConfigNode) -> tuple[Decimal, tuple[BonusItem, ...]]:
    node = top.child("bonus")
    node.only({"cap", "items"})
    items = []
    for n in node.items("items"):
        n.only({"code", "points", "cap", "name"})
        items.append(BonusItem(n.text("code"), n.text("name"), n.number("points"), n.number("cap")))
    return node.number("cap"), tuple(items)


def _deductions(top: ConfigNode) -> tuple[tuple[DeductionItem, ...], DeductionItem]:
    node = top.child("deductions")
    node.only({"items", "missing_monthly_report"})
    items = []
    for n in node.items("items"):
        n.only({"code", "points", "name"}, {"veto"})
        items.append(DeductionItem(n.text("code"), n.text("name"), n.number("points"), n.flag("veto")))
    dm = node.child("missing_monthly_report")
    dm.only({"code", "points", "name"})
    return tuple(items), DeductionItem(dm.text("code"), dm.text("name"), dm.number("points"))


def _award(node: ConfigNode, bands: tuple[Band, ...], voted: bool) -> AwardRule:
    node.only({"count", "min_classification"} | ({"vote_share_above", "quorum"} if voted else set()))
    band = node.text("min_classification")
    if band not in {b.code for b in bands}:
        raise node.fail("min_classification", f"{band} không phải mã xếp loại nào trong classification")
    count = node.integer("count")
    if count < 1:
        raise node.fail("count", "cần ít nhất 1")
    return AwardRule(
        count=count,
        min_classification=band,
        vote_share_above=node.fraction("vote_share_above") if voted else None,
        quorum=node.fraction("quorum") if voted else None,
    )


def _bands(top: ConfigNode, scale: Decimal) -> tuple[Band, ...]:
    bands = []
    for n in top.items("classification"):
        n.only({"code", "min", "name"})
        bands.append(Band(n.text("code"), n.text("name"), n.number("min")))
    for i in range(1, len(bands)):
        if bands[i].min >= bands[i - 1].min:
            raise top.fail(f"classification[{i}].min", "các mức xếp loại phải xếp theo min giảm dần")
    if bands[-1].min != 0:
        raise top.fail(f"classification[{len(bands) - 1}].min", "mức xếp loại cuối cùng phải có min bằng 0")
    if bands[0].min > scale:
        raise top.fail("classification[0].min", f"lớn hơn thang điểm {number_text(scale)}")
    return tuple(bands)


_CRITERIA_KEYS = {"year", "scale", "monthly_window", "groups", "indicators", "bonus", "deductions"}


def load_catalogue(path: Path, bloc: Bloc, year: int | None = None) -> Catalogue:
    """Read ``criteria.yaml`` and check it against itself and the roster."""
    top = ConfigNode(path, "", read_yaml(path))
    top.only(_CRITERIA_KEYS | {"classification", "nominations"})
    window_node = top.child("monthly_window")
    window_node.only({"first", "last"})
    window = MonthWindow(_month(window_node, "first"), _month(window_node, "last"))
    if window.first > window.last:
        raise window_node.fail("last", "tháng cuối (last) đứng trước tháng đầu (first)")
    scale = top.number("scale")
    groups = _criteria(top)
    indicators = _indicators(top, bloc.members)
    bonus_cap, bonus_items = _bonus(top)
    deductions, missing = _deductions(top)
    bands = _bands(top, scale)
    nominations = top.child("nominations")
    nominations.only({"flag", "merit"})
    catalogue = Catalogue(
        year=_check_year(top, year),
        scale=scale,
        window=window,
        groups=groups,
        indicators=indicators,
        bonus_cap=bonus_cap,
        bonus_items=bonus_items,
        deduction_items=deductions,
        missing_report=missing,
        bands=bands,
        flag=_award(nominations.child("flag"), bands, voted=True),
        merit=_award(nominations.child("merit"), bands, voted=False),
    )
    _check_catalogue(top, catalogue)
    return catalogue


def _check_catalogue(top: ConfigNode, cat: Catalogue) -> None:
    """Cross-checks: unique codes, the base sums to the scale, indicators resolve."""
    seen: set[str] = set()
    codes = [c.code for c in cat.criteria] + [g.code for g in cat.groups]
    codes += [i.code for i in cat.indicators] + [b.code for b in cat.bonus_items]
    codes += [d.code for d in cat.deduction_items] + [cat.missing_report.code]
    for code in codes:
        if code in seen and code not in {g.code for g in cat.groups}:
            raise top.fail("groups", f"mã {code} được dùng hai lần")
        seen.add(code)
    total = sum((c.max for c in cat.criteria), Decimal(0))
    if total != cat.scale:
        raise top.fail(
            "groups",
            f"điểm tối đa các tiêu chí cộng lại là {number_text(total)}, "
            f"không bằng thang điểm {number_text(cat.scale)}",
        )
    indicator_codes = {i.code for i in cat.indicators}
    for gi, group in enumerate(cat.groups):
        for ci, c in enumerate(group.criteria):
            if c.kind is CriterionKind.INDICATOR and c.indicator not in indicator_codes:
                raise top.fail(
                    f"groups[{gi}].criteria[{ci}].indicator", f"không có chỉ tiêu {c.indicator} trong indicators"
                )
    for bi, b in enumerate(cat.bonus_items):
        if b.cap < b.points:
            raise top.fail(
                f"bonus.items[{bi}].cap", "mức trần (cap) của mục nhỏ hơn số điểm (points) của một lần được cộng"
            )
    if not any(d.veto for d in cat.deduction_items) and len(cat.bands) < 2:
        raise top.fail("classification", "cần ít nhất hai mức xếp loại")


def _person(node: ConfigNode, name: str) -> Person:
    p = node.child(name)
    p.only({"name", "title"})
    return Person(name=p.text("name", ""), title=p.text("title", ""))


def _moment(node: ConfigNode, name: str) -> datetime | None:
    """Vietnam's wall-clock time (naive) of key ``name``. A time written with Vietnam's offset (``+07:00``) is
    taken as it is; one with another offset (``08:00Z``, ``08:00+00:00``) is refused, naming the hour it would
    be in Vietnam: the file's times are local, so another zone is more likely a slip than a meeting at 15:00, and
    converting it in silence would print an hour in the minutes that nobody wrote."""
    value = node.data.get(name)
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() != LOCAL_TIME.utcoffset(None):
        local = value.astimezone(LOCAL_TIME).replace(tzinfo=None)
        written = value.replace(tzinfo=None)
        raise node.fail(
            name,
            f"giờ ghi kèm múi giờ khác giờ Việt Nam: {shown(value)} là {local:%H:%M} ngày {local:%d/%m/%Y} giờ Việt "
            f"Nam; tệp ghi giờ Việt Nam, không kèm múi giờ: ghi {local:%Y-%m-%dT%H:%M:%S} nếu cuộc họp vào "
            f"{local:%H:%M}, hoặc {written:%Y-%m-%dT%H:%M:%S} nếu vào {written:%H:%M} giờ Việt Nam",
        )
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise node.fail(name, f"cần ngày giờ dạng 2026-01-15T08:00:00, gặp {shown(value)}")


def _votes(node: ConfigNode, bloc: Bloc) -> Votes:
    node.only({"ballots_issued", "ballots_received", "ballots_valid", "flag"})
    issued, received, valid = (node.integer(k) for k in ("ballots_issued", "ballots_received", "ballots_valid"))
    if issued > len(bloc.members):
        raise node.fail("ballots_issued", f"phát ra {issued} phiếu nhưng Khối chỉ có {len(bloc.members)} thành viên")
    if received > issued:
        raise node.fail("ballots_received", f"thu về {received} phiếu nhưng chỉ phát ra {issued} phiếu")
    if valid > received:
        raise node.fail("ballots_valid", f"{valid} phiếu hợp lệ nhưng chỉ thu về {received} phiếu")
    flag = node.child("flag")
    _only_ward_codes(flag, bloc.members)
    agree = {code: flag.integer(code) for code in flag.data}
    for code, count in agree.items():
        if count > valid:
            raise flag.fail(code, f"{count} phiếu đồng ý nhưng chỉ có {valid} phiếu hợp lệ")
    return Votes(issued, received, valid, agree)


def load_meeting(path: Path, bloc: Bloc) -> Meeting | None:
    """Read the optional ``meeting.yaml``; ``None`` when the file does not exist."""
    if not path.exists():
        return None
    top = ConfigNode(path, "", read_yaml(path))
    top.only({"meeting"}, {"votes"})
    m = top.child("meeting")
    m.only({"number", "place", "chair", "secretary"}, {"start", "end", "attendees"})
    start, end = _moment(m, "start"), _moment(m, "end")
    if start and end and end < start:
        raise m.fail("end", "cuộc họp kết thúc trước khi bắt đầu")
    attendees = m.data.get("attendees") or []
    if not isinstance(attendees, list) or not all(isinstance(a, str) for a in attendees):
        raise m.fail("attendees", "cần một danh sách các dòng chữ")
    votes = top.data.get("votes")
    return Meeting(
        number=m.text("number"),
        start=start,
        end=end,
        place=m.text("place", ""),
        chair=_person(m, "chair"),
        secretary=_person(m, "secretary"),
        attendees=tuple(attendees),
        votes=_votes(top.child("votes"), bloc) if votes is not None else None,
    )
