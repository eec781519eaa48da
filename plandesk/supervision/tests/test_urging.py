"""A late step from green to completion: yellow reminder, phone reminder, red light, urging notice, written
feedback, completion; with each notice, the register and the chart checked on the way."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from plandesk.conftest import PASSWORD
from plandesk.core.pdf import extract_text
from plandesk.notifications.models import Notification
from plandesk.supervision import services
from plandesk.supervision.jobs import supervision_lights, supervision_reminders
from plandesk.supervision.models import LightChange, NoticeStatus, PhoneReminder, UrgingNotice
from plandesk.workflow import services as workflow
from plandesk.workflow.models import Light, TaskState

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
REVIEW_FORM = {"conformity": "符合"}


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def worker_round() -> None:
    supervision_lights()
    supervision_reminders()


def register_figures(client: Client, period: str, by: str = "staff") -> dict[str, list[str]]:
    html = client.get("/supervision/assessment/", {"period": period, "by": by}).content.decode()
    body = html.split('id="register"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [c.strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def chart(client: Client, period: str, by: str = "staff") -> dict:
    import html as htmllib

    page = client.get("/supervision/assessment/", {"period": period, "by": by}).content.decode()
    raw = re.search(r'data-chart="([^"]*)"', page).group(1)
    return json.loads(htmllib.unescape(raw))


@pytest.fixture
def late_task(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
        task = case.tasks.get(state=TaskState.OPEN)
        workflow.claim_task(task.pk, bureau["handler1"])
    task.refresh_from_db()
    return task


def test_it_walks_a_late_step_from_green_to_completion(bureau, late_task, api_as):
    """green → yellow (reminder + copy, phone call) → red (draft) → issued notice → feedback → completion."""
    task, handler, head, office = late_task, bureau["handler1"], bureau["head1"], bureau["office"]

    def desk() -> Client:  # sessions end after 30 idle minutes: sign in again at each moment
        return client_for(office)

    with time_machine.travel(task.warn_at - timedelta(minutes=1), tick=False):
        worker_round()
        task.refresh_from_db()
        assert task.light == Light.GREEN
        assert not Notification.objects.filter(kind__startswith="supervision").exists()

    with time_machine.travel(task.warn_at + timedelta(minutes=1), tick=False):
        worker_round()
        worker_round()  # a second round does nothing
        task.refresh_from_db()
        assert task.light == Light.YELLOW
        assert list(LightChange.objects.values_list("from_light", "to_light")) == [("green", "yellow")]
        reminders = Notification.objects.filter(kind__startswith="supervision.yellow")
        assert sorted(reminders.values_list("recipient__username", "kind")) == [
            ("handler1", "supervision.yellow"), ("head1", "supervision.yellow_copy")]
        assert "将于" in reminders.get(recipient=handler).body

        page = desk().get("/supervision/").content.decode()
        assert task.case.number in page.split('id="yellow-list"')[1].split("</table>")[0]
        response = desk().post(f"/supervision/tasks/{task.pk}/phone/", {
            "callee_name": "handler1", "content": "请今天办结审查意见", "called_at": ""})
        assert response.status_code == 302
        call = PhoneReminder.objects.get()
        assert (call.caller, call.callee_name, call.office.code) == (office, "handler1", "div1")
        assert "请今天办结审查意见" in desk().get("/supervision/").content.decode()
        # A phone reminder without its content is refused, in Chinese, and nothing is stored.
        desk().post(f"/supervision/tasks/{task.pk}/phone/", {"callee_name": "x", "content": ""})
        assert PhoneReminder.objects.count() == 1

    with time_machine.travel(task.due_at + timedelta(minutes=1), tick=False):
        worker_round()
        worker_round()
        task.refresh_from_db()
        assert task.light == Light.RED
        notice = UrgingNotice.objects.get()
        assert notice.status == NoticeStatus.DRAFT and notice.number == ""
        assert notice.division.code == "div1" and notice.handler == handler
        assert Notification.objects.filter(kind="supervision.red", recipient=office).count() == 1
        page = desk().get("/supervision/").content.decode()
        red = page.split('id="red-list"')[1].split("</table>")[0]
        assert task.case.number in red and "草稿，待签发" in red
        assert notice.window_ends_on > task.due_at.date()

        # The handler sees no draft; completing is still possible until the notice is issued.
        assert client_for(handler).get(f"/supervision/notices/{notice.pk}/").status_code == 404

    issue_day = task.due_at + timedelta(days=1)
    with time_machine.travel(issue_day, tick=False):
        response = desk().post(f"/supervision/notices/{notice.pk}/issue/", {"urging_days": "3"})
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.ISSUED
        assert notice.number == "督字〔2026〕1号"
        from plandesk.workdays import calendar
        assert notice.urging_deadline == calendar.add_working_days(calendar.local_date(issue_day), 3)
        told = Notification.objects.filter(kind="supervision.urging")
        assert sorted(told.values_list("recipient__username", flat=True)) == ["handler1", "head1"]
        pdf = client_for(handler).get(f"/supervision/notices/{notice.pk}/notice.pdf")
        assert pdf.status_code == 200
        text = extract_text(pdf.content)
        assert "催办通知书" in text and "督字〔2026〕1号" in text and task.case.number in text
        assert f"{notice.urging_deadline:%Y年%m月%d日}" in text

        # The head sees his division's urged case; the handler his notice, with a badge.
        assert notice.number in client_for(head).get("/supervision/notices/").content.decode()
        assert notice.number in client_for(handler).get("/supervision/notices/").content.decode()

        # Completing before the written feedback is refused, through the service and the page alike.
        with pytest.raises(services.FeedbackRequired):
            workflow.complete_task(task.pk, handler, decision="approve", form=REVIEW_FORM)
        response = client_for(handler).post(f"/work/tasks/{task.pk}/complete/", {
            "decision": "approve", "opinion": "同意", "conformity": "符合", "version": task.version})
        task.refresh_from_db()
        assert task.state == TaskState.OPEN
        response = api_as(handler).post(f"/api/v1/tasks/{task.pk}/complete", {
            "decision": "approve", "form": REVIEW_FORM, "version": task.version})
        assert response.status_code == 409 and response.json()["error"] == "feedback_required"
        assert "书面反馈" in response.json()["message"]

        # An empty feedback is refused and changes nothing.
        client_for(handler).post(f"/supervision/notices/{notice.pk}/feedback/", {"delay_reason": "",
                                                                                  "handling_opinion": "尽快"})
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.ISSUED
        client_for(handler).post(f"/supervision/notices/{notice.pk}/feedback/", {
            "delay_reason": "申请材料需现场核实", "handling_opinion": "已核实，今日办结"})
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.ANSWERED and notice.answered_by == handler
        workflow.complete_task(task.pk, handler, decision="approve", form=REVIEW_FORM)
        task.refresh_from_db()
        assert task.state == TaskState.COMPLETED

    with time_machine.travel(issue_day + timedelta(hours=1), tick=False):
        figures = register_figures(desk(), "2026-11")
        # handled, on time, rate, avg, p90, yellow, red, phone, urgings
        assert figures["handler1"][0:3] == ["1", "0", "0.0"]
        assert figures["handler1"][5:] == ["1", "1", "1", "1"]
        data = chart(desk(), "2026-11")
        i = data["names"].index("handler1")
        assert data["series"]["urgings"][i] == 1 and data["series"]["red"][i] == 1
        assert data["series"]["handled"][i] == 1
        division = register_figures(desk(), "2026-Q4", by="division")
        assert division["行政审批一处"][5:] == ["1", "1", "1", "1"]
        # A second notice of the year takes the next number, with no gap.
        assert services.window_end(task.due_at) == notice.window_ends_on


def test_it_numbers_notices_without_gaps_and_flags_windows_about_to_lapse(bureau):
    notices = []
    for _ in range(3):
        with time_machine.travel(MONDAY, tick=False):
            case = bureau.new_case("permit")
            notices.append(case.tasks.get(state=TaskState.OPEN))
    with time_machine.travel(notices[0].due_at + timedelta(minutes=5), tick=False):
        worker_round()
        drafts = list(UrgingNotice.objects.order_by("pk"))
        assert len(drafts) == 3 and not any(d.window_lapses_soon() for d in drafts)
    late = datetime.combine(drafts[0].window_ends_on, datetime.min.time(), tzinfo=TZ) + timedelta(hours=9)
    with time_machine.travel(late, tick=False):
        assert all(d.window_lapses_soon() for d in drafts)
        page = client_for(bureau["office"]).get("/supervision/").content.decode()
        assert page.count("签发期限将至") == 3
        # Issue the third, then the first: numbers follow issue order.
        services.issue_notice(drafts[2].pk, bureau["office"])
        services.issue_notice(drafts[0].pk, bureau["office"], urging_days=5)
        with pytest.raises(services.Conflict):
            services.issue_notice(drafts[0].pk, bureau["office"])
        with pytest.raises(services.InvalidInput):
            services.issue_notice(drafts[1].pk, bureau["office"], urging_days=0)
    assert [n.number for n in UrgingNotice.objects.filter(status="issued").order_by("seq")] == [
        "督字〔2026〕1号", "督字〔2026〕2号"]
    assert UrgingNotice.objects.get(pk=drafts[1].pk).status == NoticeStatus.DRAFT


def test_it_keeps_outsiders_and_other_divisions_out(bureau, late_task, outsider):
    with time_machine.travel(late_task.due_at + timedelta(minutes=1), tick=False):
        worker_round()
    notice = UrgingNotice.objects.get()
    with time_machine.travel(late_task.due_at + timedelta(hours=1), tick=False):
        notice = services.issue_notice(notice.pk, bureau["office"])
    assert notice.number
    for person in (outsider, bureau["handler2"], bureau["head2"], bureau["handler1"]):
        client = client_for(person)
        assert client.get("/supervision/").status_code == 404
        assert client.get("/supervision/assessment/").status_code == 404
        assert client.get("/supervision/assessment.xlsx").status_code == 404
        assert client.post(f"/supervision/notices/{notice.pk}/issue/").status_code == 404
        assert client.post(f"/supervision/tasks/{late_task.pk}/phone/", {"callee_name": "x",
                                                                         "content": "y"}).status_code == 404
    for person in (outsider, bureau["handler2"], bureau["head2"]):
        client = client_for(person)
        assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 404
        assert client.get(f"/supervision/notices/{notice.pk}/notice.pdf").status_code == 404
        assert client.post(f"/supervision/notices/{notice.pk}/feedback/", {
            "delay_reason": "x", "handling_opinion": "y"}).status_code == 404
        assert notice.number not in client.get("/supervision/notices/").content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and PhoneReminder.objects.count() == 0
    assert Client().get("/supervision/").status_code == 302  # not signed in: to the login page


def test_it_exports_the_same_figures_as_the_page(bureau, late_task):
    from openpyxl import load_workbook

    with time_machine.travel(late_task.warn_at + timedelta(minutes=1), tick=False):
        worker_round()
        services.record_phone_reminder(late_task.pk, bureau["office"], callee_name="handler1", content="请抓紧",
                                       callee=bureau["handler1"])
    with time_machine.travel(late_task.due_at + timedelta(minutes=1), tick=False):
        worker_round()
        services.issue_notice(UrgingNotice.objects.get().pk, bureau["office"])
        services.file_feedback(UrgingNotice.objects.get().pk, bureau["handler1"], delay_reason="现场核实",
                               handling_opinion="办结")
        workflow.complete_task(late_task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    with time_machine.travel(late_task.due_at + timedelta(days=2), tick=False):
        desk = client_for(bureau["director"])
        for by, period in (("staff", "2026-11"), ("division", "2026-Q4")):
            page = register_figures(desk, period, by)
            response = desk.get("/supervision/assessment.xlsx", {"period": period, "by": by})
            assert response.status_code == 200
            sheet = load_workbook(io.BytesIO(response.content)).active
            rows = list(sheet.iter_rows(min_row=3, values_only=True))
            exported = {r[0]: [float(v) for v in r[1:]] for r in rows}
            assert exported == {name: [float(v) for v in cells] for name, cells in page.items()} and page
        bad = desk.get("/supervision/assessment/", {"period": "2026-13"})
        assert bad.status_code == 400 and "期间格式" in bad.content.decode()


def test_it_shows_drafts_to_the_office_and_urgings_to_the_handler_on_the_workbench(bureau, late_task):
    with time_machine.travel(late_task.due_at + timedelta(minutes=1), tick=False):
        worker_round()
        office = client_for(bureau["office"]).get("/workbench/").content.decode()
        assert "待签发催办通知书 1 份" in office
        assert "催办通知书" not in client_for(bureau["handler1"]).get("/workbench/").content.decode()
        services.issue_notice(UrgingNotice.objects.get().pk, bureau["office"])
        handler = client_for(bureau["handler1"]).get("/workbench/").content.decode()
        assert "有 1 份催办通知书待书面反馈" in handler
