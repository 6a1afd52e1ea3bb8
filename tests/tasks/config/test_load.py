"""Loading bloc.yaml, criteria.yaml and meeting.yaml."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tasks.config.load import ConfigError, load_bloc, load_catalogue, load_meeting
from tasks.config.year import load_year


def test_it_loads_the_2025_sample_with_exact_numbers(inputs: Path) -> None:
    """Points are exact decimals and vote thresholds exact fractions."""
    config = load_year(inputs, 2025)
    assert len(config.bloc.members) == 10 and config.bloc.head == "SAPA"
    t3 = next(b for b in config.catalogue.bonus_items if b.code == "T3")
    assert t3.points == Decimal("0.5") and isinstance(t3.points, Decimal)
    assert config.catalogue.flag.quorum == Fraction(2, 3)
    assert sum(c.max for c in config.catalogue.criteria) == Decimal(100)
    assert config.catalogue.window.months() == ("2025-09", "2025-10", "2025-11", "2025-12")
    assert config.meeting is not None and config.meeting.votes is not None
    assert config.meeting.votes.flag == {"SAPA": 9, "LAOCAI": 1}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("scale: 100", "scale: 100\nscales: 3", "scales", "unknown key"),
        (
            '      - {code: "1.1", kind: assessed, max: 5,',
            '      - {code: "1.1", kind: assessed, max: 6,',
            "groups",
            "sum to 101",
        ),
        ("year: 2025", "year: 2024", "year", "differs from the folder"),
        ('    cap: 2,   name: "Mô hình', '    name: "Mô hình', "bonus.items[0].cap", "missing key"),
        ("{code: CT06, name", "{code: CT09, name", "groups[3].criteria[0].indicator", "unknown indicator CT06"),
        ("  - {code: HTTNV,  min: 70,", "  - {code: HTTNV,  min: 95,", "classification[1].min", "decreasing"),
    ],
)
def test_a_broken_criteria_file_names_the_file_and_key(
    inputs: Path, old: str, new: str, key: str, problem: str
) -> None:
    """It stops with a message naming criteria.yaml, the key and the problem."""
    path = inputs / "2025" / "criteria.yaml"
    _replace(path, old.replace("    cap: 2,   name", "cap: 2,   name"), new.replace("    name", "name"))
    with pytest.raises(ConfigError) as err:
        load_year(inputs, 2025)
    assert err.value.file.endswith("criteria.yaml")
    assert err.value.key == key
    assert problem in err.value.problem


def test_a_ward_without_a_target_is_refused(inputs: Path) -> None:
    """Every ward needs a target for a per-ward indicator."""
    path = inputs / "2025" / "criteria.yaml"
    _replace(path, "targets: {VANPHU: 40, ", "targets: {")
    bloc = load_bloc(inputs / "2025" / "bloc.yaml", 2025)
    with pytest.raises(ConfigError) as err:
        load_catalogue(path, bloc, 2025)
    assert err.value.key.endswith("targets.VANPHU") and err.value.problem == "missing key"


def test_votes_cannot_exceed_ballots(inputs: Path) -> None:
    """More valid ballots than received ones is refused, naming votes.ballots_valid."""
    path = inputs / "2025" / "meeting.yaml"
    _replace(path, "ballots_valid: 10", "ballots_valid: 11")
    bloc = load_bloc(inputs / "2025" / "bloc.yaml")
    with pytest.raises(ConfigError) as err:
        load_meeting(path, bloc)
    assert err.value.key == "votes.ballots_valid"


def test_meeting_is_optional(inputs: Path) -> None:
    """Without meeting.yaml there is no meeting (the minutes become a draft)."""
    (inputs / "2025" / "meeting.yaml").unlink()
    assert load_year(inputs, 2025).meeting is None


def test_a_yaml_syntax_error_names_the_file(inputs: Path) -> None:
    """Broken YAML syntax is reported as a configuration error of that file."""
    (inputs / "2025" / "bloc.yaml").write_text("bloc: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bloc\.yaml"):
        load_year(inputs, 2025)


def _config_error(inputs: Path) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        load_year(inputs, 2025)
    return err.value


@pytest.mark.parametrize(
    ("name", "old", "new", "key", "problem"),
    [
        ("meeting.yaml", "  ballots_valid: 10\n", "  ballots_valid: 10\n  ballots_issued: 12\n", "line", "twice"),
        ("bloc.yaml", "  code: ", "  code: x\n  code: ", "line", "appears twice"),
        ("criteria.yaml", "scale: 100", "scale: &s 100\nfoo: *s", "line", "aliases"),
        ("criteria.yaml", "scale: 100", "scale: .nan", "line", "not a finite number"),
        ("criteria.yaml", "scale: 100", "scale: -.inf", "line", "not a finite number"),
        ("criteria.yaml", "scale: 100", "scale: 1e999999999", "scale", "below 10^15"),
        ("criteria.yaml", "scale: 100", "scale: 1.0e+999999999", "scale", "below 10^15"),
        ("criteria.yaml", "scale: 100", "scale: " + "9" * 5000, "line", "cannot read this value"),
        ("meeting.yaml", "start: 2026-01-15T08:00:00", "start: 2026-02-31T08:00:00", "line", "cannot read"),
        ("meeting.yaml", "  ballots_issued: 10", "  ballots_issued: 11", "votes.ballots_issued", "10 members"),
        ("meeting.yaml", "SAPA: 9,", "SAPA: 11,", "votes.flag.SAPA", "only 10 valid"),
        ("criteria.yaml", "quorum: ", "quorum: 1e999999999 #", "nominations.flag.quorum", "fraction"),
        ("criteria.yaml", "scale: 100", "scale: !!python/object/apply:os.system [true]", "line", "constructor"),
    ],
)
def test_a_configuration_mistake_stops_at_once_naming_file_key_and_problem(
    inputs: Path, name: str, old: str, new: str, key: str, problem: str
) -> None:
    """Duplicate keys, aliases, numbers the arithmetic cannot take and impossible votes each stop the load
    with a ConfigError (no other exception) naming the file, where in it, and what is wrong."""
    _replace(inputs / "2025" / name, old, new)
    error = _config_error(inputs)
    assert error.file.endswith(name)
    assert error.key.startswith(key)
    assert problem in error.problem


def test_a_duplicate_key_names_both_lines(inputs: Path) -> None:
    """A vote count written twice (the last one used to win silently) names the line of each."""
    path = inputs / "2025" / "meeting.yaml"
    _replace(path, "  ballots_valid: 10\n", "  ballots_valid: 10\n  ballots_valid: 7\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.index("  ballots_valid: 10") + 1
    error = _config_error(inputs)
    assert error.key == f"line {first + 1}, column 3"
    assert f"first on line {first}" in error.problem


def test_an_alias_bomb_is_refused_without_expanding_it(inputs: Path) -> None:
    """A "billion laughs" document (nine levels of ten aliases) is refused at the first alias."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    (inputs / "2025" / "meeting.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    assert "aliases" in _config_error(inputs).problem


@pytest.mark.parametrize(
    ("first", "second"),
    [("Sa Pa", "Phường SA  PA"), ("Cầu Thia", "P. cầu thia"), ("Cam Đường", "Cam Đường")],
)
def test_roster_names_that_read_the_same_are_refused(inputs: Path, first: str, second: str) -> None:
    """Two wards whose names match the same workbooks (case, spacing, prefix, NFD) would both be unidentifiable."""
    path = inputs / "2025" / "bloc.yaml"
    _replace(path, "name: Yên Bái}", f'name: "{first}"}}')
    _replace(path, "name: Nam Cường}", f'name: "{unicodedata.normalize("NFD", second)}"}}')
    error = _config_error(inputs)
    assert error.file.endswith("bloc.yaml") and error.key == "bloc.members[2].name"
    assert "could not be attributed" in error.problem


def test_a_name_that_reads_as_another_wards_code_is_refused(inputs: Path) -> None:
    """A ward named like another ward's code would take that ward's workbooks."""
    _replace(inputs / "2025" / "bloc.yaml", "name: Âu Lâu}", "name: vanphu}")
    assert _config_error(inputs).key == "bloc.members[3].name"
