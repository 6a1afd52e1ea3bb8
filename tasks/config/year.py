"""The year's configuration bundle and the paths derived from one root."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tasks.config.load import ConfigError, load_bloc, load_catalogue, load_meeting
from tasks.config.node import shown
from tasks.domain import Bloc, Catalogue, Meeting, Status, Submission
from tasks.intake.discover import MONTH, sha256_file

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class YearConfig:
    """bloc.yaml, criteria.yaml and the optional meeting.yaml of ``inputs/<year>/``."""

    year: int
    year_dir: Path
    bloc: Bloc
    catalogue: Catalogue
    meeting: Meeting | None
    criteria_sha256: str


class BlocNotChosen(ConfigError):
    """A year of several bloc folders needs ``--bloc``, or ``--bloc`` names none of them: an option to give, not
    a file to mend (the command line says so without "Sửa rồi chạy lại")."""


def load_year(inputs: Path, year: int, bloc_code: str | None = None) -> YearConfig:
    """Load and check the three YAML files of a year; ConfigError names the file, key and problem.

    ``bloc_code``: the bloc folder ``inputs/<year>/<bloc_code>/`` of a year holding several blocs; a year of
    several blocs without one is :class:`BlocNotChosen`, naming its bloc folders (``--bloc`` chooses one).
    """
    year_dir = inputs / str(year)
    if not year_dir.is_dir():
        raise ConfigError(year_dir, "", f"không có thư mục dữ liệu của năm {year}")
    folders = bloc_folders(inputs, year)
    if bloc_code is not None:
        if (year_dir / bloc_code) not in folders:
            named = f"các khối có: {', '.join(f.name for f in folders)}" if folders else "năm này không chia khối"
            raise BlocNotChosen(year_dir / bloc_code, "", f"không có thư mục của khối {bloc_code} ({named})")
        return load_bloc_folder(year_dir / bloc_code, year)
    if folders:
        raise BlocNotChosen(
            year_dir,
            "",
            f"năm {year} có hồ sơ của {len(folders)} khối ({', '.join(f.name for f in folders)}), không có "
            f"bloc.yaml chung: chọn một khối bằng --bloc, ví dụ --bloc {folders[0].name}",
        )
    bloc = load_bloc(year_dir / "bloc.yaml", year)
    catalogue = load_catalogue(year_dir / "criteria.yaml", bloc, year)
    meeting = load_meeting(year_dir / "meeting.yaml", bloc)
    return YearConfig(year, year_dir, bloc, catalogue, meeting, sha256_file(year_dir / "criteria.yaml"))


def load_bloc_folder(bloc_dir: Path, year: int) -> YearConfig:
    """The YAML files of one bloc folder, checked as for a single bloc; the bloc's code must be the folder's name."""
    bloc = load_bloc(bloc_dir / "bloc.yaml", year)
    if bloc.code != bloc_dir.name:
        problem = f"mã Khối {shown(bloc.code)} khác tên thư mục của Khối {shown(bloc_dir.name)}"
        raise ConfigError(bloc_dir / "bloc.yaml", "bloc.code", problem)
    catalogue = load_catalogue(bloc_dir / "criteria.yaml", bloc, year)
    meeting = load_meeting(bloc_dir / "meeting.yaml", bloc)
    return YearConfig(year, bloc_dir, bloc, catalogue, meeting, sha256_file(bloc_dir / "criteria.yaml"))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


_loaded: dict[tuple[Path, int], tuple[tuple[object, ...], YearConfig]] = {}


def year_config(inputs: Path, year: int) -> YearConfig:
    """``load_year``, loaded once per run: the command line checks it before Prefect starts, the flow reuses it.

    Here, without Prefect, so that a broken file is reported before Prefect is even imported (it takes seconds).

    Kept for the next call only while the three YAML files keep their size and modification time; a
    ``ConfigError`` is raised as ``load_year`` raises it.
    """
    folder = (inputs / str(year)).resolve()
    stamp = tuple(_stamp(folder / name) for name in ("bloc.yaml", "criteria.yaml", "meeting.yaml"))
    kept = _loaded.get((folder, year))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    config = load_year(inputs, year)
    _loaded[(folder, year)] = (stamp, config)
    return config


def bloc_folders(inputs: Path, year: int) -> list[Path]:
    """The bloc folders of ``inputs/<year>/`` when it holds several blocs; ``[]`` when it is one bloc's folder."""
    year_dir = inputs / str(year)
    if not year_dir.is_dir() or (year_dir / "bloc.yaml").exists():
        return []
    return sorted(p for p in year_dir.iterdir() if p.is_dir() and (p / "bloc.yaml").is_file())


_YEAR_FILES = ("bloc.yaml", "criteria.yaml")


def _is_year(folder: Path) -> bool:
    return len(folder.name) == 4 and folder.name.isdigit()


def _holds_year_files(folder: Path) -> bool:
    return any((folder / name).is_file() for name in _YEAR_FILES)


def inputs_root_of(inputs: Path) -> Path | None:
    """The folder ``--inputs`` should have named when ``inputs`` is one level too deep, else None.

    ``inputs`` is then a year's folder (``inputs/2025``: it holds bloc.yaml or criteria.yaml, or bloc folders
    that do) or a bloc's folder inside a year (``inputs/2025/khoi-phuong``); the inputs root holds the years.
    """
    folder = inputs.resolve()
    root = None
    if _holds_year_files(folder):
        root = folder.parent.parent if _is_year(folder.parent) and not _is_year(folder) else folder.parent
    elif _is_year(folder) and folder.is_dir() and any(_holds_year_files(p) for p in folder.iterdir() if p.is_dir()):
        root = folder.parent
    if root is None or inputs.is_absolute():
        return root
    return Path(os.path.relpath(root))  # as the user wrote the folder: relative to where the command runs


def parse_cache_folder(outputs: Path, force: bool) -> Path | None:
    """Where runs writing under ``outputs`` keep what they read; None with ``force`` (read every file again)."""
    return None if force else outputs / ".cache" / "parse"


def previous_month(today: date | None = None) -> str:
    """The month before ``today`` as ``YYYY-MM`` (the default period of the scheduled run)."""
    today = today or date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def check_period(period: str) -> int:
    """The year of a ``YYYY-MM`` period; ValueError for anything else."""
    if not MONTH.fullmatch(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    return int(period[:4])


def document_moment(meeting: Meeting | None, subs: Sequence[Submission]) -> datetime:
    """The time stamped into documents: the meeting's start, else the latest date an accepted file was prepared
    (one its validation found impossible, ``date_too_late``, does not count).

    Never the clock, so reruns on the same inputs are byte-identical.
    """
    if meeting is not None and meeting.start is not None:
        return meeting.start
    dates = [
        s.prepared_on
        for s in subs
        if s.status is Status.ACCEPTED
        and s.prepared_on is not None
        and not any(i.rule == "date_too_late" for i in s.issues)
    ]
    latest = max(dates, default=date(2000, 1, 1))
    return datetime(latest.year, latest.month, latest.day)
