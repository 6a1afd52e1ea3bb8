"""The /runs password: stored only as a scrypt hash in a YAML file, checked in constant time."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tasks.web.access import AccessConfigError, basic_password, hash_password, load_password_hash, password_matches


def test_the_stored_hash_accepts_the_password_and_nothing_else(tmp_path: Path) -> None:
    """The file holds no trace of the password; the right one matches, a near miss does not."""
    stored = hash_password("Mật khẩu 2025")
    config = tmp_path / "web.yaml"
    config.write_text(f"runs_password: '{stored}'\n", encoding="utf-8")
    assert "Mật khẩu" not in config.read_text(encoding="utf-8")
    loaded = load_password_hash(config)
    assert password_matches("Mật khẩu 2025", loaded)
    assert not password_matches("Mật khẩu 2026", loaded)
    assert hash_password("Mật khẩu 2025") != stored  # a fresh salt every time


@pytest.mark.parametrize(
    "text", ["runs_password: bi-mat\n", "other: 1\n", "- a list\n", "runs_password: [unclosed\n", "\xff"]
)
def test_a_password_file_in_the_wrong_shape_is_refused_with_a_reason(tmp_path: Path, text: str) -> None:
    """A plain-text password, a missing key or broken YAML stops the start with a Vietnamese sentence."""
    config = tmp_path / "web.yaml"
    config.write_bytes(text.encode("latin-1"))
    with pytest.raises(AccessConfigError, match=r"(?i)tệp mật khẩu"):
        load_password_hash(config)


def test_a_missing_password_file_is_refused(tmp_path: Path) -> None:
    """A password file that is not there stops the start instead of serving /runs open."""
    with pytest.raises(AccessConfigError):
        load_password_hash(tmp_path / "khong-co.yaml")


def test_a_password_file_error_is_vietnamese_naming_the_file_and_line(tmp_path: Path) -> None:
    """No English from the system or the YAML parser: the file, the line and the problem in Vietnamese."""
    missing = tmp_path / "khong-co.yaml"
    with pytest.raises(AccessConfigError) as caught:
        load_password_hash(missing)
    assert str(caught.value) == f"Không dùng được tệp mật khẩu {missing}: không tìm thấy tệp."
    broken = tmp_path / "web.yaml"
    broken.write_text('runs_password: "abc\n  x: [', encoding="utf-8")
    with pytest.raises(AccessConfigError) as caught:
        load_password_hash(broken)
    assert str(caught.value).startswith(f"Không dùng được tệp mật khẩu {broken}, dòng 2, cột 7: không phải YAML hợp lệ")
    assert "Errno" not in str(caught.value) and "scanning" not in str(caught.value)


def test_the_password_is_read_from_a_basic_header() -> None:
    """The user name is ignored; a header that is not Basic or not base64 gives no password."""
    header = "Basic " + base64.b64encode("kiểm tra:mật:khẩu".encode()).decode()
    assert basic_password(header) == "mật:khẩu"
    assert basic_password("Bearer abc") is None
    assert basic_password("Basic !!!") is None
    assert basic_password(None) is None
