"""Untrusted uploads: the intake's hostile corpus through ``/api/check``, oversized, slow and broken bodies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tasks.web.limits import BodyLimits
from tests.support.hostile_files import lying_zip_bomb, ole_container, xxe, zip_bomb

ClientFactory = Callable[..., TestClient]


def _hostile(folder: Path) -> dict[str, tuple[str, bytes, str]]:
    """name → (file name sent, bytes, the rule the review rejects it with)."""
    secret = folder / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    return {
        "zip bomb": ("bom-nen.xlsx", zip_bomb(folder / "a.xlsx").read_bytes(), "too_large"),
        "lying zip bomb": ("bom-nen-2.xlsx", lying_zip_bomb(folder / "b.xlsx").read_bytes(), "too_large"),
        "external entity": ("xxe.xlsx", xxe(folder / "c.xlsx", secret).read_bytes(), "xml_entities"),
        "old xls": ("bang-cu.xls", ole_container({"Workbook": b"\x09\x08" * 3000}), "old_xls"),
        "encrypted": (
            "mat-khau.xlsx",
            ole_container({"EncryptionInfo": b"\x04" * 256, "EncryptedPackage": b"\x9a" * 70_000}),
            "encrypted",
        ),
        "empty": ("rong.xlsx", b"", "empty_file"),
        "text": ("ghi-chu.txt", "Báo cáo gửi sau.".encode(), "not_a_workbook"),
    }


def test_the_hostile_corpus_is_rejected_with_the_reviews_reason(make_client: ClientFactory, tmp_path: Path) -> None:
    """Every hostile file comes back rejected with the rule the review gives it, and no secret leaks out."""
    client = make_client()
    for label, (name, data, rule) in _hostile(tmp_path).items():
        answer = client.post("/api/check", files={"file": (name, data)})
        assert answer.status_code == 200, label
        body = answer.json()
        assert body["status"] == "rejected", label
        assert rule in [i["rule"] for i in body["issues"]], (label, body["issues"])
        assert "TOP-SECRET-42" not in answer.text, label


def test_the_hostile_corpus_on_the_page_gives_a_plain_answer(make_client: ClientFactory, tmp_path: Path) -> None:
    """The page answers each hostile file with its verdict in Vietnamese, never a traceback."""
    client = make_client()
    for label, (name, data, _rule) in _hostile(tmp_path).items():
        page = client.post("/", files={"file": (name, data)})
        assert page.status_code == 200 and "KHÔNG ĐẠT" in page.text, label
        assert "Traceback" not in page.text and "TOP-SECRET-42" not in page.text, label


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
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
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


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK',
        b"not multipart at all",
    ],
)
def test_a_broken_multipart_body_gets_a_plain_answer(make_client: ClientFactory, body: bytes) -> None:
    """A truncated or malformed form answers 400 with a sentence, not a server error."""
    answer = make_client().post("/api/check", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 400
    assert answer.json()["status"] == "refused"
