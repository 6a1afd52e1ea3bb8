"""standing.xlsx (the monthly indicator standing) as a person opens it: headers, values, print setup, bytes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tasks.outputs.xlsx.standing import write_standing_xlsx
from tests.support.workbooks import BLOC, CATALOGUE, MOMENT, reopen, row_values

D = Decimal


def standing_rows() -> list[Mapping[str, object]]:
    """Sa Pa reported (97,5 % and 64 businesses), Lào Cai (a name that looks like a mention) did not."""
    return [
        {
            "ward_code": "SAPA",
            "ward_name": "Sa Pa",
            "status": "accepted",
            "issues": 1,
            "CT01_ytd": D("97.5"),
            "CT01_score": D("19.50"),
            "CT03_ytd": D(64),
            "CT03_score": None,
        },
        {
            "ward_code": "LAOCAI",
            "ward_name": "@Lào Cai",
            "status": "missing",
            "issues": 0,
            "CT01_ytd": None,
            "CT01_score": None,
            "CT03_ytd": None,
            "CT03_score": None,
        },
    ]


class TestStandingXlsx:
    def test_headers_and_values(self) -> None:
        """It names the year-to-date and provisional-score columns by indicator and criterion code."""
        data = write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT)
        ws = reopen(data).active
        assert ws["A1"].value == "BẢNG THEO DÕI KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA THÁNG 12/2025"
        assert row_values(ws, 4) == [
            "Mã đơn vị",
            "Đơn vị",
            "Trạng thái báo cáo",
            "Số lỗi, cảnh báo",
            "Lũy kế CT01",
            "Điểm tạm tính 2.1",
            "Lũy kế CT03",
            "Điểm tạm tính CT03",
        ]
        assert row_values(ws, 5) == ["SAPA", "Sa Pa", "Được chấp nhận", 1, 97.5, 19.5, 64, None]
        assert ws["E5"].number_format == "0.00"
        assert ws["G5"].number_format == "0"  # people: never a thousands separator
        assert row_values(ws, 6) == ["LAOCAI", "@Lào Cai", "Chưa nộp", 0, None, None, None, None]
        assert ws["B6"].quotePrefix and ws["B6"].data_type == "s"  # text, never a formula

    def test_print_ready_and_stable(self) -> None:
        """It prints A4 landscape one page wide and gives identical bytes for identical inputs."""
        data = write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT)
        assert write_standing_xlsx(BLOC, CATALOGUE, "2025-12", standing_rows(), MOMENT) == data
        ws = reopen(data).active
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$4:$4"
        assert ws["E5"].font.name == "Times New Roman"
