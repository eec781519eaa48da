"""The organization chart in English, for a user who switched the language."""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from plandesk.organization.models import Post, Substitute, Unit

pytestmark = pytest.mark.django_db


def test_the_catalogue_has_english_for_the_app():
    with translation.override("en"):
        assert Unit.Kind.DIVISION.label == "Approving division"
        assert Post.Authority.FINAL.label == "Final decision"


def test_the_chart_speaks_english(client, bureau, other_member):
    Substitute.objects.create(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                              starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(bureau.head)
    try:
        with time_machine.travel("2026-03-03 10:00 +0800", tick=False):
            page = client.get("/organization/").content.decode()
    finally:
        # the locale middleware leaves the thread's language switched on after the request
        translation.activate(settings.LANGUAGE_CODE)
    assert 'lang="en"' in page
    for text in ("My posts", "As of ", "This unit has no posts.", "Time limit (working days)", "substituting"):
        assert text in page, text
