"""Great Expectations behind a small interface: load the suites from ``expectations/`` and run them.

One ephemeral GX context per process; each suite runs once per run on the concatenated rows of every
submission of its kind (one validation of all wards is ~20× faster than one per ward). Failed rows come back
by their ``rid`` so the caller can name file, sheet and cell.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
CRITICAL = "critical"  # GX's severity of an expectation whose failure rejects the submission
_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Failure:
    """One failed expectation: its severity, its meta (rule, message template…) and the failing row ids.

    ``severity`` is the expectation's own GX field: ``critical`` rejects the submission, ``warning`` (and
    ``info``) only tells the ward.
    """

    suite: str
    severity: str
    meta: Mapping[str, Any]
    rids: tuple[int, ...]


@dataclass(frozen=True)
class FailedRow:
    """Where a row that GX reports as unexpected (by its ``rid`` index column) lies in the wards' files.

    Data Docs show the ``rid`` of each failed row; the validation index maps it to the file, sheet and cell.
    ``severity`` is ``critical`` or ``warning``, as the expectation says.
    """

    suite: str
    rid: int
    file: str
    sheet: str | None
    cell: str | None
    severity: str
    rule: str


def suite_columns(suite: Mapping[str, Any]) -> frozenset[str]:
    """Every name the suite's expectation arguments mention: columns, row conditions, parameter names.

    A superset of the columns the suite reads, so the frame handed to GX can leave all others out.
    """
    names: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, str):
            names.update(_NAME.findall(value))
        elif isinstance(value, Mapping):
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    for expectation in suite.get("expectations", ()):
        visit(expectation.get("kwargs", {}))
    return frozenset(names)


def load_suite_json(name: str, directory: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    """The suite ``name`` as stored in ``expectations/<name>.json``."""
    with (directory / f"{name}.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


class Validator:
    """Runs stored expectation suites on DataFrames in one ephemeral GX context."""

    def __init__(self, directory: Path = EXPECTATIONS_DIR, run_name: str = "thidua") -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx  # slow import: only when validation is needed
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.directory = directory
        self.context = gx.get_context(mode="ephemeral")
        self.context.enable_analytics(False)
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self._source = self.context.data_sources.add_pandas("submissions")
        self._definitions: dict[str, Any] = {}
        self._columns: dict[str, frozenset[str]] = {}
        self.results: list[Any] = []
        self.failed_rows: list[FailedRow] = []  # what each rid in ``results`` points at, for the validation index
        self.run_name = run_name

    def columns(self, suite_name: str) -> frozenset[str]:
        """The names the suite's expectations mention; a frame needs no other column."""
        if suite_name not in self._columns:
            self._columns[suite_name] = suite_columns(load_suite_json(suite_name, self.directory))
        return self._columns[suite_name]

    def _definition(self, suite_name: str) -> Any:
        if suite_name not in self._definitions:
            gx = self._gx
            suite = self.context.suites.add(gx.ExpectationSuite(**load_suite_json(suite_name, self.directory)))
            asset = self._source.add_dataframe_asset(suite_name)
            batch = asset.add_batch_definition_whole_dataframe(f"{suite_name}-all-wards")
            vd = gx.ValidationDefinition(data=batch, suite=suite, name=f"{suite_name}-validation")
            self._definitions[suite_name] = self.context.validation_definitions.add(vd)
        return self._definitions[suite_name]

    def run(self, suite_name: str, frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None) -> list[Failure]:
        """Validate ``frame`` (which must have a ``rid`` column) against the stored suite."""
        if frame.empty:
            return []
        from great_expectations.core.run_identifier import RunIdentifier

        definition = self._definition(suite_name)
        result = definition.run(
            run_id=RunIdentifier(run_name=self.run_name),
            batch_parameters={"dataframe": frame},
            expectation_parameters=dict(parameters or {}),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]},
        )
        _pass_unless_critical(self.context, result)
        self.results.append(result)
        failures = []
        for item in result.results:
            config = item.expectation_config
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(f"expectation {config.type} in {suite_name} failed to run: {item.exception_info}")
            if item.success:
                continue
            rows = item.result.get("unexpected_index_list") or []
            rids = tuple(sorted({int(r["rid"]) for r in rows}))
            severity = str(getattr(config.severity, "value", config.severity))
            failures.append(Failure(suite=suite_name, severity=severity, meta=dict(config.meta or {}), rids=rids))
        log.info("suite %s: %d rows, %d failed expectations", suite_name, len(frame), len(failures))
        return failures


def _pass_unless_critical(context: Any, result: Any) -> None:
    """A validation whose failed expectations are all below ``critical`` succeeds, as it does for the ward.

    GX keeps each expectation's ``severity`` but counts any failure against the suite, so Data Docs showed
    ``annual_scores`` as "Failed" for a missing-evidence warning. The failed expectations stay failed (and
    are listed); the suite's result, already stored for Data Docs, is stored again with its success.
    """
    if result.success or result.get_max_severity_failure() == CRITICAL:
        return
    result.success = True
    store = context.validation_results_store
    run_id, suite = result.meta.get("run_id"), result.suite_name
    for key in store.list_keys():
        if key.run_id == run_id and key.expectation_suite_identifier.name == suite:
            store.set(key, result)
