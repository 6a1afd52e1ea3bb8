"""Build the Word templates of the annual review: ``python -m scripts.build_word_templates``.

The templates are plain .docx files with docxtpl (Jinja) tags. The secretariat may edit their wording in
Word afterwards, the explanation sentences (giải trình, ``tasks.scoring.explain.SENTENCES``) included;
rerunning this script overwrites such edits, so it is meant for the first build and for layout changes. The
context keys the tags use are listed in ``tasks.outputs.documents.context``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt
from docx.table import Table

from scripts.word_template_kit import (
    CENTER,
    LEFT,
    Page,
    boxed,
    cell,
    header_block,
    header_row,
    keep_row,
    para,
    receivers,
    rule,
    setup_document,
    signature_block,
    table,
    tag,
)
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR
from tasks.outputs.documents.proposal import PROPOSAL_TEMPLATE
from tasks.outputs.ooxml import freeze_ooxml
from tasks.scoring.explain import SENTENCES

Line = str | tuple[str, dict[str, object]]
BUILT = datetime(2025, 1, 1, tzinfo=UTC)  # fixed so that rebuilding gives byte-identical templates
SIGNERS = (("THƯ KÝ", "CHỦ TỌA"), ("{{ secretary.signature }}", "{{ chair.signature }}"))
RECEIVERS = ("- Sở Nội vụ tỉnh {{ province }};", "- Các phường thành viên Khối;", "- Lưu: VT, Hồ sơ.")
BOLD: dict[str, object] = {"bold": True}
ITALIC: dict[str, object] = {"italic": True}
COMPACT: dict[str, object] = {"before": 2}


def new_document(page: Page, title: str) -> DocumentObject:
    """A blank document from python-docx's default template, set up for NĐ 30 and stripped of extras."""
    doc = docx.Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != body.sectPr.tag:
            body.remove(child)
    setup_document(doc, page)
    _drop_extras(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = "thidua"
    props.title, props.comments, props.revision = title, "", 1
    props.created = props.modified = BUILT
    return doc


def _drop_extras(doc: DocumentObject) -> None:
    """Drop the thumbnail and the legacy styles copy, which still name theme fonts."""
    package_rels = doc.part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rId)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rId)


def write(doc: DocumentObject, lines: Iterable[Line]) -> None:
    """Append paragraphs; a line that is a docxtpl paragraph tag gets a paragraph of its own."""
    for line in lines:
        content, options = (line, {}) if isinstance(line, str) else line
        if content.startswith("{%p"):
            tag(doc, content)
        else:
            para(doc, content, **options)


def title(doc: DocumentObject, page: Page, lines: Sequence[str], rule_mm: float, note: str = "") -> None:
    """Bold centred title lines, an optional italic note under them, then a short rule."""
    for index, content in enumerate(lines):
        para(doc, content, bold=True, size=14, style="Header Block", before=18 if index == 0 else 0)
    if note:
        para(doc, note, italic=True, size=13, style="Header Block", before=0)
    rule(doc, rule_mm, page.text_width).paragraph_format.space_after = Pt(6)


def save(doc: DocumentObject, path: Path) -> None:
    """Write a template with pinned timestamps."""
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(freeze_ooxml(buffer.getvalue(), BUILT))


# --- explanations (giải trình), in the ranking table's notes and in part III of the minutes --------------------


def explanation_lines(prefix: str = "", options: dict[str, object] | None = None) -> list[Line]:
    """A paragraph per explanation (``{%p for e in explanations %}``): the sentence of its reason in
    ``tasks.scoring.explain.SENTENCES``, chosen by ``e.reason``; a reason without a paragraph (a template edited
    before the reason existed) prints ``e.text``."""
    lines: list[Line] = ["{%p for e in explanations %}"]
    for index, (reason, wording) in enumerate(SENTENCES.items()):
        lines += [f"{{%p {'el' if index else ''}if e.reason == '{reason}' %}}", (prefix + wording, options or {})]
    lines += ["{%p else %}", (prefix + "{{ e.text }}", options or {}), "{%p endif %}", "{%p endfor %}"]
    return lines


# --- ranking table (A4 landscape) ---------------------------------------------------------------

# mm; columns 2 and 4 hold the column-loop tags and vanish; the rendered row (6 groups) is 252 mm wide
_RANKING_WIDTHS = (12, 35, 6, 12, 6, 14, 14.5, 13, 14, 50, 27.5)
_RANKING_HEAD = ("Hạng", "Đơn vị", "", "", "", "Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm",
                 "Xếp loại", "Đề nghị")  # fmt: skip
_RANKING_ROW = ("{{ r.rank }}", "{{ r.ward }}", "{%tc for s in r.groups %}", "{{ s }}", "{%tc endfor %}",
                "{{ r.base }}", "{{ r.bonus }}", "{{ r.deductions }}", "{{ r.total }}", "{{ r.band }}",
                "{{ r.nomination }}")  # fmt: skip


def build_ranking() -> DocumentObject:
    """The ranking table: one row per ward, one column per criterion group (a column loop)."""
    page = Page(landscape=True)
    doc = new_document(page, "Bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua")
    header_block(doc, page, "")
    title(doc, page, ["BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {{ year }}",
                      "{{ bloc_name }} tỉnh {{ province }}"], 60,
          "(Kèm theo Biên bản số {{ number }} ngày {{ date.day }}/{{ date.month }}/{{ date.year }} của Hội "
          "nghị tổng kết, bình xét thi đua {{ bloc_name }})")  # fmt: skip
    _ranking_table(doc)
    write(doc, [
        ("Ghi chú:", {"bold": True, "italic": True}),
        "{%p for g in groups %}",
        ("- Nhóm {{ g.code }}: {{ g.name }} (tối đa {{ g.max }} điểm).", COMPACT),
        "{%p endfor %}",
        ("- Tổng điểm = Điểm cơ bản (tổng điểm các nhóm) + Điểm thưởng − Điểm trừ; xếp hạng theo tổng điểm, "
         "nếu bằng nhau thì theo điểm cơ bản, rồi theo điểm trừ (ít hơn xếp trên).", COMPACT),
        *explanation_lines("- ", COMPACT),
    ])  # fmt: skip
    _ranking_figure(doc)
    signature_block(doc, page, *SIGNERS)
    return doc


def _ranking_figure(doc: DocumentObject) -> None:
    """The ranking chart (``{{ chart }}``, an image the renderer draws) with its caption, kept together."""
    tag(doc, "{%p if chart %}")
    figure = para(doc, "{{ chart }}", align=CENTER, before=12)
    figure.paragraph_format.first_line_indent = Pt(0)
    figure.paragraph_format.keep_with_next = True
    caption = para(doc, "Biểu đồ: Tổng điểm thi đua năm {{ year }} của các phường theo thứ hạng, so với ngưỡng "
                   "các mức xếp loại", italic=True, size=12, align=CENTER, before=2)  # fmt: skip
    caption.paragraph_format.first_line_indent = Pt(0)
    tag(doc, "{%p endif %}")


def _ranking_table(doc: DocumentObject) -> None:
    tbl = table(doc, 5, _RANKING_WIDTHS, borders=True)
    for column in (0, 1, 5, 6, 7, 8, 9, 10):
        tbl.cell(0, column).merge(tbl.cell(1, column))
    tbl.cell(0, 2).merge(tbl.cell(0, 4))
    for column, label in enumerate(_RANKING_HEAD):
        if label:
            cell(tbl, 0, column, label, bold=True, size=11)
    cell(tbl, 0, 2, "Điểm theo nhóm tiêu chí", bold=True, size=11)
    tbl.cell(0, 2).paragraphs[0].add_run("{% colspan groups|length %}")
    for column, label in ((2, "{%tc for g in groups %}"), (3, "{{ g.code }}"), (4, "{%tc endfor %}")):
        cell(tbl, 1, column, label, bold=True, size=6 if column != 3 else 11)
    loop_rows(tbl, 2, 4, "rows")
    for column, content in enumerate(_RANKING_ROW):
        size = 6 if content.startswith("{%tc") else 11
        cell(tbl, 3, column, content, size=size, align=LEFT if column == 1 else CENTER)
    header_row(tbl, 0)
    header_row(tbl, 1)
    keep_row(tbl, 3)


def loop_rows(tbl: Table, first: int, last: int, items: str, var: str = "r") -> None:
    """Turn rows ``first`` and ``last`` into the ``{%tr for <var> in <items> %}`` / ``{%tr endfor %}`` tag rows."""
    width = len(tbl.columns)
    for row, content in ((first, f"{{%tr for {var} in {items} %}}"), (last, "{%tr endfor %}")):
        tbl.cell(row, 0).merge(tbl.cell(row, width - 1))
        cell(tbl, row, 0, content, size=8, align=LEFT)


# --- minutes (biên bản, A4 portrait) ------------------------------------------------------------

_MINUTES_WIDTHS = (12, 35, 14, 15, 14, 14, 41, 20)  # mm, 165 in all; a number column holds "100,00" on one line
_MINUTES_HEAD = ("Hạng", "Đơn vị", "Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Xếp loại",
                 "Đề nghị")  # fmt: skip
_MINUTES_ROW = ("{{ r.rank }}", "{{ r.ward }}", "{{ r.base }}", "{{ r.bonus }}", "{{ r.deductions }}",
                "{{ r.total }}", "{{ r.band }}", "{{ r.nomination }}")  # fmt: skip


def build_minutes() -> DocumentObject:
    """The minutes (biên bản) of the review meeting, a draft (DỰ THẢO) until the vote is recorded."""
    page = Page(landscape=False)
    doc = new_document(page, "Biên bản Hội nghị tổng kết, bình xét thi đua")
    header_block(doc, page, "Số: {{ number }}")
    title(doc, page, ["BIÊN BẢN",
                      "Hội nghị tổng kết, bình xét thi đua năm {{ year }} của {{ bloc_name }}"], 45)  # fmt: skip
    tag(doc, "{%p if draft %}")
    boxed(doc, "DỰ THẢO", 40, page.text_width)
    tag(doc, "{%p endif %}")
    write(doc, _MINUTES_OPENING)
    write(doc, _MINUTES_RESULTS)
    tbl = table(doc, 4, _MINUTES_WIDTHS, borders=True)
    for column, label in enumerate(_MINUTES_HEAD):
        cell(tbl, 0, column, label, bold=True, size=11)
    loop_rows(tbl, 1, 3, "rows")
    for column, content in enumerate(_MINUTES_ROW):
        cell(tbl, 2, column, content, size=11, align=LEFT if column == 1 else CENTER)
    header_row(tbl, 0)
    keep_row(tbl, 2)
    write(doc, _MINUTES_NOTES)
    write(doc, _MINUTES_VOTE)
    write(doc, _MINUTES_NOMINATIONS)
    write(doc, _MINUTES_CLOSING)
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the closing line stays with the signatures
    signature_block(doc, page, *SIGNERS)
    receivers(doc, RECEIVERS)
    return doc


_MINUTES_OPENING: list[Line] = [
    "Thời gian bắt đầu: {{ start.hour }} giờ {{ start.minute }} phút, ngày {{ start.day }} tháng {{ start.month }} "
    "năm {{ start.year }}.",
    "Địa điểm: {{ place }}.",
    "{%p if attendees|length == 1 %}",
    "Thành phần tham dự: {{ attendees[0] }}.",
    "{%p elif attendees %}",
    "Thành phần tham dự:",
    "{%p else %}",
    "Thành phần tham dự: {{ blank }}",
    "{%p endif %}",
    "{%p for a in attendees if attendees|length > 1 %}",
    "- {{ a }}{% if loop.last %}.{% else %};{% endif %}",
    "{%p endfor %}",
    "Chủ tọa: {{ chair.name }} – {{ chair.title }}.",
    "Thư ký: {{ secretary.name }} – {{ secretary.title }}.",
    "Hội nghị đã tiến hành các nội dung sau:",
]
_MINUTES_RESULTS: list[Line] = [
    ("I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {{ year }}", BOLD),
    ("1. Tình hình nộp bảng tự chấm điểm", BOLD),
    "Khối thi đua có {{ counts.members }} phường thành viên. Số phường có bảng tự chấm điểm hợp lệ, được "
    "chấm điểm và xếp hạng: {{ counts.scored }}; số phường có hồ sơ không hợp lệ: {{ counts.rejected }}"
    "{% if rejected_wards %} ({{ rejected_wards }}){% endif %}; số phường chưa nộp: {{ counts.missing }}"
    "{% if missing_wards %} ({{ missing_wards }}){% endif %}.",
    "{%p if bands|length == 1 %}",
    "Kết quả xếp loại: {{ bands[0].count }} phường ({{ bands[0].wards }}) đều xếp loại “{{ bands[0].name }}”.",
    "{%p elif bands %}",
    "Kết quả xếp loại:",
    "{%p endif %}",
    "{%p for b in bands if bands|length > 1 %}",
    "- {{ b.name }}: {{ b.count }} phường ({{ b.wards }}){% if loop.last %}.{% else %};{% endif %}",
    "{%p endfor %}",
    ("2. Kết quả chấm điểm, xếp hạng", BOLD),
    "Kết quả chấm điểm, xếp hạng của các phường (thang điểm cơ bản {{ scale }} điểm) như sau:",
]
_MINUTES_NOTES: list[Line] = [
    ("(Chi tiết điểm theo từng nhóm tiêu chí tại Bảng tổng hợp kết quả chấm điểm, xếp hạng kèm theo "
     "Biên bản này.)", ITALIC),
]  # fmt: skip
_MINUTES_VOTE: list[Line] = [
    ("II. BỎ PHIẾU SUY TÔN ĐƠN VỊ DẪN ĐẦU KHỐI", BOLD),
    "{%p if candidates %}",
    "Căn cứ kết quả chấm điểm, xếp hạng, đơn vị đủ điều kiện (xếp loại {{ rule.band }}, không vi phạm "
    "tiêu chí loại trừ) và dẫn đầu Khối: {{ candidate_names }}. Hội nghị tiến hành bỏ phiếu kín suy tôn "
    "đơn vị dẫn đầu Khối để đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Cờ thi đua; đơn vị được suy tôn "
    "khi số phiếu thu về đạt từ {{ rule.quorum }} tổng số thành viên Khối trở lên và có số phiếu đồng ý trên "
    "{{ rule.share }} số phiếu hợp lệ.",
    "Kết quả bỏ phiếu:",
    "- Số phiếu phát ra: {{ ballots.issued }}; số phiếu thu về: {{ ballots.received }}; số phiếu hợp lệ: "
    "{{ ballots.valid }}.",
    "{%p for c in candidates %}",
    "- {{ c.ward }}: {{ c.agree }} phiếu đồng ý, đạt {{ c.share }}% số phiếu hợp lệ.",
    "{%p endfor %}",
    "{%p else %}",
    "Không có phường nào đủ điều kiện đề nghị tặng Cờ thi đua (xếp loại {{ rule.band }}, không vi phạm "
    "tiêu chí loại trừ); Hội nghị không tổ chức bỏ phiếu.",
    "{%p endif %}",
]
_MINUTES_NOMINATIONS: list[Line] = [
    ("III. ĐỀ NGHỊ KHEN THƯỞNG", BOLD),
    ("1. Cờ thi đua của Ủy ban nhân dân tỉnh", BOLD),
    "{%p if flag_status == 'awarded' %}",
    "Hội nghị thống nhất suy tôn {{ winner.name }} là đơn vị dẫn đầu {{ bloc_name }} năm {{ year }}, đề "
    "nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Cờ thi đua của Ủy ban nhân dân tỉnh ({{ winner.agree }}/"
    "{{ ballots.valid }} phiếu đồng ý, đạt {{ winner.share }}% số phiếu hợp lệ).",
    "{%p elif flag_status == 'failed' %}",
    "Chưa có đơn vị được suy tôn đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh{% if why.text %} vì "
    "{{ why.text }}{% endif %}.",
    "Các ứng cử viên ({{ candidate_names }}) vẫn giữ tư cách ứng cử viên; Hội nghị thống nhất tổ chức bỏ "
    "phiếu lại để suy tôn đơn vị đề nghị tặng Cờ thi đua.",
    "{%p elif flag_status == 'proposed' %}",
    "Đề xuất {{ candidates[0].name }} (xếp hạng {{ candidates[0].rank }}, {{ candidates[0].total }} điểm) "
    "là đơn vị dẫn đầu Khối; Hội nghị bỏ phiếu suy tôn để đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Cờ thi "
    "đua của Ủy ban nhân dân tỉnh.",
    "{%p elif flag_status == 'tied' %}",
    "{{ candidate_names_start }} cùng dẫn đầu Khối ({{ candidates[0].total }} điểm, đồng hạng "
    "{{ candidates[0].rank }}); Hội nghị bỏ phiếu kín để lựa chọn một đơn vị đề nghị Chủ tịch Ủy ban nhân "
    "dân tỉnh tặng Cờ thi đua của Ủy ban nhân dân tỉnh.",
    "{%p else %}",
    "Hội nghị không đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh.",
    "{%p endif %}",
    ("2. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", BOLD),
    "{%p if merit|length == 1 %}",
    "{% if draft %}Dự kiến đề nghị{% else %}Hội nghị thống nhất đề nghị{% endif %} Chủ tịch Ủy ban nhân "
    "dân tỉnh tặng Bằng khen cho {{ merit[0].name }} (xếp hạng {{ merit[0].rank }}, {{ merit[0].total }} "
    "điểm), đơn vị có thành tích xuất sắc, xếp hạng cao nhất trong các đơn vị đủ điều kiện (không kể đơn vị có "
    "tên trong đề nghị tặng Cờ thi đua).",
    "{%p elif merit %}",
    "{% if draft %}Dự kiến đề nghị{% else %}Hội nghị thống nhất đề nghị{% endif %} Chủ tịch Ủy ban nhân "
    "dân tỉnh tặng Bằng khen cho {{ merit|length }} phường có thành tích xuất sắc, xếp hạng cao nhất trong "
    "các đơn vị đủ điều kiện (không kể đơn vị có tên trong đề nghị tặng Cờ thi đua):",
    "{%p for m in merit if merit|length > 1 %}",
    "- {{ m.ward }} (xếp hạng {{ m.rank }}, {{ m.total }} điểm){% if loop.last %}.{% else %};{% endif %}",
    "{%p endfor %}",
    "{%p else %}",
    "Không có phường nào đủ điều kiện đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh.",
    "{%p endif %}",
    "{%p if explanations %}",
    ("3. Giải trình kết quả xếp hạng, xếp loại và đề nghị khen thưởng", BOLD),
    "{%p endif %}",
    *explanation_lines(),
]
_MINUTES_CLOSING: list[Line] = [
    "Hội nghị kết thúc vào hồi {{ end.hour }} giờ {{ end.minute }} phút, ngày {{ end.day }} tháng "
    "{{ end.month }} năm {{ end.year }}. Biên bản đã được đọc lại trước Hội nghị và được các thành viên dự "
    "họp nhất trí thông qua./.",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Write the three templates under ``templates/word/`` (or the folder given as the only argument)."""
    # imported here: the proposal's builder is made of this module's helpers
    from scripts.proposal_template import build_proposal

    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else TEMPLATE_DIR
    save(build_ranking(), folder / RANKING_TEMPLATE)
    save(build_minutes(), folder / MINUTES_TEMPLATE)
    save(build_proposal(), folder / PROPOSAL_TEMPLATE)
    print(f"wrote {folder / RANKING_TEMPLATE}, {folder / MINUTES_TEMPLATE} and {folder / PROPOSAL_TEMPLATE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
