"""Untrusted uploads: the intake's hostile corpus through ``/api/check`` and the check page, end to end.

Oversized and slow bodies are refused before the check (``test_limits.py``); a broken form is ``test_app.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

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
