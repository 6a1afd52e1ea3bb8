"""The review folder writer's housekeeping: the cycle collector is paused for the write and comes back."""

from __future__ import annotations

import gc

import pytest

from tasks.output_review import collector_off


def test_the_collector_is_back_after_the_write_even_when_it_fails() -> None:
    """Inside, the collector is off and the older objects frozen; after, both as they were."""
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError), collector_off():
        assert not gc.isenabled()
        assert gc.get_freeze_count() >= frozen
        raise RuntimeError("a write failed")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
