"""A year's configuration bundle, loaded once per run, and the paths and moments derived from it."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from tasks.config.load import ConfigError
from tasks.config.year import (
    bloc_folders,
    check_period,
    document_moment,
    inputs_root_of,
    load_year,
    parse_cache_folder,
    previous_month,
    year_config,
)
from tasks.domain import InputFile, Issue, Kind, Severity, Status, Submission

SAMPLE = Path(__file__).resolve().parents[3] / "inputs" / "2025"


def test_a_year_is_its_three_files_with_the_hash_of_its_criteria(inputs: Path) -> None:
    """The bundle holds the roster, the catalogue, the meeting and the sha256 of the criteria file it scored by."""
    config = load_year(inputs, 2025)
    assert config.year == 2025 and config.year_dir == inputs / "2025"
    assert config.bloc.year == config.catalogue.year == 2025 and config.meeting is not None
    criteria = (inputs / "2025" / "criteria.yaml").read_bytes()
    assert config.criteria_sha256 == hashlib.sha256(criteria).hexdigest()


def test_a_year_without_a_folder_is_refused_in_vietnamese(inputs: Path) -> None:
    """``--year 2031`` with no inputs/2031/: a configuration error naming the folder and the year."""
    with pytest.raises(ConfigError) as error:
        load_year(inputs, 2031)
    assert error.value.file == str(inputs / "2031") and error.value.key == ""
    assert error.value.problem == "không có thư mục dữ liệu của năm 2031"


def test_the_configuration_is_loaded_once_while_its_files_are_unchanged(inputs: Path) -> None:
    """The command line checks the year before Prefect starts and the flow reuses that load; an edited file is
    read again, and a file broken meanwhile is reported."""
    first = year_config(inputs, 2025)
    assert year_config(inputs, 2025) is first
    bloc = inputs / "2025" / "bloc.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("province: Lào Cai", "province: Tỉnh Lào Cai"), "utf-8")
    again = year_config(inputs, 2025)
    assert again is not first and again.bloc.province == "Tỉnh Lào Cai"
    bloc.write_text("bloc: [", encoding="utf-8")
    with pytest.raises(ConfigError):
        year_config(inputs, 2025)


def test_it_finds_the_bloc_folders_only_when_the_year_holds_no_bloc_of_its_own(tmp_path: Path) -> None:
    """inputs/2025/ with bloc folders → those with a bloc.yaml, sorted; the single-bloc sample → none."""
    province = tmp_path / "inputs"
    for code in ("khoi-c", "khoi-a", "khoi-b"):
        shutil.copytree(SAMPLE, province / "2025" / code, ignore=shutil.ignore_patterns("*.xlsx"))
    (province / "2025" / "notes").mkdir()  # a folder without bloc.yaml is not a bloc
    assert [p.name for p in bloc_folders(province, 2025)] == ["khoi-a", "khoi-b", "khoi-c"]
    assert bloc_folders(SAMPLE.parent, 2025) == []
    assert bloc_folders(province, 2031) == []


def test_a_year_or_bloc_folder_given_as_inputs_points_to_the_root(inputs: Path, tmp_path: Path) -> None:
    """``inputs/2025`` (one bloc or several) and ``inputs/2025/<bloc>`` name ``inputs``; the root itself names none."""
    assert inputs_root_of(inputs) is None
    assert inputs_root_of(inputs / "2025") == inputs
    province = tmp_path / "province"
    shutil.copytree(inputs / "2025", province / "2025" / "khoi-phuong")
    assert inputs_root_of(province) is None
    assert inputs_root_of(province / "2025") == province
    assert inputs_root_of(province / "2025" / "khoi-phuong") == province
    assert inputs_root_of(tmp_path / "khong-co") is None


def test_a_year_of_several_blocs_is_loaded_one_bloc_at_a_time(inputs: Path, tmp_path: Path) -> None:
    """``load_year(…, bloc)`` reads ``<year>/<bloc>/``; without a bloc the error names the blocs and --bloc."""
    province = tmp_path / "province"
    shutil.copytree(inputs / "2025", province / "2025" / "khoi-phuong")
    config = load_year(province, 2025, "khoi-phuong")
    assert config.year_dir == province / "2025" / "khoi-phuong" and config.bloc.code == "khoi-phuong"
    with pytest.raises(ConfigError) as error:
        load_year(province, 2025)
    assert error.value.problem == (
        "năm 2025 có hồ sơ của 1 khối (khoi-phuong), không có bloc.yaml chung: chọn một khối bằng --bloc, "
        "ví dụ --bloc khoi-phuong"
    )
    with pytest.raises(ConfigError, match="năm này không chia khối"):
        load_year(inputs, 2025, "khoi-phuong")


def test_the_parse_cache_sits_under_the_outputs_unless_forced(tmp_path: Path) -> None:
    """Runs writing to the same outputs share what they read; ``--force`` reads every file again."""
    assert parse_cache_folder(tmp_path, force=False) == tmp_path / ".cache" / "parse"
    assert parse_cache_folder(tmp_path, force=True) is None


def test_the_scheduled_month_is_the_one_before_today() -> None:
    """In January the previous month is December of the year before."""
    assert previous_month(date(2026, 1, 10)) == "2025-12"
    assert previous_month(date(2025, 10, 1)) == "2025-09"


@pytest.mark.parametrize("period", ["2025-13", "2025-1", "09/2025", "2025-09-01", ""])
def test_a_period_that_is_not_a_month_is_refused(period: str) -> None:
    """Only ``YYYY-MM`` with a real month names a monthly run; its year is the configuration to load."""
    with pytest.raises(ValueError, match="YYYY-MM"):
        check_period(period)
    assert check_period("2025-09") == 2025


def _submission(status: Status, prepared_on: date | None) -> Submission:
    file = InputFile(Path("/x.xlsx"), "annual/x.xlsx", "0" * 64, Kind.ANNUAL)
    return Submission(file=file, kind=Kind.ANNUAL, status=status, prepared_on=prepared_on)


def test_documents_are_dated_by_the_meeting_or_the_latest_accepted_file_never_the_clock(inputs: Path) -> None:
    """Reruns on the same inputs give the same date: the meeting's start, else the latest date an accepted file
    was prepared (a rejected file's date does not count, nor an impossible one), else a fixed day."""
    meeting = load_year(inputs, 2025).meeting
    too_late = Issue(Severity.WARNING, "date_too_late", "Ngày lập 01/01/2099 muộn hơn …", "Phường ghi đúng ngày lập")
    subs = [
        _submission(Status.ACCEPTED, date(2025, 12, 20)),
        _submission(Status.REJECTED, date(2026, 1, 5)),
        _submission(Status.ACCEPTED, None),
        replace(_submission(Status.ACCEPTED, date(2099, 1, 1)), issues=(too_late,)),
    ]
    assert meeting is not None and document_moment(meeting, subs) == datetime(2026, 1, 15, 8, 0)
    assert document_moment(None, subs) == datetime(2025, 12, 20)
    assert document_moment(None, []) == datetime(2000, 1, 1)
