"""Two workers side by side: each light change, reminder and draft notice is produced once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from plandesk.notifications.models import Notification
from plandesk.notifications.services import deliver_pending
from plandesk.supervision.jobs import supervision_lights, supervision_reminders
from plandesk.supervision.models import LightChange, UrgingNotice
from plandesk.workflow.models import Light, Task, TaskState

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def run_two_workers(rounds: int = 3) -> list[str]:
    errors: list[str] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                supervision_lights()
                supervision_reminders()
                deliver_pending()
        except Exception as exc:  # the test reports whatever went wrong
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_it_lets_two_workers_produce_each_reminder_and_notice_once(bureau, settings, tmp_path):
    settings.PLANDESK_SMS_FILE = str(tmp_path / "sms.jsonl")
    settings.PLANDESK_SMS_BACKEND = "plandesk.notifications.backends.FileSmsBackend"
    bureau["handler1"].phone = "13800000001"
    bureau["handler1"].save()
    with time_machine.travel(MONDAY, tick=False):
        cases = [bureau.new_case("permit") for _ in range(6)]
    tasks = list(Task.objects.filter(case__in=cases, state=TaskState.OPEN))
    warn, due = tasks[0].warn_at, tasks[0].due_at

    with time_machine.travel(warn + timedelta(minutes=1), tick=False):
        assert run_two_workers() == []
    assert set(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("light", flat=True)) == {Light.YELLOW}
    assert LightChange.objects.filter(to_light=Light.YELLOW).count() == 6
    # Unclaimed steps: both handlers of the post are reminded, the head gets a copy, each exactly once.
    yellow = Notification.objects.filter(kind__startswith="supervision.yellow")
    assert yellow.filter(channel="in_app").count() == 6 * 3
    assert sorted(set(yellow.values_list("recipient__username", flat=True))) == ["handler1", "handler1b", "head1"]
    # The handler with a phone also gets an SMS, sent once by whichever worker claimed it.
    assert yellow.filter(channel="sms", status="sent").count() == 6
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all("13800000001" in line for line in lines)

    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        assert run_two_workers() == []
    assert LightChange.objects.filter(to_light=Light.RED).count() == 6
    assert UrgingNotice.objects.count() == 6
    assert Notification.objects.filter(kind="supervision.red").count() == 6
    assert not LightChange.objects.filter(handled_at__isnull=True).exists()
