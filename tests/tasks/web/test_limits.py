"""Limits on request bodies: an upload too large or too slow is refused in Vietnamese before the check runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tasks.web.limits import BodyLimits

ClientFactory = Callable[..., TestClient]


def test_an_upload_over_the_limit_is_refused_from_its_declared_length(make_client: ClientFactory) -> None:
    """A body declaring more than the limit gets 413 and a Vietnamese sentence before any of it is read."""
    client = make_client(max_upload_bytes=1024 * 1024)
    answer = client.post("/api/check", files={"file": ("to.xlsx", b"\0" * (1024 * 1024 + 10))})
    assert answer.status_code == 413
    assert "lớn hơn giới hạn 1 MB" in answer.json()["message"]
    page = client.post("/", files={"file": ("to.xlsx", b"\0" * (1024 * 1024 + 10))})
    assert page.status_code == 413 and "lớn hơn giới hạn" in page.text


def _run(app: Any, chunks: list[bytes | None], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes, int]:
    """Drive an ASGI app with a body sent in ``chunks`` (None: the client stalls); returns status, body, chunks read."""
    sent: list[dict[str, Any]] = []
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= len(chunks) or chunks[read] is None:
            await asyncio.sleep(3600)
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/check", "headers": headers}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    (status,) = [m["status"] for m in sent if m["type"] == "http.response.start"]  # one answer, never two
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"), read


async def _reads_everything(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"read"})


def test_an_undeclared_body_is_cut_off_once_it_passes_the_limit() -> None:
    """Without a Content-Length the body is counted as it comes and refused at the first chunk over the limit."""
    limited = BodyLimits(_reads_everything, max_bytes=1000, idle_seconds=5, total_seconds=5)
    status, body, read = _run(limited, [b"x" * 600, b"x" * 600, b"x" * 600, b"x" * 600], [])
    assert status == 413 and "giới hạn".encode() in body
    assert read == 2


def test_a_stalled_upload_is_cut_off_instead_of_holding_the_server() -> None:
    """A client that stops sending in the middle of its body gets 408 after the idle limit, not a hung worker."""
    limited = BodyLimits(_reads_everything, max_bytes=10_000, idle_seconds=0.2, total_seconds=5)
    status, body, _ = _run(limited, [b"x" * 100, None], [(b"content-length", b"5000")])
    assert status == 408 and "quá chậm".encode() in body


def test_a_body_within_the_limits_goes_through() -> None:
    """A normal body reaches the application untouched."""
    limited = BodyLimits(_reads_everything, max_bytes=10_000, idle_seconds=1, total_seconds=5)
    assert _run(limited, [b"x" * 100, b"y" * 100], [(b"content-length", b"200")])[:2] == (200, b"read")


def _page_at(path: str) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": path, "headers": [(b"content-length", b"5000")]}


def _answer(app: Any, scope: dict[str, Any]) -> tuple[int, dict[bytes, bytes], bytes]:
    """Status, headers and body of ``app`` answering ``scope`` with a body that never arrives."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_the_refusal_is_a_vietnamese_page_for_a_browser_and_json_for_the_api() -> None:
    """A browser gets a short page in Vietnamese with a way back; a program gets the same sentence as JSON."""
    limited = BodyLimits(_reads_everything, max_bytes=2 * 1024 * 1024, idle_seconds=5, total_seconds=5)
    big = [(b"content-length", str(3 * 1024 * 1024).encode())]
    status, headers, body = _answer(limited, {**_page_at("/"), "headers": big})
    assert status == 413 and headers[b"content-type"] == b"text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert (
        '<html lang="vi">' in page
        and "lớn hơn giới hạn 2 MB" in page
        and '<a href="/">Về trang kiểm tra hồ sơ</a>' in page
    )
    status, headers, body = _answer(limited, {**_page_at("/api/check"), "headers": big})
    assert status == 413 and headers[b"content-type"] == b"application/json"
    assert body.decode("utf-8").startswith('{"status": "refused", "message": "Tệp tải lên lớn hơn giới hạn 2 MB')


def test_too_large_and_too_slow_are_the_sites_own_message_page(make_client: ClientFactory) -> None:
    """413 and 408 look like every other page of the site: its header, a Vietnamese title, the sentence, a way back."""
    not_found = make_client().get("/khong-co").text
    site_header = not_found[not_found.index("<header>") : not_found.index("</header>")]
    limited = BodyLimits(_reads_everything, max_bytes=1024 * 1024, idle_seconds=5, total_seconds=0)
    big = [(b"content-length", str(2 * 1024 * 1024).encode())]
    for scope, status, title in (
        (_page_at("/"), 408, "Tải tệp lên bị dừng"),
        ({**_page_at("/"), "headers": big}, 413, "Tệp quá lớn"),
    ):
        answer = _answer(limited, scope)
        page = answer[2].decode("utf-8")
        assert answer[0] == status and site_header in page and f"<h1>{title}</h1>" in page
        assert '<p class="problem">' in page and "<style>" in page


def test_an_upload_that_drags_past_the_total_time_is_cut_off() -> None:
    """A body still unfinished when the total time is spent gets 408, though the idle limit has not passed."""
    limited = BodyLimits(_reads_everything, max_bytes=10**9, idle_seconds=5, total_seconds=0)
    status, _headers, body = _answer(limited, _page_at("/"))
    assert status == 408 and "quá chậm" in body.decode("utf-8")


def test_reading_pages_is_never_limited(make_client: ClientFactory) -> None:
    """GET requests pass straight through, even with a limit so small no upload could pass it."""
    client = make_client(max_upload_bytes=1)
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


async def _answers_then_reads(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.body", "body": b"read"})


def test_an_answer_already_begun_is_not_followed_by_a_second_one() -> None:
    """When the application has started answering, a body passing the limit is cut off without a second status."""
    limited = BodyLimits(_answers_then_reads, max_bytes=1000, idle_seconds=5, total_seconds=5)
    status, body, read = _run(limited, [b"x" * 600, b"x" * 600, b"x" * 600], [])
    assert status == 200 and body == b"" and read == 2
