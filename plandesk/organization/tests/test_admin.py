"""The admin pages of the organization, through the real admin with Django's client."""

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from plandesk.audit.models import Event
from plandesk.organization.models import Post, PostMembership, Substitute, Unit

pytestmark = pytest.mark.django_db

SQUARE = "POLYGON((114.26 30.56, 114.34 30.56, 114.34 30.64, 114.26 30.64, 114.26 30.56))"
BOWTIE = "POLYGON((114.26 30.56, 114.34 30.64, 114.34 30.56, 114.26 30.64, 114.26 30.56))"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def unit_form(**overrides) -> dict:
    data = {"code": "branch_west", "name": "西区分局", "kind": "branch", "parent": "", "head": "",
            "jurisdiction": "", "is_active": "on", "sort_order": "0",
            "posts-TOTAL_FORMS": "0", "posts-INITIAL_FORMS": "0", "posts-MIN_NUM_FORMS": "0",
            "posts-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def post_form(**overrides) -> dict:
    data = {"code": "div1.clerk", "name": "内勤", "unit": "", "function": "handler", "authority": "opinion",
            "duties": "", "standard": "", "time_limit_days": "",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def errors_of(response) -> str:
    assert response.status_code == 200, "the admin should show the form again with errors"
    return response.content.decode()


def test_it_stores_a_jurisdiction_typed_in_lon_lat_in_the_bureau_crs(admin_client):
    response = admin_client.post("/admin/organization/unit/add/", unit_form(jurisdiction=SQUARE))
    assert response.status_code == 302
    unit = Unit.objects.get(code="branch_west")
    assert unit.jurisdiction.srid == settings.PLANDESK_SRID
    assert unit.jurisdiction.geom_type == "MultiPolygon"
    centre = Point(114.30, 30.60, srid=4326).transform(settings.PLANDESK_SRID, clone=True)
    assert unit.jurisdiction.contains(centre)
    assert 55e6 < unit.jurisdiction.area < 70e6  # about 7.7 km × 8.9 km
    assert Event.objects.filter(action="admin.add", object_type="organization.unit").exists()


def test_it_shows_the_stored_jurisdiction_back_in_lon_lat(admin_client):
    admin_client.post("/admin/organization/unit/add/", unit_form(jurisdiction=SQUARE))
    unit = Unit.objects.get(code="branch_west")
    page = admin_client.get(f"/admin/organization/unit/{unit.pk}/change/").content.decode()
    assert "114.26" in page and "MultiPolygon" in page


def test_it_refuses_a_self_intersecting_jurisdiction(admin_client):
    page = errors_of(admin_client.post("/admin/organization/unit/add/", unit_form(jurisdiction=BOWTIE)))
    assert "管辖范围不是有效的多边形" in page
    assert "边界自相交" in page
    assert not Unit.objects.filter(code="branch_west").exists()


def test_it_refuses_a_jurisdiction_that_is_not_a_polygon(admin_client):
    page = errors_of(admin_client.post(
        "/admin/organization/unit/add/", unit_form(jurisdiction="LINESTRING(114.26 30.56, 114.34 30.64)")
    ))
    assert "管辖范围必须是多边形" in page
    page = errors_of(admin_client.post("/admin/organization/unit/add/", unit_form(jurisdiction="不是图形")))
    assert "无法识别管辖范围" in page
    page = errors_of(admin_client.post(
        "/admin/organization/unit/add/",
        unit_form(jurisdiction="POLYGON((30.56 214.26, 30.64 214.26, 30.64 214.34, 30.56 214.26))"),
    ))
    assert "坐标超出经纬度范围" in page
    assert not Unit.objects.filter(code="branch_west").exists()


def test_it_refuses_a_unit_that_is_its_own_ancestor(admin_client, bureau):
    data = unit_form(code="bureau", name="局领导", kind="bureau", parent=str(bureau.div1.pk))
    page = errors_of(admin_client.post(f"/admin/organization/unit/{bureau.bureau.pk}/change/", data))
    assert "上级单位不能是本单位的下级单位" in page
    data = unit_form(code="div1", name="行政审批一处", kind="division", parent=str(bureau.div1.pk))
    page = errors_of(admin_client.post(f"/admin/organization/unit/{bureau.div1.pk}/change/", data))
    assert "上级单位不能是本单位自己" in page
    bureau.bureau.refresh_from_db()
    assert bureau.bureau.parent is None


def test_it_refuses_a_post_without_a_unit(admin_client, bureau):
    page = errors_of(admin_client.post("/admin/organization/post/add/", post_form()))
    assert "请选择岗位所属单位" in page
    assert not Post.objects.filter(code="div1.clerk").exists()


def test_it_adds_a_post_with_its_members(admin_client, bureau, other_member):
    data = post_form(unit=str(bureau.div1.pk), **{
        "memberships-TOTAL_FORMS": "1", "memberships-0-user": str(other_member.pk), "memberships-0-since": "",
    })
    assert admin_client.post("/admin/organization/post/add/", data).status_code == 302
    post = Post.objects.get(code="div1.clerk")
    assert list(post.members.all()) == [other_member]


def test_it_refuses_a_bad_post_code(admin_client, bureau):
    page = errors_of(admin_client.post("/admin/organization/post/add/",
                                       post_form(code="Div 1 / clerk", unit=str(bureau.div1.pk))))
    assert "岗位编码只能由小写字母" in page


def test_it_refuses_a_substitute_range_that_ends_before_it_starts(admin_client, bureau, other_member):
    data = {"post": str(bureau.handler_post.pk), "absent": str(bureau.handler.pk),
            "substitute": str(other_member.pk), "starts_on": "2026-03-06", "ends_on": "2026-03-02", "reason": ""}
    page = errors_of(admin_client.post("/admin/organization/substitute/add/", data))
    assert "结束日期不能早于开始日期" in page
    assert page.count("结束日期不能早于开始日期") == 1
    assert not Substitute.objects.exists()
    data["ends_on"] = "2026-03-09"
    assert admin_client.post("/admin/organization/substitute/add/", data).status_code == 302
    assert Substitute.objects.get().substitute == other_member


def test_it_refuses_a_substitute_for_oneself(admin_client, bureau):
    data = {"post": str(bureau.handler_post.pk), "absent": str(bureau.handler.pk),
            "substitute": str(bureau.handler.pk), "starts_on": "2026-03-02", "ends_on": "2026-03-06", "reason": ""}
    page = errors_of(admin_client.post("/admin/organization/substitute/add/", data))
    assert "代理人不能是请假人本人" in page


def test_the_lists_show(admin_client, bureau):
    PostMembership.objects.get_or_create(post=bureau.head_post, user=bureau.head)
    for path in ("/admin/organization/unit/", "/admin/organization/post/", "/admin/organization/substitute/",
                 "/admin/organization/substitute/?when=now", f"/admin/organization/post/{bureau.head_post.pk}/change/"):
        assert admin_client.get(path).status_code == 200, path


def test_the_admin_refuses_staff_who_are_not_administrators(client, bureau):
    client.force_login(bureau.head)
    response = client.get("/admin/organization/unit/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_does_not_log_an_unchanged_jurisdiction_as_changed(admin_client):
    from django.contrib.admin.models import LogEntry

    admin_client.post("/admin/organization/unit/add/", unit_form(jurisdiction=SQUARE))
    unit = Unit.objects.get(code="branch_west")
    page = admin_client.get(f"/admin/organization/unit/{unit.pk}/change/")
    shown = page.context["adminform"].form["jurisdiction"].value()
    before = unit.jurisdiction
    response = admin_client.post(f"/admin/organization/unit/{unit.pk}/change/",
                                 unit_form(name="西区分局（改）", jurisdiction=shown))
    assert response.status_code == 302
    entry = LogEntry.objects.filter(object_id=str(unit.pk), action_flag=2).get()
    assert "管辖范围" not in entry.get_change_message()
    unit.refresh_from_db()
    assert unit.jurisdiction.equals_exact(before, 0.01)
