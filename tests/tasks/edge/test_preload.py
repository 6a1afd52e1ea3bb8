"""Heavy libraries imported in a background thread while the process waits for something else."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasks.edge import preload as preloading


@pytest.fixture
def light_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Two tiny modules not yet imported stand in for Great Expectations and the writers (seconds to import)."""
    names = ["thidua_probe_validation", "thidua_probe_writers"]
    for name in names:
        (tmp_path / f"{name}.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(preloading, "HEAVY", tuple(names))
    monkeypatch.setattr(preloading, "_threads", [])
    yield names
    for name in names:
        sys.modules.pop(name, None)


def test_the_heavy_modules_are_imported_in_the_background_and_waited_for(light_modules: list[str]) -> None:
    """Once ``wait_for_preload`` returns every listed module is imported, by one background thread."""
    preloading.preload()
    preloading.wait_for_preload()
    assert all(name in sys.modules for name in light_modules)
    assert len(preloading._threads) == 1 and not preloading._threads[0].is_alive()


def test_a_second_call_starts_no_second_import(light_modules: list[str]) -> None:
    """The command line and the flow both ask for it: the modules are imported once, by one thread."""
    preloading.preload()
    preloading.preload()
    preloading.wait_for_preload()
    assert len(preloading._threads) == 1


def test_nothing_starts_when_everything_is_already_imported(light_modules: list[str]) -> None:
    """A process that has the modules already (a warm worker) starts no thread."""
    for name in light_modules:
        __import__(name)
    preloading.preload()
    assert preloading._threads == []
    preloading.wait_for_preload()  # without a thread: returns at once


def test_a_module_that_fails_to_import_is_left_to_its_real_import(
    light_modules: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken background import raises nothing in the background; the run's own import reports it."""
    monkeypatch.setattr(preloading, "HEAVY", ("thidua_probe_missing", *light_modules))
    preloading.preload()
    preloading.wait_for_preload()
    assert all(name in sys.modules for name in light_modules)
    with pytest.raises(ModuleNotFoundError):
        __import__("thidua_probe_missing")


def test_great_expectations_analytics_stay_off(light_modules: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing Great Expectations in the background must not phone home: analytics are off unless set."""
    monkeypatch.delenv("GX_ANALYTICS_ENABLED", raising=False)
    preloading.preload()
    preloading.wait_for_preload()
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"
