"""The optional password of ``/runs``: stored hashed (scrypt) in a config file kept outside the repository.

The file is YAML with one key, ``runs_password``, whose value ``thidua web --hash-password`` prints:
``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``. The password itself is never written anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from tasks.config.node import ConfigError, read_yaml

_N, _R, _P = 2**14, 8, 1
_KEY = "runs_password"


class AccessConfigError(ValueError):
    """The password file is missing, unreadable or not in the expected shape."""


def hash_password(password: str) -> str:
    """The stored form of ``password``: scrypt with a random 16-byte salt."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        made = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(made.hex(), digest)


def load_password_hash(path: Path) -> str:
    """The stored hash from the config file at ``path``; AccessConfigError says what is wrong with it."""
    try:
        data = read_yaml(path)  # the configuration's strict reader: its errors are Vietnamese, with the line
    except ConfigError as exc:
        raise AccessConfigError(f"Không dùng được tệp mật khẩu {exc.where}: {exc.problem}.") from exc
    stored = data.get(_KEY) if isinstance(data, dict) else None
    if not isinstance(stored, str) or stored.count("$") != 5 or not stored.startswith("scrypt$"):
        raise AccessConfigError(
            f"Tệp mật khẩu {path} cần khóa '{_KEY}' với giá trị do lệnh 'thidua web --hash-password' tạo ra."
        )
    return stored


def basic_password(header: str | None) -> str | None:
    """The password of an HTTP Basic ``Authorization`` header (the user name is not used)."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]
