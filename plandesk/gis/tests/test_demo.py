"""The demo city: every layer family, small, idempotent, parcels over the central jurisdiction."""

import io

import pytest
from django.contrib.gis.geos import Polygon

from plandesk.gis import demo
from plandesk.gis.geometry import transformed
from plandesk.gis.models import Family, Layer, Parcel, Pipeline

pytestmark = pytest.mark.django_db


def test_it_builds_every_family_once():
    demo.load(io.StringIO())
    counts = {layer.code: layer.features().count() for layer in Layer.objects.all()}
    assert set(Layer.objects.values_list("family", flat=True)) == set(Family.values)
    assert all(counts.values()) and sum(counts.values()) < 5000
    demo.load(io.StringIO())
    assert {layer.code: layer.features().count() for layer in Layer.objects.all()} == counts
    assert all(layer.versions.count() == 1 for layer in Layer.objects.all())


def test_its_parcels_cover_the_central_jurisdiction_with_indicators():
    demo.load(io.StringIO())
    square = Polygon.from_bbox((114.28, 30.58, 114.32, 30.62))
    square.srid = 4326
    inner = transformed(square, Parcel._meta.get_field("geom").srid)
    parcels = Parcel.objects.filter(geom__intersects=inner)
    assert parcels.count() > 50
    assert not parcels.filter(far_max__isnull=True).exists() and not parcels.filter(land_use="").exists()
    x0, y0, x1, y1 = Layer.objects.get(code="regulatory-parcels").extent_lonlat
    assert x0 < 114.261 and y0 < 30.561 and x1 > 114.339 and y1 > 30.639
    assert Pipeline.objects.filter(pipe_kind="gas").exists()
    assert Layer.objects.get(code="pipelines").access == "restricted"


def test_the_demo_leaves_its_cases_with_a_compliance_check(client):
    from django.core.management import call_command
    from django.urls import reverse

    from plandesk.accounts.models import User
    from plandesk.cases.models import Case, ComplianceCheck

    call_command("demo", stdout=io.StringIO())
    cases = Case.objects.filter(idempotency_key__startswith="demo-", site__isnull=False)
    assert cases.count() >= 5
    assert {case.compliance_checks.count() for case in cases} == {1}
    first = cases.get(idempotency_key="demo-case-1")
    check = first.compliance_checks.get()
    assert check.trigger == ComplianceCheck.Trigger.INTAKE and check.result["parcels"], "the site lies on demo parcels"
    # A demo loaded before the check existed gets one; a case that has one keeps it.
    ComplianceCheck.objects.filter(case=first).delete()
    call_command("demo", stdout=io.StringIO())
    assert {case.compliance_checks.count() for case in cases} == {1}
    assert first.compliance_checks.get().number == 1

    client.force_login(User.objects.get(username="director"))
    page = client.get(reverse("workflow:case", args=[first.number])).content.decode()
    assert 'id="compliance-parcels"' in page and "第 1 次审查" in page
