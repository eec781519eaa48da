"""The site compliance check on a case: run after intake, stored per run with its data versions, re-run on demand,
served by GET /api/v1/cases/{case_number}/compliance, shown in the workspace with a PDF report, and the jurisdiction
shares at intake."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.audit.models import Event
from plandesk.cases import compliance
from plandesk.cases.models import Case, ComplianceCheck
from plandesk.cases.tests.conftest import application, grid, lonlat_box, site_box
from plandesk.core.pdf import extract_text
from plandesk.gis.models import Layer, LayerVersion, Parcel
from plandesk.gis.query import intersecting


def intake(users, api_as, **changes) -> Case:
    response = api_as(users["intake"]).post("/api/v1/cases", application(**changes))
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["case_number"])


def crossing_road_site() -> dict:
    """A 60 m × 80 m site across the 40 m wide east-west main road EW02 (with a gas main under it), in Division 1."""
    xs, ys = grid()
    return site_box(xs[1] + 40, ys[2] - 40, xs[1] + 100, ys[2] + 40)


def project(site) -> dict:
    return {"name": "江滨花园", "address": "江滨路 1 号", "site": site}


def test_it_runs_after_intake_and_stores_the_result_with_its_data_versions(city, api_as):
    case = intake(city, api_as, project=project(crossing_road_site()))
    [check] = case.compliance_checks.all()
    assert check.number == 1 and check.trigger == ComplianceCheck.Trigger.INTAKE
    assert check.computed_by == city["intake"]
    in_force = {v.layer.code: v.number for v in LayerVersion.objects.filter(status="in_force").select_related("layer")
                if v.layer.code in {"regulatory-parcels", "road-red-lines", "pipelines", "buildings", "key-projects"}}
    assert check.layer_versions == in_force
    assert check.site_area_m2 == pytest.approx(4800, rel=1e-3)
    # Independently: the parcels the index finds under the site are the ones listed.
    expected = sorted(intersecting(Parcel.objects.all(), case.site).values_list("code", flat=True))
    assert sorted(p["code"] for p in check.result["parcels"]) == expected and expected
    kinds = {(c["kind"], c["feature"]) for c in check.result["conflicts"]}
    road = next(c for c in check.result["conflicts"] if c["kind"] == "road_red_line")
    assert road["measure"] == pytest.approx(2400, rel=1e-3)
    assert ("pipeline_clearance", "EW02-gas") in kinds
    assert check.result["proposal"]["floor_area_ratio"] == 2.5 and check.verdict == "fail"
    event = Event.objects.get(action="case.compliance_checked")
    assert event.after["number"] == 1 and event.after["layer_versions"] == in_force


def test_it_serves_the_latest_check_exactly_as_the_contract_says(city, api_as):
    case = intake(city, api_as, project=project(crossing_road_site()))
    response = api_as(city["director"]).get(f"/api/v1/cases/{case.number}/compliance")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"computed_at", "parcels", "checks", "conflicts"}
    assert body["computed_at"].endswith("+08:00")
    assert set(body["parcels"][0]) == {"code", "land_use", "overlap_area_m2", "share"}
    assert {c["indicator"] for c in body["checks"]} == {"floor_area_ratio", "building_density_pct", "height_m",
                                                        "green_ratio_pct", "land_use_class"}
    assert all(set(c) == {"indicator", "limit", "proposed", "result"} for c in body["checks"])
    assert all(c["result"] in ("pass", "fail", "review") for c in body["checks"])
    assert all(set(c) == {"kind", "layer", "feature", "measure"} for c in body["conflicts"])
    assert sum(p["share"] for p in body["parcels"]) <= 1.0001


def test_it_refuses_the_check_to_those_who_may_not_see_the_case(city, api_as, outsider, client):
    case = intake(city, api_as, project=project(crossing_road_site()))
    assert api_as(outsider).get(f"/api/v1/cases/{case.number}/compliance").status_code == 403
    assert api_as(city["handler2"]).get(f"/api/v1/cases/{case.number}/compliance").status_code == 403
    assert api_as(city["director"]).get("/api/v1/cases/1999000001/compliance").status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/compliance").status_code == 401
    assert api_as(city["handler2"]).post(f"/api/v1/cases/{case.number}/compliance").status_code == 403
    assert case.compliance_checks.count() == 1


def test_it_hides_restricted_features_from_a_reader_not_granted_the_layer(city, api_as):
    """The office supervisor sees every case but not the pipelines: the conflict stays, its name does not."""
    case = intake(city, api_as, project=project(crossing_road_site()))
    director = api_as(city["director"]).get(f"/api/v1/cases/{case.number}/compliance").json()
    office = api_as(city["office"]).get(f"/api/v1/cases/{case.number}/compliance").json()
    pipes = [c for c in director["conflicts"] if c["kind"] == "pipeline_clearance"]
    hidden = [c for c in office["conflicts"] if c["kind"] == "pipeline_clearance"]
    assert "EW02-gas" in {c["feature"] for c in pipes}
    assert len(hidden) == len(pipes) and {c["feature"] for c in hidden} == {compliance.RESTRICTED_FEATURE}
    pdf = extract_text(compliance.report_pdf(case.compliance_checks.get()))
    assert "EW02-gas" not in pdf and "管线安全距离内" in pdf


def test_it_reruns_on_demand_on_the_data_in_force_and_keeps_the_earlier_run(city, api_as):
    """After the plan layer is replaced, a re-run reads the new version; the first run still names the old one."""
    case = intake(city, api_as, project=project(crossing_road_site()))
    layer = Layer.objects.get(code="regulatory-parcels")
    version = LayerVersion.open_next(layer, mode=LayerVersion.Mode.REPLACE, source="test")
    Parcel.objects.create(layer=layer, version=version, code="NEW-1", land_use="R2", far_max=1.0, geom=case.site)
    response = api_as(city["handler1"]).post(f"/api/v1/cases/{case.number}/compliance")
    assert response.status_code == 201, response.content
    assert [p["code"] for p in response.json()["parcels"]] == ["NEW-1"]
    first, second = case.compliance_checks.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.trigger == "manual" and second.computed_by == city["handler1"]
    assert first.layer_versions["regulatory-parcels"] == version.number - 1
    assert second.layer_versions["regulatory-parcels"] == version.number
    latest = api_as(city["director"]).get(f"/api/v1/cases/{case.number}/compliance").json()
    assert [p["code"] for p in latest["parcels"]] == ["NEW-1"]


def test_it_shows_the_panel_reruns_from_the_workspace_and_serves_the_report(city, api_as):
    case = intake(city, api_as, project=project(crossing_road_site()))
    client = Client()
    client.force_login(city["director"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="compliance"' in page and 'id="compliance-map"' in page
    assert "compliance-parcels" in page and "占压道路红线" in page and "EW02-gas" in page
    response = client.post(f"/work/cases/{case.number}/compliance/run/")
    assert response.status_code == 302 and response["Location"].endswith("#compliance")
    assert case.compliance_checks.count() == 2
    pdf = client.get(f"/work/cases/{case.number}/compliance/2.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = extract_text(pdf.content)
    assert "用地合规性审查报告" in text and case.number in text and "占压道路红线" in text
    assert "比例尺约 1:" in text  # the map drawn above the tables
    parcel = case.compliance_checks.get(number=2).result["parcels"][0]["code"]
    assert parcel in text
    assert ComplianceCheck.objects.get(case=case, number=2).report_pdf  # kept on the case file
    assert client.get(f"/work/cases/{case.number}/compliance/9.pdf").status_code == 404
    other = Client()
    other.force_login(city["handler2"])
    assert other.get(f"/work/cases/{case.number}/compliance/1.pdf").status_code == 404
    assert other.post(f"/work/cases/{case.number}/compliance/run/").status_code == 404
    assert case.compliance_checks.count() == 2


def test_it_drafts_the_lead_handlers_opinion_from_the_findings(city, api_as):
    case = intake(city, api_as, project=project(crossing_road_site()))
    check = case.compliance_checks.get()
    text = compliance.suggested_opinion(check, city["handler1"])
    assert "容积率：申报 2.5" in text and "占压道路红线" in text and "审查结论：不符合或有冲突" in text
    client = Client()
    client.force_login(city["handler1"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'data-prefill="true"' in page and "容积率：申报 2.5" in page


def test_an_intake_goes_on_when_the_check_fails(city, api_as, settings):
    """A broken clearance setting makes the check raise: the case is registered all the same, without a check."""
    settings.PLANDESK_PIPELINE_CLEARANCE_M = {"gas": "five"}
    case = intake(city, api_as, project=project(crossing_road_site()))
    assert case.compliance_checks.count() == 0 and case.tasks.exists()


def test_it_routes_a_site_in_a_town_to_the_town(city, api_as):
    rural = {"village": "乔村", "building_use": "housing", "land_area_m2": 200, "total_floor_area_m2": 300,
             "floors_above": 2, "height_m": 8}
    materials = [{"code": c, "provided": True} for c in (
        "application_form", "applicant_identity", "village_opinion", "homestead_approval", "house_drawings",
        "household_register", "neighbour_consent")]
    case = intake(city, api_as, items=["rural_permit"], forms={"rural_permit": rural}, materials=materials,
                  project=project(lonlat_box(114.230, 30.600, 114.2302, 30.6002)))
    assert case.handling_office.code == "town_qiao"
    check = case.compliance_checks.get()
    assert [j["unit"] for j in check.jurisdiction] == ["town_qiao"] and not check.split_jurisdiction
    assert check.verdict == "review"  # no plan parcels loaded out there: a person decides


def test_it_flags_a_site_split_between_jurisdictions_with_the_shares(city, api_as):
    """A site across 114.30°E: Division 1 holds 60 %, Division 2 40 %; routed to Division 1 and flagged."""
    case = intake(city, api_as, project=project(lonlat_box(114.2988, 30.6005, 114.3008, 30.6015)))
    assert case.handling_office.code == "div1"
    check = case.compliance_checks.get()
    assert check.split_jurisdiction
    assert [j["unit"] for j in check.jurisdiction] == ["div1", "div2"]
    assert check.jurisdiction[0]["share"] == pytest.approx(0.6, abs=0.01)
    assert check.jurisdiction[1]["share"] == pytest.approx(0.4, abs=0.01)
    client = Client()
    client.force_login(city["director"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="split-jurisdiction"' in page and "行政审批二处 40%" in page
    from plandesk.notifications.models import Notification

    [notice] = Notification.objects.filter(kind="case.split_jurisdiction")
    assert notice.recipient == city["intake"]
    assert "行政审批一处 60%" in notice.body and "行政审批二处 40%" in notice.body


def test_a_site_barely_over_the_line_is_not_flagged(city, api_as, settings):
    from plandesk.notifications.models import Notification

    settings.PLANDESK_SPLIT_JURISDICTION_SHARE = 0.5
    case = intake(city, api_as, project=project(lonlat_box(114.2988, 30.6005, 114.3008, 30.6015)))
    assert not case.compliance_checks.get().split_jurisdiction
    assert not Notification.objects.filter(kind="case.split_jurisdiction").exists()


SPLIT = (114.2988, 30.6005, 114.3008, 30.6015)  # Division 1 holds 60 %, Division 2 40 %


def test_the_clerk_may_hand_a_split_site_to_another_jurisdiction_that_holds_it(city, api_as):
    body = application(project={**project(lonlat_box(*SPLIT)), "handling_office": "div2"})
    response = api_as(city["intake"]).post("/api/v1/cases", body)
    assert response.status_code == 201, response.content
    assert response.json()["handling_office"] == "div2"
    assert Case.objects.get(number=response.json()["case_number"]).handling_office.code == "div2"


def test_it_refuses_a_handling_office_that_holds_none_of_the_site(city, api_as):
    before = Case.objects.count()
    body = application(project={**project(lonlat_box(*SPLIT)), "handling_office": "town_qiao"})
    response = api_as(city["intake"]).post("/api/v1/cases", body)
    assert response.status_code in (400, 422)
    assert "project.handling_office" in response.content.decode()
    assert "行政审批一处（div1）60%" in response.content.decode()
    assert Case.objects.count() == before


def test_the_intake_page_asks_the_clerk_to_choose_for_a_split_site_and_keeps_the_choice(city, settings, tmp_path):
    import json

    from plandesk.testing.applications import intake_form as _form

    settings.PLANDESK_WINDOW_FILES = tmp_path
    client = Client()
    client.force_login(city["intake"])
    form = _form(site_geojson=json.dumps(lonlat_box(*SPLIT)), form_token="split-1")
    page = client.post("/window/intake/?item=land_use_permit", form)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="handling-office-choice"' in html
    assert "行政审批一处（占用地 60%）" in html and "行政审批二处（占用地 40%）" in html
    assert not Case.objects.exists()
    form = _form(site_geojson=json.dumps(lonlat_box(*SPLIT)), form_token="split-1", handling_office="div2")
    assert client.post("/window/intake/?item=land_use_permit", form).status_code == 302
    assert Case.objects.get().handling_office.code == "div2"
