"""Fuzzing bloc.yaml, criteria.yaml and meeting.yaml: whatever is typed, loading ends in a ConfigError or a config.

Each example takes the 2025 sample's three files and mutates one of them, either as text (lines deleted,
doubled, cut or swapped; hostile snippets inserted: anchors and aliases, duplicate keys, Python tags, ``.nan``,
huge exponents, very long digits, tabs, deep nesting, bytes that are not UTF-8) or as data (a value anywhere in
the tree replaced by another type, a key dropped or added) and dumped again. Loading the year must then give a
configuration or raise :class:`ConfigError`; any other exception is a crash the secretariat would see.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.config.load import ConfigError
from tasks.config.year import load_year
from tests.support.examples import examples
from tests.support.wording import has_diacritics

SAMPLE = Path(__file__).resolve().parents[3] / "inputs" / "2025"
FILES = ("bloc.yaml", "criteria.yaml", "meeting.yaml")
SNIPPETS = [
    "&a [1, 2]", "*a", "<<: *a", "!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", ".nan", "-.inf",
    "1e999999999", "1.0e+999999999", "9" * 5000, "0x7fffffffffffffffffff", "-5", "0", "2026-02-31", "~", "null",
    "{a: 1, a: 2}", "[" * 200 + "]" * 200, "? [1]\n: 2", "\t", "year: 2025", "code: SAPA", "name: Sa Pa",
    "members: []", "flag: {SAPA: 99}", "ballots_valid: 11", "max: 1000000000000000000000", "'", '"', "%TAG ! x",
    "--- \n---", "…", "Phường SA PA", "1/0", "2/3", "yes", "on", "=1+1", "\u202e", "\x00", "😀",
]  # fmt: skip


# libyaml's emitter when PyYAML has it (it writes the same documents as the pure-Python one, several times faster)
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@cache
def _sample(name: str) -> str:
    return (SAMPLE / name).read_text(encoding="utf-8")


@cache
def _tree(name: str) -> Any:
    return yaml.safe_load(_sample(name))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(SNIPPETS),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _edit_text(text: str, edits: list[tuple[str, int, str]]) -> str:
    lines = text.splitlines()
    for what, at, snippet in edits:
        if not lines:
            lines = [snippet]
            continue
        i = at % len(lines)
        if what == "delete":
            del lines[i]
        elif what == "double":
            lines.insert(i, lines[i])
        elif what == "cut":
            lines[i] = lines[i][: len(lines[i]) // 2]
        elif what == "swap":
            j = (i + 1) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif what == "append":
            lines[i] = f"{lines[i]} {snippet}"
        else:  # insert a line, indented like its neighbour
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines.insert(i, indent + snippet)
    return "\n".join(lines) + "\n"


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _paths(v, (*prefix, i))
    return found


def _edit_tree(name: str, edits: list[tuple[int, str, Any]]) -> str:
    tree = copy.deepcopy(_tree(name))  # a fresh copy (parsing the file again costs more than the load tested)
    for at, what, value in edits:
        paths = _paths(tree)
        path = paths[at % len(paths)]
        if not path:
            tree = value
            continue
        parent = tree
        for step in path[:-1]:
            parent = parent[step]
        if what == "drop":
            del parent[path[-1]]
        elif what == "add" and isinstance(parent, dict):
            parent[str(value)[:12]] = value
        else:
            parent[path[-1]] = value
    return yaml.dump(tree, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)


TEXT_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "double", "cut", "swap", "append", "insert"]),
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(SNIPPETS) | st.text(max_size=30),
    ),
    min_size=1,
    max_size=4,
)
TREE_EDITS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(["set", "drop", "add"]), VALUES),
    min_size=1,
    max_size=3,
)
MUTATIONS = st.tuples(
    st.sampled_from(FILES),
    st.one_of(st.tuples(st.just("text"), TEXT_EDITS), st.tuples(st.just("tree"), TREE_EDITS)),
    st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1-bytes"]),
)


def _mutated(name: str, how: tuple[str, Any]) -> str:
    kind, edits = how
    return _edit_text(_sample(name), edits) if kind == "text" else _edit_tree(name, edits)


@pytest.fixture(scope="module")
def inputs_for(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """For each file name, an inputs folder whose ``2025/`` holds the sample's two other files, unchanged: an
    example writes only the file it mutates (a new folder and three files per example cost more than the load)."""
    folders = {}
    for name in FILES:
        year_dir = tmp_path_factory.mktemp(name.removesuffix(".yaml")) / "2025"
        year_dir.mkdir()
        for other in FILES:
            if other != name:
                (year_dir / other).write_text(_sample(other), encoding="utf-8")
        folders[name] = year_dir.parent
    return folders


def check_loads_or_refuses(mutation: tuple[str, tuple[str, Any], str], inputs_for: dict[str, Path]) -> None:
    """Load the sample year with one file mutated: a configuration or a ConfigError in Vietnamese, nothing else."""
    name, how, encoding = mutation
    text = _mutated(name, how)
    data = text.encode("utf-8") if encoding == "utf-8" else b"\xff\xfe" + text.encode("utf-8", "replace")
    (inputs_for[name] / "2025" / name).write_bytes(data)
    try:
        load_year(inputs_for[name], 2025)
    except ConfigError as exc:
        assert exc.file.endswith(name) or exc.file.endswith(".yaml")
        assert has_diacritics(exc.problem), exc  # told in Vietnamese, whatever the mistake


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation=MUTATIONS)
def test_a_mutated_configuration_loads_or_stops_with_a_config_error(
    mutation: tuple[str, Any, str], inputs_for: dict[str, Path]
) -> None:
    """A short run for every test session: no mutation of the three YAML files escapes as another exception."""
    check_loads_or_refuses(mutation, inputs_for)


@pytest.mark.fuzz
@settings(max_examples=2_500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation=MUTATIONS)
def test_thousands_of_mutated_configurations_load_or_stop_with_a_config_error(
    mutation: tuple[str, Any, str], inputs_for: dict[str, Path]
) -> None:
    """The long run (``make test``; CI): 2,500 mutations, no exception other than ConfigError."""
    check_loads_or_refuses(mutation, inputs_for)


def test_the_unmutated_sample_loads(inputs_for: dict[str, Path]) -> None:
    """The fuzzing starts from files that load: a failure above is the mutation's doing."""
    for name in FILES:
        assert _tree(name)
    check_loads_or_refuses(("bloc.yaml", ("text", [("append", 0, "")]), "utf-8"), inputs_for)
