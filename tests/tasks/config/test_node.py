"""A configuration file's mappings, checked as they are read, and the ConfigError a person reads."""

from __future__ import annotations

import logging
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tasks.config.node import ConfigError, ConfigNode, read_yaml
from tests.support.wording import has_diacritics

FILE = Path("criteria.yaml")


def _node(**data: Any) -> ConfigNode:
    return ConfigNode(FILE, "nominations.flag", data)


def test_an_error_names_the_file_then_the_key_or_the_line() -> None:
    """A key path reads "mục …", a place in the file "dòng …, cột …", and a whole-file problem only the file."""
    assert str(ConfigError("bloc.yaml", "bloc.head", "thiếu khóa")) == "bloc.yaml, mục bloc.head: thiếu khóa"
    assert ConfigError("bloc.yaml", "dòng 3, cột 5", "x").where == "bloc.yaml, dòng 3, cột 5"
    assert ConfigError(Path("bloc.yaml"), "", "không tìm thấy tệp").where == "bloc.yaml"


def test_an_unknown_key_is_refused_before_a_missing_one_is_reported() -> None:
    """A mistyped key is named as not allowed (the likely cause), a key left out as missing; both with paths."""
    with pytest.raises(ConfigError) as unknown:
        _node(count=1, cuont=2).only({"count", "min_classification"})
    assert unknown.value.key == "nominations.flag.cuont" and "không được phép" in unknown.value.problem
    with pytest.raises(ConfigError) as missing:
        _node(count=1).only({"count", "min_classification"}, {"quorum"})
    assert (missing.value.key, missing.value.problem) == ("nominations.flag.min_classification", "thiếu khóa")


def test_numbers_are_exact_decimals_with_at_most_two_places() -> None:
    """``0.5`` stays Decimal("0.5"); a third decimal place, a negative or a text is refused, quoting the value."""
    node = _node(points=Decimal("0.5"), cap=3, third=Decimal("1.125"), negative=-1, text="năm", flag=True)
    assert node.number("points") == Decimal("0.5") and node.number("cap") == Decimal(3)
    for name, told in [
        ("third", "tối đa 2 chữ số thập phân, gặp 1.125"),
        ("negative", "cần một số từ 0 trở lên, gặp -1"),
        ("text", "cần một số, gặp 'năm'"),
        ("flag", "cần một số, gặp true"),
        ("absent", "cần một số, gặp giá trị trống"),
    ]:
        with pytest.raises(ConfigError) as error:
            node.number(name)
        assert error.value.problem == told


@pytest.mark.parametrize(
    ("name", "value", "told"),
    [
        ("scale", "1e999999999", "nhỏ hơn 10^15"),
        ("scale", Decimal("1.0e+999999999"), "nhỏ hơn 10^15"),
        ("quorum", "1e999999999", "phân số"),
    ],
)
def test_a_number_the_arithmetic_cannot_take_is_refused_naming_its_key(name: str, value: object, told: str) -> None:
    """A number beyond what the exact arithmetic keeps, or a huge exponent for a fraction, stops at its key
    instead of building a billion-digit integer."""
    node = ConfigNode(FILE, "", {name: value})
    with pytest.raises(ConfigError) as error:
        node.fraction(name) if name == "quorum" else node.number(name)
    assert error.value.key == name and told in error.value.problem


def test_whole_numbers_fractions_flags_and_text() -> None:
    """Each reader takes what the file means and refuses the rest in Vietnamese."""
    node = _node(count=3, share="2/3", half=Decimal("0.5"), veto=True, name=" Sa Pa ", code=12)
    assert node.integer("count") == 3
    assert node.fraction("share") == Fraction(2, 3) and node.fraction("half") == Fraction(1, 2)
    assert node.flag("veto") is True and node.flag("absent") is False
    assert node.text("name") == "Sa Pa" and node.text("code") == "12" and node.text("title", "") == ""
    refused = [
        (lambda n: n.integer("half"), "cần một số nguyên, gặp 0.5"),
        (lambda n: n.integer("absent"), "cần một số nguyên, gặp giá trị trống"),
        (lambda n: _node(share="3/2").fraction("share"), "cần một giá trị từ 0 đến 1, gặp '3/2'"),
        (lambda n: _node(veto="yes please").flag("veto"), "cần true (có) hoặc false (không), gặp 'yes please'"),
        (lambda n: _node(name=["Sa Pa"]).text("name"), "cần một đoạn chữ, gặp một danh sách"),
    ]
    for read, told in refused:
        with pytest.raises(ConfigError) as error:
            read(node)
        assert error.value.problem == told


def test_a_list_is_read_as_its_mappings_with_indexed_paths() -> None:
    """Each item of a list carries its index in the key path, so an error points at the right line of the list."""
    node = ConfigNode(FILE, "", {"groups": [{"code": "1"}, "oops"]})
    with pytest.raises(ConfigError) as error:
        node.items("groups")
    assert error.value.key == "groups[1]" and error.value.problem.startswith("cần một nhóm khóa")
    with pytest.raises(ConfigError, match="ít nhất một mục"):
        ConfigNode(FILE, "", {"groups": []}).items("groups")


def test_a_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    """Broken YAML syntax is reported as a configuration error of that file, at its line and column."""
    path = tmp_path / "bloc.yaml"
    path.write_text("bloc: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bloc\.yaml, dòng \d+, cột \d+: không phải YAML hợp lệ"):
        read_yaml(path)


def test_pyyamls_own_words_go_to_the_log_not_to_the_user(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The parser's English explanation is logged (shown with --verbose); the problem text stays Vietnamese."""
    path = tmp_path / "criteria.yaml"
    path.write_text("groups: [unclosed\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="tasks.config.node"), pytest.raises(ConfigError) as error:
        read_yaml(path)
    assert "expected" in caplog.text and "expected" not in error.value.problem
    assert has_diacritics(error.value.problem)


def test_a_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    """A vote count written twice (the last one used to win silently) names the line of each."""
    path = tmp_path / "meeting.yaml"
    path.write_text("votes:\n  ballots_valid: 10\n  ballots_issued: 10\n  ballots_valid: 7\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_yaml(path)
    assert error.value.key == "dòng 4, cột 3"
    assert "lần đầu ở dòng 2" in error.value.problem


@pytest.mark.parametrize(
    ("content", "told"),
    [
        (None, "không tìm thấy tệp"),
        (b"province: L\xe0o Cai\n", "không phải tệp văn bản UTF-8"),
        (b"code: khoi\x07\n", "ký tự không được phép trong YAML (mã U+0007"),
    ],
)
def test_a_file_that_cannot_be_read_as_text_is_named(tmp_path: Path, content: bytes | None, told: str) -> None:
    """A missing file, a file in another encoding and a hidden control character each get their own sentence."""
    path = tmp_path / "bloc.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as error:
        read_yaml(path)
    assert error.value.file == str(path) and told in error.value.problem


@pytest.mark.parametrize("content", ["", "\n\n", "# chỉ có chú thích\n"])
def test_an_empty_file_is_called_empty_not_an_empty_cell(tmp_path: Path, content: str) -> None:
    """An empty meeting.yaml says the file is empty, naming it ("ô trống", an empty cell, is a spreadsheet's word)."""
    path = tmp_path / "meeting.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_yaml(path)
    assert str(error.value) == f"{path}: tệp trống, không có nội dung nào (chỉ có dòng trống hoặc chú thích)"
