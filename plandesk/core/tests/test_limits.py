"""One rate limiter and one counter for the house: race-safe on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from plandesk.core import counters, limits
from plandesk.core.models import Quota
from plandesk.testing.races import race

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_the_limit_through_when_twelve_requests_race():
    """Twelve requests from one address at the same instant against a limit of five: five pass, seven are refused."""
    policy = limits.Policy("test.race", limit=5, window=timedelta(hours=1))
    results = race(12, lambda i: policy.take("192.0.2.7"))
    assert results.count(True) == 5, results
    assert results.count(False) == 7, results
    assert policy.used("192.0.2.7") == 5
    assert Quota.objects.count() == 1  # one window row, however many created it at once


def test_it_counts_each_subject_and_each_policy_apart():
    opinions = limits.Policy("test.opinions", limit=lambda: 2)
    lookups = limits.Policy("test.lookups", limit=1)
    with time_machine.travel("2026-12-07 10:05 +0000", tick=False):
        assert [opinions.take("a"), opinions.take("a"), opinions.take("a")] == [True, True, False]
        assert opinions.take("b") and lookups.take("a")
        assert not lookups.take("a")
    with time_machine.travel("2026-12-07 11:00 +0000", tick=False):  # the next hour's window
        assert opinions.take("a") and lookups.take("a")


def test_it_does_not_limit_a_request_without_a_subject():
    policy = limits.Policy("test.none", limit=0)
    assert policy.take(None) and policy.take("")
    assert not policy.take("192.0.2.1")


def test_it_purges_windows_older_than_a_day():
    policy = limits.Policy("test.purge", limit=3)
    with time_machine.travel("2026-12-05 09:00 +0000", tick=False):
        policy.take("x")
    with time_machine.travel("2026-12-07 09:00 +0000", tick=False):
        policy.take("x")
        assert limits.purge() == 1
    assert Quota.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_numbers_without_gaps_or_duplicates_when_ten_workers_race():
    """Ten transactions number at once: 1 to 10, each once; a rolled-back one gives its value back."""
    def number(i: int) -> int:
        with transaction.atomic():
            return counters.next_value("test:scope")

    values = race(10, number)
    assert sorted(values) == list(range(1, 11)), values
    with pytest.raises(RuntimeError), transaction.atomic():
        assert counters.next_value("test:scope") == 11
        raise RuntimeError("the issuing failed")
    assert counters.current_value("test:scope") == 10
    assert counters.next_value("test:other") == 1


def test_it_carries_a_count_over_and_never_goes_back():
    counters.start_at("test:carried", 41)
    counters.start_at("test:carried", 7)
    assert counters.next_value("test:carried") == 42
