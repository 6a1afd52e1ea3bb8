"""Domain types of the emulation review (thi đua).

Vocabulary, explained once:
- *khối thi đua* (bloc): the group of wards that compete; one ward heads it (trưởng khối).
- *tiêu chí* (criterion): one line of the scoring catalogue; ``assessed`` ones are self-scored by the ward,
  ``indicator`` ones are computed from a monthly indicator (chỉ tiêu).
- *tự chấm* (self-assessment), *thẩm định* (appraisal by the bloc, overrides the ward's own value).
- *điểm thưởng* (bonus, T codes), *điểm trừ* (deductions, D codes; DM = missing monthly report).
- *xếp loại* (classification band), *cờ thi đua* (flag), *bằng khen* (merit).

All points are ``Decimal``; nothing in the scoring path uses binary floats.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TypeVar

from tasks.text import key

# Vietnam keeps UTC+7 all year (no daylight saving): a fixed offset needs no time-zone database (tzdata is
# absent on Windows), so the bytes do not depend on the machine. A naive time in the domain (a meeting's start
# and end, a document's moment) is Vietnam's wall-clock time.
LOCAL_TIME = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

# --- Configuration (bloc.yaml, criteria.yaml, meeting.yaml) ---------------------------------------


@dataclass(frozen=True)
class Ward:
    """A member of the bloc (phường): stable code and roster name."""

    code: str
    name: str


@dataclass(frozen=True)
class Bloc:
    """The emulation bloc (khối thi đua) of one year."""

    code: str
    name: str
    province: str
    year: int
    head: str
    members: tuple[Ward, ...]

    def ward(self, code: str) -> Ward:
        """The roster ward with ``code``."""
        found = self._ward_index.get(code)
        return found if found is not None else next(w for w in self.members if w.code == code)

    @cached_property
    def names(self) -> Mapping[str, str]:
        """Ward code → roster name, built once: sentences and feedback name wards one by one."""
        return {w.code: w.name for w in self.members}

    @cached_property
    def name_keys(self) -> dict[str, tuple[Ward, ...]]:
        """Comparison key of a roster name → the wards of that name, built once: every file's name is searched
        for them (``tasks.intake.identify.ward_in_file_name``)."""
        found: dict[str, tuple[Ward, ...]] = {}
        for w in self.members:
            found[key(w.name)] = (*found.get(key(w.name), ()), w)
        return found

    @cached_property
    def name_key_lengths(self) -> frozenset[int]:
        """The lengths of ``name_keys``, built once."""
        return frozenset(len(k) for k in self.name_keys)

    @cached_property
    def _ward_index(self) -> dict[str, Ward]:
        """Code → ward, built once: writers look a thousand wards up one by one."""
        return _first_by_code(self.members)


class CriterionKind(StrEnum):
    ASSESSED = "assessed"
    INDICATOR = "indicator"


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion (tiêu chí) with its maximum points."""

    code: str
    name: str
    kind: CriterionKind
    max: Decimal
    group: str
    indicator: str | None = None


@dataclass(frozen=True)
class Group:
    """A criterion group (nhóm tiêu chí), e.g. ``"2"`` economy and administrative reform."""

    code: str
    name: str
    criteria: tuple[Criterion, ...]


class Method(StrEnum):
    PROPORTIONAL = "proportional"
    THRESHOLD = "threshold"


@dataclass(frozen=True)
class Indicator:
    """A monthly indicator (chỉ tiêu) and the target of each ward."""

    code: str
    name: str
    unit: str
    cumulative: bool
    method: Method
    targets: dict[str, Decimal]  # ward code -> target
    at_most: Decimal | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"


@dataclass(frozen=True)
class BonusItem:
    """A bonus item (điểm thưởng, T code): points per occurrence, capped per item."""

    code: str
    name: str
    points: Decimal
    cap: Decimal


@dataclass(frozen=True)
class DeductionItem:
    """A deduction item (điểm trừ, D code); a veto item bars the top band and any nomination."""

    code: str
    name: str
    points: Decimal
    veto: bool = False


_Coded = TypeVar("_Coded", Ward, Criterion, Indicator)


@dataclass(frozen=True)
class Band:
    """A classification band (mức xếp loại) with its inclusive minimum total."""

    code: str
    name: str
    min: Decimal


@dataclass(frozen=True)
class AwardRule:
    """Nomination rule for an award (flag: cờ thi đua; merit: bằng khen)."""

    count: int
    min_classification: str
    vote_share_above: Fraction | None = None
    quorum: Fraction | None = None


@dataclass(frozen=True)
class MonthWindow:
    """The months whose progress reports count, as ``YYYY-MM`` strings, inclusive."""

    first: str
    last: str

    def months(self) -> tuple[str, ...]:
        """Every month of the window in order."""
        return _months(self.first, self.last)

    def before(self, period: str) -> tuple[str, ...]:
        """The months of the window before ``period``, in order: those a month's report is compared with."""
        return tuple(month for month in self.months() if month < period)


@lru_cache(maxsize=64)
def _months(first: str, last: str) -> tuple[str, ...]:
    """The months from ``first`` to ``last``; remembered, since scoring asks once per ward."""
    y, m = (int(p) for p in first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def _first_by_code(items: tuple[_Coded, ...]) -> dict[str, _Coded]:
    """Code → the first item with that code (as a linear search would find it)."""
    return {item.code: item for item in reversed(items)}


@dataclass(frozen=True)
class Catalogue:
    """The year's criteria catalogue and rules (criteria.yaml)."""

    year: int
    scale: Decimal
    window: MonthWindow
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    bonus_cap: Decimal
    bonus_items: tuple[BonusItem, ...]
    deduction_items: tuple[DeductionItem, ...]
    missing_report: DeductionItem
    bands: tuple[Band, ...]
    flag: AwardRule
    merit: AwardRule

    # The catalogue is frozen, so its flat list and lookups are built once, on first use: scoring a thousand
    # wards looks criteria and indicators up hundreds of thousands of times.
    @cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for g in self.groups for c in g.criteria)

    @cached_property
    def _criterion_index(self) -> dict[str, Criterion]:
        return _first_by_code(self.criteria)

    @cached_property
    def _indicator_index(self) -> dict[str, Indicator]:
        return _first_by_code(self.indicators)

    def criterion(self, code: str) -> Criterion | None:
        return self._criterion_index.get(code)

    def indicator(self, code: str) -> Indicator | None:
        return self._indicator_index.get(code)

    def band(self, code: str) -> Band:
        """The classification band ``code``; an unknown code is a programming error."""
        band = next((b for b in self.bands if b.code == code), None)
        if band is None:
            raise ValueError(f"classification {code!r} is not a band of the {self.year} catalogue")
        return band


@dataclass(frozen=True)
class Person:
    """A role at the meeting; the name may be left for the secretariat to fill in."""

    name: str
    title: str


@dataclass(frozen=True)
class Votes:
    """Secret-ballot results (phiếu bầu) for the flag."""

    ballots_issued: int
    ballots_received: int
    ballots_valid: int
    flag: dict[str, int]  # ward code -> agree votes


@dataclass(frozen=True)
class Meeting:
    """The review meeting (hội nghị tổng kết) facts; ``votes`` is None before the vote."""

    number: str
    start: datetime | None  # naive: Vietnam's wall-clock time (LOCAL_TIME)
    end: datetime | None
    place: str
    chair: Person
    secretary: Person
    attendees: tuple[str, ...]
    votes: Votes | None = None


# --- Submissions and issues ---------------------------------------------------------------------


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Kind(StrEnum):
    ANNUAL = "annual"
    APPRAISAL = "appraisal"
    MONTHLY = "monthly"
    UNKNOWN = "unknown"


class Status(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Issue:
    """A problem found in a submission (or a ward with nothing received), told to people in Vietnamese."""

    severity: Severity
    rule: str
    message: str
    hint: str
    sheet: str | None = None
    cell: str | None = None
    column: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        # Messages quote what a ward wrote (sheet names, values), which may hold characters that another
        # sequence writes the same way (a compatibility ideograph, a decomposed letter): people read them in
        # NFC like every other text; the fields that locate the cell keep the exact name.
        object.__setattr__(self, "message", unicodedata.normalize("NFC", self.message))
        object.__setattr__(self, "hint", unicodedata.normalize("NFC", self.hint))


@dataclass(frozen=True)
class ConfigWarning:
    """Something in a configuration file (``meeting.yaml``) that the run set aside instead of stopping on it:
    ``file`` and its ``key`` (``votes.flag``), the ward codes it is about, and why, in Vietnamese."""

    file: str
    key: str
    rule: str
    message: str
    hint: str
    wards: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputFile:
    """A file found under ``inputs/<year>/``: its path relative to that folder and content hash.

    ``refused`` says why discovery could not read the entry at all (``unreadable``, ``broken_link``,
    ``special_file``, …; its ``sha256`` is then empty); None for a file that was read and hashed.
    """

    path: Path  # absolute
    rel: str  # posix path under inputs/<year>/, undecodable bytes and control characters escaped
    sha256: str
    kind: Kind  # from the folder it sits in
    refused: str | None = None

    @property
    def is_folder(self) -> bool:
        """A sub-folder of a submission folder: listed to be named, never read, no file in any count."""
        return self.refused == "subfolder"


@dataclass(frozen=True)
class CellValue:
    """A value as written in a workbook cell, with its address."""

    value: object  # str | int | float | bool | date | datetime | None (python-calamine types)
    cell: str | None
    percent: bool = False  # the cell is formatted as a percentage


@dataclass(frozen=True)
class Row:
    """One data row of a table: canonical column name -> cell, plus the Excel row number."""

    number: int
    cells: dict[str, CellValue]


@dataclass(frozen=True)
class Table:
    """A table read from a sheet: the sheet name as written, the header row and the data rows."""

    sheet: str
    header_row: int
    columns: dict[str, str]  # canonical column -> column letter
    headers: dict[str, str]  # canonical column -> header text as written
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Workbook:
    """What ingest read from a workbook: the info sheet (label -> cell) and the tables."""

    info_sheet: str | None
    info: dict[str, CellValue]
    tables: dict[str, Table]  # canonical sheet key -> table


@dataclass(frozen=True)
class CriterionEntry:
    """A ward's line for one criterion in its self-assessment."""

    code: str
    self_score: Decimal | None
    evidence: str
    cell: str | None


@dataclass(frozen=True)
class AnnualReport:
    """An accepted annual self-assessment (bảng tự chấm điểm) in typed form."""

    ward_code: str
    year: int
    prepared_on: date | None
    criteria: dict[str, CriterionEntry]
    counts: dict[str, int]  # T/D code -> occurrences (codes not written count 0)


@dataclass(frozen=True)
class IndicatorEntry:
    """One indicator line of a monthly report."""

    code: str
    ytd: Decimal
    month_value: Decimal | None
    cell: str | None


@dataclass(frozen=True)
class MonthlyReport:
    """An accepted monthly progress report (báo cáo chỉ tiêu tháng)."""

    ward_code: str
    period: str  # YYYY-MM
    prepared_on: date | None
    indicators: dict[str, IndicatorEntry]


@dataclass(frozen=True)
class AppraisalEntry:
    """One accepted appraisal row (thẩm định): replaces the ward's own value for the code."""

    ward_code: str
    code: str
    value: Decimal
    reason: str
    file: str
    sheet: str
    cell: str | None
    written: str | None = None  # the appraised cell as written (``shown``), quoted by issues about the row


@dataclass(frozen=True)
class Submission:
    """One input file and everything the pipeline learned about it.

    Frozen: each stage returns new submissions (``dataclasses.replace``) instead of changing the ones it was
    handed, so what reading produced is still what reading produced after validation and scoring.
    """

    file: InputFile
    kind: Kind
    period: str | None = None  # "2025" or "2025-12"
    ward_code: str | None = None
    prepared_on: date | None = None
    status: Status = Status.ACCEPTED
    superseded_by: str | None = None
    issues: tuple[Issue, ...] = ()
    workbook: Workbook | None = None

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def with_issues(self, issues: Iterable[Issue]) -> Submission:
        """This submission with ``issues`` added after its own (itself when there are none)."""
        added = tuple(issues)
        return replace(self, issues=self.issues + added) if added else self


# --- Scores and ranking ---------------------------------------------------------------------------


class Source(StrEnum):
    SELF = "self"
    APPRAISAL = "appraisal"
    INDICATOR = "indicator"
    COMPUTED = "computed"


@dataclass(frozen=True)
class ScoreLine:
    """Where one point value came from (one row of scores.csv)."""

    ward_code: str
    code: str
    value: Decimal  # criterion score, or count for T/D, or months for DM
    points: Decimal  # points this line contributes (criterion score, bonus or deduction points)
    source: Source
    file: str | None = None  # path under inputs/<year>/
    sha256: str | None = None
    month: str | None = None
    ytd: Decimal | None = None


class WardStatus(StrEnum):
    SCORED = "scored"
    REJECTED = "rejected"
    MISSING = "missing"


class Nomination(StrEnum):
    FLAG = "flag"
    FLAG_PROPOSED = "flag-proposed"
    FLAG_CANDIDATE = "flag-candidate"
    MERIT = "merit"


@dataclass(frozen=True)
class WardScore:
    """A ward's score sheet (bảng điểm): the totals and every line behind them."""

    ward: Ward
    base: Decimal
    bonus: Decimal
    deductions: Decimal
    total: Decimal
    classification: str
    veto: bool
    group_scores: dict[str, Decimal]
    lines: tuple[ScoreLine, ...]
    missing_months: tuple[str, ...]


@dataclass(frozen=True)
class RankingRow:
    """One row of the ranking (bảng xếp hạng); unscored wards have no rank or numbers."""

    ward: Ward
    status: WardStatus
    rank: int | None = None
    score: WardScore | None = None
    nomination: Nomination | None = None
    tied: bool = False


@dataclass(frozen=True)
class VoteOutcome:
    """What the vote decided for the flag; the sentences saying why come from ``tasks.scoring.explain``."""

    candidates: tuple[str, ...]
    winner: str | None
    quorum_met: bool | None
    share_met: bool | None
    tie_at_top: bool
    agree: dict[str, int]


@dataclass(frozen=True)
class Ranking:
    """The result of the review: rows in output order, the vote outcome and the agree votes not counted.

    ``ignored_votes``: ward code -> agree votes recorded for a ward that was not a flag candidate (spec §4.8),
    kept whether or not any ward was a candidate; the sentences come from ``tasks.scoring.explain``.
    """

    rows: tuple[RankingRow, ...]
    vote: VoteOutcome | None
    merit_tie: bool
    ignored_votes: dict[str, int] = field(default_factory=dict)
