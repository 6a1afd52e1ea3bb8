"""The ranking chart: a figure in ``ranking.docx`` with Vietnamese labels, the same bytes on every render."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.oxml.ns import qn
from matplotlib import font_manager

from tasks.domain import Votes, WardStatus
from tasks.outputs import chart_image
from tasks.outputs.chart_image import ranking_chart_png, ranking_figure
from tasks.outputs.documents import ranking_docx_job, render_document
from tests.support.explained import BLOC, CATALOGUE, MEETING_CASE, rank

MOMENT = datetime(2026, 1, 15, 8, 0)
RANKING = rank(MEETING_CASE, Votes(8, 8, 8, {"SAPA": 7}), {"CAUTHIA": WardStatus.REJECTED})


def test_the_chart_labels_are_vietnamese_in_rank_order_with_the_band_thresholds() -> None:
    """Ward names with their rank under the bars, totals with a decimal comma, the two thresholds and the veto."""
    figure = ranking_figure(CATALOGUE, RANKING)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        "1. Sa Pa", "2. Lào Cai", "3. Nghĩa Lộ", "4. Cam Đường", "4. Yên Bái", "6. Trung Tâm"]  # fmt: skip
    assert [t.get_text() for t in axes.texts] == ["97,72", "94,36", "92,72", "91,45", "91,45", "88,95"]
    assert [round(p.get_height(), 2) for p in axes.patches] == [97.72, 94.36, 92.72, 91.45, 91.45, 88.95]
    assert [p.get_hatch() for p in axes.patches][2] == "//"  # the veto ward
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[:2] == ["Hoàn thành xuất sắc nhiệm vụ (từ 90 điểm)", "Hoàn thành tốt nhiệm vụ (từ 70 điểm)"]
    assert "Vi phạm tiêu chí loại trừ" in legend
    assert [line.get_ydata()[0] for line in axes.lines] == [90.0, 70.0]


def test_the_chart_png_is_the_same_bytes_every_time_and_carries_no_software_stamp() -> None:
    """Two renders give identical bytes; the PNG has no ``Software`` text, so a new matplotlib build changes
    nothing but pixels it really draws differently."""
    first, second = ranking_chart_png(CATALOGUE, RANKING), ranking_chart_png(CATALOGUE, RANKING)
    assert first == second
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and b"Software" not in first and b"tIME" not in first
    width, height = struct.unpack(">II", first[16:24])  # the IHDR chunk comes first
    assert abs(width - 1417) <= 1 and abs(height - 650) <= 1  # 240 × 110 mm at 150 dpi


def test_the_ranking_document_embeds_the_chart_with_its_caption() -> None:
    """``ranking.docx`` holds one picture, the chart's own bytes, 240 mm wide, above its italic caption."""
    data = render_document(ranking_docx_job(BLOC, CATALOGUE, RANKING, None, MOMENT))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        assert package.read(media[0]) == ranking_chart_png(CATALOGUE, RANKING)
    document = docx.Document(io.BytesIO(data))
    [shape] = document.inline_shapes
    assert round(shape.width.mm) == 240
    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]
    assert "Biểu đồ: Tổng điểm thi đua năm 2025 của các phường theo thứ hạng, so với ngưỡng các mức xếp loại" in (
        paragraphs
    )
    assert data == render_document(ranking_docx_job(BLOC, CATALOGUE, RANKING, None, MOMENT))


def test_without_a_scored_ward_there_is_no_chart() -> None:
    """Nobody scored: no picture and no caption, only the table of missing and rejected wards."""
    nobody = rank([], None, {"CAUTHIA": WardStatus.REJECTED})
    document = docx.Document(io.BytesIO(render_document(ranking_docx_job(BLOC, CATALOGUE, nobody, None, MOMENT))))
    assert len(document.inline_shapes) == 0
    assert not any(p.text.startswith("Biểu đồ") for p in document.paragraphs)


def test_a_bloc_too_large_to_draw_legibly_gets_the_table_without_a_figure(monkeypatch) -> None:
    """Past ``MAX_BARS`` scored wards the labels would overlap: ``ranking.docx`` then has no picture and no caption,
    and the table stays; a bloc of the usual size keeps its figure."""

    assert chart_image.worth_drawing(RANKING)
    monkeypatch.setattr(chart_image, "MAX_BARS", 5)  # the sample ranking has six scored wards
    assert not chart_image.worth_drawing(RANKING)
    data = render_document(ranking_docx_job(BLOC, CATALOGUE, RANKING, None, MOMENT))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]
    document = docx.Document(io.BytesIO(data))
    text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p")))
    assert "Biểu đồ:" not in text and "Sa Pa" in text


def test_the_chart_is_drawn_in_the_bundled_serif_font_with_every_vietnamese_letter() -> None:
    """Every text of the chart is in matplotlib's own DejaVu Serif (a serif like the documents', not DejaVu Sans),
    which has every Vietnamese letter: the same file, so the same pixels, on every machine."""
    face = font_manager.get_font(str(chart_image.FONT_FILE))
    assert face.family_name == "DejaVu Serif"
    assert all(ord(c) in face.get_charmap() for c in "Lào Cai Nghĩa Lộ Cam Đường Yên Bái ơ ư ặ ỹ Ấ")
    figure = ranking_figure(CATALOGUE, RANKING)
    texts = [*figure.axes[0].get_xticklabels(), *figure.axes[0].texts, *figure.legends[0].get_texts()]
    assert {Path(t.get_fontproperties().get_file()) for t in texts} == {chart_image.FONT_FILE}
