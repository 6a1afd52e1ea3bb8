"""Vietnamese words for the domain's codes, shared by every output a person reads (workbooks, documents, UI)."""

from __future__ import annotations

from tasks.domain import Kind, Nomination, Severity, Status, WardStatus

NOMINATION_TEXT: dict[Nomination, str] = {
    Nomination.FLAG: "Cờ thi đua",
    Nomination.FLAG_PROPOSED: "Đề nghị tặng Cờ thi đua",
    Nomination.FLAG_CANDIDATE: "Ứng viên Cờ thi đua",
    Nomination.MERIT: "Bằng khen",
}
WARD_STATUS_TEXT: dict[WardStatus, str] = {
    WardStatus.SCORED: "Đã chấm điểm",
    WardStatus.REJECTED: "Bị từ chối",
    WardStatus.MISSING: "Chưa nộp",
}
KIND_TEXT: dict[Kind, str] = {
    Kind.ANNUAL: "Bảng tự chấm điểm thi đua năm",
    Kind.APPRAISAL: "Kết quả thẩm định (chấm chéo)",
    Kind.MONTHLY: "Báo cáo kết quả thực hiện chỉ tiêu tháng",
    Kind.UNKNOWN: "Không xác định",
}
STATUS_TEXT: dict[Status, str] = {  # a submission's status
    Status.ACCEPTED: "Được chấp nhận",
    Status.REJECTED: "Bị từ chối",
    Status.SUPERSEDED: "Bị thay thế bởi bản nộp sau",
}
SEVERITY_TEXT: dict[Severity, str] = {Severity.ERROR: "Lỗi", Severity.WARNING: "Cảnh báo"}
