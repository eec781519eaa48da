"""The case's own light from its due date (pauses honoured): a column, recoloured by the sweep, in the API, the
worklist and the case page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.cases.models import Case, CaseLight, PauseReason
from plandesk.workdays import calendar
from plandesk.workflow import services

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_a_new_case_is_green_with_its_warning_a_working_day_before_its_due_date(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    assert case.due_at == calendar.deadline(MONDAY, 15)
    assert case.warn_at == calendar.warn_at(MONDAY, case.due_at)
    assert Case.objects.get(pk=case.pk).light == CaseLight.GREEN


def test_the_sweep_turns_the_case_yellow_then_red_and_a_paused_case_keeps_its_light(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    assert services.refresh_case_lights(case.warn_at + timedelta(minutes=1)) == []
    assert Case.objects.get(pk=case.pk).light == CaseLight.YELLOW
    assert services.refresh_case_lights(case.due_at + timedelta(minutes=1)) == [case.pk]
    assert Case.objects.get(pk=case.pk).light == CaseLight.RED
    assert services.refresh_case_lights(case.due_at + timedelta(minutes=2)) == []  # a second run: nothing new
    services.pause_case(case, PauseReason.HEARING, note="听证")
    services.refresh_case_lights(MONDAY)  # a paused case keeps its light, whatever the time says
    assert Case.objects.get(pk=case.pk).light == CaseLight.RED


def test_resuming_moves_the_due_date_and_the_light_follows(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
        due = case.due_at
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        services.pause_case(case, PauseReason.EXPERT_REVIEW, note="专家评审")
    with time_machine.travel(MONDAY + timedelta(days=8), tick=False):  # a week and a day later: 6 working days
        services.resume_case(case)
    case.refresh_from_db()
    assert case.due_at > due
    assert case.due_at == calendar.deadline(MONDAY, 15, list(case.pauses.values_list("started_at", "ended_at")))
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        services.refresh_case_lights()
        assert Case.objects.get(pk=case.pk).light == CaseLight.GREEN  # the old date has passed, the new one not
        assert case.current_light == CaseLight.GREEN


def test_the_api_gives_the_case_light_and_due_date(bureau, api_as):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    with time_machine.travel(case.due_at + timedelta(hours=1), tick=False):
        body = api_as(bureau["director"]).get(f"/api/v1/cases/{case.number}").json()
    assert body["light"] == "red"
    assert datetime.fromisoformat(body["due_at"].replace("Z", "+00:00")) == case.due_at


def test_the_worklist_and_the_case_page_show_the_case_light(bureau, client):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    task = case.tasks.get()
    with time_machine.travel(case.due_at + timedelta(hours=1), tick=False):
        client.force_login(task.post.members.order_by("username").first())
        page = client.get("/work/").content.decode()
        assert 'class="case-light"><span class="light light-red"' in page
        page = client.get(f"/work/cases/{case.number}/").content.decode()
        assert 'id="case-light" data-light="red"' in page
