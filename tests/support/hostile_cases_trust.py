"""More hostile corpus cases of classes 5 (data as code), 6 (configuration), 7 (output faults) and 9
(``--strict``) of issue 11, beside :mod:`tests.support.hostile_cases_config` (test helper; see
:mod:`tests.support.hostile_corpus` for the framework).

Configuration cases stop the run before anything is written (:class:`ConfigError`, exit 2). Output-fault cases
change the outputs folder beside the inputs (``<root>/outputs``, where the command writes) and expect exit 3 with
the folder left as it was. Payloads that would run code create a file named ``PWNED`` beside the inputs if they
ran; their ``verify`` looks for it.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import openpyxl

from tasks.config.load import ConfigError
from tasks.config.year import load_year, parse_cache_folder
from tasks.intake.cache import ParseCache
from tasks.outputs.run_folder import OutputFault
from tests.support.hostile_corpus import Listed, case

VICTIM = "NAMCUONG"
ANNUAL = "annual/tu-cham-diem-2025-namcuong.xlsx"
DECEMBER = "monthly/2025-12/bao-cao-chi-tieu-2025-12-namcuong.xlsx"
REFUSED, FAILED, STRICT = 2, 3, 1  # exit statuses of flows.failures


def _root(year_dir: Path) -> Path:
    return year_dir.parents[1]


def _marker(year_dir: Path) -> Path:
    return _root(year_dir) / "PWNED"


def nothing_ran(year_dir: Path) -> list[str]:
    """The payload's file does not exist."""
    return [f"{_marker(year_dir)} was created: the payload ran"] if _marker(year_dir).exists() else []


def _replace(year_dir: Path, name: str, old: str, new: str) -> None:
    path = year_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- 5: data as code -----------------------------------------------------------------------------------


class _Payload:
    """Unpickling this creates the marker file (what a planted cache pack would do, with a worse command)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@case(5, command=True, verify=nothing_ran)
def planted_parse_cache_pack(year_dir: Path) -> None:
    """Someone with write access to the shared outputs folder plants a pickle where the parse cache looks."""
    config = load_year(year_dir.parent, 2025)
    folder = parse_cache_folder(_root(year_dir) / "outputs", force=False)
    assert folder is not None
    salted = ParseCache(folder, config.bloc, config.catalogue, key=b"\0" * 32).folder
    salted.mkdir(parents=True)
    (salted / "99999999999999999999-1.pack").write_bytes(pickle.dumps(_Payload(_marker(year_dir))))


@case(5, wards={VICTIM: "scored"}, command=True, verify=nothing_ran)
def template_code_in_a_wards_text(year_dir: Path) -> None:
    """A ward types Jinja code into its evidence column and its name of the preparer: it is text, never run."""
    payload = "{{ cycler.__init__.__globals__.os.system('touch " + str(_marker(year_dir)) + "') }}"
    path = year_dir / ANNUAL
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip().casefold() == "minh chứng":
                    ws.cell(row=cell.row + 1, column=cell.column, value=payload)
    wb.save(path)


# --- 6: configuration ----------------------------------------------------------------------------------


@case(6, expect_stop=ConfigError)
def duplicate_member_key(year_dir: Path) -> None:
    """A roster line with its name given twice."""
    _replace(year_dir, "bloc.yaml", "name: Nam Cường}", "name: Nam Cường, name: Sa Pa}")


@case(6, expect_stop=ConfigError)
def not_a_number_scale(year_dir: Path) -> None:
    """``scale: .nan``."""
    _replace(year_dir, "criteria.yaml", "scale: 100", "scale: .nan")


@case(6, expect_stop=ConfigError)
def infinite_target(year_dir: Path) -> None:
    """A target of ``.inf``."""
    _replace(year_dir, "criteria.yaml", "target: 100}", "target: .inf}")


@case(6, expect_stop=ConfigError)
def five_thousand_digit_year(year_dir: Path) -> None:
    """A number longer than Python converts from text."""
    _replace(year_dir, "bloc.yaml", "year: 2025", "year: " + "9" * 5000)


@case(6, expect_stop=ConfigError)
def negative_points(year_dir: Path) -> None:
    """A deduction worth minus two points (a bonus in disguise)."""
    text = (year_dir / "criteria.yaml").read_text(encoding="utf-8")
    at = text.index("deductions:")
    head, tail = text[:at], text[at:]
    (year_dir / "criteria.yaml").write_text(head + tail.replace("points: ", "points: -", 1), encoding="utf-8")


@case(6, expect_stop=ConfigError)
def ward_named_like_another_wards_code(year_dir: Path) -> None:
    """A ward whose name reads as another ward's code would take that ward's workbooks."""
    _replace(year_dir, "bloc.yaml", "name: Nam Cường}", "name: sapa}")


@case(6, expect_stop=ConfigError)
def impossible_meeting_date(year_dir: Path) -> None:
    """The 31st of February."""
    _replace(year_dir, "meeting.yaml", "start: 2026-01-15T08:00:00", "start: 2026-02-31T08:00:00")


@case(6, expect_stop=ConfigError)
def criteria_not_utf8(year_dir: Path) -> None:
    """criteria.yaml saved in a Windows code page."""
    path = year_dir / "criteria.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1258", errors="replace"))


@case(6, expect_stop=ConfigError)
def nested_ten_thousand_deep(year_dir: Path) -> None:
    """An attendee list nested ten thousand levels deep."""
    _replace(year_dir, "meeting.yaml", "  attendees:", "  extra: " + "[" * 10_000 + "]" * 10_000 + "\n  attendees:")


# --- 7: output faults ----------------------------------------------------------------------------------


def _outputs_kept(year_dir: Path) -> list[str]:
    outputs = _root(year_dir) / "outputs"
    return [] if outputs.is_file() and outputs.read_text() == "not a folder" else ["outputs was changed"]


@case(7, expect_stop=OutputFault, command=True, stages=False, exit_code=FAILED, verify=_outputs_kept)
def outputs_is_a_file(year_dir: Path) -> None:
    """``--outputs`` names a file: nothing can be written below it."""
    (_root(year_dir) / "outputs").write_text("not a folder")


# --- 9: --strict ---------------------------------------------------------------------------------------


@case(
    9, Listed(DECEMBER, "empty_file"), touched=frozenset({VICTIM}), command=True, argv=("--strict",), exit_code=STRICT
)
def strict_with_a_rejected_monthly_report(year_dir: Path) -> None:
    """A ward's annual file is accepted but its December report is empty: rejected, so ``--strict`` exits 1."""
    (year_dir / DECEMBER).write_bytes(b"")


@case(9, wards={VICTIM: "missing"}, argv=("--strict",), exit_code=STRICT)
def strict_with_a_missing_ward(year_dir: Path) -> None:
    """A ward that sent nothing for the year."""
    (year_dir / ANNUAL).unlink()
