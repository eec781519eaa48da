"""A decision is taken once: ten people pressing 记录决定 at the same moment give one decision, one completed step."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from plandesk.audit.models import Event
from plandesk.meetings import services
from plandesk.meetings.tests.conftest import HELD_AT, open_task, to_division_meeting


@pytest.mark.django_db(transaction=True)
def test_it_records_exactly_one_of_ten_simultaneous_decisions(bureau):
    case = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT,
                                      present=["handler1"], recorder=bureau["handler1"])
    people = [bureau["head1"], bureau["handler1"]]
    decisions = ["approve", "defer", "reject", "revise", "approve"]
    results: list[str] = []
    barrier = threading.Barrier(10)

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            services.decide(meeting, people[i % 2], case.number, decisions[i % 5], f"意见{i}")
            results.append("ok")
        except services.MeetingError as exc:
            results.append(exc.code)
        except Exception as exc:  # the test reports whatever went wrong
            results.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert set(results) == {"ok", "already_decided"}, results
    item = meeting.items.get()
    assert Event.objects.filter(action="meetings.decided").count() == 1
    step = case.tasks.get(step_id="division_meeting")
    if item.decision == "defer":
        assert open_task(case).pk == step.pk
    else:
        assert step.state == "completed" and step.opinion.endswith(item.opinion)
