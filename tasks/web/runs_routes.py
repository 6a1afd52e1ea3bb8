"""The ``/runs`` pages: the list of runs, one run, its files and "verify now", all read-only.

Only GET routes exist here, so nothing on these pages can change or delete a file. With a password configured,
every ``/runs`` page asks for it (HTTP Basic, to be served behind HTTPS by a reverse proxy).
"""

from __future__ import annotations

import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from tasks.outputs.verify import Finding, finding_text, verify_run
from tasks.text import without_marks
from tasks.web.access import basic_password, password_matches
from tasks.web.runs import RunSummary, list_runs, read_json, read_table, resolve_inside, run_files
from tasks.web.served import served

log = logging.getLogger(__name__)

NOT_FOUND = "Không tìm thấy lần chạy hay tệp này trong thư mục kết quả."
NEEDS_PASSWORD = "Trang các lần chạy cần mật khẩu. Hãy hỏi văn phòng khối."
CHANGES_UNREADABLE = (
    "Không đọc được báo cáo thay đổi so với lần chạy trước (changes.md): tệp không phải văn bản UTF-8 hoặc đã "
    "hỏng. Các phần khác của lần chạy vẫn xem được trên trang này; hãy bấm “Kiểm tra tính toàn vẹn ngay” để biết tệp "
    "có bị sửa sau khi ghi không."
)
# Files a browser shows in place; anything else is offered as a download.
INLINE = {".html", ".htm", ".css", ".js", ".png", ".svg", ".json", ".md", ".csv", ".txt", ".ico", ".woff", ".woff2"}
# The Data Docs and the validation index open offline: nothing they load may come from another host.
PAGE_POLICY = "default-src 'self' 'unsafe-inline' data:; connect-src 'none'; form-action 'none'; frame-ancestors 'self'"


def add_runs_routes(app: FastAPI) -> None:
    """Register the read-only ``/runs`` routes on ``app`` (GET only)."""
    app.add_api_route("/runs", runs_list, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/runs/view/{rel:path}", run_page, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/runs/verify/{rel:path}", run_verify, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/runs/files/{rel:path}", run_file, methods=["GET"])


def _refused(request: Request) -> Response | None:
    """401 asking for the password when one is configured and the request does not carry it."""
    state = served(request)
    stored = state.settings.runs_password_hash
    if stored is None:
        return None
    given = basic_password(request.headers.get("authorization"))
    if given is not None and password_matches(given, stored):
        return None
    page = state.pages.render("message.html", title="Cần mật khẩu", message=NEEDS_PASSWORD)
    challenge = {"WWW-Authenticate": 'Basic realm="thidua-runs", charset="UTF-8"'}
    return HTMLResponse(page, status_code=401, headers=challenge)


def _not_found(request: Request) -> HTMLResponse:
    page = served(request).pages.render("message.html", title="Không tìm thấy", message=NOT_FOUND)
    return HTMLResponse(page, status_code=404)


def _listed_run(request: Request, rel: str) -> tuple[RunSummary, Path] | Response:
    """The listed run whose folder ``rel`` names (``latest`` included) and that folder, or the page answered
    instead: 401 without the password, 404 when no listed run has that folder."""
    if (answer := _refused(request)) is not None:
        return answer
    outputs = served(request).settings.outputs
    folder = resolve_inside(outputs, rel)
    if folder is None or not folder.is_dir():
        return _not_found(request)
    run = next((r for r in list_runs(outputs) if resolve_inside(outputs, r.rel) == folder), None)
    return (run, folder) if run else _not_found(request)


def runs_list(request: Request) -> Response:
    """Every run under the outputs folder."""
    state = served(request)
    return _refused(request) or HTMLResponse(state.pages.render("runs.html", runs=list_runs(state.settings.outputs)))


def run_page(request: Request, rel: str) -> Response:
    """One run: its facts, its ranking or standing, its change report and every file."""
    if isinstance(found := _listed_run(request, rel), Response):
        return found
    run, folder = found
    state = served(request)
    table = "ranking.csv" if run.kind == "review" else "standing.csv"
    header, rows = read_table(folder / table)
    changes, changes_note = _changes(folder / "changes.md")
    page = state.pages.render(
        "run.html",
        run=run,
        table=table,
        header=header,
        rows=rows,
        files=run_files(folder),
        changes=changes,
        changes_note=changes_note,
    )
    return HTMLResponse(page)


def _changes(path: Path) -> tuple[str | None, str | None]:
    """The run's change report and, when it cannot be read, the note shown in its place."""
    if not path.is_file():
        return None, None
    try:
        return path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None, CHANGES_UNREADABLE


def run_verify(request: Request, rel: str) -> Response:
    """ "Verify now": every hash of the run recomputed against its manifest."""
    if isinstance(found := _listed_run(request, rel), Response):
        return found
    run, folder = found
    state = served(request)
    problems = _findings(folder)
    return HTMLResponse(state.pages.render("verify.html", run=run, problems=problems))


def _findings(folder: Path) -> list[str]:
    """ "Verify now"'s findings, each file named inside the run or its inputs folder, never by a server path."""
    inputs_root = read_json(folder / "manifest.json").get("inputs_root")
    roots = [folder] + ([Path(inputs_root)] if isinstance(inputs_root, str) else [])
    shown = []
    for finding in verify_run(folder):
        where = next((finding.path.relative_to(r) for r in roots if finding.path.is_relative_to(r)), Path())
        path = Path(where.as_posix() if where.parts else finding.path.name)
        shown.append(finding_text(Finding(finding.problem, path)))
    return shown


def run_file(request: Request, rel: str) -> Response:
    """One file of the outputs folder, shown in place (pages, tables) or downloaded (documents, workbooks)."""
    if (answer := _refused(request)) is not None:
        return answer
    path = resolve_inside(served(request).settings.outputs, rel)
    if path is None or not path.is_file():
        return _not_found(request)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": PAGE_POLICY}
    if media.startswith("text/") or media in ("application/json", "application/javascript"):
        media += "; charset=utf-8"
    disposition = "inline" if path.suffix.lower() in INLINE else "attachment"
    headers["Content-Disposition"] = content_disposition(disposition, path.name)
    return FileResponse(path, media_type=media, headers=headers)


def content_disposition(disposition: str, name: str) -> str:
    """``Content-Disposition`` naming ``name`` as RFC 6266 says: UTF-8 in ``filename*`` (RFC 5987), and an
    ASCII ``filename`` for the clients that read only that one (``Biên bản.docx`` → ``Bien ban.docx``)."""
    fallback = re.sub(r"[^A-Za-z0-9 ._()+,-]", "_", without_marks(name))
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
