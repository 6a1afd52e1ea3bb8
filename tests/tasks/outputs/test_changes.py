"""The change report of a run against the previous complete run, on run folders written under ``tmp_path``."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tasks.outputs.changes import RunSnapshot, diff_runs, load_snapshot, render_changes_md

RANKING_HEADER = "rank,ward_code,ward_name,status,base,bonus,deductions,total,classification,nomination"
SCORES_HEADER = "ward_code,code,value,points,source,file,sha256,month,ytd"
MONTHLY = "monthly/2025-12/sapa.xlsx"
INPUTS = {"annual/sapa.xlsx": "a" * 64, "annual/cauthia.xlsx": "b" * 64, MONTHLY: "c" * 64}

RANKING_BEFORE = [
    "1,CAUTHIA,Cầu Thia,scored,93.55,2.00,0.00,95.55,HTXSNV,flag-proposed",
    "2,SAPA,Sa Pa,scored,93.50,2.00,0.00,95.50,HTXSNV,merit",
    ",NGHIALO,Nghĩa Lộ,missing,,,,,,",
]
RANKING_AFTER = [
    "1,SAPA,Sa Pa,scored,93.58,2.00,0.00,95.58,HTXSNV,flag-proposed",
    "2,CAUTHIA,Cầu Thia,scored,93.55,2.00,0.00,95.55,HTXSNV,merit",
    ",NGHIALO,Nghĩa Lộ,missing,,,,,,",
]


def scores(sapa_21: str, sapa_11_source: str = "self", sapa_11_file: str = "annual/sapa.xlsx") -> list[str]:
    """scores.csv lines of SAPA and CAUTHIA; SAPA's criterion 2.1 comes from its December report."""
    return [
        f"SAPA,1.1,5.00,5.00,{sapa_11_source},{sapa_11_file},{'a' * 64},,",
        f"SAPA,2.1,{sapa_21},{sapa_21},indicator,{MONTHLY},{'c' * 64},2025-12,97",
        "SAPA,T1,2,2.00,self,annual/sapa.xlsx,,,",
        "SAPA,DM,0,0.00,computed,,,,",
        f"CAUTHIA,1.1,5.00,5.00,self,annual/cauthia.xlsx,{'b' * 64},,",
        "CAUTHIA,DM,0,0.00,computed,,,,",
    ]


def write_run(root: Path, run_id: str, inputs: dict[str, str], ranking: list[str], score_lines: list[str]) -> Path:
    """A complete run folder as the review flow writes it (only the files the change report reads)."""
    run = root / run_id
    run.mkdir(parents=True)
    manifest = {"run_id": run_id, "year": 2025, "inputs": [{"path": p, "sha256": h} for p, h in inputs.items()]}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (run / "ranking.csv").write_bytes(("\n".join([RANKING_HEADER, *ranking]) + "\n").encode())
    (run / "scores.csv").write_bytes(("\n".join([SCORES_HEADER, *score_lines]) + "\n").encode())
    return run


def snapshot(root: Path, run_id: str, inputs: dict[str, str], ranking: list[str], lines: list[str]) -> RunSnapshot:
    loaded = load_snapshot(write_run(root, run_id, inputs, ranking, lines))
    assert loaded is not None
    return loaded


def test_a_moved_total_names_the_criterion_and_file_that_caused_it(tmp_path: Path) -> None:
    """It reports the changed monthly file, SAPA's new total, rank and nomination, and criterion 2.1 as cause."""
    prev = snapshot(tmp_path, "20260110T080000", INPUTS, RANKING_BEFORE, scores("7.92"))
    cur = snapshot(tmp_path, "20260112T080000", {**INPUTS, MONTHLY: "d" * 64}, RANKING_AFTER, scores("8.00"))
    changes = diff_runs(prev, cur)

    assert (changes["previous_run"], changes["current_run"]) == ("20260110T080000", "20260112T080000")
    assert changes["inputs"] == {
        "added": [],
        "changed": [{"path": MONTHLY, "old": "c" * 64, "new": "d" * 64}],
        "removed": [],
    }
    assert [w["ward_code"] for w in changes["wards"]] == ["SAPA", "CAUTHIA"]
    sapa, cauthia = changes["wards"]
    assert sapa["changes"] == [
        {"field": "rank", "old": "2", "new": "1"},
        {"field": "base", "old": "93.50", "new": "93.58"},
        {"field": "total", "old": "95.50", "new": "95.58"},
        {"field": "nomination", "old": "merit", "new": "flag-proposed"},
    ]
    assert sapa["causes"] == [
        {
            "code": "2.1",
            "old_points": "7.92",
            "new_points": "8.00",
            "old_source": "indicator",
            "new_source": "indicator",
            "file": MONTHLY,
        }
    ]
    assert cauthia["causes"] == []  # overtaken: its own scores did not move
    assert [c["field"] for c in cauthia["changes"]] == ["rank", "nomination"]

    md = render_changes_md(changes)
    assert (
        "- Phường Sa Pa: xếp hạng 2 → 1; điểm các tiêu chí 93,50 → 93,58; tổng điểm 95,50 → 95,58; "
        "đề nghị khen thưởng Bằng khen → đề nghị tặng Cờ thi đua "
        f"(tiêu chí 2.1: 7,92 → 8,00, nguồn: tệp `{MONTHLY}`)"
    ) in md.splitlines()
    assert "- Phường Cầu Thia: xếp hạng 1 → 2; đề nghị khen thưởng đề nghị tặng Cờ thi đua → Bằng khen" in md
    assert f"- Tệp đã thay đổi nội dung: `{MONTHLY}` (SHA-256 `cccccccccccc…` → `dddddddddddd…`)" in md
    assert "Nghĩa Lộ" not in md
    assert unicodedata.is_normalized("NFC", md)
    assert json.loads(json.dumps(changes)) == changes


def test_added_and_removed_inputs_are_listed_by_path(tmp_path: Path) -> None:
    """It lists files that appeared or disappeared, sorted by path, and says no ward result moved."""
    before = {**INPUTS, "annual/old-copy.xlsx": "e" * 64}
    after = {**INPUTS, "appraisal/tham-dinh.xlsx": "f" * 64, "annual/ban-sua.xlsx": "0" * 64}
    prev = snapshot(tmp_path, "run-1", before, RANKING_BEFORE, scores("7.92"))
    cur = snapshot(tmp_path, "run-2", after, RANKING_BEFORE, scores("7.92"))
    changes = diff_runs(prev, cur)
    assert changes["inputs"] == {
        "added": ["annual/ban-sua.xlsx", "appraisal/tham-dinh.xlsx"],
        "changed": [],
        "removed": ["annual/old-copy.xlsx"],
    }
    assert changes["wards"] == []
    md = render_changes_md(changes)
    assert "- Tệp mới: `annual/ban-sua.xlsx`" in md and "- Tệp mới: `appraisal/tham-dinh.xlsx`" in md
    assert "- Tệp đã gỡ bỏ: `annual/old-copy.xlsx`" in md
    assert "Không có điểm, thứ hạng, xếp loại hay đề nghị khen thưởng nào thay đổi." in md


def test_without_a_previous_run_it_says_this_is_the_first(tmp_path: Path) -> None:
    """It finds no snapshot in an empty folder, compares nothing and says this is the first run."""
    assert load_snapshot(tmp_path / "nothing-here") is None
    cur = snapshot(tmp_path, "run-1", INPUTS, RANKING_BEFORE, scores("7.92"))
    changes = diff_runs(None, cur)
    assert changes == {
        "previous_run": None,
        "current_run": "run-1",
        "inputs": {"added": [], "changed": [], "removed": []},
        "wards": [],
    }
    assert "Đây là lần chạy đầu tiên (`run-1`)" in render_changes_md(changes)


def test_identical_runs_report_no_change(tmp_path: Path) -> None:
    """It lists no input and no ward when nothing moved, and says so; 95.5 and 95.50 are the same number."""
    prev = snapshot(tmp_path, "run-1", INPUTS, RANKING_BEFORE, scores("7.92"))
    same_numbers = [RANKING_BEFORE[0].replace("95.55", "95.550"), *RANKING_BEFORE[1:]]
    cur = snapshot(tmp_path, "run-2", dict(reversed(INPUTS.items())), same_numbers, scores("7.92"))
    changes = diff_runs(prev, cur)
    assert changes["inputs"] == {"added": [], "changed": [], "removed": []}
    assert changes["wards"] == []
    assert "Không có thay đổi nào: các tệp đầu vào giữ nguyên" in render_changes_md(changes)


def test_a_new_source_with_the_same_points_is_a_cause(tmp_path: Path) -> None:
    """It names a criterion whose score now comes from the appraisal even though the total did not move."""
    prev = snapshot(tmp_path, "run-1", INPUTS, RANKING_BEFORE, scores("7.92"))
    cur = snapshot(tmp_path, "run-2", INPUTS, RANKING_BEFORE, scores("7.92", "appraisal", "appraisal/tham-dinh.xlsx"))
    [sapa] = diff_runs(prev, cur)["wards"]
    assert sapa["changes"] == []
    assert [(c["code"], c["old_source"], c["new_source"], c["file"]) for c in sapa["causes"]] == [
        ("1.1", "self", "appraisal", "appraisal/tham-dinh.xlsx")
    ]
    md = render_changes_md(diff_runs(prev, cur))
    assert (
        "- Phường Sa Pa: tổng điểm không đổi (tiêu chí 1.1: 5,00 → 5,00, nguồn: tự chấm → thẩm định, "
        "tệp `appraisal/tham-dinh.xlsx`)"
    ) in md


def test_a_newly_scored_ward_shows_its_status_change_without_causes(tmp_path: Path) -> None:
    """It reports a ward that went from missing to scored by its fields, not by every one of its lines."""
    prev = snapshot(tmp_path, "run-1", INPUTS, RANKING_BEFORE, scores("7.92"))
    scored = [*RANKING_BEFORE[:2], "3,NGHIALO,Nghĩa Lộ,scored,80.00,0.00,1.00,79.00,HTTNV,"]
    lines = [*scores("7.92"), "NGHIALO,1.1,4.00,4.00,self,annual/nghialo.xlsx,,,"]
    cur = snapshot(tmp_path, "run-2", {**INPUTS, "annual/nghialo.xlsx": "9" * 64}, scored, lines)
    [nghialo] = diff_runs(prev, cur)["wards"]
    assert nghialo["causes"] == []
    assert nghialo["changes"][:2] == [
        {"field": "status", "old": "missing", "new": "scored"},
        {"field": "rank", "old": None, "new": "3"},
    ]
    md = render_changes_md(diff_runs(prev, cur))
    assert "- Phường Nghĩa Lộ: trạng thái chưa nộp → đã chấm điểm; xếp hạng chưa xếp hạng → 3;" in md


def test_a_broken_manifest_is_named(tmp_path: Path) -> None:
    """It refuses a manifest that is not JSON, naming the file."""
    run = write_run(tmp_path, "run-1", INPUTS, RANKING_BEFORE, scores("7.92"))
    (run / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"manifest\.json"):
        load_snapshot(run)


def test_a_run_without_ranking_files_reads_as_no_rows(tmp_path: Path) -> None:
    """It reads a monthly run folder (manifest only) as inputs without ranking or score rows."""
    run = tmp_path / "monthly-run"
    run.mkdir()
    (run / "manifest.json").write_text(json.dumps({"run_id": "m1", "inputs": []}), encoding="utf-8")
    assert load_snapshot(run) == RunSnapshot("m1", {}, [], [])
