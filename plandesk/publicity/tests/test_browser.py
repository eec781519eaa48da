"""A citizen opens a current publicity on the portal, sends an opinion and gets its tracking code."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from plandesk.publicity import services
from plandesk.publicity.challenge import NUMERALS
from plandesk.publicity.models import Opinion
from plandesk.publicity.tests.conftest import make_publicity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _current_publicity():
    today = timezone.localdate()
    publicity = make_publicity(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=9))
    notice_on = publicity.starts_on - timedelta(days=5)
    publicity.record_notice(outlet="城市日报", notice_on=notice_on, text="公告")
    publicity.schedule(today=notice_on)
    services.start(publicity, today=today)
    return publicity


def test_a_citizen_sends_an_opinion_and_gets_a_tracking_code(live_server, page):
    publicity = _current_publicity()
    page.goto(live_server.url + "/publicity/")
    page.get_by_role("link", name=publicity.title).click()
    page.wait_for_url(f"**/publicity/{publicity.pk}/")
    # The site is drawn by Leaflet from build/vendor (no Internet).
    page.locator(".publicity-map[data-rendered=true] path.leaflet-interactive").wait_for()
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("联系方式（电话或邮箱）").fill("13900001111")
    page.get_by_label("意见内容").fill("建议保留河边的老樟树。")
    question = page.locator("label[for=id_answer]").inner_text()
    first, second = re.match(r"\s*(\S)加(\S)等于", question).groups()
    page.locator("#id_answer").fill(str(NUMERALS.index(first) + NUMERALS.index(second)))
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url(re.compile(r"/publicity/opinions/GS\d{12}/"))
    code = page.locator("#tracking-code").inner_text()
    opinion = Opinion.objects.get()
    assert code == opinion.tracking_code
    assert opinion.content == "建议保留河边的老樟树。" and opinion.publicity_id == publicity.pk
    assert page.get_by_text("待审核").is_visible()
