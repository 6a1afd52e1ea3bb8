"""Minimal, independent reader of ``bloc.yaml``, ``criteria.yaml`` and ``meeting.yaml`` for the sample generator.

The generator and its expected-outcome scorer deliberately do not use the pipeline's own config loader, so
that the samples and the intended outcome are an independent check of the pipeline. Numbers are read from
their YAML text as exact ``Decimal``; ``"a/b"`` thresholds become ``Fraction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml


class _DecimalLoader(yaml.SafeLoader):
    """A safe YAML loader that reads floats as exact decimals from their text."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file with floats as ``Decimal``."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_DecimalLoader)


def dec(value: object) -> Decimal:
    """An exact decimal from a YAML number (int or Decimal) or its text."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Criterion:
    """A catalogue criterion (tiêu chí)."""

    code: str
    name: str
    kind: str  # "assessed" | "indicator"
    max: Decimal
    group: str
    indicator: str | None


@dataclass(frozen=True)
class Group:
    """A criterion group (nhóm tiêu chí)."""

    code: str
    name: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Indicator:
    """A monthly indicator (chỉ tiêu) with each ward's target."""

    code: str
    name: str
    unit: str
    cumulative: bool
    method: str  # "proportional" | "threshold"
    targets: dict[str, Decimal]
    at_most: Decimal | None


@dataclass(frozen=True)
class Item:
    """A bonus (T) or deduction (D, DM) item."""

    code: str
    name: str
    points: Decimal
    cap: Decimal | None = None
    veto: bool = False


@dataclass(frozen=True)
class Band:
    """A classification band (mức xếp loại)."""

    code: str
    name: str
    min: Decimal


@dataclass(frozen=True)
class Rules:
    """The year's catalogue and scoring rules."""

    year: int
    months: tuple[str, ...]
    groups: tuple[Group, ...]
    indicators: dict[str, Indicator]
    bonus_cap: Decimal
    bonus: tuple[Item, ...]
    deductions: tuple[Item, ...]
    missing_report: Item
    bands: tuple[Band, ...]
    flag_min: str
    flag_share: Fraction
    flag_quorum: Fraction
    merit_count: int
    merit_min: str

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion in catalogue order."""
        return tuple(c for g in self.groups for c in g.criteria)


@dataclass(frozen=True)
class Roster:
    """The bloc (khối thi đua) and its member wards, in roster order."""

    code: str
    name: str
    province: str
    year: int
    head: str
    wards: tuple[tuple[str, str], ...]  # (code, name)

    def name_of(self, code: str) -> str:
        """The roster name of the ward ``code``."""
        return dict(self.wards)[code]


def _months(first: str, last: str) -> tuple[str, ...]:
    y, m = (int(p) for p in first.split("-"))
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def _group(raw: dict[str, Any]) -> Group:
    code = str(raw["code"])
    crits = tuple(
        Criterion(str(c["code"]), c["name"], c["kind"], dec(c["max"]), code, c.get("indicator"))
        for c in raw["criteria"]
    )
    return Group(code, raw["name"], crits)


def _indicator(raw: dict[str, Any], ward_codes: list[str]) -> Indicator:
    if "targets" in raw:
        targets = {k: dec(v) for k, v in raw["targets"].items()}
    else:
        targets = {w: dec(raw["target"]) for w in ward_codes}
    at_most = dec(raw["at_most"]) if "at_most" in raw else None
    return Indicator(raw["code"], raw["name"], raw["unit"], bool(raw["cumulative"]), raw["method"], targets, at_most)


def load_rules(path: Path, roster: Roster) -> Rules:
    """Read ``criteria.yaml`` (trusted: the generator does not validate it)."""
    raw = load_yaml(path)
    wards = [c for c, _ in roster.wards]
    bonus = tuple(Item(i["code"], i["name"], dec(i["points"]), dec(i["cap"])) for i in raw["bonus"]["items"])
    deds = tuple(
        Item(i["code"], i["name"], dec(i["points"]), veto=bool(i.get("veto", False)))
        for i in raw["deductions"]["items"]
    )
    dm = raw["deductions"]["missing_monthly_report"]
    noms = raw["nominations"]
    return Rules(
        year=int(raw["year"]),
        months=_months(raw["monthly_window"]["first"], raw["monthly_window"]["last"]),
        groups=tuple(_group(g) for g in raw["groups"]),
        indicators={i["code"]: _indicator(i, wards) for i in raw["indicators"]},
        bonus_cap=dec(raw["bonus"]["cap"]),
        bonus=bonus,
        deductions=deds,
        missing_report=Item(dm["code"], dm["name"], dec(dm["points"])),
        bands=tuple(Band(b["code"], b["name"], dec(b["min"])) for b in raw["classification"]),
        flag_min=noms["flag"]["min_classification"],
        flag_share=Fraction(str(noms["flag"]["vote_share_above"])),
        flag_quorum=Fraction(str(noms["flag"]["quorum"])),
        merit_count=int(noms["merit"]["count"]),
        merit_min=noms["merit"]["min_classification"],
    )


def load_roster(path: Path) -> Roster:
    """Read ``bloc.yaml``."""
    raw = load_yaml(path)["bloc"]
    wards = tuple((m["code"], m["name"]) for m in raw["members"])
    return Roster(raw["code"], raw["name"], raw["province"], int(raw["year"]), raw["head"], wards)


def load_votes(path: Path) -> dict[str, Any] | None:
    """The ``votes`` section of ``meeting.yaml``, or None when the file or the section is absent."""
    if not path.exists():
        return None
    raw = load_yaml(path) or {}
    return raw.get("votes")
