"""Builders for tests, one set for the whole suite: a barrier race (`race`), a bureau with its people and posts
(`bureau`), an application at the window (`application`), driving a case through its steps (`drive`).

Test packages import from here, never from another app's tests."""
