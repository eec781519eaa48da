"""Supervision's tests work on the workflow's small bureau (units, posts, people, items)."""

from plandesk.workflow.tests.conftest import Bureau, bureau, fast_hasher  # noqa: F401
