"""The statistics in English on screen and in the workbook; the monthly report stays Chinese for the government."""

from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from plandesk.core.pdf import extract_text
from plandesk.reports.models import Level

pytestmark = pytest.mark.django_db
QUERY = {"from": "2026-10-01", "to": "2026-10-31", "by": "item"}


@pytest.fixture
def english(client, history, bureau):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(bureau["office"])
    yield client
    # the locale middleware leaves the thread's language switched on after the request
    translation.activate(settings.LANGUAGE_CODE)


def test_the_catalogue_has_english_for_the_app():
    with translation.override("en"):
        assert Level.FAIRLY_SATISFIED.label == "Fairly satisfied"
        assert translation.gettext("差评回访与整改") == "Follow-up and remedy of poor ratings"


def test_the_dashboard_and_the_workbook_speak_english(english):
    html = english.get("/reports/", QUERY).content.decode()
    assert 'lang="en"' in html
    assert "Approval statistics" in html and "By approval item" in html and "Received" in html
    assert "2026-10-01 to 2026-10-31" in html
    assert "Dates must be written YYYY-MM-DD" in english.get("/reports/", {"from": "x"}).content.decode()
    assert '"received": "Received"' in html.replace("&quot;", '"')  # the chart's labels too
    book = openpyxl.load_workbook(BytesIO(english.get("/reports/export.xlsx", QUERY).content))
    assert "Case statistics" in book.sheetnames
    assert book["Case statistics"]["A2"].value == "Group" and book["Case statistics"]["B2"].value == "Received"


def test_the_monthly_report_stays_chinese(english):
    text = extract_text(english.get("/reports/monthly.pdf", {"month": "2026-10"}).content).replace(" ", "")
    assert "月度统计报告" in text and "收件" in text and "Received" not in text
