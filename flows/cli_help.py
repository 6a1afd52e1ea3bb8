"""The ``thidua`` argument parser, in Vietnamese: each option with its meaning, default and an example.

Option names stay in English (they are the contract of spec §7). argparse's own words (``usage:``, ``options``,
its error messages) are replaced here: our own argument groups, usage prefix, ``--help`` and error sentences.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

from flows.failures import EXIT_CODES, REFUSED

DESCRIPTION = (
    "Đánh giá, chấm điểm thi đua của Khối: đọc hồ sơ các phường (bảng tính Excel), kiểm tra, chấm điểm, "
    "xếp hạng và viết biên bản họp tổng kết."
)
EXAMPLES = """Ví dụ:
  thidua review --year 2025                        đánh giá năm 2025 trên thư mục inputs/
  thidua review --year 2025 --inputs D:/hoso       hồ sơ để ở thư mục khác
  thidua monthly --period 2025-11                  bảng theo dõi tháng 11/2025
  thidua check hoso/tu-cham-diem-sapa.xlsx         kiểm tra một tệp trước khi nộp
  thidua templates --year 2026                     biểu mẫu trống cho các phường
  thidua verify outputs/2025/review/latest         kiểm tra kết quả có bị sửa không
  thidua review --help                             trợ giúp của một lệnh"""

# argparse's English error sentences → Vietnamese (Python 3.11-3.13 wording)
_ERRORS = (
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"không hiểu tham số: \1"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"\1: không có lựa chọn \2 (chọn một trong: \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"\1: giá trị không hợp lệ \3"),
    (r"argument (\S+): expected one argument", r"\1 cần một giá trị"),
    (r"argument (\S+): expected at least one argument", r"\1 cần ít nhất một giá trị"),
    (r"ambiguous option: (\S+) could match (.*)", r"tham số \1 không rõ, có thể là: \2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1 không nhận giá trị (đã nhận \2)"),
    (r"argument (\S+): (.*)", r"\1: \2"),  # a type's own message (``port_number``), already in Vietnamese
)


def version_text() -> str:
    """``thidua 0.1.0 (Python 3.11.7, Prefect 3.9.1)``: what a support request needs to quote."""
    found = {}
    for package in ("thidua", "prefect", "great-expectations"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "?"
    python = ".".join(map(str, sys.version_info[:3]))
    return (
        f"thidua {found['thidua']} (Python {python}, Prefect {found['prefect']}, "
        f"Great Expectations {found['great-expectations']})"
    )


def translate_error(message: str) -> str:
    """argparse's error ``message`` in Vietnamese (unchanged if its wording is unknown)."""
    for pattern, replacement in _ERRORS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


def help_width() -> int:
    """Columns of the help: the terminal's, at most 110 (a narrow terminal wraps, a wide one stays readable)."""
    return max(60, min(110, shutil.get_terminal_size().columns - 2))


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=help_width())

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Vietnamese; a usage error exits 2 with one Vietnamese line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("epilog", exit_codes_text())  # every command's help ends with the exit statuses
        if kwargs.get("description"):  # the epilog's examples keep their lines; the description is wrapped here
            kwargs["description"] = textwrap.fill(kwargs["description"], help_width(), break_on_hyphens=False)
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self.arguments = self.add_argument_group("Tham số")  # positional; argparse's own title is English
        self.options = self.add_argument_group("Tuỳ chọn")
        self.options.add_argument("-h", "--help", action="help", help="in trợ giúp này rồi thoát")

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """argparse's parse, keeping the words given: a missing option may be one of them mistyped (``error``)."""
        self.given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in Vietnamese, exit 2."""
        self.print_usage(sys.stderr)
        self.exit(REFUSED, f"{self.prog}: lỗi: {self.explain(message)}\n")

    def explain(self, message: str) -> str:
        """The error in Vietnamese; a required option missing next to a word like it names the typo instead.

        argparse checks required options before unknown ones, so ``review --yaer 2025`` said --year was missing.
        """
        missing = re.fullmatch(r"the following arguments are required: (.*)", message)
        typed = [word.split("=", 1)[0] for word in getattr(self, "given", ()) if word.startswith("--")]
        for name in missing.group(1).split(", ") if missing else ():
            if close := difflib.get_close_matches(name, typed, n=1):
                return (
                    f"không hiểu tham số: {close[0]} (có phải {name}?). Xem các tham số dùng được: {self.prog} --help"
                )
        return translate_error(message)


class CommandParser(VietnameseParser):
    """The top-level parser: an option it does not know is named as such, with where to look for the right one.

    argparse checks the required command before the unknown options: ``thidua --bogus`` said the command was
    missing. The command is optional to argparse here and required below, after the unknown options.
    """

    def add_subparsers(self, **kwargs: Any) -> Any:
        """argparse's, kept: an unknown option is told with its command's usage and options."""
        self.commands = super().add_subparsers(**kwargs)
        return self.commands

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        """The parsed command line; exit 2 with one Vietnamese line for an unknown option or a missing command."""
        parsed, extras = self.parse_known_args(args, namespace)
        command = getattr(parsed, "command", None)
        if extras and command:
            sub = self.commands.choices[command]
            known = re.findall(r"--[\w-]+", sub.format_usage())
            close = (
                difflib.get_close_matches(extras[0].split("=", 1)[0], known, n=1, cutoff=0.75)
                if len(extras) == 1
                else []
            )
            like = f" (có phải {close[0]}?)" if close else ""
            sub.error(f"không hiểu tham số: {' '.join(extras)}{like}. Xem các tham số dùng được: {sub.prog} --help")
        if extras:
            self.error(f"không hiểu tham số: {' '.join(extras)}. Xem các tham số dùng được: {self.prog} --help")
        if command is None:
            self.error(f"thiếu tham số bắt buộc: LỆNH. Xem các lệnh: {self.prog} --help")
        return parsed

    def explain(self, message: str) -> str:
        """A mistyped command is named as a command, with the one it looks like (argparse lists every choice)."""
        wrong = re.fullmatch(r"argument LỆNH: invalid choice: '(.*)' \(choose from .*\)", message)
        if wrong is None:
            return super().explain(message)
        close = difflib.get_close_matches(wrong.group(1), list(self.commands.choices), n=1)
        like = f" (có phải {close[0]}?)" if close else ""
        return f"không có lệnh '{wrong.group(1)}'{like}. Xem các lệnh: {self.prog} --help"


def option(group: Any, *names: str, meaning: str, shown: str | None, example: str, **kwargs: Any) -> None:
    """Add an option whose help reads: meaning. Mặc định: …. Ví dụ: …"""
    parts = [meaning.rstrip(".") + "."]
    if shown is not None:
        parts.append(f"Mặc định: {shown}.")
    parts.append(f"Ví dụ: {example}")
    group.add_argument(*names, help=" ".join(parts), **kwargs)


def exit_codes_text() -> str:
    """The exit statuses, one per line, for the help's epilog."""
    return "Mã thoát:\n" + "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES)


def port_number(text: str) -> int:
    """``--port``: a TCP port, 1 to 65535."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"cổng phải là số từ 1 đến 65535, đã nhận {text!r}")
    return int(text)


def year_option(p: VietnameseParser, meaning: str, shown: str | None, example: str = "--year 2025") -> None:
    """``--year``: required when it has no default (``shown`` None)."""
    option(
        p.options,
        "--year",
        type=int,
        required=shown is None,
        metavar="NĂM",
        meaning=meaning,
        shown=shown,
        example=example,
    )


def folder_options(p: VietnameseParser, outputs: bool = True) -> None:
    option(
        p.options,
        "--inputs",
        type=Path,
        default=Path("inputs"),
        metavar="THƯ_MỤC",
        meaning="thư mục chứa hồ sơ, có thư mục con theo năm (2025/…); không bao giờ bị ghi vào",
        shown="inputs",
        example="--inputs D:/thidua/hoso",
    )
    if outputs:
        option(
            p.options,
            "--outputs",
            type=Path,
            default=Path("outputs"),
            metavar="THƯ_MỤC",
            meaning="thư mục ghi kết quả; mỗi lần chạy một thư mục con mới, latest trỏ vào lần mới nhất",
            shown="outputs",
            example="--outputs D:/thidua/ketqua",
        )


BLOC_MEANING = "khi thư mục năm chia theo khối (<năm>/<mã khối>/, như review đọc): khối cần dùng"


def bloc_option(p: VietnameseParser, meaning: str = BLOC_MEANING) -> None:
    """``--bloc``: which bloc folder of a year that holds several (``inputs/<year>/<bloc-code>/``)."""
    option(
        p.options,
        "--bloc",
        metavar="MÃ_KHỐI",
        meaning=meaning,
        shown="không có: thư mục năm là của một khối",
        example="--bloc khoi-phuong",
    )


def run_switches(p: VietnameseParser) -> None:
    option(
        p.options,
        "--strict",
        action="store_true",
        meaning="thoát với mã 1 nếu có hồ sơ bị từ chối hoặc phường chưa nộp (dùng trong lịch chạy tự động)",
        shown="không bật",
        example="--strict",
    )
    option(
        p.options,
        "--force",
        action="store_true",
        meaning="đọc lại mọi tệp, bỏ qua bộ nhớ đệm outputs/.cache/ của các lần chạy trước",
        shown="không bật (chỉ đọc lại tệp đã thay đổi)",
        example="--force",
    )
    option(
        p.options,
        "--verbose",
        action="store_true",
        meaning="in nhật ký kỹ thuật (tiếng Anh) của Prefect và các thư viện, và chi tiết lỗi nếu có",
        shown="không bật",
        example="--verbose",
    )
