"""Prefect retries only what may pass."""

from __future__ import annotations

import errno

import pytest

from flows.retries import may_pass
from tasks.config.load import ConfigError
from tasks.outputs.run_folder import OutputFault


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (OSError(errno.ETIMEDOUT, "share timed out"), True),
        (OSError(errno.EAGAIN, "busy"), True),
        (TimeoutError(), True),
        (OSError(errno.ENOSPC, "full"), False),
        (PermissionError(errno.EACCES, "denied"), False),
        (OutputFault("Ổ đĩa đã đầy"), False),
        (ConfigError("bloc.yaml", "bloc", "missing"), False),
        (ValueError("bug"), False),
    ],
)
def test_only_errors_that_may_pass_are_retried(exc: BaseException, retried: bool) -> None:
    """A full disk, a refused write, a broken configuration or a bug fail the same way every time."""
    assert may_pass(exc) is retried
