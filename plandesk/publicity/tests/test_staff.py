"""The staff's register: a new publicity, its media notice, documents, scheduling, and the office's risk view."""

from datetime import date

import pytest

from plandesk.accounts.models import Role
from plandesk.conftest import make_user
from plandesk.publicity.models import Document, Publicity, Status
from plandesk.publicity.tests.conftest import SITE, real_pdf, real_png, upload

pytestmark = pytest.mark.django_db

NEW = {"title": "江滨路商住项目设计方案批前公示", "subject": "project_scheme", "subject_name": "江滨路商住项目",
       "kind": "pre_approval", "description": "方案说明", "starts_on": "2026-12-07", "ends_on": "2026-12-16"}


def test_it_creates_a_draft_with_the_default_venues_and_a_site(client, member, case):
    import json

    client.force_login(member)
    response = client.post("/publicity/staff/new/", {**NEW, "site_geojson": json.dumps(SITE),
                                                     "case_number": case.number})
    assert response.status_code == 302
    publicity = Publicity.objects.get()
    assert publicity.status == Status.DRAFT and publicity.created_by == member
    assert publicity.venues == ["project_site", "portal"] and publicity.site is not None
    assert publicity.case == case


def test_it_names_the_faults_of_a_new_publicity(client, member):
    client.force_login(member)
    response = client.post("/publicity/staff/new/", {**NEW, "ends_on": "2026-12-10", "case_number": "999",
                                                     "site_geojson": '{"type": "Point", "coordinates": [114, 30]}'})
    assert response.status_code == 400
    page = response.content.decode()
    assert "批前公示期限不得少于 10 日" in page and "没有这个案件编号" in page and "收到的是 Point" in page
    assert not Publicity.objects.exists()


def test_it_refuses_a_notice_four_days_ahead_on_the_staff_page(client, member, draft):
    client.force_login(member)
    url = f"/publicity/staff/{draft.pk}/notice/"
    response = client.post(url, {"outlet": "城市日报", "notice_on": "2026-12-03", "text": ""})
    assert response.status_code == 400 and "公告最迟 2026-12-02" in response.content.decode()
    assert Publicity.objects.get(pk=draft.pk).media_notice_on is None
    assert client.post(url, {"outlet": "城市日报", "notice_on": "2026-12-02", "text": ""}).status_code == 302
    assert Publicity.objects.get(pk=draft.pk).media_notice_on == date(2026, 12, 2)


def test_it_schedules_from_the_staff_page(client, member, draft, travel):
    travel(date(2026, 12, 1))
    client.force_login(member)
    client.post(f"/publicity/staff/{draft.pk}/schedule/")
    assert Publicity.objects.get(pk=draft.pk).status == Status.SCHEDULED
    client.post(f"/publicity/staff/{draft.pk}/unschedule/")
    assert Publicity.objects.get(pk=draft.pk).status == Status.DRAFT


def test_it_uploads_documents_and_refuses_a_liar(client, member, draft):
    client.force_login(member)
    url = f"/publicity/staff/{draft.pk}/documents/"
    response = client.post(url, {"title": "效果图", "file": upload("view.jpg", real_png())})
    assert response.status_code == 400 and "内容与扩展名不符" in response.content.decode()
    assert client.post(url, {"title": "总平面图", "file": upload("plan.pdf", real_pdf())}).status_code == 302
    assert list(Document.objects.values_list("title", flat=True)) == ["总平面图"]


def test_it_shows_the_office_what_is_at_risk(client, draft, travel):
    travel(date(2026, 11, 30))
    office = make_user("office", Role.OFFICE_SUPERVISOR)
    client.force_login(office)
    page = client.get("/publicity/staff/").content.decode()
    assert draft.title in page and "未登记" in page
    workbench = client.get("/workbench/").content.decode()
    assert "公示预警" in workbench and draft.title in workbench


def test_it_edits_a_draft_but_not_into_a_late_notice(client, member, draft):
    client.force_login(member)
    draft.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="")
    url = f"/publicity/staff/{draft.pk}/edit/"
    assert client.get(url).status_code == 200
    earlier = {**NEW, "starts_on": "2026-12-05", "ends_on": "2026-12-14"}
    response = client.post(url, earlier)
    assert response.status_code == 400 and "公告最迟 2026-11-30" in response.content.decode()
    assert Publicity.objects.get(pk=draft.pk).starts_on == date(2026, 12, 7)
    later = {**NEW, "starts_on": "2026-12-08", "ends_on": "2026-12-17"}
    assert client.post(url, later).status_code == 302
    stored = Publicity.objects.get(pk=draft.pk)
    assert stored.starts_on == date(2026, 12, 8) and stored.notice_due_on == date(2026, 12, 3)
    assert stored.site is not None  # kept from before through the form's GeoJSON


def test_it_shows_the_risk_panel_to_the_office_always_and_to_others_when_needed(db, member, outsider):
    from plandesk.publicity.home import at_risk

    office = make_user("office", Role.OFFICE_SUPERVISOR)
    assert at_risk(office)["count"] == 0
    assert at_risk(member) is None and at_risk(outsider) is None


def test_it_lists_cases_whose_items_require_publicity_and_prefills_the_new_one(client, member, case):
    version = case.item_versions.get()
    type(version).objects.filter(pk=version.pk).update(publicity_required=True)
    client.force_login(member)
    page = client.get("/publicity/staff/").content.decode()
    assert case.number in page and f"/publicity/staff/new/?case={case.number}" in page
    form = client.get(f"/publicity/staff/new/?case={case.number}").context["form"]
    assert form["case_number"].value() == case.number and form["subject_name"].value() == case.project_name
    response = client.post("/publicity/staff/new/", {**NEW, "case_number": case.number})
    assert response.status_code == 302
    assert case.number not in client.get("/publicity/staff/").content.decode()
