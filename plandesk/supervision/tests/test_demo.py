"""`plandesk demo` gives the supervision pages something to show: yellow and red steps, a phone reminder, a draft
notice about to lapse, an issued one and an answered one; loading twice changes nothing."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from plandesk.notifications.models import Notification
from plandesk.supervision import demo
from plandesk.supervision.models import LightChange, NoticeStatus, PhoneReminder, UrgingNotice
from plandesk.workflow.models import Light, Task, TaskState

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def lower_layers() -> None:
    from plandesk.accounts import demo as accounts
    from plandesk.catalog import demo as catalog
    from plandesk.organization import demo as organization
    from plandesk.workdays import demo as workdays

    for module in (accounts, organization, workdays, catalog):
        module.load(io.StringIO())


@pytest.mark.parametrize("now", [datetime(2026, 11, 24, 10, 0, tzinfo=TZ),  # a Tuesday morning
                                 datetime(2026, 11, 27, 21, 0, tzinfo=TZ)])  # a Friday evening
def test_the_demo_fills_the_desk_the_notices_and_the_register(now):
    with time_machine.travel(now, tick=False):
        lower_layers()
        demo.load(io.StringIO())
        demo.load(io.StringIO())
        late = Task.objects.filter(case__idempotency_key__startswith="demo-supervision-")
        assert sorted(late.filter(state=TaskState.OPEN, step_id="review").values_list("light", flat=True)) == [
            Light.RED, Light.RED, Light.YELLOW, Light.YELLOW]
        assert late.filter(step_id="review", state=TaskState.COMPLETED).count() == 1
        assert sorted(UrgingNotice.objects.values_list("status", flat=True)) == [
            NoticeStatus.ANSWERED, NoticeStatus.DRAFT, NoticeStatus.ISSUED]
        draft = UrgingNotice.objects.get(status=NoticeStatus.DRAFT)
        assert draft.window_lapses_soon() and not draft.window_lapsed()
        assert PhoneReminder.objects.count() == 1
        assert LightChange.objects.filter(handled_at__isnull=True).count() == 0
        yellow = late.filter(light=Light.YELLOW).values_list("pk", flat=True)
        reminded = Notification.objects.filter(kind="supervision.yellow").values_list("object_id", flat=True)
        assert set(reminded) == {str(pk) for pk in yellow}
        assert Notification.objects.filter(kind="supervision.urging").exists()

        from plandesk.accounts.models import User

        office = Client()
        office.force_login(User.objects.get(username="office"))
        desk = office.get("/supervision/").content.decode()
        assert "签发期限将至" in desk and "督字〔2026〕1号" in desk
        register = office.get("/supervision/assessment/", {"period": f"{now:%Y-%m}"}).content.decode()
        handler = User.objects.get(username="handler1").display_name
        assert handler in register.split('id="register"', 1)[1]
