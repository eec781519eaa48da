"""The rule in a browser: a case whose item requires pre-approval publicity is reviewed, its publicity step refuses
to end before the publicity is announced, the process waits over the period (the clock moved past it), the handler
reviews the opinions, the division meeting sees the summary and approves, the director and the bureau meeting, the
certificate steps: ready for pick-up. The same item on a case that skipped the stage is refused at its meeting."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from plandesk.cases.models import CaseStatus
from plandesk.catalog.models import ItemVersion
from plandesk.conftest import PASSWORD
from plandesk.meetings import services as meetings
from plandesk.meetings.models import AgendaItem
from plandesk.publicity import jobs
from plandesk.publicity import services as publicity_services
from plandesk.publicity.tests.conftest import make_publicity, real_pdf, upload
from plandesk.testing.driving import REVIEW_FORM, open_task
from plandesk.testing.fixtures import at
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
from plandesk.workflow import services as workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock():
    """clock(day) moves the server's clock to 10:00 that day (it keeps ticking: the browser's driver needs it)."""
    travellers = []

    def go(day: date) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(at(day), tick=True)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


def sign_in(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def submit_step(page, url: str, case, step: str, *, expect_refusal: str = "") -> None:
    page.goto(f"{url}/work/cases/{case.number}/")
    task = open_task(case, step)
    assert page.locator("#task-form input[name=version]").get_attribute("value") == str(task.version)
    page.locator("#id_opinion").fill("同意")
    page.locator("#task-form").get_by_role("button", name="提交").click()
    if expect_refusal:
        page.get_by_text(expect_refusal).first.wait_for()
    else:
        page.wait_for_url("**/work/")


def test_a_case_goes_through_its_publicity_to_its_certificate(bureau, live_server, page, clock):  # noqa: F811
    ItemVersion.objects.filter(item__code="permit").update(publicity_required=True)
    clock(date(2026, 11, 30))
    case = bureau.new_case("permit")
    url = live_server.url

    sign_in(page, f"{url}/work/cases/{case.number}/", "handler1")
    page.locator("#id_form__conformity").select_option("符合")
    page.locator("#id_opinion").fill("符合控规")
    page.locator("#task-form").get_by_role("button", name="提交").click()
    page.wait_for_url("**/work/")
    # 安排批前公示: not before the publicity is announced, then it ends and the process waits.
    submit_step(page, url, case, "prepare_publicity", expect_refusal="请先在公示管理中为本案安排批前公示")
    publicity = make_publicity(case=case, title="滨江花园建设工程规划许可批前公示", starts_on=date(2026, 12, 7),
                               ends_on=date(2026, 12, 16))
    publicity.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="公告")
    publicity.schedule(today=date(2026, 11, 30))
    publicity_services.add_document(publicity, title="总平面图", upload=upload("plan.pdf", real_pdf()))
    submit_step(page, url, case, "prepare_publicity")
    page.screenshot(path="/tmp/rp-worklist-waiting.png")
    assert not case.tasks.filter(state="open").exists()

    # The period passes: the worker starts it, ends it after its last day and moves the process on.
    clock(date(2026, 12, 7))
    assert jobs.start_publicity() == 1
    clock(date(2026, 12, 17))
    assert jobs.end_publicity() == 1 and jobs.release_case_processes() == 1
    sign_in(page, f"{url}/work/cases/{case.number}/", "handler1")  # the session ran out over the period
    page.wait_for_url(f"**/work/cases/{case.number}/")
    assert "公示期满：滨江花园建设工程规划许可批前公示" in page.content()  # the case history
    # The diagram draws the new stage: the wait passed, the opinions' review current.
    page.wait_for_selector("#diagram[data-rendered], #diagram[data-error]", state="attached")
    assert page.locator("#diagram[data-error]").count() == 0
    assert page.locator('#diagram [data-element-id="prepare_publicity"].done').count() == 1
    assert page.locator('#diagram [data-element-id="review_opinions"].current').count() == 1
    page.screenshot(path="/tmp/rp-case-after-publicity.png", full_page=True)
    submit_step(page, url, case, "review_opinions")

    # The division meeting sees the publicity's summary on its agenda and approves.
    meeting = meetings.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                      held_at=at(date(2026, 12, 18)), present=["handler1", "handler1b"],
                                      recorder=bureau["handler1"], case_numbers=[case.number])
    item = AgendaItem.objects.get(meeting=meeting)
    sign_in(page, f"{url}/meetings/{meeting.pk}/", "head1")
    agenda = page.locator(f"#item-{item.pk}")
    assert "滨江花园建设工程规划许可批前公示" in agenda.inner_text()
    page.locator(f"#decision-{item.pk}").select_option("approve")
    page.locator(f"#opinion-{item.pk}").fill("同意，报局务会")
    agenda.get_by_role("button", name="记录决定").click()
    page.locator(f"#item-{item.pk} .decision").wait_for()
    page.screenshot(path="/tmp/rp-meeting.png", full_page=True)

    # The director, the bureau meeting, the certificate and its check.
    workflow.complete_task(open_task(case).pk, bureau["director"], decision="approve", opinion="提交局务会",
                           form={"submit_to_bureau_meeting": True})
    workflow.complete_meeting_task(case, "bureau", "approve", "同意核发", bureau["director"], "局务会-1")
    sign_in(page, f"{url}/work/cases/{case.number}/", "handler1")
    submit_step(page, url, case, "prepare_certificate")
    sign_in(page, f"{url}/work/cases/{case.number}/", "head1")
    submit_step(page, url, case, "check_certificate")
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP


def test_the_same_item_without_its_publicity_is_refused_at_the_meeting(bureau, live_server, page):  # noqa: F811
    # Started before the item required publicity (an older case, or a process without the stage): no stage ran.
    case = bureau.new_case("permit")
    ItemVersion.objects.filter(item__code="permit").update(publicity_required=True)
    workflow.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", opinion="符合",
                           form=REVIEW_FORM)
    meeting = meetings.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                      held_at=at(date(2026, 12, 18)), present=["handler1", "handler1b"],
                                      recorder=bureau["handler1"], case_numbers=[case.number])
    item = AgendaItem.objects.get(meeting=meeting)
    sign_in(page, f"{live_server.url}/meetings/{meeting.pk}/", "head1")
    page.locator(f"#decision-{item.pk}").select_option("approve")
    page.locator(f"#opinion-{item.pk}").fill("同意")
    page.locator(f"#item-{item.pk}").get_by_role("button", name="记录决定").click()
    page.get_by_text("本案事项须批前公示").first.wait_for()
    page.screenshot(path="/tmp/rp-meeting-refused.png", full_page=True)
    item.refresh_from_db()
    assert item.decision == "" and open_task(case, "division_meeting").state == "open"
