"""Rendering a Word template: sandboxed (a template is data), a broken one named before anything is written,
the secretariat's wording used, and the same bytes on every render."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import Environment
from lxml import etree

from tasks.config.load import ConfigError
from tasks.domain import Meeting
from tasks.outputs.documents import (
    DocumentJob,
    minutes_job,
    ranking_docx_job,
    render_document,
)
from tasks.outputs.documents import render as render_module
from tasks.outputs.documents.context import MINUTES_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.documents.render import check_template, render_template
from tasks.outputs.documents.word import refits_every_table
from tasks.outputs.ooxml import LOCAL_TIME
from tests.support.documents import BLOC, CATALOGUE, MEETING, MOMENT, VOTED, open_docx, reopened, text


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


def test_two_renders_are_byte_identical_and_carry_fixed_properties() -> None:
    """Same inputs, same bytes; the document properties come from the inputs, never the clock."""
    first = render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))
    assert first == render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))
    job = ranking_docx_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)
    assert render_document(job) == render_document(ranking_docx_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))
    props = open_docx(first).core_properties
    assert props.author == "Khối thi đua các phường"
    assert props.created == props.modified == MOMENT.replace(tzinfo=LOCAL_TIME)  # the same instant, read in UTC
    assert props.revision == 1 and props.last_modified_by == "thidua"


@pytest.mark.parametrize("make_job", [ranking_docx_job, minutes_job])
def test_rendering_in_memory_gives_the_bytes_of_saving_and_reopening(
    make_job: Callable[..., DocumentJob], tmp_path: Path
) -> None:
    """The rendered package is finished without a save and reopen in between; the bytes are the same.

    Also with a paragraph added in Word without fonts and a tab in a value (docxtpl's listing pass).
    """
    template = tmp_path / "template.docx"
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    document.add_paragraph("Ý kiến bổ sung: {{ place }}")
    document.save(str(template))
    for job in (make_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT), make_job(BLOC, CATALOGUE, VOTED, None, MOMENT)):
        assert render_document(job) == reopened(job)
    tabbed = replace(MEETING, place="Hội trường\tUBND phường Sa Pa")
    job = minutes_job(BLOC, CATALOGUE, VOTED, tabbed, MOMENT, template=template)
    assert render_document(job) == reopened(job)


def test_the_wording_comes_from_the_template(tmp_path: Path) -> None:
    """The secretariat edits the template in Word; the next render uses the new wording."""
    template = tmp_path / MINUTES_TEMPLATE
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    heading = next(p for p in document.paragraphs if p.text == "Hội nghị đã tiến hành các nội dung sau:")
    heading.runs[0].text = "Hội nghị đã thảo luận và thống nhất các nội dung sau:"
    document.save(str(template))
    full = text(open_docx(render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=template))))
    assert "Hội nghị đã thảo luận và thống nhất các nội dung sau:" in full
    assert "Hội nghị đã tiến hành" not in full


def test_a_missing_template_is_an_error(tmp_path: Path) -> None:
    """A template path that does not exist fails loudly rather than producing an empty document."""
    with pytest.raises(Exception, match="no-such"):
        render_document(minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=tmp_path / "no-such.docx"))


# --- docxtpl's grid repair, skipped when every table is refitted --------------------------------------


def _spy_refits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What the renderer's ``refits_every_table`` answers, call by call."""
    answers: list[bool] = []

    def spy(body: etree._Element) -> bool:
        answers.append(refits_every_table(body))
        return answers[-1]

    monkeypatch.setattr(render_module, "refits_every_table", spy)
    return answers


def _with_docxtpl_repair(job: DocumentJob, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The document rendered with docxtpl's own ``fix_tables`` (the grid of every table repaired)."""
    with monkeypatch.context() as patch:
        patch.setattr(render_module._Template, "fix_tables", DocxTemplate.fix_tables)
        return render_document(job)


@pytest.mark.parametrize("meeting", [MEETING, None], ids=["meeting", "draft"])
@pytest.mark.parametrize("make_job", [ranking_docx_job, minutes_job], ids=["ranking", "minutes"])
def test_skipping_docxtpl_grid_repair_gives_the_bytes_of_repairing(
    make_job: Callable[..., DocumentJob], meeting: Meeting | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both documents have only top-level tables with cell widths: the repair is skipped, the bytes unchanged."""
    job = make_job(BLOC, CATALOGUE, VOTED, meeting, MOMENT)
    answers = _spy_refits(monkeypatch)
    skipped = render_document(job)
    assert answers == [True]  # the repair was skipped for the body
    assert reopened(job) == skipped  # and on the path that saves the package first
    assert _with_docxtpl_repair(job, monkeypatch) == skipped


def test_a_template_with_a_nested_table_keeps_docxtpl_grid_repair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table added inside a cell in Word is not refitted, so docxtpl repairs the grids as it would alone."""
    template = tmp_path / MINUTES_TEMPLATE
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    document.tables[0].cell(0, 0).add_table(rows=1, cols=2)
    document.save(str(template))
    job = minutes_job(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=template)
    answers = _spy_refits(monkeypatch)
    repaired = render_document(job)
    assert answers == [False]
    assert _with_docxtpl_repair(job, monkeypatch) == repaired
    assert len(open_docx(repaired).tables[0].cell(0, 0).tables) == 1
