"""The command line when the outputs cannot be written, a template is broken, or --strict meets a bad file."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import docx
import pytest

import tasks.outputs.documents as documents
from flows.cli import main
from flows.failures import FAILED, OK, REFUSED, STRICT
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.run_folder import INCOMPLETE, LATEST


def review(inputs: Path, outputs: Path, *extra: str) -> int:
    return main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(outputs), *extra])


def test_a_full_disk_ends_with_one_sentence_and_one_incomplete_folder(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills while the run folder is written: exit 3, a Vietnamese sentence naming the folder, no
    traceback, no retry (one ``.incomplete`` folder, not three) and no ``latest``."""
    outputs = tmp_path / "outputs"
    original = Path.write_bytes

    def full(self: Path, data: bytes) -> int:  # type: ignore[override]
        if str(self).startswith(str(outputs / "2025")):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert review(inputs, outputs) == FAILED
    err = capsys.readouterr().err
    assert "đã đầy" in err and str(outputs / "2025" / "review") in err
    assert "Traceback" not in err
    base = outputs / "2025" / "review"
    assert len(list(base.glob(f"*{INCOMPLETE}"))) == 1
    assert not (base / LATEST).exists()


def test_a_latest_folder_stops_the_run_before_it_reads_anything(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain folder named ``latest`` (a copied run): exit 3, told to rename it, nothing written beside it."""
    base = tmp_path / "outputs" / "2025" / "review"
    (base / LATEST).mkdir(parents=True)
    assert review(inputs, tmp_path / "outputs") == FAILED
    err = capsys.readouterr().err
    assert "không phải liên kết" in err and "Traceback" not in err
    assert [p.name for p in base.iterdir()] == [LATEST]


def test_a_broken_template_stops_the_run_before_any_output(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A minutes template with a mistyped field: exit 2 (refused), the template and its paragraph named, no outputs."""
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(TEMPLATE_DIR / RANKING_TEMPLATE, templates / RANKING_TEMPLATE)
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    document.add_paragraph("Chủ tọa: {{ chu toa }}")
    document.save(str(templates / MINUTES_TEMPLATE))
    monkeypatch.setattr(documents, "TEMPLATE_DIR", templates)
    assert review(inputs, tmp_path / "outputs") == REFUSED
    err = capsys.readouterr().err
    assert MINUTES_TEMPLATE in err and "Chủ tọa: {{ chu toa }}" in err and "Traceback" not in err
    assert not (tmp_path / "outputs" / "2025").exists()


def test_strict_exits_1_on_a_rejected_file_that_names_no_ward(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every ward scored, but one file in annual/ is not a workbook: the run completes, the summary counts the
    file, and ``--strict`` exits 1 (without it, 0)."""
    (inputs / "2025" / "annual" / "ghi-chu.xlsx").write_text("không phải bảng tính", encoding="utf-8")
    assert review(inputs, tmp_path / "outputs") == OK
    assert "1 bị từ chối;" not in (out := capsys.readouterr().out) and "hợp lệ, 1 bị từ chối." in out
    assert review(inputs, tmp_path / "outputs", "--strict") == STRICT
