"""Sign-in limits under concurrency and against spraying, with bounded rows (issue 27).

The probe found 7 × 401 from 30 simultaneous wrong passwords for one username (the 6th must be refused however they
arrive), 160 attempts over 40 usernames from one address all answered 401, and an audit event plus a lockout row
written for each.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from plandesk.accounts.models import LoginThrottle, SignInAddress, address_key
from plandesk.accounts.services import prune_sign_in_counters
from plandesk.audit.models import Event
from plandesk.conftest import PASSWORD


@pytest.fixture
def fast_hasher(settings):
    # Argon2 takes ~100 MB a hash: 30 at once on the 2-core machine would measure the machine, not the lock.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _token(username: str, password: str, address: str = "127.0.0.1", client: Client | None = None):
    return (client or Client()).post("/api/v1/auth/token", {"username": username, "password": password},
                                     content_type="application/json", REMOTE_ADDR=address)


def _at_once(count: int, attempt) -> list[int]:
    """Run attempt(i) in `count` threads released together by a barrier; their status codes."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            client = Client()
            barrier.wait()
            status = attempt(index, client).status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == count
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_wrong_passwords_get_five_401_and_the_sixth_is_refused(fast_hasher, member, settings):
    settings.PLANDESK_LOGIN_ADDRESS_FAILURES = 1000  # each thread from its own address anyway
    statuses = _at_once(30, lambda i, client: _token("member1", "wrong-password", f"10.7.0.{i + 1}", client))
    assert statuses == [401] * 5 + [429] * 25
    assert _token("member1", PASSWORD, "10.7.1.1").status_code == 429  # the right password waits too
    row = LoginThrottle.objects.get(username="member1")
    assert row.failures == 5 and row.locked_until is not None and row.refused == 26
    actions = list(Event.objects.filter(object_id="member1").values_list("action", flat=True))
    assert sorted(actions) == ["auth.failed"] * 5 + ["auth.locked", "auth.locked_out_attempt"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_attempts_from_one_address_stop_at_its_limit(fast_hasher, member, settings):
    settings.PLANDESK_LOGIN_ADDRESS_FAILURES = 8
    statuses = _at_once(20, lambda i, client: _token(f"nobody{i}", "wrong-password", "10.9.9.9", client))
    assert statuses == [401] * 8 + [429] * 12
    assert SignInAddress.objects.get(address="10.9.9.9").failures == 8


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_refused_and_writes_a_bounded_number_of_rows(fast_hasher, member,
                                                                                          settings):
    settings.PLANDESK_LOGIN_ADDRESS_FAILURES = 30
    events_before = Event.objects.count()
    statuses = [_token(f"user{i % 40}", f"Guess-{i}", "198.51.100.7").status_code for i in range(160)]
    assert statuses == [401] * 30 + [429] * 130
    refused = _token("user1", "Guess-x", "198.51.100.7")
    assert refused.json() == {"error": "too_many_failures", "message": "本网络地址登录失败次数过多，请稍后再试"}
    # 30 usernames counted, 30 failures and one refusal audited: not one row per attempt
    assert LoginThrottle.objects.count() == 30
    assert Event.objects.count() - events_before == 31
    # another address is not held back, and the right password from the sprayed address gives its unit back
    assert _token("member1", "wrong", "198.51.100.8").status_code == 401
    assert _token("member1", PASSWORD, "198.51.100.8").status_code == 200
    assert SignInAddress.objects.get(address="198.51.100.8").failures == 1
    # the login page obeys the same limit
    page = Client(REMOTE_ADDR="198.51.100.7").post("/accounts/login/", {"username": "member1", "password": PASSWORD})
    assert page.status_code == 429 and "本网络地址登录失败次数过多" in page.content.decode()


@pytest.mark.django_db
def test_hammering_a_locked_username_writes_one_audit_event_not_one_per_attempt(fast_hasher, member):
    for _ in range(5):
        assert _token("member1", "wrong", "10.3.0.1").status_code == 401
    before = Event.objects.count()
    for i in range(20):
        assert _token("member1", "wrong", f"10.3.1.{i}").status_code == 429
    assert Event.objects.count() - before == 1
    assert LoginThrottle.objects.count() == 1


@pytest.mark.django_db
def test_the_worker_forgets_ended_counts(fast_hasher, member, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for i in range(3):
        _token(f"ghost{i}", "wrong", "10.4.0.1")
    for _ in range(5):
        _token("member1", "wrong", "10.4.0.2")
    assert prune_sign_in_counters() == 0  # all still counting
    time_machine.move_to(timezone.now() + timedelta(minutes=settings.PLANDESK_LOGIN_LOCKOUT_MINUTES + 1), tick=False)
    assert prune_sign_in_counters() == 4  # three ghosts and member1's ended lockout; the windows go on
    time_machine.move_to(timezone.now() + timedelta(minutes=settings.PLANDESK_LOGIN_ADDRESS_WINDOW_MINUTES), tick=False)
    assert prune_sign_in_counters() == 2 and not SignInAddress.objects.exists()


def test_an_ipv6_subscriber_counts_as_one_address():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1" and address_key("192.0.2.1") == "192.0.2.1"
    assert address_key(None) == ""
