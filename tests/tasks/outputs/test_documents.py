"""The Word outputs: the ranking table (A4 landscape) and the minutes (biên bản), reopened with python-docx."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length
from docxtpl import DocxTemplate
from lxml import etree

from scripts.build_word_templates import build_minutes, save
from tasks.domain import (
    AwardRule,
    Band,
    Bloc,
    Catalogue,
    Criterion,
    CriterionKind,
    DeductionItem,
    Group,
    Meeting,
    MonthWindow,
    Nomination,
    Person,
    Ranking,
    RankingRow,
    VoteOutcome,
    Votes,
    Ward,
    WardScore,
    WardStatus,
)
from tasks.outputs.documents import (
    DocumentJob,
    minutes_job,
    ranking_docx_job,
    render_document,
    render_minutes,
    render_ranking_docx,
)
from tasks.outputs.documents import render as render_module
from tasks.outputs.documents.context import MINUTES_TEMPLATE, TEMPLATE_DIR, vn_points
from tasks.outputs.documents.render import finish, render_template
from tasks.outputs.documents.word import refits_every_table

MOMENT = datetime(2026, 1, 15, 8, 0)
SAPA, LAOCAI, CAMDUONG, CAUTHIA = (
    Ward("SAPA", "Sa Pa"),
    Ward("LAOCAI", "Lào Cai"),
    Ward("CAMDUONG", "Cam Đường"),
    Ward("CAUTHIA", "Cầu Thia"),
)
BLOC = Bloc("khoi-phuong", "Khối thi đua các phường", "Lào Cai", 2025, "SAPA", (LAOCAI, SAPA, CAMDUONG, CAUTHIA))


def _criterion(code: str, group: str, maximum: int) -> Criterion:
    return Criterion(code, f"Tiêu chí {code}", CriterionKind.ASSESSED, Decimal(maximum), group)


CATALOGUE = Catalogue(
    year=2025,
    scale=Decimal(100),
    window=MonthWindow("2025-09", "2025-12"),
    groups=(
        Group("1", "Công tác thi đua – khen thưởng", (_criterion("1.1", "1", 40),)),
        Group("2", "Phát triển kinh tế – xã hội", (_criterion("2.1", "2", 60),)),
    ),
    indicators=(),
    bonus_cap=Decimal(5),
    bonus_items=(),
    deduction_items=(),
    missing_report=DeductionItem("DM", "Không nộp báo cáo tháng", Decimal(1)),
    bands=(
        Band("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", Decimal(90)),
        Band("HTTNV", "Hoàn thành tốt nhiệm vụ", Decimal(70)),
        Band("KHTNV", "Không hoàn thành nhiệm vụ", Decimal(0)),
    ),
    flag=AwardRule(1, "HTXSNV", Fraction(1, 2), Fraction(2, 3)),
    merit=AwardRule(1, "HTXSNV"),
)


def _score(ward: Ward, g1: str, g2: str, bonus: str, deductions: str, band: str) -> WardScore:
    groups = {"1": Decimal(g1), "2": Decimal(g2)}
    base = sum(groups.values(), Decimal(0))
    total = base + Decimal(bonus) - Decimal(deductions)
    return WardScore(ward, base, Decimal(bonus), Decimal(deductions), total, band, False, groups, (), ())


def _ranking(*, tie: bool, nominations: dict[str, Nomination], vote: VoteOutcome | None = None) -> Ranking:
    """Sa Pa first (98,50); Lào Cai level with it when ``tie``, else 96,00; Cam Đường; Cầu Thia rejected."""
    lao_cai = ("38.5", "57", "3", "0") if tie else ("38", "56", "2", "0")
    rows = (
        RankingRow(SAPA, WardStatus.SCORED, 1, _score(SAPA, "38.5", "57", "3", "0", "HTXSNV"),
                   nominations.get("SAPA"), tie),
        RankingRow(LAOCAI, WardStatus.SCORED, 1 if tie else 2, _score(LAOCAI, *lao_cai, "HTXSNV"),
                   nominations.get("LAOCAI"), tie),
        RankingRow(CAMDUONG, WardStatus.SCORED, 3, _score(CAMDUONG, "30", "50", "0", "1.25", "HTTNV")),
        RankingRow(CAUTHIA, WardStatus.REJECTED),
    )  # fmt: skip
    return Ranking(rows, vote, merit_tie=False, notes=())


VOTED = _ranking(
    tie=False,
    nominations={"SAPA": Nomination.FLAG, "LAOCAI": Nomination.MERIT},
    vote=VoteOutcome(("SAPA",), "SAPA", True, True, False, {"SAPA": 3}, {"LAOCAI": 1}, "Phường Sa Pa được suy tôn."),
)
MEETING = Meeting(
    number="01/BB-KTĐ",
    start=datetime(2026, 1, 15, 8, 0),
    end=datetime(2026, 1, 15, 11, 30),
    place="Hội trường UBND phường Sa Pa",
    chair=Person("", "Chủ tịch UBND phường Sa Pa, Trưởng Khối thi đua"),
    secretary=Person("Nguyễn Thị Hoa", "Công chức Văn phòng HĐND và UBND phường Sa Pa"),
    attendees=("Đại diện Sở Nội vụ tỉnh Lào Cai",),
    votes=Votes(4, 4, 4, {"SAPA": 3, "LAOCAI": 1}),
)


def _open(data: bytes) -> DocumentObject:
    return docx.Document(io.BytesIO(data))


def _paragraphs(document: DocumentObject) -> list[str]:
    """The text of every paragraph in the body, tables included, in document order."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


def _text(document: DocumentObject) -> str:
    return "\n".join(_paragraphs(document))


def _table_rows(document: DocumentObject, index: int) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in document.tables[index].rows]


# --- the ranking table -----------------------------------------------------------------------------


def test_ranking_lists_every_ward_with_group_scores_totals_and_nominations() -> None:
    """It lists each ward with one column per criterion group, totals with a decimal comma, and the reason
    an unscored ward has no numbers."""
    document = _open(render_ranking_docx(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))
    text = _text(document)
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM 2025" in text
    assert "UBND TỈNH LÀO CAI" in text and "KHỐI THI ĐUA CÁC PHƯỜNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    rows = _table_rows(document, 1)
    assert rows[1][2:4] == ["1", "2"]  # the group codes, one column each
    by_ward = {row[1]: row for row in rows[2:]}
    assert by_ward["Phường Sa Pa"][:4] == ["1", "Phường Sa Pa", "38,50", "57,00"]
    assert by_ward["Phường Sa Pa"][4:] == ["95,50", "3,00", "0,00", "98,50", "Hoàn thành xuất sắc nhiệm vụ",
                                           "Cờ thi đua"]  # fmt: skip
    assert by_ward["Phường Lào Cai"][-1] == "Bằng khen"
    assert by_ward["Phường Cam Đường"][6:8] == ["1,25", "78,75"]
    assert by_ward["Phường Cầu Thia"][0] == "–" and by_ward["Phường Cầu Thia"][8] == "Không có bảng tự chấm hợp lệ"
    assert list(by_ward)[-1] == "Phường Cầu Thia"
    assert "- Nhóm 2: Phát triển kinh tế – xã hội (tối đa 60 điểm)." in text


def test_ranking_is_a4_landscape_with_nd30_margins() -> None:
    """It is set on A4 landscape with margins 20/20/30/15 mm and page numbers from page 2."""
    section = _open(render_ranking_docx(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert _mm(section.page_width, section.page_height) == (297, 210)
    _assert_margins(section)


def test_tables_fit_between_the_margins() -> None:
    """Every table declares a fixed width equal to the text width, and its columns add up to it."""
    for data in (
        render_ranking_docx(BLOC, CATALOGUE, VOTED, MEETING, MOMENT),
        render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT),
    ):
        document = _open(data)
        section = document.sections[0]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        assert page is not None and left is not None and right is not None
        text_width = (page - left - right) / 635  # twips
        for table in document.tables:
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
            assert abs(sum(grid) - text_width) <= 1
            assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_ranking_date_line_is_zero_padded_from_the_meeting_date() -> None:
    """The place is the head ward; day and month are written with two digits."""
    meeting = replace(MEETING, start=datetime(2026, 1, 5, 9, 5))
    text = _text(_open(render_ranking_docx(BLOC, CATALOGUE, VOTED, meeting, MOMENT)))
    assert "Sa Pa, ngày 05 tháng 01 năm 2026" in text
    assert "(Kèm theo Biên bản số 01/BB-KTĐ ngày 05/01/2026" in text


# --- the minutes -----------------------------------------------------------------------------------


def test_minutes_record_the_meeting_the_vote_and_the_nominations() -> None:
    """With vote results the minutes are final: meeting facts, ballots, share, flag and merit, signatures."""
    document = _open(render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT))
    text = _text(document)
    paragraphs = _paragraphs(document)
    assert "DỰ THẢO" not in text
    assert "BIÊN BẢN" in paragraphs
    assert "Hội nghị tổng kết, bình xét thi đua năm 2025 của Khối thi đua các phường" in paragraphs
    assert "Số: 01/BB-KTĐ" in paragraphs and "Sa Pa, ngày 15 tháng 01 năm 2026" in paragraphs
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in paragraphs
    assert "Địa điểm: Hội trường UBND phường Sa Pa." in paragraphs
    assert "Thành phần tham dự: Đại diện Sở Nội vụ tỉnh Lào Cai." in paragraphs  # one attendee: no lone item
    assert "Thư ký: Nguyễn Thị Hoa – Công chức Văn phòng HĐND và UBND phường Sa Pa." in paragraphs
    assert any(p.startswith("Chủ tọa: ....") for p in paragraphs)  # no name given: a dotted line
    assert "số phường có hồ sơ không hợp lệ: 1 (phường Cầu Thia)" in text
    assert "- Số phiếu phát ra: 4; số phiếu thu về: 4; số phiếu hợp lệ: 4." in paragraphs
    assert "- Phường Sa Pa: 3 phiếu đồng ý, đạt 75% số phiếu hợp lệ." in paragraphs
    assert any(p.startswith("Phiếu đồng ý cho phường Lào Cai (1 phiếu) không được tính") for p in paragraphs)
    assert "Hội nghị thống nhất suy tôn phường Sa Pa là đơn vị dẫn đầu" in text
    assert any(
        p.startswith(
            "Hội nghị thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho phường "
            "Lào Cai (xếp hạng 2, 96,00 điểm)"
        )
        for p in paragraphs
    )  # one ward: no lone item
    assert "Hội nghị kết thúc vào hồi 11 giờ 30 phút, ngày 15 tháng 01 năm 2026." in text
    assert [row[1] for row in _table_rows(document, 1)[1:]] == [
        "Phường Sa Pa", "Phường Lào Cai", "Phường Cam Đường", "Phường Cầu Thia"]  # fmt: skip
    _assert_signatures_and_receivers(document)


def _assert_signatures_and_receivers(document: DocumentObject) -> None:
    signatures = document.tables[-1]
    left, right = signatures.rows[0].cells
    assert left.paragraphs[0].text == "THƯ KÝ" and right.paragraphs[0].text == "CHỦ TỌA"
    assert "(Ký, ghi rõ họ tên)" in left.text and "Nguyễn Thị Hoa" in left.text
    paragraphs = _paragraphs(document)
    start = paragraphs.index("Nơi nhận:")
    assert paragraphs[start:] == [
        "Nơi nhận:", "- Sở Nội vụ tỉnh Lào Cai;", "- Các phường thành viên Khối;", "- Lưu: VT, Hồ sơ."]  # fmt: skip
    heading = next(p for p in document.paragraphs if p.text == "Nơi nhận:")
    run = heading.runs[0]
    assert run.bold and run.italic and run.font.size is not None and run.font.size.pt == 12


def test_minutes_without_a_meeting_are_a_draft_with_blanks() -> None:
    """Without meeting.yaml the minutes are marked DỰ THẢO, date from ``moment``, and blanks to fill in."""
    proposed = _ranking(tie=False, nominations={"SAPA": Nomination.FLAG_PROPOSED})
    moment = datetime(2025, 12, 31, 17, 0)
    document = _open(render_minutes(BLOC, CATALOGUE, proposed, None, moment))
    paragraphs = _paragraphs(document)
    assert "DỰ THẢO" in paragraphs
    assert "Số: ......" in paragraphs and "Sa Pa, ngày 31 tháng 12 năm 2025" in paragraphs
    assert "Thời gian bắt đầu: ...... giờ ...... phút, ngày ...... tháng ...... năm ......." in paragraphs
    assert "- Số phiếu phát ra: ......; số phiếu thu về: ......; số phiếu hợp lệ: ......." in paragraphs
    assert "- Phường Sa Pa: ...... phiếu đồng ý, đạt ......% số phiếu hợp lệ." in paragraphs
    assert any(p.startswith("Đề xuất phường Sa Pa (xếp hạng 1, 98,50 điểm)") for p in paragraphs)
    _assert_signatures_and_receivers_blank(document)


def _assert_signatures_and_receivers_blank(document: DocumentObject) -> None:
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == "THƯ KÝ" and right.paragraphs[0].text == "CHỦ TỌA"
    assert "- Lưu: VT, Hồ sơ." in _paragraphs(document)


def test_draft_names_the_tied_candidates_and_leaves_the_vote_blank() -> None:
    """A meeting without votes and two wards level at the top: both are named as candidates."""
    tied = _ranking(tie=True, nominations=dict.fromkeys(("SAPA", "LAOCAI"), Nomination.FLAG_CANDIDATE))
    document = _open(render_minutes(BLOC, CATALOGUE, tied, replace(MEETING, votes=None), MOMENT))
    paragraphs = _paragraphs(document)
    assert "DỰ THẢO" in paragraphs
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 15 tháng 01 năm 2026." in paragraphs  # known facts are kept
    assert any(p.startswith("Phường Sa Pa và phường Lào Cai cùng dẫn đầu Khối (98,50 điểm, đồng hạng 1)")
               for p in paragraphs)  # fmt: skip
    assert "- Phường Lào Cai: ...... phiếu đồng ý, đạt ......% số phiếu hợp lệ." in paragraphs
    assert any("bằng nhau về tổng điểm (98,50)" in p and "cùng xếp thứ 1" in p for p in paragraphs)


def test_a_failed_vote_says_why_and_calls_for_a_new_vote() -> None:
    """Quorum missed and a tie at the top: no flag, the reasons listed, a new vote called."""
    vote = VoteOutcome(("SAPA", "LAOCAI"), None, False, False, True, {"SAPA": 1, "LAOCAI": 1}, {}, "")
    candidates = dict.fromkeys(("SAPA", "LAOCAI"), Nomination.FLAG_CANDIDATE)
    ranking = _ranking(tie=True, nominations=candidates, vote=vote)
    meeting = replace(MEETING, votes=Votes(4, 2, 2, {"SAPA": 1, "LAOCAI": 1}))
    paragraphs = _paragraphs(_open(render_minutes(BLOC, CATALOGUE, ranking, meeting, MOMENT)))
    assert "DỰ THẢO" not in paragraphs
    assert "- Phường Sa Pa: 1 phiếu đồng ý, đạt 50% số phiếu hợp lệ." in paragraphs
    assert (
        "Chưa có đơn vị được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh vì số phiếu thu về (2/4) chưa "
        "đạt 2/3 tổng số thành viên Khối; phường Sa Pa và phường Lào Cai có số phiếu đồng ý cao nhất bằng nhau; số "
        "phiếu đồng ý cao nhất không vượt quá 1/2 số phiếu hợp lệ."
    ) in paragraphs
    assert any("tổ chức bỏ phiếu lại" in p for p in paragraphs)


def test_minutes_are_a4_portrait_with_page_numbers_from_page_two() -> None:
    """A4 portrait, NĐ 30 margins, an empty first-page header and a centred PAGE field after it."""
    section = _open(render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _mm(section.page_width, section.page_height) == (210, 297)
    _assert_margins(section)
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    number = section.header.paragraphs[0]
    assert number.alignment is not None or number.style.paragraph_format.alignment is not None
    assert " PAGE " in [t.text for t in number._p.iter(qn("w:instrText"))]


def _mm(*lengths: Length | None) -> tuple[float, ...]:
    """Lengths in whole millimetres (Word stores them in twips, so 210 mm reads back as 210.01)."""
    return tuple(round(length.mm) if length is not None else -1 for length in lengths)


def _assert_margins(section: Section) -> None:
    assert _mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (20, 20, 30, 15)


# --- fonts, determinism, templates -----------------------------------------------------------------


@pytest.mark.parametrize("render", [render_ranking_docx, render_minutes])
def test_every_run_and_style_names_times_new_roman_in_all_four_slots(render: object) -> None:
    """No run in the body, tables, headers or footers, and no style, can fall back to another font."""
    data = render(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)  # type: ignore[operator]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if n.startswith(("word/document", "word/header", "word/footer"))]
        assert any(n.startswith("word/header") for n in names)
    document = _open(data)
    parts = [document.part] + [
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith(("/header", "/footer"))
    ]
    runs = [run for part in parts for run in part.element.iter(qn("w:r"))]
    assert len(runs) > 50
    for run in runs:
        _assert_times(run.find(qn("w:rPr")).find(qn("w:rFonts")))
    for style in document.styles.element.iter(qn("w:style")):
        _assert_times(style.find(qn("w:rPr")).find(qn("w:rFonts")))
    _assert_times(document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts")))


def _assert_times(rfonts: object) -> None:
    assert rfonts is not None
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(qn(slot)) == "Times New Roman"  # type: ignore[attr-defined]
    assert rfonts.get(qn("w:asciiTheme")) is None  # type: ignore[attr-defined]


def test_two_renders_are_byte_identical_and_carry_fixed_properties() -> None:
    """Same inputs, same bytes; the document properties come from the inputs, never the clock."""
    first = render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)
    assert first == render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT)
    assert render_ranking_docx(BLOC, CATALOGUE, VOTED, MEETING, MOMENT) == render_ranking_docx(
        BLOC, CATALOGUE, VOTED, MEETING, MOMENT
    )
    props = _open(first).core_properties
    assert props.author == "Khối thi đua các phường"
    assert props.created == props.modified == MOMENT.replace(tzinfo=UTC)
    assert props.revision == 1 and props.last_modified_by == "thidua"


def _reopened(job: DocumentJob) -> bytes:
    """The document as rendered by saving docxtpl's package and opening it again before finishing it."""
    return finish(render_template(job.template, job.context), author=job.author, title=job.title, moment=job.moment)


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
        assert render_document(job) == _reopened(job)
    tabbed = replace(MEETING, place="Hội trường\tUBND phường Sa Pa")
    job = minutes_job(BLOC, CATALOGUE, VOTED, tabbed, MOMENT, template=template)
    assert render_document(job) == _reopened(job)


def test_the_wording_comes_from_the_template(tmp_path: Path) -> None:
    """The secretariat edits the template in Word; the next render uses the new wording."""
    template = tmp_path / MINUTES_TEMPLATE
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    heading = next(p for p in document.paragraphs if p.text == "Hội nghị đã tiến hành các nội dung sau:")
    heading.runs[0].text = "Hội nghị đã thảo luận và thống nhất các nội dung sau:"
    document.save(str(template))
    text = _text(_open(render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=template)))
    assert "Hội nghị đã thảo luận và thống nhất các nội dung sau:" in text
    assert "Hội nghị đã tiến hành" not in text


def test_a_missing_template_is_an_error(tmp_path: Path) -> None:
    """A template path that does not exist fails loudly rather than producing an empty document."""
    with pytest.raises(Exception, match="no-such"):
        render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=tmp_path / "no-such.docx")


def test_building_the_templates_twice_gives_identical_bytes(tmp_path: Path) -> None:
    """The template builder is deterministic, so a rebuild shows as no change."""
    save(build_minutes(), tmp_path / "a.docx")
    save(build_minutes(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("95.5"), "95,50"), (Decimal("0"), "0,00"), (Decimal("1234.567"), "1.234,57"), (Decimal("7.125"), "7,13")],
)
def test_points_are_written_with_a_decimal_comma(value: Decimal, expected: str) -> None:
    """Documents use the Vietnamese decimal comma and two decimals (half up)."""
    assert vn_points(value) == expected


def test_runs_added_in_word_without_fonts_get_times_new_roman(tmp_path: Path) -> None:
    """A paragraph the secretariat types into the template without a font still renders in Times New Roman."""
    template = tmp_path / MINUTES_TEMPLATE
    document = docx.Document(str(TEMPLATE_DIR / MINUTES_TEMPLATE))
    added = document.add_paragraph("Ý kiến bổ sung: {{ place }}")
    assert added.runs[0]._r.rPr is None
    document.save(str(template))
    rendered = _open(render_minutes(BLOC, CATALOGUE, VOTED, MEETING, MOMENT, template=template))
    run = next(r for r in rendered.paragraphs if r.text.startswith("Ý kiến bổ sung")).runs[0]
    assert run.text == "Ý kiến bổ sung: Hội trường UBND phường Sa Pa"
    rpr = run._r.rPr
    assert rpr is not None
    _assert_times(rpr.find(qn("w:rFonts")))


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
    assert _reopened(job) == skipped  # and on the path that saves the package first
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
    assert len(_open(repaired).tables[0].cell(0, 0).tables) == 1


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"/></w:sectPr>'
)


def _cell(width: int | None, inside: str = "") -> str:
    properties = "" if width is None else f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
    return f"<w:tc>{properties}{inside}<w:p/></w:tc>"


def _table(*rows: str) -> str:
    grid = '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="3000"/></w:tblGrid>'
    return f"<w:tbl><w:tblPr/>{grid}{''.join(f'<w:tr>{row}</w:tr>' for row in rows)}</w:tbl>"


def _body(*content: str, section: str = _SECTION) -> etree._Element:
    return etree.fromstring(f"<w:body {_W_NS}>{''.join(content)}<w:p/>{section}</w:body>")


WIDE_ROW = _cell(2000) + _cell(3000)
MERGED_ROW = '<w:tc><w:tcPr><w:tcW w:w="5000" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc>'


@pytest.mark.parametrize(
    ("body", "refitted"),
    [
        (_body(_table(WIDE_ROW)), True),
        (_body(_table(MERGED_ROW, WIDE_ROW), _table(WIDE_ROW)), True),  # one row of unmerged cells is enough
        (_body(), True),  # no table to repair
        (_body(_table(_cell(2000, _table(WIDE_ROW)) + _cell(3000))), False),  # nested: fit_tables leaves it
        (_body(_table(WIDE_ROW), section=""), False),  # no section: no width to fit to
        (_body(_table(WIDE_ROW), section='<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'), False),
        (_body(_table(_cell(None) + _cell(None))), False),  # cells without widths
        (_body(_table(_cell(2000) + _cell(None))), False),
        (_body(_table(MERGED_ROW)), False),  # only merged cells
        (_body(_table(WIDE_ROW), _table(_cell(None) + _cell(None))), False),  # one table of two left alone
    ],
    ids=[
        "one-table",
        "merged-and-unmerged-rows",
        "no-table",
        "nested-table",
        "no-sectPr",
        "no-pgMar",
        "no-cell-widths",
        "one-cell-without-width",
        "only-merged-cells",
        "second-table-without-widths",
    ],
)
def test_every_table_is_refitted_only_when_fit_tables_rebuilds_each_grid(body: etree._Element, refitted: bool) -> None:
    """Top-level tables, each with a row of unmerged cells with widths, in a section with a width."""
    assert refits_every_table(body) is refitted
