"""``validation/index.html``: one page listing every submission of the run, for auditors and the secretariat.

Plain HTML with inline styles (opens offline): status, sha256, issue counts, links to the feedback files
and to the Great Expectations pages of the suite that checked the submission. A second table maps each row
that Data Docs show as failed (by its ``rid``, the index column GX reports) to its file, sheet and cell, so an
auditor can go from a red row in Data Docs to the ward's cell.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

from tasks.domain import Kind, Severity, Submission
from tasks.outputs.labels import SEVERITY_TEXT
from tasks.validation.rules import rule_label
from tasks.validation.suites import CRITICAL, FailedRow

SUITES = {
    Kind.ANNUAL: ("annual_scores", "annual_counts", "coverage"),
    Kind.MONTHLY: ("monthly_indicators", "coverage"),
    Kind.APPRAISAL: ("appraisal_rows",),
    Kind.UNKNOWN: (),
}
LINK_VN = {"feedback": "bảng phản hồi", "annotated": "bản đánh dấu"}
STATUS_VN = {"accepted": "Được chấp nhận", "rejected": "Bị từ chối", "superseded": "Bị thay thế"}
KIND_VN = {"annual": "Tự chấm điểm năm", "monthly": "Báo cáo tháng", "appraisal": "Thẩm định", "unknown": "Không rõ"}
_STYLE = """
body{font-family:"Times New Roman",serif;margin:24px;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top}
th{background:#e8eef7}
.accepted{color:#1a6b1a}.rejected{color:#b00020;font-weight:bold}.superseded{color:#8a6d00}
code{font-size:12px;word-break:break-all}
.critical{color:#b00020}.warning{color:#8a6d00}
tr:target{background:#fff3bf}
"""


def suite_pages(site_dir: Path) -> dict[str, str]:
    """suite name → path (relative to ``validation/``) of its validation result page in the Data Docs site."""
    pages: dict[str, str] = {}
    for page in sorted((site_dir / "validations").rglob("*.html")) if site_dir.is_dir() else []:
        suite = page.relative_to(site_dir / "validations").parts[0]
        pages.setdefault(suite, page.relative_to(site_dir.parent).as_posix())
    return pages


def _row(
    sub: Submission, names: Mapping[str, str], feedback: Mapping[str, dict[str, str]], pages: Mapping[str, str]
) -> str:
    errors = sum(i.severity is Severity.ERROR for i in sub.issues)
    warnings = len(sub.issues) - errors
    own = feedback.get(sub.file.rel, {})
    links = [f'<a href="{html.escape(p)}">{LINK_VN.get(name, name)}</a>' for name, p in own.items()]
    checks = [f'<a href="{html.escape(pages[s])}">{s}</a>' for s in SUITES[sub.kind] if s in pages]
    ward = names.get(sub.ward_code or "", "—")
    status = sub.status.value
    kind = "Thư mục con (không đọc)" if sub.file.is_folder else KIND_VN[sub.kind.value]
    return (
        f"<tr><td>{html.escape(sub.file.rel)}</td><td>{kind}</td><td>{html.escape(ward)}</td>"
        f'<td>{html.escape(sub.period or "")}</td><td class="{status}">{STATUS_VN[status]}</td>'
        f"<td>{errors}</td><td>{warnings}</td><td>{' '.join(links)}</td><td>{' '.join(checks)}</td>"
        f"<td><code>{sub.file.sha256}</code></td></tr>"
    )


def row_anchor(suite: str, rid: int) -> str:
    """The id of a failed row's line in the index: ``index.html#annual_scores-rid-3``."""
    return f"{suite}-rid-{rid}"


def _failed_row(row: FailedRow, pages: Mapping[str, str]) -> str:
    suite = html.escape(row.suite)
    link = f'<a href="{html.escape(pages[row.suite])}">{suite}</a>' if row.suite in pages else suite
    severity = Severity.ERROR if row.severity == CRITICAL else Severity.WARNING
    level = SEVERITY_TEXT[severity]
    return (
        f'<tr id="{html.escape(row_anchor(row.suite, row.rid))}"><td>{link}</td><td>{row.rid}</td>'
        f'<td class="{html.escape(row.severity)}">{level} ({html.escape(row.severity)})</td>'
        f"<td>{html.escape(rule_label(row.rule, severity))}</td><td><code>{html.escape(row.rule)}</code></td>"
        f"<td>{html.escape(row.file)}</td><td>{html.escape(row.sheet or '')}</td><td>{html.escape(row.cell or '')}</td>"
        "</tr>"
    )


def failed_rows_html(rows: Sequence[FailedRow], pages: Mapping[str, str]) -> str:
    """The table from a failed row of Data Docs (suite and ``rid``) to the file, sheet and cell it came from."""
    if not rows:
        return "<h2>Dòng không đạt trong Data Docs</h2><p>Không có dòng nào không đạt.</p>"
    head = (
        "<tr><th>Bộ kiểm tra (GX)</th><th>rid</th><th>Mức độ</th><th>Loại</th><th>Mã quy tắc</th><th>Tệp</th>"
        "<th>Trang tính</th><th>Ô</th></tr>"
    )
    ordered = sorted(rows, key=lambda r: (r.suite, r.rid, r.rule))
    body = "\n".join(_failed_row(r, pages) for r in ordered)
    return (
        "<h2>Dòng không đạt trong Data Docs</h2><p>Data Docs ghi mỗi dòng không đạt bằng cột <code>rid</code>; "
        "bảng này cho biết dòng đó thuộc tệp, trang tính và ô nào.</p>"
        f"<table>{head}\n{body}</table>"
    )


def landing_html(
    title: str,
    subs: Sequence[Submission],
    names: Mapping[str, str],
    feedback: Mapping[str, dict[str, str]],
    pages: Mapping[str, str],
    failed_rows: Sequence[FailedRow] = (),
) -> bytes:
    """The landing page as UTF-8 bytes: the submissions, then the failed rows of Data Docs mapped to cells."""
    head = (
        "<tr><th>Tệp</th><th>Loại</th><th>Đơn vị</th><th>Kỳ</th><th>Trạng thái</th><th>Lỗi</th>"
        "<th>Cảnh báo</th><th>Phản hồi</th><th>Kết quả kiểm tra (GX)</th><th>SHA-256</th></tr>"
    )
    rows = "\n".join(_row(s, names, feedback, pages) for s in subs)
    doc = (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        '<p>Tổng hợp toàn bộ hồ sơ của lần chạy. Chi tiết từng lỗi: <a href="summary.json">summary.json</a>; '
        'trang kiểm tra dữ liệu đầy đủ: <a href="data-docs/index.html">Data Docs</a> (trang của thư viện '
        "Great Expectations, bằng tiếng Việt; tên bộ quy tắc và tên cột giữ nguyên như trong tệp quy tắc "
        "<code>expectations/*.json</code>).</p>"
        f"<table>{head}\n{rows}</table>{failed_rows_html(failed_rows, pages)}</body></html>\n"
    )
    return doc.encode("utf-8")
