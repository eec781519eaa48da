"""A person books a slot on the portal in a real browser and downloads the appointment card."""

import pytest
from django.utils import timezone

from plandesk.appointments.models import Appointment
from plandesk.core.pdf import extract_text
from plandesk.workdays.calendar import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_books_on_the_portal_and_downloads_the_card(live_server, page, hall):
    day = add_working_days(timezone.localdate(), 1)
    page.goto(f"{live_server.url}/appointments/?date={day:%Y-%m-%d}")
    page.get_by_role("link", name="预约", exact=True).first.click()
    page.get_by_label("姓名").fill("王五")
    page.get_by_label("单位").fill("某某置业有限公司")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_label("咨询事项").fill("建设工程规划许可证咨询")
    page.get_by_role("button", name="提交预约").click()
    page.wait_for_url("**/appointments/card/*/")
    appointment = Appointment.objects.get()
    assert page.locator("#card-number").inner_text() == appointment.card_number
    href = page.locator("#card-pdf").get_attribute("href")
    response = page.context.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = extract_text(response.body())
    assert appointment.card_number in text and "王五" in text and "预约接待卡" in text
