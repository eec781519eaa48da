"""The window's tests use the demo bureau and a valid application (plandesk.testing); the names stay importable
from here for the tests that still do."""

from __future__ import annotations

from plandesk.testing.applications import ID_NUMBER, LAND_USE_FORM, SITE, USCC, application  # noqa: F401
from plandesk.testing.fixtures import bureau, fast_hasher, window_files  # noqa: F401 (fixtures)
