"""The Vietnamese name of each rule a submission can break, for people; the rule code stays for auditors.

A ward officer reads ``Thiếu minh chứng``, never ``no_evidence``; the code is still written in its own column
(feedback workbooks, ``summary.json``) so an auditor can find the expectation or the code that raised it.
"""

from __future__ import annotations

from tasks.domain import Severity

RULE_LABELS: dict[str, str] = {
    # reading the file
    "empty_file": "Tệp rỗng",
    "not_a_workbook": "Không phải tệp Excel",
    "old_xls": "Tệp Excel cũ (.xls)",
    "wrong_folder": "Tệp nằm sai thư mục",
    "outside_window": "Tháng ngoài khoảng theo dõi",
    "corrupt": "Tệp bị hỏng",
    "encrypted": "Tệp có mật khẩu",
    "too_large": "Tệp quá lớn",
    "xml_entities": "Tệp có nội dung không an toàn",
    "unreadable": "Không đọc được tệp",
    "missing_sheet": "Thiếu trang tính",
    "duplicate_sheet": "Trang tính trùng tên",
    "hidden_sheet": "Trang tính ẩn có dữ liệu",
    "duplicate_column": "Cột trùng tên",
    "missing_column": "Thiếu cột",
    "formula_without_value": "Công thức chưa có kết quả",
    "unreadable_folder": "Không đọc được thư mục",
    "broken_link": "Liên kết hỏng",
    "linked_folder": "Liên kết tới thư mục",
    "special_file": "Không phải tệp thông thường",
    "subfolder": "Thư mục con không được đọc",
    "excel_error": "Ô có lỗi Excel",
    "disguised_value": "Định dạng số che giá trị",
    "rounded_value": "Định dạng số làm tròn giá trị",
    "formula_not_recomputed": "Công thức không được tính lại",
    "hidden_value": "Số liệu tính điểm bị ẩn",
    "conditional_format": "Định dạng có điều kiện có thể che giá trị",
    "too_many_rows": "Quá nhiều dòng",
    "more_issues": "Còn lỗi khác",
    # who and when
    "ward_missing": "Chưa ghi đơn vị",
    "ward_unknown": "Đơn vị không có trong danh sách",
    "ward_without_diacritics": "Tên đơn vị thiếu dấu",
    "ward_code_mismatch": "Mã đơn vị không khớp",
    "date_unreadable": "Ngày lập không đọc được",
    "date_too_late": "Ngày lập quá muộn",
    "year_mismatch": "Năm không đúng",
    "period_mismatch": "Kỳ báo cáo không đúng",
    "duplicate_label": "Nhãn ghi hai lần khác nhau",
    "file_name_other_ward": "Tên tệp là của phường khác",
    # rows of the tables
    "unknown_code": "Mã không có trong danh mục",
    "duplicate_code": "Mã ghi trùng",
    "missing_code": "Thiếu dòng theo biểu mẫu",
    "computed_code_ignored": "Dòng do hệ thống tự tính",
    "score_missing": "Chưa nhập điểm",
    "not_a_number": "Không phải là số",
    "negative": "Số âm",
    "above_max": "Vượt điểm tối đa",
    "too_many_decimals": "Quá 2 chữ số thập phân",
    "not_whole": "Không phải số nguyên",
    "max_differs": "Điểm tối đa khác bộ tiêu chí",
    "name_differs": "Nội dung khác danh mục",
    "no_evidence": "Thiếu minh chứng",
    "ytd_missing": "Chưa nhập lũy kế",
    "above_100_percent": "Vượt quá 100%",
    "month_not_a_number": "Số trong tháng không phải là số",
    "ambiguous_dot": "Dấu chấm có thể là dấu ngăn cách hàng nghìn",
    "target_differs": "Kế hoạch khác chỉ tiêu giao",
    "duplicate_appraisal": "Thẩm định ghi trùng",
    # across files
    "superseded": "Đã có bản nộp sau",
    "conflicting_submissions": "Nhiều bản nộp trùng kỳ",
    "ytd_decreased": "Lũy kế giảm",
    "month_does_not_add_up": "Lũy kế không khớp tháng trước",
    "indicator_self_score_differs": "Điểm tự chấm khác điểm tính từ chỉ tiêu",
    "indicator_no_report": "Không có báo cáo chỉ tiêu",
    "appraisal_without_self_assessment": "Thẩm định đơn vị chưa có bảng tự chấm",
    "annual_missing": "Chưa nộp bảng tự chấm",
    "annual_unusable": "Bảng tự chấm không dùng được",
    "monthly_missing": "Thiếu báo cáo tháng",
}


def rule_label(rule: str, severity: Severity) -> str:
    """The Vietnamese name of ``rule``; a rule not named yet reads as a plain error or warning, never as a code."""
    return RULE_LABELS.get(rule) or ("Lỗi khác" if severity is Severity.ERROR else "Cảnh báo khác")
