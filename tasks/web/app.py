"""``thidua web``: the wards' check page, ``POST /api/check``, the auditors' ``/runs`` and ``/healthz``.

One FastAPI application. Great Expectations and the year's rules are loaded when the application is made,
and one check per kind is run on the year's own sample files, so the first ward gets a warm answer. Checks
run one at a time in a worker thread; the event loop stays free for the other pages.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from tasks.domain import Kind
from tasks.web.limits import BodyLimits
from tasks.web.pages import Pages, url_path
from tasks.web.runs_routes import add_runs_routes
from tasks.web.served import Served, WebSettings, served
from tasks.web.upload_check import CheckAnswer, UploadChecker

log = logging.getLogger(__name__)

KINDS = {k.value: k for k in (Kind.ANNUAL, Kind.MONTHLY, Kind.APPRAISAL)}
BROKEN = "Máy chủ gặp sự cố khi xử lý yêu cầu này. Hãy thử lại; nếu vẫn lỗi, báo cho văn phòng khối."
NO_FILE = "Chưa chọn tệp để kiểm tra. Hãy chọn tệp bảng tính Excel (.xlsx hoặc .xlsm) rồi bấm Kiểm tra."
BROKEN_UPLOAD = "Tệp tải lên không trọn vẹn (kết nối bị ngắt hoặc dữ liệu gửi sai). Hãy tải lại tệp."
NOT_FORM = (
    "Yêu cầu này không phải biểu mẫu tải tệp lên (multipart/form-data) nên không có tệp nào để kiểm tra. "
    "Hãy chọn tệp ở trang kiểm tra hồ sơ rồi bấm Kiểm tra; chương trình gọi /api/check cần gửi tệp trong trường file."
)
ONE_FILE = "Mỗi lần kiểm tra chỉ nhận một tệp, nhưng yêu cầu này gửi {count} tệp. Hãy gửi từng tệp một."
# Forms are read up to this many files, so that more than one is refused by name (the body limit bounds their size).
MAX_FILES = 100
# How Starlette says a form passed ``max_files`` (its only sign: the parser raises the same error for any fault).
TOO_MANY_FILES = "Too many files."
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class UploadProblem(Exception):
    """The request carries no usable file; the message says so in Vietnamese."""


def warm_samples(inputs: Path, year: int, bloc: str | None = None) -> list[tuple[Path, Kind]]:
    """One file of each kind from ``inputs/<year>/`` (with ``bloc``: ``inputs/<year>/<bloc>/``), only read, to
    build every suite before serving."""
    year_dir = inputs / str(year) / (bloc or "")
    found = []
    for kind, pattern in ((Kind.ANNUAL, "annual/*.xls[xm]"), (Kind.APPRAISAL, "appraisal/*.xls[xm]")):
        found += [(p, kind) for p in sorted(year_dir.glob(pattern))[:1]]
    found += [(p, Kind.MONTHLY) for p in sorted(year_dir.glob("monthly/*/*.xls[xm]"))[-1:]]
    return found


def create_app(settings: WebSettings, checker: UploadChecker | None = None, warm: bool = True) -> FastAPI:
    """The application; ``checker`` may be shared between applications (tests), else one is made here."""
    checker = checker or UploadChecker(settings.inputs, settings.year, bloc=settings.bloc)
    if warm:
        for path, kind in warm_samples(settings.inputs, settings.year, settings.bloc):
            checker.check(path.read_bytes(), path.name, kind, with_files=True)
    # redirect_slashes=False: Starlette's own redirect is an absolute URL built from the Host header
    app = FastAPI(title="thidua web", docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
    pages = Pages()
    app.state.served = Served(settings, checker, pages)
    app.add_exception_handler(Exception, broken)
    app.add_exception_handler(HTTPException, refused)  # an unknown address or method: said in Vietnamese
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/favicon.ico", favicon, methods=["GET"])
    app.add_api_route("/", check_page, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/", check_submit, methods=["POST"], response_class=HTMLResponse)
    app.add_api_route("/api/check", api_check, methods=["POST"])
    add_runs_routes(app)
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.max_upload_bytes,
        idle_seconds=settings.idle_seconds,
        total_seconds=settings.total_seconds,
        pages=pages,
    )
    return app


async def broken(request: Request, exc: Exception) -> Response:
    """Any failure: one Vietnamese sentence for the user, the traceback in the developers' log only."""
    log.exception("request %s %s failed", request.method, request.url.path)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"status": "error", "message": BROKEN}, status_code=500)
    page = served(request).pages.render("message.html", title="Có lỗi", message=BROKEN)
    return HTMLResponse(page, status_code=500)


HTTP_TEXT = {
    404: ("Không tìm thấy", "Không có trang này. Trang kiểm tra hồ sơ ở địa chỉ /, các lần chạy ở /runs."),
    405: ("Không nhận yêu cầu", "Trang này không nhận cách gửi yêu cầu này; hãy mở trang từ trình duyệt."),
}


async def refused(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such address, a method a page does not take), as a Vietnamese page."""
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    if code == 404 and (bare := _without_slash(request)) is not None:
        return RedirectResponse(bare, status_code=307)
    title, message = HTTP_TEXT.get(code, ("Không xử lý được", f"Máy chủ không xử lý được yêu cầu này (mã {code})."))
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"status": "error", "message": message}, status_code=code, headers=headers)
    page = served(request).pages.render("message.html", title=title, message=message)
    return HTMLResponse(page, status_code=code, headers=headers)


def _without_slash(request: Request) -> str | None:
    """For ``/runs/``: the relative address of the page without the trailing slash, when there is one."""
    path = request.url.path
    if request.method not in ("GET", "HEAD") or path == "/" or not path.endswith("/"):
        return None
    bare = "/" + path.strip("/")
    scope = {**request.scope, "path": bare}
    if not any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
        return None
    return url_path(bare) + (f"?{request.url.query}" if request.url.query else "")


async def healthz(request: Request) -> dict[str, str]:
    """For a process supervisor: the server answers, with the year it serves (and the bloc, with ``--bloc``)."""
    settings = served(request).settings
    answer = {"status": "ok", "year": str(settings.year)}
    return answer | ({"bloc": settings.bloc} if settings.bloc else {})


async def favicon() -> Response:
    """No icon (answered so served pages log no error)."""
    return Response(status_code=204)


async def check_page(request: Request) -> HTMLResponse:
    """The empty check page."""
    return HTMLResponse(_check_html(served(request), None, None))


async def check_submit(request: Request) -> HTMLResponse:
    """The check page with the answer for the uploaded file (a plain form post: no script needed)."""
    state = served(request)
    try:
        data, name, kind = await _read_upload(request)
    except UploadProblem as problem:
        return HTMLResponse(_check_html(state, None, str(problem)), status_code=400)
    answer = await run_in_threadpool(state.checker.check, data, name, kind, with_files=True)
    return HTMLResponse(_check_html(state, answer, None, kind))


async def api_check(request: Request) -> JSONResponse:
    """``POST /api/check``: the answer as JSON, issues shaped as in ``validation/summary.json``."""
    state = served(request)
    try:
        data, name, kind = await _read_upload(request)
    except UploadProblem as problem:
        return JSONResponse({"status": "refused", "message": str(problem)}, status_code=400)
    answer = await run_in_threadpool(state.checker.check, data, name, kind, with_files=False)
    return JSONResponse(answer.as_json())


def _check_html(state: Served, answer: CheckAnswer | None, problem: str | None, chosen: Kind | None = None) -> str:
    settings = state.settings
    return state.pages.render(
        "check.html",
        answer=answer,
        chosen=chosen.value if chosen else "",
        problem=problem,
        year=settings.year,
        bloc=state.checker.config.bloc,
        kinds=list(KINDS),
        limit_mb=settings.max_upload_bytes // (1024 * 1024),
        no_file=NO_FILE,  # the browser's own "select a file" bubble, said in Vietnamese (the form's script sets it)
    )


async def _read_upload(request: Request) -> tuple[bytes, str | None, Kind | None]:
    """The uploaded file's bytes and sent name, and the kind chosen (None: recognise it from the file).

    One file a check: the page's form sends one, and each file has its own verdict and downloads.
    """
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media not in FORM_TYPES:
        raise UploadProblem(NOT_FORM)
    try:
        async with request.form(max_files=MAX_FILES, max_fields=4) as form:
            files = [value for _key, value in form.multi_items() if isinstance(value, UploadFile)]
            upload, chosen = form.get("file"), form.get("kind")
            if len(files) > 1:
                raise UploadProblem(ONE_FILE.format(count=len(files)))
            if isinstance(upload, str):  # the file's name sent as text: a form without enctype="multipart/form-data"
                raise UploadProblem(NOT_FORM)
            if not isinstance(upload, UploadFile):
                raise UploadProblem(NO_FILE)
            data = await upload.read()
            name = upload.filename
    except HTTPException as exc:  # Starlette's answer to a malformed or oversized multipart body
        if str(exc.detail).startswith(TOO_MANY_FILES):  # more than MAX_FILES: still a post of several files
            raise UploadProblem(ONE_FILE.format(count=f"hơn {MAX_FILES}")) from exc
        raise UploadProblem(BROKEN_UPLOAD) from exc
    except ClientDisconnect:  # the browser left mid-upload: nobody reads the answer, nothing to report
        log.info("client left during the upload of %s", request.url.path)
        raise UploadProblem(BROKEN_UPLOAD) from None
    if not data and not name:  # the form was sent with no file chosen
        raise UploadProblem(NO_FILE)
    return data, name, KINDS.get(chosen) if isinstance(chosen, str) else None
