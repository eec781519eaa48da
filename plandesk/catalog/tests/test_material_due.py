"""A 容缺 material's due point lives on the catalogue's material: working days after intake, or before issue."""

from __future__ import annotations

from django.urls import reverse

from plandesk.catalog.models import Material, Requirement


def test_the_shipped_items_declare_when_each_deferred_material_falls_due(catalogue):
    permit = catalogue["construction_permit"].current.materials.get(code="land_title")
    assert permit.requirement == Requirement.DEFERRABLE and permit.due_before_issue
    assert permit.due_display == "发证前补交"
    survey = catalogue["land_use_permit"].current.materials.get(code="land_survey_map")
    assert (survey.due_days, survey.due_before_issue) == (5, False)
    assert survey.due_display == "受理后 5 个工作日内补交"
    assert catalogue["site_selection"].current.materials.get(code="land_pre_review").due_days == 10
    # Only 容缺 materials have a due point to show.
    assert Material(requirement=Requirement.COMMITMENT).due_display == ""


def test_the_guide_says_when_a_deferred_material_falls_due(client, catalogue):
    page = client.get(reverse("catalog:item", args=["land_use_permit"])).content.decode()
    assert "受理后 5 个工作日内补交" in page


def test_a_revision_keeps_the_due_points(catalogue, administrator):
    version = catalogue["construction_permit"].current
    new = version.revise(actor=administrator, change_note="措辞")
    assert new.materials.get(code="land_title").due_before_issue
