"""Which failed task runs Prefect tries again: only those whose error may pass on its own.

Reading the inputs and writing the run folder touch shared storage, where a busy or briefly unreachable share
is worth a second try a few seconds later. A full disk, a folder without write permission, a broken
configuration or a bug fail the same way every time; retrying them only left one more ``.incomplete`` folder
per attempt and delayed the message.
"""

from __future__ import annotations

from typing import Any

from prefect.cache_policies import NO_CACHE

from tasks.outputs.run_folder import TRANSIENT_ERRNOS

RETRY_DELAYS: list[float] = [1, 5]  # seconds before the second and third attempts


def may_pass(exc: BaseException) -> bool:
    """Whether ``exc`` is an error that trying again later may not meet."""
    return isinstance(exc, TimeoutError) or (isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS)


def worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's ``retry_condition_fn``: retry a failed run only when its exception may pass."""
    try:
        state.result()
    except Exception as exc:  # the task's own exception, raised again by the state
        return may_pass(exc)
    return False


# The options of every task that reads or writes shared storage: tried up to twice more when its error may pass,
# its result never cached.
ON_STORAGE: dict[str, Any] = {
    "retries": 2,
    "retry_delay_seconds": RETRY_DELAYS,
    "retry_condition_fn": worth_retrying,
    "cache_policy": NO_CACHE,
}
