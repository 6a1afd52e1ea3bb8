"""Fixtures shared by the stage tests of more than one package (pytest finds them; nothing imports this file)."""

from __future__ import annotations

import pytest

from tasks.domain import Submission
from tests.support.checked import checked
from tests.support.sample import SAMPLE
from tests.support.validators import ScriptedValidator


@pytest.fixture(scope="module")
def december() -> dict[str, Submission]:
    """The sample's ten December reports, read and checked (findings are not the subject here), by ward: the
    monthly standing's scoring and its writer both start from them."""
    _, subs = checked(SAMPLE.parent, ScriptedValidator(), month="2025-12")
    return {s.ward_code: s for s in subs if s.ward_code is not None}
