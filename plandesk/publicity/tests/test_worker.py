"""The worker starts and ends publicity on their dates, once, however many workers run."""

from datetime import date

import pytest

from plandesk.audit.models import Event
from plandesk.core.jobs import registered_jobs
from plandesk.publicity import services
from plandesk.publicity.jobs import end_publicity, start_publicity
from plandesk.publicity.models import Publicity, Status
from plandesk.publicity.tests.conftest import make_publicity, scheduled

pytestmark = pytest.mark.django_db


def _events(publicity, action):
    return Event.objects.filter(object_type="publicity.publicity", object_id=str(publicity.pk), action=action).count()


def test_it_starts_and_ends_a_publicity_on_its_dates_once(travel):
    publicity = scheduled()
    travel(date(2026, 12, 6))
    assert start_publicity() == 0
    travel(date(2026, 12, 7), hour=0)
    assert start_publicity() == 1
    assert start_publicity() == 0
    assert Publicity.objects.get(pk=publicity.pk).status == Status.RUNNING
    travel(date(2026, 12, 16), hour=23)
    assert end_publicity() == 0  # the last day is still part of the period
    travel(date(2026, 12, 17), hour=0)
    assert end_publicity() == 1
    assert end_publicity() == 0
    stored = Publicity.objects.get(pk=publicity.pk)
    assert stored.status == Status.ENDED and stored.started_at and stored.ended_at
    assert _events(publicity, "publicity.started") == 1
    assert _events(publicity, "publicity.ended") == 1


def test_it_lets_only_one_of_two_workers_start_a_publicity(travel):
    """Two workers read the same scheduled row; the compare-and-set lets exactly one of them start it."""
    publicity = scheduled()
    travel(date(2026, 12, 7))
    first, second = Publicity.objects.get(pk=publicity.pk), Publicity.objects.get(pk=publicity.pk)
    assert services.start(first) is True
    assert services.start(second) is False
    assert _events(publicity, "publicity.started") == 1


def test_it_leaves_a_publicity_with_a_late_notice_waiting(travel):
    publicity = make_publicity()
    publicity.schedule(today=date(2026, 12, 1))
    travel(date(2026, 12, 7))
    assert start_publicity() == 0
    assert Publicity.objects.get(pk=publicity.pk).status == Status.SCHEDULED
    assert Publicity.objects.at_risk().filter(pk=publicity.pk).exists()


def test_it_offers_its_jobs_to_the_plandesk_worker(travel):
    publicity = scheduled()
    travel(date(2026, 12, 7))
    jobs = dict(registered_jobs())
    assert {"publicity.start_publicity", "publicity.end_publicity", "core.purge_rate_limits"} <= set(jobs)
    assert jobs["publicity.start_publicity"]() == 1
    assert Publicity.objects.get(pk=publicity.pk).status == Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_it_starts_a_publicity_once_when_two_workers_run_at_the_same_moment(travel):
    """Two threads, each with its own database connection, sweep at once: one start, one audit event."""
    import threading

    from django.db import connection

    publicity = scheduled()
    travel(date(2026, 12, 7))
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker():
        try:
            barrier.wait()
            results.append(start_publicity())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert _events(publicity, "publicity.started") == 1


def test_it_warns_the_office_once_of_a_publicity_at_risk(member):
    from plandesk.accounts.models import Role
    from plandesk.conftest import make_user
    from plandesk.notifications.models import Notification
    from plandesk.publicity.services import warn_at_risk

    office = make_user("office", Role.OFFICE_SUPERVISOR)
    publicity = make_publicity(created_by=member)
    assert warn_at_risk(today=date(2026, 11, 25)) == 0  # the notice is due 12-02: not near yet
    assert warn_at_risk(today=date(2026, 11, 30)) == 2
    assert warn_at_risk(today=date(2026, 12, 1)) == 0
    notice = Notification.objects.get(recipient=office)
    assert notice.subject == f"公示预警：{publicity.title}" and "2026-12-02" in notice.body
    assert notice.url == f"/publicity/staff/{publicity.pk}/"
    assert Notification.objects.filter(recipient=member, kind="publicity.at_risk").count() == 1
