"""The opinion summary joins the case: on the handler's case workspace and on the agenda of the meeting that
decides the case (real pages, a real process and meeting)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from plandesk.publicity.models import OpinionGroup
from plandesk.publicity.services import end_due, start_due, submit_opinion
from plandesk.publicity.tests.conftest import at, scheduled
from plandesk.testing.small import bureau  # noqa: F401 - the small bureau
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_summary_shows_in_the_workspace_and_on_the_meeting_agenda(bureau, travel):  # noqa: F811
    from plandesk.meetings.services import create_meeting

    travel(date(2026, 11, 30))
    case = bureau.new_case("permit")
    review = case.tasks.get(state=TaskState.OPEN)
    workflow.complete_task(review.pk, bureau["handler1"], decision="approve", form={"conformity": "符合"})
    assert case.tasks.get(state=TaskState.OPEN).meeting_kind == "division"
    publicity = scheduled(case=case)
    travel(date(2026, 12, 7))
    assert start_due() == 1
    publicity.refresh_from_db()
    opinion = submit_opinion(publicity, name="王先生", contact="13871000001", content="南侧绿化偏少，建议增加乔木。",
                             client_ip="192.0.2.7")
    opinion.accept(actor=bureau["handler1"])
    group = OpinionGroup.objects.create(publicity=publicity, title="绿化", response="已要求建设单位在南侧增植乔木。")
    opinion.classify(group, actor=bureau["handler1"])
    travel(date(2026, 12, 17))
    assert end_due() == 1

    workspace = signed_in(bureau["handler1"]).get(reverse("workflow:case", args=[case.number]))
    assert workspace.status_code == 200
    page = workspace.content.decode()
    assert "公示意见汇总" in page and publicity.title in page and "已要求建设单位在南侧增植乔木。" in page

    meeting = create_meeting(chair=bureau["head1"], kind="division", division=bureau.units["div1"],
                             held_at=at(date(2026, 12, 18), 9), case_numbers=[case.number])
    agenda = signed_in(bureau["head1"]).get(reverse("meetings:detail", args=[meeting.pk]))
    assert agenda.status_code == 200
    page = agenda.content.decode()
    assert "公示意见汇总" in page and "已要求建设单位在南侧增植乔木。" in page and "意见 1 条：有效 1" in page
