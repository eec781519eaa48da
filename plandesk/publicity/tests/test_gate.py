"""No path decides, issues or finishes a case whose item requires pre-approval publicity before that publicity has
ended: the task API, the task page, the meeting API and page (409 publicity_required, nothing changed), and a
meeting decision racing the worker's end of the period gives one consistent result. The case detail shows it."""

from __future__ import annotations

from datetime import date

import pytest

from plandesk.audit.models import Event
from plandesk.cases.models import CaseStatus
from plandesk.catalog.models import ItemVersion
from plandesk.core.refusals import Refusal
from plandesk.meetings import services as meetings
from plandesk.meetings.models import AgendaItem
from plandesk.publicity import services
from plandesk.publicity.models import Publicity, Status
from plandesk.publicity.tests.conftest import make_publicity
from plandesk.testing.driving import REVIEW_FORM, open_task
from plandesk.testing.fixtures import at
from plandesk.testing.races import race
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

pytestmark = pytest.mark.django_db
START, END = date(2026, 12, 7), date(2026, 12, 16)


def skipping_case(b, *codes, office="div1"):
    """A case of items that require publicity whose process runs without the stage (as one started on a process
    version before it, or on an administrator's own process): reviewed, it waits for its division meeting."""
    codes = codes or ("permit",)
    case = b.new_case(*codes, office=office)
    ItemVersion.objects.filter(item__code__in=codes).update(publicity_required=True)
    handler = "branch1" if office == "branch_east" else "handler1"
    workflow.complete_task(open_task(case, "review").pk, b[handler], decision="approve", opinion="符合",
                           form=REVIEW_FORM)
    return case


def publicity_for(case, travel, *, ended: bool) -> Publicity:
    publicity = make_publicity(case=case, starts_on=START, ends_on=END)
    publicity.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="公告")
    publicity.schedule(today=date(2026, 12, 1))
    if ended:
        travel(START)
        assert services.start(publicity)
        travel(date(2026, 12, 17))
        assert services.end(publicity)
    return publicity


def division_meeting(b, case):
    return meetings.create_meeting(chair=b["head1"], kind="division", division="div1", held_at=at(date(2026, 12, 18)),
                                   present=["handler1"], recorder=b["handler1"], case_numbers=[case.number])


def test_the_meeting_api_refuses_a_decision_before_the_publicity_ends_and_changes_nothing(bureau, api_as,  # noqa: F811
                                                                                           travel):
    case = skipping_case(bureau)
    publicity_for(case, travel, ended=False)
    meeting = division_meeting(bureau, case)
    events = Event.objects.count()
    answer = api_as(bureau["head1"]).post(f"/api/v1/meetings/{meeting.pk}/decisions",
                                          {"case_number": case.number, "decision": "approve", "opinion": "同意"})
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"] == "publicity_required"
    assert "公示" in answer.json()["message"]
    assert AgendaItem.objects.get(meeting=meeting).decision == ""
    assert open_task(case, "division_meeting").state == TaskState.OPEN
    assert Event.objects.count() == events
    # Sending it back (退回修改) and deferring stay possible: they decide nothing.
    assert meetings.decide(meeting, bureau["head1"], case.number, "defer", "待公示期满")[0].decision == "defer"


def test_the_task_api_refuses_every_step_that_would_decide_or_issue(bureau, api_as, travel):  # noqa: F811
    # Delegated items: the head's decision is final. The 403 comes first for a stranger.
    case = skipping_case(bureau, "rural", office="branch_east")
    task = open_task(case, "head_decision")
    assert api_as(bureau["stranger"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "opinion": "同意", "version": task.version}).status_code == 403
    answer = api_as(bureau["branchhead"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "opinion": "同意", "version": task.version})
    assert answer.status_code == 409 and answer.json()["error"] == "publicity_required", answer.content
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.version == 1
    # A rejection decides the case too.
    answer = api_as(bureau["branchhead"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "reject", "opinion": "不同意", "version": task.version})
    assert answer.json()["error"] == "publicity_required"
    # Once the period has ended the same decision goes through, and so do the certificate steps.
    publicity_for(case, travel, ended=True)
    assert api_as(bureau["branchhead"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "opinion": "同意", "version": task.version}).status_code == 200
    assert open_task(case).step_id == "prepare_certificate"


def test_the_certificate_steps_wait_for_the_publicity_too(bureau, travel):  # noqa: F811
    """A case whose publicity was started again (a second period) cannot reach ready_for_pickup before it ends."""
    case = bureau.new_case("rural", office="branch_east")
    workflow.complete_task(open_task(case).pk, bureau["branch1"], decision="approve", opinion="符合", form=REVIEW_FORM)
    workflow.complete_task(open_task(case).pk, bureau["branchhead"], decision="approve", opinion="同意")
    ItemVersion.objects.filter(item__code="rural").update(publicity_required=True)
    publicity_for(case, travel, ended=False)
    with pytest.raises(Refusal) as refused:
        workflow.complete_task(open_task(case).pk, bureau["branch1"], decision="approve", opinion="已制证")
    assert refused.value.code == "publicity_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_the_task_page_shows_the_refusal_and_changes_nothing(bureau, client, travel):  # noqa: F811
    case = skipping_case(bureau, "rural", office="branch_east")
    task = open_task(case, "head_decision")
    client.force_login(bureau["branchhead"])
    page = client.post(f"/work/tasks/{task.pk}/complete/", {"decision": "approve", "opinion": "同意",
                                                           "version": task.version}, follow=True)
    assert "须批前公示" in page.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_the_case_detail_gives_the_publicity(bureau, api_as, travel):  # noqa: F811
    case = skipping_case(bureau)
    api = api_as(bureau["director"])
    assert api.get(f"/api/v1/cases/{case.number}").json()["publicity"] is None
    publicity = publicity_for(case, travel, ended=False)
    assert api.get(f"/api/v1/cases/{case.number}").json()["publicity"] == {
        "status": "scheduled", "starts_on": "2026-12-07", "ends_on": "2026-12-16", "opinions": 0}
    travel(START)
    services.start(publicity)
    services.submit_opinion(publicity, name="市民", contact="13800000000", content="建议增加绿地", client_ip="10.0.0.9")
    assert api.get(f"/api/v1/cases/{case.number}").json()["publicity"]["status"] == "running"
    assert api.get(f"/api/v1/cases/{case.number}").json()["publicity"]["opinions"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_meeting_decision_racing_the_end_of_the_period_is_consistent(bureau, travel):  # noqa: F811
    """The worker ends the period (resuming the case) while the chair records the decision: either the decision is
    refused and changes nothing, or it comes after the end; never a decision on a running publicity."""
    case = skipping_case(bureau)
    publicity = publicity_for(case, travel, ended=False)
    travel(START)
    assert services.start(publicity)
    meeting = division_meeting(bureau, case)
    travel(date(2026, 12, 17))

    def act(i: int):
        if i == 0:
            return services.end_due()
        return meetings.decide(meeting, bureau["head1"], case.number, "approve", "同意")

    ended, decided = race(2, act)
    assert ended == 1
    publicity.refresh_from_db()
    assert publicity.status == Status.ENDED
    item = AgendaItem.objects.get(meeting=meeting)
    if isinstance(decided, Exception):
        assert getattr(decided, "code", None) in ("publicity_required", "conflict"), decided
        assert item.decision == "" and open_task(case, "division_meeting").state == TaskState.OPEN
        # Asked again after the end, it goes through.
        meetings.decide(meeting, bureau["head1"], case.number, "approve", "同意")
    item.refresh_from_db()
    assert item.decision == "approve"
    assert item.decided_at >= publicity.ended_at
    assert open_task(case).step_id == "director_review"


def test_the_publicity_step_links_to_the_desk_with_the_case_filled_in(bureau, client):  # noqa: F811
    ItemVersion.objects.filter(item__code="permit").update(publicity_required=True)
    case = bureau.new_case("permit")
    workflow.complete_task(open_task(case, "review").pk, bureau["handler1"], decision="approve", opinion="符合",
                           form=REVIEW_FORM)
    assert open_task(case).step_id == "prepare_publicity"
    client.force_login(bureau["handler1"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert f'href="/publicity/staff/new/?case={case.number}"' in page
    desk = client.get(f"/publicity/staff/new/?case={case.number}").content.decode()
    assert f'value="{case.number}"' in desk
