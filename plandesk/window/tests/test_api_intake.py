"""POST /api/v1/cases: the contract's answers, every validation with its message, idempotency, the receipt link."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.core.models import Counter
from plandesk.core.pdf import extract_text
from plandesk.window.models import Receipt
from plandesk.window.tests.conftest import ID_NUMBER, SITE, USCC, application

NOW = "2026-11-27 10:00:00+08:00"


@pytest.fixture
def clerk_api(bureau, api_as):
    return api_as(bureau["intake"])


@time_machine.travel(NOW, tick=False)
def test_it_answers_201_with_the_contract_fields(clerk_api):
    response = clerk_api.post("/api/v1/cases", application())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_number"] == "2026000001"
    assert len(body["query_password"]) == 8 and body["query_password"].isdigit()
    assert body["expected_pickup_date"] == "2026-12-11"
    assert body["handling_office"] == "div1"
    assert body["receipt_url"].startswith("http://testserver/window/receipts/")


@time_machine.travel(NOW, tick=False)
def test_it_serves_the_receipt_pdf_with_number_password_and_pickup_date(clerk_api):
    body = clerk_api.post("/api/v1/cases", application()).json()
    pdf = clerk_api.get(body["receipt_url"].removeprefix("http://testserver"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = extract_text(pdf.content)
    for expected in (body["case_number"], body["query_password"], "2026年12月11日", body["expected_pickup_date"],
                     "立案回执", "江城置业有限公司",
                     "建设用地规划许可证核发", "申请表（加盖申请单位公章）", "/window/query/"):
        assert expected in text


def test_it_stops_serving_the_receipt_after_fifteen_minutes(clerk_api):
    with time_machine.travel(NOW, tick=False):
        body = clerk_api.post("/api/v1/cases", application()).json()
    path = body["receipt_url"].removeprefix("http://testserver")
    with time_machine.travel(timezone.datetime.fromisoformat(NOW) + timedelta(minutes=16), tick=False):
        assert clerk_api.get(path).status_code == 404


def test_it_returns_the_same_case_for_the_same_key(clerk_api):
    with time_machine.travel(NOW, tick=False):
        first = clerk_api.post("/api/v1/cases", application()).json()
        again = clerk_api.post("/api/v1/cases", application())
    assert again.status_code == 200
    assert again.json()["case_number"] == first["case_number"]
    assert again.json()["query_password"] == first["query_password"]
    assert Case.objects.count() == 1
    with time_machine.travel(timezone.datetime.fromisoformat(NOW) + timedelta(minutes=20), tick=False):
        later = clerk_api.post("/api/v1/cases", application())
    assert later.status_code == 200
    assert later.json()["case_number"] == first["case_number"]
    assert later.json()["query_password"] is None and later.json()["receipt_url"] is None


@time_machine.travel(NOW, tick=False)
def test_it_numbers_cases_in_a_yearly_sequence(clerk_api):
    numbers = [clerk_api.post("/api/v1/cases", application(idempotency_key=f"k{i}")).json()["case_number"]
               for i in range(3)]
    assert numbers == ["2026000001", "2026000002", "2026000003"]


@time_machine.travel(NOW, tick=False)
def test_it_refuses_everyone_but_the_intake_clerk(bureau, api, api_as):
    assert api.post("/api/v1/cases", application()).status_code == 401
    for name in ("handler1", "output", "director"):
        response = api_as(bureau[name]).post("/api/v1/cases", application())
        assert response.status_code == 403, name
    assert Case.objects.count() == 0


def _bowtie():
    return {"type": "Polygon", "coordinates": [[[114.285, 30.595], [114.288, 30.597], [114.288, 30.595],
                                                [114.285, 30.597], [114.285, 30.595]]]}


def _far_site():
    return {"type": "Polygon", "coordinates": [[[114.45, 30.60], [114.452, 30.60], [114.452, 30.602],
                                                [114.45, 30.602], [114.45, 30.60]]]}


def _change(path: str, value):
    def apply(data: dict) -> dict:
        data = copy.deepcopy(data)
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[key]
        if value is _DELETE:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
        return data

    return apply


_DELETE = object()
BAD_USCC = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
BAD_ID = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")

CASES = [
    ("items", [], "items", "请至少选择一个审批事项"),
    ("items", ["no_such_item"], "items", "未知或已停办的审批事项：no_such_item"),
    ("items", ["land_use_permit", "pipeline_approval"], "items", "同一并联审批组"),
    ("applicant.name", "", "applicant.name", "“申请人名称”为必填项"),
    ("applicant.contact", "", "applicant.contact", "“联系人”为必填项"),
    ("applicant.credit_code", None, "applicant.credit_code", "二者至少填一项"),
    ("applicant.credit_code", BAD_USCC, "applicant.credit_code", "统一社会信用代码校验位错误"),
    ("applicant.credit_code", "12345", "applicant.credit_code", "统一社会信用代码应为 18 位"),
    ("applicant.id_number", BAD_ID, "applicant.id_number", "公民身份号码校验位错误"),
    ("applicant.phone", "0271234567", "applicant.phone", "手机号码应为 11 位数字"),
    ("applicant.phone", "", "applicant.phone", "为必填项"),
    ("project.name", "", "project.name", "“项目名称”为必填项"),
    ("project.address", "", "project.address", "“项目地址”为必填项"),
    ("project.site", None, "project.site", "须绘制或上传项目用地范围"),
    ("project.site", _bowtie(), "project.site", "自相交"),
    ("project.site", {"type": "Point", "coordinates": [114.3, 30.6]}, "project.site", "须为面"),
    ("project.site", _far_site(), "project.site", "不在本局及其派出机构受理所选事项的任何辖区内"),
    ("forms.land_use_permit", _DELETE, "forms.land_use_permit", "缺少“建设用地规划许可证核发”的申请表"),
    ("forms.land_use_permit.floor_area_ratio", "高", "forms.land_use_permit.floor_area_ratio", "须为数字"),
    ("forms.land_use_permit.land_supply", _DELETE, "forms.land_use_permit.land_supply", "“供地方式”为必填项"),
    ("forms.land_use_permit.land_use_class", "X", "forms.land_use_permit.land_use_class", "须为下列之一"),
    ("forms.pipeline_approval", {}, "forms.pipeline_approval", "不应附其申请表"),
    ("materials", [{"code": "applicant_identity", "provided": True}, {"code": "topographic_map", "provided": True}],
     "materials.application_form", "“申请表（加盖申请单位公章）”为必交材料，缺少时不能受理"),
    ("materials", [{"code": "nope", "provided": True}], "materials.nope", "材料清单中没有这一项"),
]


@pytest.mark.parametrize(("path", "value", "field", "message"), CASES, ids=[c[0] + ":" + c[3][:12] for c in CASES])
@time_machine.travel(NOW, tick=False)
def test_it_names_each_bad_field_and_stores_nothing(clerk_api, path, value, field, message):
    response = clerk_api.post("/api/v1/cases", _change(path, value)(application()))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    found = {f["field"]: f["message"] for f in body["fields"]}
    assert field in found, found
    assert message in found[field]
    assert Case.objects.count() == 0 and Receipt.objects.count() == 0
    assert not Counter.objects.filter(scope__startswith="cases.number:", last__gt=0).exists()


@time_machine.travel(NOW, tick=False)
def test_it_names_several_faults_at_once(clerk_api):
    data = application()
    data["applicant"]["phone"] = "1"
    data["project"]["site"] = _bowtie()
    data["forms"]["land_use_permit"]["floor_area_ratio"] = -1
    fields = {f["field"] for f in clerk_api.post("/api/v1/cases", data).json()["fields"]}
    assert {"applicant.phone", "project.site", "forms.land_use_permit.floor_area_ratio"} <= fields


@time_machine.travel(NOW, tick=False)
def test_it_accepts_a_person_with_an_id_number_and_a_parallel_group(clerk_api):
    data = application(items=["site_selection", "design_scheme_review"], idempotency_key="parallel")
    data["applicant"] = {"name": "张三", "credit_code": None, "id_number": ID_NUMBER, "contact": "张三",
                         "phone": "13800138000"}
    from plandesk.catalog.models import Item

    forms = {}
    for code in data["items"]:
        schema = Item.objects.get(code=code).current.form_schema
        forms[code] = _minimal_form(schema)
    data["forms"] = forms
    from plandesk.window.intake import checklist

    versions = [Item.objects.get(code=c).current for c in data["items"]]
    data["materials"] = [{"code": m["code"], "provided": True} for m in checklist(versions)]
    response = clerk_api.post("/api/v1/cases", data)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["case_number"])
    assert sorted(case.item_codes) == ["design_scheme_review", "site_selection"]
    assert case.promised_days == 15
    assert case.site.intersects(case.site) and SITE


def _minimal_form(schema: dict) -> dict:
    form = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        if "enum" in prop:
            form[name] = prop["enum"][0]
        elif prop.get("type") in ("number", "integer"):
            form[name] = 10
        elif prop.get("type") == "boolean":
            form[name] = True
        elif prop.get("format") == "date":
            form[name] = "2026-11-01"
        else:
            form[name] = "某某"
    return form


@time_machine.travel(NOW, tick=False)
def test_it_reprints_with_a_new_password_that_replaces_the_old(clerk_api, bureau, api, api_as):
    first = clerk_api.post("/api/v1/cases", application()).json()
    path = f"/api/v1/cases/{first['case_number']}/receipt"
    assert api_as(bureau["output"]).post(path).status_code == 403
    again = clerk_api.post(path)
    assert again.status_code == 200 and again.json()["receipt_url"]
    new = again.json()["query_password"]
    query = "/api/v1/public/query"
    assert api.post(query, {"case_number": first["case_number"], "password": new}).status_code == 200
    if new != first["query_password"]:
        assert api.post(query, {"case_number": first["case_number"],
                                "password": first["query_password"]}).status_code == 404
