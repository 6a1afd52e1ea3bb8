"""The ranking as a picture for ``ranking.docx``: totals by ward against the band thresholds (PNG bytes).

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state, no display), in the DejaVu
Serif font that ships inside matplotlib: a serif face like the documents' Times New Roman, with every Vietnamese
letter. The bundled file rather than whatever the system offers keeps the pixels the same on every machine, so an
auditor who reruns the review elsewhere gets the same ``ranking.docx``. The PNG carries no software or date
metadata, so the same ranking always gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch

from tasks.domain import Catalogue, Ranking, WardStatus
from tasks.scoring.explain import points as vn_points
from tasks.text import vn_plain

FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
_BAND_COLOURS = ("#1f4e79", "#5b9bd5", "#a9c4e0", "#d9d9d9")  # best band darkest; printable in grey
_LINE_STYLES = ("--", ":", "-.", (0, (1, 3)))
WIDTH_MM, HEIGHT_MM, DPI = 240, 110, 150
# Past this many bars the labels on 240 mm overlap and the figure says nothing the table does not; drawing
# 1,000 of them took 8–10 s of a 1,000-ward review on an idle core (bench.run, 2026-12-02).
MAX_BARS = 60


def worth_drawing(ranking: Ranking) -> bool:
    """Whether the ranking gets a figure: at least one scored ward, and no more than :data:`MAX_BARS`."""
    return 0 < sum(r.status is WardStatus.SCORED and r.score is not None for r in ranking.rows) <= MAX_BARS


def ranking_chart_png(catalogue: Catalogue, ranking: Ranking) -> bytes:
    """:func:`ranking_figure` as PNG bytes without metadata (the same ranking gives the same bytes)."""
    buffer = io.BytesIO()
    ranking_figure(catalogue, ranking).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def ranking_figure(catalogue: Catalogue, ranking: Ranking) -> Figure:
    """A bar per scored ward in rank order (its total written above), coloured by band and hatched for a veto,
    with a line at each band's threshold above zero. Wards without a score are not drawn (the table lists them)."""
    rows = [r for r in ranking.rows if r.status is WardStatus.SCORED and r.score is not None]
    figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bands = [b.code for b in catalogue.bands]
    totals = [float(r.score.total) for r in rows if r.score is not None]
    colours = [_BAND_COLOURS[min(bands.index(r.score.classification), 3)] for r in rows if r.score is not None]
    positions = range(len(rows))
    hatches = ["//" if r.score is not None and r.score.veto else "" for r in rows]
    bars = axes.bar(positions, totals, color=colours, width=0.65, zorder=2, hatch=hatches, edgecolor="white")
    for bar, row in zip(bars, rows, strict=True):
        assert row.score is not None
        top = (bar.get_x() + bar.get_width() / 2, bar.get_height())
        axes.annotate(vn_points(row.score.total), top, xytext=(0, 2), textcoords="offset points", ha="center",
                      va="bottom", fontproperties=_font(8))  # fmt: skip
    for style, band in zip(_LINE_STYLES, (b for b in catalogue.bands if b.min > 0), strict=False):
        label = f"{band.name} (từ {vn_plain(band.min)} điểm)"
        axes.axhline(float(band.min), color="#c00000", linestyle=style, linewidth=1, label=label, zorder=3)
    axes.set_xticks(list(positions), [f"{r.rank}. {r.ward.name}" for r in rows], fontproperties=_font(8))
    axes.tick_params(axis="x", labelrotation=30)
    for tick in axes.get_xticklabels():
        tick.set_horizontalalignment("right")
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(_font(8))
    axes.set_ylabel("Tổng điểm", fontproperties=_font(10))
    axes.set_ylim(0, max([float(catalogue.scale) + float(catalogue.bonus_cap), *totals]) + 5)
    axes.yaxis.set_major_formatter(lambda value, _pos: f"{value:g}".replace(".", ","))
    axes.set_title(f"Tổng điểm thi đua năm {catalogue.year} theo thứ hạng", fontproperties=_font(10))
    axes.grid(axis="y", color="#e0e0e0", zorder=0)
    axes.spines[["top", "right"]].set_visible(False)
    handles, _ = axes.get_legend_handles_labels()
    handles += [Patch(color=_BAND_COLOURS[min(i, 3)], label=b.name) for i, b in enumerate(catalogue.bands)
                if b.code in {r.score.classification for r in rows if r.score is not None}]  # fmt: skip
    if any(hatches):
        handles.append(Patch(facecolor="white", edgecolor="#404040", hatch="//", label="Vi phạm tiêu chí loại trừ"))
    figure.legend(handles=handles, loc="outside lower center", ncols=3, prop=_font(8), frameon=False)
    return figure


def _font(size: float) -> FontProperties:
    """The bundled DejaVu Serif at ``size`` points."""
    return FontProperties(fname=FONT_FILE, size=size)
