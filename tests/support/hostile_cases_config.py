"""Hostile corpus cases of the other classes of issue 11: 5 data never runs as code, 6 configuration mistakes
stop at once, 7 output faults, 9 ``--strict`` (test helper; see :mod:`tests.support.hostile_corpus`).

A configuration case stops the run before any output (``ConfigError``, exit 2 through the command); a
data-as-code case completes with the planted text kept as inert text; an output fault (class 7) ends the command
with one message and exit 3, ``latest`` untouched. Written by the intake's engineer to cover every class of the
issue; the configuration and output owners add their own cases here or in a module of their own.
"""

from __future__ import annotations

from pathlib import Path

from tasks.config.load import ConfigError
from tasks.outputs.run_folder import OutputFault
from tests.support.hostile_cases_intake import ANNUAL, VICTIM, edit, sheet
from tests.support.hostile_corpus import Listed, case


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- Class 6: configuration mistakes stop at once and clearly ------------------------------------------


@case(6, expect_stop=ConfigError)
def duplicate_key_in_the_roster(year_dir: Path) -> None:
    """``head`` written twice in bloc.yaml: the last one would win silently."""
    _replace(year_dir / "bloc.yaml", "  head: SAPA", "  head: SAPA\n  head: LAOCAI")


@case(6, expect_stop=ConfigError)
def duplicate_vote_key(year_dir: Path) -> None:
    """A ward's agree votes written twice in meeting.yaml (it once flipped a vote result)."""
    _replace(year_dir / "meeting.yaml", "  ballots_valid: 10", "  ballots_valid: 10\n  ballots_valid: 9")


@case(6, expect_stop=ConfigError)
def alias_expansion_bomb(year_dir: Path) -> None:
    """A billion-laughs chain of YAML aliases in criteria.yaml."""
    bomb = "".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n" for i in range(1, 10))
    path = year_dir / "criteria.yaml"
    path.write_text("x0: &x0 [lol]\n" + bomb + path.read_text(encoding="utf-8"), encoding="utf-8")


@case(6, expect_stop=ConfigError)
def number_beyond_the_arithmetic(year_dir: Path) -> None:
    """A maximum of 1e999 points."""
    _replace(
        year_dir / "criteria.yaml", '{code: "1.1", kind: assessed, max: 5,', '{code: "1.1", kind: assessed, max: 1e999,'
    )


@case(6, expect_stop=ConfigError)
def roster_names_colliding_once_normalised(year_dir: Path) -> None:
    """Two wards named ``Sa Pa`` and ``SA PA``: neither could be identified."""
    _replace(year_dir / "bloc.yaml", "name: Lào Cai}", "name: SA PA}")


@case(6, expect_stop=ConfigError)
def more_ballots_than_members(year_dir: Path) -> None:
    """Eleven ballots received in a bloc of ten."""
    _replace(year_dir / "meeting.yaml", "  ballots_received: 10", "  ballots_received: 11")


@case(6, expect_stop=ConfigError)
def more_agree_votes_than_valid_ballots(year_dir: Path) -> None:
    """Twelve agree votes out of ten valid ballots."""
    _replace(year_dir / "meeting.yaml", "{SAPA: 9, LAOCAI: 1}", "{SAPA: 12, LAOCAI: 1}")


@case(6, expect_stop=ConfigError)
def year_of_another_folder(year_dir: Path) -> None:
    """criteria.yaml of 2024 in the 2025 folder."""
    _replace(year_dir / "criteria.yaml", "year: 2025", "year: 2024")


# --- Class 5: data never runs as code -------------------------------------------------------------------


@case(5, expect_stop=ConfigError)
def python_object_tag_in_yaml(year_dir: Path) -> None:
    """A YAML tag asking to run a command: safe YAML refuses it, nothing runs."""
    marker = year_dir.parent / "ran"
    _replace(
        year_dir / "bloc.yaml", "  province: Lào Cai", f"  province: !!python/object/apply:os.system ['touch {marker}']"
    )


@case(5, wards={VICTIM: "scored"})
def formula_as_evidence(year_dir: Path) -> None:
    """A spreadsheet formula (DDE) typed as evidence: kept as text, the ward scored."""
    edit(year_dir, ANNUAL, lambda wb: sheet(wb, "TU CHAM DIEM")["E6"].__setattr__("value", "'=cmd|' /C calc'!A0"))


@case(5, Listed(ANNUAL, "ward_unknown", "B1"), wards={VICTIM: "missing"}, command=True)
def template_expression_as_the_ward_name(year_dir: Path) -> None:
    """A Jinja expression typed as the ward's name reaches the Word templates as text, never evaluated."""
    edit(year_dir, ANNUAL, lambda wb: sheet(wb, "THONG TIN")["B1"].__setattr__("value", "{{ ''.__class__.__mro__ }}"))


# --- Class 9: --strict ----------------------------------------------------------------------------------


@case(9, Listed("annual/ghi-chu.txt", "not_a_workbook"), command=True, argv=("--strict",), exit_code=1)
def strict_with_an_unattributed_rejection(year_dir: Path) -> None:
    """A rejected file that names no ward still makes ``--strict`` exit 1."""
    (year_dir / "annual" / "ghi-chu.txt").write_text("ghi chú", encoding="utf-8")


@case(
    9,
    Listed(ANNUAL, "missing_sheet", ward=VICTIM),
    wards={VICTIM: "rejected"},
    command=True,
    argv=("--strict",),
    exit_code=1,
)
def strict_with_an_attributed_rejection(year_dir: Path) -> None:
    """A ward's rejected self-assessment makes ``--strict`` exit 1."""
    edit(year_dir, ANNUAL, lambda wb: wb.remove(sheet(wb, "THUONG - TRU")))


# --- Class 7: output-side faults end cleanly ----------------------------------------------------------


@case(7, expect_stop=OutputFault, command=True, stages=False, exit_code=3)
def latest_is_a_plain_folder(year_dir: Path) -> None:
    """``latest`` made a plain folder by hand (a copy pasted over the link): one message, exit 3, nothing lost."""
    (year_dir.parents[1] / "outputs" / "2025" / "review" / "latest").mkdir(parents=True)


@case(7, expect_stop=OutputFault, command=True, stages=False, exit_code=3)
def latest_is_a_plain_file(year_dir: Path) -> None:
    """``latest`` a plain file (a shortcut saved as a file)."""
    review = year_dir.parents[1] / "outputs" / "2025" / "review"
    review.mkdir(parents=True)
    (review / "latest").write_text("outputs/2025/review/20260115", encoding="utf-8")
