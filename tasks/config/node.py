"""A configuration file's mappings as :class:`ConfigNode`, which check keys and values as they are read.

Every problem is a :class:`ConfigError` naming the file, the key path and the problem, raised before any
output is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from tasks.config.yaml_safe import Refused, TooLarge, parse_yaml, yaml_problem, yaml_text
from tasks.text import number_text, os_reason, visible

log = logging.getLogger(__name__)

_FRACTION = re.compile(r"\d{1,9}(\.\d{1,9})?(/\d{1,9})?")
MAX_DIGITS = 15  # integer digits of a number in the configuration; 2 decimals more stay exact in 28 digits
_LIMIT = f"10^{MAX_DIGITS} (một triệu tỷ)"


class ConfigError(ValueError):
    """A configuration file is broken; the message names the file, the key and the problem.

    ``key`` is a key path (``groups[0].criteria[1].max``), a place (``dòng 3, cột 5``) or empty; ``problem`` is
    Vietnamese for the secretariat, quoting the file's own keys and values as they are written.
    """

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.where}: {problem}")

    @property
    def where(self) -> str:
        """The file and the place in it as a Vietnamese sentence names them: ``bloc.yaml, mục bloc.head``."""
        if not self.key:
            return self.file
        if self.key.startswith(_PLACES):  # a line of a YAML file, a paragraph of a Word template
            return f"{self.file}, {self.key}"
        return f"{self.file}, mục {self.key}"


_PLACES = ("dòng ", "đoạn ")


def shown(value: Any) -> str:
    """A YAML value as the file writes it, for a problem text: text quoted, numbers as typed, a list named."""
    if value is None:
        return "giá trị trống"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() < 300 else "một số quá lớn"  # str() refuses 4,300 digits
    if isinstance(value, Decimal):
        return str(value)  # compact even for 1E+999999999
    if isinstance(value, str):
        return f"'{visible(value if len(value) <= 80 else value[:80] + '…')}'"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, Mapping):
        return "một nhóm khóa"
    return "một giá trị khác"


def place(mark: yaml.Mark | None) -> str:
    """Where in a YAML file a parser mark points, as ``dòng 3, cột 5`` (empty without a mark)."""
    return f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""


def read_yaml(path: Path) -> Any:
    """Parse a YAML file strictly (see :mod:`tasks.config.yaml_safe`); any problem becomes a ConfigError."""
    try:
        text = yaml_text(path)
    except FileNotFoundError:
        raise ConfigError(path, "", "không tìm thấy tệp") from None
    except IsADirectoryError:
        raise ConfigError(path, "", "đây là thư mục, không phải tệp") from None
    except PermissionError:
        raise ConfigError(path, "", "không có quyền đọc tệp") from None
    except OSError as exc:
        log.info("%s cannot be read: %s", path, exc)
        raise ConfigError(path, "", f"không đọc được tệp ({os_reason(exc)})") from None
    except UnicodeDecodeError as exc:
        problem = "không phải tệp văn bản UTF-8: mở bằng trình soạn thảo và lưu lại với bảng mã UTF-8"
        raise ConfigError(path, "", problem) from exc
    except TooLarge as exc:
        raise ConfigError(path, "", str(exc)) from None
    try:
        data = parse_yaml(text)
    except Refused as exc:
        raise ConfigError(path, place(exc.problem_mark), exc.problem or "") from None
    except yaml.MarkedYAMLError as exc:
        log.info("%s is not valid YAML: %s", path, exc)  # PyYAML's own words, for --verbose
        raise ConfigError(path, place(exc.problem_mark or exc.context_mark), yaml_problem(exc)) from None
    except yaml.reader.ReaderError as exc:
        raise _bad_character(path, text, exc) from None
    except yaml.YAMLError as exc:
        log.info("%s is not valid YAML: %s", path, exc)
        raise ConfigError(path, "", "không phải YAML hợp lệ") from None
    except RecursionError:
        raise ConfigError(path, "", "các mục lồng nhau quá nhiều tầng") from None
    if data is None:  # nothing but blank lines and comments (or a lone ``~``): not "an empty cell"
        raise ConfigError(path, "", "tệp trống, không có nội dung nào (chỉ có dòng trống hoặc chú thích)")
    return data


def _bad_character(path: Path, text: str, exc: yaml.reader.ReaderError) -> ConfigError:
    """A character YAML does not allow (a control character), with the line of its first occurrence.

    libyaml reports a byte offset and PyYAML a character offset; the character itself is the same in both.
    """
    char = exc.character
    code = char if isinstance(char, int) else ord(char) if isinstance(char, str) else char[0]
    at = text.find(chr(code))
    problem = (
        f"có ký tự không được phép trong YAML (mã U+{code:04X}, thường là ký tự ẩn khi dán văn bản): xóa ký tự này"
    )
    return ConfigError(path, f"dòng {text.count(chr(10), 0, at) + 1}" if at >= 0 else "", problem)


class ConfigNode:
    """A mapping inside a YAML file, with its key path, that checks keys as they are read."""

    def __init__(self, file: Path, path: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(file, path, f"cần một nhóm khóa (mỗi dòng `khóa: giá trị`), gặp {shown(data)}")
        self.file, self.path, self.data = file, path, data

    def key(self, name: str) -> str:
        """The key path of ``name`` inside this mapping (``groups[0].criteria``)."""
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        """The error for key ``name`` of this mapping; ``problem`` is Vietnamese."""
        return ConfigError(self.file, self.key(name), problem)

    def only(self, required: set[str], optional: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Reject unknown keys and report the first missing one."""
        for k in self.data:
            if k not in required | optional:
                raise self.fail(str(k), "khóa không được phép ở đây (kiểm tra chính tả và thụt lề)")
        for k in sorted(required):
            if k not in self.data:
                raise self.fail(k, "thiếu khóa")

    def child(self, name: str) -> ConfigNode:
        """The mapping under key ``name``; a ConfigError when it is not one."""
        return ConfigNode(self.file, self.key(name), self.data[name])

    def items(self, name: str) -> list[ConfigNode]:
        """The mappings of the non-empty list under key ``name``."""
        seq = self.data[name]
        if not isinstance(seq, list) or not seq:
            raise self.fail(name, "cần một danh sách có ít nhất một mục")
        return [ConfigNode(self.file, f"{self.key(name)}[{i}]", x) for i, x in enumerate(seq)]

    def text(self, name: str, default: str | None = None) -> str:
        """Non-empty text (a number is taken as written), stripped; ``default`` when the key is absent."""
        value = self.data.get(name, default)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            if value == "" and default == "":
                return ""
            raise self.fail(name, f"cần một đoạn chữ, gặp {shown(value)}")
        return str(value).strip()

    def number(self, name: str, *, minimum: Decimal = Decimal(0)) -> Decimal:
        """An exact decimal ≥ ``minimum``, below 10^15, with at most two decimal places."""
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise self.fail(name, f"cần một số, gặp {shown(value)}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(name, f"cần một số, gặp {shown(value)}") from None
        if not number.is_finite() or number < minimum:
            raise self.fail(name, f"cần một số từ {number_text(minimum)} trở lên, gặp {shown(value)}")
        if number.adjusted() >= MAX_DIGITS:  # beyond it the exact arithmetic would round
            raise self.fail(name, f"cần một số nhỏ hơn {_LIMIT}, gặp {shown(value)}")
        if number != number.quantize(Decimal("0.01")):
            raise self.fail(name, f"tối đa 2 chữ số thập phân, gặp {shown(value)}")
        return number

    def integer(self, name: str) -> int:
        """A whole number ≥ 0 and below 10^15."""
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"cần một số nguyên, gặp {shown(value)}")
        if value < 0:
            raise self.fail(name, f"cần một số nguyên từ 0 trở lên, gặp {shown(value)}")
        if value >= 10**MAX_DIGITS:
            raise self.fail(name, f"cần một số nhỏ hơn {_LIMIT}, gặp {shown(value)}")
        return value

    def fraction(self, name: str) -> Fraction:
        """An exact fraction between 0 and 1, written ``"2/3"`` or ``0.5``."""
        value = self.data.get(name)
        try:
            if not _FRACTION.fullmatch(str(value)):  # Fraction("1e999999999") would build a billion-digit integer
                raise ValueError(value)
            result = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise self.fail(name, f'cần một phân số như "2/3", gặp {shown(value)}') from None
        if not 0 <= result <= 1:
            raise self.fail(name, f"cần một giá trị từ 0 đến 1, gặp {shown(value)}")
        return result

    def flag(self, name: str) -> bool:
        """``true`` or ``false``; false when the key is absent."""
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(name, f"cần true (có) hoặc false (không), gặp {shown(value)}")
        return value
