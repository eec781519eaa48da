"""The `bureau` fixture as the small bureau (plandesk.testing.bureau.SmallBureau): for the workflow's tests and
the apps that drive its processes step by step.

    from plandesk.testing.small import bureau  # noqa: F401 (fixture)
"""

from __future__ import annotations

import pytest

from plandesk.testing.bureau import SmallBureau, small_bureau


@pytest.fixture
def bureau(db) -> SmallBureau:
    return small_bureau()
