"""The worklists and the case workspace, through real HTTP with Django's client."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.workflow.models import TaskState


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_my_tasks_with_lights_and_a_count_in_the_nav(bureau):
    case = bureau.new_case("permit")
    page = signed_in(bureau["handler1"]).get("/work/")
    html = page.content.decode()
    assert page.status_code == 200
    assert case.number in html and "承办审查" in html and "light-green" in html
    assert '<span class="badge">1</span>' in html
    assert case.number not in signed_in(bureau["handler2"]).get("/work/").content.decode()


def test_it_filters_the_worklist_by_item_and_office(bureau):
    permit = bureau.new_case("permit")
    pipes = bureau.new_case("pipes")
    html = signed_in(bureau["handler1"]).get("/work/", {"item": "pipes"}).content.decode()
    assert pipes.number in html and permit.number not in html
    html = signed_in(bureau["handler1"]).get("/work/", {"office": "div2"}).content.decode()
    assert permit.number not in html


def test_it_completes_the_current_task_from_the_workspace_form(bureau):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    client = signed_in(bureau["handler1"])
    page = client.get(f"/work/cases/{case.number}/")
    html = page.content.decode()
    assert "审查意见表" in html and "规划符合性" in html and 'id="diagram"' in html
    response = client.post(f"/work/tasks/{task.pk}/complete/", {
        "version": task.version, "decision": "approve", "opinion": "同意", "form__conformity": "符合"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED and task.form_data == {"conformity": "符合"}
    done = client.get("/work/done/").content.decode()
    assert case.number in done


def test_it_refuses_an_incomplete_form_and_keeps_the_task_open(bureau):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    client = signed_in(bureau["handler1"])
    response = client.post(f"/work/tasks/{task.pk}/complete/", {"version": task.version, "decision": "approve"},
                           follow=True)
    assert "规划符合性" in response.content.decode() and "必填" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_it_saves_a_draft_and_shows_it_again(bureau):
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    client = signed_in(bureau["handler1"])
    client.post(f"/work/tasks/{task.pk}/complete/", {"save_draft": "1", "opinion": "初稿意见",
                                                      "form__conformity": "基本符合"})
    html = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "初稿意见" in html and '<option value="基本符合" selected>' in html


def test_it_hides_the_workspace_from_those_who_may_not_see_the_case(bureau, outsider):
    case = bureau.new_case("permit")
    assert signed_in(bureau["handler2"]).get(f"/work/cases/{case.number}/").status_code == 404
    assert signed_in(outsider).get(f"/work/cases/{case.number}/").status_code == 404
    assert signed_in(outsider).get(f"/work/cases/{case.number}/process.bpmn").status_code == 404
    assert Client().get(f"/work/cases/{case.number}/").status_code == 302
    assert signed_in(bureau["director"]).get(f"/work/cases/{case.number}/").status_code == 200
    task = case.tasks.get(state=TaskState.OPEN)
    signed_in(bureau["handler2"]).post(f"/work/tasks/{task.pk}/complete/", {"decision": "approve",
                                                                           "form__conformity": "符合"})
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_it_serves_the_diagram_of_the_cases_version(bureau):
    case = bureau.new_case("permit")
    response = signed_in(bureau["handler1"]).get(f"/work/cases/{case.number}/process.bpmn")
    assert response.status_code == 200 and b"plandesk_two_meetings" in response.content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_draws_the_process_diagram_with_done_and_current_steps(bureau, live_server, page):
    from plandesk.conftest import PASSWORD
    from plandesk.workflow import services

    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    services.complete_task(task.pk, bureau["handler1"], decision="approve", form={"conformity": "符合"})
    bureau["head1"].set_password(PASSWORD)
    bureau["head1"].save()
    page.goto(f"{live_server.url}/work/cases/{case.number}/")
    page.get_by_label("用户名").fill("head1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/work/cases/{case.number}/")
    # A selector wait, not wait_for_function: the pages' Content-Security-Policy forbids eval.
    page.wait_for_selector("#diagram[data-rendered], #diagram[data-error]", state="attached")
    assert page.get_attribute("#diagram", "data-error") is None, page.get_attribute("#diagram", "data-error")
    assert page.locator('#diagram [data-element-id="review"].done').count() == 1
    assert page.locator('#diagram [data-element-id="division_meeting"].current').count() == 1
