"""The two deployments of the project, declared apart from the flows.

``monthly`` runs on a schedule: the 5th of each month at 07:00 Vietnam time, for the previous month (the flow's
default period). ``annual-review`` has no schedule: the secretariat runs it by hand with a year. ``prefect.yaml``
declares the same two for a Prefect server with the ``thidua-pool`` process work pool; this module builds them
for ``thidua serve``, which runs both in the current process on this machine. A served run works in the folder
``thidua serve`` was started from, so the default ``inputs``/``outputs`` parameters are that folder's.
"""

from __future__ import annotations

from typing import cast

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

MONTHLY = "monthly"
ANNUAL_REVIEW = "annual-review"
MONTHLY_CRON = "0 7 5 * *"
TIMEZONE = "Asia/Ho_Chi_Minh"
WORK_POOL = "thidua-pool"
TAGS = ["thidua"]


def build_deployments() -> list[RunnerDeployment]:
    """The ``monthly`` (scheduled) and ``annual-review`` (manual) deployments, ready for ``prefect.serve``."""
    from flows.annual_review import annual_review
    from flows.monthly import monthly

    # to_deployment returns a coroutine only when called inside an event loop; these callers are synchronous.
    return [
        cast(
            RunnerDeployment,
            monthly.to_deployment(
                name=MONTHLY,
                # 07:00 on the 5th of every month, Vietnam time, whatever the time zone of the machine that serves it
                schedule=Cron(MONTHLY_CRON, timezone=TIMEZONE),
                description="Provisional monthly standing; with no period given it takes the previous month.",
                tags=TAGS,
            ),
        ),
        cast(
            RunnerDeployment,
            annual_review.to_deployment(
                name=ANNUAL_REVIEW,
                description="Annual review of a year (ranking, scores, minutes). Run by hand; the year is required.",
                tags=TAGS,
            ),
        ),
    ]


def serve_deployments() -> None:
    """Serve both deployments from this process until it is stopped (Ctrl+C pauses the schedule)."""
    serve(*build_deployments())
