"""How many examples a property test draws: all of them in ``make test`` (CI), fewer in ``make test-fast``.

``make test-fast`` loads the Hypothesis profile ``fast`` (``--hypothesis-profile=fast``), which the tests' root
conftest registers with :func:`register_fast_profile`. A test that sets its own count passes it through
:func:`examples`, since a count written in ``@settings`` outranks any profile.
"""

from __future__ import annotations

from hypothesis import settings

FAST = "fast"
FAST_EXAMPLES = 10  # enough to catch a broken strategy or a plain regression; CI draws the full count


def register_fast_profile() -> None:
    """Make ``--hypothesis-profile=fast`` known (before Hypothesis's pytest plugin loads the profile named)."""
    settings.register_profile(FAST, max_examples=FAST_EXAMPLES)


def examples(full: int) -> int:
    """``full`` examples, or at most ``FAST_EXAMPLES`` when the ``fast`` profile is loaded."""
    return min(full, FAST_EXAMPLES) if settings.get_current_profile_name() == FAST else full
