"""Racing intake requests: one case per idempotency key, numbers without gaps or duplicates."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from plandesk.cases.models import Case
from plandesk.window import services
from plandesk.window.tests.conftest import application


def _race(bureau, keys: list[str]) -> list:
    barrier = threading.Barrier(len(keys))
    results: list = [None] * len(keys)

    def run(i: int, key: str) -> None:
        try:
            barrier.wait()
            results[i] = services.intake(application(idempotency_key=key), actor=bureau["intake"])
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, key)) for i, key in enumerate(keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_case_for_racing_requests_with_one_key(bureau):
    results = _race(bureau, ["same-key"] * 4)
    assert all(isinstance(r, services.IntakeResult) for r in results), results
    assert len({r.case.number for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert {r.password for r in results} == {next(r.password for r in results if r.created)}
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_numbers_racing_cases_without_gaps_or_duplicates(bureau):
    results = _race(bureau, [f"key-{i}" for i in range(4)])
    assert all(isinstance(r, services.IntakeResult) for r in results), results
    numbers = sorted(r.case.number for r in results)
    year = numbers[0][:4]
    assert numbers == [f"{year}{i:06d}" for i in range(1, 5)]
