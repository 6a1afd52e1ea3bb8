"""``thidua web``: the wards' check page, ``POST /api/check``, the auditors' ``/runs`` and ``/healthz``.

One FastAPI application. Great Expectations and the year's rules are loaded when the application is made,
and one check per kind is run on the year's own sample files, so the first ward gets a warm answer. Checks
run one at a time in a worker thread; the event loop stays free for the other pages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from tasks.domain import Kind
from tasks.web.limits import BodyLimits
from tasks.web.pages import Pages
from tasks.web.runs_routes import add_runs_routes
from tasks.web.upload_check import CheckAnswer, UploadChecker

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KINDS = {k.value: k for k in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL)}
BROKEN = "Máy chủ gặp sự cố khi xử lý yêu cầu này. Hãy thử lại; nếu vẫn lỗi, báo cho văn phòng khối."
NO_FILE = "Chưa chọn tệp để kiểm tra. Hãy chọn tệp bảng tính Excel (.xlsx hoặc .xlsm) rồi bấm Kiểm tra."
BROKEN_UPLOAD = "Tệp tải lên không trọn vẹn (kết nối bị ngắt hoặc dữ liệu gửi sai). Hãy tải lại tệp."


class UploadProblem(Exception):
    """The request carries no usable file; the message says so in Vietnamese."""


@dataclass(frozen=True)
class WebSettings:
    """What ``thidua web`` serves: the year's rules from ``inputs``, the runs under ``outputs``."""

    inputs: Path
    outputs: Path
    year: int
    runs_password_hash: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    idle_seconds: float = 15.0
    total_seconds: float = 120.0


def warm_samples(inputs: Path, year: int) -> list[tuple[Path, Kind]]:
    """One file of each kind from ``inputs/<year>/`` (only read), to build every suite before serving."""
    year_dir = inputs / str(year)
    found = []
    for kind, pattern in ((Kind.ANNUAL, "annual/*.xls[xm]"), (Kind.APPRAISAL, "appraisal/*.xls[xm]")):
        found += [(p, kind) for p in sorted(year_dir.glob(pattern))[:1]]
    found += [(p, Kind.MONTHLY) for p in sorted(year_dir.glob("monthly/*/*.xls[xm]"))[-1:]]
    return found


def create_app(settings: WebSettings, checker: UploadChecker | None = None, warm: bool = True) -> FastAPI:
    """The application; ``checker`` may be shared between applications (tests), else one is made here."""
    checker = checker or UploadChecker(settings.inputs, settings.year)
    if warm:
        for path, kind in warm_samples(settings.inputs, settings.year):
            checker.check(path.read_bytes(), path.name, kind, with_files=True)
    pages = Pages()
    app = FastAPI(title="thidua web", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.checker = checker
    app.state.pages = pages

    @app.exception_handler(Exception)
    async def broken(request: Request, exc: Exception) -> Response:
        log.exception("request %s %s failed", request.method, request.url.path)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"status": "error", "message": BROKEN}, status_code=500)
        return HTMLResponse(pages.render("message.html", title="Có lỗi", message=BROKEN), status_code=500)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "year": str(settings.year)}

    @app.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse)
    async def check_page() -> HTMLResponse:
        return HTMLResponse(_check_html(pages, settings, None, None))

    @app.post("/", response_class=HTMLResponse)
    async def check_submit(request: Request) -> HTMLResponse:
        try:
            data, name, kind = await _read_upload(request)
        except UploadProblem as problem:
            return HTMLResponse(_check_html(pages, settings, None, str(problem)), status_code=400)
        answer = await run_in_threadpool(checker.check, data, name, kind, with_files=True)
        return HTMLResponse(_check_html(pages, settings, answer, None, kind))

    @app.post("/api/check")
    async def api_check(request: Request) -> JSONResponse:
        try:
            data, name, kind = await _read_upload(request)
        except UploadProblem as problem:
            return JSONResponse({"status": "refused", "message": str(problem)}, status_code=400)
        answer = await run_in_threadpool(checker.check, data, name, kind, with_files=False)
        return JSONResponse(answer.as_json())

    add_runs_routes(app, settings, pages)
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.max_upload_bytes,
        idle_seconds=settings.idle_seconds,
        total_seconds=settings.total_seconds,
    )
    return app


def _check_html(
    pages: Pages, settings: WebSettings, answer: CheckAnswer | None, problem: str | None, chosen: Kind | None = None
) -> str:
    return pages.render(
        "check.html",
        answer=answer,
        chosen=chosen.value if chosen else "",
        problem=problem,
        year=settings.year,
        kinds=list(KINDS),
        limit_mb=settings.max_upload_bytes // (1024 * 1024),
    )


async def _read_upload(request: Request) -> tuple[bytes, str | None, Kind | None]:
    """The uploaded file's bytes and sent name, and the kind chosen (None: recognise it from the file)."""
    try:
        async with request.form(max_files=1, max_fields=4) as form:
            upload, chosen = form.get("file"), form.get("kind")
            if not isinstance(upload, UploadFile):
                raise UploadProblem(NO_FILE)
            data = await upload.read()
            name = upload.filename
    except HTTPException as exc:  # Starlette's answer to a malformed or oversized multipart body
        raise UploadProblem(BROKEN_UPLOAD) from exc
    if not data and not name:  # the form was sent with no file chosen
        raise UploadProblem(NO_FILE)
    return data, name, KINDS.get(chosen) if isinstance(chosen, str) else None
