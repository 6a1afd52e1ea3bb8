"""A configuration file's mappings as :class:`ConfigNode`, which check keys and values as they are read.

Every problem is a :class:`ConfigError` naming the file, the key path and the problem, raised before any
output is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from tasks.config.yaml_safe import parse_yaml, yaml_text

_FRACTION = re.compile(r"\d{1,9}(\.\d{1,9})?(/\d{1,9})?")
MAX_DIGITS = 15  # integer digits of a number in the configuration; 2 decimals more stay exact in 28 digits


class ConfigError(ValueError):
    """A configuration file is broken; the message names the file, the key and the problem."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{file}: {key or '(top level)'}: {problem}")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file strictly (see :mod:`tasks.config.yaml_safe`); any problem becomes a ConfigError."""
    try:
        text = yaml_text(path)
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except OSError as exc:
        raise ConfigError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:  # not UTF-8, or far too large
        raise ConfigError(path, "", f"not a UTF-8 text configuration file ({exc})") from None
    try:
        return parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(path, where, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, "", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(path, "", "nested too deeply") from None


class ConfigNode:
    """A mapping inside a YAML file, with its key path, that checks keys as they are read."""

    def __init__(self, file: Path, path: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(file, path, f"expected a mapping, found {type(data).__name__}")
        self.file, self.path, self.data = file, path, data

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), problem)

    def only(self, required: set[str], optional: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Reject unknown keys and report the first missing one."""
        for k in self.data:
            if k not in required | optional:
                raise self.fail(str(k), "unknown key")
        for k in sorted(required):
            if k not in self.data:
                raise self.fail(k, "missing key")

    def child(self, name: str) -> ConfigNode:
        return ConfigNode(self.file, self.key(name), self.data[name])

    def items(self, name: str) -> list[ConfigNode]:
        seq = self.data[name]
        if not isinstance(seq, list) or not seq:
            raise self.fail(name, "expected a non-empty list")
        return [ConfigNode(self.file, f"{self.key(name)}[{i}]", x) for i, x in enumerate(seq)]

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            if value == "" and default == "":
                return ""
            raise self.fail(name, f"expected text, found {value!r}")
        return str(value).strip()

    def number(self, name: str, *, minimum: Decimal = Decimal(0)) -> Decimal:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise self.fail(name, f"expected a number, found {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(name, f"expected a number, found {value!r}") from None
        if not number.is_finite() or number < minimum:
            raise self.fail(name, f"must be a number ≥ {minimum}, found {value!r}")
        if number.adjusted() >= MAX_DIGITS:  # beyond it the exact arithmetic would round
            raise self.fail(name, f"must be below 10^{MAX_DIGITS}, found {value!r}")
        if number != number.quantize(Decimal("0.01")):
            raise self.fail(name, f"at most 2 decimal places, found {value!r}")
        return number

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**MAX_DIGITS:
            raise self.fail(name, f"expected a whole number ≥ 0 and below 10^{MAX_DIGITS}, found {value!r}")
        return value

    def fraction(self, name: str) -> Fraction:
        value = self.data.get(name)
        try:
            if not _FRACTION.fullmatch(str(value)):  # Fraction("1e999999999") would build a billion-digit integer
                raise ValueError(value)
            result = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise self.fail(name, f'expected a fraction like "2/3", found {value!r}') from None
        if not 0 <= result <= 1:
            raise self.fail(name, f"must be between 0 and 1, found {value!r}")
        return result

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, found {value!r}")
        return value
