"""Identify a submission from what is written inside it: the ward, the year or period, the date prepared.

A ward is never identified by the file name. Names are matched against the roster with and without the
``Phường`` / ``P.`` prefix, case and spacing; a name written without diacritics is accepted (with a warning)
when it still names exactly one ward.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tasks.domain import Bloc, CellValue, InputFile, Issue, Kind, MonthWindow, Severity, Status, Submission, Ward
from tasks.text import fold, is_blank, key, month_label, nfc, shown, strip_ward_prefix


@dataclass(frozen=True)
class Identity:
    """What a submission says about itself; ``issues`` holds the problems found while reading it."""

    ward: Ward | None = None
    year: int | None = None
    period: str | None = None
    prepared_on: date | None = None
    issues: tuple[Issue, ...] = ()


def ward_in_file_name(file: InputFile, bloc: Bloc) -> Ward | None:
    """The one roster ward whose name the file's name contains, else None.

    Only a hint for people (which ward probably sent a file that names none inside); never the file's ward.
    """
    name, names = key(file.path.stem), bloc.name_keys
    # each piece of the file's name as long as some roster name, looked up: a few hundred lookups, where testing
    # a thousand roster names one by one took 0.1 ms a file (reading the 1,000-ward bench: 0.49 → 0.1 s)
    wards = {
        w
        for size in bloc.name_key_lengths
        for at in range(len(name) - size + 1)
        for w in names.get(name[at : at + size], ())
    }
    return next(iter(wards)) if len(wards) == 1 else None


def unattributed_annuals(subs: Sequence[Submission], bloc: Bloc) -> Mapping[str, Submission]:
    """Ward code -> the first rejected self-assessment file that names no ward inside but whose file name names
    that ward: something was received from the ward, though it is no self-assessment of it."""
    found: dict[str, Submission] = {}
    for sub in subs:
        if sub.kind is not Kind.ANNUAL or sub.status is not Status.REJECTED or sub.ward_code is not None:
            continue
        ward = ward_in_file_name(sub.file, bloc)
        if ward is not None:
            found.setdefault(ward.code, sub)
    return found


def _error(rule: str, message: str, hint: str, sheet: str | None, cv: CellValue | None, column: str) -> Issue:
    return Issue(
        severity=Severity.ERROR,
        rule=rule,
        message=message,
        hint=hint,
        sheet=sheet,
        cell=cv.cell if cv else None,
        column=column,
        value=shown(cv.value) if cv else None,
    )


_ISSUER = re.compile(r"^(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(?=(?:phường|p\.)\s*)")


def roster_key(text: str) -> str:
    """How a ward name is matched when written with its diacritics (NFC, case-folded, prefix removed, single
    spaces): two roster wards must never share this key."""
    t = _ISSUER.sub("", re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold())
    for prefix in ("phường ", "p. ", "p."):
        if t.startswith(prefix):
            return t[len(prefix) :].strip()
    return t


@dataclass(frozen=True)
class _RosterIndex:
    """The roster's names and codes as lookup keys, built once per bloc (not once per file)."""

    by_code: dict[str, Ward]
    by_plain: dict[str, list[Ward]]
    by_fold: dict[str, list[Ward]]


_INDEXES: dict[int, tuple[Bloc, _RosterIndex]] = {}


def _index(bloc: Bloc) -> _RosterIndex:
    cached = _INDEXES.get(id(bloc))
    if cached is not None and cached[0] is bloc:
        return cached[1]
    index = _RosterIndex({w.code.casefold(): w for w in bloc.members}, {}, {})
    for ward in bloc.members:
        index.by_plain.setdefault(roster_key(ward.name), []).append(ward)
        index.by_fold.setdefault(fold(ward.name), []).append(ward)
    _INDEXES[id(bloc)] = (bloc, index)
    return index


def match_ward(bloc: Bloc, text: str) -> tuple[Ward | None, bool]:
    """The roster ward a name or code designates, and whether it matched only without diacritics."""
    raw = nfc(text)
    index = _index(bloc)
    by_code = index.by_code.get(raw.casefold())
    if by_code:
        return by_code, False
    exact = index.by_plain.get(roster_key(raw), [])
    if len(exact) == 1:
        return exact[0], False
    loose = strip_ward_prefix(re.sub(r"^(?:ubnd|uy ban nhan dan)\s+(?=p)", "", fold(raw)))
    folded = index.by_fold.get(loose, [])
    if len(folded) == 1:
        return folded[0], True
    return None, False


def _ward(bloc: Bloc, info: dict[str, CellValue], sheet: str | None) -> tuple[Ward | None, list[Issue]]:
    """The roster ward the info sheet names (None if it names none for sure), and the problems found."""
    name_cv, code_cv = info.get("ward"), info.get("ward_code")
    hint = "Ghi tên phường đúng như danh sách Khối, ví dụ: " + ", ".join(w.name for w in bloc.members[:3]) + "."
    if name_cv is None or is_blank(name_cv.value):
        return None, [_error("ward_missing", "Chưa ghi tên đơn vị (Đơn vị).", hint, sheet, name_cv, "Đơn vị")]
    ward, loose = match_ward(bloc, str(name_cv.value))
    if ward is None:
        message = f"Không xác định được đơn vị '{shown(name_cv.value)}': không có trong danh sách Khối."
        return None, [_error("ward_unknown", message, hint, sheet, name_cv, "Đơn vị")]
    issues = []
    if loose:
        issues.append(
            Issue(
                severity=Severity.WARNING,
                rule="ward_without_diacritics",
                message=f"Tên đơn vị '{shown(name_cv.value)}' được hiểu là phường {ward.name} (so khớp không dấu).",
                hint=f"Ghi đầy đủ dấu tiếng Việt: {ward.name}.",
                sheet=sheet,
                cell=name_cv.cell,
                column="Đơn vị",
                value=shown(name_cv.value),
            )
        )
    if code_cv is not None and not is_blank(code_cv.value):
        by_code, _ = match_ward(bloc, str(code_cv.value))
        if by_code is None or by_code.code != ward.code:
            message = f"Mã đơn vị '{shown(code_cv.value)}' không khớp với đơn vị '{shown(name_cv.value)}'."
            fix = f"Mã của phường {ward.name} là {ward.code}; sửa lại hoặc để trống ô Mã đơn vị."
            return None, [*issues, _error("ward_code_mismatch", message, fix, sheet, code_cv, "Mã đơn vị")]
    return ward, issues


_SPELLED_DATE = re.compile(r"(?:.*,\s*)?ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def parse_date(value: object) -> date | None:
    """A date cell, ``dd/mm/yyyy``, ``yyyy-mm-dd`` or ``ngày dd tháng mm năm yyyy`` text, or an Excel serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))
    if isinstance(value, str):
        text = nfc(value)
        spelled = _SPELLED_DATE.fullmatch(fold(text))  # "ngày 05 tháng 01 năm 2026", as letters are dated
        if spelled:
            text = "/".join(spelled.groups())
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return None


def parse_period(value: object) -> str | None:
    """``YYYY-MM`` from ``12/2025``, ``2025-12``, ``Tháng 12/2025``, ``T12/2025``, ``tháng 12 năm 2025`` or a date."""
    if isinstance(value, date | datetime):
        return f"{value.year:04d}-{value.month:02d}"
    text = fold(value)
    m = re.fullmatch(r"(?:thang|t\.?)?\s*(\d{1,2})\s*(?:/|-|\.|nam)\s*(\d{4})", text)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})", text)
        if not m:
            d = parse_date(value)
            return f"{d.year:04d}-{d.month:02d}" if d else None
        year, month = int(m.group(1)), int(m.group(2))
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def parse_year(value: object) -> int | None:
    """A year from ``2025``, ``2025.0`` or ``Năm 2025``."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    m = re.fullmatch(r"(?:nam\s*)?(\d{4})", fold(value))
    return int(m.group(1)) if m else None


def _prepared(info: dict[str, CellValue], sheet: str | None) -> tuple[date | None, list[Issue]]:
    """The date the file was prepared (Ngày lập), and a warning when it is written but cannot be read."""
    cv = info.get("prepared_on")
    if cv is None or is_blank(cv.value):
        return None, []
    prepared_on = parse_date(cv.value)
    if prepared_on is None:
        # a date cell holding a number that is no date (0, negative: Excel shows ####) reads as a bare time
        no_date = isinstance(cv.value, time)
        return None, [
            Issue(
                severity=Severity.WARNING,
                rule="date_unreadable",
                message="Ngày lập không phải một ngày hợp lệ (số trong ô không ứng với ngày nào, hoặc ô chỉ ghi giờ)."
                if no_date
                else f"Ngày lập '{shown(cv.value)}' không đọc được.",
                hint="Ghi ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026.",
                sheet=sheet,
                cell=cv.cell,
                column="Ngày lập",
                value=None if no_date else shown(cv.value),
            )
        ]
    return prepared_on, []


def identify_annual(bloc: Bloc, info: dict[str, CellValue], sheet: str | None, year: int) -> Identity:
    """Ward, year and date of an annual self-assessment; the year must be the review's year."""
    ward, issues = _ward(bloc, info, sheet)
    prepared_on, date_issues = _prepared(info, sheet)
    issues += date_issues
    cv = info.get("year")
    found = parse_year(cv.value) if cv is not None else None
    if found != year:
        what = "Chưa ghi năm (Năm)" if cv is None or is_blank(cv.value) else f"Năm '{shown(cv.value)}' không đúng"
        issues.append(
            _error(
                "year_mismatch",
                f"{what}: bảng tự chấm phải là của năm {year}.",
                f"Ghi Năm là {year}.",
                sheet,
                cv,
                "Năm",
            )
        )
    return Identity(ward=ward, year=found, prepared_on=prepared_on, issues=tuple(issues))


def identify_monthly(bloc: Bloc, info: dict[str, CellValue], sheet: str | None, period: str | None) -> Identity:
    """Ward, period and date of a monthly report; the period must equal the folder's month.

    ``period`` is None for a file outside the month folders (``thidua check``): the file's own period is then
    taken as it is, and only a missing or unreadable one is an error.
    """
    ward, issues = _ward(bloc, info, sheet)
    prepared_on, date_issues = _prepared(info, sheet)
    issues += date_issues
    cv = info.get("period")
    found = parse_period(cv.value) if cv is not None and not is_blank(cv.value) else None
    if found is None or (period is not None and found != period):
        issues.append(_period_issue(found, cv, period, sheet))
    return Identity(ward=ward, period=found, prepared_on=prepared_on, issues=tuple(issues))


def period_year_issue(info: dict[str, CellValue], sheet: str | None, window: MonthWindow, year: int) -> Issue | None:
    """An error when a report's period is of another year than the review's months (``thidua check`` of a file
    outside the month folders; in the review the folder's month already is one of them), else None."""
    cv = info.get("period")
    found = parse_period(cv.value) if cv is not None and not is_blank(cv.value) else None
    if cv is None or found is None or found[:4] in {month[:4] for month in window.months()}:
        return None
    last = month_label(window.last)
    return _error(
        "period_mismatch",
        f"Kỳ báo cáo '{shown(cv.value)}' không đúng: báo cáo phải là của năm {year}.",
        f"Ghi Kỳ báo cáo là một tháng của năm {year}, ví dụ 'Tháng {last}'.",
        sheet,
        cv,
        "Kỳ báo cáo",
    )


def _period_issue(found: str | None, cv: CellValue | None, folder: str | None, sheet: str | None) -> Issue:
    """The period is missing, unreadable or not the folder's month (``folder`` None: no folder to compare)."""
    blank = found is None and (cv is None or is_blank(cv.value))
    what = "Chưa ghi kỳ báo cáo" if blank else f"Kỳ báo cáo '{shown(cv.value) if cv else ''}' không đúng"
    if folder is None:
        message = f"{what}." if blank else f"{what}: không đọc được tháng báo cáo."
        hint = "Ghi Kỳ báo cáo theo dạng 'Tháng MM/YYYY': tháng và năm của số liệu báo cáo."
    else:
        month = month_label(folder)
        message = f"{what}: báo cáo nằm trong thư mục tháng {month}."
        hint = f"Ghi Kỳ báo cáo là 'Tháng {month}' hoặc đặt tệp vào đúng thư mục tháng."
    return _error("period_mismatch", message, hint, sheet, cv, "Kỳ báo cáo")
