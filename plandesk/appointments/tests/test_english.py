"""The booking pages in English, for a visitor who switched the language (the catalogue in locale/en)."""

import pytest
from django.conf import settings
from django.utils import translation

from plandesk.appointments.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    yield client
    # the locale middleware leaves the thread's language switched on after the request
    translation.activate(settings.LANGUAGE_CODE)


def test_the_catalogue_has_english_for_the_app():
    with translation.override("en"):
        assert Appointment.Status.NO_SHOW.label == "No-show"
        assert translation.gettext("预约接待卡") == "Appointment card"
        assert translation.gettext("预约成功，请记下预约卡号：%(card)s") % {"card": "A1"} == (
            "Your appointment is booked. Please note the appointment card number: A1")


def test_the_booking_page_speaks_english(english, hall, frozen):
    html = english.get("/appointments/", {"date": "2026-09-30"}).content.decode()
    assert 'lang="en"' in html
    assert "Previous working day" in html and "September 30, 2026 Wednesday" in html
    assert "是工作日" not in html
    holiday = english.get("/appointments/", {"date": "2026-10-02"}).content.decode()
    assert "This day is not a working day" in holiday
