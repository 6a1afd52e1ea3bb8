"""``thidua verify``: an auditor learns which file of a run, or of its inputs, no longer matches its manifest."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasks.outputs.run_folder import finish_run, sha256_bytes, start_run, write_bytes
from tasks.outputs.verify import Finding, Problem, finding_text, verify_run

RUN_ID = "20260115T080000000Z-abcd"


@pytest.fixture
def run(tmp_path: Path) -> Path:
    """A finished run folder of three outputs, whose manifest lists two input files under ``tmp_path/inputs``."""
    inputs = tmp_path / "inputs" / "2025"
    listed = []
    for rel, data in (("bloc.yaml", b"code: khoi-phuong\n"), ("annual/sapa.xlsx", b"PK\x03\x04 not really")):
        write_bytes(inputs / rel, data)
        listed.append({"path": rel, "sha256": sha256_bytes(data)})
    work = start_run(tmp_path / "outputs" / "2025" / "review", RUN_ID)
    write_bytes(work / "ranking.csv", b"rank,ward_code\n1,SAPA\n")
    write_bytes(work / "scores.csv", b"ward_code,code\nSAPA,1.1\n")
    write_bytes(work / "validation" / "summary.json", b"{}\n")
    return finish_run(work, {"run_id": RUN_ID, "inputs_root": str(inputs), "inputs": listed})


def test_an_untouched_run_has_nothing_to_report(run: Path) -> None:
    """Every output and input hashes as recorded: no finding at all."""
    assert verify_run(run) == []


def test_a_changed_output_is_named_and_nothing_else_is_reported(run: Path) -> None:
    """One edited byte in ranking.csv: one finding, naming that file and saying the hash differs."""
    (run / "ranking.csv").write_bytes(b"rank,ward_code\n1,LAOCAI\n")
    assert verify_run(run) == [Finding(Problem.CHANGED_OUTPUT, run / "ranking.csv")]


def test_a_deleted_output_and_a_file_added_later_are_both_named(run: Path) -> None:
    """A removed output is MISSING; a file slipped into the folder (even in a subfolder) is EXTRA."""
    (run / "validation" / "summary.json").unlink()
    write_bytes(run / "validation" / "ghi-chu.txt", b"added by hand")
    assert verify_run(run) == [
        Finding(Problem.MISSING_OUTPUT, run / "validation" / "summary.json"),
        Finding(Problem.EXTRA_OUTPUT, run / "validation" / "ghi-chu.txt"),
    ]


def test_an_input_changed_after_the_run_is_named(run: Path, tmp_path: Path) -> None:
    """A ward's file replaced after the review: the run no longer matches its inputs, and verify says which."""
    changed = tmp_path / "inputs" / "2025" / "annual" / "sapa.xlsx"
    changed.write_bytes(b"PK\x03\x04 another version")
    assert verify_run(run) == [Finding(Problem.CHANGED_INPUT, changed)]


def test_inputs_that_cannot_be_found_are_reported_as_not_checked(run: Path, tmp_path: Path) -> None:
    """A run copied to another machine without its inputs: the outputs are checked, the inputs said unchecked."""
    (tmp_path / "inputs").rename(tmp_path / "elsewhere")
    assert verify_run(run) == [Finding(Problem.INPUTS_NOT_FOUND, tmp_path / "inputs" / "2025")]


def test_a_missing_or_unreadable_manifest_is_a_finding_not_a_crash(run: Path) -> None:
    """Without manifest.json nothing can be checked, and verify says so in one line instead of failing."""
    manifest = run / "manifest.json"
    manifest.write_text("{ not json", encoding="utf-8")
    assert verify_run(run) == [Finding(Problem.UNREADABLE_MANIFEST, manifest)]
    manifest.unlink()
    assert verify_run(run) == [Finding(Problem.NO_MANIFEST, manifest)]


def test_verifying_changes_nothing_in_the_run(run: Path) -> None:
    """verify only reads: the manifest and every output keep their bytes."""
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    verify_run(run)
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: [m],  # JSON, but not an object
        lambda m: {**m, "outputs": "ranking.csv"},
        lambda m: {**m, "outputs": [*m["outputs"], "ranking.csv"]},
        lambda m: {**m, "outputs": [*m["outputs"], {"path": "ranking.csv"}]},
        lambda m: {**m, "inputs": [{"path": 7, "sha256": "00"}]},
        lambda m: {**m, "inputs": [{"path": "../../etc/passwd", "sha256": "00"}]},
        lambda m: {**m, "outputs": [{"path": "/etc/passwd", "sha256": "00"}]},
        lambda m: {**m, "outputs": [{"path": "", "sha256": "00"}]},
        lambda m: {key: value for key, value in m.items() if key != "inputs_root"},
        lambda m: {**m, "inputs_root": ["/"]},
    ],
    ids=[
        "a_list",
        "outputs_not_a_list",
        "an_entry_not_an_object",
        "an_entry_without_its_hash",
        "a_path_not_text",
        "a_path_out_of_the_folder",
        "an_absolute_path",
        "an_empty_path",
        "no_inputs_root",
        "inputs_root_not_text",
    ],
)
def test_a_manifest_not_in_thiduas_form_is_one_finding_and_nothing_is_read(
    run: Path, edit: Callable[[dict[str, Any]], object]
) -> None:
    """A hand-edited manifest (a list, an entry without its hash, a path leading out of the folder) is named as
    such, in one finding, instead of stopping verify with an error or making it read files the run never had."""
    manifest = run / "manifest.json"
    manifest.write_text(json.dumps(edit(json.loads(manifest.read_text(encoding="utf-8")))), encoding="utf-8")
    assert verify_run(run) == [Finding(Problem.MALFORMED_MANIFEST, manifest)]


def test_every_finding_reads_in_vietnamese_with_its_path() -> None:
    """What the command line prints and the web page shows: a Vietnamese sentence naming the file, one per kind."""
    path = Path("/o/r/tệp.csv")
    texts = {problem: finding_text(Finding(problem, path)) for problem in Problem}
    assert (
        texts[Problem.CHANGED_OUTPUT] == "Tệp kết quả đã bị thay đổi: /o/r/tệp.csv (mã sha256 khác với manifest.json)"
    )
    assert texts[Problem.INPUTS_NOT_FOUND] == (
        "Chưa kiểm tra được các tệp đầu vào: lần chạy đã đọc chúng trong thư mục /o/r/tệp.csv (đường dẫn ghi trong "
        "manifest.json, trên máy đã chạy), nhưng ở đây không có thư mục này"
    )
    assert len(set(texts.values())) == len(texts)
    for text in texts.values():
        assert str(path) in text and unicodedata.is_normalized("NFC", text)
        assert not any(word in text for word in ("MISSING", "CHANGED", "EXTRA", "differs", "not found"))
