"""Loading bloc.yaml, criteria.yaml and meeting.yaml."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tasks.config.load import ConfigError, load_bloc, load_catalogue, load_meeting
from tasks.config.year import load_year
from tasks.domain import Bloc, Ward
from tests.support.wording import has_diacritics


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
        ("scale: 100", "scale: 100\nscales: 3", "scales", "khóa không được phép"),
        (
            '      - {code: "1.1", kind: assessed, max: 5,',
            '      - {code: "1.1", kind: assessed, max: 6,',
            "groups",
            "cộng lại là 101,",
        ),
        ("year: 2025", "year: 2024", "year", "khác với năm của thư mục"),
        ('    cap: 2,   name: "Mô hình', '    name: "Mô hình', "bonus.items[0].cap", "thiếu khóa"),
        ("{code: CT06, name", "{code: CT09, name", "groups[3].criteria[0].indicator", "không có chỉ tiêu CT06"),
        ("  - {code: HTTNV,  min: 70,", "  - {code: HTTNV,  min: 95,", "classification[1].min", "giảm dần"),
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
    assert err.value.key.endswith("targets.VANPHU") and err.value.problem == "thiếu khóa"


def test_votes_cannot_exceed_ballots(inputs: Path) -> None:
    """More valid ballots than received ones is refused, naming votes.ballots_valid."""
    path = inputs / "2025" / "meeting.yaml"
    _replace(path, "ballots_valid: 10", "ballots_valid: 11")
    bloc = load_bloc(inputs / "2025" / "bloc.yaml")
    with pytest.raises(ConfigError) as err:
        load_meeting(path, bloc)
    assert err.value.key == "votes.ballots_valid"


CODES = "VANPHU, YENBAI, NAMCUONG, AULAU, NGHIALO, TRUNGTAM, SAPA, CAUTHIA, CAMDUONG, LAOCAI"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("XYZ", f"'XYZ' không phải mã phường nào của Khối trong bloc.yaml; các mã hợp lệ: {CODES}"),
        (
            "Lào Cai",
            "'Lào Cai' không phải mã phường nào của Khối trong bloc.yaml (phường Lào Cai có mã LAOCAI); "
            f"các mã hợp lệ: {CODES}",
        ),
    ],
)
def test_a_vote_for_an_unknown_ward_names_it_and_lists_the_codes(inputs: Path, written: str, problem: str) -> None:
    """A ward in votes.flag that is not in the roster: the file, the key, the ward and the valid codes."""
    path = inputs / "2025" / "meeting.yaml"
    _replace(path, "LAOCAI: 1}", f"{written}: 1}}")
    with pytest.raises(ConfigError) as err:
        load_meeting(path, load_bloc(inputs / "2025" / "bloc.yaml"))
    assert str(err.value) == f"{path}, mục votes.flag.{written}: {problem}"


def test_a_target_for_an_unknown_ward_names_it(inputs: Path) -> None:
    """A per-ward target for a ward not in the roster is named, with the valid codes (not "khóa không được phép")."""
    path = inputs / "2025" / "criteria.yaml"
    _replace(path, "targets: {VANPHU: 40, ", "targets: {VANPHUU: 40, ")
    with pytest.raises(ConfigError) as err:
        load_catalogue(path, load_bloc(inputs / "2025" / "bloc.yaml"), 2025)
    assert err.value.key.endswith("targets.VANPHUU")
    assert err.value.problem == f"'VANPHUU' không phải mã phường nào của Khối trong bloc.yaml; các mã hợp lệ: {CODES}"


def test_a_large_bloc_lists_only_its_first_codes(tmp_path: Path) -> None:
    """With a thousand wards the error lists twelve codes and says how many there are, not the whole roster."""
    members = tuple(Ward(code=f"P{i:04d}", name=f"Phường số {i}") for i in range(1000))
    bloc = Bloc(code="k", name="Khối", province="Tỉnh", year=2025, head="P0000", members=members)
    path = tmp_path / "meeting.yaml"
    meeting = "meeting: {number: '01', place: X, chair: {name: A, title: B}, secretary: {name: C, title: D}}\n"
    votes = "votes: {ballots_issued: 9, ballots_received: 9, ballots_valid: 9, flag: {XYZ: 1}}\n"
    path.write_text(meeting + votes, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_meeting(path, bloc)
    assert err.value.problem.endswith(", P0010, P0011, … (1.000 mã, xem bloc.yaml)")


def test_a_meeting_time_in_another_zone_is_refused_naming_its_hour_in_vietnam(inputs: Path) -> None:
    """``start: 2026-01-15T08:00:00+00:00`` is 15:00 in Vietnam: the load stops naming meeting.yaml and
    meeting.start, the hour it would be in Vietnam and what to write either way, instead of printing 08:00 (the
    zone dropped) or 15:00 (converted unasked) in the minutes."""
    _replace(inputs / "2025" / "meeting.yaml", "  start: 2026-01-15T08:00:00", "  start: 2026-01-15T08:00:00+00:00")
    error = _config_error(inputs)
    assert (Path(error.file).name, error.key) == ("meeting.yaml", "meeting.start")
    assert error.problem == (
        "giờ ghi kèm múi giờ khác giờ Việt Nam: 2026-01-15T08:00:00+00:00 là 15:00 ngày 15/01/2026 giờ Việt Nam; "
        "tệp ghi giờ Việt Nam, không kèm múi giờ: ghi 2026-01-15T15:00:00 nếu cuộc họp vào 15:00, hoặc "
        "2026-01-15T08:00:00 nếu vào 08:00 giờ Việt Nam"
    )


def test_a_meeting_time_written_with_vietnams_offset_is_the_same_time(inputs: Path) -> None:
    """``+07:00`` is Vietnam's own offset: the meeting starts at 08:00 as if no zone were written."""
    _replace(inputs / "2025" / "meeting.yaml", "  start: 2026-01-15T08:00:00", "  start: 2026-01-15T08:00:00+07:00")
    meeting = load_year(inputs, 2025).meeting
    assert meeting is not None and meeting.start == datetime(2026, 1, 15, 8, 0)


def test_meeting_is_optional(inputs: Path) -> None:
    """Without meeting.yaml there is no meeting (the minutes become a draft)."""
    (inputs / "2025" / "meeting.yaml").unlink()
    assert load_year(inputs, 2025).meeting is None


def _config_error(inputs: Path) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        load_year(inputs, 2025)
    return err.value


@pytest.mark.parametrize(
    ("name", "old", "new", "key", "problem"),
    [
        ("meeting.yaml", "  ballots_issued: 10", "  ballots_issued: 11", "votes.ballots_issued", "có 10 thành viên"),
        ("meeting.yaml", "SAPA: 9,", "SAPA: 11,", "votes.flag.SAPA", "chỉ có 10 phiếu hợp lệ"),
    ],
)
def test_a_configuration_mistake_stops_at_once_naming_file_key_and_problem(
    inputs: Path, name: str, old: str, new: str, key: str, problem: str
) -> None:
    """Impossible votes stop the load with a ConfigError (no other exception) naming the file, the key, and what
    is wrong (the YAML the strict loader refuses: test_yaml_safe; numbers the arithmetic cannot take: test_node)."""
    _replace(inputs / "2025" / name, old, new)
    error = _config_error(inputs)
    assert error.file.endswith(name)
    assert error.key.startswith(key)
    assert problem in error.problem


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
    assert "không biết tệp ghi tên đó là của phường nào" in error.problem


def test_a_name_that_reads_as_another_wards_code_is_refused(inputs: Path) -> None:
    """A ward named like another ward's code would take that ward's workbooks."""
    _replace(inputs / "2025" / "bloc.yaml", "name: Âu Lâu}", "name: vanphu}")
    assert _config_error(inputs).key == "bloc.members[3].name"


# A word of English in a problem text: the secretariat reads the sentence in Vietnamese. Keys and values of
# the file (``target``, ``min``, ``true``) may be quoted; these words are never a key or value of the samples.
ENGLISH = re.compile(
    r"(?<![\w.\[])(expected|found|missing|unknown|must|key|keys|appears|twice|cannot|not|allowed|only|least|line|"
    r"column|file|value|below|above|should|invalid|differs|give|use|exactly|error|between|like|folder)(?![\w\]])",
    re.IGNORECASE,
)
BROKEN = [  # (file, text replaced, replacement): one mistake each, every kind of check the loader makes
    ("bloc.yaml", "  head: SAPA", "  heads: SAPA"),
    ("bloc.yaml", "  head: SAPA", "  head: HANOI"),
    ("bloc.yaml", "  name: Khối thi đua các phường\n", ""),
    ("bloc.yaml", "  year: 2025", "  year: 2024"),
    ("bloc.yaml", "  year: 2025", "  year: 20.25"),
    ("bloc.yaml", "  year: 2025", "  year: true"),
    ("bloc.yaml", "code: YENBAI,", "code: VANPHU,"),
    ("bloc.yaml", "code: YENBAI,", "code: yen bai,"),
    ("bloc.yaml", "name: Nam Cường}", "name: Yên Bái}"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: Khối Phường"),
    ("bloc.yaml", "  province: Lào Cai", "  province: [Lào Cai]"),
    ("bloc.yaml", "  name: Khối thi đua các phường", "  name: ''"),
    ("bloc.yaml", "  members:\n", "  members: []\n  extra:\n"),
    ("bloc.yaml", "bloc:\n", "- bloc\n- bloc:\n"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: khoi-phuong\n  code: khoi-x"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: [khoi"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: 'khoi"),
    ("bloc.yaml", "  code: khoi-phuong", "\tcode: khoi-phuong"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: khoi-phuong\x07"),
    ("bloc.yaml", "bloc:\n", "---\nbloc:\n---\n"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: *ten"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: &ten khoi-phuong\n  head2: *ten"),
    ("bloc.yaml", "  code: khoi-phuong", "  ? [a, b]\n  : khoi"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: !!python/object/apply:os.system [ls]"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: !!binary 'ab'"),
    ("bloc.yaml", "  code: khoi-phuong", "  code: " + "[" * 1200 + "]" * 1200),
    ("criteria.yaml", "scale: 100", "scale: 100.125"),
    ("criteria.yaml", "scale: 100", "scale: -5"),
    ("criteria.yaml", "scale: 100", "scale: abc"),
    ("criteria.yaml", "scale: 100", "scale: .nan"),
    ("criteria.yaml", "scale: 100", "scale: 1e999999999"),
    ("criteria.yaml", "scale: 100", "scale: " + "9" * 5000),
    ("criteria.yaml", 'first: "2025-09"', 'first: "2025-13"'),
    ("criteria.yaml", 'last: "2025-12"', 'last: "2025-08"'),
    ("criteria.yaml", "kind: assessed, max: 5,", "kind: magic, max: 5,"),
    ("criteria.yaml", "kind: assessed, max: 5,", "kind: assessed, max: 6,"),
    ("criteria.yaml", "indicator: CT01,", "indicator: CT99,"),
    ("criteria.yaml", "method: proportional, target: 100}", "method: magic, target: 100}"),
    ("criteria.yaml", "method: proportional, target: 100}", "method: proportional, target: 0}"),
    ("criteria.yaml", "method: proportional, target: 100}", "method: proportional}"),
    ("criteria.yaml", "cumulative: false, method: proportional, target: 100}", "cumulative: 2, method: x, target: 1}"),
    ("criteria.yaml", "targets: {VANPHU: 40, ", "targets: {"),
    ("criteria.yaml", "{code: T1, points: 1,   cap: 2,", "{code: T1, points: 3,   cap: 2,"),
    ("criteria.yaml", "{code: T2,", "{code: T1,"),
    ("criteria.yaml", "  - {code: HTTNV,  min: 70,", "  - {code: HTTNV,  min: 95,"),
    ("criteria.yaml", "  - {code: KHTNV,  min: 0,", "  - {code: KHTNV,  min: 10,"),
    ("criteria.yaml", "{code: HTXSNV, min: 90,", "{code: HTXSNV, min: 190,"),
    ("criteria.yaml", "    count: 1\n", "    count: 0\n"),
    ("criteria.yaml", "    count: 3\n", "    count: -3\n"),
    ("criteria.yaml", '"1/2"', '"3/2"'),
    ("criteria.yaml", '"1/2"', '"một nửa"'),
    ("criteria.yaml", "    min_classification: HTXSNV\n    vote", "    min_classification: XUATSAC\n    vote"),
    ("criteria.yaml", "groups:\n", "groups: []\nunused:\n"),
    ("meeting.yaml", "  start: 2026-01-15T08:00:00", "  start: 2026-02-31T08:00:00"),
    ("meeting.yaml", "  start: 2026-01-15T08:00:00", "  start: sáng 15/01"),
    ("meeting.yaml", "  start: 2026-01-15T08:00:00", "  start: 2026-01-15T08:00:00Z"),
    ("meeting.yaml", "  end: 2026-01-15T11:30:00", "  end: 2026-01-14T11:30:00"),
    ("meeting.yaml", "  attendees:\n", "  attendees: 5\n  unused:\n"),
    ("meeting.yaml", "  ballots_issued: 10", "  ballots_issued: 11"),
    ("meeting.yaml", "  ballots_received: 10", "  ballots_received: 12"),
    ("meeting.yaml", "  ballots_valid: 10", "  ballots_valid: 10.5"),
    ("meeting.yaml", "{SAPA: 9,", "{SAPA: 19,"),
    ("meeting.yaml", "{SAPA: 9,", "{HANOI: 9,"),
    ("meeting.yaml", "  ballots_valid: 10", "  ballots_valid: 10\n  ballots_valid: 9"),
]  # fmt: skip


def _broken_file_errors(inputs: Path) -> list[ConfigError]:
    """The errors of BROKEN, and of files that are missing, a folder, not UTF-8, huge, or a year with no folder."""
    errors = []
    year_dir = inputs / "2025"
    originals = {name: (year_dir / name).read_bytes() for name in ("bloc.yaml", "criteria.yaml", "meeting.yaml")}
    for name, old, new in BROKEN:
        _replace(year_dir / name, old, new)
        errors.append(_config_error(inputs))
        (year_dir / name).write_bytes(originals[name])
    for damage in ("missing", "folder", "latin-1", "huge"):
        (year_dir / "bloc.yaml").unlink()
        if damage == "folder":
            (year_dir / "bloc.yaml").mkdir()
        elif damage == "latin-1":
            (year_dir / "bloc.yaml").write_bytes("bloc: {province: Lào Cai}".encode("cp1258"))
        elif damage == "huge":
            (year_dir / "bloc.yaml").write_bytes(b"# " + b"x" * 6_000_000)
        errors.append(_config_error(inputs))
        if damage == "folder":
            (year_dir / "bloc.yaml").rmdir()
        (year_dir / "bloc.yaml").write_bytes(originals["bloc.yaml"])
    with pytest.raises(ConfigError) as err:
        load_year(inputs, 2031)
    return [*errors, err.value]


def test_every_configuration_problem_is_told_in_vietnamese(inputs: Path) -> None:
    """Each of some seventy mistakes in the three YAML files stops the load with a problem text in Vietnamese
    (NFC, with diacritics, no English word), quoting the file's own keys and values as they are written."""
    errors = _broken_file_errors(inputs)
    assert len(errors) == len(BROKEN) + 5
    for error in errors:
        assert unicodedata.is_normalized("NFC", error.problem), error
        assert has_diacritics(error.problem), error
        assert not ENGLISH.search(error.problem), error
    problems = {e.problem for e in errors}
    assert len(problems) > 50  # the mistakes are told apart, not one catch-all sentence
