"""The command line when the outputs cannot be written, a template is broken, or --strict meets a bad file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

import tasks.outputs.documents as documents
from flows.cli import main
from flows.failures import FAILED, OK, REFUSED, STRICT
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.run_folder import INCOMPLETE, LATEST
from tests.support.sample import send_the_missing_month

ROOT = Path(__file__).resolve().parents[2]


def review(inputs: Path, outputs: Path, *extra: str) -> int:
    return main(["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(outputs), *extra])


FULL_DISK = """
import errno, sys
from pathlib import Path

outputs, original = Path(sys.argv[-1]), Path.write_bytes


def full(self, data):
    if str(self).startswith(str(outputs / "2025")):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))
    return original(self, data)


Path.write_bytes = full
from flows.cli import main

sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow  # the whole command line in a subprocess: `make test` only
def test_a_full_disk_ends_with_one_sentence_and_one_incomplete_folder(
    inputs: Path, tmp_path: Path, prefect_api: str
) -> None:
    """The disk fills while the run folder is written: exit 3, one Vietnamese sentence naming the folder and
    nothing else on the terminal (no traceback), no retry (one ``.incomplete`` folder, not three), no ``latest``.

    Run as the secretariat runs it, in a process of its own whose writes under ``outputs/2025`` fail; its flow is
    recorded on the session's Prefect server (a temporary server's output: tests/flows/test_cli.py).
    """
    outputs = tmp_path / "outputs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    env["PREFECT_API_URL"] = prefect_api
    args = ["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(outputs)]
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )
    assert done.returncode == FAILED
    assert done.stderr.strip().splitlines() == [
        f"thidua: Ổ đĩa chứa thư mục kết quả {outputs / '2025' / 'review'} "
        "đã đầy; hãy giải phóng dung lượng rồi chạy lại."
    ]
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
    last = capsys.readouterr().err.strip().splitlines()[-1]  # (Prefect's own logs: see the full-disk test)
    assert last.startswith("thidua: ") and "không phải liên kết" in last
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
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("thidua: ") and MINUTES_TEMPLATE in last and "Chủ tọa: {{ chu toa }}" in last
    assert not (tmp_path / "outputs" / "2025").exists()


@pytest.mark.slow  # two whole flow runs: `make test` only
def test_strict_exits_1_on_a_rejected_file_that_names_no_ward(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every ward scored and every month sent, but one file in annual/ is not a workbook: the run completes, the
    summary counts the file, and ``--strict`` exits 1 (without it, 0)."""
    send_the_missing_month(inputs / "2025")  # the sample lacks one: --strict would stop on it alone
    (inputs / "2025" / "annual" / "ghi-chu.xlsx").write_text("không phải bảng tính", encoding="utf-8")
    assert review(inputs, tmp_path / "outputs") == OK
    assert "1 bị từ chối;" not in (out := capsys.readouterr().out) and "hợp lệ, 1 bị từ chối." in out
    assert review(inputs, tmp_path / "outputs", "--strict") == STRICT


@pytest.mark.slow  # two whole flow runs: `make test` only
def test_strict_exits_1_on_a_missing_monthly_report_and_the_summary_names_it(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every ward's annual file is accepted, but Âu Lâu sent no October report (it loses DM points): the summary
    names the ward and the month and ``--strict`` exits 1; with the report sent, ``--strict`` exits 0."""
    assert review(inputs, tmp_path / "outputs", "--strict") == STRICT
    out = capsys.readouterr().out.splitlines()
    assert "  Phường: 10/10 có hồ sơ hợp lệ; 0 bị từ chối; 0 chưa nộp." in out
    assert "  Báo cáo tháng còn thiếu: Âu Lâu (10/2025)." in out
    send_the_missing_month(inputs / "2025")
    assert review(inputs, tmp_path / "outputs", "--strict") == OK
    assert not any(line.startswith("  Báo cáo tháng còn thiếu") for line in capsys.readouterr().out.splitlines())
