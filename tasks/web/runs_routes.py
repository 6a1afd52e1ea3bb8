"""The ``/runs`` pages: the list of runs, one run, its files and "verify now", all read-only.

Only GET routes exist here, so nothing on these pages can change or delete a file. With a password configured,
every ``/runs`` page asks for it (HTTP Basic, to be served behind HTTPS by a reverse proxy).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from tasks.outputs.verify import verify_run
from tasks.web.access import basic_password, password_matches
from tasks.web.pages import Pages
from tasks.web.runs import RunSummary, list_runs, read_table, resolve_inside, run_files

if TYPE_CHECKING:
    from tasks.web.app import WebSettings

NOT_FOUND = "Không tìm thấy lần chạy hay tệp này trong thư mục kết quả."
NEEDS_PASSWORD = "Trang các lần chạy cần mật khẩu. Hãy hỏi văn phòng khối."
# Files a browser shows in place; anything else is offered as a download.
INLINE = {".html", ".htm", ".css", ".js", ".png", ".svg", ".json", ".md", ".csv", ".txt", ".ico", ".woff", ".woff2"}
# The Data Docs and the validation index open offline: nothing they load may come from another host.
PAGE_POLICY = "default-src 'self' 'unsafe-inline' data:; connect-src 'none'; form-action 'none'; frame-ancestors 'self'"
VERIFY_TEXT = {
    "MISSING output": "Thiếu tệp kết quả",
    "CHANGED output": "Tệp kết quả đã bị thay đổi",
    "EXTRA output not in manifest": "Tệp không có trong manifest.json",
    "MISSING input": "Thiếu tệp đầu vào",
    "CHANGED input": "Tệp đầu vào đã bị thay đổi",
    "NOT CHECKED inputs": "Chưa kiểm tra được các tệp đầu vào",
    "MISSING manifest": "Thiếu manifest.json",
    "UNREADABLE manifest": "Không đọc được manifest.json",
}


def verify_text(line: str) -> str:
    """A line of ``verify_run`` in Vietnamese (its English prefix translated, the path kept)."""
    for prefix, text in VERIFY_TEXT.items():
        if line.startswith(prefix):
            return text + line[len(prefix) :]
    return line


def add_runs_routes(app: FastAPI, settings: WebSettings, pages: Pages) -> None:
    """Register the read-only ``/runs`` routes on ``app``."""
    outputs = settings.outputs

    def refused(request: Request) -> Response | None:
        if settings.runs_password_hash is None:
            return None
        given = basic_password(request.headers.get("authorization"))
        if given is not None and password_matches(given, settings.runs_password_hash):
            return None
        page = pages.render("message.html", title="Cần mật khẩu", message=NEEDS_PASSWORD)
        challenge = {"WWW-Authenticate": 'Basic realm="thidua-runs", charset="UTF-8"'}
        return HTMLResponse(page, status_code=401, headers=challenge)

    def find_run(rel: str) -> tuple[RunSummary, Path] | None:
        folder = resolve_inside(outputs, rel)
        if folder is None or not folder.is_dir():
            return None
        run = next((r for r in list_runs(outputs) if resolve_inside(outputs, r.rel) == folder), None)
        return (run, folder) if run else None

    def not_found() -> HTMLResponse:
        return HTMLResponse(pages.render("message.html", title="Không tìm thấy", message=NOT_FOUND), 404)

    @app.get("/runs", response_class=HTMLResponse)
    def runs_list(request: Request) -> Response:
        return refused(request) or HTMLResponse(pages.render("runs.html", runs=list_runs(outputs)))

    @app.get("/runs/view/{rel:path}", response_class=HTMLResponse)
    def run_page(request: Request, rel: str) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        if (found := find_run(rel)) is None:
            return not_found()
        run, folder = found
        table = "ranking.csv" if run.kind == "review" else "standing.csv"
        header, rows = read_table(folder / table)
        changes = folder / "changes.md"
        return HTMLResponse(
            pages.render(
                "run.html",
                run=run,
                table=table,
                header=header,
                rows=rows,
                files=run_files(folder),
                changes=changes.read_text(encoding="utf-8") if changes.is_file() else None,
            )
        )

    @app.get("/runs/verify/{rel:path}", response_class=HTMLResponse)
    def run_verify(request: Request, rel: str) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        if (found := find_run(rel)) is None:
            return not_found()
        run, folder = found
        problems = [verify_text(line) for line in verify_run(folder)]
        return HTMLResponse(pages.render("verify.html", run=run, problems=problems))

    @app.get("/runs/files/{rel:path}")
    def run_file(request: Request, rel: str) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        path = resolve_inside(outputs, rel)
        if path is None or not path.is_file():
            return not_found()
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        inline = path.suffix.lower() in INLINE
        headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": PAGE_POLICY}
        if media.startswith("text/") or media in ("application/json", "application/javascript"):
            media += "; charset=utf-8"
        disposition = "inline" if inline else "attachment"
        return FileResponse(
            path, media_type=media, headers=headers, filename=path.name, content_disposition_type=disposition
        )
