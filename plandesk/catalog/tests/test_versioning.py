"""An item's rules change by new versions; whatever was filed under an old version keeps it."""

import pytest
from django.db import models

from plandesk.audit.models import Event
from plandesk.catalog.models import Item, ItemVersion, Material, Requirement
from plandesk.catalog.tests.conftest import make_item

pytestmark = pytest.mark.django_db


class Filing:
    """Stands for a case: it holds the version it was filed under (as cases.Case.item_versions does)."""

    def __init__(self, version: ItemVersion):
        self.version_id = version.pk

    @property
    def version(self) -> ItemVersion:
        return ItemVersion.objects.get(pk=self.version_id)


@pytest.fixture
def item(db) -> Item:
    return make_item(
        "permit", "建设工程规划许可证核发",
        materials=[
            {"code": "application_form", "name": "申请表", "original": True},
            {"code": "drawings", "name": "施工图", "copies": 2},
        ],
    )


def test_it_publishes_the_first_version_as_current(item):
    version = item.current
    assert (version.number, version.is_current) == (1, True)
    assert [m.code for m in version.materials_list] == ["application_form", "drawings"]
    assert Event.objects.filter(action="catalog.version_published", object_id=str(version.pk)).exists()


def test_a_revision_makes_a_new_current_version_and_keeps_the_old_one_for_its_cases(item):
    old = item.current
    filed = Filing(old)
    new = old.revise(promised_days=8, change_note="压缩承诺时限")
    item.refresh_from_db()
    assert item.current == new
    assert (new.number, new.promised_days, new.is_current) == (2, 8, True)
    assert [m.code for m in new.materials_list] == ["application_form", "drawings"]
    kept = filed.version
    assert (kept.number, kept.promised_days, kept.is_current) == (1, 10, False)
    assert [m.code for m in kept.materials_list] == ["application_form", "drawings"]
    assert ItemVersion.objects.filter(item=item, is_current=True).count() == 1


def test_a_new_form_schema_does_not_change_the_form_an_old_filing_must_satisfy(item):
    from plandesk.catalog.schemas import form_errors

    old = item.current
    filed = Filing(old)
    stricter = {**old.form_schema, "required": ["project_name", "land_area_m2"]}
    item.current.revise(form_schema=stricter, change_note="用地面积改为必填")
    form = {"project_name": "某某中学"}
    assert form_errors(filed.version.form_schema, form) == {}
    item.refresh_from_db()
    assert "land_area_m2" in form_errors(item.current.form_schema, form)


def test_a_revision_can_replace_the_materials_without_touching_the_old_version(item):
    old = item.current
    drawings = {"code": "drawings", "name": "施工图（电子版）", "requirement": Requirement.DEFERRABLE}
    new = old.revise(materials=[drawings])
    assert [m.name for m in new.materials_list] == ["施工图（电子版）"]
    assert Material.objects.filter(item_version=old).count() == 2


def test_a_revision_with_a_bad_schema_is_refused_and_changes_nothing(item):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        item.current.revise(form_schema={"type": "objekt"})
    assert "JSON Schema" in str(caught.value.message_dict["form_schema"])
    item.refresh_from_db()
    assert item.current.number == 1
    assert ItemVersion.objects.filter(item=item).count() == 1


def test_a_saved_version_is_never_published_twice(item):
    with pytest.raises(ValueError):
        item.current.publish()


def test_versions_cannot_be_deleted_while_their_item_exists(item):
    with pytest.raises(models.ProtectedError):
        item.current.delete()
