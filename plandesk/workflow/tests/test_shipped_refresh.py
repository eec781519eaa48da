"""A database that stored an earlier shipped version of a process gets the current file as a new version; the
cases started on the earlier one keep it and finish on it; a version an administrator uploaded is left alone."""

from __future__ import annotations

import pytest

from plandesk.cases.models import CaseStatus
from plandesk.organization.models import Post
from plandesk.testing.driving import REVIEW_FORM
from plandesk.workflow import services
from plandesk.workflow.definitions import PROCESS_DIR
from plandesk.workflow.models import ProcessDefinition, TaskState
from plandesk.workflow.processes import refresh_shipped

pytestmark = pytest.mark.django_db
# The two-meetings process as shipped before the publicity stage (the same steps, no gateway).
OLD_STEPS = ["review", "division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
             "check_certificate"]


def old_two_meetings() -> str:
    text = (PROCESS_DIR / "plandesk_two_meetings.bpmn").read_text(encoding="utf-8")
    # Cut the stage out: the review leads straight to the division meeting.
    return text.replace('sourceRef="review" targetRef="gw_publicity"',
                        'sourceRef="review" targetRef="division_meeting"')


def test_an_older_shipped_version_is_replaced_for_new_cases_and_kept_for_running_ones(bureau):
    ProcessDefinition.objects.filter(process_id="plandesk_two_meetings").delete()
    old = services.upload_definition(old_two_meetings(), note="随系统提供", check_posts=False)
    running = bureau.new_case("permit")
    [new] = [d for d in refresh_shipped() if d.process_id == "plandesk_two_meetings"]
    assert new.version == old.version + 1 and new.is_active
    assert refresh_shipped() == []  # idempotent
    fresh = bureau.new_case("permit")
    assert fresh.process.definition_id == new.pk and running.process.definition_id == old.pk
    for step in OLD_STEPS:
        task = running.tasks.get(state=TaskState.OPEN)
        assert task.step_id == step
        person = Post.objects.holders([task.post]).order_by("username").first()
        if task.is_meeting:
            services.complete_meeting_task(running, task.meeting_kind, "approve", "同意", person, "会")
        else:
            services.complete_task(task.pk, person, decision="approve", opinion="同意",
                                   form=REVIEW_FORM if step == "review" else {"submit_to_bureau_meeting": True}
                                   if step == "director_review" else None)
    running.refresh_from_db()
    assert running.status == CaseStatus.READY_FOR_PICKUP


def test_an_administrators_version_is_not_replaced(bureau):
    services.upload_definition(old_two_meetings(), note="本局修订", check_posts=False)
    assert [d.process_id for d in refresh_shipped()] == []
