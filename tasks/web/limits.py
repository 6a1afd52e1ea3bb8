"""Limits on request bodies, in front of the application: size and time.

A body larger than the limit is refused from its ``Content-Length`` before anything is read, or as soon as the
bytes received pass the limit when the length is not declared; a body that stalls (no bytes for
``idle_seconds``) or drags (longer than ``total_seconds``) is cut off, so a slow or broken upload cannot hold
a worker of the server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from tasks.web.pages import Pages

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = (
    "Tệp tải lên lớn hơn giới hạn {limit} MB nên không được kiểm tra. "
    "Hãy gửi tệp bảng tính gốc, không kèm ảnh hay tệp khác."
)
TOO_SLOW = "Việc tải tệp lên quá chậm hoặc bị gián đoạn nên đã dừng. Hãy kiểm tra kết nối mạng rồi tải lại."
TITLES = {413: "Tệp quá lớn", 408: "Tải tệp lên bị dừng"}


class _BodyRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BodyLimits:
    """ASGI middleware refusing request bodies over ``max_bytes`` (413) or slower than allowed (408)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, idle_seconds: float, total_seconds: float, pages: Pages | None = None
    ) -> None:
        self.app = app
        self.pages = pages or Pages()
        self.max_bytes = max_bytes
        self.idle_seconds = idle_seconds
        self.total_seconds = total_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_large = _BodyRefused(413, TOO_LARGE.format(limit=self.max_bytes // (1024 * 1024)))
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send, too_large)
            return
        started = False

        async def watch_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._limited(receive, too_large), watch_send)
        except _BodyRefused as refused:
            if not started:
                await self._refuse(scope, send, refused)

    async def _refuse(self, scope: Scope, send: Send, refused: _BodyRefused) -> None:
        """A short answer in the form the caller reads: JSON for the API, the site's message page otherwise."""
        if scope["path"].startswith("/api/"):
            body = json.dumps({"status": "refused", "message": refused.message}, ensure_ascii=False).encode()
            media = b"application/json"
        else:
            page = self.pages.render("message.html", title=TITLES[refused.status], message=refused.message)
            body, media = page.encode(), b"text/html; charset=utf-8"
        headers = [(b"content-type", media), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": refused.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _limited(self, receive: Receive, too_large: _BodyRefused) -> Receive:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_seconds
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            wait = min(self.idle_seconds, deadline - loop.time())
            try:
                if wait <= 0:
                    raise TimeoutError
                message = await asyncio.wait_for(receive(), wait)
            except TimeoutError:
                raise _BodyRefused(408, TOO_SLOW) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        return limited_receive
