"""Close the event stream a Prefect flow leaves open in the test process (test helper, no tests here).

A flow run sends its events to Prefect's server over a websocket that stays open for the life of the process,
in Prefect's own loop thread. Its keep-alive pings draw their payload from the global ``random`` module
(``websockets`` does), about every 20 s: a ping that lands while Hypothesis draws a later test's example changes
the global random state under it, and Hypothesis reports that as a strategy using ``random``
(``HypothesisDeprecationWarning: Do not use the random module inside strategies``), though no strategy does.
"""

from __future__ import annotations

import sys

# How long to wait for the events still queued to be sent before the stream is closed.
DRAIN_SECONDS = 30


def close_event_stream() -> None:
    """Send the events still queued and close the stream, if a flow of this process opened one.

    The next flow opens a new stream, as a new process would.
    """
    if "prefect.events.worker" not in sys.modules:  # no flow ran here: nothing to close, nothing to import
        return
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=DRAIN_SECONDS, at_exit=False)
