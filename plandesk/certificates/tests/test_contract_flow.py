"""The certificate step and the second person's check (证件校核) driven exactly as shared/API.md describes it: each
demo person asks `GET /api/v1/tasks` for what is theirs and completes it (meetings through the meetings API), until
the case is ready for pick-up with its certificate issued and verifiable; the preparer may not work the check."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from plandesk.cases.models import CaseStatus
from plandesk.certificates import signing
from plandesk.certificates.models import Certificate, Status
from plandesk.certificates.tests.conftest import finish_step, open_task, to_certificate_step
from plandesk.conftest import make_user
from plandesk.organization.models import Post, PostMembership
from plandesk.testing.applications import application
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

# The demo people who work a case of Division 1 (API.md "Demo accounts"), in no particular order.
STAFF = ("handler1", "head1", "director", "handler2", "head2", "office")
HELD_AT = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")).isoformat()


def fill(schema: dict | None) -> dict | None:
    """A form satisfying a task's `form_schema`, as a client builds it from the schema alone."""
    if not schema:
        return None
    form = {}
    for name, prop in schema.get("properties", {}).items():
        if "enum" in prop:
            form[name] = prop["enum"][0]
        elif prop.get("type") == "boolean":
            form[name] = True
        else:
            form[name] = "同意"
    return form


def drive(api_as, bureau, number: str, *, max_rounds: int = 20) -> list[tuple[str, str, int]]:
    """Complete every task of the case its holders find in their task lists; returns (user, step, status) of each
    completion tried. A meeting step is decided by its chair through the meetings API, as API.md says."""
    clients = {name: api_as(bureau[name]) for name in STAFF}
    done = []
    for _round in range(max_rounds):
        mine = [(name, task) for name, client in clients.items()
                for task in client.get("/api/v1/tasks").json() if task["case_number"] == number]
        if not mine:
            return done
        name, task = mine[0]
        client = clients[name]
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", {
            "decision": "approve", "opinion": f"{task['name']}：同意", "form": fill(task["form_schema"]),
            "version": task["version"]})
        done.append((name, task["name"], response.status_code))
        if response.status_code == 409 and response.json()["error"] == "meeting_required":
            body = response.json()
            made = client.post("/api/v1/meetings", {"kind": body["meeting_kind"], "division": body["division"],
                                                    "held_at": HELD_AT, "attendees": body["expected_members"],
                                                    "case_numbers": [number]})
            assert made.status_code == 201, made.content
            decided = client.post(f"/api/v1/meetings/{made.json()['id']}/decisions",
                                  {"case_number": number, "decision": "approve", "opinion": "同意"})
            assert decided.status_code == 200, decided.content
        else:
            assert response.status_code == 200, (name, task["name"], response.content)
    raise AssertionError(f"case {number} still has tasks after {max_rounds} rounds: {done}")


def test_a_client_following_the_contract_takes_a_case_to_an_issued_verifiable_certificate(bureau, api, api_as):
    filed = api_as(bureau["intake"]).post("/api/v1/cases", application(idempotency_key="contract-flow-1"))
    assert filed.status_code == 201, filed.content
    number = filed.json()["case_number"]

    done = drive(api_as, bureau, number)

    worked = [(name, step) for name, step, status in done if status == 200]
    assert ("handler1", "制证") in worked and ("head1", "证件校核") in worked
    assert worked.index(("handler1", "制证")) < worked.index(("head1", "证件校核"))
    assert all(status in (200, 409) for _n, _s, status in done)
    case = api_as(bureau["director"]).get(f"/api/v1/cases/{number}").json()
    assert case["status"] == CaseStatus.READY_FOR_PICKUP
    [cert_number] = case["certificates"]
    cert = Certificate.objects.get(number=cert_number)
    assert cert.prepared_by == bureau["handler1"] and cert.checked_by == bureau["head1"]
    assert cert.status == Status.ISSUED

    verdict = api.get(f"/api/v1/certificates/{quote(cert_number)}/verify", {"code": signing.check_code(cert.signature)})
    assert verdict.status_code == 200
    assert verdict.json()["valid"] is True and verdict.json()["status"] == "issued"
    assert verdict.json()["holder"] == "江城置业有限公司"


def test_the_preparer_gets_403_on_the_check_task_and_nothing_changes(bureau, api_as):
    case = to_certificate_step(bureau)
    handler = api_as(bureau["handler1"])
    prepare = open_task(case)
    response = handler.post(f"/api/v1/tasks/{prepare.pk}/complete",
                            {"decision": "approve", "opinion": "制证完毕", "version": prepare.version})
    assert response.status_code == 200, response.content
    [check] = response.json()["next_tasks"]
    assert check["name"] == "证件校核"
    assert check["id"] not in [t["id"] for t in handler.get("/api/v1/tasks").json()]
    refused = handler.post(f"/api/v1/tasks/{check['id']}/complete",
                           {"decision": "approve", "opinion": "自己校核", "version": check["version"]})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    task = open_task(case)
    assert task.pk == check["id"] and task.state == TaskState.OPEN
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and not case.certificates.exists()


def test_a_preparer_who_also_holds_the_checking_post_is_refused_403_and_nothing_changes(bureau, api_as):
    # head1 is also a handler of the division for a while: he may complete the certificate step, then not check it.
    PostMembership.objects.create(post=Post.objects.get(code="div1.handler"), user=bureau["head1"])
    case = to_certificate_step(bureau)
    head = api_as(bureau["head1"])
    prepare = open_task(case)
    assert head.post(f"/api/v1/tasks/{prepare.pk}/complete",
                     {"decision": "approve", "version": prepare.version}).status_code == 200
    check = open_task(case)
    response = head.post(f"/api/v1/tasks/{check.pk}/complete", {"decision": "approve", "version": check.version})
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "forbidden" and "另一人" in response.json()["message"]
    # Nor may he claim it, nor does his worklist offer it; he may only hand it on.
    assert head.post(f"/api/v1/tasks/{check.pk}/claim", {"version": check.version}).status_code == 403
    assert check.pk not in [t["id"] for t in head.get("/api/v1/tasks").json()]
    # Nor is it counted in his nav badge and workbench panel: they count what his worklist shows.
    from plandesk.workflow.home import my_tasks
    from plandesk.workflow.nav import open_task_count

    listed = len(head.get("/api/v1/tasks").json())
    assert (open_task_count(bureau["head1"]) or 0) == listed
    assert ((my_tasks(bureau["head1"]) or {}).get("count") or 0) == listed
    check.refresh_from_db()
    assert check.state == TaskState.OPEN and check.completed_by is None
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and not case.certificates.exists()

    # A colleague at the head's post (another person allowed to check) may: the case is ready, the licence issued.
    deputy = make_user("deputy1", "division_head")
    PostMembership.objects.create(post=Post.objects.get(code="div1.head"), user=deputy)
    workflow.transfer_task(check.pk, bureau["head1"], deputy, "本人制证，转副处长校核")
    workflow.complete_task(check.pk, deputy, decision="approve", opinion="核对无误")
    cert = case.certificates.get()
    assert cert.status == Status.ISSUED and cert.prepared_by == bureau["head1"] and cert.checked_by == deputy


def test_a_check_returned_or_rejected_goes_back_to_the_certificate_step_with_the_reason(bureau):
    from plandesk.cases.models import CaseEvent

    case = to_certificate_step(bureau)
    for decision in ("return", "reject"):
        workflow.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", opinion="制证完毕")
        check = open_task(case)
        assert check.step_id == "check_certificate" and check.post.code == "div1.head"
        workflow.complete_task(check.pk, bureau["head1"], decision=decision,
                               opinion=f"用地面积与红线图不符（{decision}）")
        again = open_task(case)
        assert again.step_id == "prepare_certificate" and again.pk != check.pk
        history = CaseEvent.objects.filter(case=case, data__task=check.pk).exclude(
            kind=CaseEvent.Kind.STEP_STARTED).get()
        assert history.kind == (CaseEvent.Kind.RETURNED if decision == "return" else CaseEvent.Kind.STEP_DONE)
        assert history.detail == f"用地面积与红线图不符（{decision}）"
    case = finish_step(bureau, case)
    assert case.status == CaseStatus.READY_FOR_PICKUP
    assert case.certificates.get().status == Status.ISSUED


def test_a_refusal_decision_is_checked_at_its_own_step(bureau):
    case = finish_step(bureau, to_certificate_step(bureau, decision="reject"))
    [cert] = case.certificates.all()
    assert case.outcome == "rejected" and cert.type.code == "refusal_decision"
    assert cert.status == Status.ISSUED and cert.checked_by == bureau["head1"]
    assert case.tasks.filter(step_id="check_refusal", state=TaskState.COMPLETED).exists()


def test_the_checker_sees_what_the_check_will_approve_and_nothing_is_stored_before(bureau, client):
    case = to_certificate_step(bureau)
    workflow.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", opinion="制证完毕")
    client.force_login(bureau["head1"])
    page = client.get(f"/certificates/cases/{case.number}/").content.decode()
    assert 'id="check-preview"' in page and "建设用地规划许可证" in page and "江城置业有限公司" in page
    assert not case.certificates.exists()
    workflow.complete_task(open_task(case).pk, bureau["head1"], decision="approve", opinion="核对无误")
    page = client.get(f"/certificates/cases/{case.number}/").content.decode()
    assert 'id="check-preview"' not in page and case.certificates.get().status == Status.ISSUED
