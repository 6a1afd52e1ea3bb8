"""The Word template of the award proposal (tờ trình đề nghị khen thưởng), built with the other templates.

``python -m scripts.build_word_templates`` writes it to ``templates/word/to-trinh-de-nghi-khen-thuong.docx``;
its wording (the legal bases, the request, the enclosed documents) can then be edited in Word. The context keys
are listed in ``tasks.outputs.documents.proposal``.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Pt

from scripts.build_word_templates import BOLD, COMPACT, ITALIC, loop_rows, new_document, title, write
from scripts.word_template_kit import (
    CENTER,
    HEADER_STYLE,
    LEFT,
    Page,
    boxed,
    cell,
    header_block,
    header_row,
    keep_row,
    para,
    table,
    tag,
    text,
)

_WIDTHS = (10, 27, 33, 12, 16, 27, 40)  # mm, 165 in all (A4 portrait between the margins)
_HEAD = ("STT", "Đơn vị", "Hình thức khen thưởng", "Xếp hạng", "Tổng điểm", "Xếp loại", "Tóm tắt thành tích")
_ROW = ("{{ u.no }}", "{{ u.ward }}", "{{ u.award }}", "{{ u.rank }}", "{{ u.total }}", "{{ u.band }}",
        "{{ u.summary }}")  # fmt: skip
_BASES = [
    ("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", ITALIC),
    ("Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Thi đua, "
     "khen thưởng;", ITALIC),
    ("Căn cứ Biên bản Hội nghị tổng kết, bình xét thi đua năm {{ year }} của {{ bloc_name }} số "
     "{{ meeting.number }} ngày {{ meeting.day }}/{{ meeting.month }}/{{ meeting.year }}.", ITALIC),
]  # fmt: skip
_REQUEST = [
    "{{ bloc_name }} tỉnh {{ province }} gồm {{ members }} phường thành viên; năm {{ year }}, {{ head.name }} "
    "là Trưởng Khối. Ngày {{ meeting.day }}/{{ meeting.month }}/{{ meeting.year }}, Khối tổ chức Hội nghị tổng "
    "kết, bình xét thi đua; căn cứ kết quả chấm điểm, xếp hạng"
    "{% if flag_status == 'awarded' %} và kết quả bỏ phiếu kín suy tôn ({{ vote.agree }}/{{ vote.valid }} phiếu "
    "hợp lệ đồng ý, đạt {{ vote.share }}%){% endif %}, {{ bloc_name }} "
    "{% if draft %}dự kiến đề nghị{% else %}kính trình{% endif %} Chủ tịch Ủy ban nhân dân tỉnh xem xét, tặng:",
    "{%p if flag_status == 'awarded' %}",
    "- Cờ thi đua của Ủy ban nhân dân tỉnh cho {{ flag_units }} tập thể dẫn đầu Khối;",
    "{%p elif flag_status in ('proposed', 'tied') %}",
    "- Cờ thi đua của Ủy ban nhân dân tỉnh cho 01 tập thể dẫn đầu Khối (ứng cử viên: {{ candidate_names }}; "
    "chờ kết quả bỏ phiếu suy tôn);",
    "{%p elif flag_status == 'failed' %}",
    "- Cờ thi đua của Ủy ban nhân dân tỉnh: Khối chưa suy tôn được đơn vị dẫn đầu ({{ candidate_names }} vẫn là "
    "ứng cử viên) và sẽ trình sau khi bỏ phiếu lại;",
    "{%p endif %}",
    "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho {{ merit_units }} tập thể có thành tích xuất sắc.",
    "(Danh sách và tóm tắt thành tích tại bảng dưới đây.)",
]
_AFTER_TABLE = [
    ("Ghi chú: Tóm tắt thành tích nêu hai nhóm tiêu chí có tỷ lệ điểm đạt cao nhất và các nội dung được cộng điểm "
     "thưởng. {% for g in groups %}Nhóm {{ g.code }}: {{ g.name }}{% if loop.last %}.{% else %}; {% endif %}"
     "{% endfor %}", {"italic": True, "size": 11}),
    ("Hồ sơ kèm theo:", BOLD),
    ("1. Biên bản Hội nghị tổng kết, bình xét thi đua năm {{ year }} của {{ bloc_name }}"
     "{% if not draft %} (kèm kết quả kiểm phiếu suy tôn){% endif %};", COMPACT),
    ("2. Bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua năm {{ year }};", COMPACT),
    ("3. Báo cáo thành tích của các tập thể được đề nghị khen thưởng.", COMPACT),
    "{{ bloc_name }} kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định./.",
]  # fmt: skip


def build_proposal() -> DocumentObject:
    """The award proposal: NĐ 30 header, title, addressee, legal bases, request, table, enclosures, signer."""
    page = Page(landscape=False)
    doc = new_document(page, "Tờ trình đề nghị khen thưởng")
    header_block(doc, page, "Số:        /TTr-KTĐ")
    title(doc, page, ["TỜ TRÌNH",
                      "Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh và Bằng khen của Chủ tịch Ủy ban nhân "
                      "dân tỉnh cho các phường thuộc {{ bloc_name }} năm {{ year }}"], 45)  # fmt: skip
    tag(doc, "{%p if draft %}")
    boxed(doc, "DỰ THẢO", 40, page.text_width)
    tag(doc, "{%p endif %}")
    addressee = para(doc, "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh {{ province }} (qua Sở Nội vụ).", align=CENTER)
    addressee.paragraph_format.first_line_indent = Pt(0)
    addressee.paragraph_format.space_after = Pt(6)
    write(doc, _BASES)
    write(doc, _REQUEST)
    _units_table(doc)
    write(doc, _AFTER_TABLE)
    _closing(doc, page)
    return doc


def _units_table(doc: DocumentObject) -> None:
    tbl = table(doc, 4, _WIDTHS, borders=True)
    for column, label in enumerate(_HEAD):
        cell(tbl, 0, column, label, bold=True, size=11)
    loop_rows(tbl, 1, 3, "units", "u")
    for column, content in enumerate(_ROW):
        cell(tbl, 2, column, content, size=11, align=LEFT if column in (1, 2, 6) else CENTER)
    header_row(tbl, 0)
    keep_row(tbl, 2)


def _closing(doc: DocumentObject, page: Page) -> None:
    """NĐ 30 closing: ``Nơi nhận:`` at the left, the head of the bloc signing at the right, side by side."""
    half = page.text_width / 2
    tbl = table(doc, 1, [half, half], borders=False)
    keep_row(tbl, 0)
    left, right = tbl.cell(0, 0), tbl.cell(0, 1)
    heading = text(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT, style=HEADER_STYLE)
    heading.paragraph_format.space_before = Pt(12)
    for item in ("- Như trên;", "- Các phường thành viên Khối;", "- Lưu: VT, Hồ sơ."):
        para(left, item, size=11, align=LEFT, style=HEADER_STYLE)
    signer = text(right.paragraphs[0], "TM. KHỐI THI ĐUA", bold=True, size=13, style=HEADER_STYLE)
    signer.paragraph_format.space_before = Pt(12)
    para(right, "TRƯỞNG KHỐI", bold=True, size=13, style=HEADER_STYLE)
    para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=13, style=HEADER_STYLE)
    for _ in range(4):
        para(right, "", size=13, style=HEADER_STYLE)
    para(right, "{{ signer.name }}", bold=True, size=13, style=HEADER_STYLE)
