"""Read a configuration YAML file strictly: safe tags only, exact decimals, nothing ambiguous or unbounded.

PyYAML's safe loader still lets three things through that a hand-edited configuration must not carry:
a key written twice (the last one silently wins: it once flipped a vote result), aliases (``*name``, which
also make "billion laughs" expansion bombs possible) and values its constructors cannot build (``.nan``, a
60,000-digit integer, the 31st of February), which escape as Python exceptions. Here each of them stops the
load with a :class:`Refused` error (a :class:`yaml.MarkedYAMLError`) pointing at the line and column, its
problem already a Vietnamese sentence, which ``read_yaml`` turns into the configuration error the command line
prints. PyYAML's own errors (syntax) are English: :func:`yaml_problem` says them in Vietnamese.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import ParserError
from yaml.scanner import ScannerError

from tasks.text import visible

log = logging.getLogger(__name__)

# libyaml's parser when PyYAML was built with it: 8x faster on a thousand-ward bloc.yaml (0.27 s → 0.03 s)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 5_000_000  # a thousand-ward bloc.yaml is ~60 KB; anything this large is not a configuration


class Refused(ConstructorError):
    """Something the strict loader refuses; ``problem`` is a Vietnamese sentence for the secretariat."""

    def __init__(self, problem: str, node: Node) -> None:
        super().__init__(None, None, problem, node.start_mark)


class TooLarge(ValueError):
    """A file far larger than any configuration; the message is Vietnamese."""


class StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader that reads floats as exact decimals and refuses duplicate keys and aliases."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Build one node; a node met a second time is an alias (the composer shares the anchored node)."""
        if node in self.constructed_objects or node in self.recursive_objects:
            raise Refused("không dùng neo và tham chiếu (&tên, *tên) trong tệp cấu hình: viết đầy đủ giá trị", node)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, ArithmeticError, OverflowError) as exc:  # a constructor's own failure, e.g. a date
            log.info("cannot construct %s at %s: %s", node.tag, node.start_mark, exc)
            why = _UNREADABLE.get(node.tag)
            raise Refused(f"không đọc được giá trị này: {why}" if why else "không đọc được giá trị này", node) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are all different (a repeated key is an error naming both lines)."""
        if not isinstance(node, MappingNode):
            raise Refused("cần một nhóm khóa (mỗi dòng `khóa: giá trị`)", node)
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                seen = key in mapping
            except TypeError:
                raise Refused("tên khóa phải là chữ hoặc số, không phải danh sách hay nhóm khóa", key_node) from None
            if seen:
                first = lines[key] + 1
                problem = f"khóa '{visible(str(key))}' xuất hiện hai lần (lần đầu ở dòng {first}): chỉ giữ một"
                raise Refused(problem, key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
            lines[key] = key_node.start_mark.line
        return mapping


def _construct_decimal(loader: StrictLoader, node: ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():  # .nan, .inf and -.inf: YAML floats the arithmetic cannot use
        raise Refused(f"'{visible(text)}' không phải một số dùng được để tính (vô hạn hoặc không xác định)", node)
    return number


def _refuse_tag(loader: StrictLoader, node: Node) -> Any:
    """Any tag the safe loader has no constructor for (``!!python/object/apply``, ``!thing``)."""
    tag = visible(str(node.tag)).replace("tag:yaml.org,2002:", "!!")
    raise Refused(f"thẻ {tag} không được phép trong tệp cấu hình: bỏ thẻ, chỉ ghi giá trị", node)


StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
StrictLoader.add_constructor(None, _refuse_tag)

_UNREADABLE = {  # why a constructor fails, by the value's tag
    "tag:yaml.org,2002:timestamp": "ngày không có thật (như ngày 31 tháng 2)",
    "tag:yaml.org,2002:int": "số nguyên quá dài",
    "tag:yaml.org,2002:binary": "dữ liệu nhị phân (!!binary) không hợp lệ",
}
_SYNTAX = {  # PyYAML's errors by class: its English problem goes to the --verbose log
    ScannerError: "có ký tự không đúng chỗ (kiểm tra dấu nháy, dấu hai chấm, và thụt lề bằng dấu cách, không dùng Tab)",
    ParserError: "cấu trúc sai (kiểm tra dấu ngoặc, dấu phẩy, dấu gạch đầu dòng và thụt lề)",
    ComposerError: "mỗi tệp chỉ chứa một tài liệu YAML và không dùng neo, tham chiếu (&tên, *tên)",
    ConstructorError: "có giá trị hoặc thẻ (!!…) không dùng được trong tệp cấu hình",
}


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's own error (syntax, structure) as a Vietnamese problem text; the place is given apart."""
    if "nesting depth" in str(exc.problem):  # libyaml's limit on nested brackets
        return "không phải YAML hợp lệ: các mục lồng nhau quá nhiều tầng"
    hint = next((text for kind, text in _SYNTAX.items() if isinstance(exc, kind)), "")
    return f"không phải YAML hợp lệ: {hint}" if hint else "không phải YAML hợp lệ"


def parse_yaml(text: str) -> Any:
    """The document in ``text``; :class:`yaml.YAMLError` for anything the strict loader refuses.

    Nothing in the text runs: :class:`StrictLoader` builds with PyYAML's ``SafeConstructor`` (plain YAML types
    only; no ``!!python/…`` constructor exists in it) and refuses every other tag with a :class:`Refused`.
    """
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def yaml_text(path: Path) -> str:
    """The text of a configuration file; OSError when missing or unreadable, UnicodeDecodeError, TooLarge."""
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TooLarge(f"tệp lớn hơn {MAX_BYTES // 1_000_000} MB, không phải một tệp cấu hình")
    return data.decode("utf-8")
