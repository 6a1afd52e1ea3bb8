"""Twenty wards uploading at the same moment to a real server on loopback all get their own, right answer."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tasks.web.app import WebSettings, create_app
from tasks.web.upload_check import UploadChecker
from tests.support.office_files import SAMPLE
from tests.support.web_server import serving

EditFn = Callable[[Path, str, str, str, object], str]


@pytest.mark.slow  # a real server and twenty validations at once: `make test` only
def test_twenty_uploads_at_once_are_all_answered_correctly(
    checker: UploadChecker, tmp_path: Path, edit_row: EditFn
) -> None:
    """Ten wards' good files and ten broken copies, sent together: each answer names its own ward and verdict."""
    good = sorted((SAMPLE / "annual").glob("*.xlsx"))
    broken = []
    for path in good:
        copy = tmp_path / path.name
        shutil.copyfile(path, copy)
        try:
            edit_row(copy, "Tự chấm điểm", "1.1", "Điểm tự chấm", "tốt")
        except (StopIteration, LookupError):  # a sample whose sheet or header is spelled another way (§3.4)
            continue
        broken.append(copy)
    assert len(broken) >= 3
    uploads = [(p, "accepted") for p in good] + [(broken[k % len(broken)], "rejected") for k in range(10)]
    settings = WebSettings(inputs=SAMPLE.parent, outputs=tmp_path / "outputs", year=2025)

    def send(base: str, path: Path) -> dict[str, object]:
        with httpx.Client(timeout=120) as client:
            answer = client.post(f"{base}/api/check", files={"file": (path.name, path.read_bytes())})
            answer.raise_for_status()
            return dict(answer.json())

    with serving(create_app(settings, checker, warm=False)) as base, ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda item: send(base, item[0]), uploads))
    for (path, status), answer in zip(uploads, answers, strict=True):
        assert answer["status"] == status, path.name
        assert answer["file"] == path.name
        ward = path.stem.rsplit("-", 1)[-1].upper()
        assert answer["ward_code"] == ward, (path.name, answer["ward_code"])
