"""The work API as shared/API.md fixes it: tasks, completing them (403 first, then 409) and the case."""

from __future__ import annotations

from plandesk.workflow.models import TaskState

REVIEW_FORM = {"conformity": "符合"}


def open_task(case, step_id=None):
    rows = case.tasks.filter(state=TaskState.OPEN)
    if step_id:
        rows = rows.filter(step_id=step_id)
    return rows.get()


def test_it_lists_tasks_offered_to_the_callers_post(bureau, api_as):
    case = bureau.new_case("permit")
    body = api_as(bureau["handler1"]).get("/api/v1/tasks").json()
    assert [(t["case_number"], t["name"], t["post"], t["office"], t["assignee"], t["light"]) for t in body] == [
        (case.number, "承办审查", "div1.handler", "div1", None, "green")
    ]
    assert body[0]["form_schema"]["required"] == ["conformity"]
    assert body[0]["version"] == 1 and body[0]["due_at"]


def test_it_does_not_list_tasks_to_other_divisions_or_outsiders(bureau, api_as, outsider):
    bureau.new_case("permit")
    assert api_as(bureau["handler2"]).get("/api/v1/tasks").json() == []
    assert api_as(outsider).get("/api/v1/tasks").json() == []


def test_it_completes_a_task_and_answers_the_next_ones(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    response = api_as(bureau["handler1"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "opinion": "符合控规，同意", "form": REVIEW_FORM, "version": task.version})
    assert response.status_code == 200, response.content
    nxt = response.json()["next_tasks"]
    assert [(t["name"], t["post"], t["meeting_kind"]) for t in nxt] == [("处务会", "div1.head", "division")]
    task.refresh_from_db()
    assert task.state == "completed" and task.assignee == bureau["handler1"] and task.opinion == "符合控规，同意"


def test_it_refuses_a_stranger_before_anything_else(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    response = api_as(bureau["handler2"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "form": REVIEW_FORM, "version": 999})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.version == 1


def test_it_answers_409_for_a_completed_task_or_a_stale_version(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    client = api_as(bureau["handler1"])
    stale = client.post(f"/api/v1/tasks/{task.pk}/complete", {"decision": "approve", "form": REVIEW_FORM,
                                                                "version": task.version + 1})
    assert stale.status_code == 409
    assert client.post(f"/api/v1/tasks/{task.pk}/complete", {"decision": "approve", "form": REVIEW_FORM,
                                                              "version": task.version}).status_code == 200
    again = client.post(f"/api/v1/tasks/{task.pk}/complete", {"decision": "approve", "form": REVIEW_FORM,
                                                               "version": task.version})
    assert again.status_code == 409
    assert case.tasks.count() == 2  # nothing more happened


def test_it_refuses_a_body_outside_the_contract_and_changes_nothing(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    client = api_as(bureau["handler1"])
    url = f"/api/v1/tasks/{task.pk}/complete"
    for body, status, field in [
        ({"decision": "approve", "form": REVIEW_FORM}, 422, "version"),  # the version is part of the contract
        ({"decision": "approve", "form": REVIEW_FORM, "version": "1"}, 422, "version"),  # a number, not text
        ({"decision": "approve", "form": [1], "version": 1}, 422, "form"),
        ({"decision": "approved", "form": REVIEW_FORM, "version": 1}, 400, "decision"),
    ]:
        response = client.post(url, body)
        assert response.status_code == status, (body, response.content)
        assert response.json()["error"] == "invalid" and response.json()["message"]
        assert field in response.content.decode()
    task.refresh_from_db()
    assert (task.state, task.version) == (TaskState.OPEN, 1)
    assert client.post("/api/v1/tasks/999999999/complete", {"decision": "approve", "version": 1}).status_code == 404


def test_it_rejects_an_invalid_form_naming_the_field(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    response = api_as(bureau["handler1"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "form": {"conformity": "也许"}, "version": task.version})
    assert response.status_code == 400
    assert "规划符合性" in response.json()["message"]
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.version == 1


def test_it_answers_meeting_required_and_lists_the_meeting_to_its_chair(bureau, api_as):
    case = bureau.new_case("permit")
    task = open_task(case)
    api_as(bureau["handler1"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "form": REVIEW_FORM, "version": task.version})
    meeting = open_task(case)
    listed = api_as(bureau["head1"]).get("/api/v1/tasks").json()
    assert [t["id"] for t in listed] == [meeting.pk]
    assert api_as(bureau["handler1"]).get("/api/v1/tasks").json() == []
    response = api_as(bureau["head1"]).post(f"/api/v1/tasks/{meeting.pk}/complete", {
        "decision": "approve", "version": meeting.version})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "meeting_required"
    assert body["meeting_kind"] == "division" and body["division"] == "div1"
    assert body["expected_members"] == ["handler1", "handler1b", "head1"]
    assert body["message"]
    assert api_as(bureau["head2"]).post(f"/api/v1/tasks/{meeting.pk}/complete", {
        "decision": "approve", "version": meeting.version}).status_code == 403


def test_it_shows_the_case_to_those_who_worked_it_and_their_heads(bureau, api_as, outsider):
    case = bureau.new_case("permit")
    task = open_task(case)
    api_as(bureau["handler1"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "form": REVIEW_FORM, "version": task.version})
    url = f"/api/v1/cases/{case.number}"
    for username in ("handler1", "head1", "director", "office"):
        response = api_as(bureau[username]).get(url)
        assert response.status_code == 200, username
    body = response.json()
    assert body["case_number"] == case.number and body["items"] == ["permit"]
    assert body["status"] == "in_progress" and body["handling_office"] == "div1"
    assert body["expected_pickup_date"] and body["certificates"] == []
    assert [t["name"] for t in body["tasks"]] == ["承办审查", "处务会"]
    assert [h["kind"] for h in body["history"]][:2] == ["registered", "step_started"]
    for username in ("handler2", "head2", "handler3"):
        assert api_as(bureau[username]).get(url).status_code == 403, username
    assert api_as(outsider).get(url).status_code == 403
    assert api_as(bureau["director"]).get("/api/v1/cases/999999").status_code == 404


def test_it_publishes_the_work_operations_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/tasks" in paths
    assert "/api/v1/tasks/{task_id}/complete" in paths
    assert "/api/v1/cases/{case_number}" in paths
