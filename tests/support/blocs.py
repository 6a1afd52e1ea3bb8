"""Bloc folders (``inputs/<year>/<bloc-code>/``) made from the 2025 sample, for the tests of a year of many blocs."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.office_files import SAMPLE

SMALL = ["SAPA", "LAOCAI", "AULAU", "VANPHU", "CAUTHIA"]


def write_yaml(path: Path, data: object) -> None:
    """``data`` as the YAML file ``path``, Vietnamese letters kept."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def copy_bloc(year_dir: Path, code: str, keep: list[str] | None = None, name: str | None = None) -> Path:
    """The 2025 sample as bloc ``code`` (named ``name`` if given); with ``keep`` only those wards (roster, targets,
    files), no meeting."""
    folder = year_dir / code
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README*"))
    roster = yaml.safe_load((folder / "bloc.yaml").read_text(encoding="utf-8"))
    roster["bloc"]["code"] = code
    if name:
        roster["bloc"]["name"] = name
    if keep:
        roster["bloc"]["members"] = [m for m in roster["bloc"]["members"] if m["code"] in keep]
        roster["bloc"]["head"] = keep[0]
        criteria = yaml.safe_load((folder / "criteria.yaml").read_text(encoding="utf-8"))
        for indicator in criteria["indicators"]:
            if "targets" in indicator:
                indicator["targets"] = {k: v for k, v in indicator["targets"].items() if k in keep}
        write_yaml(folder / "criteria.yaml", criteria)
        (folder / "meeting.yaml").unlink()
        for path in folder.rglob("*.xlsx"):
            if path.parent.name != "appraisal" and not any(path.stem.endswith(k.lower()) for k in keep):
                path.unlink()
    write_yaml(folder / "bloc.yaml", roster)
    return folder
