"""Process definitions: checked on upload, stored as versions, running cases keep theirs; the admin page."""

from __future__ import annotations

from pathlib import Path

import pytest

from plandesk.workflow import engine, services
from plandesk.workflow.models import ProcessDefinition, TaskState

SHIPPED = Path(services.PROCESS_DIR)


def shipped(name: str) -> str:
    return (SHIPPED / f"{name}.bpmn").read_text(encoding="utf-8")


def test_it_ships_four_processes_that_check_clean_against_the_bureau(bureau):
    for path in services.shipped_process_files():
        _parsed, problems = services.check_definition(path.read_text(encoding="utf-8"))
        assert problems == [], path.name
    assert {p.stem for p in services.shipped_process_files()} == {
        "plandesk_two_meetings", "plandesk_parallel_approval", "plandesk_co_review", "plandesk_delegated"}


def test_it_ships_diagram_information_for_every_element():
    from lxml import etree

    for path in services.shipped_process_files():
        root = etree.parse(str(path))
        ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
              "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
        elements = set(root.xpath("//bpmn:process/*[@id][not(self::bpmn:laneSet)]/@id", namespaces=ns))
        drawn = set(root.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement", namespaces=ns))
        assert elements <= drawn, path.name


def test_every_certificate_step_is_followed_by_a_second_persons_check():
    """证件校核 (issue 8): after each certificate step, a one-working-day check at the handling office's head, whose
    `reject` leads back to the certificate step (its `return` does so through the engine)."""
    for path in services.shipped_process_files():
        parsed = engine.parse_process(path.read_text(encoding="utf-8"))
        for kind in ("certificate", "refusal"):
            check = parsed.steps[f"check_{kind}"]
            assert (check.name, check.time_limit_days) == ("证件校核", 1), path.name
            assert check.lane == "head", path.name
        xml = path.read_text(encoding="utf-8")
        for kind in ("certificate", "refusal"):
            assert f'sourceRef="prepare_{kind}" targetRef="check_{kind}"' in xml, path.name
            assert f'sourceRef="gw_check_{kind}" targetRef="prepare_{kind}"' in xml, path.name


def test_it_lists_every_problem_of_a_bad_file_and_stores_nothing(bureau):
    xml = shipped("plandesk_two_meetings")
    xml = xml.replace('[head]"', '[nobody.here]"')
    xml = xml.replace('<spiffworkflow:property name="time_limit_days" value="2"/>', "", 1)
    xml = xml.replace('id="review" name="承办审查">', 'id="review" name="承办审查">', 1)
    with pytest.raises(engine.ProcessError) as info:
        services.upload_definition(xml, actor=bureau["director"])
    problems = info.value.problems
    assert any("nobody.here" in p for p in problems)
    assert any("没有时限" in p for p in problems)
    assert ProcessDefinition.objects.count() == 0


def test_it_refuses_unknown_item_codes_and_broken_xml(bureau):
    xml = shipped("plandesk_parallel_approval").replace('value="site_selection"', 'value="no_such_item"')
    _parsed, problems = services.check_definition(xml)
    assert any("no_such_item" in p for p in problems)
    _parsed, problems = services.check_definition("<bpmn:definitions")
    assert problems and "XML" in problems[0]


def test_it_keeps_running_cases_on_their_version(bureau, administrator):
    case = bureau.new_case("permit")
    first = case.process.definition
    assert first.version == 1
    changed = shipped("plandesk_two_meetings").replace('name="time_limit_days" value="5"',
                                                     'name="time_limit_days" value="7"', 1)
    second = services.upload_definition(changed, actor=administrator, note="审查时限调整")
    assert second.version == 2 and second.is_active
    first.refresh_from_db()
    assert not first.is_active
    later = bureau.new_case("permit")
    assert later.process.definition == second
    assert later.tasks.get(state=TaskState.OPEN).limit_days == 7
    assert case.tasks.get(state=TaskState.OPEN).limit_days == 5
    from plandesk.workflow.tests.test_processes import work

    assert work(case)[-2:] == ["prepare_certificate", "check_certificate"]


def test_it_uploads_through_the_admin_page_and_shows_problems(bureau, administrator, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(administrator)
    url = "/admin/workflow/processdefinition/upload/"
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("bad.bpmn", b"<not-bpmn/>")
    response = client.post(url, {"file": bad, "note": ""})
    assert response.status_code == 200
    assert "BPMN" in response.content.decode()
    assert ProcessDefinition.objects.count() == 0
    good = SimpleUploadedFile("p.bpmn", shipped("plandesk_delegated").encode())
    response = client.post(url, {"file": good, "note": "首版"})
    assert response.status_code == 302
    assert ProcessDefinition.objects.get().process_id == "plandesk_delegated"


def test_it_refuses_the_upload_page_to_non_administrators(bureau, client):
    client.force_login(bureau["director"])
    response = client.get("/admin/workflow/processdefinition/upload/")
    assert response.status_code in (302, 403)
