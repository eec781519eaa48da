"""The catalogue in the admin: every save publishes a new version; a bad form schema is refused in Chinese."""

import json

import pytest
from django.urls import reverse

from plandesk.catalog.models import ItemVersion
from plandesk.catalog.tests.conftest import SIMPLE_SCHEMA, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(db):
    return make_item("permit", "建设工程规划许可证核发", materials=[{"code": "application_form", "name": "申请表"}])


def change_data(version: ItemVersion, **overrides) -> dict:
    materials = list(version.materials_list)
    data = {
        "name": version.name, "category": version.category, "summary": version.summary,
        "legal_basis": version.legal_basis, "statutory_days": version.statutory_days,
        "promised_days": version.promised_days, "handling_level": version.handling_level,
        "process_id": version.process_id, "procedure": json.dumps(version.procedure, ensure_ascii=False),
        "parallel_group": "", "certificate_type": version.certificate_type, "fee": version.fee,
        "form_schema": json.dumps(version.form_schema, ensure_ascii=False), "change_note": "修订",
        "materials-TOTAL_FORMS": str(len(materials) + 1), "materials-INITIAL_FORMS": str(len(materials)),
        "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000",
    }
    for index, material in enumerate(materials):
        prefix = f"materials-{index}-"
        data.update({
            prefix + "id": str(material.pk), prefix + "item_version": str(version.pk), prefix + "code": material.code,
            prefix + "name": material.name, prefix + "copies": str(material.copies),
            prefix + "requirement": material.requirement, prefix + "note": material.note,
            prefix + "order": str(material.order), prefix + "due_days": str(material.due_days),
        })
    # The blank extra row, as the browser sends it: its defaults and nothing else.
    extra = f"materials-{len(materials)}-"
    data.update({extra + "copies": "1", extra + "requirement": "required", extra + "order": "0",
                 extra + "due_days": "5"})
    data.update(overrides)
    return data


def change_url(version: ItemVersion) -> str:
    return reverse("admin:catalog_itemversion_change", args=[version.pk])


def test_it_shows_the_catalogue_to_the_administrator_in_chinese(client, administrator, item):
    client.force_login(administrator)
    response = client.get(reverse("admin:catalog_item_changelist"))
    assert response.status_code == 200
    assert "审批事项" in response.content.decode()
    assert "修订现行版本" in response.content.decode()
    assert client.get(change_url(item.current)).status_code == 200


def test_saving_a_version_in_the_admin_publishes_a_new_one(client, administrator, item):
    client.force_login(administrator)
    old = item.current
    data = change_data(old, promised_days="7")
    data.update({"materials-1-code": "site_plan", "materials-1-name": "总平面图", "materials-1-copies": "2",
                 "materials-1-requirement": "deferrable", "materials-1-order": "2", "materials-1-due_days": "5"})
    response = client.post(change_url(old), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    new = item.current
    assert (new.number, new.promised_days, new.change_note) == (2, 7, "修订")
    assert [m.code for m in new.materials_list] == ["application_form", "site_plan"]
    old.refresh_from_db()
    assert (old.is_current, old.promised_days) == (False, 10)
    assert [m.code for m in old.materials_list] == ["application_form"]


def test_an_unchanged_save_publishes_nothing(client, administrator, item):
    client.force_login(administrator)
    data = change_data(item.current, change_note="")
    assert client.post(change_url(item.current), data).status_code == 302
    assert ItemVersion.objects.filter(item=item).count() == 1


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ('{"type": "objekt"}', "不是有效的 JSON Schema"),
        ('{"type": "object", "properties": {"height_m": {"type": "number"}}}', "缺少中文标题"),
        ('{"type": "object", "required": ["x"]}', "没有定义"),
        ("[1, 2]", "须为 JSON 对象"),
        ('{"type": "object", "properties": {"a": {"type": "number", "title": "甲", "minimum": "零"}}}', "minimum"),
    ],
)
def test_the_admin_refuses_a_bad_form_schema_in_chinese(client, administrator, item, schema, message):
    client.force_login(administrator)
    response = client.post(change_url(item.current), change_data(item.current, form_schema=schema))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert ItemVersion.objects.filter(item=item).count() == 1


def test_the_admin_refuses_text_that_is_not_json(client, administrator, item):
    client.force_login(administrator)
    response = client.post(change_url(item.current), change_data(item.current, form_schema="{type: object"))
    assert response.status_code == 200
    assert "JSON" in response.content.decode()
    assert ItemVersion.objects.filter(item=item).count() == 1


def test_old_versions_are_read_only_in_the_admin(client, administrator, item):
    client.force_login(administrator)
    old = item.current
    old.revise(change_note="新版")
    response = client.post(change_url(old), change_data(old, promised_days="3"))
    assert response.status_code == 403
    assert client.get(change_url(old)).status_code == 200  # view only
    assert ItemVersion.objects.filter(item=item).count() == 2


def test_the_admin_adds_a_first_version_for_a_new_item(client, administrator):
    from plandesk.catalog.models import Item

    client.force_login(administrator)
    response = client.post(reverse("admin:catalog_item_add"), {
        "code": "fresh", "order": "5", "is_active": "on",
        "delegation_rules-TOTAL_FORMS": "0", "delegation_rules-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    })
    new_item = Item.objects.get(code="fresh")
    assert response["Location"] == reverse("admin:catalog_itemversion_add") + f"?item={new_item.pk}"
    assert "发布第一版" in client.get(reverse("admin:catalog_item_changelist")).content.decode()
    data = change_data(make_item("other", "其他事项").current, name="新事项", form_schema=json.dumps(SIMPLE_SCHEMA))
    data = {k: v for k, v in data.items() if not k.startswith("materials-0-")}
    data.update({"item": str(new_item.pk), "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:catalog_itemversion_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new_item.refresh_from_db()
    assert (new_item.current.name, new_item.current.number) == ("新事项", 1)


def test_people_who_are_not_administrators_cannot_open_the_catalogue_admin(client, member, item):
    client.force_login(member)
    response = client.get(change_url(item.current))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_item_page_lists_its_rules_and_versions(client, administrator, catalogue):
    client.force_login(administrator)
    pipeline = catalogue["pipeline_approval"]
    pipeline.current.revise(change_note="调整材料")
    page = client.get(reverse("admin:catalog_item_change", args=[pipeline.pk])).content.decode()
    assert "特定范围" in page and "受理机关辖区" in page
    assert "第 1 版" in page and "第 2 版" in page and "调整材料" in page
