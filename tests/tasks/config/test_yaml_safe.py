"""Reading a configuration's YAML strictly: exact decimals, and nothing ambiguous, executable or unbounded."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tasks.config.yaml_safe import MAX_BYTES, Refused, TooLarge, parse_yaml, yaml_problem, yaml_text
from tests.support.wording import has_diacritics


def test_floats_are_read_as_the_exact_decimals_written() -> None:
    """``0.1`` is Decimal("0.1"), never the binary float nearest to it; integers and text stay as they are."""
    data = parse_yaml("points: 0.1\ncap: 1.50\ncount: 3\ncode: T1\nwhen: 2026-01-15\n")
    assert data == {"points": Decimal("0.1"), "cap": Decimal("1.50"), "count": 3, "code": "T1", "when": data["when"]}
    assert isinstance(data["points"], Decimal) and str(data["when"]) == "2026-01-15"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("votes:\n  ballots_valid: 10\n  ballots_issued: 12\n  ballots_valid: 7\n", 4, "xuất hiện hai lần"),
        ("bloc:\n  code: x\n  code: khoi-phuong\n", 3, "khóa 'code' xuất hiện hai lần (lần đầu ở dòng 2)"),
        ("scale: &s 100\nfoo: *s\n", 1, "không dùng neo và tham chiếu"),  # at the anchored value
        ("scale: .nan\n", 1, "'.nan' không phải một số"),
        ("scale: -.inf\n", 1, "'-.inf' không phải một số"),
        ("scale: " + "9" * 5000 + "\n", 1, "số nguyên quá dài"),
        ("start: 2026-02-31T08:00:00\n", 1, "ngày không có thật"),
        ("scale: !!python/object/apply:os.system [true]\n", 1, "thẻ !!python/object/apply:os.system không được phép"),
    ],
)
def test_what_the_strict_loader_refuses_is_named_at_its_line_in_vietnamese(text: str, line: int, problem: str) -> None:
    """A repeated key, an alias, a number the arithmetic cannot use, an impossible date and a Python tag each stop
    the load at the line where they are written, with a Vietnamese sentence saying what to do."""
    with pytest.raises(Refused) as refused:
        parse_yaml(text)
    assert refused.value.problem_mark is not None and refused.value.problem_mark.line + 1 == line
    assert problem in (refused.value.problem or "")


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    """A "billion laughs" document (nine levels of ten aliases) is refused at the first alias."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    with pytest.raises(Refused, match="neo và tham chiếu"):
        parse_yaml("\n".join(levels) + "\n")


def test_a_key_that_is_a_list_is_refused() -> None:
    """``? [a, b]`` is legal YAML but no configuration key: it stops the load instead of a Python TypeError."""
    with pytest.raises(Refused, match="tên khóa phải là chữ hoặc số"):
        parse_yaml("? [a, b]\n: khoi\n")


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("bloc: [unclosed\n", "cấu trúc sai"),
        ("bloc:\n\tcode: x\n", "không dùng Tab"),
        ("code: 'unclosed\n", "dấu nháy"),
        ("---\na: 1\n---\nb: 2\n", "một tài liệu"),
        ("code: " + "[" * 1200 + "]" * 1200 + "\n", "lồng nhau quá nhiều tầng"),
    ],
)
def test_a_syntax_error_is_told_in_vietnamese_words(text: str, told: str) -> None:
    """PyYAML's own (English) complaint becomes a Vietnamese hint on what to look at; deep nesting is refused."""
    with pytest.raises(yaml.MarkedYAMLError) as error:
        parse_yaml(text)
    problem = yaml_problem(error.value)
    assert problem.startswith("không phải YAML hợp lệ") and told in problem and has_diacritics(problem)
    assert (error.value.problem or "") not in problem  # the English text is for the --verbose log only


def test_a_file_far_larger_than_any_configuration_is_not_read(tmp_path: Path) -> None:
    """Five megabytes and more is refused from its size, with a Vietnamese message."""
    path = tmp_path / "bloc.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(TooLarge, match="lớn hơn 5 MB"):
        yaml_text(path)


def test_a_file_that_is_not_utf8_is_not_read(tmp_path: Path) -> None:
    """A file saved in a legacy Vietnamese code page is refused rather than read as mojibake."""
    path = tmp_path / "bloc.yaml"
    path.write_bytes("province: Lào Cai\n".encode("cp1258"))
    with pytest.raises(UnicodeDecodeError):
        yaml_text(path)
    path.write_text("province: Lào Cai\n", encoding="utf-8")
    assert parse_yaml(yaml_text(path)) == {"province": "Lào Cai"}


def test_the_loader_can_only_build_plain_yaml_types(tmp_path: Path) -> None:
    """The configuration's loader builds with PyYAML's safe constructor, which has no way to create a Python
    object or call a function; a Python tag in a ward-editable file is refused and nothing it names runs."""
    from tasks.config.yaml_safe import StrictLoader

    assert issubclass(StrictLoader, yaml.constructor.SafeConstructor)
    assert not issubclass(StrictLoader, (yaml.constructor.FullConstructor, yaml.constructor.UnsafeConstructor))
    marker = tmp_path / "ran"
    for tag in ("!!python/object/apply:os.system", "!!python/name:os.system", "!!python/object/new:os.system"):
        with pytest.raises(Refused):
            parse_yaml(f"x: {tag} ['touch {marker}']\n")
    assert not marker.exists()
