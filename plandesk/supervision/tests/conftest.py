"""Supervision's tests work on the workflow's small bureau (units, posts, people, items)."""

from plandesk.testing.fixtures import fast_hasher  # noqa: F401 (fixture)
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
