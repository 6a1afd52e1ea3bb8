"""The Vietnamese wording of the templates' ``Hướng dẫn`` sheets, built from the year's catalogue.

Each guide is a list of ``(style, text)`` lines; styles are ``title``, ``subtitle``, ``heading``, ``body`` and
``bullet``. Points, caps, bands and the monthly window come from ``criteria.yaml``, so a new year's guide
follows its own rules. Deadlines are left to the bloc's written instructions (they change every year).
"""

from __future__ import annotations

from tasks.domain import Bloc, Catalogue, CriterionKind, Indicator, Method, Ward
from tasks.text import month_label, vn_plain

Line = tuple[str, str]

FLAG_AND_MERIT = "Cờ thi đua, Bằng khen"


def period_choice(period: str) -> str:
    """``2025-09`` → ``Tháng 09/2025``, the text the monthly template's dropdown offers."""
    return f"Tháng {month_label(period)}"


def window_text(cat: Catalogue) -> str:
    """The months whose monthly reports count, e.g. ``từ tháng 09/2025 đến tháng 12/2025``."""
    return f"từ tháng {month_label(cat.window.first)} đến tháng {month_label(cat.window.last)}"


def bonus_text(item_points: str, item_cap: str) -> str:
    """``cộng 1 điểm/lần, tối đa 2 điểm``."""
    return f"cộng {item_points} điểm/lần, tối đa {item_cap} điểm"


def veto_text(cat: Catalogue) -> str:
    """What a veto deduction bars, in the catalogue's own band name."""
    return f"không được xếp loại «{cat.bands[0].name}» và không được đề nghị khen thưởng ({FLAG_AND_MERIT})"


def deduction_text(points: str, veto: bool, cat: Catalogue) -> str:
    """``trừ 0,5 điểm/lần`` (plus the veto consequence)."""
    return f"trừ {points} điểm/lần" + (f"; có vi phạm thì {veto_text(cat)}" if veto else "")


def numbered(lines: list[Line]) -> list[Line]:
    """Number the headings in order (``1. Nội dung tệp``), so optional sections never leave a gap."""
    out, n = [], 0
    for style, line in lines:
        if style == "heading":
            n += 1
            line = f"{n}. {line}"
        out.append((style, line))
    return out


def _heading(bloc: Bloc, ward: Ward, title: str) -> list[Line]:
    return [
        ("title", title),
        ("subtitle", f"{bloc.name} – tỉnh {bloc.province}"),
        ("body", f"Đơn vị: phường {ward.name} (mã đơn vị {ward.code})."),
    ]


def _machine_read(bloc: Bloc) -> list[Line]:
    head = bloc.ward(bloc.head).name
    return [
        ("heading", "Lưu ý: tệp được chương trình của Khối đọc tự động"),
        (
            "bullet",
            "Giữ nguyên tên các trang tính, tên cột, mã tiêu chí, mã chỉ tiêu và các nhãn ở cột A trang «Thông tin»; "
            "không đổi tên, xóa, chèn hoặc gộp cột; không chuyển số liệu sang trang tính khác.",
        ),
        ("bullet", "Đơn vị được nhận biết theo ô «Đơn vị» và «Mã đơn vị» trong tệp, không theo tên tệp."),
        (
            "bullet",
            "Các trang tính được bảo vệ không đặt mật khẩu để Thường trực Khối điều chỉnh khi cần; "
            "đơn vị không tự bỏ bảo vệ để sửa các ô đã khóa.",
        ),
        (
            "bullet",
            "Lưu tệp ở định dạng Excel (.xlsx), không đặt mật khẩu, gửi về Thường trực Khối "
            f"(phường {head}) đúng thời hạn theo văn bản hướng dẫn của Khối. Khi gửi lại bản đã sửa, ghi Ngày lập "
            "mới: bản có Ngày lập muộn hơn được sử dụng; hai bản cùng Ngày lập đều bị từ chối.",
        ),
        (
            "bullet",
            "Nếu tệp có sai sót, Khối gửi thông báo ghi rõ trang tính, ô, lỗi và cách sửa; "
            "đơn vị sửa đúng ô được chỉ ra rồi gửi lại.",
        ),
    ]


def _numbers(score_line: str) -> list[Line]:
    return [
        ("heading", "Cách ghi số"),
        ("bullet", score_line),
        (
            "bullet",
            "Nhập số trực tiếp vào ô: không ghi chữ (như «tốt», «x»), không ghi đơn vị, không dùng công thức. "
            "Dấu thập phân theo cài đặt của máy (dấu phẩy hoặc dấu chấm); kiểm tra lại số hiển thị trong ô.",
        ),
        ("bullet", "Ngày lập ghi theo dạng dd/mm/yyyy, ví dụ 05/01/2026."),
    ]


def _indicator_criteria(cat: Catalogue) -> list[Line]:
    linked = [c for c in cat.criteria if c.kind is CriterionKind.INDICATOR]
    if not linked:
        return []
    codes = ", ".join(c.code for c in linked)
    threshold = [c.code for c in linked if (i := cat.indicator(c.indicator or "")) and i.method is Method.THRESHOLD]
    lines: list[Line] = [
        ("heading", "Tiêu chí tính điểm từ chỉ tiêu tháng"),
        (
            "body",
            f"Các tiêu chí {codes} được Khối tính điểm từ số «Lũy kế từ đầu năm» trong báo cáo chỉ tiêu tháng "
            f"được chấp nhận của tháng gần nhất trong kỳ {window_text(cat)}, so với kế hoạch năm giao cho đơn vị. "
            "Có thể để trống ô «Điểm tự chấm» của các tiêu chí này; nếu có ghi, điểm ghi được đối chiếu với điểm "
            "Khối tính và chênh lệch sẽ được cảnh báo.",
        ),
        (
            "bullet",
            "Đạt hoặc vượt kế hoạch: được điểm tối đa của tiêu chí. Chưa đạt: điểm = điểm tối đa × lũy kế ÷ kế hoạch.",
        ),
    ]
    if threshold:
        lines.append(
            ("bullet", f"Riêng tiêu chí {', '.join(threshold)}: chưa đạt kế hoạch thì được 0 điểm."),
        )
    return lines


def _bonus_and_deductions(cat: Catalogue) -> list[Line]:
    lines: list[Line] = [
        ("heading", "Điểm thưởng, điểm trừ (trang «Thưởng - Trừ»)"),
        (
            "body",
            "Ghi số lần đạt được (điểm thưởng, mã T) hoặc vi phạm (điểm trừ, mã D) trong năm ở cột «Số lần» và "
            f"căn cứ ở cột «Căn cứ». Tổng điểm thưởng tối đa {vn_plain(cat.bonus_cap)} điểm.",
        ),
    ]
    for b in cat.bonus_items:
        lines.append(("bullet", f"{b.code} – {b.name}: {bonus_text(vn_plain(b.points), vn_plain(b.cap))}."))
    for d in cat.deduction_items:
        lines.append(("bullet", f"{d.code} – {d.name}: {deduction_text(vn_plain(d.points), d.veto, cat)}."))
    dm = cat.missing_report
    lines.append(
        (
            "bullet",
            f"{dm.code} – {dm.name}: trừ {vn_plain(dm.points)} điểm cho mỗi tháng trong kỳ {window_text(cat)} "
            "không có báo cáo chỉ tiêu tháng được chấp nhận. Điểm này do Khối tự tính; "
            f"đơn vị không ghi dòng {dm.code}.",
        )
    )
    return lines


def _classification(cat: Catalogue) -> list[Line]:
    bands = "; ".join(f"«{b.name}» từ {vn_plain(b.min)} điểm" for b in cat.bands)
    return [
        ("heading", "Tổng điểm và xếp loại"),
        (
            "body",
            f"Tổng điểm = điểm các tiêu chí (tối đa {vn_plain(cat.scale)} điểm) + điểm thưởng − điểm trừ. "
            f"Xếp loại: {bands}.",
        ),
    ]


def annual_guide(bloc: Bloc, cat: Catalogue, ward: Ward) -> list[Line]:
    """The instructions of the annual self-assessment template (Bảng tự chấm điểm thi đua năm)."""
    year = cat.year
    return numbered(
        [
            *_heading(bloc, ward, f"HƯỚNG DẪN ĐIỀN BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM {year}"),
            ("heading", "Nội dung tệp"),
            (
                "body",
                "Tệp gồm các trang tính: «Thông tin» (đơn vị, người lập, ngày lập), «Tự chấm điểm» (điểm tự chấm "
                "từng tiêu chí và minh chứng) và «Thưởng - Trừ» (số lần được cộng, bị trừ điểm). Tên và mã đơn vị, "
                f"năm, mã và nội dung tiêu chí, điểm tối đa đã được ghi sẵn theo bộ tiêu chí năm {year}.",
            ),
            ("heading", "Ô cần nhập"),
            (
                "body",
                "Chỉ nhập vào các ô nền vàng nhạt; các ô khác đã được khóa để tránh sửa nhầm. Khi chọn một ô cần nhập, "
                "Excel hiện gợi ý cách ghi; giá trị không hợp lệ bị từ chối ngay khi nhập.",
            ),
            *_numbers(
                "Điểm tự chấm: số từ 0 đến điểm tối đa của tiêu chí, tối đa 2 chữ số thập phân (ví dụ 4,5 hoặc 4,25). "
                "Số lần: số nguyên không âm (0, 1, 2…); để trống được hiểu là 0."
            ),
            ("heading", "Minh chứng"),
            (
                "body",
                "Với mỗi tiêu chí có điểm trên 0, ghi ở cột «Minh chứng» số, ký hiệu, ngày và cơ quan ban hành "
                "văn bản, báo cáo, quyết định làm căn cứ (ví dụ: Kế hoạch số 12/KH-UBND ngày 20/9/2025 của UBND "
                "phường). Điểm trên 0 mà không có minh chứng sẽ bị cảnh báo khi thẩm định.",
            ),
            *_indicator_criteria(cat),
            *_bonus_and_deductions(cat),
            *_classification(cat),
            *_machine_read(bloc),
        ]
    )


def percent_limit(ind: Indicator) -> str:
    """``, không quá 100`` for a share of a whole, ``, có thể vượt 100`` for a ratio such as revenue to budget."""
    return f", không quá {vn_plain(ind.at_most)}" if ind.at_most is not None else ", có thể vượt 100"


def indicator_rule(ind: Indicator) -> str:
    """How the year-to-date value of ``ind`` is written (cumulative count or ratio as is)."""
    if ind.cumulative:
        return "Lũy kế = Lũy kế tháng trước + Thực hiện trong tháng (không được giảm so với tháng trước)."
    if ind.is_percent:
        limit = percent_limit(ind)
        return f"Tỷ lệ từ đầu năm đến hết tháng báo cáo, ghi số phần trăm (ví dụ 97,5){limit}; không cộng dồn."
    return "Kết quả từ đầu năm đến hết tháng báo cáo, ghi như đã đạt; không cộng dồn."


def _indicator_lines(cat: Catalogue) -> list[Line]:
    lines: list[Line] = []
    for ind in cat.indicators:
        feeds = next((c for c in cat.criteria if c.indicator == ind.code), None)
        scored = f" Tính điểm tiêu chí {feeds.code} (tối đa {vn_plain(feeds.max)} điểm)." if feeds else ""
        lines.append(("bullet", f"{ind.code} – {ind.name} ({ind.unit}): {indicator_rule(ind)}{scored}"))
    return lines


def monthly_guide(bloc: Bloc, cat: Catalogue, ward: Ward) -> list[Line]:
    """The instructions of the monthly progress template (Báo cáo kết quả thực hiện chỉ tiêu tháng)."""
    dm = cat.missing_report
    return numbered(
        [
            *_heading(bloc, ward, f"HƯỚNG DẪN ĐIỀN BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU THÁNG NĂM {cat.year}"),
            ("heading", "Nội dung tệp, mỗi tháng một báo cáo"),
            (
                "body",
                "Tệp gồm các trang tính: «Thông tin» (đơn vị, kỳ báo cáo, người lập, ngày lập) và «Chỉ tiêu» (kết quả "
                "thực hiện từng chỉ tiêu). Tên và mã đơn vị, mã, tên, đơn vị tính và kế hoạch năm của từng chỉ tiêu đã "
                f"được ghi sẵn theo bộ tiêu chí năm {cat.year}. Mỗi tháng {window_text(cat)} lập một báo cáo: sao chép "
                "tệp mẫu này, chọn «Kỳ báo cáo» trong danh sách thả xuống ở trang «Thông tin», nhập số liệu, ghi người "
                "lập và ngày lập.",
            ),
            ("heading", "Ô cần nhập"),
            (
                "body",
                "Chỉ nhập vào các ô nền vàng nhạt; các ô khác đã được khóa để tránh sửa nhầm. Khi chọn một ô cần nhập, "
                "Excel hiện gợi ý cách ghi; giá trị không hợp lệ bị từ chối ngay khi nhập.",
            ),
            *_numbers(
                "«Lũy kế từ đầu năm» là bắt buộc cho mọi chỉ tiêu; «Thực hiện trong tháng» là kết quả riêng của tháng "
                "báo cáo. Mọi số đều không âm. «Kế hoạch năm» ghi sẵn chỉ tiêu giao cho đơn vị, không sửa."
            ),
            ("heading", "Cách ghi từng chỉ tiêu"),
            *_indicator_lines(cat),
            ("heading", "Tính điểm, điểm trừ khi không báo cáo"),
            (
                "body",
                f"Số «Lũy kế từ đầu năm» của báo cáo được chấp nhận của tháng gần nhất trong kỳ {window_text(cat)} "
                "được dùng để tính điểm các tiêu chí tương ứng trong bảng tự chấm điểm năm. Mỗi tháng trong kỳ "
                f"không có báo cáo được chấp nhận bị trừ {vn_plain(dm.points)} điểm ({dm.code} – {dm.name}).",
            ),
            *_machine_read(bloc),
        ]
    )
