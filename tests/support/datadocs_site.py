"""A tiny Data Docs site built as a run builds it (test helper, no tests here): one stored suite, one
validation with complete results, then the offline, Vietnamese site."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tasks.outputs import datadocs
from tasks.validation.suites import Validator

SUITE_JSON: dict[str, Any] = {
    "name": "annual_scores",
    "expectations": [
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "ward_code"},
            "description": "Dòng phải có mã phường (cột ward_code).",
            "meta": {"rule": "R1"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "score", "min_value": 0, "max_value": 100},
            "description": "Điểm (cột score) từ 0 đến 100.",
            "meta": {"rule": "R2"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": ["ok", "late"]},
            "description": "Tình trạng (cột status) là ok hoặc late.",
        },
    ],
    "meta": {"note": "bảng tự chấm"},
}
FRAME = pd.DataFrame(
    {"rid": [12, 13, 14], "ward_code": ["P01", None, "P03"], "score": [50, 120, 80], "status": ["ok", "late", "x"]}
)


def build_site(run: Path) -> tuple[Path, Any]:
    """Validate ``FRAME`` once in folder ``run`` as a run does, build the site with no network; its folder and the
    validation result."""
    (run / "annual_scores.json").write_text(json.dumps(SUITE_JSON), encoding="utf-8")
    site_dir = run / "validation" / "data-docs"
    real_connect = socket.socket.connect

    def no_network(self: socket.socket, address: Any) -> None:
        if self.family != socket.AF_UNIX:
            raise AssertionError(f"network access during the Data Docs build: {address!r}")
        real_connect(self, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", no_network)
        validator = Validator(run, run_name="20251231T120000")
        validator.run("annual_scores", FRAME)
        index = datadocs.build_data_docs(validator.context, site_dir)
    (result,) = validator.results
    assert index == site_dir.resolve() / "index.html"
    return index.parent, result


def site_pages(site: Path) -> list[Path]:
    """Every page of the site, in order."""
    return sorted(site.rglob("*.html"))
