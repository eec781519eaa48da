import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from plandesk.audit.models import Event
from plandesk.audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _three_events(member):
    return [
        record("case.created", ("cases.case", "1"), after={"status": "in_progress"}, actor=member),
        record("case.paused", ("cases.case", "1"), before={"status": "in_progress"}, after={"status": "paused"}),
        record("case.resumed", ("cases.case", "1"), before={"status": "paused"}, after={"status": "in_progress"}),
    ]


def test_events_link_into_a_chain(member):
    first, second, third = _three_events(member)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain().whole


def test_verify_audit_says_the_chain_is_whole(member, capsys):
    _three_events(member)
    call_command("verify-audit")
    assert "审计链完整" in capsys.readouterr().out


def test_tampering_with_one_row_is_named(member):
    _, second, _ = _three_events(member)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET summary = %s WHERE id = %s", ["forged", second.pk])
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("verify-audit")


def test_deleting_a_row_breaks_the_next_link(member):
    _, second, third = _three_events(member)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [second.pk])
    report = verify_chain()
    assert report.broken_event_id == third.pk


def test_deleting_the_newest_row_shows(member):
    *_, third = _three_events(member)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [third.pk])
    assert not verify_chain().whole


def test_the_orm_never_deletes_or_changes_events(member):
    event, *_ = _three_events(member)
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(action="x")
    event.summary = "changed"
    with pytest.raises(PermissionError):
        event.save()


def test_admin_changes_are_audited(client, administrator, member):
    client.force_login(administrator)
    response = client.post(
        f"/admin/accounts/user/{member.pk}/change/",
        {"username": "member1", "full_name": "改过的名字", "is_active": "on", "date_joined_0": "2026-01-01",
         "date_joined_1": "00:00:00", "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00"},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert Event.objects.filter(action="admin.change", object_id=str(member.pk)).exists()
