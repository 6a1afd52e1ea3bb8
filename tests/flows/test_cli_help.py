"""The help of ``thidua`` as the secretariat reads it: Vietnamese words, every option explained, the exit codes."""

from __future__ import annotations

import re

import pytest

from flows.cli import build_parser
from flows.cli_help import (
    VietnameseParser,
    exit_codes_text,
    help_width,
    option,
    translate_error,
    version_text,
)

SUBCOMMANDS = ("review", "monthly", "check", "templates", "verify", "serve", "web")


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_the_main_help_is_vietnamese_with_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """thidua --help: a Vietnamese description, every command, examples and the exit codes."""
    out = _help(capsys)
    assert out.startswith("Cách dùng: thidua")
    assert "Đánh giá, chấm điểm thi đua của Khối" in out
    assert all(name in out for name in SUBCOMMANDS)
    assert "Ví dụ:" in out and "thidua review --year 2025" in out
    assert "Mã thoát:" in out and "130" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_option_of_every_command_says_what_it_means_its_default_and_an_example(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Each subcommand's help is Vietnamese; every option but --help has an example, and a default unless required."""
    out = _help(capsys, command)
    assert out.startswith(f"Cách dùng: thidua {command}") and "Mã thoát:" in out
    assert "positional arguments" not in out and "options:" not in out and "usage:" not in out
    options = _option_entries(out)
    assert "--inputs" in options or command in ("verify", "serve")
    for name, text in options.items():
        if name == "-h":
            continue
        assert "Ví dụ:" in text, (command, name)
        assert "Mặc định:" in text or "(bắt buộc)" in text, (command, name)


def _option_entries(help_text: str) -> dict[str, str]:
    """Option name → its help text (wrapped lines joined), as the options section of ``help_text`` shows them."""
    entries: dict[str, str] = {}
    current = None
    section = help_text.split("Tuỳ chọn:\n", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        if found := re.match(r"  (-[-\w]+)", line):
            current = found.group(1)
            entries[current] = line
        elif current:
            entries[current] += " " + line.strip()
    return entries


def test_version_names_thidua_and_the_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    """thidua --version prints the versions a support request needs."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("thidua ") and "Prefect 3." in out and "Great Expectations 1." in out
    assert out.strip() == version_text()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["review"], "thiếu tham số bắt buộc: --year"),
        (["review", "--year", "hai"], "--year: giá trị không hợp lệ 'hai'"),
        (["reveiw", "--year", "2025"], "lỗi: không có lệnh 'reveiw' (có phải review?). Xem các lệnh: thidua --help\n"),
        (
            ["review", "--year", "2025", "--nhanh"],
            "không hiểu tham số: --nhanh. Xem các tham số dùng được: thidua review --help",
        ),
        ([], "thiếu tham số bắt buộc: LỆNH. Xem các lệnh: thidua --help"),
        (
            ["review", "--yaer", "2025"],
            "không hiểu tham số: --yaer (có phải --year?). Xem các tham số dùng được: thidua review --help",
        ),
        (["monthly", "--inputs", "x"], "thiếu tham số bắt buộc: --period"),  # --inputs is not like --period
        (["--bogus"], "lỗi: không hiểu tham số: --bogus. Xem các tham số dùng được: thidua --help\n"),
        (["review", "--year", "2025", "--strict=yes"], "--strict không nhận giá trị (đã nhận 'yes')"),
        (["web", "--port", "99999"], "--port: cổng phải là số từ 1 đến 65535, đã nhận '99999'"),
        (["web", "--port", "0"], "cổng phải là số từ 1 đến 65535"),
    ],
)
def test_a_mistyped_command_gets_a_vietnamese_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    """A usage mistake: exit 2, the usage and one Vietnamese line naming the mistake."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith("Cách dùng: thidua")
    assert "lỗi: " in err and words in err and "error:" not in err


def test_an_unknown_option_before_the_command_is_named_not_the_missing_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``thidua --bogus`` names the unknown option (argparse said the command was missing) and exits 2."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--bogus"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.splitlines()[-1] == "thidua: lỗi: không hiểu tham số: --bogus. Xem các tham số dùng được: thidua --help"
    assert "LỆNH" not in err.splitlines()[-1]


def test_every_exit_code_is_listed_with_its_meaning() -> None:
    """The help's exit-code list names 0, 1, 2, 3 and 130, one per line, each with a Vietnamese meaning."""
    lines = exit_codes_text().splitlines()
    assert lines[0] == "Mã thoát:"
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == ["0", "1", "2", "3", "130"]
    assert "Ctrl+C" in lines[-1] and "--strict" in lines[2] and "tệp YAML hỏng" in lines[3]


def test_an_unknown_argparse_message_is_left_as_it_is() -> None:
    """Only argparse's known sentences are translated; anything else reaches the user unchanged, not garbled."""
    assert translate_error("argument --year: expected one argument") == "--year cần một giá trị"
    assert translate_error("ambiguous option: --in could match --inputs, --into") == (
        "tham số --in không rõ, có thể là: --inputs, --into"
    )
    assert translate_error("something argparse never said") == "something argparse never said"


def test_an_option_help_reads_meaning_default_and_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """An option's help is one sentence of meaning, then ``Mặc định:`` (when there is one), then ``Ví dụ:``."""
    monkeypatch.setenv("COLUMNS", "200")  # one line per option
    parser = VietnameseParser(prog="thidua thu")
    option(parser.options, "--year", meaning="năm đánh giá.", shown="năm hiện tại", example="--year 2025")
    option(parser.options, "--period", meaning="tháng theo dõi", shown=None, example="--period 2025-11")
    entries = _option_entries(parser.format_help())
    assert entries["--year"].endswith(" năm đánh giá. Mặc định: năm hiện tại. Ví dụ: --year 2025")
    assert entries["--period"].endswith(" tháng theo dõi. Ví dụ: --period 2025-11")


@pytest.mark.parametrize(("columns", "width"), [(40, 60), (100, 98), (300, 110)])
def test_the_help_fits_the_terminal_within_readable_bounds(
    monkeypatch: pytest.MonkeyPatch, columns: int, width: int
) -> None:
    """A narrow terminal still gets 60 columns, a wide one no more than 110; in between, the terminal's width."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert help_width() == width


@pytest.mark.parametrize(
    ("argv", "usage", "last"),
    [
        (
            ["check", "--yera", "2025", "x.xlsx"],
            "Cách dùng: thidua check ",
            "thidua check: lỗi: không hiểu tham số: --yera (có phải --year?). "
            "Xem các tham số dùng được: thidua check --help",
        ),
        (
            ["review", "--year", "2025", "--bogus"],
            "Cách dùng: thidua review ",
            "thidua review: lỗi: không hiểu tham số: --bogus. Xem các tham số dùng được: thidua review --help",
        ),
    ],
)
def test_an_unknown_option_of_a_command_shows_that_commands_usage_and_the_option_it_looks_like(
    capsys: pytest.CaptureFixture[str], argv: list[str], usage: str, last: str
) -> None:
    """``thidua check --yera 2025`` shows check's usage (not the top level's) and names --year; exit 2."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith(usage)
    assert err.splitlines()[-1] == last
