"""The public working-day calculator in English, for a visitor who switched the language."""

import pytest
from django.conf import settings
from django.utils import translation

from plandesk.workdays.models import DayKind

pytestmark = pytest.mark.django_db


def test_the_catalogue_has_english_for_the_app():
    with translation.override("en"):
        assert DayKind.WORKING_DAY.label == "Make-up working day"
        assert translation.gettext("工作日计算") == "Working-day calculator"


def test_the_calculator_speaks_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        page = client.get("/workdays/", {"form": "add", "add-start": "2026-09-30", "add-days": "3"}).content.decode()
    finally:
        # the locale middleware leaves the thread's language switched on after the request
        translation.activate(settings.LANGUAGE_CODE)
    assert 'lang="en"' in page
    assert "Working-day calculator" in page and "3 working days after" in page and "2026-10-10" in page
