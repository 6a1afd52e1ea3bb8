"""The cycle collector's one policy, set where a process starts and nowhere in the stages."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasks.edge.collector import THRESHOLDS, configure_collector

ROOT = Path(__file__).resolve().parents[3]
STAGES = ("intake", "validation", "scoring", "outputs", "feedback", "config", "blank_workbooks", "web")


@pytest.fixture
def restored_collector() -> Iterator[None]:
    """The test process's own collector settings, put back afterwards."""
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*thresholds)
    if not enabled:
        gc.disable()


def test_the_policy_leaves_long_lived_objects_alone_and_keeps_collecting(restored_collector: None) -> None:
    """After the call the collector is on, with thresholds that make a full collection rarer than a run lasts;
    calling it again (the command line, then a flow) changes nothing."""
    gc.disable()
    gc.set_threshold(700, 10, 10)
    configure_collector()
    assert gc.isenabled() and gc.get_threshold() == THRESHOLDS
    configure_collector()
    assert gc.isenabled() and gc.get_threshold() == THRESHOLDS
    young, middle, full = THRESHOLDS
    assert young * middle * full >= 10**9  # objects allocated before a full collection


def test_no_stage_package_touches_the_collector() -> None:
    """Reading, validation, scoring and writing know nothing of the collector: it is set once at the edge."""
    touching = [
        str(path.relative_to(ROOT))
        for stage in STAGES
        for path in sorted((ROOT / "tasks" / stage).rglob("*.py"))
        if re.search(r"^\s*(import gc|from gc import)|configure_collector", path.read_text(encoding="utf-8"), re.M)
    ]
    assert touching == []
