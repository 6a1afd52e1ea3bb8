"""Blank workbooks for the wards (``thidua templates --year``): the annual self-assessment and the monthly report.

Each ward gets its own pair, pre-filled with its name, code, the year's criteria or indicators, maxima and
targets, with data validation on every input cell, locked non-input cells (sheet protection without a
password) and an instructions sheet in Vietnamese. Templates hold no cell formulas and their bytes depend only
on the arguments, so two runs give identical files. A template filled in as instructed passes the pipeline's
own validation (see ``tests/tasks/blank_workbooks/test_blank_workbooks.py``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from tasks.blank_workbooks.annual import annual_template
from tasks.blank_workbooks.monthly import monthly_template
from tasks.domain import Bloc, Catalogue, Ward
from tasks.outputs.run_folder import write_bytes

__all__ = ["annual_name", "annual_template", "monthly_name", "monthly_template", "write_templates"]

log = logging.getLogger(__name__)


def annual_name(year: int, ward: Ward) -> str:
    """``tu-cham-diem-2025-sapa.xlsx``."""
    return f"tu-cham-diem-{year}-{ward.code.lower()}.xlsx"


def monthly_name(year: int, ward: Ward) -> str:
    """``bao-cao-chi-tieu-2025-sapa.xlsx``."""
    return f"bao-cao-chi-tieu-{year}-{ward.code.lower()}.xlsx"


def write_templates(bloc: Bloc, catalogue: Catalogue, out_dir: Path, moment: datetime) -> tuple[list[Path], list[Path]]:
    """Write both templates of every roster ward to ``<out_dir>/<WARDCODE>/``: the paths written and the paths
    kept, in roster order.

    A file already there with other bytes is kept as it is (a ward may have filled it in): never overwritten.
    ``moment`` stamps the files (workbook properties and zip entries), so reruns give byte-identical files.
    """
    year = catalogue.year
    written: list[Path] = []
    kept: list[Path] = []
    for ward in bloc.members:
        folder = out_dir / ward.code
        for path, data in (
            (folder / annual_name(year, ward), annual_template(bloc, catalogue, ward, moment)),
            (folder / monthly_name(year, ward), monthly_template(bloc, catalogue, ward, moment)),
        ):
            if path.exists() and (not path.is_file() or path.read_bytes() != data):
                kept.append(path)
            else:
                written.append(write_bytes(path, data))
    log.info("wrote %d templates (%d kept) for %d wards under %s", len(written), len(kept), len(bloc.members), out_dir)
    return written, kept
