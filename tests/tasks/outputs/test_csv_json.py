"""ranking.csv, scores.csv and validation/summary.json as an auditor's tools read them (spec §5)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.domain import (
    ConfigWarning,
    InputFile,
    Issue,
    Kind,
    ScoreLine,
    Severity,
    Source,
    Status,
    Submission,
    WardScore,
)
from tasks.outputs.csv_json import RANKING_COLUMNS, csv_bytes, ranking_csv, scores_csv, summary_json
from tasks.outputs.safe_text import NEEDS_CHECK, safe_text
from tasks.scoring.review import WardFile
from tests.support.workbooks import BLOC, WARDS, out_of_order_ranking

D = Decimal
SHA = "ab" * 32


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_ranking_csv_has_the_documented_columns_utf8_without_bom_and_lf_endings() -> None:
    """The header is exactly the spec's; no byte-order mark, no carriage return, one row per roster ward."""
    data = ranking_csv(out_of_order_ranking())
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    header = b"rank,ward_code,ward_name,status,base,bonus,deductions,total,classification,nomination"
    assert data.split(b"\n")[0] == header and header.decode().split(",") == RANKING_COLUMNS
    assert data.endswith(b"\n") and data.count(b"\n") == 1 + len(WARDS)


def test_ranking_csv_writes_two_decimals_with_a_dot_and_codes_for_status_band_and_nomination() -> None:
    """``97.25``, ``2.00``, ``0.00``: exactly two decimals and a dot; band and nomination as their codes."""
    sapa = _rows(ranking_csv(out_of_order_ranking()))[0]
    assert sapa == {
        "rank": "1", "ward_code": "SAPA", "ward_name": "Sa Pa", "status": "scored", "base": "97.25", "bonus": "2.00",
        "deductions": "0.00", "total": "99.25", "classification": "HTXSNV", "nomination": "flag-proposed",
    }  # fmt: skip


def test_unscored_wards_have_a_status_and_no_numbers() -> None:
    """A rejected or missing ward has an empty rank, empty numbers and no nomination; its roster name is kept."""
    by_code = {r["ward_code"]: r for r in _rows(ranking_csv(out_of_order_ranking()))}
    assert by_code["LAOCAI"] == {
        "rank": "", "ward_code": "LAOCAI", "ward_name": "Lào Cai", "status": "rejected", "base": "", "bonus": "",
        "deductions": "", "total": "", "classification": "", "nomination": "",
    }  # fmt: skip
    assert by_code["YENBAI"]["status"] == "missing" and by_code["YENBAI"]["total"] == ""
    assert by_code["CAUTHIA"]["rank"] == by_code["AULAU"]["rank"] == "2"  # a shared rank is written for both


def test_a_ward_name_that_looks_like_a_formula_is_written_as_text() -> None:
    """``=Nghĩa Lộ`` opens in a spreadsheet as the text ``=Nghĩa Lộ``, never as a formula."""
    by_code = {r["ward_code"]: r for r in _rows(ranking_csv(out_of_order_ranking()))}
    assert by_code["NGHIALO"]["ward_name"] == "'=Nghĩa Lộ"


def _score_with_lines() -> WardScore:
    lines = (
        ScoreLine("SAPA", "1.1", D("4.5"), D("4.5"), Source.SELF, "annual/sapa.xlsx", SHA),
        ScoreLine("SAPA", "2.1", D("18.70"), D("18.70"), Source.INDICATOR, "monthly/2025-12/sapa.xlsx", SHA,
                  "2025-12", D("97.50")),
        ScoreLine("SAPA", "T1", D(2), D("2.0"), Source.SELF, "annual/sapa.xlsx", SHA),
        ScoreLine("SAPA", "DM", D(1), D(1), Source.COMPUTED),
    )  # fmt: skip
    return WardScore(WARDS[0], D("23.27"), D(2), D(1), D("24.27"), "KHTNV", False, {}, lines, ())


def test_scores_csv_traces_every_line_to_its_file_hash_and_month() -> None:
    """One row per line: points with two decimals, counts of T/D/DM items as whole numbers, the year-to-date
    value without trailing zeros, the source, and the file and hash it came from (empty when computed)."""
    rows = _rows(scores_csv([_score_with_lines()]))
    assert list(rows[0]) == ["ward_code", "code", "value", "points", "source", "file", "sha256", "month", "ytd"]
    assert [list(r.values()) for r in rows] == [
        ["SAPA", "1.1", "4.50", "4.50", "self", "annual/sapa.xlsx", SHA, "", ""],
        ["SAPA", "2.1", "18.70", "18.70", "indicator", "monthly/2025-12/sapa.xlsx", SHA, "2025-12", "97.5"],
        ["SAPA", "T1", "2", "2.00", "self", "annual/sapa.xlsx", SHA, "", ""],
        ["SAPA", "DM", "1", "1.00", "computed", "", "", "", ""],
    ]


def _submission(
    rel: str, status: Status, ward: str | None, issues: tuple[Issue, ...] = (), superseded_by: str | None = None
) -> Submission:
    file = InputFile(Path("/inputs/2025") / rel, rel, SHA, Kind.ANNUAL)
    return Submission(file, Kind.ANNUAL, "2025", ward, status=status, issues=issues, superseded_by=superseded_by)


ABOVE_MAX = Issue(
    Severity.ERROR, "above_max", "Điểm tự chấm 6 vượt điểm tối đa 5 của tiêu chí 1.1.", "Sửa về khoảng 0–5.",
    "Tự chấm điểm", "D5", "Điểm tự chấm", "6",
)  # fmt: skip


def test_summary_json_has_the_contract_shape_in_readable_vietnamese() -> None:
    """Run, year, period and bloc; each submission with hash, kind, status and issues (``superseded_by`` only when
    superseded, ``ward_code`` null when unattributed); each ward with its roster name. Vietnamese is written as
    letters, not ``\\u`` escapes, so the file reads in any editor."""
    subs = [
        _submission("annual/sapa.xlsx", Status.SUPERSEDED, "SAPA", superseded_by="annual/sapa-v2.xlsx"),
        _submission("annual/sapa-v2.xlsx", Status.ACCEPTED, "SAPA"),
        _submission("annual/khong-ro.xlsx", Status.REJECTED, None, (ABOVE_MAX,)),
    ]
    wards = [WardFile("SAPA", "accepted"), WardFile("LAOCAI", "missing", ("2025-10",))]
    data = summary_json("20260115T080000000Z-abcd", 2025, "2025", subs, wards, BLOC)
    assert "Điểm tự chấm 6 vượt".encode() in data and data.endswith(b"}\n")
    doc = json.loads(data)
    assert {k: doc[k] for k in ("run_id", "year", "period", "bloc")} == {
        "run_id": "20260115T080000000Z-abcd", "year": 2025, "period": "2025", "bloc": "khoi-phuong"}  # fmt: skip
    old, new, unknown = doc["submissions"]
    assert old["superseded_by"] == "annual/sapa-v2.xlsx" and "superseded_by" not in new
    assert new == {"file": "annual/sapa-v2.xlsx", "sha256": SHA, "kind": "annual", "period": "2025",
                   "ward_code": "SAPA", "status": "accepted", "issues": []}  # fmt: skip
    assert unknown["ward_code"] is None
    assert unknown["issues"] == [{
        "severity": "error", "rule": "above_max", "sheet": "Tự chấm điểm", "cell": "D5", "column": "Điểm tự chấm",
        "value": "6", "message": ABOVE_MAX.message, "hint": "Sửa về khoảng 0–5.",
    }]  # fmt: skip
    assert doc["wards"][1] == {"ward_code": "LAOCAI", "ward_name": "Lào Cai", "status": "missing",
                               "missing_months": ["2025-10"], "issues": []}  # fmt: skip


def test_a_review_s_summary_lists_its_configuration_warnings_and_a_month_s_has_none() -> None:
    """Votes set aside in meeting.yaml: file, key, severity, rule, wards, the sentence and the hint. A review
    without any writes an empty list; a month (which reads no meeting.yaml) writes no key."""
    warning = ConfigWarning(
        "meeting.yaml", "votes.flag", "ignored_votes", "Phiếu … không được tính.", "Sửa …", ("LAOCAI",)
    )
    doc = json.loads(summary_json("r", 2025, "2025", [], [], BLOC, [warning]))
    assert doc["configuration_warnings"] == [{
        "file": "meeting.yaml", "key": "votes.flag", "severity": "warning", "rule": "ignored_votes",
        "wards": ["LAOCAI"], "message": "Phiếu … không được tính.", "hint": "Sửa …",
    }]  # fmt: skip
    assert json.loads(summary_json("r", 2025, "2025", [], [], BLOC, []))["configuration_warnings"] == []
    assert "configuration_warnings" not in json.loads(summary_json("r", 2025, "2025-12", [], [], BLOC))


@pytest.mark.parametrize("first", sorted(NEEDS_CHECK))
def test_every_csv_text_cell_is_neutralised_as_safe_text_would(first: str) -> None:
    """The CSV writer checks plain text inline for speed; for every risky first character it agrees with
    ``safe_text`` (the one rule for xlsx and csv)."""
    value = f"{first}=SUM(A1:A9)"
    [row] = list(csv.reader(io.StringIO(csv_bytes(["x"], [[value]]).decode(), newline="")))[1:]
    assert row == [safe_text(value)]


def test_a_carriage_return_inside_a_cell_never_starts_a_row_of_its_own() -> None:
    """``Sa Pa\\r=cmd`` stays one cell: unquoted, a spreadsheet would read ``=cmd`` as a new row's formula."""
    data = csv_bytes(["ward_name", "note"], [["Sa Pa\r=cmd()", "a"], ["Lào Cai", "b"]])
    assert data.decode() == 'ward_name,note\n"Sa Pa\r=cmd()","a"\nLào Cai,b\n'  # only that row is quoted
    assert list(csv.reader(io.StringIO(data.decode(), newline=""))) == [
        ["ward_name", "note"], ["Sa Pa\r=cmd()", "a"], ["Lào Cai", "b"]]  # fmt: skip
