"""Python's cycle collector in a batch run: one policy, set where a process starts.

A run builds millions of objects that live until it ends (the imported libraries, a thousand wards' cells) and
holds few garbage cycles. With Python's default thresholds each full collection walks all of them again and
frees next to nothing: at a thousand wards that was seconds of every run. The policy below keeps collecting
young cycles but leaves the long-lived objects alone: a full collection needs a thousand collections of the
middle generation, each after fifty of the youngest, each after 100,000 new objects (5 × 10⁹ objects), which a
run never reaches. (With 50,000 and twenty, receiving a thousand wards' cells from the reading workers spent
about as long in the collector as in unpickling; see ``docs/performance.md``.) The command line sets it first
thing, each flow when it starts (a deployment's process has no command line), and every worker process of
``tasks.edge.pool``.
"""

from __future__ import annotations

import gc

THRESHOLDS = (100_000, 50, 1_000)


def configure_collector() -> None:
    """Set the run's collector policy for this process (idempotent)."""
    gc.set_threshold(*THRESHOLDS)
    gc.enable()
