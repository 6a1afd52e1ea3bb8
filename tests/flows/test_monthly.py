"""The monthly flow: one month's reports become the provisional standing of every ward, or are refused whole."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

import flows.cli as cli
from flows.cli import main
from flows.console import progress_console
from flows.failures import Refused
from flows.monthly import MonthlyResult, monthly
from flows.summary import summary_lines
from tasks.outputs.run_folder import RunLocked, run_lock, sha256_bytes
from tasks.outputs.verify import verify_run
from tests.support.executables import executable
from tests.support.sample import EditFn, copy_sample


def test_a_monthly_run_cannot_start_while_another_holds_the_month(inputs: Path, tmp_path: Path) -> None:
    """Another run holds the lock of outputs/2025/monthly/2025-12: the flow stops with RunLocked, writes nothing."""
    base = tmp_path / "outputs" / "2025" / "monthly" / "2025-12"
    with run_lock(base), pytest.raises(RunLocked, match="another run is writing to"):
        monthly(period="2025-12", inputs=inputs, outputs=tmp_path / "outputs")
    assert [p.name for p in base.iterdir()] == [".lock"]


def test_the_monthly_flow_writes_the_standing_of_every_ward(inputs: Path, tmp_path: Path) -> None:
    """standing.csv has the columns of spec §5, one row per ward, the run counts no rejected or missing ward,
    and thidua verify accepts the run."""
    result = monthly(period="2025-12", inputs=inputs, outputs=tmp_path / "outputs")
    run = result.run_dir
    assert (result.rejected, result.missing, result.rejected_files, result.unattributed) == (0, 0, 0, 0)
    criteria = yaml.safe_load((inputs / "2025" / "criteria.yaml").read_text(encoding="utf-8"))
    indicator_columns = [f"{i['code']}_{what}" for i in criteria["indicators"] for what in ("ytd", "score")]
    with (run / "standing.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == ["ward_code", "ward_name", "status", "issues", *indicator_columns]
    assert len(rows) == 10 and {r["status"] for r in rows} <= {"accepted", "rejected", "missing"}
    sapa = next(r for r in rows if r["ward_code"] == "SAPA")
    assert (sapa["ward_name"], sapa["status"], sapa["CT01_score"]) == ("Sa Pa", "accepted", "8.00")
    assert (sapa["CT01_ytd"], sapa["CT08_ytd"]) == ("108.7", "4224")  # as reported, like scores.csv's ytd
    verify = subprocess.run([executable("thidua"), "verify", str(run)], capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "manifest.json" in verify.stdout  # every file matches it


def test_a_monthly_run_outside_the_window_is_refused_without_writing(inputs: Path, tmp_path: Path) -> None:
    """The scheduled deployment runs the flow without the command line: a month outside ``monthly_window``
    (2025-08, before the bloc was set up) fails with the Vietnamese reason and writes no standing."""
    with pytest.raises(Refused, match="ngoài khoảng theo dõi"):
        monthly(period="2025-08", inputs=inputs, outputs=tmp_path / "outputs")
    assert not (tmp_path / "outputs" / "2025" / "monthly" / "2025-08").exists()


@pytest.fixture(scope="module")
def beside_a_sub_folder(tmp_path_factory: pytest.TempPathFactory) -> MonthlyResult:
    """December's monthly run of the sample with an old copy of Sa Pa's report kept in monthly/2025-12/cu/ (one
    run for the two tests below: each asserts on it)."""
    root = tmp_path_factory.mktemp("beside-a-sub-folder")
    inputs = copy_sample(root / "inputs")
    month = inputs / "2025" / "monthly" / "2025-12"
    (month / "cu").mkdir()
    shutil.copy(next(month.glob("*sapa*.xlsx")), month / "cu")
    result = monthly(period="2025-12", inputs=inputs, outputs=root / "outputs")
    assert isinstance(result, MonthlyResult)  # a single bloc's month
    return result


def test_a_sub_folder_of_the_month_is_counted_apart_from_the_rejected_reports(
    beside_a_sub_folder: MonthlyResult,
) -> None:
    """An old copy kept in monthly/2025-12/cu/ is not read: the run counts it as a folder not read, not as a
    rejected report (the bloc's line of a province run says '0 tệp bị từ chối, không đọc 1 thư mục con')."""
    result = beside_a_sub_folder
    assert (result.rejected, result.missing, result.rejected_files, result.folders_not_read) == (0, 0, 0, 1)


def test_a_run_beside_a_sub_folder_verifies_clean(beside_a_sub_folder: MonthlyResult) -> None:
    """The sub-folder was not read, so it is no input of the run: thidua verify finds nothing to report (it said
    'Thiếu tệp đầu vào: …/monthly/2025-12/cu', looking for the folder as a file)."""
    assert verify_run(beside_a_sub_folder.run_dir) == []


def test_a_year_to_date_value_lower_than_last_month_is_warned_in_the_monthly_run(
    inputs: Path, tmp_path: Path, edit_row: EditFn
) -> None:
    """Sa Pa's December report gives 50 new firms (CT03) so far this year, November's gave 55: the monthly run
    warns as the review does (it said 'accepted, issues 0' and wrote no feedback), in summary.json, the feedback
    workbook of the file, the issue count of standing.csv and the lines the command prints."""
    month = inputs / "2025" / "monthly" / "2025-12"
    sapa = next(month.glob("*sapa*.xlsx"))
    cell = edit_row(sapa, "Chỉ tiêu", "CT03", "Lũy kế từ đầu năm", 50)
    result = monthly(period="2025-12", inputs=inputs, outputs=tmp_path / "outputs")
    summary = json.loads((result.run_dir / "validation" / "summary.json").read_text(encoding="utf-8"))
    entry = next(s for s in summary["submissions"] if s["file"] == f"monthly/2025-12/{sapa.name}")
    assert entry["status"] == "accepted"
    assert entry["issues"] == [
        {
            "severity": "warning",
            "rule": "ytd_decreased",
            "sheet": "Chỉ tiêu",
            "cell": cell,
            "column": "Lũy kế từ đầu năm",
            "value": "50",
            "message": "Lũy kế của chỉ tiêu CT03 giảm từ 55 (tháng 11/2025) xuống 50.",
            "hint": "Lũy kế của chỉ tiêu cộng dồn không thể giảm; kiểm tra lại số liệu.",
        }
    ]
    assert all(s["file"].startswith("monthly/2025-12/") for s in summary["submissions"])  # November: compared only
    (book,) = (result.run_dir / "validation" / "feedback").glob("*sapa*.phan-hoi.xlsx")
    texts = [c for ws in openpyxl.load_workbook(book).worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Lũy kế của chỉ tiêu CT03 giảm từ 55 (tháng 11/2025) xuống 50." in texts
    with (result.run_dir / "standing.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["ward_code"] == "SAPA")
    assert (row["status"], row["issues"]) == ("accepted", "1")
    lines = summary_lines(result.run_dir, "Bảng theo dõi tháng 12/2025")
    assert lines[1] == "  Hồ sơ: 10 tệp, 10 hợp lệ, 0 bị từ chối."
    assert lines[-1].startswith(
        "  - Gửi 1 bảng phản hồi chỉ có cảnh báo (thư mục validation/feedback/ của kết quả) cho các phường để xem lại"
    )  # the folder is named: no line before it names it


def test_the_earlier_months_a_warning_quotes_are_inputs_read_for_comparison_and_verify_checks_them(
    inputs: Path, tmp_path: Path, edit_row: EditFn, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """December's warning quotes Sa Pa's November report (55): manifest.json lists the window's earlier months
    among the inputs with their sha256 and ``"role": "comparison"`` (the month's own files have no role), and
    when November's file is changed afterwards thidua verify names it as a file read for comparison, exit 1.
    summary.json still lists December's files only."""
    month = inputs / "2025" / "monthly"
    edit_row(next((month / "2025-12").glob("*sapa*.xlsx")), "Chỉ tiêu", "CT03", "Lũy kế từ đầu năm", 50)
    result = monthly(period="2025-12", inputs=inputs, outputs=tmp_path / "outputs")
    listed = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    earlier = sorted(p.relative_to(inputs / "2025").as_posix() for m in ("09", "10", "11")
                     for p in (month / f"2025-{m}").iterdir())  # fmt: skip
    assert sorted(e["path"] for e in listed if e.get("role") == "comparison") == earlier
    november = next((month / "2025-11").glob("*sapa*.xlsx"))
    entry = next(e for e in listed if e["path"] == f"monthly/2025-11/{november.name}")
    assert entry == {"path": entry["path"], "sha256": sha256_bytes(november.read_bytes()), "role": "comparison"}
    assert all("role" not in e for e in listed if not e["path"].startswith(("monthly/2025-09", "monthly/2025-1")))
    assert all("role" not in e for e in listed if e["path"].startswith("monthly/2025-12/"))
    summary = json.loads((result.run_dir / "validation" / "summary.json").read_text(encoding="utf-8"))
    assert all(s["file"].startswith("monthly/2025-12/") for s in summary["submissions"])

    monkeypatch.setattr(cli, "_quiet_logging", lambda verbose: None)
    assert main(["verify", str(result.run_dir)]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith(f", {len(listed)} tệp (trong đó {len(earlier)} tệp báo cáo tháng trước, chỉ đọc để so sánh lũy kế).")
    )
    edit_row(november, "Chỉ tiêu", "CT03", "Lũy kế từ đầu năm", 45)
    assert main(["verify", str(result.run_dir)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"Tệp báo cáo tháng trước mà lần chạy đã đọc để so sánh lũy kế đã bị thay đổi: {november} (mã sha256 khác "
        "với manifest.json; cảnh báo về lũy kế của lần chạy dựa trên nội dung cũ của tệp)"
    )


def test_a_month_s_progress_says_it_reads_the_earlier_months_too_and_the_window_s_first_month_does_not(
    inputs: Path, tmp_path: Path
) -> None:
    """December reads September to November as well, to compare year-to-date values: its progress lines say so,
    so that their 39 files do not contradict the summary's 10; September, the window's first month, reads its own."""
    out = io.StringIO()
    with progress_console(out):
        monthly(period="2025-12", inputs=inputs, outputs=tmp_path / "out")
        monthly(period="2025-09", inputs=inputs, outputs=tmp_path / "out")
    lines = [line for line in out.getvalue().splitlines() if line.startswith(("Đọc", "Kiểm tra"))]
    assert [line.split(", ")[0] for line in lines] == [
        "Đọc hồ sơ của tháng và các tháng trước (để so sánh lũy kế): 39 tệp",
        "Kiểm tra hồ sơ của tháng và các tháng trước: 39 hồ sơ",
        "Đọc hồ sơ: 10 tệp",
        "Kiểm tra hồ sơ: 10 hồ sơ",
    ]
