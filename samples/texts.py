"""Vietnamese wording of the synthetic sample data: evidence, bases of bonus/deduction claims, notes.

Document numbers and dates are invented per ward from the generator's seeded random source; they refer to
no real document.
"""

from __future__ import annotations

import random
from datetime import date

EVIDENCE = {
    "1.1": "Kế hoạch số {n}/KH-UBND ngày {d} phát động phong trào thi đua năm 2025",
    "1.2": "Báo cáo số {n}/BC-UBND ngày {d} về triển khai Chỉ thị 41-CT/TW",
    "1.3": "Quyết định số {n}/QĐ-UBND ngày {d} ban hành Quy chế thi đua, khen thưởng",
    "1.4": "Báo cáo số {n}/BC-UBND ngày {d} về điển hình tiên tiến, mô hình hay",
    "2.4": "Báo cáo số {n}/BC-UBND ngày {d} về phát triển đô thị, chỉnh trang hạ tầng",
    "2.6": "Báo cáo số {n}/BC-UBND ngày {d} đánh giá vận hành chính quyền địa phương 2 cấp",
    "3.2": "Kế hoạch số {n}/KH-UBND ngày {d} về vệ sinh môi trường, cảnh quan đô thị",
    "3.3": "Báo cáo số {n}/BC-UBND ngày {d} về ứng phó biến đổi khí hậu",
    "4.2": "Báo cáo số {n}/BC-CAP ngày {d} của Công an phường về an ninh, trật tự",
    "4.3": "Phương án số {n}/PA-UBND ngày {d} về phòng, chống thiên tai, tìm kiếm cứu nạn",
    "5.3": "Báo cáo số {n}/BC-UBND ngày {d} về chuyển đổi số",
    "6.1": "Báo cáo số {n}/BC-UBND ngày {d} về an sinh xã hội, giảm nghèo",
    "6.2": "Nghị quyết Đại hội đại biểu Đảng bộ phường lần thứ I, nhiệm kỳ 2025–2030",
    "6.3": "Sổ theo dõi tham gia hoạt động của Khối; các báo cáo định kỳ đã gửi",
}
# Documents that open the emulation year are dated early in the bloc's cycle.
EVIDENCE_MONTHS = {"1.1": (9, 10), "1.3": (9, 10), "6.2": (9, 9)}
INDICATOR_EVIDENCE = "Báo cáo kết quả thực hiện chỉ tiêu tháng 12/2025"

BASIS = {
    "T1": "Quyết định số {n}/QĐ-UBND ngày {d} của UBND tỉnh công nhận mô hình",
    "T2": "Quyết định số {n}/QĐ-UBND ngày {d} của Chủ tịch UBND tỉnh khen thưởng đột xuất",
    "T3": "Quyết định số {n}/QĐ-UBND ngày {d} công nhận sáng kiến chuyển đổi số",
    "D1": "Thông báo số {n}/TB-KTĐ ngày {d} của Khối thi đua",
    "D2": "Thông báo số {n}/TB-KTĐ ngày {d} của Khối thi đua",
    "D3": "Quyết định kỷ luật số {n}/QĐ-UBND ngày {d}",
    "D4": "Báo cáo số {n}/BC-CAP ngày {d} của Công an phường",
}

PREPARER = "Công chức Văn phòng HĐND và UBND phường"
ROLE = "Chuyên viên Văn phòng HĐND và UBND"

REASON_T1 = "Chỉ 01 mô hình có quyết định công nhận của UBND tỉnh; mô hình còn lại mới được UBND phường công nhận"
REASON_ASSESSED = "Chưa có minh chứng tổ chức diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn năm 2025"
REASON_INDICATOR = (
    "Theo Hệ thống thông tin giải quyết TTHC tỉnh, tỷ lệ hồ sơ đúng hạn lũy kế là {v}% "
    "(đơn vị báo cáo {r}%); chấm theo số liệu của hệ thống"
)
REASON_D1 = "Chậm gửi báo cáo sơ kết công tác thi đua tháng 11/2025 (Thông báo số 21/TB-KTĐ của Khối)"


def doc_date(rng: random.Random, year: int, months: tuple[int, int] = (9, 12)) -> str:
    """A plausible document date in the given months of ``year`` (default September–December), ``dd/mm/yyyy``."""
    return date(year, rng.randint(*months), rng.randint(1, 28)).strftime("%d/%m/%Y")


def fill(template: str, rng: random.Random, year: int, months: tuple[int, int] = (9, 12)) -> str:
    """A template with an invented document number and date."""
    return template.format(n=rng.randint(12, 480), d=doc_date(rng, year, months))


MONTHLY_NOTES = {
    ("NAMCUONG", "CT06"): "Giao 25 công dân, đã bàn giao 24 (01 trường hợp tạm hoãn vì lý do sức khỏe)",
    ("SAPA", "CT04"): "Gồm khách lưu trú và khách tham quan trong ngày",
    ("LAOCAI", "CT01"): "Số liệu do Thuế cơ sở cung cấp",
}
LAST_MONTH_NOTE = {"CT01": "Ước thực hiện đến hết năm"}
