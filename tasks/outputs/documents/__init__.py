"""The Word documents of the annual review (§5, §6 of the spec): the ranking table, the minutes, the proposal.

The wording lives in the docxtpl templates under ``templates/word/`` (built by ``scripts.build_word_templates``,
editable in Word); this package only builds the context, renders and finishes the package.

A document is described by a :class:`DocumentJob` (plain data: template, context, properties), so the
rendering can run in another process (``tasks.edge.pool``) from a small pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tasks.domain import Bloc, Catalogue, Meeting, Ranking
from tasks.outputs.chart_image import ranking_chart_png, worth_drawing
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR, Context, ranking_context
from tasks.outputs.documents.minutes import minutes_context
from tasks.outputs.documents.proposal import PROPOSAL_TEMPLATE, proposal_context
from tasks.outputs.documents.render import Picture, check_template, finish_document, rendered
from tasks.scoring.explain import Explanation, FieldValue, Reason, as_documented, explain_ranking

CHART_WIDTH_MM = 240  # the ranking chart across the landscape page (252 mm between the margins)

__all__ = [
    "DocumentJob",
    "check_templates",
    "minutes_context",
    "minutes_job",
    "proposal_context",
    "proposal_job",
    "ranking_context",
    "ranking_docx_job",
    "render_document",
]


@dataclass(frozen=True)
class DocumentJob:
    """Everything needed to render one document: the template, its context and the core properties."""

    template: Path
    context: Context
    author: str
    title: str
    moment: datetime


def check_templates() -> None:
    """Parse the Word templates a review renders; ConfigError naming the template and the broken paragraph."""
    for name in (RANKING_TEMPLATE, MINUTES_TEMPLATE):
        check_template(TEMPLATE_DIR / name)


def render_document(job: DocumentJob) -> bytes:
    """The document of ``job`` as byte-stable .docx bytes."""
    document = rendered(job.template, job.context)
    return finish_document(document, author=job.author, title=job.title, moment=job.moment)


class ExplanationContext(dict[str, FieldValue]):
    """One explanation as a template gets it: its reason, sentence and fields by name (``{{ e.ward_start }}``,
    see ``Explanation.context``); ``{{ e }}`` alone prints the whole sentence, as templates did before the
    sentences were written in them."""

    def __str__(self) -> str:
        return str(self["text"])


def _explained(
    bloc: Bloc, catalogue: Catalogue, ranking: Ranking, explanations: Sequence[Explanation] | None
) -> list[ExplanationContext]:
    """The explanations the templates write: those computed once for the run, else computed from the ranking."""
    given = explain_ranking(bloc, catalogue, ranking) if explanations is None else explanations
    return [ExplanationContext(e.context()) for e in given]


def ranking_docx_job(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    meeting: Meeting | None,
    moment: datetime,
    template: Path | None = None,
    explanations: Sequence[Explanation] | None = None,
) -> DocumentJob:
    """The job of ``ranking.docx`` (the ranking table, A4 landscape)."""
    context = ranking_context(bloc, catalogue, as_documented(ranking, explanations or ()), meeting, moment)
    context["explanations"] = _explained(bloc, catalogue, ranking, explanations)
    drawn = worth_drawing(ranking)  # a bloc's meeting has 10–20 wards; the table alone serves a huge bloc
    context["chart"] = Picture(ranking_chart_png(catalogue, ranking), CHART_WIDTH_MM) if drawn else ""
    title = f"Bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua năm {bloc.year}"
    return DocumentJob(template or TEMPLATE_DIR / RANKING_TEMPLATE, context, bloc.name, title, moment)


def _draft_title(title: str, context: dict) -> str:
    """The document's title, marked ``Dự thảo …`` while the vote is not recorded (the context says ``draft``)."""
    return "Dự thảo " + title[0].lower() + title[1:] if context["draft"] else title


def minutes_job(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    meeting: Meeting | None,
    moment: datetime,
    template: Path | None = None,
    explanations: Sequence[Explanation] | None = None,
) -> DocumentJob:
    """The job of ``bien-ban-hop-tong-ket.docx`` (the minutes of the review meeting; a draft without votes)."""
    context = minutes_context(bloc, catalogue, as_documented(ranking, explanations or ()), meeting, moment)
    # The minutes say no ward is eligible for the flag in their own section on the vote: not again as an explanation.
    explained = _explained(bloc, catalogue, ranking, explanations)
    context["explanations"] = [e for e in explained if e["reason"] != Reason.NO_CANDIDATE]
    title = _draft_title(f"Biên bản Hội nghị tổng kết, bình xét thi đua năm {bloc.year} của {bloc.name}", context)
    return DocumentJob(template or TEMPLATE_DIR / MINUTES_TEMPLATE, context, bloc.name, title, moment)


def proposal_job(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    meeting: Meeting | None,
    moment: datetime,
    template: Path | None = None,
    explanations: Sequence[Explanation] | None = None,
) -> DocumentJob:
    """The job of ``to-trinh-de-nghi-khen-thuong.docx`` (the award proposal; a draft without votes)."""
    context = proposal_context(bloc, catalogue, as_documented(ranking, explanations or ()), meeting, moment)
    context["explanations"] = _explained(bloc, catalogue, ranking, explanations)
    title = _draft_title(f"Tờ trình đề nghị khen thưởng năm {bloc.year} của {bloc.name}", context)
    return DocumentJob(template or TEMPLATE_DIR / PROPOSAL_TEMPLATE, context, bloc.name, title, moment)
