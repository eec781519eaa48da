"""The assessment page draws its charts from the figures in its table (ECharts served locally)."""

from __future__ import annotations

import pytest

from plandesk.conftest import PASSWORD
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_sees_the_register_drawn_as_charts(bureau, live_server, page):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    workflow.complete_task(task.pk, bureau["handler1"], decision="approve", form={"conformity": "符合"})
    page.goto(f"{live_server.url}/supervision/assessment/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/supervision/assessment/")
    assert page.locator("#register tbody tr").first.inner_text().startswith("handler1")
    page.locator("#assessment-chart canvas").first.wait_for()
    page.locator("#assessment-chart-urgings canvas").first.wait_for()
    assert page.locator("#xlsx").get_attribute("href").endswith("&by=staff")
