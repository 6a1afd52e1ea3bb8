"""Reading a set of files: a sub-folder is refused but not counted, a report in a month
folder outside the window is refused with its own rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tasks.config.year import load_year
from tasks.domain import Severity, Status
from tasks.intake.discover import discover
from tasks.intake.read_all import read_all
from tasks.validation.suites import Validator
from tests.support.checked import checked_by_file


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize("cached", [False, True])
def test_a_sub_folder_is_refused_but_not_counted_as_a_file_read(inputs: Path, tmp_path: Path, cached: bool) -> None:
    """'Đọc hồ sơ: 50 tệp' with annual/cu/ beside the 50 files: the folder is named (rejected as 'subfolder')
    but the reading bar counts files only, on a first run and on a rerun from the cache."""
    config = load_year(inputs, 2025)
    folder = config.year_dir / "annual" / "cu"
    folder.mkdir()
    shutil.copy(config.year_dir / "annual" / "tu-cham-diem-2025-sapa.xlsx", folder)
    cache = tmp_path / "cache"
    files = discover(config.year_dir)
    if cached:
        read_all(files, config.bloc, config.catalogue, cache)
    steps: list[int] = []
    subs = read_all(files, config.bloc, config.catalogue, cache, progress=steps.append)
    assert sum(steps) == len(files) - 1 == 50
    (entry,) = [s for s in subs if s.file.rel == "annual/cu"]
    assert (entry.status, [i.rule for i in entry.issues]) == (Status.REJECTED, ["subfolder"])


OUTSIDE_WINDOW = (
    "Thư mục tháng 08/2025 (monthly/2025-08/) nằm ngoài khoảng theo dõi của năm 2025 (từ 09/2025 đến 12/2025): "
    "báo cáo trong thư mục này không được tính."
)


def test_a_report_in_a_month_folder_outside_the_window_is_refused_and_told_to_its_ward(
    inputs: Path, validator: Validator
) -> None:
    """A report put in ``monthly/2025-08/`` (the window starts in September) is listed, rejected by its own rule
    naming the folder and the window, and attributed to the ward it names; it neither supersedes nor conflicts
    with that ward's reports of the window, and a note beside it is refused the same way."""
    year_dir = inputs / "2025"
    august = year_dir / "monthly" / "2025-08"
    august.mkdir()
    shutil.copy(year_dir / "monthly" / "2025-09" / "bao-cao-chi-tieu-2025-09-sapa.xlsx", august / "sapa.xlsx")
    (august / "ghi-chu.txt").write_text("tháng 8", encoding="utf-8")
    _, subs = checked_by_file(inputs, validator)
    report, note = subs["monthly/2025-08/sapa.xlsx"], subs["monthly/2025-08/ghi-chu.txt"]
    assert (report.status, report.ward_code, report.period) == (Status.REJECTED, "SAPA", "2025-08")
    assert report.file.sha256
    first = report.issues[0]
    assert (first.rule, first.severity, first.message) == ("outside_window", Severity.ERROR, OUTSIDE_WINDOW)
    assert first.hint.startswith("Báo cáo tháng chỉ được tính cho các tháng từ 09/2025 đến 12/2025.")
    assert [i.rule for i in report.issues[1:]] == ["period_mismatch"]  # its Kỳ báo cáo says September
    assert [i.rule for i in note.issues] == ["outside_window", "not_a_workbook"]
    assert len(subs) == 52
    assert all(s.status is Status.ACCEPTED for k, s in subs.items() if not k.startswith("monthly/2025-08/"))
