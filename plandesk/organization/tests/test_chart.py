"""The staff page of the organization."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from plandesk.accounts.models import Role
from plandesk.conftest import make_user
from plandesk.organization.models import Substitute

pytestmark = pytest.mark.django_db

URL = "/organization/"


def test_the_url_is_where_the_contract_puts_it():
    assert reverse("organization:chart") == URL


def test_it_sends_a_visitor_to_sign_in(client, bureau):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_refuses_an_outsider(client, bureau, outsider):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_it_shows_units_posts_members_and_substitutes(client, bureau, other_member):
    Substitute.objects.create(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                              starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    client.force_login(bureau.head)
    with time_machine.travel("2026-03-03 10:00 +0800", tick=False):
        page = client.get(URL).content.decode()
    for text in ("行政审批一处", "div1.handler", "一处经办人", "一处处长", "请假，由 二处经办人 代理",
                 "2026-03-02～2026-03-06", "我的岗位", "乔镇", "本单位未设岗位"):
        assert text in page, text
    assert page.index('id="unit-bureau"') < page.index('id="unit-div1"') < page.index('id="unit-town_qiao"')


def test_it_hides_substitutions_that_have_ended(client, bureau, other_member):
    Substitute.objects.create(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                              starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    client.force_login(bureau.head)
    with time_machine.travel("2026-04-01 10:00 +0800", tick=False):
        page = client.get(URL).content.decode()
    assert "2026-03-02" not in page and "代理）" not in page


def test_the_nav_offers_it_to_administrators_and_the_office_only(client, bureau, administrator):
    office = make_user("office1", Role.OFFICE_SUPERVISOR)
    for user, shown in ((administrator, True), (office, True), (bureau.handler, False)):
        client.force_login(user)
        page = client.get(reverse("core:home")).content.decode()
        nav = page[page.index('class="mainnav"'):page.index("</nav>")]
        assert (f'href="{URL}"' in nav) is shown, user.username


def test_the_workbench_shows_my_posts(client, bureau):
    client.force_login(bureau.handler)
    page = client.get(reverse("core:home")).content.decode()
    assert "我的岗位" in page and "行政审批一处 · 经办人" in page
