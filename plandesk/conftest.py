"""Shared fixtures: the people every test needs, API clients, and a real browser."""

from __future__ import annotations

import os

import pytest
from django.test import Client

from plandesk.accounts.models import Role, User

PASSWORD = "Test-Pass-2026!"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def make_user(username: str, *roles: str, full_name: str = "") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name or username)
    user.add_roles(*roles)
    return user


@pytest.fixture
def member(db) -> User:
    """A handler of Administrative Approval Division 1."""
    return make_user("member1", Role.HANDLER, full_name="一处经办人")


@pytest.fixture
def other_member(db) -> User:
    """A handler of Division 2: a colleague who must not see Division 1's work."""
    return make_user("member2", Role.HANDLER, full_name="二处经办人")


@pytest.fixture
def outsider(db) -> User:
    """A signed-in person with no role at all."""
    return make_user("outsider", full_name="无角色用户")


@pytest.fixture
def administrator(db) -> User:
    user = make_user("root", Role.ADMINISTRATOR, full_name="管理员")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


class ApiClient:
    """Django's test client speaking JSON with an optional bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def get(self, path, data=None, headers=None, **extra):
        return self.client.get(path, data, headers=self._headers(headers), **extra)

    def post(self, path, json=None, headers=None, **extra):
        return self.client.post(path, json if json is not None else {}, content_type="application/json",
                                headers=self._headers(headers), **extra)


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def api_as(db):
    """api_as(user) -> an ApiClient carrying a fresh token for that user."""
    from plandesk.accounts.models import ApiToken

    def make(user: User) -> ApiClient:
        _token, raw = ApiToken.issue(user)
        return ApiClient(raw)

    return make


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is required for browser tests (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A request in English leaves English active in this thread (LocaleMiddleware): put Chinese back, so that a
    test of the English pages never changes what the next test reads."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
