"""Home-page sections offered by other apps through their portal.py replace the portal's fallback cards."""

from django.conf import settings
from django.test import override_settings


def test_it_shows_a_section_another_app_offers_and_survives_a_broken_one(client, db):
    with override_settings(PLANDESK_APPS=[*settings.PLANDESK_APPS, "plandesk.portal.tests.sectionapp"]):
        page = client.get("/").content.decode()
    assert "预约洽谈（测试）" in page
    assert 'href="/somewhere/1/"' in page and "明天 9:00 有空位" in page


def test_it_falls_back_to_a_link_or_coming_soon(client, db):
    page = client.get("/").content.decode()
    assert "预约洽谈（测试）" not in page
    assert "预约洽谈" in page
