"""Validation: open each submission, run the stored suites on all wards' rows at once, map failures to cells.

Errors reject a submission, warnings do not (spec §3.5). One broken file never stops the others: whatever
happens while reading one file becomes an issue on that file.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from tasks.domain import Bloc, Catalogue, InputFile, Issue, Kind, Severity, Status, Submission
from tasks.frames import appraisal_frame, counts_frame, indicators_frame, scores_frame
from tasks.gx import Failure, Validator
from tasks.identify import identify_annual, identify_monthly
from tasks.ingest import IntakeError, read_submission, uncached_formula_issues
from tasks.layout import TABLES, key
from tasks.workbook import WorkbookError, read_workbook

log = logging.getLogger(__name__)


def _reject(sub: Submission, issue: Issue) -> Submission:
    sub.issues.append(issue)
    sub.status = Status.REJECTED
    return sub


def open_submission(file: InputFile, bloc: Bloc, catalogue: Catalogue, period: str | None) -> Submission:
    """Read, locate and identify one file; never raises for a bad file."""
    sub = _open(file, bloc, catalogue, period)
    _file_name_hint(sub, bloc)
    return sub


def _file_name_hint(sub: Submission, bloc: Bloc) -> None:
    """Say which ward the file name suggests when the file names none; the name never decides the ward."""
    if sub.ward_code is not None or sub.kind is Kind.APPRAISAL or not sub.has_errors:
        return
    name = key(sub.file.path.stem)
    wards = [w for w in bloc.members if key(w.name) in name]
    if len(wards) != 1:
        return
    errors = [k for k, i in enumerate(sub.issues) if i.severity is Severity.ERROR]
    at = next((k for k in errors if sub.issues[k].rule in ("ward_unknown", "ward_missing")), errors[0])
    issue = sub.issues[at]
    note = (
        f" Tên tệp “{sub.file.path.name}” gợi ý đây là hồ sơ của phường {wards[0].name}; "
        "hồ sơ chỉ được tính cho đơn vị ghi trong tệp, không theo tên tệp."
    )
    sub.issues[at] = replace(issue, hint=issue.hint + note)


def _open(file: InputFile, bloc: Bloc, catalogue: Catalogue, period: str | None) -> Submission:
    sub = Submission(file=file, kind=file.kind, period=period)
    if file.kind is Kind.UNKNOWN:
        return _reject(sub, _unsupported(file))
    try:
        sheets = read_workbook(file.path)
        sub.workbook = read_submission(sheets, file.kind)
    except WorkbookError as exc:
        return _reject(sub, Issue(Severity.ERROR, exc.rule, exc.message, exc.hint))
    except IntakeError as exc:
        return _reject(sub, exc.issue)
    except Exception as exc:  # a file must never stop the run; keep the cause for the developers' log
        log.exception("unexpected failure reading %s", file.rel)
        return _reject(
            sub,
            Issue(
                Severity.ERROR,
                "unreadable",
                f"Không đọc được tệp ({type(exc).__name__}).",
                "Mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
            ),
        )
    sub.issues.extend(uncached_formula_issues(sheets, sub.workbook))
    _identify(sub, bloc, catalogue, period)
    if sub.has_errors:
        sub.status = Status.REJECTED
    return sub


def _unsupported(file: InputFile) -> Issue:
    suffix = file.path.suffix.lower()
    if suffix == ".xls":
        return Issue(
            Severity.ERROR,
            "old_xls",
            "Tệp Excel cũ (.xls) không được hỗ trợ.",
            "Mở tệp trong Excel, chọn Lưu thành → Sổ làm việc Excel (*.xlsx) rồi gửi lại.",
        )
    return Issue(
        Severity.ERROR,
        "not_a_workbook",
        f"Tệp '{file.path.name}' không phải bảng tính Excel (.xlsx/.xlsm) hoặc nằm sai thư mục.",
        "Chỉ đặt các tệp .xlsx hoặc .xlsm vào thư mục annual/, appraisal/ hoặc monthly/<YYYY-MM>/.",
    )


def _identify(sub: Submission, bloc: Bloc, catalogue: Catalogue, period: str | None) -> None:
    wb = sub.workbook
    assert wb is not None
    if sub.kind is Kind.ANNUAL:
        ident = identify_annual(bloc, wb.info, wb.info_sheet, catalogue.year)
        sub.period = str(catalogue.year)
    elif sub.kind is Kind.MONTHLY:
        ident = identify_monthly(bloc, wb.info, wb.info_sheet, period or "")
    else:
        sub.period = str(catalogue.year)
        return
    sub.ward_code = ident.ward.code if ident.ward else None
    sub.prepared_on = ident.prepared_on
    sub.issues.extend(ident.issues)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, values: Mapping[str, Any]) -> str:
    clean = {k: ("" if v is None or (isinstance(v, float) and v != v) else v) for k, v in values.items()}
    return string.Formatter().vformat(template, (), _Blank(clean))


def _issues_from(
    failures: Sequence[Failure], frame: pd.DataFrame, subs: list[Submission], context: Mapping[str, Any]
) -> None:
    """Attach one issue per failing row to its submission, naming the cell."""
    headers = _header_lookup(subs)
    records = frame.set_index("rid", drop=False)
    for failure in failures:
        meta = failure.meta
        for rid in failure.rids:
            row = {**context, **records.loc[rid].to_dict()}
            sub = subs[int(row["sub"])]
            column = meta.get("column", "")
            subs[int(row["sub"])].issues.append(
                Issue(
                    severity=Severity(meta["severity"]),
                    rule=meta["rule"],
                    message=_format(meta["message"], row),
                    hint=_format(meta["hint"], row),
                    sheet=_text_or_none(row.get("sheet")),
                    cell=_text_or_none(row.get(meta.get("cell_field", ""))),
                    column=headers.get((id(sub), str(row.get("sheet")), column), column) or None,
                    value=_text_or_none(row.get(meta.get("value_field", ""))),
                )
            )


def _text_or_none(value: object) -> str | None:
    """A frame value as issue text: pandas' missing markers (None, NaN) and empty text become None."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def _header_lookup(subs: list[Submission]) -> dict[tuple[int, str, str], str]:
    """(submission, sheet, field) → the column header as written in that file."""
    fields = {c.name: c.field for layouts in TABLES.values() for lay in layouts for c in lay.columns}
    out = {}
    for sub in subs:
        if sub.workbook is None:
            continue
        for table in sub.workbook.tables.values():
            for canonical, written in table.headers.items():
                out[(id(sub), table.sheet, fields.get(canonical, canonical))] = written
    return out


def _coverage(
    subs: list[Submission], frame: pd.DataFrame, idx: list[int], expected: Mapping[str, str], what: str, sheet_key: str
) -> pd.DataFrame:
    counts = frame[frame["known"]].groupby(["sub", "code"]).size().to_dict() if not frame.empty else {}
    records = [
        {
            "sub": i,
            "sheet": subs[i].workbook.tables[sheet_key].sheet,  # type: ignore[union-attr]
            "code": code,
            "name": name,
            "what": what,
            "count": int(counts.get((i, code), 0)),
            "cell": None,
        }
        for i in idx
        for code, name in expected.items()
    ]
    out = pd.DataFrame.from_records(records)
    out.insert(0, "rid", range(len(out)))
    return out


def validate_rows(subs: list[Submission], bloc: Bloc, catalogue: Catalogue, validator: Validator) -> None:
    """Run every suite once over all readable submissions and attach the issues; then set statuses."""
    readable = [i for i, s in enumerate(subs) if s.workbook is not None]
    by_kind = {k: [i for i in readable if subs[i].kind is k] for k in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL)}
    td = [b.code for b in catalogue.bonus_items] + [d.code for d in catalogue.deduction_items]
    params = {
        "criterion_codes": [c.code for c in catalogue.criteria],
        "count_codes": [*td, catalogue.missing_report.code],
        "computed_codes": [catalogue.missing_report.code],
        "indicator_codes": [i.code for i in catalogue.indicators],
        "appraisal_codes": [c.code for c in catalogue.criteria] + td,
    }
    context = {"year": catalogue.year, "count_codes_text": ", ".join(td)}
    annual, monthly = by_kind[Kind.ANNUAL], by_kind[Kind.MONTHLY]
    jobs = [
        ("annual_scores", scores_frame(subs, annual, catalogue)),
        ("annual_counts", counts_frame(subs, annual, catalogue)),
        ("monthly_indicators", indicators_frame(subs, monthly, catalogue)),
        ("appraisal_rows", appraisal_frame(subs, by_kind[Kind.APPRAISAL], catalogue, bloc)),
    ]
    for suite, frame in jobs:
        _issues_from(validator.run(suite, frame, params), frame, subs, context)
    coverage = pd.concat(
        [
            _coverage(subs, jobs[0][1], annual, {c.code: c.name for c in catalogue.criteria}, "tiêu chí", "scores"),
            _coverage(
                subs, jobs[2][1], monthly, {i.code: i.name for i in catalogue.indicators}, "chỉ tiêu", "indicators"
            ),
        ],
        ignore_index=True,
    )
    coverage["rid"] = range(len(coverage))
    _issues_from(validator.run("coverage", coverage, params), coverage, subs, context)
    for sub in subs:
        sub.issues[:] = _without_formula_echoes(sub.issues)
        if sub.has_errors:
            sub.status = Status.REJECTED


def _without_formula_echoes(issues: list[Issue]) -> list[Issue]:
    """Drop the issues a formula without a cached value causes on its own cell (it reads as empty).

    The ward is told once, precisely: the cell holds a formula whose result was never stored.
    """
    formulas = {(i.sheet, i.cell) for i in issues if i.rule == "formula_without_value"}
    return [i for i in issues if i.rule == "formula_without_value" or (i.sheet, i.cell) not in formulas]
