"""The appointment card is one sheet and prints the public address and the booking phone from their settings
(core/contact.py), never the development server's address (issue 22). Parsed back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from plandesk.appointments.models import Appointment
from plandesk.appointments.tests.test_pages import FORM, first_slot

pytestmark = pytest.mark.django_db


def test_the_card_is_one_page_with_the_public_address_and_the_booking_phone(client, hall, frozen, settings):
    settings.PLANDESK_SITE_URL = "https://ghj.example.gov.cn"
    settings.PLANDESK_BUREAU_CONTACT = {"address": "某路 1 号", "hours": "工作日",
                                        "phones": [["咨询电话", "0571-8888 0001"], ["预约电话", "0571-8888 0003"]]}
    client.post(f"/appointments/book/{first_slot().pk}/", {**FORM, "topic": "用地规划条件咨询" * 20,
                                                           "organization": "某某建设集团有限公司" * 5})
    card = Appointment.objects.get().card_number
    reader = PdfReader(io.BytesIO(client.get(f"/appointments/card/{card}/pdf/").content))
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    assert "https://ghj.example.gov.cn/appointments/" in text and "0571-88880003" in text, text
    assert "127.0.0.1" not in text
