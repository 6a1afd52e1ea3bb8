"""Fixtures of the blank-workbook tests: the 2025 sample's bloc and catalogue, loaded once."""

from __future__ import annotations

import pytest

from tasks.config.year import PROJECT_ROOT, YearConfig, load_year


@pytest.fixture(scope="package")
def config() -> YearConfig:
    """The 2025 sample year: its bloc of ten wards and its catalogue of criteria and indicators."""
    return load_year(PROJECT_ROOT / "inputs", 2025)
