"""An item version whose promised days cannot hold its process's happy path is refused in the admin, in Chinese,
and nothing is published (the check is the workflow's, asked by name: workflow/catalog_checks.py)."""

import pytest

from plandesk.catalog.models import ItemVersion
from plandesk.catalog.tests.conftest import make_item
from plandesk.catalog.tests.test_admin import change_data, change_url

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_promise_shorter_than_the_process_needs(client, administrator):
    item = make_item("permit", "建设工程规划许可证核发", materials=[{"code": "application_form", "name": "申请表"}])
    client.force_login(administrator)
    response = client.post(change_url(item.current), change_data(item.current, promised_days="4"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "无法在承诺时限内办结" in page and "6 个依次办理的环节" in page
    assert ItemVersion.objects.filter(item=item).count() == 1
    response = client.post(change_url(item.current), change_data(item.current, promised_days="6"))
    assert response.status_code == 302
    assert ItemVersion.objects.filter(item=item).count() == 2
