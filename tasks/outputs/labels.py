"""Vietnamese words for the domain's codes, shared by every output a person reads (workbooks, documents, UI)."""

from __future__ import annotations

from tasks.domain import Nomination, WardStatus

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
