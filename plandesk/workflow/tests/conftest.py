"""The workflow's tests use the small bureau (plandesk.testing.bureau): units, posts and their people, one item of
each shipped process."""

from __future__ import annotations

from plandesk.testing.bureau import ITEMS, POSTS, SCHEMA, UNITS, site  # noqa: F401
from plandesk.testing.bureau import SmallBureau as Bureau  # noqa: F401
from plandesk.testing.fixtures import fast_hasher  # noqa: F401 (fixture)
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
