"""The layer catalogue and site selection in English, for a user who switched the language."""

import pytest
from django.conf import settings
from django.utils import translation

from plandesk.gis.models import Access, Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, member):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(member)
    yield client
    # the locale middleware leaves the thread's language switched on after the request
    translation.activate(settings.LANGUAGE_CODE)


def test_the_catalogue_has_english_for_the_app():
    with translation.override("en"):
        assert Kind.PARCEL.label == "Regulatory plan parcels"
        assert Access.RESTRICTED.label == "Restricted"
        assert translation.ngettext("候选地块 %(n)s 块", "候选地块 %(n)s 块", 3) % {"n": 3} == "3 candidate parcels"


def test_the_pages_speak_english(english):
    catalogue = english.get("/gis/layers/").content.decode()
    assert "Layer catalogue" in catalogue and "There are no layers you may view." in catalogue
    bad = english.get("/gis/site-selection/", {"search": "1", "min_area": "很大"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Minimum area must be a number" in text
    assert "Exclude parcels within pipeline safety distances" in text


def test_the_import_page_and_the_words_for_codes_speak_english(client, layers):
    from plandesk.accounts.models import Role
    from plandesk.conftest import make_user
    from plandesk.gis.labels import land_use_label

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(make_user("keeper", Role.GIS_KEEPER))
    try:
        page = client.get("/gis/layers/import/").content.decode()
        assert "Preview the field mapping" in page and "Skip invalid records" in page
        with translation.override("en"):
            assert land_use_label("R2") == "Residential, class 2"
    finally:
        translation.activate(settings.LANGUAGE_CODE)
