"""Word templates are data: they render sandboxed, and a broken one is named before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import Environment

from tasks.config.load import ConfigError
from tasks.outputs.documents.context import MINUTES_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.documents.render import check_template, render_template


def with_paragraph(tmp_path: Path, text: str, name: str = "mau.docx") -> Path:
    """The minutes template with one more paragraph holding ``text`` (what a secretariat's edit would add)."""
    path = tmp_path / name
    shutil.copy(TEMPLATE_DIR / MINUTES_TEMPLATE, path)
    document = docx.Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    return path


def hostile(tmp_path: Path, marker: Path) -> Path:
    """A one-paragraph template that asks Jinja to run a shell command creating ``marker``."""
    path = tmp_path / "hostile.docx"
    document = docx.Document()
    document.add_paragraph("Số: {{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}")
    document.save(str(path))
    return path


def test_the_hostile_template_would_run_a_command_outside_the_sandbox(tmp_path: Path) -> None:
    """The payload is real: docxtpl with a plain Jinja environment runs it (the behaviour this module prevents)."""
    marker = tmp_path / "ran-plain"
    document = DocxTemplate(hostile(tmp_path, marker))
    document.render({}, jinja_env=Environment(), autoescape=False)
    assert marker.exists()


def test_a_hostile_template_runs_nothing_and_stops_with_its_name(tmp_path: Path) -> None:
    """Rendered by the tool, the same template creates no file; the error names the template."""
    marker = tmp_path / "ran-sandboxed"
    template = hostile(tmp_path, marker)
    with pytest.raises(ConfigError) as caught:
        render_template(template, {})
    assert not marker.exists()
    assert caught.value.file == str(template)
    assert "mẫu Word" in str(caught.value)


def test_a_broken_template_is_named_with_the_paragraph_where_it_breaks(tmp_path: Path) -> None:
    """A mistyped field is reported before rendering, with the template and the paragraph's text."""
    template = with_paragraph(tmp_path, "Kết luận: {{ tong diem }}")
    with pytest.raises(ConfigError) as caught:
        check_template(template)
    assert caught.value.file == str(template)
    assert caught.value.key.startswith("đoạn thứ ")
    assert "Kết luận" in caught.value.key


def test_a_file_that_is_not_a_word_document_is_named(tmp_path: Path) -> None:
    """A template replaced by something else (an e-mail's HTML page) stops the run with the template's name."""
    template = tmp_path / "bien-ban.docx"
    template.write_text("<html>not a document</html>")
    with pytest.raises(ConfigError) as caught:
        check_template(template)
    assert caught.value.file == str(template)


def test_the_shipped_templates_pass_the_check() -> None:
    """The templates in templates/word/ parse in the sandbox."""
    for template in sorted(TEMPLATE_DIR.glob("*.docx")):
        check_template(template)
