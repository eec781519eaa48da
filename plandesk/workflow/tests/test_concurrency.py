"""Nothing is done twice: twenty simultaneous completions of one task give exactly one success."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from plandesk.workflow import services
from plandesk.workflow.models import Task, TaskState

REVIEW_FORM = {"conformity": "符合"}


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_twenty_concurrent_completions_succeed(bureau):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    users = [bureau["handler1"], bureau["handler1b"]]
    results: list[str] = []
    barrier = threading.Barrier(20)

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            services.complete_task(task.pk, users[i % 2], decision="approve", form=REVIEW_FORM, version=1)
            results.append("ok")
        except services.WorkflowError as exc:
            results.append(exc.code)
        except Exception as exc:  # the test reports whatever went wrong
            results.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert all(r in ("ok", "conflict", "forbidden") for r in results), results
    assert Task.objects.filter(case=case, step_id="review").get().version == 2
    assert list(Task.objects.filter(case=case, state=TaskState.OPEN).values_list("step_id", flat=True)) == [
        "division_meeting"]
    assert case.events.filter(kind="step_done").count() == 1
    # The completion appends to the audit chain with plain statements: one event, and the chain still holds.
    from plandesk.audit.models import Event
    from plandesk.audit.services import verify_chain

    assert Event.objects.for_object(task).filter(action="workflow.task_completed").count() == 1
    assert verify_chain().whole


def test_it_refuses_the_second_of_two_completions_with_the_same_version(bureau):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    services.complete_task(task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM, version=1)
    with pytest.raises(services.Conflict):
        services.complete_task(task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM, version=1)
    assert case.tasks.count() == 2
