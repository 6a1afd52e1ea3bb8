"""The Word documents of the annual review (§5, §6 of the spec): the ranking table and the minutes.

The wording lives in the docxtpl templates under ``templates/word/`` (built by ``tasks.build_templates``,
editable in Word); this package only builds the context, renders and finishes the package.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tasks.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR, ranking_context
from tasks.documents.minutes import minutes_context
from tasks.documents.render import finish, render_template
from tasks.domain import Bloc, Catalogue, Meeting, Ranking

__all__ = ["minutes_context", "ranking_context", "render_minutes", "render_ranking_docx"]


def render_ranking_docx(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    meeting: Meeting | None,
    moment: datetime,
    template: Path | None = None,
) -> bytes:
    """The ranking table (``ranking.docx``, A4 landscape) as byte-stable .docx bytes."""
    context = ranking_context(bloc, catalogue, ranking, meeting, moment)
    data = render_template(template or TEMPLATE_DIR / RANKING_TEMPLATE, context)
    title = f"Bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua năm {bloc.year}"
    return finish(data, author=bloc.name, title=title, moment=moment)


def render_minutes(
    bloc: Bloc,
    catalogue: Catalogue,
    ranking: Ranking,
    meeting: Meeting | None,
    moment: datetime,
    template: Path | None = None,
) -> bytes:
    """The minutes of the review meeting (``bien-ban-hop-tong-ket.docx``), a draft without vote results."""
    context = minutes_context(bloc, catalogue, ranking, meeting, moment)
    data = render_template(template or TEMPLATE_DIR / MINUTES_TEMPLATE, context)
    title = f"Biên bản Hội nghị tổng kết, bình xét thi đua năm {bloc.year} của {bloc.name}"
    if context["draft"]:
        title = "Dự thảo " + title[0].lower() + title[1:]
    return finish(data, author=bloc.name, title=title, moment=moment)
