"""HTML pages of ``thidua web``: Jinja2 templates from ``templates/web/``, sandboxed and autoescaped.

Everything a page shows that came from a file (ward names, cell values, messages) is escaped; templates can
call no Python beyond the filters registered here. Numbers are shown the Vietnamese way (``92,72``).
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup

from tasks.feedback.workbook import period_text
from tasks.outputs import labels
from tasks.text import vn_count

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "web"

KIND_TEXT = {kind.value: text for kind, text in labels.KIND_TEXT.items()}  # keyed as the manifests write them
RUN_KIND_TEXT = {"review": "Tổng kết năm", "monthly": "Theo dõi tháng"}
COLUMN_TEXT = {
    "rank": "Hạng",
    "ward_code": "Mã đơn vị",
    "ward_name": "Đơn vị",
    "status": "Trạng thái",
    "base": "Điểm tiêu chí",
    "bonus": "Điểm thưởng",
    "deductions": "Điểm trừ",
    "total": "Tổng điểm",
    "classification": "Xếp loại",
    "nomination": "Đề nghị khen thưởng",
    "issues": "Số vấn đề",
}
VALUE_TEXT = {
    "scored": "Đã chấm",
    "accepted": "Được chấp nhận",
    "rejected": "Bị từ chối",
    "missing": "Chưa nộp",
    "flag": "Cờ thi đua",
    "flag-proposed": "Đề nghị Cờ thi đua",
    "flag-candidate": "Ứng viên Cờ thi đua",
    "merit": "Bằng khen",
}
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def vn_number(value: object) -> str:
    """``92.72`` → ``92,72``; whole numbers and text unchanged; thousands grouped with dots."""
    text = str(value)
    if _DECIMAL.match(text):
        whole, frac = text.split(".")
        sign = "-" if whole.startswith("-") else ""  # kept by hand: int("-0") would drop the sign of -0.5
        return sign + vn_count(abs(int(whole))) + "," + frac
    if text.isdigit() and len(text) > 4:
        return vn_count(int(text))
    return text


def column_text(name: str) -> str:
    """A CSV column's Vietnamese heading (indicator columns ``<code>_ytd`` / ``<code>_score`` spelled out)."""
    if name in COLUMN_TEXT:
        return COLUMN_TEXT[name]
    if name.endswith("_ytd"):
        return f"Lũy kế {name.removesuffix('_ytd')}"
    if name.endswith("_score"):
        return f"Điểm {name.removesuffix('_score')}"
    return name


def cell_text(value: str, column: str = "") -> str:
    """A ranking or standing cell of ``column`` as people read it; a year-to-date value is a quantity, never a
    year, so its thousands are grouped from 1.000 on (standing.csv writes it as reported: ``4224``)."""
    if column.endswith("_ytd") and value.isdigit():
        return vn_count(int(value))
    return VALUE_TEXT.get(value, vn_number(value))


def when(moment: datetime | None) -> str:
    """``02/12/2026 15:51 (UTC)``."""
    return moment.strftime("%d/%m/%Y %H:%M (UTC)") if moment else "không rõ"


def size_text(size: int) -> str:
    """A file size in KB or MB, Vietnamese decimals."""
    if size < 1024 * 1024:
        return f"{vn_number(f'{size / 1024:.1f}')} KB"
    return f"{vn_number(f'{size / 1024 / 1024:.1f}')} MB"


def data_uri(media_type: str, data: bytes) -> str:
    """A ``data:`` link: the download travels in the page, so the server keeps nothing to fetch later."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def url_path(path: str) -> str:
    """A path for a link, each segment percent-encoded (``#``, ``?``, ``%``, spaces), the slashes kept."""
    return quote(path, safe="/")


def run_parameters(parameters: dict[str, Any]) -> list[str]:
    """What a run was asked for beyond what its pages already show (its year or month, its bloc), in words.

    That leaves a forced re-read (``đọc lại mọi tệp``); the folders given on the command line, which are server
    paths, are never shown.
    """
    return ["đọc lại mọi tệp (bỏ qua bộ nhớ đệm)"] if parameters.get("force") else []


# CommonMark with tables; raw HTML in the text is escaped, never passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    """A run's Markdown report (``changes.md``) as HTML, with any HTML inside it escaped."""
    return Markup(_MARKDOWN.render(text))


def environment(directory: Path = TEMPLATE_DIR) -> SandboxedEnvironment:
    """The sandboxed, autoescaping Jinja2 environment of the pages."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(directory), autoescape=True, undefined=StrictUndefined, trim_blocks=True
    )
    env.filters.update(
        vn_number=vn_number,
        column_text=column_text,
        cell_text=cell_text,
        when=when,
        size_text=size_text,
        data_uri=data_uri,
        markdown=markdown,
        url_path=url_path,
        run_parameters=run_parameters,
        period_text=period_text,
        kind_text=lambda k: KIND_TEXT.get(k, k),
        run_kind_text=lambda k: RUN_KIND_TEXT.get(k, k),
    )
    return env


class Pages:
    """Renders the named template with its values into a page."""

    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self._env = environment(directory)

    def render(self, name: str, **values: Any) -> str:
        """The page ``name`` (a file of ``templates/web/``)."""
        return self._env.get_template(name).render(**values)
